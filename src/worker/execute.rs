//! One job, start to finish: fetch the document and its images, render, upload.
//!
//! Input: a message body and the worker's shared context. Output: `Ok` once the output is
//! stored, or a [`Failure`] (blame and reason) that the policy table turns into exactly one
//! queue action (see `policy.rs`). Guarantees:
//! rendering runs on the worker's rayon pool, never on the async reactor, and under
//! `catch_unwind`, so a bug fails one job, not the pod; only the images the document
//! references are fetched, each from under the job's assets prefix; everything runs
//! against the tier's budget (time, document size, pixels, path segments), and a job over it
//! fails with the limits blame; the output is written once,
//! whole, at `<output>/<id>.png`, and since rendering is deterministic a redelivered job
//! writes the same bytes.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use crate::assets::candidates;
use crate::error::Blame;
use crate::procfs;
use crate::render::{check_document_size, render_png_owned, RenderConfig, Rendered};
use crate::text::FontBook;
use crate::MemoryAssets;

use super::config::{Budget, Tier};
use super::job::{parse_job, Job};
use super::metrics::Telemetry;
use super::outcome::Stage;
use super::policy::Failure;
use super::references::references;
use super::storage::{Storage, StorageError};

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
    /// Deliveries before a failing job is dead-lettered.
    pub delivery_limit: u32,
    /// Metrics.
    pub telemetry: Arc<Telemetry>,
    /// Time running jobs get after a stop signal.
    pub grace: std::time::Duration,
}

/// Runs one job; returns its id (when the message had one) and how it ended. `vanished`:
/// an earlier delivery of this message was never settled (see `after_vanished`).
pub async fn execute_job(
    ctx: &JobContext,
    body: &[u8],
    vanished: bool,
) -> (Option<String>, Result<(), Failure>) {
    let job = match parse_job(body) {
        Ok(j) => j,
        Err(e) => {
            return (
                None,
                Err(Failure::new(Blame::Input, format!("invalid job: {e}"))),
            )
        }
    };
    let result = if vanished {
        match after_vanished(ctx, &job).await {
            Some(settled) => settled,
            None => run(ctx, &job).await,
        }
    } else {
        run(ctx, &job).await
    };
    (Some(job.id), result)
}

/// A delivery whose earlier attempt was never settled: its worker died (killed out of
/// memory, evicted, crashed) or lost the broker. If that attempt stored the output, the
/// job is done (`Some(Ok)`): rendering is deterministic, so the stored bytes are the ones
/// this attempt would write. Otherwise a normal-tier worker escalates it without trying:
/// it cannot tell a job that killed a worker from one that merely lost its connection,
/// and another try of a job that kills workers would cost a pod. The fallback tier tries
/// again (`None`), up to the delivery limit.
async fn after_vanished(ctx: &JobContext, job: &Job) -> Option<Result<(), Failure>> {
    let deadline = Instant::now() + ctx.budget.time;
    match ctx.storage.exists(&job.output_url(), deadline).await {
        Ok(true) => {
            tracing::info!(job_id = %job.id, "output already stored by an earlier attempt");
            return Some(Ok(()));
        }
        Ok(false) => {}
        // Unknown: treat as not stored; the render overwrites with the same bytes.
        Err(e) => {
            tracing::warn!(job_id = %job.id, error = %e, "cannot tell whether the output exists")
        }
    }
    match ctx.tier {
        Tier::Normal => Some(Err(Failure::limits(
            "vanished",
            "an earlier delivery ended without a result (the worker was killed, out of memory \
             or evicted, or lost the broker)",
        ))),
        Tier::Fallback => None,
    }
}

async fn run(ctx: &JobContext, job: &Job) -> Result<(), Failure> {
    let deadline = Instant::now() + ctx.budget.time;
    let t0 = Instant::now();
    let json = match ctx.storage.get(&job.document, deadline).await {
        Ok(b) => b,
        Err(e) => return Err(storage_failure(ctx, "reading the document", e)),
    };
    // Checked again by the render; here it saves fetching the images of a job that
    // cannot run on this tier.
    if let Err(e) = check_document_size(json.len(), &ctx.budget.limits) {
        return Err(Failure::of(&e));
    }
    let mut assets = MemoryAssets::new();
    assets.set_fonts(Arc::clone(&ctx.fonts));
    // One parse of the document for both kinds of reference; components first, their
    // images are fetched with the document's.
    let refs = references(&json);
    let mut keys = fetch_components(ctx, job, refs.components, &mut assets, deadline).await?;
    keys.extend(refs.images);
    keys.sort();
    keys.dedup();
    for key in keys {
        // Missing: the render reports it as a diagnostic and goes on, as the CLI does.
        if let Some((name, bytes)) = fetch_image(ctx, job, &key, deadline).await? {
            assets.insert(name, bytes);
        }
    }
    ctx.telemetry
        .stage(Stage::Fetch, t0.elapsed().as_secs_f64());
    let t1 = Instant::now();
    procfs::reset_peak();
    let cpu0 = procfs::cpu_seconds();
    let (png, rendered) = match render_on_pool(ctx, job, json, assets, deadline).await {
        Ok(r) => r,
        Err(f) => {
            if matches!(f.label, "deadline" | "memory") {
                ctx.telemetry.budget_abort(f.label);
            }
            return Err(f);
        }
    };
    for d in &rendered.diagnostics {
        tracing::warn!(job_id = %job.id, diagnostic = %d, "render diagnostic");
    }
    ctx.telemetry
        .stage(Stage::Render, t1.elapsed().as_secs_f64());
    record_cost(ctx, job, &rendered, cpu0);
    let t2 = Instant::now();
    if let Err(e) = ctx.storage.put(&job.output_url(), png, deadline).await {
        return Err(storage_failure(ctx, "writing the output", e));
    }
    ctx.telemetry
        .stage(Stage::Upload, t2.elapsed().as_secs_f64());
    Ok(())
}

