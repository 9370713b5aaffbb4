//! Cancellation of a render whose time budget ran out.
//!
//! Input: the render's deadline. Output: a flag every band and the background-blur pre-pass
//! poll (the clock is read once per [`CHECK_EVERY`] nodes, so the check costs nothing
//! measurable). Guarantees: once the deadline passes, every band stops at its next node and
//! bands not yet started do not start, so the render thread is free within a node's drawing
//! time; a render that was not cancelled is unaffected, byte for byte.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Nodes drawn between two reads of the clock.
pub(crate) const CHECK_EVERY: u32 = 64;

/// The deadline of one render and whether it has passed.
#[derive(Debug, Default)]
pub(crate) struct Cancel {
    deadline: Option<Instant>,
    cancelled: AtomicBool,
}

impl Cancel {
    /// A flag for `deadline` (`None`: never cancelled).
    pub(crate) fn new(deadline: Option<Instant>) -> Self {
        Cancel {
            deadline,
            cancelled: AtomicBool::new(false),
        }
    }

    /// Reads the clock: true (and remembered) once the deadline has passed.
    pub(crate) fn check(&self) -> bool {
        if self.is_cancelled() {
            return true;
        }
        let passed = self.deadline.is_some_and(|d| Instant::now() >= d);
        if passed {
            self.cancelled.store(true, Ordering::Relaxed);
        }
        passed
    }

    /// True once some check found the deadline passed.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}
