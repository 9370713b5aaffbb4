//! RabbitMQ topology and publishing: the three quorum queues, the results exchange and
//! confirmed publishes.
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
    /// The topic exchange results are published to, if any.
    pub results: Option<String>,
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
    /// The queue the workers of `tier` consume.
    pub fn queue_of(&self, tier: super::config::Tier) -> &str {
        match tier {
            super::config::Tier::Normal => &self.render,
            super::config::Tier::Fallback => &self.fallback,
        }
    }

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
        declare_one(ch, &self.fallback, self.work_args()).await?;
        match &self.results {
            Some(x) => super::results::declare_exchange(ch, x).await,
            None => Ok(()),
        }
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

/// How many times the broker delivered this message before: the larger of quorum queues'
/// `x-delivery-count` and, on RabbitMQ 4.x, `x-acquired-count` (which also counts the
/// returns that `x-delivery-count` leaves out).
pub fn delivery_count(props: &BasicProperties) -> u32 {
    header_u32(props, "x-delivery-count").max(header_u32(props, "x-acquired-count"))
}

/// The header in which workers count the times they gave a message back by publishing it
/// again (a shutdown, a retry after a transient failure): the broker's delivery count
/// starts afresh on the new message, so the worker carries the count itself.
pub const RETURNS_HEADER: &str = "x-octopus-returns";

/// How many times workers gave this message back (see [`RETURNS_HEADER`]).
pub fn returns(props: &BasicProperties) -> u32 {
    header_u32(props, RETURNS_HEADER)
}

/// This delivery's attempt, from 1: earlier deliveries the broker counted plus the times
/// workers gave the job back by publishing it again.
pub fn attempt(props: &BasicProperties) -> u32 {
    delivery_count(props)
        .saturating_add(returns(props))
        .saturating_add(1)
}

fn header_u32(props: &BasicProperties, name: &str) -> u32 {
    props
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get(name).map(value_text))
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(0)
}

/// How long a publish may wait for the broker's confirm before it counts as failed.
pub const CONFIRM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Headers the broker sets on each delivery.
const BROKER_COUNTERS: [&str; 2] = ["x-delivery-count", "x-acquired-count"];

/// The properties of a forwarded message: the original's (message id, correlation id,
/// reply-to, timestamp, priority, ...) with persistence and JSON content type ensured, the
/// broker's delivery counters removed and `extra` added to its headers.
pub fn forwarded_properties(
    original: &BasicProperties,
    extra: &[(&str, String)],
) -> BasicProperties {
    let mut headers = FieldTable::default();
    if let Some(h) = original.headers() {
        // The broker's counters belong to the delivery, not the message: carried over they
        // would make the new message look redelivered.
        for (k, v) in h.inner() {
            if !BROKER_COUNTERS.contains(&k.as_str()) {
                headers.insert(k.clone(), v.clone());
            }
        }
    }
    for (k, v) in extra {
        headers.insert(
            ShortString::from(*k),
            AMQPValue::LongString(LongString::from(v.as_str())),
        );
    }
    let content_type = original
        .content_type()
        .clone()
        .unwrap_or_else(|| "application/json".into());
    original
        .clone()
        .with_delivery_mode(2)
        .with_content_type(content_type)
        .with_headers(headers)
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
    let props = forwarded_properties(original, extra);
    publish_to(ch, ("", queue), true, body, props).await
}

