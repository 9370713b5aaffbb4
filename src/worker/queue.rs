//! RabbitMQ topology and publishing: the three quorum queues and confirmed publishes.
//!
//! Input: queue names, the delivery limit and an open channel. Output: declared (or
//! verified) queues; publishes that succeed only once the broker confirmed them.
//! Guarantees: the render and fallback queues are quorum queues whose messages are
//! dead-lettered into the dead-letter queue after `delivery_limit` deliveries (redeliveries
//! after a worker crash count: a job that keeps killing workers ends there too); a queue
//! that exists with other arguments is reported with both sets of arguments and the worker
//! refuses to start; a publish the broker did not confirm, or returned as unroutable, is an
//! error, never a success.

use lapin::options::{BasicPublishOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Confirmation};

use super::error::PublishError;

/// Queue names and dead-lettering settings.
#[derive(Debug, Clone)]
pub struct Topology {
    /// Normal-tier jobs.
    pub render: String,
    /// Jobs escalated to the fallback tier.
    pub fallback: String,
    /// Jobs that failed for good.
    pub dead: String,
    /// Deliveries before the broker dead-letters a message.
    pub delivery_limit: u32,
}

/// Why the topology could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TopologyError {
    /// The queue exists with different arguments: an operator must reconcile them.
    #[error("queue {queue:?} exists with other arguments than this worker's {wanted}: {cause}")]
    Mismatch {
        /// Queue name.
        queue: String,
        /// What this worker declares.
        wanted: String,
        /// The broker's reply.
        cause: String,
    },
    /// The broker failed otherwise (retryable).
    #[error("declaring queue {queue:?}: {cause}")]
    Broker {
        /// Queue name.
        queue: String,
        /// The error.
        cause: lapin::Error,
    },
}

impl Topology {
    /// The arguments of a work queue (render or fallback).
    pub fn work_args(&self) -> FieldTable {
        let mut t = quorum();
        t.insert(
            "x-delivery-limit".into(),
            AMQPValue::LongInt(self.delivery_limit as i32),
        );
        t.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString("".into()),
        );
        t.insert(
            "x-dead-letter-routing-key".into(),
            AMQPValue::LongString(self.dead.as_str().into()),
        );
        t
    }

    /// Declares the three queues (idempotent when they exist with the same arguments).
    /// A mismatch closes the channel on the broker side, so the caller needs a new one.
    pub async fn declare(&self, ch: &Channel) -> Result<(), TopologyError> {
        declare_one(ch, &self.dead, quorum()).await?;
        declare_one(ch, &self.render, self.work_args()).await?;
        declare_one(ch, &self.fallback, self.work_args()).await
    }
}

fn quorum() -> FieldTable {
    let mut t = FieldTable::default();
    t.insert(
        "x-queue-type".into(),
        AMQPValue::LongString("quorum".into()),
    );
    t
}

async fn declare_one(ch: &Channel, queue: &str, args: FieldTable) -> Result<(), TopologyError> {
    let wanted = describe(&args);
    let opts = QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    };
    match ch.queue_declare(queue.into(), opts, args).await {
        Ok(_) => Ok(()),
        Err(e) if is_precondition_failed(&e) => Err(TopologyError::Mismatch {
            queue: queue.to_owned(),
            wanted,
            cause: e.to_string(),
        }),
        Err(cause) => Err(TopologyError::Broker {
            queue: queue.to_owned(),
            cause,
        }),
    }
}

/// The broker's 406 PRECONDITION_FAILED: a queue exists with different arguments.
fn is_precondition_failed(e: &lapin::Error) -> bool {
    let s = e.to_string();
    s.contains("PRECONDITION_FAILED") || s.contains("406")
}

fn describe(args: &FieldTable) -> String {
    let parts: Vec<String> = args
        .inner()
        .iter()
        .map(|(k, v)| format!("{}={}", k.as_str(), value_text(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// A header or argument value as text.
pub fn value_text(v: &AMQPValue) -> String {
    match v {
        AMQPValue::LongString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        AMQPValue::ShortString(s) => s.as_str().to_owned(),
        AMQPValue::LongInt(i) => i.to_string(),
        AMQPValue::LongLongInt(i) => i.to_string(),
        AMQPValue::LongUInt(i) => i.to_string(),
        AMQPValue::ShortInt(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// How many times the broker delivered this message before (quorum queues count).
pub fn delivery_count(props: &BasicProperties) -> u32 {
    props
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get("x-delivery-count").map(value_text))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Publishes `body` to `queue` (default exchange), persistent and mandatory, with the
/// original headers plus `extra`; succeeds only when the broker confirmed it.
pub async fn publish_confirmed(
    ch: &Channel,
    queue: &str,
    body: &[u8],
    original: &BasicProperties,
    extra: &[(&str, String)],
) -> Result<(), PublishError> {
    let mut headers = original.headers().clone().unwrap_or_default();
    for (k, v) in extra {
        headers.insert(
            ShortString::from(*k),
            AMQPValue::LongString(LongString::from(v.as_str())),
        );
    }
    let props = BasicProperties::default()
        .with_delivery_mode(2)
        .with_content_type("application/json".into())
        .with_headers(headers);
    let opts = BasicPublishOptions {
        mandatory: true,
        ..BasicPublishOptions::default()
    };
    let channel = |source| PublishError::Channel {
        queue: queue.to_owned(),
        source,
    };
    let confirm = ch
        .basic_publish("".into(), queue.into(), opts, body, props)
        .await
        .map_err(channel)?
        .await
        .map_err(channel)?;
    match confirm {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(_)) => Err(PublishError::Unroutable(queue.to_owned())),
        Confirmation::Nack(_) => Err(PublishError::Refused(queue.to_owned())),
        Confirmation::NotRequested => Err(PublishError::Unconfirmed(queue.to_owned())),
    }
}
