//! Object storage for jobs: `file://`, `s3://`, `gs://`, `az://` and `memory://` URLs.
//!
//! Input: URLs from a job, the job's deadline and a size cap per object. Output: object
//! bytes, or a [`StorageError`] that says whether retrying can help. Guarantees: nothing
//! outside the worker's [`Roots`] is read or written (every URL is checked in canonical
//! form first, and the canonical form is what is fetched); an object's size is read (HEAD)
//! before it is downloaded, and a download stops as soon as it passes its cap (the object
//! may have grown after the HEAD); one client per
//! bucket, reused across jobs; HTTP stores retry transient failures (5xx, timeouts) with
//! exponential backoff inside the job's deadline, and a permanent failure (404, 403, 401,
//! a malformed location) returns at once; credentials and endpoints come from the
//! environment the way each cloud SDK reads them (`AWS_*`, `GOOGLE_*`, `AZURE_*`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{BackoffConfig, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use url::Url;

use super::roots::{Access, Roots};

/// A storage failure, sorted by whether a retry may succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    /// The object is missing or forbidden, or the location is malformed.
    #[error("{0}")]
    Permanent(String),
    /// The service failed or timed out; a later attempt may succeed.
    #[error("{0}")]
    Transient(String),
    /// The location is outside the worker's roots or not in a form it accepts; nothing
    /// was read or written.
    #[error("{0}")]
    Refused(String),
    /// The object is larger than its cap; it was not downloaded (or not past the cap).
    #[error("{url} is {size} bytes or more, over its cap of {cap} bytes")]
    TooLarge {
        /// The object.
        url: String,
        /// Its size, or how much had arrived when the download stopped.
        size: u64,
        /// What it may have.
        cap: u64,
    },
}

impl StorageError {
    /// The metric label of the error: `permanent` or `transient`.
    pub fn kind(&self) -> &'static str {
        match self {
            StorageError::Permanent(_) => "permanent",
            StorageError::Transient(_) => "transient",
            StorageError::Refused(_) => "refused",
            StorageError::TooLarge { .. } => "too_large",
        }
    }

    /// True when the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::Permanent(m) if m.starts_with("not found"))
    }
}

/// The stores a worker talks to, created on first use, and the roots it is confined to.
#[derive(Debug)]
pub struct Storage {
    roots: Roots,
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl Storage {
    /// An empty set of stores confined to `roots`.
    pub fn new(roots: Roots) -> Self {
        Storage {
            roots,
            stores: Mutex::default(),
        }
    }

    /// Whether `url` lies inside the roots for `access` (nothing is contacted).
    pub fn admits(&self, url: &Url, access: Access) -> Result<(), String> {
        self.roots.check(url, access).map(|_| ())
    }

    /// The size of an object in bytes, read with a HEAD request (nothing is downloaded);
    /// `None` when it does not exist. `access` says which roots the URL must lie in.
    pub async fn size(
        &self,
        url: &Url,
        access: Access,
        deadline: Instant,
    ) -> Result<Option<u64>, StorageError> {
        let (store, path, url) = self.locate(url, access)?;
        let head = async { store.head(&path).await.map_err(|e| classify(&url, e)) };
        match within(deadline, &url, head).await? {
            Ok(meta) => Ok(Some(meta.size)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads a whole object of at most `cap` bytes: its size is read first, and a larger
    /// object is refused before any of it is downloaded.
    pub async fn get(
        &self,
        url: &Url,
        cap: u64,
        deadline: Instant,
    ) -> Result<Vec<u8>, StorageError> {
        let size = self
            .size(url, Access::Read, deadline)
            .await?
            .ok_or_else(|| StorageError::Permanent(format!("not found: {url}")))?;
        let too_large = |size: u64| StorageError::TooLarge {
            url: url.to_string(),
            size,
            cap,
        };
        if size > cap {
            return Err(too_large(size));
        }
        let (store, path, url) = self.locate(url, Access::Read)?;
        let fetch = async {
            let r = store.get(&path).await.map_err(|e| classify(&url, e))?;
            let mut out = Vec::with_capacity(size as usize);
            let mut chunks = r.into_stream();
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|e| classify(&url, e))?;
                if (out.len() + chunk.len()) as u64 > cap {
                    return Err(too_large((out.len() + chunk.len()) as u64));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(out)
        };
        within(deadline, &url, fetch).await?
    }

    /// True when the object exists (a HEAD request: nothing is downloaded).
    pub async fn exists(
        &self,
        url: &Url,
        access: Access,
        deadline: Instant,
    ) -> Result<bool, StorageError> {
        Ok(self.size(url, access, deadline).await?.is_some())
    }

    /// Writes a whole object (atomically: readers see the old or the new bytes).
    pub async fn put(
        &self,
        url: &Url,
        bytes: Vec<u8>,
        deadline: Instant,
    ) -> Result<(), StorageError> {
        let (store, path, url) = self.locate(url, Access::Write)?;
        let put = async {
            store
                .put(&path, PutPayload::from(bytes))
                .await
                .map(|_| ())
                .map_err(|e| classify(&url, e))
        };
        within(deadline, &url, put).await?
    }

    /// The store and object path of `url`, once its canonical form is found inside the
    /// roots for `access`; the canonical URL is returned for messages.
    fn locate(
        &self,
        url: &Url,
        access: Access,
    ) -> Result<(Arc<dyn ObjectStore>, Path, Url), StorageError> {
        let url = self
            .roots
            .check(url, access)
            .map_err(StorageError::Refused)?;
        let key = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
        let path = Path::from_url_path(url.path())
            .map_err(|e| StorageError::Permanent(format!("{url}: bad object path: {e}")))?;
        let mut stores = self
            .stores
            .lock()
            .map_err(|_| StorageError::Transient("storage registry poisoned".into()))?;
        if let Some(s) = stores.get(&key) {
            return Ok((Arc::clone(s), path, url));
        }
        let store = build_store(&url)?;
        stores.insert(key, Arc::clone(&store));
        Ok((store, path, url))
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
        let root = format!("file://{}/", dir.display());
        let root = [root];
        let roots = Roots::parse(&root, &root).expect("roots");
        let s = Storage::new(roots);
        let deadline = Instant::now() + Duration::from_secs(10);
        let url = Url::from_file_path(dir.join("a.bin")).expect("url");
        s.put(&url, vec![1, 2, 3], deadline).await.expect("put");
        assert_eq!(s.get(&url, 3, deadline).await.expect("get"), vec![1, 2, 3]);
        let e = s.get(&url, 2, deadline).await.expect_err("over the cap");
        assert!(matches!(e, StorageError::TooLarge { size: 3, .. }), "{e:?}");
        assert!(s.exists(&url, Access::Read, deadline).await.expect("head"));
        let missing = Url::from_file_path(dir.join("nope.bin")).expect("url");
        assert!(!s
            .exists(&missing, Access::Read, deadline)
            .await
            .expect("head"));
        let e = s.get(&missing, 10, deadline).await.expect_err("missing");
        assert!(e.is_not_found(), "{e:?}");
        let outside = Url::from_file_path(dir.join("../x.bin")).expect("url");
        let e = s
            .put(&outside, vec![1], deadline)
            .await
            .expect_err("outside");
        assert!(matches!(e, StorageError::Refused(_)), "{e:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
