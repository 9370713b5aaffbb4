//! Worker configuration: flags and environment, validated once at start-up.
//!
//! Input: command-line flags, each with an environment variable of the same meaning.
//! Output: a [`WorkerConfig`] and the [`Budget`] of its tier. Guarantees: every value is
//! checked before the worker connects (a bad value exits with status 2 and says which);
//! the effective configuration is logged once, without the broker password.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::cgroup::CgroupLimits;
use super::error::ConfigError;
use super::fetch::PullLimits;
use super::roots::Roots;
use crate::limits::Limits;

/// Which pool of workers this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Tier {
    /// 0.5 CPU, 500 MB, 20 s: the great majority of jobs.
    Normal,
    /// 2 CPU, 2 GB, 300 s: the outliers the normal tier escalates.
    Fallback,
}

/// What one job may use on a tier; a job over it escalates (normal) or dead-letters
/// (fallback).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Wall-clock time for fetch, render and upload.
    pub time: Duration,
    /// What one render may use; the document bytes are a proxy for the scene's memory.
    pub limits: Limits,
    /// Render threads.
    pub threads: usize,
    /// Memory one job may use, in bytes: the pod's limit (its cgroup's `memory.max`) less
    /// headroom for the process itself, else the tier's nominal size.
    pub memory_bytes: u64,
    /// CPUs the pod may use (its cgroup quota, else the tier's nominal size): a render's
    /// predicted CPU time over these is its wall time.
    pub cpus: f64,
    /// Multiplies the cost model's CPU terms: above 1 on hardware slower than the machine
    /// the model was fitted on.
    pub cost_scale: f64,
    /// What one job may download.
    pub pull: PullLimits,
}

impl Budget {
    /// The budget as JSON (`octopus-render tiers`): the figures a pod of `tier` must be
    /// sized for, and those an operator tunes against.
    pub fn to_json(&self, tier: Tier) -> serde_json::Value {
        serde_json::json!({
            "tier": tier.as_str(),
            "time_seconds": self.time.as_secs_f64(),
            "hard_deadline_seconds":
                super::watchdog::Watchdog::hard_deadline_for(self.time).as_secs_f64(),
            "cpus": self.cpus,
            "memory_bytes": self.memory_bytes,
            "threads": self.threads,
            "document_bytes": self.limits.document_bytes,
            "output_pixels": self.limits.output_pixels,
            "pull_object_bytes": self.pull.object_bytes,
            "pull_job_bytes": self.pull.job_bytes,
            "pull_lookups": self.pull.lookups,
        })
    }

    /// What the render checks its prediction against and guards while it runs.
    pub fn cost_budget(&self) -> crate::cost::CostBudget {
        crate::cost::CostBudget {
            model: crate::cost::CostModel::FITTED.scaled(self.cost_scale),
            cpus: self.cpus.min(self.threads as f64),
            threads: self.threads,
            memory_bytes: self.memory_bytes,
            probe: crate::procfs::in_use_bytes,
        }
    }

    /// A render held to this budget: its limits, a deadline `time` from now, its cost
    /// budget; the job's own settings (scale, anti-aliasing) are the caller's.
    pub fn render_config(&self) -> crate::RenderConfig {
        crate::RenderConfig {
            limits: self.limits,
            deadline: Some(std::time::Instant::now() + self.time),
            cost: Some(self.cost_budget()),
            ..crate::RenderConfig::default()
        }
    }
}

impl Tier {
    /// The tier's name, as `TIER` and the logs and headers spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Normal => "normal",
            Tier::Fallback => "fallback",
        }
    }

    /// The budget of the tier. The caps are sanity bounds; what decides whether a job fits
    /// is the cost model's prediction against time and memory (see `crate::cost`). The
    /// document cap bounds the parse, which runs before any prediction: the parse peaks at
    /// about 3.4 times the JSON (`worldmap`), so 16 MB fits a normal pod and 256 MB (a
    /// world map of 300,000 paths) a fallback one.
    pub fn budget(self) -> Budget {
        match self {
            Tier::Normal => Budget {
                time: Duration::from_secs(20),
                limits: Limits {
                    document_bytes: 16 << 20,
                    output_pixels: 64 << 20,
                    path_segments: 2_000_000,
                    image_pixels: 40_000_000,
                    decoded_pixels: 40_000_000,
                    ..Limits::DEFAULT
                },
                threads: 1,
                memory_bytes: 500 << 20,
                cpus: 0.5,
                cost_scale: 1.0,
                pull: PullLimits {
                    object_bytes: 64 << 20,
                    job_bytes: 128 << 20,
                    lookups: 4_000,
                },
            },
            Tier::Fallback => Budget {
                time: Duration::from_secs(300),
                limits: Limits {
                    document_bytes: 256 << 20,
                    output_pixels: 1 << 29,
                    path_segments: 20_000_000,
                    decoded_pixels: 250_000_000,
                    ..Limits::DEFAULT
                },
                threads: 2,
                memory_bytes: 2 << 30,
                cpus: 2.0,
                cost_scale: 1.0,
                pull: PullLimits {
                    object_bytes: 512 << 20,
                    job_bytes: 1 << 30,
                    lookups: 20_000,
                },
            },
        }
    }
}

