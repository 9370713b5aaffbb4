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

use super::error::ConfigError;
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
}

impl Tier {
    /// The budget of the tier. Memory: the output is streamed in 512-row chunks, so the
    /// pixel cap bounds CPU time more than memory; the scene's memory grows with the
    /// document, about 15 times its JSON size in the worst measured case (`worldmap`: 70 MB
    /// of JSON, 1.0 GB peak), so the document caps keep each tier inside its pod's memory.
    pub fn budget(self) -> Budget {
        match self {
            Tier::Normal => Budget {
                time: Duration::from_secs(20),
                limits: Limits {
                    document_bytes: 16 << 20,
                    output_pixels: 64 << 20,
                    path_segments: 2_000_000,
                    ..Limits::DEFAULT
                },
                threads: 1,
            },
            Tier::Fallback => Budget {
                time: Duration::from_secs(300),
                limits: Limits {
                    document_bytes: 100 << 20,
                    output_pixels: 1 << 28,
                    path_segments: 20_000_000,
                    ..Limits::DEFAULT
                },
                threads: 2,
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
    /// Seconds a job may still finish after SIGTERM before it is requeued.
    #[arg(long, env = "GRACE_SECONDS", default_value_t = 25.0)]
    pub grace_seconds: f64,
    /// Override the tier's time budget, seconds.
    #[arg(long, env = "JOB_TIMEOUT_SECONDS")]
    pub job_timeout_seconds: Option<f64>,
    /// Override the tier's render threads.
    #[arg(long, env = "RENDER_THREADS")]
    pub render_threads: Option<usize>,
    /// Font directories, searched before the system's (colon-separated in the environment).
    #[arg(long = "fonts", env = "FONT_DIRS", value_delimiter = ':')]
    pub fonts: Vec<PathBuf>,
}

impl WorkerConfig {
    /// Checks values that clap's types do not.
    pub fn validate(&self) -> Result<(), ConfigError> {
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
        Ok(())
    }

    /// The budget in force: the tier's, with the overrides applied.
    pub fn budget(&self) -> Budget {
        let mut b = self.tier.budget();
        if let Some(t) = self.job_timeout_seconds {
            b.time = Duration::from_secs_f64(t);
        }
        if let Some(n) = self.render_threads {
            b.threads = n;
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
