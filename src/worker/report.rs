//! What a job did, gathered while it runs and published as its result when it ends.
//!
//! Input: the stored outputs, diagnostics, stage times and costs of one job, and then how it
//! was settled. Output: the result message, JSON of format version [`RESULT_VERSION`]:
//! ```json
//! {"version": 1, "id": "a1b2", "outcome": "done", "tier": "normal", "attempt": 1,
//!  "queue": "render.normal", "reason": null, "blame": null,
//!  "outputs": [{"key": "preview.png", "url": "s3://bucket/renders/a1b2/preview.png",
//!               "layer": null, "format": "png", "scale": 1.0, "width": 1440,
//!               "height": 900, "bytes": 48213}],
//!  "diagnostics": {"count": 2, "kinds": {"unsupported": 2}, "first": ["..."]},
//!  "timings": {"fetch": 0.04, "render": 0.61, "parse": 0.01, "scene": 0.02,
//!              "raster": 0.5, "encode": 0.08, "upload": 0.02, "total": 0.68},
//!  "cost": {"predicted_cpu_seconds": 0.52, "actual_cpu_seconds": 0.58,
//!           "peak_memory_bytes": 81264640},
//!  "finished_at_ms": 1796000000000}
//! ```
//! Guarantees: `outcome` is one of `done`, `escalated`, `dead_lettered`; `id` is `null` only
//! for a message that was not a job; `reason` and `blame` are set exactly when the job
//! failed; `outputs` lists what was stored, in the order asked (empty unless `done`;
//! `scale`, `width`, `height` and `bytes` are `null` for outputs an earlier attempt stored,
//! found by a redelivered job); at
//! most [`FIRST_KEPT`] diagnostics are quoted, each at most 512 bytes; a field is only ever
//! added within a version, never renamed or removed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::Diagnostic;

/// The result format's version.
pub const RESULT_VERSION: u32 = 1;

/// How many diagnostics a result quotes.
pub const FIRST_KEPT: usize = 5;

/// One stored output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredOutput {
    /// Its key under the job's output prefix.
    pub key: String,
    /// Where it is stored.
    pub url: String,
    /// The layer it shows; `None`: the whole document.
    pub layer: Option<String>,
    /// `png`, `jpeg` or `webp`.
    pub format: &'static str,
    /// The scale it was rendered at (a fit resolved); `None` (and so the size) when an
    /// earlier attempt stored it and this one found it there.
    pub scale: Option<f32>,
    /// Pixels of width.
    pub width: Option<u32>,
    /// Pixels of height.
    pub height: Option<u32>,
    /// Bytes stored.
    pub bytes: Option<usize>,
}

/// The diagnostics of a job: how many, of which kinds, and the first few.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DiagnosticSummary {
    /// Distinct diagnostics over all outputs.
    pub count: usize,
    /// Count per kind.
    pub kinds: BTreeMap<String, usize>,
    /// The first few, as text.
    pub first: Vec<String>,
}

impl DiagnosticSummary {
    /// Adds the diagnostics of one output; one already counted (the same layer's in
    /// another output) is not counted again.
    pub fn add(&mut self, diags: &[Diagnostic], seen: &mut std::collections::HashSet<String>) {
        for d in diags {
            let text = d.to_string();
            if !seen.insert(text.clone()) {
                continue;
            }
            self.count += 1;
            *self.kinds.entry(d.kind.as_str().to_owned()).or_default() += 1;
            if self.first.len() < FIRST_KEPT {
                self.first.push(truncated(text, 512));
            }
        }
    }
}

fn truncated(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// Seconds spent in each stage; `None` for a stage the job did not reach.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Timings {
    /// Downloading the document and its references.
    pub fetch: Option<f64>,
    /// Parsing, building, rasterising and encoding (overlapping the uploads).
    pub render: Option<f64>,
    /// Of `render`: parsing the document, once.
    pub parse: Option<f64>,
    /// Of `render`: building the scenes (one per distinct scale).
    pub scene: Option<f64>,
    /// Of `render`: drawing, summed over the outputs.
    pub raster: Option<f64>,
    /// Of `render`: encoding, summed over the outputs.
    pub encode: Option<f64>,
    /// Writing the outputs, summed.
    pub upload: Option<f64>,
    /// From the delivery to the result.
    pub total: f64,
}