/// `octopus-render worker` settings.
#[derive(Debug, Clone, Args)]
pub struct WorkerConfig {
    /// Broker URL; `?heartbeat=N` sets the heartbeat (default 10 s).
    #[arg(
        long,
        env = "AMQP_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
    )]
    pub amqp_url: String,
    /// Queue of normal-tier jobs.
    #[arg(long, env = "RENDER_QUEUE", default_value = "render.normal")]
    pub render_queue: String,
    /// Queue of escalated jobs.
    #[arg(long, env = "FALLBACK_QUEUE", default_value = "render.fallback")]
    pub fallback_queue: String,
    /// Queue of failed jobs.
    #[arg(long, env = "DEAD_LETTER_QUEUE", default_value = "render.dead")]
    pub dead_letter_queue: String,
    /// Topic exchange every job's result is published to, with the job id as routing key
    /// (declared durable by the worker; bind a queue to keep the results). Empty: none.
    #[arg(long, env = "RESULTS_EXCHANGE", default_value = "render.results")]
    pub results_exchange: String,
    /// This worker's tier: it consumes RENDER_QUEUE (normal) or FALLBACK_QUEUE (fallback).
    #[arg(long, env = "TIER", value_enum, default_value = "normal")]
    pub tier: Tier,
    /// Address of /metrics, /livez and /readyz.
    #[arg(long, env = "METRICS_ADDR", default_value = "0.0.0.0:8080")]
    pub metrics_addr: SocketAddr,
    /// Jobs processed at once (the broker's prefetch).
    #[arg(long, env = "CONCURRENCY", default_value_t = 1)]
    pub concurrency: u16,
    /// Deliveries before a failing job is dead-lettered by the broker.
    #[arg(long, env = "DELIVERY_LIMIT", default_value_t = 5)]
    pub delivery_limit: u32,
    /// Seconds a job may still finish after SIGTERM before it is requeued. Keep it below
    /// the pod's termination grace period, and that within a spot node's notice (~15 s).
    #[arg(long, env = "GRACE_SECONDS", default_value_t = 10.0)]
    pub grace_seconds: f64,
    /// Override the tier's time budget, seconds.
    #[arg(long, env = "JOB_TIMEOUT_SECONDS")]
    pub job_timeout_seconds: Option<f64>,
    /// Override the render threads (default: the tier's, at most the pod's CPU quota
    /// rounded up).
    #[arg(long, env = "RENDER_THREADS")]
    pub render_threads: Option<usize>,
    /// Override the memory budget, MiB (default: the pod's memory limit less 15%, else the
    /// tier's nominal size).
    #[arg(long, env = "MEMORY_BUDGET_MB")]
    pub memory_budget_mb: Option<u64>,
    /// Multiply the cost model's predicted CPU time: above 1 on nodes slower than the
    /// machine the model was fitted on (see README, "Budgets").
    #[arg(long, env = "COST_SCALE", default_value_t = 1.0)]
    pub cost_scale: f64,
    /// URL prefixes jobs may read from (document, assets, manifest, components), comma-
    /// separated: `s3://designs/`, `file:///srv/designs/`. Required; nothing is implicit.
    #[arg(long, env = "INPUT_ROOTS", value_delimiter = ',')]
    pub input_roots: Vec<String>,
    /// URL prefixes jobs may write their outputs under, comma-separated. Required.
    #[arg(long, env = "OUTPUT_ROOTS", value_delimiter = ',')]
    pub output_roots: Vec<String>,
    /// Font directories, searched before the system's (colon-separated in the environment).
    #[arg(long = "fonts", env = "FONT_DIRS", value_delimiter = ':')]
    pub fonts: Vec<PathBuf>,
}

