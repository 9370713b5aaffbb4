//! `submit --wait`: the final result of one job, from the results exchange.
//!
//! Input: a channel, the results exchange and the job id. Output: the first result of the
//! job whose outcome is final (`done` or `dead_lettered`); an `escalated` result is noted
//! on stderr and waiting goes on, since the fallback tier publishes the final one.
//! Guarantees: the private queue is bound before the job is published (the caller binds
//! first), so no result is missed; the queue is exclusive and auto-deleted, so nothing is
//! left on the broker when the command ends; a missing exchange (no worker has run yet)
//! is a clear error, not a hang.

use std::time::Duration;

use futures_lite::StreamExt;
use lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Consumer};

use super::submit::SubmitError;

/// A private queue bound to one job's results.
pub(super) struct ResultWaiter {
    consumer: Consumer,
    id: String,
}

impl ResultWaiter {
    /// Declares a private queue and binds it to `exchange` for job `id`'s results.
    pub(super) async fn bind(
        ch: &Channel,
        exchange: &str,
        id: &str,
    ) -> Result<ResultWaiter, SubmitError> {
        let opts = QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..QueueDeclareOptions::default()
        };
        let q = ch
            .queue_declare("".into(), opts, FieldTable::default())
            .await?;
        let bound = ch
            .queue_bind(
                q.name().clone(),
                exchange.into(),
                id.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await;
        if let Err(e) = bound {
            return Err(SubmitError::NoResult(format!(
                "cannot listen on the results exchange {exchange:?} ({e}); start a worker \
                 first: it declares the exchange"
            )));
        }
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..BasicConsumeOptions::default()
        };
        let consumer = ch
            .basic_consume(q.name().clone(), "".into(), no_ack, FieldTable::default())
            .await?;
        Ok(ResultWaiter {
            consumer,
            id: id.to_owned(),
        })
    }

    /// Waits up to `seconds` for the final result.
    pub(super) async fn final_result(
        mut self,
        seconds: f64,
    ) -> Result<serde_json::Value, SubmitError> {
        let limit = Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX);
        let id = self.id.clone();
        let wait = async {
            while let Some(d) = self.consumer.next().await {
                let d = d?;
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(&d.data) else {
                    eprintln!("warning: a result for {id:?} is not JSON; skipped");
                    continue;
                };
                match v["outcome"].as_str() {
                    Some("done" | "dead_lettered") => return Ok(v),
                    other => eprintln!(
                        "{id}: {} by the {} tier; waiting for the final result",
                        other.unwrap_or("?"),
                        v["tier"].as_str().unwrap_or("?")
                    ),
                }
            }
            Err(SubmitError::NoResult(
                "the broker closed the results queue".into(),
            ))
        };
        match tokio::time::timeout(limit, wait).await {
            Ok(r) => r,
            Err(_) => Err(SubmitError::NoResult(format!(
                "no final result for {id:?} within {seconds} s (the job stays queued)"
            ))),
        }
    }
}