/// What the job was predicted to cost and what it cost.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Cost {
    /// The cost model's CPU seconds for all the outputs.
    pub predicted_cpu_seconds: Option<f64>,
    /// CPU seconds the process spent while the job rendered.
    pub actual_cpu_seconds: Option<f64>,
    /// The process's peak resident memory while it rendered.
    pub peak_memory_bytes: Option<u64>,
}

/// What one job did, filled in as it runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobReport {
    /// Stored outputs, in the order asked.
    pub outputs: Vec<StoredOutput>,
    /// Its diagnostics.
    pub diagnostics: DiagnosticSummary,
    /// Stage times.
    pub timings: Timings,
    /// Costs.
    pub cost: Cost,
}

/// How a job ended, for its result.
#[derive(Debug, Clone)]
pub struct Ending<'a> {
    /// The job id, `None` when the message was not a job.
    pub id: Option<&'a str>,
    /// `done`, `escalated` or `dead_lettered`.
    pub outcome: &'a str,
    /// The tier that handled it.
    pub tier: &'a str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The queue it came from.
    pub queue: &'a str,
    /// Why it failed, when it did, and who is to blame.
    pub failure: Option<(&'a str, &'a str)>,
}

#[derive(Serialize)]
struct Message<'a> {
    version: u32,
    id: Option<&'a str>,
    outcome: &'a str,
    tier: &'a str,
    attempt: u32,
    queue: &'a str,
    reason: Option<&'a str>,
    blame: Option<&'a str>,
    outputs: &'a [StoredOutput],
    diagnostics: &'a DiagnosticSummary,
    timings: &'a Timings,
    cost: &'a Cost,
    finished_at_ms: u128,
}

/// The result message of a job that ended as `ending` says.
pub fn result_message(report: &JobReport, ending: &Ending<'_>) -> Vec<u8> {
    let finished_at_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let msg = Message {
        version: RESULT_VERSION,
        id: ending.id,
        outcome: ending.outcome,
        tier: ending.tier,
        attempt: ending.attempt,
        queue: ending.queue,
        reason: ending.failure.map(|f| f.0),
        blame: ending.failure.map(|f| f.1),
        outputs: &report.outputs,
        diagnostics: &report.diagnostics,
        timings: &report.timings,
        cost: &report.cost,
        finished_at_ms,
    };
    // Serialising plain owned data with string keys cannot fail; fall back to a minimal
    // record rather than lose the result if it ever did.
    serde_json::to_vec(&msg).unwrap_or_else(|e| {
        format!(
            r#"{{"version":{RESULT_VERSION},"outcome":"{}","error":"{e}"}}"#,
            ending.outcome
        )
        .into_bytes()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::DiagKind;

    #[test]
    fn a_result_names_the_job_its_outputs_and_its_failure() {
        let mut report = JobReport::default();
        let d = Diagnostic {
            kind: DiagKind::Unsupported,
            layer_id: Some("7".into()),
            path: "content.layers[0]".into(),
            message: "x".into(),
        };
        let mut seen = Default::default();
        report.diagnostics.add(std::slice::from_ref(&d), &mut seen);
        report.diagnostics.add(&[d], &mut seen);
        assert_eq!(
            report.diagnostics.count, 1,
            "the same diagnostic counts once"
        );
        let ending = Ending {
            id: Some("j1"),
            outcome: "escalated",
            tier: "normal",
            attempt: 1,
            queue: "render.normal",
            failure: Some(("over budget", "limits")),
        };
        let v: serde_json::Value =
            serde_json::from_slice(&result_message(&report, &ending)).expect("json");
        assert_eq!(v["version"], 1);
        assert_eq!(v["id"], "j1");
        assert_eq!(v["outcome"], "escalated");
        assert_eq!(v["reason"], "over budget");
        assert_eq!(v["blame"], "limits");
        assert_eq!(v["diagnostics"]["kinds"]["unsupported"], 1);
        assert!(v["outputs"].as_array().is_some_and(|o| o.is_empty()));
        assert!(v["finished_at_ms"].as_u64().is_some_and(|t| t > 0));
    }
}
