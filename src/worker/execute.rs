//! One job, start to finish: fetch the document and its images, render, upload.
//!
//! Input: a message body and the worker's shared context. Output: [`Executed`]: `Ok` once
//! every output is stored, or a [`Failure`] (blame and reason) that the policy table turns
//! into exactly one queue action (see `policy.rs`), with the [`JobReport`] its result is
//! published from. Guarantees: rendering runs on the worker's rayon pool, never on the
//! async reactor, and under `catch_unwind`, so a bug fails one job, not the pod (see
//! `produce.rs`); the job's locations are checked against the worker's storage roots before anything
//! is read or written (`check_roots`), and only what the document references is fetched,
//! within the download caps (`fetch.rs`); everything runs against the tier's budget (time,
//! document size, pixels, path segments), and a job over it fails with the limits blame;
//! the budget covers all of a job's outputs together; each output is written once, whole,
//! at `<output>/<key>`, and since rendering is deterministic a redelivered job writes the
//! same bytes.

use std::sync::Arc;
use std::time::Instant;

use crate::cost::Prediction;
use crate::error::Blame;
use crate::procfs;
use crate::text::FontBook;

use super::config::{Budget, Tier};
use super::fetch::fetch_inputs;
use super::job::{parse_job, Job};
use super::metrics::Telemetry;
use super::outcome::Stage;
use super::policy::Failure;
use super::produce::render_and_store;
use super::report::{Cost, DiagnosticSummary, JobReport, StoredOutput};
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

/// How one delivery's job ended, and what it did.
pub struct Executed {
    /// The job's id, when the message had one.
    pub id: Option<String>,
    /// Outputs, diagnostics, timings and costs so far.
    pub report: JobReport,
    /// Done, or why not.
    pub result: Result<(), Failure>,
}

/// Runs one job. `vanished`: an earlier delivery of this message was never settled (see
/// `after_vanished`).
pub async fn execute_job(ctx: &JobContext, body: &[u8], vanished: bool) -> Executed {
    let mut report = JobReport::default();
    let job = match parse_job(body) {
        Ok(j) => j,
        Err(e) => {
            return Executed {
                id: None,
                report,
                result: Err(Failure::new(Blame::Input, format!("invalid job: {e}"))),
            }
        }
    };
    let result = match check_roots(ctx, &job) {
        Err(f) => Err(f),
        Ok(()) if vanished => match after_vanished(ctx, &job, &mut report).await {
            Some(settled) => settled,
            None => run(ctx, &job, &mut report).await,
        },
        Ok(()) => run(ctx, &job, &mut report).await,
    };
    Executed {
        id: Some(job.id),
        report,
        result,
    }
}

/// A delivery whose earlier attempt was never settled: its worker died (killed out of
/// memory, evicted, crashed) or lost the broker. If that attempt stored every output, the
/// job is done (`Some(Ok)`): rendering is deterministic, so the stored bytes are the ones
/// this attempt would write. Otherwise a normal-tier worker escalates it without trying:
/// it cannot tell a job that killed a worker from one that merely lost its connection,
/// and another try of a job that kills workers would cost a pod. The fallback tier tries
/// again (`None`), up to the delivery limit.
async fn after_vanished(
    ctx: &JobContext,
    job: &Job,
    report: &mut JobReport,
) -> Option<Result<(), Failure>> {
    let deadline = Instant::now() + ctx.budget.time;
    let mut stored = true;
    for url in job.output_urls() {
        match ctx.storage.exists(&url, Access::Write, deadline).await {
            Ok(true) => {}
            Ok(false) => stored = false,
            // Unknown: treat as not stored; the render overwrites with the same bytes.
            Err(e) => {
                tracing::warn!(job_id = %job.id, error = %e, "cannot tell whether an output exists");
                stored = false;
            }
        }
        if !stored {
            break;
        }
    }
    if stored {
        tracing::info!(job_id = %job.id, "outputs already stored by an earlier attempt");
        report.outputs = stored_outputs(job);
        return Some(Ok(()));
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

/// The outputs an earlier attempt stored, as far as this attempt knows them (their scale
/// and sizes are not read back).
fn stored_outputs(job: &Job) -> Vec<StoredOutput> {
    job.outputs
        .iter()
        .map(|o| StoredOutput {
            key: o.key.clone(),
            url: job.output_url(&o.key).to_string(),
            layer: o.spec.layer.clone(),
            format: o.spec.encoding.format.name(),
            scale: None,
            width: None,
            height: None,
            bytes: None,
        })
        .collect()
}

async fn run(ctx: &JobContext, job: &Job, report: &mut JobReport) -> Result<(), Failure> {
    let deadline = Instant::now() + ctx.budget.time;
    let t0 = Instant::now();
    let (json, assets) = fetch_inputs(ctx, job, deadline).await?;
    let fetch = t0.elapsed().as_secs_f64();
    report.timings.fetch = Some(fetch);
    ctx.telemetry.stage(Stage::Fetch, fetch);
    procfs::reset_peak();
    let cpu0 = procfs::cpu_seconds();
    let rendered = render_and_store(ctx, job, json, assets, deadline, report).await;
    record_cost(
        ctx,
        job,
        report,
        rendered.as_ref().ok().copied().flatten(),
        cpu0,
    );
    log_diagnostics(job, &report.diagnostics);
    if let Err(f) = &rendered {
        if matches!(f.label, "deadline" | "memory") {
            ctx.telemetry.budget_abort(f.label);
        }
    }
    rendered.map(|_| ())
}

/// Every location the job names must lie inside the worker's roots; checked before
/// anything is read or written.
fn check_roots(ctx: &JobContext, job: &Job) -> Result<(), Failure> {
    let outputs = job.output_urls();
    let checks = [
        ("document", &job.document, Access::Read),
        ("assets", &job.assets, Access::Read),
    ]
    .into_iter()
    .chain(outputs.iter().map(|u| ("output", u, Access::Write)));
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

/// Logs a job's diagnostics as one line: how many of each kind and the first few.
fn log_diagnostics(job: &Job, diags: &DiagnosticSummary) {
    if diags.count == 0 {
        return;
    }
    let kinds: Vec<String> = diags
        .kinds
        .iter()
        .map(|(k, n)| format!("{k}={n}"))
        .collect();
    tracing::warn!(
        job_id = %job.id,
        diagnostics = diags.count,
        kinds = %kinds.join(","),
        first = %diags.first.join("; "),
        "render diagnostics"
    );
}

/// Records the job's predicted and actual cost and the process's peak memory.
fn record_cost(
    ctx: &JobContext,
    job: &Job,
    report: &mut JobReport,
    prediction: Option<Prediction>,
    cpu0: Option<f64>,
) {
    let actual = cpu0.zip(procfs::cpu_seconds()).map(|(a, b)| b - a);
    let peak = procfs::peak_resident_bytes();
    report.cost = Cost {
        predicted_cpu_seconds: prediction.map(|p| p.cpu_seconds),
        actual_cpu_seconds: actual,
        peak_memory_bytes: peak,
    };
    if let Some(p) = peak {
        ctx.telemetry.peak_memory.observe(p as f64);
    }
    if let (Some(pred), Some(actual)) = (prediction, actual) {
        ctx.telemetry.cost(pred.cpu_seconds, actual);
        tracing::info!(
            job_id = %job.id,
            outputs = job.outputs.len(),
            predicted_cpu_seconds = pred.cpu_seconds,
            actual_cpu_seconds = actual,
            predicted_raster_mb = pred.raster_bytes / 1_048_576.0,
            peak_memory_mb = peak.map(|p| p >> 20),
            "render cost"
        );
    }
}
