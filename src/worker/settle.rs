//! Settling a delivery: carrying out the policy's action on the broker, exactly once.
//!
//! Input: a delivery, how its job ended, its report, the attempt and the stop flag. Output:
//! the [`Outcome`] for metrics and logs. Guarantees: a message is acked only after its
//! outputs are stored and its result published with a broker confirm (see `results.rs`),
//! or after it was published, with a broker confirm, to the fallback or dead-letter queue
//! (its result is then published before the ack too; one the broker does not take is
//! logged and counted, since the job itself is safe in the next queue); a publish of the
//! job that fails requeues the message instead, and so does a done job's result that
//! fails (the next attempt writes the same bytes and publishes again); a failed or
//! abandoned attempt goes back as a new message that counts the attempt (see
//! [`give_back`]), so every give-back counts towards the delivery limit; every ack, nack and reject result is checked: an error or `Ok(false)` (the channel closed under us, or the delivery
//! was already settled) is logged, counted in `settle_failures`, and the outcome is
//! [`Outcome::SettleFailed`], never `done`: the broker redelivers such a job, and the
//! deterministic output is overwritten with the same bytes.

use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions, BasicRejectOptions};
use lapin::Channel;
use tokio::sync::watch;

use super::execute::JobContext;
use super::outcome::Outcome;
use super::policy::{decide, Action, Failure};
use super::queue::{publish_confirmed, Topology, RETURNS_HEADER};
use super::report::JobReport;
use super::results::publish_result;

/// A delivery being settled, with what settling it needs.
pub struct Settlement<'a> {
    /// The message.
    pub delivery: &'a Delivery,
    /// The confirming channel escalations and dead letters are published on.
    pub publisher: &'a Channel,
    /// Queue names.
    pub topology: &'a Topology,
    /// Tier, delivery limit, telemetry.
    pub ctx: &'a JobContext,
    /// The job id, `-` when the message had none.
    pub id: &'a str,
    /// This delivery's attempt, from 1.
    pub attempt: u32,
}

/// Carries out what the policy decides for `result`; returns the outcome.
pub async fn settle(
    job: &Settlement<'_>,
    result: Result<(), Failure>,
    report: &JobReport,
    mut stop: watch::Receiver<bool>,
) -> Outcome {
    let ctx = job.ctx;
    let failure = match result {
        Ok(()) => {
            let done = Outcome::Done.as_str();
            if publish_result(job, report, done, None).await.is_ok() {
                return ack(job, Outcome::Done).await;
            }
            return if give_back(job, GiveBack::Attempted).await {
                Outcome::Requeued
            } else {
                Outcome::SettleFailed
            };
        }
        Err(f) => f,
    };
    match decide(failure.blame, job.attempt, ctx.tier, ctx.delivery_limit) {
        Action::Escalate => {
            tracing::info!(job_id = %job.id, reason = %failure.reason, "escalating to the fallback tier");
            ctx.telemetry.escalation(failure.label);
            let queue = &job.topology.fallback;
            forward(job, queue, &failure, report, Outcome::Escalated).await
        }
        Action::DeadLetter => {
            tracing::warn!(job_id = %job.id, reason = %failure.reason, attempt = job.attempt, "dead-lettering");
            let queue = &job.topology.dead;
            forward(job, queue, &failure, report, Outcome::DeadLettered).await
        }
        Action::Requeue { after } => {
            ctx.telemetry.retries.inc();
            tracing::warn!(job_id = %job.id, reason = %failure.reason, attempt = job.attempt, retry_in = ?after, "will retry");
            tokio::select! {
                _ = tokio::time::sleep(after) => {}
                _ = stop.changed() => {}
            }
            if give_back(job, GiveBack::Attempted).await {
                Outcome::Retried
            } else {
                Outcome::SettleFailed
            }
        }
    }
}

