//! Everything one job downloads: its document, the manifest and components it needs, and
//! the images they reference.
//!
//! Input: a parsed job, the worker's context and the job's deadline. Output: the document
//! bytes and a [`MemoryAssets`] holding the rest, or a [`Failure`]. Guarantees:
//! - every location is checked against the worker's roots before it is touched (by
//!   [`super::storage::Storage`]); a component path from the manifest must also lie inside
//!   the design's folder once normalised (absolute URLs, absolute paths, `..`, `%2e%2e`
//!   and backslashes are refused with the component's id);
//! - each object's size is read before it is downloaded and held to [`PullLimits`]: bytes
//!   per object, bytes per job and lookups per job (every HEAD counts, found or not, so a
//!   document naming a million missing images stops at the cap); going over is a limits
//!   failure (the normal tier escalates it, the fallback tier dead-letters it);
//! - only what the document references is fetched, each image once; an image reference
//!   that is a path or URL rather than a file name is not fetched at all (the render
//!   reports it).

use std::sync::Arc;
use std::time::Instant;

use url::Url;

use crate::assets::candidates;
use crate::error::Blame;
use crate::render::check_document_size;
use crate::MemoryAssets;

use super::execute::JobContext;
use super::job::Job;
use super::policy::Failure;
use super::references::references;
use super::roots::{canonical, inside};
use super::storage::StorageError;

/// What one job may download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullLimits {
    /// Largest single object (the document is also held to the render's document cap).
    pub object_bytes: u64,
    /// All objects of one job together.
    pub job_bytes: u64,
    /// Objects looked up (HEAD requests), found or not.
    pub lookups: u32,
}

/// The document and everything it needs, within the caps.
pub async fn fetch_inputs(
    ctx: &JobContext,
    job: &Job,
    deadline: Instant,
) -> Result<(Vec<u8>, MemoryAssets), Failure> {
    let mut pull = Pull {
        ctx,
        limits: ctx.budget.pull,
        bytes: 0,
        lookups: 0,
        deadline,
    };
    let doc_cap = (ctx.budget.limits.document_bytes as u64).min(ctx.budget.pull.object_bytes);
    let json = match pull.get(&job.document, doc_cap, "the document").await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Err(Failure::new(
                Blame::Input,
                format!("reading the document: not found: {}", job.document),
            ))
        }
        Err(PullError::TooLarge(size, f)) => {
            // Over the render's document cap: the same limit the render would name.
            return Err(
                match check_document_size(size as usize, &ctx.budget.limits) {
                    Err(e) => Failure::of(&e),
                    Ok(()) => f,
                },
            );
        }
        Err(PullError::Failed(f)) => return Err(f),
    };
    let mut assets = MemoryAssets::new();
    assets.set_fonts(Arc::clone(&ctx.fonts));
    // One parse of the document for both kinds of reference; components first, their
    // images are fetched with the document's.
    let refs = references(&json);
    let mut keys = fetch_components(&mut pull, job, refs.components, &mut assets).await?;
    keys.extend(refs.images);
    keys.sort();
    keys.dedup();
    for key in keys {
        // Missing: the render reports it as a diagnostic and goes on, as the CLI does.
        if let Some((name, bytes)) = fetch_image(&mut pull, job, &key).await? {
            assets.insert(name, bytes);
        }
    }
    Ok((json, assets))
}

/// A job's downloads so far.
struct Pull<'a> {
    ctx: &'a JobContext,
    limits: PullLimits,
    bytes: u64,
    lookups: u32,
    deadline: Instant,
}

enum PullError {
    /// Over a byte cap: the object's size and the failure.
    TooLarge(u64, Failure),
    Failed(Failure),
}

impl From<PullError> for Failure {
    fn from(e: PullError) -> Failure {
        match e {
            PullError::TooLarge(_, f) | PullError::Failed(f) => f,
        }
    }
}

impl Pull<'_> {
    /// Downloads `url` (at most `cap` bytes and what is left of the job's total); `None`
    /// when it does not exist. `what` names it in messages.
    async fn get(&mut self, url: &Url, cap: u64, what: &str) -> Result<Option<Vec<u8>>, PullError> {
        self.lookups += 1;
        if self.lookups > self.limits.lookups {
            return Err(PullError::Failed(Failure::limits(
                "downloads",
                format!(
                    "reading {what}: the job looked up more than {} objects",
                    self.limits.lookups
                ),
            )));
        }
        let left = self.limits.job_bytes.saturating_sub(self.bytes);
        let cap = cap.min(self.limits.object_bytes);
        match self
            .ctx
            .storage
            .get(url, cap.min(left), self.deadline)
            .await
        {
            Ok(bytes) => {
                self.bytes += bytes.len() as u64;
                Ok(Some(bytes))
            }
            Err(e) if e.is_not_found() => Ok(None),
            Err(StorageError::TooLarge { size, .. }) => {
                self.ctx.telemetry.storage_error("too_large");
                let why = if size > cap {
                    format!("{size} bytes, over the cap of {cap} bytes for one object")
                } else {
                    format!(
                        "{size} bytes, more than the {left} bytes left of the job's {} in all",
                        self.limits.job_bytes
                    )
                };
                let f = Failure::limits("downloads", format!("reading {what}: {url} is {why}"));
                Err(PullError::TooLarge(size, f))
            }
            Err(e) => Err(PullError::Failed(storage_failure(self.ctx, what, e))),
        }
    }
}

