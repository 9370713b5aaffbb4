//! The fuzz targets' committed corpus, replayed as an ordinary test: every input under
//! `fuzz/regressions/<target>/` goes through the same function the fuzz target calls
//! (`octopus_render::fuzzing`), so an input that once crashed a target, and the inputs
//! that cover its paths, are checked on every run without a nightly toolchain.
//! One test per target: `fuzz::document`, `fuzz::job`, `fuzz::manifest`.

mod support;

use std::path::Path;

use libtest_mimic::Failed;
use support::*;

fn main() -> std::process::ExitCode {
    let targets = ["document", "job", "manifest"]
        .iter()
        .map(|t| root().join("fuzz/regressions").join(t))
        .collect();
    run_cases("the fuzz regression corpus", targets, 3, test_name, check)
}

fn test_name(dir: &Path) -> String {
    let target = dir.file_name().map(|s| s.to_string_lossy().into_owned());
    format!("fuzz::{}", target.unwrap_or_default())
}

fn check(dir: &Path) -> Result<(), Failed> {
    let target: fn(&[u8]) = match dir.file_name().and_then(|s| s.to_str()) {
        Some("document") => octopus_render::fuzzing::document,
        Some("job") => octopus_render::fuzzing::job,
        Some("manifest") => octopus_render::fuzzing::manifest,
        other => return Err(format!("no fuzz target {other:?}").into()),
    };
    let mut inputs = Vec::new();
    walk(dir, &mut inputs);
    inputs.sort();
    if inputs.is_empty() {
        return Err(format!("{} holds no inputs", dir.display()).into());
    }
    for input in &inputs {
        let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
        let run = std::panic::catch_unwind(|| target(&bytes));
        if run.is_err() {
            return Err(format!("{} panics", input.display()).into());
        }
    }
    println!("{}: {} inputs", dir.display(), inputs.len());
    Ok(())
}
