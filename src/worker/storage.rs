//! Object storage for jobs: `file://`, `s3://`, `gs://`, `az://` and `memory://` URLs.
//!
//! Input: URLs from a job and the job's deadline. Output: object bytes, or a
//! [`StorageError`] that says whether retrying can help. Guarantees: one client per
//! bucket, reused across jobs; HTTP stores retry transient failures (5xx, timeouts) with
//! exponential backoff inside the job's deadline, and a permanent failure (404, 403, 401,
//! a malformed location) returns at once; credentials and endpoints come from the
//! environment the way each cloud SDK reads them (`AWS_*`, `GOOGLE_*`, `AZURE_*`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{BackoffConfig, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use url::Url;

/// A storage failure, sorted by whether a retry may succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    /// The object is missing or forbidden, or the location is malformed.
    #[error("{0}")]
    Permanent(String),
    /// The service failed or timed out; a later attempt may succeed.
    #[error("{0}")]
    Transient(String),
}

impl StorageError {
    /// The metric label of the error: `permanent` or `transient`.
    pub fn kind(&self) -> &'static str {
        match self {
            StorageError::Permanent(_) => "permanent",
            StorageError::Transient(_) => "transient",
        }
    }

    /// True when the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::Permanent(m) if m.starts_with("not found"))
    }
}

/// The stores a worker talks to, created on first use.
#[derive(Debug, Default)]
pub struct Storage {
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl Storage {
    /// An empty set of stores.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a whole object.
    pub async fn get(&self, url: &Url, deadline: Instant) -> Result<Vec<u8>, StorageError> {
        let (store, path) = self.locate(url)?;
        let fetch = async {
            let r = store.get(&path).await.map_err(|e| classify(url, e))?;
            r.bytes().await.map_err(|e| classify(url, e))
        };
        let bytes = within(deadline, url, fetch).await??;
        Ok(bytes.to_vec())
    }

    /// True when the object exists (a HEAD request: nothing is downloaded).
    pub async fn exists(&self, url: &Url, deadline: Instant) -> Result<bool, StorageError> {
        let (store, path) = self.locate(url)?;
        let head = async { store.head(&path).await.map_err(|e| classify(url, e)) };
        match within(deadline, url, head).await? {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Writes a whole object (atomically: readers see the old or the new bytes).
    pub async fn put(
        &self,
        url: &Url,
        bytes: Vec<u8>,
        deadline: Instant,
    ) -> Result<(), StorageError> {
        let (store, path) = self.locate(url)?;
        let put = async {
            store
                .put(&path, PutPayload::from(bytes))
                .await
                .map(|_| ())
                .map_err(|e| classify(url, e))
        };
        within(deadline, url, put).await?
    }

    fn locate(&self, url: &Url) -> Result<(Arc<dyn ObjectStore>, Path), StorageError> {
        let key = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
        let path = Path::from_url_path(url.path())
            .map_err(|e| StorageError::Permanent(format!("{url}: bad object path: {e}")))?;
        let mut stores = self
            .stores
            .lock()
            .map_err(|_| StorageError::Transient("storage registry poisoned".into()))?;
        if let Some(s) = stores.get(&key) {
            return Ok((Arc::clone(s), path));
        }
        let store = build_store(url)?;
        stores.insert(key, Arc::clone(&store));
        Ok((store, path))
    }
}

/// Runs `f` unless the deadline passes first.
async fn within<T>(
    deadline: Instant,
    url: &Url,
    f: impl std::future::Future<Output = T>,
) -> Result<T, StorageError> {
    let left = deadline.saturating_duration_since(Instant::now());
    tokio::time::timeout(left, f)
        .await
        .map_err(|_| StorageError::Transient(format!("{url}: timed out within the job's deadline")))
}

/// Retries of HTTP stores. Client options (timeouts 30 s / connect 5 s, `*_ALLOW_HTTP`)
/// stay as each builder reads them from the environment.
fn retry() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            base: 2.0,
        },
        max_retries: 5,
        retry_timeout: Duration::from_secs(60),
    }
}

fn build_store(url: &Url) -> Result<Arc<dyn ObjectStore>, StorageError> {
    let bad = |e: object_store::Error| StorageError::Permanent(format!("{url}: {e}"));
    Ok(match url.scheme() {
        "file" => Arc::new(LocalFileSystem::new()),
        "memory" => Arc::new(InMemory::new()),
        "s3" => Arc::new(
            AmazonS3Builder::from_env()
                .with_url(url.as_str())
                .with_retry(retry())
                .build()
                .map_err(bad)?,
        ),
        "gs" => Arc::new(
            GoogleCloudStorageBuilder::from_env()
                .with_url(url.as_str())
                .with_retry(retry())
                .build()
                .map_err(bad)?,
        ),
        "az" => Arc::new(
            MicrosoftAzureBuilder::from_env()
                .with_url(url.as_str())
                .with_retry(retry())
                .build()
                .map_err(bad)?,
        ),
        other => {
            return Err(StorageError::Permanent(format!(
                "{url}: scheme {other:?} is not supported"
            )))
        }
    })
}

/// Sorts an object_store error by whether retrying can help.
fn classify(url: &Url, e: object_store::Error) -> StorageError {
    use object_store::Error as E;
    match e {
        E::NotFound { .. } => StorageError::Permanent(format!("not found: {url}")),
        E::PermissionDenied { .. } | E::Unauthenticated { .. } => {
            StorageError::Permanent(format!("access denied: {url}: {e}"))
        }
        E::InvalidPath { .. } | E::NotSupported { .. } | E::UnknownConfigurationKey { .. } => {
            StorageError::Permanent(format!("{url}: {e}"))
        }
        other => StorageError::Transient(format!("{url}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_store_round_trip_and_missing_is_permanent() {
        let dir = std::env::temp_dir().join(format!("octopus-storage-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let s = Storage::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        let url = Url::from_file_path(dir.join("a.bin")).expect("url");
        s.put(&url, vec![1, 2, 3], deadline).await.expect("put");
        assert_eq!(s.get(&url, deadline).await.expect("get"), vec![1, 2, 3]);
        assert!(s.exists(&url, deadline).await.expect("head"));
        let missing = Url::from_file_path(dir.join("nope.bin")).expect("url");
        assert!(!s.exists(&missing, deadline).await.expect("head"));
        let e = s.get(&missing, deadline).await.expect_err("missing");
        assert!(e.is_not_found(), "{e:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