/// A storage error as a failure: a refused location or a permanent error (403, 404, bad
/// location) blames the input, a transient one (5xx, timeouts) the I/O.
pub fn storage_failure(ctx: &JobContext, what: &str, e: StorageError) -> Failure {
    ctx.telemetry.storage_error(e.kind());
    match e {
        StorageError::Refused(m) => Failure::new(Blame::Input, format!("{what}: refused: {m}")),
        StorageError::Permanent(_) => Failure::new(Blame::Input, format!("{what}: {e}")),
        StorageError::Transient(_) => Failure::new(Blame::Io, format!("{what}: {e}")),
        StorageError::TooLarge { .. } => Failure::limits("downloads", format!("{what}: {e}")),
    }
}

/// Image `key` under the assets prefix, trying the names the core would (`key`,
/// `key.png`, ...); `None` when none exists.
async fn fetch_image(
    pull: &mut Pull<'_>,
    job: &Job,
    key: &str,
) -> Result<Option<(String, Vec<u8>)>, Failure> {
    for name in candidates(key) {
        // A path or URL is never fetched; the render reports the reference.
        let Ok(url) = job.asset_url(&name) else {
            return Ok(None);
        };
        let what = format!("image {key:?}");
        if let Some(bytes) = pull.get(&url, u64::MAX, &what).await? {
            return Ok(Some((name, bytes)));
        }
    }
    Ok(None)
}

/// For COMPONENT_REFERENCE layers: reads `octopus-manifest.json` beside the document and
/// fetches the referenced components (and those they reference); returns the image keys
/// the components use. A missing manifest or component is left to the render, which
/// reports it.
async fn fetch_components(
    pull: &mut Pull<'_>,
    job: &Job,
    mut wanted: Vec<String>,
    assets: &mut MemoryAssets,
) -> Result<Vec<String>, Failure> {
    let mut images = Vec::new();
    if wanted.is_empty() {
        return Ok(images);
    }
    let Ok(folder) = job.document.join(".") else {
        return Ok(images);
    };
    let manifest = match folder.join("octopus-manifest.json") {
        Ok(u) => pull.get(&u, u64::MAX, "the manifest").await?,
        Err(_) => return Ok(images),
    };
    let Some(manifest) = manifest.and_then(|b| octopus_schema::parse_manifest(&b).ok()) else {
        return Ok(images);
    };
    let mut done: Vec<String> = Vec::new();
    while let Some(id) = wanted.pop() {
        // Each component is a lookup: the job's lookup cap bounds how many it fetches.
        if done.contains(&id) {
            continue;
        }
        done.push(id.clone());
        let Some(c) = manifest.components.iter().find(|c| c.id == id) else {
            continue;
        };
        let url = component_url(&folder, &id, &c.document_path())?;
        let what = format!("component {id:?}");
        if let Some(bytes) = pull.get(&url, u64::MAX, &what).await? {
            let refs = references(&bytes);
            wanted.extend(refs.components);
            images.extend(refs.images);
            assets.insert_component(id, bytes);
        }
    }
    Ok(images)
}

/// The location of component `id` at `path` (from the manifest), which must lie inside
/// the design's `folder` once normalised.
fn component_url(folder: &Url, id: &str, path: &str) -> Result<Url, Failure> {
    let outside = |why: String| {
        Failure::new(
            Blame::Input,
            format!("invalid manifest: component {id:?} at {path:?} {why}"),
        )
    };
    if Url::parse(path).is_ok() {
        return Err(outside(
            "is an absolute URL; components live in the design's folder".into(),
        ));
    }
    if path.starts_with('/') || path.contains('\\') {
        return Err(outside("is an absolute path or has a backslash".into()));
    }
    let url = folder
        .join(path)
        .map_err(|e| outside(format!("is not a relative path: {e}")))?;
    let (url, folder) = match (canonical(&url), canonical(folder)) {
        (Ok(u), Ok(f)) => (u, f),
        (Err(e), _) | (_, Err(e)) => return Err(outside(e)),
    };
    // The folder itself is not a component document.
    let inside = inside(&url, &folder) && url.path() != folder.path();
    if inside {
        Ok(url)
    } else {
        Err(outside(format!(
            "lies outside the design's folder {folder}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_paths_stay_in_the_design_folder() {
        let folder = Url::parse("s3://b/designs/d1/").expect("url");
        let ok = component_url(&folder, "c", "components/octopus-c.json").expect("inside");
        assert_eq!(ok.as_str(), "s3://b/designs/d1/components/octopus-c.json");
        for bad in [
            "../d2/octopus-c.json",
            "%2e%2e/d2/octopus-c.json",
            "x/%2E%2E/%2e%2e/d2/octopus-c.json",
            "..\\d2\\octopus-c.json",
            "/designs/d2/octopus-c.json",
            "s3://other/octopus-c.json",
            "file:///etc/passwd",
            "x/..%2f..%2fd2/c.json",
            ".",
        ] {
            let e = component_url(&folder, "c", bad).expect_err(bad);
            assert!(e.reason.contains("component \"c\""), "{bad}: {}", e.reason);
        }
    }
}
