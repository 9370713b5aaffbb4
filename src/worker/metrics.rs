//! Telemetry over HTTP: Prometheus metrics, liveness and readiness.
//!
//! Input: counters and timings the job loop records, the readiness flag. Output:
//! `/metrics` (Prometheus text format), `/livez` (200 while the process serves and no
//! render is past its hard deadline, see [`Watchdog`]), `/readyz` (200 only while connected and taking jobs; 503 from the moment shutdown
//! begins). Guarantees: recording is lock-free apart from label lookup; the endpoints never
//! block the job loop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use super::outcome::{Outcome, Stage};
use super::watchdog::Watchdog;

/// Label of a job outcome.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    /// done, escalated, dead_lettered, retried, requeued.
    pub outcome: String,
}

/// Label of a pipeline stage.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StageLabel {
    /// fetch, render, upload.
    pub stage: String,
}

/// Label of a storage error kind.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    /// permanent or transient.
    pub kind: String,
}

/// Label of a broker operation.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OpLabel {
    /// ack, nack or reject.
    pub op: String,
}

/// Label of the published results.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    /// ok or failed.
    pub status: String,
}

/// Label of why a job escalated or a render was stopped.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    /// predicted_time, predicted_memory, deadline, memory, limit, vanished.
    pub reason: String,
}

/// Every metric of the worker, and its readiness.
pub struct Telemetry {
    registry: Registry,
    /// Jobs finished, by outcome.
    pub jobs: Family<OutcomeLabel, Counter>,
    /// Whole job durations in seconds.
    pub job_seconds: Histogram,
    /// Stage durations in seconds.
    pub stage_seconds: Family<StageLabel, Histogram>,
    /// Jobs being processed now.
    pub in_progress: Gauge,
    /// Jobs handed to the fallback tier, by reason.
    pub escalations: Family<ReasonLabel, Counter>,
    /// Renders stopped while running (deadline or memory), by reason.
    pub budget_aborts: Family<ReasonLabel, Counter>,
    /// CPU seconds the cost model predicted for rendered jobs.
    pub predicted_cpu: Histogram,
    /// CPU seconds rendered jobs took (the process's, during the render).
    pub actual_cpu: Histogram,
    /// Actual over predicted CPU seconds per rendered job.
    pub cost_ratio: Histogram,
    /// Peak resident memory of the process during each job, in bytes.
    pub peak_memory: Histogram,
    /// Jobs returned to the queue for another attempt.
    pub retries: Counter,
    /// Storage failures by kind.
    pub storage_errors: Family<KindLabel, Counter>,
    /// Acks, nacks and rejects the broker did not take (the job is redelivered).
    pub settle_failures: Family<OpLabel, Counter>,
    /// Result messages published (`ok`) or not taken by the broker (`failed`).
    pub results: Family<StatusLabel, Counter>,
    /// Age of the oldest running render, seconds (set when scraped).
    pub oldest_render: Gauge<f64, std::sync::atomic::AtomicU64>,
    /// Running renders, for `/livez`.
    pub watchdog: Watchdog,
    /// Connected and consuming.
    pub ready: AtomicBool,
}

