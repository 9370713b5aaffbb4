//! `octopus-render worker`: RabbitMQ in, object storage in and out, nothing lost.
//!
//! Input: a validated [`WorkerConfig`]. Output: rendered PNGs in object storage and acks;
//! exit status 0 after a clean shutdown, 2 for bad configuration or a queue whose arguments
//! differ from ours. Guarantees:
//! - one select loop per broker session takes deliveries, finished jobs and the stop
//!   signal; jobs run concurrently up to the prefetch, rendering on a rayon pool
//!   ([`session`], [`execute`]);
//! - a message is acked only after its output is stored, or after it was published, with a
//!   broker confirm, to the fallback or dead-letter queue; an ack or nack the broker does not
//!   take is logged and counted, never counted as done ([`settle`]);
//! - a job reads and writes only under the worker's storage roots, every location checked
//!   in canonical form first ([`roots`]), and downloads within caps on each object's size
//!   (read before it is fetched), the job's total and its lookups ([`fetch`]);
//! - what happens to a failed job is one table from (blame, attempt, tier) to the queue
//!   action ([`policy`]);
//! - SIGTERM/SIGINT: readiness turns 503 and intake stops at once; a running job whose
//!   budget ends within the grace period finishes and acks; one whose budget runs past it is
//!   returned to the queue at once ([`shutdown`]);
//! - broker loss: the session ends, readiness turns 503, and the worker reconnects with
//!   exponential backoff (1 s to 30 s), declaring the queues and prefetch again
//!   ([`runtime`]), after the jobs that were running finish and store their outputs;
//!   heartbeats (10 s) detect a half-open connection;
//! - a redelivered job (its worker died or lost the broker) is acked if its output is
//!   stored, and otherwise escalated from the normal tier without another try there
//!   ([`execute`]); every give-back publishes the job again with its attempt count, so
//!   every path that returns a job counts towards the delivery limit ([`settle`]);
//! - a render still running past its hard deadline fails `/livez`, so the pod is restarted
//!   and its render thread freed ([`watchdog`]).

pub mod cgroup;
pub mod config;
pub mod error;
pub mod execute;
#[cfg(feature = "fault-injection")]
mod fault;
pub mod fetch;
pub mod job;
pub mod metrics;
pub mod outcome;
pub mod policy;
mod produce;
pub mod queue;
pub mod references;
pub mod report;
pub mod results;
pub mod roots;
pub mod runtime;
pub mod session;
pub mod settle;
pub mod shutdown;
pub mod storage;
pub mod submit;
mod submit_wait;
pub mod watchdog;

pub use config::{Tier, WorkerConfig};
pub use runtime::run;
