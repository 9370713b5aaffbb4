//! `octopus-render worker`: RabbitMQ in, object storage in and out, nothing lost.
//!
//! Input: a validated [`WorkerConfig`]. Output: rendered PNGs in object storage and acks;
//! exit status 0 after a clean shutdown, 2 for bad configuration or a queue whose arguments
//! differ from ours. Guarantees:
//! - one select loop per broker session takes deliveries, finished jobs and the stop
//!   signal; jobs run concurrently up to the prefetch, rendering on a rayon pool;
//! - a message is acked only after its output is stored, or after it was published, with a
//!   broker confirm, to the fallback or dead-letter queue; an ack that fails is logged and
//!   never counted as done (the broker redelivers; the output is overwritten with the same
//!   bytes);
//! - transient failures are requeued after a backoff; the broker's delivery limit ends a
//!   job that keeps failing, or keeps killing workers, in the dead-letter queue;
//! - SIGTERM/SIGINT: readiness turns 503 and intake stops at once; a running job whose
//!   budget ends within the grace period finishes and acks; one whose budget runs past it is
//!   returned to the queue at once (nack), so another worker starts it within seconds
//!   instead of after the kill; anything still running when the grace period ends goes back
//!   when the channel closes; exit 0;
//! - broker loss: the session ends, readiness turns 503, and the worker reconnects with
//!   exponential backoff (1 s to 30 s), declaring the queues and prefetch again. Jobs in
//!   flight on the lost connection are redelivered by the broker; heartbeats (10 s) detect a
//!   half-open connection.

pub mod config;
mod fault;
pub mod job;
pub mod metrics;
pub mod process;
pub mod queue;
pub mod storage;
pub mod submit;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
    ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties};
use tokio::sync::watch;
use tokio::task::JoinSet;

pub use config::{Tier, WorkerConfig};
use metrics::Telemetry;
use process::{JobContext, Verdict};
use queue::{delivery_count, publish_confirmed, Topology, TopologyError};

/// Why a broker session ended.
enum SessionEnd {
    /// Stopped by a signal; everything settled.
    Stopped,
    /// Configuration the operator must fix.
    Fatal(String),
    /// The broker went away or failed; reconnect.
    Broker(String),
}

/// Runs the worker until a signal stops it.
pub fn main(cfg: WorkerConfig) -> ExitCode {
    init_logging();
    if let Err(e) = cfg.validate() {
        tracing::error!(error = %e, "invalid configuration");
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::from(1);
        }
    };
    rt.block_on(run(cfg))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,lapin=warn"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run(cfg: WorkerConfig) -> ExitCode {
    let budget = cfg.budget();
    tracing::info!(
        amqp_url = %cfg.redacted_url(), queue = cfg.queue(), fallback_queue = %cfg.fallback_queue,
        dead_letter_queue = %cfg.dead_letter_queue, tier = ?cfg.tier, concurrency = cfg.concurrency,
        delivery_limit = cfg.delivery_limit, grace_seconds = cfg.grace_seconds,
        metrics_addr = %cfg.metrics_addr, budget = ?budget, "worker starting"
    );
    let telemetry = Arc::new(Telemetry::new());
    let listener = tokio::net::TcpListener::bind(cfg.metrics_addr).await;
    let listener = match listener {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, addr = %cfg.metrics_addr, "cannot listen for metrics");
            return ExitCode::from(2);
        }
    };
    tokio::spawn(metrics::serve(listener, Arc::clone(&telemetry)));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(wait_for_signal(stop_tx, Arc::clone(&telemetry)));
    let ctx = match job_context(&cfg, budget, Arc::clone(&telemetry)) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            tracing::error!(error = %e, "cannot start render threads");
            return ExitCode::from(1);
        }
    };
    let mut backoff = Duration::from_secs(1);
    loop {
        if *stop_rx.borrow() {
            return ExitCode::SUCCESS;
        }
        let started = Instant::now();
        match session(&cfg, &ctx, stop_rx.clone()).await {
            SessionEnd::Stopped => {
                tracing::info!("stopped cleanly");
                return ExitCode::SUCCESS;
            }
            SessionEnd::Fatal(e) => {
                tracing::error!(error = %e, "refusing to start");
                return ExitCode::from(2);
            }
            SessionEnd::Broker(e) => {
                telemetry.set_ready(false);
                if started.elapsed() > Duration::from_secs(60) {
                    backoff = Duration::from_secs(1);
                }
                tracing::warn!(error = %e, retry_in = ?backoff, "broker session ended; reconnecting");
                let mut stop = stop_rx.clone();
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => return ExitCode::SUCCESS,
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

fn job_context(
    cfg: &WorkerConfig,
    budget: config::Budget,
    t: Arc<Telemetry>,
) -> Result<JobContext, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(budget.threads)
        .thread_name(|i| format!("render-{i}"))
        .build()
        .map_err(|e| e.to_string())?;
    let mut dirs = cfg.fonts.clone();
    dirs.extend(crate::fontdirs::system_font_dirs());
    Ok(JobContext {
        storage: storage::Storage::new(),
        fonts: Arc::new(crate::fontdirs::font_book(dirs)),
        pool,
        budget,
        tier: cfg.tier,
        telemetry: t,
        grace: Duration::from_secs_f64(cfg.grace_seconds),
    })
}

async fn wait_for_signal(stop: watch::Sender<bool>, t: Arc<Telemetry>) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for signals");
        return;
    };
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
    let _ = stop.send(true);
}

