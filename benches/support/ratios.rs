//! The peer benchmark's summary: one table of medians and ratios, read back from what
//! criterion measured in this run.
//!
//! Input: the scenes and the benchmark names of each column. Output: a Markdown table on
//! stdout. Guarantees: only estimates written by this run count (their files must be newer
//! than the run's start), so a row never mixes figures from different runs; a scene that was
//! filtered out is left out.

use std::path::PathBuf;
use std::time::SystemTime;

/// Columns of the table: the benchmark's name within its scene group, and a heading.
pub(crate) const COLUMNS: [(&str, &str); 8] = [
    ("ours-raster-1t", "ours 1 thread"),
    ("ours-raster-2t", "ours 2 threads"),
    ("vello_cpu-1t", "vello_cpu 1 thread"),
    ("vello_cpu-2t", "vello_cpu 2 workers"),
    ("tiny-skia", "tiny-skia"),
    ("resvg-render", "resvg"),
    ("ours-pipeline-1t", "ours, JSON to PNG"),
    ("resvg-pipeline", "resvg, SVG to PNG"),
];

/// Ratio columns: a heading, the numerator's and the denominator's column.
const RATIOS: [(&str, usize, usize); 5] = [
    ("vello_cpu / ours, 1 thread", 2, 0),
    ("tiny-skia / ours", 4, 0),
    ("resvg / ours", 5, 0),
    ("ours 1 / 2 threads", 0, 1),
    ("resvg / ours, JSON or SVG to PNG", 7, 6),
];

/// The median of `bench` in `scene`, in milliseconds, if this run measured it.
pub(crate) fn median_ms(scene: &str, bench: &str, since: SystemTime) -> Option<f64> {
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    let file = root
        .join("criterion")
        .join(scene)
        .join(bench)
        .join("new/estimates.json");
    let fresh = std::fs::metadata(&file).ok()?.modified().ok()? >= since;
    if !fresh {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
    Some(v["median"]["point_estimate"].as_f64()? / 1e6)
}

/// Prints the table for `scenes`: the medians, then each peer over ours (above 1: we are
/// faster); a peer that cannot draw a scene (filters, background blur) shows a dash.
pub(crate) fn print(scenes: &[&str], since: SystemTime) {
    let mut out = String::from("\n| scene |");
    for (_, head) in COLUMNS {
        out += &format!(" {head} |");
    }
    for (head, _, _) in RATIOS {
        out += &format!(" {head} |");
    }
    out += "\n|---|";
    out += &"---:|".repeat(COLUMNS.len() + RATIOS.len());
    let mut rows = 0;
    for scene in scenes {
        let ms: Vec<Option<f64>> = COLUMNS
            .iter()
            .map(|(bench, _)| median_ms(scene, bench, since))
            .collect();
        if ms[0].is_none() {
            continue;
        }
        out += &format!("\n| `{scene}` |");
        for m in &ms {
            out += &m.map_or(" – |".to_string(), |m| format!(" {m:.1} ms |"));
        }
        for (_, num, den) in RATIOS {
            out += &match (ms[num], ms[den]) {
                (Some(a), Some(b)) => format!(" {:.2} |", a / b),
                _ => " – |".to_string(),
            };
        }
        rows += 1;
    }
    if rows > 0 {
        println!("{out}\n\nMedians of this run; a ratio above 1 means ours is faster.");
    }
}
