//! One job, start to finish: fetch the document and its images, render, upload.
//!
//! Input: a message body and the worker's shared context. Output: a [`Verdict`] that the
//! queue loop turns into exactly one action (ack, escalate, dead-letter, retry). Guarantees:
//! rendering runs on the worker's rayon pool, never on the async reactor, and under
//! `catch_unwind`, so a bug fails one job, not the pod; only the images the document
//! references are fetched, each from under the job's assets prefix; everything runs
//! against the tier's budget (time, document size, pixels, path segments) and a job over it
//! escalates (normal tier) or dead-letters (fallback tier); the output is written once,
//! whole, at `<output>/<id>.png`, and since rendering is deterministic a redelivered job
//! writes the same bytes.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use crate::assets::candidates;
use crate::error::Blame;
use crate::render::{render_png_owned, RenderConfig, Rendered};
use crate::text::FontBook;
use crate::{MemoryAssets, Result as RenderResult};

use super::config::{Budget, Tier};
use super::job::{parse_job, Job};
use super::metrics::Telemetry;
use super::storage::{Storage, StorageError};

/// What to do with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Stored: ack.
    Done,
    /// Over this tier's budget: hand to the fallback queue, then ack.
    Escalate(String),
    /// Fails for good: to the dead-letter queue with the reason, then ack.
    DeadLetter(String),
    /// May succeed later: requeue after a backoff.
    Retry(String),
}

/// What jobs share: stores, fonts, the render pool, the budget and telemetry.
pub struct JobContext {
    /// Object stores.
    pub storage: Storage,
    /// Fonts, loaded once per process.
    pub fonts: Arc<FontBook>,
    /// Render threads.
    pub pool: rayon::ThreadPool,
    /// This tier's budget.
    pub budget: Budget,
    /// This tier.
    pub tier: Tier,
    /// Metrics.
    pub telemetry: Arc<Telemetry>,
    /// Time running jobs get after a stop signal.
    pub grace: std::time::Duration,
}

/// Runs one job; returns its id (when the message had one) and the verdict.
pub async fn process(ctx: &JobContext, body: &[u8]) -> (Option<String>, Verdict) {
    let job = match parse_job(body) {
        Ok(j) => j,
        Err(e) => return (None, Verdict::DeadLetter(format!("invalid job: {e}"))),
    };
    let verdict = run(ctx, &job).await;
    let verdict = match verdict {
        Verdict::Escalate(r) if ctx.tier == Tier::Fallback => {
            Verdict::DeadLetter(format!("over the fallback tier's budget: {r}"))
        }
        v => v,
    };
    (Some(job.id), verdict)
}

async fn run(ctx: &JobContext, job: &Job) -> Verdict {
    let deadline = Instant::now() + ctx.budget.time;
    let t0 = Instant::now();
    let json = match ctx.storage.get(&job.document, deadline).await {
        Ok(b) => b,
        Err(e) => return storage_verdict(ctx, "reading the document", e),
    };
    if json.len() > ctx.budget.max_document_bytes {
        return Verdict::Escalate(format!(
            "document is {} bytes, over this tier's {}",
            json.len(),
            ctx.budget.max_document_bytes
        ));
    }
    let mut assets = MemoryAssets::new();
    assets.set_fonts(Arc::clone(&ctx.fonts));
    // One parse of the document for both kinds of reference; components first, their
    // images are fetched with the document's.
    let refs = references(&json);
    let mut keys = match fetch_components(ctx, job, refs.components, &mut assets, deadline).await {
        Ok(k) => k,
        Err(v) => return v,
    };
    keys.extend(refs.images);
    keys.sort();
    keys.dedup();
    for key in keys {
        match fetch_image(ctx, job, &key, deadline).await {
            Ok(Some((name, bytes))) => assets.insert(name, bytes),
            // Missing: the render reports it as a diagnostic and goes on, as the CLI does.
            Ok(None) => {}
            Err(v) => return v,
        }
    }
    ctx.telemetry.stage("fetch", t0.elapsed().as_secs_f64());
    let t1 = Instant::now();
    let png = match render_on_pool(ctx, job, json, assets, deadline).await {
        Ok((png, rendered)) => {
            for d in &rendered.diagnostics {
                tracing::warn!(job_id = %job.id, diagnostic = %d, "render diagnostic");
            }
            png
        }
        Err(v) => return v,
    };
    ctx.telemetry.stage("render", t1.elapsed().as_secs_f64());
    let t2 = Instant::now();
    if let Err(e) = ctx.storage.put(&job.output_url(), png, deadline).await {
        return storage_verdict(ctx, "writing the output", e);
    }
    ctx.telemetry.stage("upload", t2.elapsed().as_secs_f64());
    Verdict::Done
}

