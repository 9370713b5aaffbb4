//! The one place that decides what happens to a failed job.
//!
//! Input: a [`Failure`] (who is to blame and why), the delivery attempt, the tier and the
//! delivery limit. Output: the queue [`Action`]. Guarantees: the whole decision is the table
//! in [`decide`], a pure function tested without a broker:
//!
//! | blame | normal tier | fallback tier |
//! |---|---|---|
//! | input (bad job, bad document, storage 403/404) | dead-letter | dead-letter |
//! | unsupported | dead-letter | dead-letter |
//! | limits (time, size, pixels, segments) | escalate | dead-letter |
//! | I/O, internal (storage 5xx, panic), attempt < limit | requeue after a backoff | same |
//! | I/O, internal, attempt >= limit | dead-letter | dead-letter |
//!
//! The backoff is 0.5 s doubling per attempt up to 10 s. Dead-lettering on the last allowed
//! attempt keeps the reason with the message; the broker's own delivery limit remains the
//! backstop for jobs that kill the worker before it can decide anything.

use std::time::Duration;

use super::config::Tier;
use crate::error::Blame;

/// Why a job did not complete, and who is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Decides the action.
    pub blame: Blame,
    /// What went wrong, for the dead-letter header and the logs.
    pub reason: String,
    /// For limits failures, which limit (a metric label: `predicted_time`,
    /// `predicted_memory`, `deadline`, `memory`, `limit`, `vanished`); else the blame's.
    pub label: &'static str,
}

impl Failure {
    /// A failure with `blame` and `reason`.
    pub fn new(blame: Blame, reason: impl Into<String>) -> Self {
        let label = match blame {
            Blame::Input => "input",
            Blame::Unsupported => "unsupported",
            Blame::Limits => "limit",
            Blame::Io => "io",
            Blame::Internal => "internal",
        };
        Failure {
            blame,
            reason: reason.into(),
            label,
        }
    }

    /// The failure of a render error, labelled by the limit it passed.
    pub fn of(e: &crate::Error) -> Self {
        let mut f = Failure::new(e.blame(), e.to_string());
        if let Some(label) = e.limit_label() {
            f.label = label;
        }
        f
    }

    /// A limits failure with its own label.
    pub fn limits(label: &'static str, reason: impl Into<String>) -> Self {
        Failure {
            label,
            ..Failure::new(Blame::Limits, reason)
        }
    }
}

/// What the worker does with a failed delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Publish to the dead-letter queue (confirmed), then ack.
    DeadLetter,
    /// Publish to the fallback queue (confirmed), then ack.
    Escalate,
    /// Return to the queue after waiting this long.
    Requeue {
        /// The backoff before the nack.
        after: Duration,
    },
}

/// The policy table (see the module documentation). `attempt` counts from 1.
pub fn decide(blame: Blame, attempt: u32, tier: Tier, delivery_limit: u32) -> Action {
    match (blame, tier) {
        (Blame::Input | Blame::Unsupported, _) => Action::DeadLetter,
        (Blame::Limits, Tier::Normal) => Action::Escalate,
        (Blame::Limits, Tier::Fallback) => Action::DeadLetter,
        (Blame::Io | Blame::Internal, _) if attempt >= delivery_limit => Action::DeadLetter,
        (Blame::Io | Blame::Internal, _) => Action::Requeue {
            after: backoff(attempt),
        },
    }
}

/// Wait before requeueing attempt `attempt` (from 1): 0.5 s doubling, at most 10 s.
pub fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.clamp(1, 6) - 1;
    Duration::from_millis(500u64 << doublings).min(Duration::from_secs(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: u32 = 5;

    #[test]
    fn bad_input_is_dead_lettered_on_every_tier_and_attempt() {
        for blame in [Blame::Input, Blame::Unsupported] {
            for tier in [Tier::Normal, Tier::Fallback] {
                for attempt in 1..=LIMIT + 1 {
                    assert_eq!(decide(blame, attempt, tier, LIMIT), Action::DeadLetter);
                }
            }
        }
    }

    #[test]
    fn limits_escalate_from_normal_and_end_on_fallback() {
        assert_eq!(
            decide(Blame::Limits, 1, Tier::Normal, LIMIT),
            Action::Escalate
        );
        assert_eq!(
            decide(Blame::Limits, 1, Tier::Fallback, LIMIT),
            Action::DeadLetter
        );
    }

    #[test]
    fn transient_failures_back_off_then_dead_letter_at_the_limit() {
        for blame in [Blame::Io, Blame::Internal] {
            let waits: Vec<Action> = (1..=LIMIT)
                .map(|a| decide(blame, a, Tier::Normal, LIMIT))
                .collect();
            assert_eq!(
                waits,
                [
                    Action::Requeue {
                        after: Duration::from_millis(500)
                    },
                    Action::Requeue {
                        after: Duration::from_secs(1)
                    },
                    Action::Requeue {
                        after: Duration::from_secs(2)
                    },
                    Action::Requeue {
                        after: Duration::from_secs(4)
                    },
                    Action::DeadLetter,
                ]
            );
        }
    }

    #[test]
    fn backoff_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(500));
        assert_eq!(backoff(6), Duration::from_secs(10));
        assert_eq!(backoff(u32::MAX), Duration::from_secs(10));
    }
}
