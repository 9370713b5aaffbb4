//! The liveness watchdog: notices a render that runs past the point where it should
//! have stopped itself.
//!
//! Input: a guard taken by each render on the pool for as long as it runs. Output: the age
//! of the oldest running render, and whether it is past the hard deadline. Guarantees: a
//! render checks its own deadline as it goes and stops there (see `crate::cost` and the
//! raster's deadline checks), so one still running at the hard deadline (the tier's time
//! budget, a quarter more, and two seconds) is wedged: `/livez` then answers 503, and
//! Kubernetes restarts the pod. The job loop has already given the job back when its own
//! wait ran out; the restart frees the render thread the wedged render holds, which would
//! otherwise make every later job on the pod miss its deadline too.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Renders now running, by start time.
#[derive(Debug)]
pub struct Watchdog {
    hard_deadline: Duration,
    running: Mutex<BTreeMap<u64, Instant>>,
    next: AtomicU64,
}

/// Held by a running render; dropping it (also when the render panics) ends the watch.
#[must_use = "the render is watched only while the guard lives"]
pub struct Running<'a> {
    dog: &'a Watchdog,
    key: u64,
}

impl Watchdog {
    /// A watchdog that calls a render wedged once it has run longer than `hard_deadline`.
    pub fn new(hard_deadline: Duration) -> Self {
        Watchdog {
            hard_deadline,
            running: Mutex::new(BTreeMap::new()),
            next: AtomicU64::new(0),
        }
    }

    /// The hard deadline: a budget of `time` plus a quarter and two seconds, past which a
    /// render that checks its deadline as it goes cannot still be running.
    pub fn hard_deadline_for(time: Duration) -> Duration {
        time + time / 4 + Duration::from_secs(2)
    }

    /// How long a render may run before it counts as wedged.
    pub fn hard_deadline(&self) -> Duration {
        self.hard_deadline
    }

    /// Starts watching one render until the guard is dropped.
    pub fn start(&self) -> Running<'_> {
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(key, Instant::now());
        Running { dog: self, key }
    }

    /// How long the oldest running render has been running (zero when none runs).
    pub fn oldest(&self) -> Duration {
        let now = Instant::now();
        self.lock()
            .values()
            .map(|started| now.saturating_duration_since(*started))
            .max()
            .unwrap_or_default()
    }

    /// The oldest render's age, if it is past the hard deadline.
    pub fn wedged(&self) -> Option<Duration> {
        let age = self.oldest();
        (age > self.hard_deadline).then_some(age)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Instant>> {
        // A panic while the map was held leaves it consistent (one insert or remove), so
        // a poisoned lock is still usable.
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.dog.lock().remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_past_the_hard_deadline_is_wedged_until_it_ends() {
        let dog = Watchdog::new(Duration::from_millis(30));
        assert_eq!(dog.wedged(), None, "nothing runs");
        let first = dog.start();
        assert_eq!(dog.wedged(), None, "young render");
        std::thread::sleep(Duration::from_millis(50));
        let second = dog.start();
        let age = dog.wedged().expect("the first render is past 30 ms");
        assert!(age >= Duration::from_millis(50), "{age:?}");
        drop(first);
        assert_eq!(dog.wedged(), None, "only the young one runs");
        drop(second);
        assert_eq!(dog.oldest(), Duration::ZERO);
    }

    #[test]
    fn a_panicking_render_releases_its_watch() {
        let dog = Watchdog::new(Duration::ZERO);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _watch = dog.start();
            panic!("render bug");
        }));
        assert!(caught.is_err());
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(dog.wedged(), None);
    }

    #[test]
    fn the_hard_deadline_leaves_room_past_the_budget() {
        assert_eq!(
            Watchdog::hard_deadline_for(Duration::from_secs(20)),
            Duration::from_secs(27)
        );
        assert_eq!(
            Watchdog::hard_deadline_for(Duration::from_secs(300)),
            Duration::from_secs(377)
        );
    }
}