/// Publishes `body` to `(exchange, routing key)`; succeeds only when the broker confirmed
/// it. `mandatory`: a message no queue takes is an error (else the broker drops it, as an
/// exchange nobody bound does).
pub async fn publish_to(
    ch: &Channel,
    (exchange, key): (&str, &str),
    mandatory: bool,
    body: &[u8],
    props: BasicProperties,
) -> Result<(), PublishError> {
    let target = if exchange.is_empty() {
        key.to_owned()
    } else {
        format!("{exchange}/{key}")
    };
    let opts = BasicPublishOptions {
        mandatory,
        ..BasicPublishOptions::default()
    };
    let channel = |source| PublishError::Channel {
        queue: target.clone(),
        source,
    };
    let pending = ch
        .basic_publish(exchange.into(), key.into(), opts, body, props)
        .await
        .map_err(channel)?;
    let confirm = tokio::time::timeout(CONFIRM_TIMEOUT, pending)
        .await
        .map_err(|_| PublishError::Timeout(target.clone()))?
        .map_err(channel)?;
    match confirm {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(_)) => Err(PublishError::Unroutable(target)),
        Confirmation::Nack(_) => Err(PublishError::Refused(target)),
        Confirmation::NotRequested => Err(PublishError::Unconfirmed(target)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue definitions shipped for RabbitMQ (k8s/cluster) declare each queue with the
    /// arguments this worker declares, so a broker set up from them accepts the workers.
    #[test]
    fn the_shipped_rabbitmq_definitions_match_the_declaration() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/k8s/cluster/rabbitmq-definitions.json"
        );
        let text = std::fs::read_to_string(path).expect("definitions file");
        let defs: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let queues = defs["queues"].as_array().expect("queues");
        let t = Topology {
            render: "render.normal".into(),
            fallback: "render.fallback".into(),
            dead: "render.dead".into(),
            delivery_limit: 5,
            results: Some("render.results".into()),
        };
        // The platform's results queue: every result, kept (the worker declares only the
        // exchange; which results a platform keeps is its choice).
        let results_queue = "render.results".to_owned();
        let expected = [
            (&t.render, t.work_args()),
            (&t.fallback, t.work_args()),
            (&t.dead, quorum()),
            (&results_queue, quorum()),
        ];
        assert_eq!(queues.len(), expected.len());
        for (name, args) in expected {
            let q = queues
                .iter()
                .find(|q| q["name"] == name.as_str())
                .unwrap_or_else(|| panic!("{name} not defined"));
            assert_eq!(q["durable"], true, "{name}");
            assert_eq!(q["auto_delete"], false, "{name}");
            let shipped = q["arguments"].as_object().expect("arguments");
            assert_eq!(shipped.len(), args.inner().len(), "{name}: {shipped:?}");
            for (k, v) in args.inner() {
                let want = value_text(v);
                let got = &shipped[k.as_str()];
                let got = got
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| got.to_string());
                assert_eq!(got, want, "{name}: argument {}", k.as_str());
            }
        }
        let exchange = &defs["exchanges"][0];
        assert_eq!(exchange["name"], "render.results");
        assert_eq!(exchange["type"], "topic");
        assert_eq!(exchange["durable"], true);
        let binding = &defs["bindings"][0];
        assert_eq!(binding["source"], "render.results");
        assert_eq!(binding["destination"], "render.results");
        assert_eq!(binding["routing_key"], "#");
    }

    fn with_headers(pairs: &[(&str, AMQPValue)]) -> BasicProperties {
        let mut h = FieldTable::default();
        for (k, v) in pairs {
            h.insert(ShortString::from(*k), v.clone());
        }
        BasicProperties::default().with_headers(h)
    }

    #[test]
    fn delivery_count_reads_both_counters() {
        assert_eq!(delivery_count(&BasicProperties::default()), 0);
        let p = with_headers(&[("x-delivery-count", AMQPValue::LongLongInt(2))]);
        assert_eq!(delivery_count(&p), 2);
        let p = with_headers(&[
            ("x-delivery-count", AMQPValue::LongLongInt(1)),
            ("x-acquired-count", AMQPValue::LongLongInt(3)),
        ]);
        assert_eq!(
            delivery_count(&p),
            3,
            "4.x: nacks count only in x-acquired-count"
        );
    }

    #[test]
    fn attempts_add_broker_deliveries_and_worker_returns() {
        assert_eq!(attempt(&BasicProperties::default()), 1);
        let p = with_headers(&[
            ("x-delivery-count", AMQPValue::LongLongInt(1)),
            (RETURNS_HEADER, AMQPValue::LongString("2".into())),
        ]);
        assert_eq!(returns(&p), 2);
        assert_eq!(attempt(&p), 4);
    }

    #[test]
    fn forwarding_keeps_the_message_properties() {
        let original = with_headers(&[
            ("trace", AMQPValue::LongString("t-1".into())),
            ("x-delivery-count", AMQPValue::LongLongInt(2)),
        ])
        .with_message_id("m-1".into())
        .with_correlation_id("c-1".into())
        .with_reply_to("results".into())
        .with_priority(3);
        let p = forwarded_properties(&original, &[("x-octopus-reason", "too big".into())]);
        assert_eq!(p.message_id().as_ref().map(|s| s.as_str()), Some("m-1"));
        assert_eq!(p.correlation_id().as_ref().map(|s| s.as_str()), Some("c-1"));
        assert_eq!(p.reply_to().as_ref().map(|s| s.as_str()), Some("results"));
        assert_eq!(*p.priority(), Some(3));
        assert_eq!(*p.delivery_mode(), Some(2));
        assert_eq!(
            p.content_type().as_ref().map(|s| s.as_str()),
            Some("application/json")
        );
        let headers = p.headers().clone().unwrap_or_default();
        let text = |k: &str| headers.inner().get(k).map(value_text);
        assert_eq!(text("trace").as_deref(), Some("t-1"));
        assert_eq!(text("x-octopus-reason").as_deref(), Some("too big"));
        assert_eq!(
            text("x-delivery-count"),
            None,
            "a new message, not a redelivery"
        );
    }
}
