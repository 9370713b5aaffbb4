//! Errors of the render pipeline, sorted by blame.
//!
//! Input: failures from parsing, limits, I/O and internal invariants. Output: one [`Error`]
//! whose [`Blame`] tells the caller what to do: the CLI picks an exit code, the worker a
//! queue action (input → dead-letter, limits → escalate, I/O → retry, internal → retry
//! then dead-letter). Guarantee: every error says what is wrong and where.

use std::path::PathBuf;

use octopus_schema::ParseError;

/// Who is to blame for a failure; each maps to one queue action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// The document is malformed: retrying cannot help.
    Input,
    /// The document needs a capability this build lacks.
    Unsupported,
    /// The job exceeds this tier's limits; a bigger tier may succeed.
    Limits,
    /// Storage or file system failure; usually transient.
    Io,
    /// A bug in this program.
    Internal,
}

impl Blame {
    /// The name results and logs use (`input`, `unsupported`, `limits`, `io`, `internal`).
    pub fn as_str(self) -> &'static str {
        match self {
            Blame::Input => "input",
            Blame::Unsupported => "unsupported",
            Blame::Limits => "limits",
            Blame::Io => "io",
            Blame::Internal => "internal",
        }
    }
}

/// Why a render failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The JSON could not be read as an Octopus document or manifest.
    #[error("invalid document: {0}")]
    Parse(#[from] ParseError),
    /// The JSON parsed but a value is invalid (path and layer id in the message).
    #[error("invalid document: {path}: {message}{}", layer_suffix(.layer_id))]
    Invalid {
        /// JSON path of the offending value.
        path: String,
        /// Innermost layer id.
        layer_id: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The document needs something this build cannot do at all.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A configured limit was exceeded.
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// The render will not fit its time or memory budget (predicted), or did not (stopped
    /// while running).
    #[error("over budget: {message}")]
    Budget {
        /// Which budget, and whether predicted or measured.
        kind: BudgetKind,
        /// The figures.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An internal invariant broke.
    #[error("internal error: {0}")]
    Internal(String),
}

fn layer_suffix(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" (layer id {id:?})"))
        .unwrap_or_default()
}

impl Error {
    /// Who is to blame.
    pub fn blame(&self) -> Blame {
        match self {
            Error::Parse(_) | Error::Invalid { .. } => Blame::Input,
            Error::Unsupported(_) => Blame::Unsupported,
            Error::Limit(_) | Error::Budget { .. } => Blame::Limits,
            Error::Io { .. } => Blame::Io,
            Error::Internal(_) => Blame::Internal,
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Which budget a render is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetKind {
    /// The cost model predicts more time than is left.
    PredictedTime,
    /// The cost model predicts more memory than the budget.
    PredictedMemory,
    /// The render ran past its deadline.
    Deadline,
    /// The process's memory went over the budget while rendering.
    Memory,
}

impl BudgetKind {
    /// The metric label (`predicted_time`, `predicted_memory`, `deadline`, `memory`).
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetKind::PredictedTime => "predicted_time",
            BudgetKind::PredictedMemory => "predicted_memory",
            BudgetKind::Deadline => "deadline",
            BudgetKind::Memory => "memory",
        }
    }
}

impl Error {
    /// An over-budget error of `kind`.
    pub fn budget(kind: BudgetKind, message: impl Into<String>) -> Self {
        Error::Budget {
            kind,
            message: message.into(),
        }
    }

    /// The metric label of a limits failure: the budget kind, or `limit` for a cap
    /// (document size, pixels, segments, ...); `None` for other blames.
    pub fn limit_label(&self) -> Option<&'static str> {
        match self {
            Error::Budget { kind, .. } => Some(kind.as_str()),
            Error::Limit(_) => Some("limit"),
            _ => None,
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
