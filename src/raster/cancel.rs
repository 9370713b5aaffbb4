//! Cancellation of a render whose time or memory budget ran out.
//!
//! Input: the render's deadline and memory guard. Output: a flag every band and the
//! background-blur pre-pass poll (the clock is read once per [`CHECK_EVERY`] nodes, the
//! memory probe at most once per [`MEMORY_EVERY`], so the checks cost nothing measurable).
//! Guarantees: once the deadline passes or the process's memory goes over the guard's
//! limit, every band stops at its next node and bands not yet started do not start, so the
//! render thread is free within a node's drawing time; a render that was not cancelled is
//! unaffected, byte for byte; the reason is kept for the error message.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crate::cost::MemoryProbe;

/// Nodes drawn between two reads of the clock.
pub(crate) const CHECK_EVERY: u32 = 64;

/// Least time between two reads of the memory probe.
const MEMORY_EVERY: Duration = Duration::from_millis(20);

/// A limit on the process's resident memory while a render runs.
#[derive(Debug, Clone, Copy)]
pub struct MemoryGuard {
    /// The most resident bytes the process may reach.
    pub limit: u64,
    /// Reads the resident bytes now.
    pub probe: MemoryProbe,
}

/// Why a render was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The deadline passed.
    Deadline,
    /// The process went over the memory guard, at this many bytes.
    Memory(u64),
}

/// The budget of one render and whether it has run out.
#[derive(Debug)]
pub(crate) struct Cancel {
    deadline: Option<Instant>,
    memory: Option<MemoryGuard>,
    start: Instant,
    /// Nanoseconds after `start` of the last memory read.
    last_memory: AtomicU64,
    /// 0: running, 1: deadline, 2: memory.
    stopped: AtomicU8,
    /// Resident bytes when the memory guard tripped.
    over: AtomicU64,
}

impl Cancel {
    /// A flag for `deadline` and `memory` (`None`: never cancelled for that reason).
    pub(crate) fn new(deadline: Option<Instant>, memory: Option<MemoryGuard>) -> Self {
        Cancel {
            deadline,
            memory,
            start: Instant::now(),
            last_memory: AtomicU64::new(0),
            stopped: AtomicU8::new(0),
            over: AtomicU64::new(0),
        }
    }

    /// Reads the clock (and now and then the memory): true, and remembered, once the
    /// budget has run out.
    pub(crate) fn check(&self) -> bool {
        if self.is_cancelled() {
            return true;
        }
        let now = Instant::now();
        if self.deadline.is_some_and(|d| now >= d) {
            self.stopped.store(1, Ordering::Relaxed);
            return true;
        }
        let Some(guard) = self.memory else {
            return false;
        };
        let at = now.duration_since(self.start).as_nanos() as u64;
        let last = self.last_memory.load(Ordering::Relaxed);
        if at.saturating_sub(last) < MEMORY_EVERY.as_nanos() as u64 && last != 0 {
            return false;
        }
        self.last_memory.store(at.max(1), Ordering::Relaxed);
        self.memory_over(&guard, 0)
    }

    /// Whether `bytes` more would take the process over the memory guard (read now); a
    /// large allocation asks first, and a refusal cancels the render.
    pub(crate) fn can_allocate(&self, bytes: usize) -> bool {
        match self.memory {
            Some(guard) => !self.memory_over(&guard, bytes as u64),
            None => true,
        }
    }

    fn memory_over(&self, guard: &MemoryGuard, extra: u64) -> bool {
        let Some(used) = (guard.probe)() else {
            return false;
        };
        if used.saturating_add(extra) <= guard.limit {
            return false;
        }
        self.over
            .store(used.saturating_add(extra), Ordering::Relaxed);
        self.stopped.store(2, Ordering::Relaxed);
        true
    }

    /// True once some check found the budget run out.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.stopped.load(Ordering::Relaxed) != 0
    }

    /// Why the render stopped, if it did.
    pub(crate) fn reason(&self) -> Option<Stop> {
        match self.stopped.load(Ordering::Relaxed) {
            0 => None,
            1 => Some(Stop::Deadline),
            _ => Some(Stop::Memory(self.over.load(Ordering::Relaxed))),
        }
    }

    /// The memory limit, when guarded.
    pub(crate) fn memory_limit(&self) -> Option<u64> {
        self.memory.map(|g| g.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_over_the_guard_cancels_with_its_reason() {
        let guard = MemoryGuard {
            limit: 100,
            probe: || Some(150),
        };
        let c = Cancel::new(None, Some(guard));
        assert!(c.check());
        assert_eq!(c.reason(), Some(Stop::Memory(150)));
    }

    #[test]
    fn an_allocation_that_would_pass_the_guard_is_refused() {
        let guard = MemoryGuard {
            limit: 100,
            probe: || Some(60),
        };
        let c = Cancel::new(None, Some(guard));
        assert!(!c.check());
        assert!(c.can_allocate(40));
        assert!(!c.can_allocate(41));
        assert_eq!(c.reason(), Some(Stop::Memory(101)));
    }

    #[test]
    fn no_guard_never_cancels() {
        let c = Cancel::new(None, None);
        assert!(!c.check() && c.can_allocate(usize::MAX));
        assert_eq!(c.reason(), None);
    }
}