impl Telemetry {
    /// A fresh registry with every metric registered under `octopus_render_`; a render
    /// running longer than `hard_deadline` fails `/livez`.
    pub fn new(hard_deadline: Duration) -> Self {
        let mut registry = Registry::with_prefix("octopus_render");
        let jobs = Family::<OutcomeLabel, Counter>::default();
        let job_seconds = Histogram::new(exponential_buckets(0.01, 2.0, 16));
        let stage_seconds = Family::<StageLabel, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 20))
        });
        let in_progress = Gauge::default();
        let escalations = Family::<ReasonLabel, Counter>::default();
        let budget_aborts = Family::<ReasonLabel, Counter>::default();
        let predicted_cpu = Histogram::new(exponential_buckets(0.001, 2.0, 20));
        let actual_cpu = Histogram::new(exponential_buckets(0.001, 2.0, 20));
        let cost_ratio = Histogram::new(exponential_buckets(1.0 / 16.0, 2.0, 9));
        let peak_memory = Histogram::new(exponential_buckets(16.0 * 1_048_576.0, 2.0, 9));
        let retries = Counter::default();
        let storage_errors = Family::<KindLabel, Counter>::default();
        let settle_failures = Family::<OpLabel, Counter>::default();
        let results = Family::<StatusLabel, Counter>::default();
        let oldest_render = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        let hard = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        hard.set(hard_deadline.as_secs_f64());
        registry.register(
            "oldest_render_seconds",
            "How long the oldest running render has been running",
            oldest_render.clone(),
        );
        registry.register(
            "hard_deadline_seconds",
            "A render running longer than this is wedged and fails /livez",
            hard,
        );
        registry.register("jobs", "Jobs finished, by outcome", jobs.clone());
        registry.register("job_duration_seconds", "Job duration", job_seconds.clone());
        registry.register(
            "stage_duration_seconds",
            "Duration of fetch, render and upload",
            stage_seconds.clone(),
        );
        registry.register(
            "jobs_in_progress",
            "Jobs being processed",
            in_progress.clone(),
        );
        registry.register(
            "escalations",
            "Jobs escalated to the fallback tier, by reason",
            escalations.clone(),
        );
        registry.register(
            "budget_aborts",
            "Renders stopped at their deadline or memory budget",
            budget_aborts.clone(),
        );
        registry.register(
            "predicted_cpu_seconds",
            "CPU seconds the cost model predicted per rendered job",
            predicted_cpu.clone(),
        );
        registry.register(
            "actual_cpu_seconds",
            "CPU seconds per rendered job",
            actual_cpu.clone(),
        );
        registry.register(
            "cost_ratio",
            "Actual over predicted CPU seconds per rendered job",
            cost_ratio.clone(),
        );
        registry.register(
            "peak_memory_bytes",
            "Peak resident memory of the process during each job",
            peak_memory.clone(),
        );
        registry.register(
            "retries",
            "Jobs requeued for another attempt",
            retries.clone(),
        );
        registry.register(
            "storage_errors",
            "Storage failures by kind",
            storage_errors.clone(),
        );
        registry.register(
            "settle_failures",
            "Acks, nacks and rejects the broker did not take, by operation",
            settle_failures.clone(),
        );
        registry.register(
            "results",
            "Job results published to the results exchange, by status",
            results.clone(),
        );
        Telemetry {
            registry,
            jobs,
            job_seconds,
            stage_seconds,
            in_progress,
            escalations,
            budget_aborts,
            predicted_cpu,
            actual_cpu,
            cost_ratio,
            peak_memory,
            retries,
            storage_errors,
            settle_failures,
            results,
            oldest_render,
            watchdog: Watchdog::new(hard_deadline),
            ready: AtomicBool::new(false),
        }
    }

    /// Counts one finished job.
    pub fn outcome(&self, outcome: Outcome) {
        self.jobs
            .get_or_create(&OutcomeLabel {
                outcome: outcome.as_str().to_owned(),
            })
            .inc();
    }

    /// Records a stage duration.
    pub fn stage(&self, stage: Stage, seconds: f64) {
        self.stage_seconds
            .get_or_create(&StageLabel {
                stage: stage.as_str().to_owned(),
            })
            .observe(seconds);
    }

    /// Counts an escalation for `reason`.
    pub fn escalation(&self, reason: &'static str) {
        let label = ReasonLabel {
            reason: reason.to_owned(),
        };
        self.escalations.get_or_create(&label).inc();
    }

    /// Counts a render stopped at its deadline or memory budget.
    pub fn budget_abort(&self, reason: &'static str) {
        let label = ReasonLabel {
            reason: reason.to_owned(),
        };
        self.budget_aborts.get_or_create(&label).inc();
    }

    /// Records a rendered job's predicted and actual CPU seconds.
    pub fn cost(&self, predicted: f64, actual: f64) {
        self.predicted_cpu.observe(predicted);
        self.actual_cpu.observe(actual);
        if predicted > 0.0 {
            self.cost_ratio.observe(actual / predicted);
        }
    }

    /// Counts a result publish, `ok` or `failed`.
    pub fn result_published(&self, status: &'static str) {
        self.results
            .get_or_create(&StatusLabel {
                status: status.to_owned(),
            })
            .inc();
    }

    /// Counts an ack, nack or reject the broker did not take.
    pub fn settle_failure(&self, op: &'static str) {
        self.settle_failures
            .get_or_create(&OpLabel { op: op.to_owned() })
            .inc();
    }

    /// Counts a storage failure.
    pub fn storage_error(&self, kind: &'static str) {
        self.storage_errors
            .get_or_create(&KindLabel {
                kind: kind.to_owned(),
            })
            .inc();
    }

    /// Marks the worker ready (taking jobs) or not.
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }

    fn text(&self) -> String {
        self.oldest_render.set(self.watchdog.oldest().as_secs_f64());
        let mut out = String::new();
        // Encoding into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Serves the endpoints on `listener` until the process exits.
pub async fn serve(listener: tokio::net::TcpListener, t: Arc<Telemetry>) -> std::io::Result<()> {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .with_state(t);
    axum::serve(listener, app).await
}

async fn metrics(State(t): State<Arc<Telemetry>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        t.text(),
    )
}

async fn livez(State(t): State<Arc<Telemetry>>) -> impl IntoResponse {
    match t.watchdog.wedged() {
        None => (StatusCode::OK, "ok\n".to_owned()),
        Some(age) => {
            let hard = t.watchdog.hard_deadline();
            tracing::error!(
                render_seconds = age.as_secs_f64(),
                hard_deadline_seconds = hard.as_secs_f64(),
                "a render is wedged past its hard deadline; failing liveness"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "wedged: a render has run {:.0} s, past the hard deadline of {:.0} s\n",
                    age.as_secs_f64(),
                    hard.as_secs_f64()
                ),
            )
        }
    }
}

async fn readyz(State(t): State<Arc<Telemetry>>) -> impl IntoResponse {
    if t.ready.load(Ordering::SeqCst) {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_names_every_metric() {
        let t = Telemetry::new(Duration::from_secs(27));
        t.outcome(Outcome::Done);
        t.stage(Stage::Render, 0.2);
        t.storage_error("transient");
        t.escalation("predicted_time");
        t.budget_abort("memory");
        t.cost(0.5, 1.0);
        let text = t.text();
        for name in [
            "octopus_render_jobs_total{outcome=\"done\"} 1",
            "octopus_render_stage_duration_seconds_count{stage=\"render\"} 1",
            "octopus_render_storage_errors_total{kind=\"transient\"} 1",
            "octopus_render_escalations_total{reason=\"predicted_time\"} 1",
            "octopus_render_budget_aborts_total{reason=\"memory\"} 1",
            "octopus_render_cost_ratio_count 1",
            "octopus_render_jobs_in_progress 0",
            "octopus_render_hard_deadline_seconds 27.0",
            "octopus_render_oldest_render_seconds 0.0",
        ] {
            assert!(text.contains(name), "{name} missing from\n{text}");
        }
    }
}