/// Publishes the message to `queue` with the failure's reason, then its result, then acks;
/// requeues it when the first publish fails.
async fn forward(
    job: &Settlement<'_>,
    queue: &str,
    failure: &Failure,
    report: &JobReport,
    outcome: Outcome,
) -> Outcome {
    let d = job.delivery;
    let tier = job.ctx.tier.as_str();
    let extra = [
        ("x-octopus-reason", failure.reason.clone()),
        ("x-octopus-outcome", outcome.as_str().to_owned()),
        ("x-octopus-tier", tier.to_owned()),
        ("x-octopus-from-queue", d.routing_key.as_str().to_owned()),
        ("x-octopus-attempt", job.attempt.to_string()),
        // The next queue counts its own attempts.
        (RETURNS_HEADER, "0".to_owned()),
    ];
    match publish_confirmed(job.publisher, queue, &d.data, &d.properties, &extra).await {
        Ok(()) => {
            #[cfg(feature = "fault-injection")]
            super::fault::after_forward(job.id);
            let why = Some((failure.reason.as_str(), failure.blame.as_str()));
            // Failure is logged and counted there; the job is safe in `queue` either way.
            let _logged = publish_result(job, report, outcome.as_str(), why).await;
            ack(job, outcome).await
        }
        Err(e) => {
            tracing::error!(job_id = %job.id, error = %e, "could not forward the job; requeueing it");
            if give_back(job, GiveBack::Attempted).await {
                Outcome::Requeued
            } else {
                Outcome::SettleFailed
            }
        }
    }
}

/// Acks; `outcome` when the broker took it, [`Outcome::SettleFailed`] otherwise.
async fn ack(job: &Settlement<'_>, outcome: Outcome) -> Outcome {
    match job.delivery.ack(BasicAckOptions::default()).await {
        Ok(true) => outcome,
        Ok(false) => {
            tracing::error!(job_id = %job.id, "ack not sent: the channel is closed or the delivery was already settled; the broker will redeliver");
            job.ctx.telemetry.settle_failure("ack");
            Outcome::SettleFailed
        }
        Err(e) => {
            tracing::error!(job_id = %job.id, error = %e, "ack failed; the broker will redeliver");
            job.ctx.telemetry.settle_failure("ack");
            Outcome::SettleFailed
        }
    }
}

/// How a delivery goes back to its queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveBack {
    /// The attempt failed or was abandoned: it counts towards the delivery limit.
    Attempted,
    /// The job never started (it arrived after the consumer was cancelled): not counted.
    NotStarted,
}

/// Returns the delivery to its queue; false (logged and counted) when the broker did not
/// take it (the message then returns when the channel closes).
///
/// The job is published again to the queue it came from, carrying its attempt count in
/// [`RETURNS_HEADER`], and the delivery is then acked. A plain requeue would mark the
/// message redelivered, which is how a worker recognises a job whose earlier attempt
/// vanished (a killed worker), and RabbitMQ 4.x does not count a `basic.nack` towards the
/// delivery limit. When that publish fails the delivery is rejected instead, which every
/// version counts.
pub async fn give_back(job: &Settlement<'_>, how: GiveBack) -> bool {
    let d = job.delivery;
    let counted = match how {
        GiveBack::Attempted => job.attempt,
        GiveBack::NotStarted => job.attempt.saturating_sub(1),
    };
    let extra = [(RETURNS_HEADER, counted.to_string())];
    let queue = job.topology.queue_of(job.ctx.tier);
    match publish_confirmed(job.publisher, queue, &d.data, &d.properties, &extra).await {
        Ok(()) => return ack(job, Outcome::Requeued).await == Outcome::Requeued,
        Err(e) => {
            tracing::warn!(job_id = %job.id, error = %e, "could not publish the job again; rejecting it instead");
        }
    }
    let (op, sent) = match how {
        GiveBack::Attempted => (
            "reject",
            d.reject(BasicRejectOptions { requeue: true }).await,
        ),
        GiveBack::NotStarted => {
            let opts = BasicNackOptions {
                requeue: true,
                multiple: false,
            };
            ("nack", d.nack(opts).await)
        }
    };
    match sent {
        Ok(true) => true,
        Ok(false) => {
            tracing::error!(job_id = %job.id, op, "not sent: the channel is closed or the delivery was already settled");
            job.ctx.telemetry.settle_failure(op);
            false
        }
        Err(e) => {
            tracing::error!(job_id = %job.id, op, error = %e, "failed; the message returns when the channel closes");
            job.ctx.telemetry.settle_failure(op);
            false
        }
    }
}