fn storage_verdict(ctx: &JobContext, what: &str, e: StorageError) -> Verdict {
    match e {
        StorageError::Permanent(m) => {
            ctx.telemetry.storage_error("permanent");
            Verdict::DeadLetter(format!("{what}: {m}"))
        }
        StorageError::Transient(m) => {
            ctx.telemetry.storage_error("transient");
            Verdict::Retry(format!("{what}: {m}"))
        }
    }
}

/// Fetches image `key` under the assets prefix, trying the names the core would
/// (`key`, `key.png`, ...); `None` when none exists.
async fn fetch_image(
    ctx: &JobContext,
    job: &Job,
    key: &str,
    deadline: Instant,
) -> Result<Option<(String, Vec<u8>)>, Verdict> {
    for name in candidates(key) {
        let url = job
            .asset_url(&name)
            .map_err(|e| Verdict::DeadLetter(format!("invalid document: {e}")))?;
        match ctx.storage.get(&url, deadline).await {
            Ok(bytes) => return Ok(Some((name, bytes))),
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(storage_verdict(ctx, "reading an image", e)),
        }
    }
    Ok(None)
}

/// Renders on the rayon pool; the reactor only awaits the result.
async fn render_on_pool(
    ctx: &JobContext,
    job: &Job,
    json: Vec<u8>,
    assets: MemoryAssets,
    deadline: Instant,
) -> Result<(Vec<u8>, Rendered), Verdict> {
    let cfg = RenderConfig {
        scale: job.scale,
        max_pixels: ctx.budget.max_pixels,
        max_path_segments: ctx.budget.max_path_segments,
        deadline: Some(deadline),
        antialias: job.antialias,
        ..RenderConfig::default()
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let id = job.id.clone();
    ctx.pool.spawn(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            super::fault::inject(&id);
            let mut png = Vec::new();
            render_png_owned(json, &cfg, &assets, &mut png).map(|r| (png, r))
        }));
        // The receiver is gone only when the job was abandoned (shutdown).
        let _ = tx.send(result);
    });
    let left = deadline.saturating_duration_since(Instant::now());
    let joined = tokio::time::timeout(left + std::time::Duration::from_secs(1), rx).await;
    match joined {
        Err(_) => Err(Verdict::Escalate(format!(
            "render took longer than this tier's {:?}",
            ctx.budget.time
        ))),
        Ok(Err(_)) => Err(Verdict::Retry("render thread vanished".into())),
        Ok(Ok(Err(panic))) => Err(Verdict::Retry(format!(
            "render panicked: {}",
            panic_text(&panic)
        ))),
        Ok(Ok(Ok(result))) => render_verdict(result),
    }
}