/// Records the render's predicted and actual cost and the process's peak memory.
fn record_cost(ctx: &JobContext, job: &Job, rendered: &Rendered, cpu0: Option<f64>) {
    let actual = cpu0.zip(procfs::cpu_seconds()).map(|(a, b)| b - a);
    let peak = procfs::peak_resident_bytes();
    if let Some(p) = peak {
        ctx.telemetry.peak_memory.observe(p as f64);
    }
    if let (Some(pred), Some(actual)) = (rendered.prediction, actual) {
        ctx.telemetry.cost(pred.cpu_seconds, actual);
        tracing::info!(
            job_id = %job.id,
            predicted_cpu_seconds = pred.cpu_seconds,
            actual_cpu_seconds = actual,
            predicted_raster_mb = pred.raster_bytes / 1_048_576.0,
            peak_memory_mb = peak.map(|p| p >> 20),
            "render cost"
        );
    }
}

/// A storage error as a failure: permanent ones (403, 404, bad location) blame the input,
/// transient ones (5xx, timeouts) the I/O.
fn storage_failure(ctx: &JobContext, what: &str, e: StorageError) -> Failure {
    let blame = match e {
        StorageError::Permanent(_) => Blame::Input,
        StorageError::Transient(_) => Blame::Io,
    };
    ctx.telemetry.storage_error(e.kind());
    Failure::new(blame, format!("{what}: {e}"))
}

/// Fetches image `key` under the assets prefix, trying the names the core would
/// (`key`, `key.png`, ...); `None` when none exists.
async fn fetch_image(
    ctx: &JobContext,
    job: &Job,
    key: &str,
    deadline: Instant,
) -> Result<Option<(String, Vec<u8>)>, Failure> {
    for name in candidates(key) {
        let url = job
            .asset_url(&name)
            .map_err(|e| Failure::new(Blame::Input, format!("invalid document: {e}")))?;
        match ctx.storage.get(&url, deadline).await {
            Ok(bytes) => return Ok(Some((name, bytes))),
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(storage_failure(ctx, "reading an image", e)),
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
) -> Result<(Vec<u8>, Rendered), Failure> {
    let cfg = RenderConfig {
        scale: job.scale,
        deadline: Some(deadline),
        antialias: job.antialias,
        ..ctx.budget.render_config()
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    #[cfg(feature = "fault-injection")]
    let id = job.id.clone();
    ctx.pool.spawn(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            #[cfg(feature = "fault-injection")]
            super::fault::inject(&id);
            let mut png = Vec::new();
            render_png_owned(json, &cfg, &assets, &mut png).map(|r| (png, r))
        }));
        // The receiver is gone only when the job was abandoned (shutdown): nobody to tell.
        let _abandoned = tx.send(result);
    });
    let left = deadline.saturating_duration_since(Instant::now());
    let joined = tokio::time::timeout(left + std::time::Duration::from_secs(1), rx).await;
    match joined {
        Err(_) => Err(Failure::limits(
            "deadline",
            format!("render took longer than this tier's {:?}", ctx.budget.time),
        )),
        Ok(Err(_)) => Err(Failure::new(Blame::Internal, "render thread vanished")),
        Ok(Ok(Err(panic))) => Err(Failure::new(
            Blame::Internal,
            format!("render panicked: {}", panic_text(&panic)),
        )),
        Ok(Ok(Ok(result))) => result.map_err(|e| Failure::of(&e)),
    }
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
) -> Result<Vec<String>, Failure> {
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
        Err(e) => return Err(storage_failure(ctx, "reading the manifest", e)),
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
            return Err(Failure::new(
                Blame::Input,
                format!(
                    "invalid manifest: component {id:?} lives outside the design's folder ({path:?})"
                ),
            ));
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
            Err(e) => return Err(storage_failure(ctx, "reading a component", e)),
        }
    }
    Ok(images)
}