impl WorkerConfig {
    /// Checks values that clap's types do not; returns the storage roots.
    pub fn validate(&self) -> Result<Roots, ConfigError> {
        let url = url::Url::parse(&self.amqp_url)
            .map_err(|e| ConfigError::new("AMQP_URL", format!("not a URL: {e}")))?;
        if !matches!(url.scheme(), "amqp" | "amqps") {
            return Err(ConfigError::new(
                "AMQP_URL",
                format!("must be amqp:// or amqps://, got {}://", url.scheme()),
            ));
        }
        let names = [
            &self.render_queue,
            &self.fallback_queue,
            &self.dead_letter_queue,
        ];
        if names.iter().any(|n| n.is_empty() || n.len() > 255) {
            return Err(ConfigError::new(
                "RENDER_QUEUE",
                "queue names must be 1-255 bytes",
            ));
        }
        if names[0] == names[1] || names[0] == names[2] || names[1] == names[2] {
            return Err(ConfigError::new(
                "RENDER_QUEUE",
                "RENDER_QUEUE, FALLBACK_QUEUE and DEAD_LETTER_QUEUE must differ",
            ));
        }
        if self.results_exchange.len() > 255 || self.results_exchange.starts_with("amq.") {
            return Err(ConfigError::new(
                "RESULTS_EXCHANGE",
                "must be at most 255 bytes and not a broker-reserved amq.* name",
            ));
        }
        if self.concurrency == 0 {
            return Err(ConfigError::new("CONCURRENCY", "must be at least 1"));
        }
        if self.delivery_limit == 0 {
            return Err(ConfigError::new("DELIVERY_LIMIT", "must be at least 1"));
        }
        if !(self.grace_seconds.is_finite() && self.grace_seconds >= 0.0) {
            return Err(ConfigError::new(
                "GRACE_SECONDS",
                "must be a non-negative number",
            ));
        }
        if let Some(t) = self.job_timeout_seconds {
            if !(t.is_finite() && t > 0.0) {
                return Err(ConfigError::new("JOB_TIMEOUT_SECONDS", "must be positive"));
            }
        }
        if self.render_threads == Some(0) {
            return Err(ConfigError::new("RENDER_THREADS", "must be at least 1"));
        }
        if !(self.cost_scale.is_finite() && self.cost_scale > 0.0) {
            return Err(ConfigError::new("COST_SCALE", "must be a positive number"));
        }
        if self.memory_budget_mb == Some(0) {
            return Err(ConfigError::new("MEMORY_BUDGET_MB", "must be at least 1"));
        }
        Roots::parse(&self.input_roots, &self.output_roots)
    }

    /// The budget in force: the tier's, fitted to the pod's cgroup limits, with the explicit
    /// overrides applied last.
    pub fn budget(&self, pod: &CgroupLimits) -> Budget {
        let mut b = self.tier.budget();
        if let Some(cpus) = pod.cpus {
            // More render threads than the quota only adds throttling.
            b.threads = b.threads.min((cpus.ceil() as usize).max(1));
            b.cpus = cpus;
        }
        b.cost_scale = self.cost_scale;
        if let Some(mem) = pod.memory {
            // The process itself (runtime, fonts, buffers of the broker client) needs room
            // beside the job.
            b.memory_bytes = mem / 100 * 85;
        }
        if let Some(t) = self.job_timeout_seconds {
            b.time = Duration::from_secs_f64(t);
        }
        if let Some(n) = self.render_threads {
            b.threads = n;
        }
        if let Some(mb) = self.memory_budget_mb {
            b.memory_bytes = mb << 20;
        }
        b
    }

    /// The queue this worker consumes.
    pub fn queue(&self) -> &str {
        match self.tier {
            Tier::Normal => &self.render_queue,
            Tier::Fallback => &self.fallback_queue,
        }
    }

    /// The broker URL with the password hidden, for logs.
    pub fn redacted_url(&self) -> String {
        match url::Url::parse(&self.amqp_url) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                u.to_string()
            }
            _ => self.amqp_url.clone(),
        }
    }

    /// The broker URL with a heartbeat unless one is set.
    pub fn url_with_heartbeat(&self) -> String {
        if self.amqp_url.contains("heartbeat=") {
            self.amqp_url.clone()
        } else if self.amqp_url.contains('?') {
            format!("{}&heartbeat=10", self.amqp_url)
        } else {
            format!("{}?heartbeat=10", self.amqp_url)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        cfg: WorkerConfig,
    }

    fn config(args: &[&str]) -> WorkerConfig {
        Cli::parse_from(std::iter::once("worker").chain(args.iter().copied())).cfg
    }

    #[test]
    fn the_budget_fits_the_pod_and_explicit_settings_win() {
        let small_pod = CgroupLimits {
            cpus: Some(0.5),
            memory: Some(500 << 20),
            source: "v2",
        };
        let b = config(&["--tier", "fallback"]).budget(&small_pod);
        assert_eq!(b.threads, 1, "two threads on half a CPU only throttle");
        assert_eq!(b.memory_bytes, (500u64 << 20) / 100 * 85);
        let b = config(&["--tier", "fallback"]).budget(&CgroupLimits::default());
        assert_eq!(
            (b.threads, b.memory_bytes),
            (2, 2 << 30),
            "no cgroup: the tier's"
        );
        let b = config(&["--render-threads", "3", "--memory-budget-mb", "100"]).budget(&small_pod);
        assert_eq!((b.threads, b.memory_bytes), (3, 100 << 20));
    }
}
