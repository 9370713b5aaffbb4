//! The worker's own errors, one enum per boundary.
//!
//! Input: failures of configuration, job messages, publishing and the broker session.
//! Output: typed errors whose messages say what is wrong and where. Guarantee: no worker
//! function returns a bare `String` as its error; a job's failure during processing is a
//! [`super::policy::Failure`] (blame and reason), which the policy table maps to an action.

/// A configuration value the worker cannot run with (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    /// The flag or environment variable.
    pub name: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

impl ConfigError {
    /// An error about `name`.
    pub fn new(name: &'static str, problem: impl Into<String>) -> Self {
        ConfigError {
            name,
            problem: problem.into(),
        }
    }
}

/// A job message that is not a valid job.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Not JSON of the job format.
    #[error("not a job message: {0}")]
    NotJson(#[from] serde_json::Error),
    /// Another format version.
    #[error("job format version {0} is not supported (this worker reads 1 to {JOB_VERSION})", JOB_VERSION = super::job::JOB_VERSION)]
    Version(u32),
    /// The id is not a safe file name.
    #[error(
        "id {0:?} must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', '-' and not start with '.'"
    )]
    Id(String),
    /// A location field is not usable.
    #[error("{field}: {problem}")]
    Location {
        /// `document`, `assets` or `output`.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The scale is out of range.
    #[error("scale must be in (0, 64], got {0}")]
    Scale(f64),
    /// An unknown anti-aliasing mode.
    #[error("antialias must be \"exact\" or \"figma\", got {0:?}")]
    Antialias(String),
    /// The gradient colour space is not one the renderer knows.
    #[error("gradients must be \"srgb\", \"oklab\" or \"linear\", got {0:?}")]
    Gradients(String),
    /// The outputs asked for are not usable.
    #[error("{0}")]
    Outputs(String),
    /// An image reference that is not a plain file name under the assets prefix.
    #[error("image reference {0:?} is not a file name under the assets prefix")]
    AssetKey(String),
}

/// A publish the broker did not take.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The publish or its confirmation failed on the channel.
    #[error("publish to {queue:?}: {source}")]
    Channel {
        /// The target queue.
        queue: String,
        /// The broker error.
        source: lapin::Error,
    },
    /// The broker returned the message: no such queue.
    #[error("publish to {0:?}: unroutable (no such queue)")]
    Unroutable(String),
    /// The broker refused the message.
    #[error("publish to {0:?}: the broker refused it")]
    Refused(String),
    /// No confirm arrived in time; the message may or may not be stored.
    #[error("publish to {0:?}: no confirm within the timeout")]
    Timeout(String),
    /// The channel is not in confirm mode, so success cannot be known.
    #[error("publish to {0:?}: publisher confirms are off on this channel")]
    Unconfirmed(String),
}

/// Why a broker session ended.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Configuration the operator must fix (a queue with other arguments).
    #[error(transparent)]
    Fatal(super::queue::TopologyError),
    /// The broker failed or went away; reconnect.
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    /// Declaring the queues failed for a reason a reconnect may fix.
    #[error(transparent)]
    Topology(super::queue::TopologyError),
    /// The broker cancelled our consumer (the queue was deleted).
    #[error("the broker cancelled the consumer")]
    Cancelled,
}
