//! One broker session: connect, declare, consume, and the select loop that runs jobs.
//!
//! Input: the configuration, the shared job context and the stop flag. Output: `Ok` after
//! a clean stop, or the [`SessionError`] that ended the session. Guarantees: one select loop
//! takes deliveries, finished jobs and the stop signal; jobs run concurrently up to the
//! prefetch, each settled exactly once (see `settle.rs`); on stop, intake closes and
//! running jobs get the grace period (see `shutdown.rs`); when the broker is lost, running
//! jobs finish and store their outputs before the worker reconnects; closing the channel
//! returns every unsettled message to its queue at once.

use std::sync::Arc;
use std::time::Instant;

use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{BasicConsumeOptions, BasicQosOptions, ConfirmSelectOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties, Consumer};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::config::WorkerConfig;
use super::error::SessionError;
use super::execute::{Executed, JobContext};
use super::outcome::Outcome;
use super::queue::{attempt, delivery_count, Topology, TopologyError};
use super::settle::{give_back, settle, GiveBack, Settlement};
use super::shutdown::{drain, run_or_yield};

/// One connection: declare, consume, process until stopped or the broker fails.
pub async fn session(
    cfg: &WorkerConfig,
    ctx: &Arc<JobContext>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), SessionError> {
    let props =
        ConnectionProperties::default().with_connection_name("octopus-render-worker".into());
    let conn = Connection::connect(&cfg.url_with_heartbeat(), props).await?;
    let topo = topology(cfg);
    let (ch, publisher, mut consumer) = match setup(cfg, &conn, &topo).await {
        Ok(s) => s,
        Err(e) => {
            let _closed = conn.close(200, "setup failed".into()).await;
            return Err(e);
        }
    };
    ctx.telemetry.set_ready(true);
    tracing::info!(queue = cfg.queue(), prefetch = cfg.concurrency, "consuming");
    let mut tasks = JoinSet::new();
    let end = loop {
        tokio::select! {
            _ = stop.changed() => break Ok(()),
            next = consumer.next() => match next {
                Some(Ok(d)) => {
                    tasks.spawn(handle(d, Arc::clone(ctx), publisher.clone(), topo.clone(), stop.clone()));
                }
                Some(Err(e)) => break Err(SessionError::Broker(e)),
                None => break Err(SessionError::Cancelled),
            },
            Some(joined) = tasks.join_next() => {
                if let Err(e) = joined {
                    tracing::error!(error = %e, "job task failed");
                }
            }
        }
    };
    ctx.telemetry.set_ready(false);
    if end.is_ok() {
        drain(cfg, ctx, &ch, &publisher, &topo, consumer, &mut tasks).await;
    } else {
        finish_orphans(ctx, &mut tasks).await;
    }
    tasks.abort_all();
    // Closing returns every unacked message to its queue at once; a close that fails means
    // the connection is already gone, which returns them too.
    if let Err(e) = ch.close(200, "worker stopping".into()).await {
        tracing::debug!(error = %e, "channel already closed");
    }
    if let Err(e) = conn.close(200, "worker stopping".into()).await {
        tracing::debug!(error = %e, "connection already closed");
    }
    end
}

/// The broker went away under running jobs: let them finish within their budget before
/// reconnecting, so their outputs are stored (their acks cannot be sent; the redelivered
/// messages find the outputs and are acked without another render, see `execute.rs`), and
/// no new job starts beside them.
async fn finish_orphans(ctx: &JobContext, tasks: &mut JoinSet<()>) {
    if tasks.is_empty() {
        return;
    }
    tracing::warn!(
        running = tasks.len(),
        "broker lost; letting running jobs finish"
    );
    let limit = ctx.budget.time + std::time::Duration::from_secs(2);
    let all = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(limit, all).await.is_err() {
        tracing::warn!(left = tasks.len(), "running jobs did not finish");
    }
}

/// Declares the queues and prefetch, opens a confirming publisher channel, starts consuming.
async fn setup(
    cfg: &WorkerConfig,
    conn: &Connection,
    topo: &Topology,
) -> Result<(Channel, Channel, Consumer), SessionError> {
    let ch = conn.create_channel().await?;
    topo.declare(&ch).await.map_err(|e| match e {
        TopologyError::Mismatch { .. } => SessionError::Fatal(e),
        TopologyError::Broker { .. } => SessionError::Topology(e),
    })?;
    ch.basic_qos(cfg.concurrency, BasicQosOptions::default())
        .await?;
    let publisher = conn.create_channel().await?;
    publisher
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let consumer = ch
        .basic_consume(
            cfg.queue().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    Ok((ch, publisher, consumer))
}

fn topology(cfg: &WorkerConfig) -> Topology {
    Topology {
        render: cfg.render_queue.clone(),
        fallback: cfg.fallback_queue.clone(),
        dead: cfg.dead_letter_queue.clone(),
        delivery_limit: cfg.delivery_limit,
        results: Some(cfg.results_exchange.clone()).filter(|x| !x.is_empty()),
    }
}

/// Processes one delivery and settles it exactly once.
async fn handle(
    d: Delivery,
    ctx: Arc<JobContext>,
    publisher: Channel,
    topo: Topology,
    stop: watch::Receiver<bool>,
) {
    let t = &ctx.telemetry;
    t.in_progress.inc();
    let started = Instant::now();
    let attempt = attempt(&d.properties);
    // The broker delivered this message before and nobody settled it: the worker that
    // held it was killed (out of memory, evicted) or lost its connection.
    let vanished = d.redelivered || delivery_count(&d.properties) > 0;
    let mut job = Settlement {
        delivery: &d,
        publisher: &publisher,
        topology: &topo,
        ctx: &ctx,
        id: "-",
        attempt,
    };
    let Some(executed) = run_or_yield(&ctx, &d, vanished, started, stop.clone()).await else {
        // Stopping, and this job's budget runs past the grace period: back to the queue now
        // rather than when the pod is killed.
        let outcome = if give_back(&job, GiveBack::Attempted).await {
            Outcome::Requeued
        } else {
            Outcome::SettleFailed
        };
        t.outcome(outcome);
        t.in_progress.dec();
        tracing::info!(
            %outcome,
            "job returned to the queue: it may not finish within the grace period"
        );
        return;
    };
    let Executed {
        id,
        mut report,
        result,
    } = executed;
    let id = id.unwrap_or_else(|| "-".into());
    job.id = &id;
    report.timings.total = started.elapsed().as_secs_f64();
    let outcome = settle(&job, result, &report, stop).await;
    t.outcome(outcome);
    t.job_seconds.observe(started.elapsed().as_secs_f64());
    t.in_progress.dec();
    tracing::info!(job_id = %id, %outcome, attempt, seconds = started.elapsed().as_secs_f64(), "job settled");
}
