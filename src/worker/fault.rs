//! Fault injection for the worker's reliability tests.
//!
//! Input: the `OCTOPUS_FAULTS` environment variable, a comma-separated list of
//! `panic:<job id>`, `abort:<job id>` (the process dies as under `kill -9` or an OOM kill),
//! `sleep-<seconds>:<job id>` and `abort-after-forward:<job id>` (the process dies between
//! the broker's confirm of an escalation or dead letter and the ack of the original).
//! Output: that fault, raised on the render thread when the job with that id renders (the
//! last one when it is forwarded). Guarantees: unset (as in production) it costs one
//! lookup per job and does nothing; it exists so the tests can make a job that crashes
//! every worker it reaches, and a job that takes a known time.

use std::sync::OnceLock;
use std::time::Duration;

/// One configured fault.
#[derive(Debug, Clone, PartialEq)]
enum Fault {
    Panic,
    Abort,
    Sleep(Duration),
    AbortAfterForward,
}

fn faults() -> &'static [(String, Fault)] {
    static FAULTS: OnceLock<Vec<(String, Fault)>> = OnceLock::new();
    FAULTS.get_or_init(|| {
        std::env::var("OCTOPUS_FAULTS")
            .map(|s| parse(&s))
            .unwrap_or_default()
    })
}

fn parse(spec: &str) -> Vec<(String, Fault)> {
    spec.split(',')
        .filter_map(|item| {
            let (kind, id) = item.trim().split_once(':')?;
            let fault = match kind {
                "panic" => Fault::Panic,
                "abort" => Fault::Abort,
                "abort-after-forward" => Fault::AbortAfterForward,
                k => Fault::Sleep(Duration::from_secs_f64(
                    k.strip_prefix("sleep-")?.parse().ok()?,
                )),
            };
            Some((id.to_owned(), fault))
        })
        .collect()
}

/// Raises the fault configured for `job_id`, if any.
pub(super) fn inject(job_id: &str) {
    for (id, fault) in faults() {
        if id == job_id {
            match fault {
                Fault::Panic => panic!("injected fault for job {job_id}"),
                Fault::Abort => std::process::abort(),
                Fault::Sleep(d) => std::thread::sleep(*d),
                Fault::AbortAfterForward => {}
            }
        }
    }
}

/// Dies when `abort-after-forward` is configured for `job_id`.
pub(super) fn after_forward(job_id: &str) {
    if faults()
        .iter()
        .any(|(id, f)| id == job_id && *f == Fault::AbortAfterForward)
    {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_fault_list() {
        assert_eq!(
            parse("panic:a, abort:b,sleep-1.5:c,bogus,sleep-x:d,abort-after-forward:e"),
            vec![
                ("a".into(), Fault::Panic),
                ("b".into(), Fault::Abort),
                ("c".into(), Fault::Sleep(Duration::from_millis(1500))),
                ("e".into(), Fault::AbortAfterForward),
            ]
        );
    }
}
