//! A job's outputs: rendered on the worker's pool, each stored as soon as it is encoded.
//!
//! Input: a job, its fetched document and bitmaps, the deadline. Output: every output
//! stored at `<output>/<key>`, recorded in the [`JobReport`] in the order asked, and the
//! predicted cost of them all; or the [`Failure`] that stopped it. Guarantees: rendering
//! runs on the rayon pool under `catch_unwind`, never on the reactor, so a bug fails one
//! job, not the pod; the document is parsed once (see [`crate::handoff`]); at most one
//! encoded output waits for its upload while the next renders, so memory holds two outputs,
//! not all of them; a failed upload stops the render at its next output; nothing here acks:
//! the caller settles the job only after every output is stored.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::execute::JobContext;
use super::fetch::storage_failure;
use super::job::Job;
use super::outcome::Stage;
use super::policy::Failure;
use super::report::{JobReport, StoredOutput};
use crate::cost::Prediction;
use crate::error::{Blame, Error};
use crate::handoff::{render_outputs, OutputSpec, Produced, Summary};
use crate::render::RenderConfig;
use crate::MemoryAssets;

/// Renders every output of `job` and stores each; the prediction of their summed cost.
pub(super) async fn render_and_store(
    ctx: &JobContext,
    job: &Job,
    json: Vec<u8>,
    assets: MemoryAssets,
    deadline: Instant,
    report: &mut JobReport,
) -> Result<Option<Prediction>, Failure> {
    let specs: Vec<OutputSpec> = job.outputs.iter().map(|o| o.spec.clone()).collect();
    let (tx, mut rx) = mpsc::channel::<Produced>(1);
    let done = spawn_render(ctx, job, json, assets, specs, deadline, tx);
    let t0 = Instant::now();
    let hard = tokio::time::sleep_until((deadline + Duration::from_secs(1)).into());
    tokio::pin!(hard);
    let mut seen = Default::default();
    let (mut upload, mut raster, mut encode) = (0.0, 0.0, 0.0);
    loop {
        let produced = tokio::select! {
            p = rx.recv() => p,
            _ = &mut hard => return Err(over_time(ctx)),
        };
        let Some(p) = produced else { break };
        let out = &job.outputs[p.index];
        let url = job.output_url(&out.key);
        report.diagnostics.add(&p.rendered.diagnostics, &mut seen);
        raster += p.rendered.times.raster.as_secs_f64();
        encode += p.rendered.times.encode.as_secs_f64();
        let t = Instant::now();
        let stored = StoredOutput {
            key: out.key.clone(),
            url: url.to_string(),
            layer: out.spec.layer.clone(),
            format: out.spec.encoding.format.name(),
            scale: Some(p.scale),
            width: Some(p.rendered.width),
            height: Some(p.rendered.height),
            bytes: Some(p.bytes.len()),
        };
        if let Err(e) = ctx.storage.put(&url, p.bytes, deadline).await {
            return Err(storage_failure(ctx, "writing an output", e));
        }
        upload += t.elapsed().as_secs_f64();
        report.outputs.push(stored);
    }
    let summary = tokio::select! {
        r = done => r,
        _ = &mut hard => return Err(over_time(ctx)),
    };
    let render = t0.elapsed().as_secs_f64() - upload;
    report.timings.render = Some(render);
    report.timings.upload = Some(upload);
    ctx.telemetry.stage(Stage::Render, render);
    ctx.telemetry.stage(Stage::Upload, upload);
    let summary = joined(summary)?;
    report.timings.parse = Some(summary.times.parse.as_secs_f64());
    report.timings.scene = Some(summary.times.scene.as_secs_f64());
    report.timings.raster = Some(raster);
    report.timings.encode = Some(encode);
    // Outputs are stored in the order they were produced (grouped by scale); report them
    // in the order asked.
    let order = |key: &str| job.outputs.iter().position(|o| o.key == key);
    report.outputs.sort_by_key(|o| order(&o.key));
    Ok(summary.prediction)
}

type Joined = Result<std::thread::Result<crate::Result<Summary>>, oneshot::error::RecvError>;

/// Starts the render on the pool; the receiver gets how it ended.
fn spawn_render(
    ctx: &JobContext,
    job: &Job,
    json: Vec<u8>,
    assets: MemoryAssets,
    specs: Vec<OutputSpec>,
    deadline: Instant,
    tx: mpsc::Sender<Produced>,
) -> oneshot::Receiver<std::thread::Result<crate::Result<Summary>>> {
    let cfg = RenderConfig {
        deadline: Some(deadline),
        antialias: job.antialias,
        origin: job.origin,
        gradients: job.gradients,
        ..ctx.budget.render_config()
    };
    let (done_tx, done_rx) = oneshot::channel();
    #[cfg(feature = "fault-injection")]
    let id = job.id.clone();
    let telemetry = Arc::clone(&ctx.telemetry);
    ctx.pool.spawn(move || {
        let _watched = telemetry.watchdog.start();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            #[cfg(feature = "fault-injection")]
            super::fault::inject(&id);
            render_outputs(json, &cfg, &assets, &specs, |p| {
                // The receiver is gone when an upload failed or the job was abandoned.
                tx.blocking_send(p)
                    .map_err(|_| Error::Internal("the job stopped taking outputs".into()))
            })
        }));
        // The receiver is gone only when the job was abandoned (shutdown): nobody to tell.
        let _abandoned = done_tx.send(result);
    });
    done_rx
}

/// How the render ended, as the job's result.
fn joined(r: Joined) -> Result<Summary, Failure> {
    match r {
        Err(_) => Err(Failure::new(Blame::Internal, "render thread vanished")),
        Ok(Err(panic)) => Err(Failure::new(
            Blame::Internal,
            format!("render panicked: {}", panic_text(&panic)),
        )),
        Ok(Ok(result)) => result.map_err(|e| Failure::of(&e)),
    }
}

fn over_time(ctx: &JobContext) -> Failure {
    Failure::limits(
        "deadline",
        format!("render took longer than this tier's {:?}", ctx.budget.time),
    )
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
