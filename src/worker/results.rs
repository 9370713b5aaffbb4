//! The results exchange: one confirmed message for every job that ends.
//!
//! Input: a settled job's [`JobReport`], how it ended, and the publishing channel. Output:
//! the result message (see `report.rs` for its format) on the results topic exchange, routed
//! by the job's id (`-` for a message that was not a job). Guarantees: the exchange is
//! declared durable, of type topic, so a platform binds `#` for every result and a caller
//! waiting for one job binds its id; each publish is persistent and succeeds only once the
//! broker confirmed it; a job is acked only after its result was published (see
//! `settle.rs`), so a crash in between publishes it again, never loses it: consumers see a
//! result at least once and tell repeats by `id` and `attempt`. A result no queue is bound
//! to is dropped by the broker, as AMQP routes; the shipped definitions bind a durable
//! `render.results` queue.

use lapin::options::ExchangeDeclareOptions;
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, ExchangeKind};

use super::error::PublishError;
use super::queue::{publish_to, TopologyError};
use super::report::{result_message, Ending, JobReport};
use super::settle::Settlement;

/// Declares the results exchange (idempotent when it exists as a durable topic exchange).
pub async fn declare_exchange(ch: &Channel, name: &str) -> Result<(), TopologyError> {
    let opts = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    match ch
        .exchange_declare(
            name.into(),
            ExchangeKind::Topic,
            opts,
            FieldTable::default(),
        )
        .await
    {
        Ok(()) => Ok(()),
        Err(e) if e.to_string().contains("PRECONDITION_FAILED") => Err(TopologyError::Mismatch {
            queue: format!("exchange {name}"),
            wanted: "a durable topic exchange".into(),
            cause: e.to_string(),
        }),
        Err(cause) => Err(TopologyError::Broker {
            queue: format!("exchange {name}"),
            cause,
        }),
    }
}

/// Publishes the result of `job`, which ended as `outcome` (`failure`: reason and blame).
/// `Ok` when there is no results exchange.
pub async fn publish_result(
    job: &Settlement<'_>,
    report: &JobReport,
    outcome: &str,
    failure: Option<(&str, &str)>,
) -> Result<(), PublishError> {
    let Some(exchange) = job.topology.results.as_deref() else {
        return Ok(());
    };
    let ending = Ending {
        id: (job.id != "-").then_some(job.id),
        outcome,
        tier: job.ctx.tier.as_str(),
        attempt: job.attempt,
        queue: job.delivery.routing_key.as_str(),
        failure,
    };
    let body = result_message(report, &ending);
    let mut props = BasicProperties::default()
        .with_delivery_mode(2)
        .with_content_type("application/json".into());
    if job.id != "-" {
        props = props.with_correlation_id(job.id.into());
    }
    let published = publish_to(job.publisher, (exchange, job.id), false, &body, props).await;
    match &published {
        Ok(()) => job.ctx.telemetry.result_published("ok"),
        Err(e) => {
            tracing::error!(job_id = %job.id, error = %e, "could not publish the job's result");
            job.ctx.telemetry.result_published("failed");
        }
    }
    published
}