fn render_verdict(
    result: RenderResult<(Vec<u8>, Rendered)>,
) -> Result<(Vec<u8>, Rendered), Verdict> {
    result.map_err(|e| match e.blame() {
        Blame::Input | Blame::Unsupported => Verdict::DeadLetter(e.to_string()),
        Blame::Limits => Verdict::Escalate(e.to_string()),
        Blame::Io | Blame::Internal => Verdict::Retry(e.to_string()),
    })
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Most component documents one job may fetch.
const MAX_COMPONENTS: usize = 256;

/// For COMPONENT_REFERENCE layers: reads `octopus-manifest.json` beside the document and
/// fetches the referenced components (and those they reference); returns the image keys
/// the components use. A missing manifest or component is left to the render, which
/// reports it.
async fn fetch_components(
    ctx: &JobContext,
    job: &Job,
    mut wanted: Vec<String>,
    assets: &mut MemoryAssets,
    deadline: Instant,
) -> Result<Vec<String>, Verdict> {
    let mut images = Vec::new();
    if wanted.is_empty() {
        return Ok(images);
    }
    let Ok(folder) = job.document.join(".") else {
        return Ok(images);
    };
    let manifest = match folder.join("octopus-manifest.json") {
        Ok(u) => ctx.storage.get(&u, deadline).await,
        Err(_) => return Ok(images),
    };
    let manifest = match manifest {
        Ok(b) => octopus_schema::parse_manifest(&b).ok(),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(storage_verdict(ctx, "reading the manifest", e)),
    };
    let Some(manifest) = manifest else {
        return Ok(images);
    };
    let mut done: Vec<String> = Vec::new();
    while let Some(id) = wanted.pop() {
        if done.contains(&id) || done.len() >= MAX_COMPONENTS {
            continue;
        }
        done.push(id.clone());
        let Some(c) = manifest.components.iter().find(|c| c.id == id) else {
            continue;
        };
        let path = c.document_path();
        if path.split('/').any(|s| s == "..") || path.starts_with('/') {
            return Err(Verdict::DeadLetter(format!(
                "invalid manifest: component {id:?} lives outside the design's folder ({path:?})"
            )));
        }
        let Ok(url) = folder.join(&path) else {
            continue;
        };
        match ctx.storage.get(&url, deadline).await {
            Ok(bytes) => {
                let refs = references(&bytes);
                wanted.extend(refs.components);
                images.extend(refs.images);
                assets.insert_component(id, bytes);
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(storage_verdict(ctx, "reading a component", e)),
        }
    }
    Ok(images)
}

/// What a document needs besides itself.
#[derive(Debug, Default)]
pub struct References {
    /// Image keys (`image.ref.value` anywhere), first-seen order, no repeats.
    pub images: Vec<String>,
    /// Component ids of COMPONENT_REFERENCE layers, first-seen order, no repeats.
    pub components: Vec<String>,
}

/// Both kinds of reference of a document, from one parse. A document that is not JSON has
/// none (the render reports why).
pub fn references(json: &[u8]) -> References {
    let mut out = References::default();
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(json) else {
        return out;
    };
    let push = |list: &mut Vec<String>, s: Option<&str>| {
        if let Some(s) = s {
            if !list.iter().any(|k| k == s) {
                list.push(s.to_owned());
            }
        }
    };
    let mut stack = vec![&v];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(m) => {
                let image = m
                    .get("image")
                    .and_then(|i| i.get("ref"))
                    .and_then(|r| r.get("value"));
                push(&mut out.images, image.and_then(|s| s.as_str()));
                if m.get("type").and_then(|t| t.as_str()) == Some("COMPONENT_REFERENCE") {
                    push(
                        &mut out.components,
                        m.get("componentId").and_then(|s| s.as_str()),
                    );
                }
                stack.extend(m.values());
            }
            serde_json::Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    out
}

/// The image keys a document references (see [`references`]).
pub fn image_refs(json: &[u8]) -> Vec<String> {
    references(json).images
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_image_references_anywhere() {
        let json = br#"{"content": {"layers": [
            {"shape": {"fills": [{"type": "IMAGE", "image": {"ref": {"type": "PATH", "value": "a"}}}]}},
            {"mask": {"shape": {"fills": [{"image": {"ref": {"value": "b"}}}]}}},
            {"text": {"defaultStyle": {"fills": [{"image": {"ref": {"value": "a"}}}]}}}]}}"#;
        let mut refs = image_refs(json);
        refs.sort();
        assert_eq!(refs, ["a", "b"]);
        assert!(image_refs(b"not json").is_empty());
    }
}
