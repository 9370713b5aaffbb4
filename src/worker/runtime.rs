//! Process setup and the reconnect loop.
//!
//! Input: a validated [`WorkerConfig`]. Output: the process exit status. Guarantees: JSON
//! logs on stderr; the metrics endpoint and the signal listener start before the first
//! broker connection; a lost broker session is retried with exponential backoff (1 s to
//! 30 s, reset after a session that lasted a minute) until a stop signal; a configuration
//! the operator must fix ends the process with status 2.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::cgroup::read_limits;
use super::config::{Budget, WorkerConfig};
use super::error::SessionError;
use super::execute::JobContext;
use super::metrics::{self, Telemetry};
use super::roots::Roots;
use super::session::session;
use super::shutdown::{listen_for_signals, wait_for_signal};
use super::storage::Storage;
use super::watchdog::Watchdog;

/// The allocator setting the worker needs: mimalloc returns freed memory to the system at
/// once instead of after its default delay, so the memory a finished job freed is not
/// counted against the next job's budget (measured: a normal-tier job after a large one
/// saw 740 MB "in use" without it, 60 MB with it; render speed unchanged within noise).
const PURGE_DELAY: (&str, &str) = ("MIMALLOC_PURGE_DELAY", "0");

/// Runs the worker until a signal stops it.
pub fn run(cfg: WorkerConfig) -> ExitCode {
    // mimalloc reads its options when the process starts, so a worker started without
    // the setting starts itself again with it (the same arguments and environment).
    if std::env::var_os(PURGE_DELAY.0).is_none() {
        if let Ok(exe) = std::env::current_exe() {
            use std::os::unix::process::CommandExt;
            let err = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env(PURGE_DELAY.0, PURGE_DELAY.1)
                .exec();
            eprintln!(
                "warning: cannot restart with {}={}: {err}",
                PURGE_DELAY.0, PURGE_DELAY.1
            );
        }
    }
    init_logging();
    let roots = match cfg.validate() {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "invalid configuration");
            return ExitCode::from(2);
        }
    };
    let pod = read_limits(Path::new("/sys/fs/cgroup"));
    let budget = cfg.budget(&pod);
    // The reactor only waits on the broker and storage; one thread suffices on a pod of one
    // CPU or less, and a second keeps the metrics endpoint answering during a busy fetch.
    let runtime_threads = if pod.cpus.is_some_and(|c| c <= 1.0) {
        1
    } else {
        2
    };
    tracing::info!(
        cgroup = pod.source,
        pod_cpus = ?pod.cpus,
        pod_memory_bytes = ?pod.memory,
        render_threads = budget.threads,
        runtime_threads,
        memory_budget_bytes = budget.memory_bytes,
        "budget sized from the pod's limits (explicit settings win)"
    );
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(runtime_threads)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::from(1);
        }
    };
    rt.block_on(serve(cfg, budget, roots))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,lapin=warn"));
    // A second initialisation (tests in one process) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn serve(cfg: WorkerConfig, budget: Budget, roots: Roots) -> ExitCode {
    tracing::info!(
        amqp_url = %cfg.redacted_url(), queue = cfg.queue(), fallback_queue = %cfg.fallback_queue,
        dead_letter_queue = %cfg.dead_letter_queue, tier = ?cfg.tier, concurrency = cfg.concurrency,
        delivery_limit = cfg.delivery_limit, grace_seconds = cfg.grace_seconds,
        metrics_addr = %cfg.metrics_addr, budget = ?budget, roots = %roots.describe(),
        "worker starting"
    );
    let telemetry = Arc::new(Telemetry::new(Watchdog::hard_deadline_for(budget.time)));
    let listener = match tokio::net::TcpListener::bind(cfg.metrics_addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, addr = %cfg.metrics_addr, "cannot listen for metrics");
            return ExitCode::from(2);
        }
    };
    tokio::spawn(metrics::serve(listener, Arc::clone(&telemetry)));
    let (stop_tx, stop_rx) = watch::channel(false);
    if let Some(signals) = listen_for_signals() {
        tokio::spawn(wait_for_signal(signals, stop_tx, Arc::clone(&telemetry)));
    }
    let ctx = match job_context(&cfg, budget, roots, Arc::clone(&telemetry)) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            tracing::error!(error = %e, "cannot start render threads");
            return ExitCode::from(1);
        }
    };
    reconnect_loop(&cfg, &ctx, stop_rx).await
}

/// Broker sessions one after the other until a stop signal or a fatal error.
async fn reconnect_loop(
    cfg: &WorkerConfig,
    ctx: &Arc<JobContext>,
    stop_rx: watch::Receiver<bool>,
) -> ExitCode {
    let mut backoff = Duration::from_secs(1);
    loop {
        if *stop_rx.borrow() {
            return ExitCode::SUCCESS;
        }
        let started = Instant::now();
        match session(cfg, ctx, stop_rx.clone()).await {
            Ok(()) => {
                tracing::info!("stopped cleanly");
                return ExitCode::SUCCESS;
            }
            Err(SessionError::Fatal(e)) => {
                tracing::error!(error = %e, "refusing to start");
                return ExitCode::from(2);
            }
            Err(e) => {
                ctx.telemetry.set_ready(false);
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
    budget: Budget,
    roots: Roots,
    telemetry: Arc<Telemetry>,
) -> Result<JobContext, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(budget.threads)
        .thread_name(|i| format!("render-{i}"))
        .build()?;
    let mut dirs = cfg.fonts.clone();
    dirs.extend(crate::fontdirs::system_font_dirs());
    Ok(JobContext {
        storage: Storage::new(roots),
        fonts: Arc::new(crate::fontdirs::font_book(dirs)),
        pool,
        budget,
        tier: cfg.tier,
        delivery_limit: cfg.delivery_limit,
        telemetry,
        grace: Duration::from_secs_f64(cfg.grace_seconds),
    })
}
