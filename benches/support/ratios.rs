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
pub(crate) const COLUMNS: [(&str, &str); 5] = [
    ("ours-raster-1t", "ours 1 thread"),
    ("ours-raster-2t", "ours 2 threads"),
    ("vello_cpu-1t", "vello_cpu 1 thread"),
    ("vello_cpu-2t", "vello_cpu 2 workers"),
    ("resvg-render", "resvg"),
];

/// The median of `bench` in `scene`, in milliseconds, if this run measured it.
fn median_ms(scene: &str, bench: &str, since: SystemTime) -> Option<f64> {
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

/// Prints the table for `scenes`, with vello_cpu and resvg over ours (above 1: we are faster).
pub(crate) fn print(scenes: &[&str], since: SystemTime) {
    let mut out = String::from("\n| scene |");
    for (_, head) in COLUMNS {
        out += &format!(" {head} |");
    }
    out += " vello_cpu / ours, 1 thread | resvg / ours, 1 thread | ours 1 / 2 threads |\n|---|";
    out += &"---:|".repeat(COLUMNS.len() + 3);
    let mut rows = 0;
    for scene in scenes {
        let ms: Vec<Option<f64>> = COLUMNS
            .iter()
            .map(|(bench, _)| median_ms(scene, bench, since))
            .collect();
        let [Some(o1), Some(o2), Some(v1), Some(_), Some(r)] = ms[..] else {
            continue;
        };
        out += &format!("\n| `{scene}` |");
        for m in ms.iter().flatten() {
            out += &format!(" {m:.1} ms |");
        }
        out += &format!(" {:.2} | {:.2} | {:.2} |", v1 / o1, r / o1, o1 / o2);
        rows += 1;
    }
    if rows > 0 {
        println!("{out}\n\nMedians of this run; a ratio above 1 means ours is faster.");
    }
}