fn topology(cfg: &WorkerConfig) -> Topology {
    Topology {
        render: cfg.render_queue.clone(),
        fallback: cfg.fallback_queue.clone(),
        dead: cfg.dead_letter_queue.clone(),
        delivery_limit: cfg.delivery_limit,
    }
}

/// One connection: declare, consume, process until stopped or the broker fails.
async fn session(
    cfg: &WorkerConfig,
    ctx: &Arc<JobContext>,
    mut stop: watch::Receiver<bool>,
) -> SessionEnd {
    let b = |e: lapin::Error| SessionEnd::Broker(e.to_string());
    let props =
        ConnectionProperties::default().with_connection_name("octopus-render-worker".into());
    let conn = match Connection::connect(&cfg.url_with_heartbeat(), props).await {
        Ok(c) => c,
        Err(e) => return b(e),
    };
    let topo = topology(cfg);
    let setup = async {
        let ch = conn.create_channel().await.map_err(b)?;
        topo.declare(&ch).await.map_err(|e| match e {
            TopologyError::Mismatch { .. } => SessionEnd::Fatal(e.to_string()),
            TopologyError::Broker { .. } => SessionEnd::Broker(e.to_string()),
        })?;
        ch.basic_qos(cfg.concurrency, BasicQosOptions::default())
            .await
            .map_err(b)?;
        let publisher = conn.create_channel().await.map_err(b)?;
        publisher
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(b)?;
        let consumer = ch
            .basic_consume(
                cfg.queue().into(),
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(b)?;
        Ok::<_, SessionEnd>((ch, publisher, consumer))
    };
    let (ch, publisher, mut consumer) = match setup.await {
        Ok(s) => s,
        Err(end) => {
            let _ = conn.close(200, "setup failed".into()).await;
            return end;
        }
    };
    ctx.telemetry.set_ready(true);
    tracing::info!(queue = cfg.queue(), prefetch = cfg.concurrency, "consuming");
    let mut tasks = JoinSet::new();
    let end = loop {
        tokio::select! {
            _ = stop.changed() => break SessionEnd::Stopped,
            next = consumer.next() => match next {
                Some(Ok(d)) => {
                    tasks.spawn(handle(d, Arc::clone(ctx), publisher.clone(), topo.clone(), stop.clone()));
                }
                Some(Err(e)) => break b(e),
                None => break SessionEnd::Broker("the broker cancelled the consumer".into()),
            },
            Some(joined) = tasks.join_next() => {
                if let Err(e) = joined {
                    tracing::error!(error = %e, "job task failed");
                }
            }
        }
    };
    ctx.telemetry.set_ready(false);
    if matches!(end, SessionEnd::Stopped) {
        drain(cfg, &ch, consumer, &mut tasks).await;
    }
    tasks.abort_all();
    // Closing returns every unacked message to its queue at once.
    let _ = ch.close(200, "worker stopping".into()).await;
    let _ = conn.close(200, "worker stopping".into()).await;
    end
}

/// After a stop signal: no new jobs; running ones get the grace period.
async fn drain(
    cfg: &WorkerConfig,
    ch: &Channel,
    mut consumer: lapin::Consumer,
    tasks: &mut JoinSet<()>,
) {
    let grace = Instant::now() + Duration::from_secs_f64(cfg.grace_seconds);
    let tag = consumer.tag();
    let _ = ch
        .basic_cancel(tag.as_str().into(), BasicCancelOptions::default())
        .await;
    let mut intake_open = true;
    loop {
        tokio::select! {
            next = consumer.next(), if intake_open => match next {
                // Sent before the cancel reached the broker: give it straight back.
                Some(Ok(d)) => { let _ = d.nack(requeue()).await; }
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

fn requeue() -> BasicNackOptions {
    BasicNackOptions {
        requeue: true,
        multiple: false,
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
    let attempt = delivery_count(&d.properties) + 1;
    let Some((id, verdict)) = run_or_yield(&ctx, &d, started, stop.clone()).await else {
        // Stopping, and this job's budget runs past the grace period: back to the queue now
        // rather than when the pod is killed.
        let _ = d.nack(requeue()).await;
        t.outcome("requeued");
        t.in_progress.dec();
        tracing::info!(
            outcome = "requeued",
            "job returned to the queue: it may not finish within the grace period"
        );
        return;
    };
    let id = id.unwrap_or_else(|| "-".into());
    let outcome = settle(&d, &verdict, &publisher, &topo, &ctx, &id, attempt, stop).await;
    t.outcome(outcome);
    t.job_seconds.observe(started.elapsed().as_secs_f64());
    t.in_progress.dec();
    tracing::info!(job_id = %id, outcome, attempt, seconds = started.elapsed().as_secs_f64(), "job settled");
}

/// Runs the job, unless a stop arrives and the job's budget ends after the grace period
/// (then `None`: it cannot be promised to finish in time).
async fn run_or_yield(
    ctx: &JobContext,
    d: &Delivery,
    started: Instant,
    mut stop: watch::Receiver<bool>,
) -> Option<(Option<String>, Verdict)> {
    let deadline = started + ctx.budget.time;
    let work = process::process(ctx, &d.data);
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

#[allow(clippy::too_many_arguments)]
async fn settle(
    d: &Delivery,
    verdict: &Verdict,
    publisher: &Channel,
    topo: &Topology,
    ctx: &JobContext,
    id: &str,
    attempt: u32,
    mut stop: watch::Receiver<bool>,
) -> &'static str {
    let forward = |queue: &str, reason: &str, kind: &str| {
        let extra = vec![
            ("x-octopus-reason", reason.to_owned()),
            ("x-octopus-outcome", kind.to_owned()),
            ("x-octopus-tier", format!("{:?}", ctx.tier).to_lowercase()),
        ];
        let queue = queue.to_owned();
        async move { publish_confirmed(publisher, &queue, &d.data, &d.properties, &extra).await }
    };
    let (outcome, forwarded) = match verdict {
        Verdict::Done => ("done", Ok(())),
        Verdict::Escalate(r) => {
            tracing::info!(job_id = %id, reason = %r, "escalating to the fallback tier");
            ctx.telemetry.escalations.inc();
            ("escalated", forward(&topo.fallback, r, "escalated").await)
        }
        Verdict::DeadLetter(r) => {
            tracing::warn!(job_id = %id, reason = %r, "dead-lettering");
            (
                "dead_lettered",
                forward(&topo.dead, r, "dead_lettered").await,
            )
        }
        Verdict::Retry(r) => {
            ctx.telemetry.retries.inc();
            let wait = Duration::from_millis(500 * 2u64.pow(attempt.min(5) - 1))
                .min(Duration::from_secs(10));
            tracing::warn!(job_id = %id, reason = %r, attempt, retry_in = ?wait, "will retry");
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
            let _ = d.nack(requeue()).await;
            return "retried";
        }
    };
    if let Err(e) = forwarded {
        tracing::error!(job_id = %id, error = %e, "could not forward the job; requeueing it");
        let _ = d.nack(requeue()).await;
        return "requeued";
    }
    match d.ack(BasicAckOptions::default()).await {
        Ok(_) => outcome,
        Err(e) => {
            tracing::error!(job_id = %id, error = %e, "ack failed; the broker will redeliver");
            "ack_failed"
        }
    }
}
