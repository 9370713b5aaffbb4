//! Budgets before work: predict a render's CPU time and memory from its scene, and refuse
//! one that will not fit before a pixel is drawn.
//!
//! Input: a built scene, the output scale and a [`CostBudget`] (CPU, time, memory, and how
//! to read the process's memory). Output: the [`CostFeatures`], the [`Prediction`], and a
//! limits error when the prediction is over the budget. Guarantees: no I/O of its own (the
//! caller hands in the memory probe); the check costs one walk of the tree, so a job that
//! cannot fit its tier is refused within the time it took to build its scene, and the
//! worker escalates it (normal tier) or dead-letters it (fallback) with the figures.

mod features;
mod fit;
mod model;

pub use features::{features, CostFeatures};
pub use fit::{fit, FitReport, Sample};
pub use model::{CostModel, Prediction};

use std::time::Instant;

use crate::error::{BudgetKind, Error, Result};

/// The model's time predictions are multiplied by this before they are compared with the
/// time left: the fitted model's actual-to-predicted ratio reaches 1.9 on the renders
/// measured, and a job that is stopped at its deadline has spent the whole budget for
/// nothing, while one escalated early has spent nothing.
pub const TIME_MARGIN: f64 = 1.5;

/// Reads the process's resident memory in bytes; `None` where it cannot be known.
pub type MemoryProbe = fn() -> Option<u64>;

/// What one render may cost, and how to tell what it uses.
#[derive(Debug, Clone, Copy)]
pub struct CostBudget {
    /// The model (its CPU terms already scaled to this machine).
    pub model: CostModel,
    /// CPUs the render can use: the render threads, at most the pod's CPU quota.
    pub cpus: f64,
    /// Render threads (each holds its own band buffers).
    pub threads: usize,
    /// The most resident memory the process may reach, in bytes.
    pub memory_bytes: u64,
    /// Reads the resident memory now.
    pub probe: MemoryProbe,
}

/// Predicts `features` against `budget` with `deadline` (wall clock) and `chunk_rows`;
/// the prediction, or a limits error that names what is over and by how much.
pub fn check(
    features: &CostFeatures,
    budget: &CostBudget,
    deadline: Option<Instant>,
    chunk_rows: usize,
) -> Result<Prediction> {
    let p = Prediction::of(&budget.model, features, budget.threads, chunk_rows);
    check_prediction(p, budget, deadline)
}

/// Checks a prediction (of one render, or the sum over a job's outputs) against `budget`
/// with `deadline`: the prediction, or a limits error that names what is over.
pub fn check_prediction(
    p: Prediction,
    budget: &CostBudget,
    deadline: Option<Instant>,
) -> Result<Prediction> {
    let wall = p.cpu_seconds * TIME_MARGIN / budget.cpus.max(0.05);
    if let Some(d) = deadline {
        let left = d.saturating_duration_since(Instant::now()).as_secs_f64();
        if wall > left {
            return Err(Error::budget(
                BudgetKind::PredictedTime,
                format!(
                    "predicted to need {:.1} s of CPU ({:.1} s on {} CPU with a margin of {}), \
                 over the {:.1} s left of the time budget",
                    p.cpu_seconds, wall, budget.cpus, TIME_MARGIN, left
                ),
            ));
        }
    }
    let now = (budget.probe)().unwrap_or(0) as f64;
    if now + p.raster_bytes > budget.memory_bytes as f64 {
        return Err(Error::budget(
            BudgetKind::PredictedMemory,
            format!(
                "predicted peak memory of {} MB ({} MB now and {} MB to render), over the budget \
             of {} MB",
                mb(now + p.raster_bytes),
                mb(now),
                mb(p.raster_bytes),
                mb(budget.memory_bytes as f64)
            ),
        ));
    }
    Ok(p)
}

fn mb(bytes: f64) -> String {
    if bytes.is_finite() {
        format!("{:.0}", bytes / 1_048_576.0)
    } else {
        "unbounded".into()
    }
}
