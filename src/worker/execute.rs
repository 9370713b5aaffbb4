//! One job, start to finish: fetch the document and its images, render, upload.
//!
//! Input: a message body and the worker's shared context. Output: `Ok` once the output is
//! stored, or a [`Failure`] (blame and reason) that the policy table turns into exactly one
//! queue action (see `policy.rs`). Guarantees: rendering runs on the worker's rayon pool,
//! never on the async reactor, and under `catch_unwind`, so a bug fails one job, not the
//! pod; the job's locations are checked against the worker's storage roots before anything
//! is read or written (`check_roots`), and only what the document references is fetched,
//! within the download caps (`fetch.rs`); everything runs against the tier's budget (time,
//! document size, pixels, path segments), and a job over it fails with the limits blame;
//! the output is written once, whole, at `<output>/<id>.png`, and since rendering is
//! deterministic a redelivered job writes the same bytes.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use crate::diag::Diagnostic;
use crate::error::Blame;
use crate::procfs;
use crate::render::{render_png_owned, RenderConfig, Rendered};
use crate::text::FontBook;
use crate::MemoryAssets;

use super::config::{Budget, Tier};
use super::fetch::{fetch_inputs, storage_failure};
use super::job::{parse_job, Job};
use super::metrics::Telemetry;
use super::outcome::Stage;
use super::policy::Failure;
use super::roots::Access;
use super::storage::Storage;

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
    if let Err(f) = check_roots(ctx, &job) {
        return (Some(job.id), Err(f));
    }
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
    match ctx
        .storage
        .exists(&job.output_url(), Access::Write, deadline)
        .await
    {
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
    let (json, assets) = fetch_inputs(ctx, job, deadline).await?;
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
    log_diagnostics(job, &rendered.diagnostics);
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

/// Every location the job names must lie inside the worker's roots; checked before
/// anything is read or written.
fn check_roots(ctx: &JobContext, job: &Job) -> Result<(), Failure> {
    let checks = [
        ("document", &job.document, Access::Read),
        ("assets", &job.assets, Access::Read),
        ("output", &job.output_url(), Access::Write),
    ];
    for (field, url, access) in checks {
        if let Err(why) = ctx.storage.admits(url, access) {
            ctx.telemetry.storage_error("refused");
            return Err(Failure::new(
                Blame::Input,
                format!("job {field} refused: {why}"),
            ));
        }
    }
    Ok(())
}

/// Logs a render's diagnostics as one line: how many of each kind and the first few.
/// (The core keeps at most [`crate::diag::MAX_KEPT`] of them.)
fn log_diagnostics(job: &Job, diags: &[Diagnostic]) {
    if diags.is_empty() {
        return;
    }
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for d in diags {
        match kinds.iter_mut().find(|(k, _)| *k == d.kind.as_str()) {
            Some((_, n)) => *n += 1,
            None => kinds.push((d.kind.as_str(), 1)),
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k}={n}")).collect();
    let mut first: String = diags
        .iter()
        .take(5)
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    if first.len() > 2048 {
        let mut cut = 2048;
        while !first.is_char_boundary(cut) {
            cut -= 1;
        }
        first.truncate(cut);
    }
    tracing::warn!(
        job_id = %job.id,
        diagnostics = diags.len(),
        kinds = %kinds.join(","),
        first = %first,
        "render diagnostics"
    );
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
        origin: job.origin,
        gradients: job.gradients,
        ..ctx.budget.render_config()
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    #[cfg(feature = "fault-injection")]
    let id = job.id.clone();
    let telemetry = Arc::clone(&ctx.telemetry);
    ctx.pool.spawn(move || {
        let _watched = telemetry.watchdog.start();
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
