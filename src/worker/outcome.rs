//! Typed outcomes and stages of a job, shared by the metrics and the logs.
//!
//! Input: what the worker did with a delivery, and where a job spent its time. Output: the
//! label text both the Prometheus families and the log lines use. Guarantee: one spelling per
//! outcome and stage, so a dashboard and a log query name the same thing the same way.

use std::fmt;

/// What happened to one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Rendered, stored and acked.
    Done,
    /// Published to the fallback queue, then acked.
    Escalated,
    /// Published to the dead-letter queue, then acked.
    DeadLettered,
    /// Returned to the queue for another attempt after a backoff.
    Retried,
    /// Returned to the queue at once: shutting down, or the escalation or dead-letter publish
    /// failed.
    Requeued,
    /// The final ack or nack did not go through; the broker redelivers the job.
    SettleFailed,
}

impl Outcome {
    /// Every outcome, for tests and dashboards.
    pub const ALL: [Outcome; 6] = [
        Outcome::Done,
        Outcome::Escalated,
        Outcome::DeadLettered,
        Outcome::Retried,
        Outcome::Requeued,
        Outcome::SettleFailed,
    ];

    /// The label value (`done`, `escalated`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Escalated => "escalated",
            Outcome::DeadLettered => "dead_lettered",
            Outcome::Retried => "retried",
            Outcome::Requeued => "requeued",
            Outcome::SettleFailed => "settle_failed",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stage of one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Reading the document, manifest, components and images.
    Fetch,
    /// Parsing, building the scene, rasterising and encoding.
    Render,
    /// Writing the output.
    Upload,
}

impl Stage {
    /// The label value (`fetch`, `render`, `upload`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::Render => "render",
            Stage::Upload => "upload",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_distinct_snake_case() {
        let mut seen: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        assert!(seen
            .iter()
            .all(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), Outcome::ALL.len());
    }
}
