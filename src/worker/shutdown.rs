//! Stopping: signals, the grace period, and jobs that cannot finish in it.
//!
//! Input: SIGTERM or SIGINT, the running jobs and the grace period. Output: the stop flag
//! set, intake closed, running jobs finished or returned. Guarantees: readiness turns 503
//! before anything else; a job whose budget ends within the grace period finishes and
//! settles; one whose budget runs past it goes back to the queue at once, so another worker
//! starts it within seconds instead of after the pod is killed; deliveries that arrive
//! after the cancel are returned untouched.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lapin::message::Delivery;
use lapin::options::BasicCancelOptions;
use lapin::Channel;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::config::WorkerConfig;
use super::execute::{execute_job, Executed, JobContext};
use super::metrics::Telemetry;
use super::queue::{attempt, Topology};
use super::settle::{give_back, GiveBack, Settlement};

/// SIGTERM and SIGINT, caught from the moment this returns: installed before the worker
/// starts its tasks, so a pod stopped right after it starts still shuts down cleanly (exit
/// 0) instead of dying by the default action. `None` when they cannot be caught.
pub fn listen_for_signals() -> Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)> {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(term), Ok(int)) => Some((term, int)),
        _ => {
            tracing::error!("cannot listen for signals");
            None
        }
    }
}

/// Waits for SIGTERM or SIGINT (from [`listen_for_signals`]), then turns readiness off and
/// sets the stop flag.
pub async fn wait_for_signal(
    signals: (tokio::signal::unix::Signal, tokio::signal::unix::Signal),
    stop: watch::Sender<bool>,
    t: Arc<Telemetry>,
) {
    let (mut term, mut int) = signals;
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    // Readiness first: the load balancer and autoscaler see it before anything else.
    t.set_ready(false);
    tracing::info!(
        signal = name,
        "stopping: intake closed, finishing running jobs"
    );
    // Receivers gone means every session already ended: nothing left to tell.
    let _ = stop.send(true);
}

/// After a stop signal: no new jobs; running ones get the grace period.
pub async fn drain(
    cfg: &WorkerConfig,
    ctx: &JobContext,
    ch: &Channel,
    publisher: &Channel,
    topology: &Topology,
    mut consumer: lapin::Consumer,
    tasks: &mut JoinSet<()>,
) {
    use futures_lite::StreamExt;
    let grace = Instant::now() + Duration::from_secs_f64(cfg.grace_seconds);
    let tag = consumer.tag();
    if let Err(e) = ch
        .basic_cancel(tag.as_str().into(), BasicCancelOptions::default())
        .await
    {
        tracing::warn!(error = %e, "cancelling the consumer failed; the channel close returns its deliveries");
    }
    let mut intake_open = true;
    loop {
        tokio::select! {
            next = consumer.next(), if intake_open => match next {
                // Sent before the cancel reached the broker: give it straight back.
                Some(Ok(d)) => {
                    let job = Settlement {
                        delivery: &d,
                        publisher,
                        topology,
                        ctx,
                        id: "-",
                        attempt: attempt(&d.properties),
                    };
                    give_back(&job, GiveBack::NotStarted).await;
                }
                _ => intake_open = false,
            },
            joined = tasks.join_next() => if joined.is_none() { break },
            _ = tokio::time::sleep_until(grace.into()) => {
                tracing::warn!(left = tasks.len(), "grace period over; requeueing unfinished jobs");
                break;
            }
        }
    }
}

/// Runs the job, unless a stop arrives and the job's budget ends after the grace period
/// (then `None`: it cannot be promised to finish in time).
pub async fn run_or_yield(
    ctx: &JobContext,
    d: &Delivery,
    vanished: bool,
    started: Instant,
    mut stop: watch::Receiver<bool>,
) -> Option<Executed> {
    let deadline = started + ctx.budget.time;
    let work = execute_job(ctx, &d.data, vanished);
    tokio::pin!(work);
    let mut stopping = *stop.borrow();
    loop {
        if stopping && deadline > Instant::now() + ctx.grace {
            return None;
        }
        tokio::select! {
            r = &mut work => return Some(r),
            changed = stop.changed(), if !stopping => {
                // A closed channel (the signal task is gone) also means stopping.
                stopping = changed.is_err() || *stop.borrow();
            }
        }
    }
}
