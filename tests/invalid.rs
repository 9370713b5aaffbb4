//! Invalid and hostile inputs kept as fixture files (`fixtures/invalid/`), each rendered
//! by the command line as a normal-tier worker would (`--tier normal`: its caps, its 20 s
//! and its memory budget, one thread).
//!
//! - `input/`, `unsupported/`, `limits/`: the render must fail with that blame (exit codes
//!   3, 5, 4) and a message holding every line of `<case>.expect` (JSON path, layer id,
//!   the problem);
//! - `renders/`: the right answer is an image: exit 0, a PNG, and every line of
//!   `<case>.expect` among the diagnostics it printed (a skipped feature must say so);
//! - `jobs/`: job messages, each refused by the job parser with the `.expect` lines.
//!
//! A case is `<case>.json`, `<case>.json.gz` (big hostile documents; decompressed to a
//! temporary file first) or a folder holding `main.json` and its manifest (components).
//! Every document case must end without a signal and peak under 500 MB, the normal tier's
//! memory: the peak of each child is read with `getrusage(RUSAGE_CHILDREN)`, with the
//! children run one at a time so each rise belongs to one case. The cases are written by
//! `fixtures/invalid/make_hostile.py`; rules for adding one are in `fixtures/README.md`.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use libtest_mimic::Failed;
use support::*;

/// The normal tier's memory, which every case must stay under.
const NORMAL_TIER_BYTES: u64 = 500 << 20;

fn main() -> std::process::ExitCode {
    let mut cases = Vec::new();
    for folder in ["input", "unsupported", "limits", "renders", "jobs"] {
        let Ok(entries) = std::fs::read_dir(root().join("fixtures/invalid").join(folder)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = p.to_string_lossy();
            if p.is_dir() || name.ends_with(".json") || name.ends_with(".json.gz") {
                cases.push(p);
            }
        }
    }
    cases.sort();
    run_cases("the invalid-input fixtures", cases, 40, test_name, check)
}

/// `fixtures/invalid/input/zero-width.json` -> `invalid::input::zero_width`.
fn test_name(case: &Path) -> String {
    let folder = case
        .parent()
        .and_then(Path::file_name)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("invalid::{folder}::{}", stem(case).replace('-', "_"))
}

/// The case's name: the file name without `.json` / `.json.gz`.
fn stem(case: &Path) -> String {
    let name = case
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.trim_end_matches(".gz")
        .trim_end_matches(".json")
        .to_owned()
}

fn check(case: &Path) -> Result<(), Failed> {
    let folder = case
        .parent()
        .and_then(Path::file_name)
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let expect_file = case.with_file_name(format!("{}.expect", stem(case)));
    let expect = std::fs::read_to_string(&expect_file)
        .map_err(|e| format!("{}: {e}", expect_file.display()))?;
    let want_code = match folder {
        "jobs" => return check_job(case, &expect),
        "input" => 3,
        "limits" => 4,
        "unsupported" => 5,
        "renders" => 0,
        other => return Err(format!("unknown fixture folder {other:?}").into()),
    };
    let doc = materialise(case)?;
    let out = scratch().join(format!("{folder}-{}.png", stem(case)));
    let run = run_cli(&doc, &out)?;
    if run.peak_bytes > NORMAL_TIER_BYTES {
        return Err(format!("peak {} MB, over the normal tier", run.peak_bytes >> 20).into());
    }
    let Some(code) = run.code else {
        return Err(format!("killed by a signal; stderr:\n{}", run.stderr).into());
    };
    if code != want_code {
        return Err(format!(
            "exit code {code}, want {want_code}; stderr:\n{}",
            run.stderr
        )
        .into());
    }
    if want_code == 0 {
        let png = std::fs::read(&out).map_err(|e| format!("no image: {e}"))?;
        if !png.starts_with(b"\x89PNG") {
            return Err("the output is not a PNG".into());
        }
    }
    missing_lines(&expect, &run.stderr)
}

/// Every non-empty line of `expect` must appear in `text`.
fn missing_lines(expect: &str, text: &str) -> Result<(), Failed> {
    let missing: Vec<&str> = expect
        .lines()
        .filter(|l| !l.is_empty() && !text.contains(l))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("the output {text:?} does not say {missing:?}").into())
    }
}

fn check_job(case: &Path, expect: &str) -> Result<(), Failed> {
    let body = std::fs::read(case).map_err(|e| format!("{}: {e}", case.display()))?;
    match octopus_render::worker::job::parse_job(&body) {
        Ok(job) => Err(format!("accepted as a job: {job:?}").into()),
        Err(e) => missing_lines(expect, &e.to_string()),
    }
}

/// A folder for decompressed cases and outputs.
fn scratch() -> PathBuf {
    let d = root().join("target/invalid-cases");
    let _ = std::fs::create_dir_all(&d);
    d
}

/// The document file of a case: itself, its decompressed copy, or a folder's `main.json`.
fn materialise(case: &Path) -> Result<PathBuf, Failed> {
    if case.is_dir() {
        return Ok(case.join("main.json"));
    }
    if case.extension().is_some_and(|e| e == "gz") {
        let file = std::fs::File::open(case).map_err(|e| format!("{}: {e}", case.display()))?;
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut json)
            .map_err(|e| format!("{}: {e}", case.display()))?;
        let doc = scratch().join(format!("{}.json", stem(case)));
        std::fs::write(&doc, json).map_err(|e| format!("{}: {e}", doc.display()))?;
        return Ok(doc);
    }
    Ok(case.to_path_buf())
}

/// One render by the command line.
struct Run {
    code: Option<i32>,
    stderr: String,
    peak_bytes: u64,
}

/// Renders `doc` as a normal-tier worker would, one child at a time (see the module doc).
fn run_cli(doc: &Path, out: &Path) -> Result<Run, Failed> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let before = children_peak()?;
    let output = Command::new(env!("CARGO_BIN_EXE_octopus-render"))
        .arg("render")
        .arg(doc)
        .arg("-o")
        .arg(out)
        .args(["--tier", "normal", "--no-system-fonts", "--fonts"])
        .arg(root().join("fixtures/fonts"))
        .arg("--assets")
        .arg(root().join("fixtures/images"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run the command line: {e}"))?;
    let after = children_peak()?;
    Ok(Run {
        code: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        // The children's peak only rises; a case that does not raise it peaked lower.
        peak_bytes: if after > before { after } else { 0 },
    })
}

/// The largest peak resident set of the waited-for children so far, in bytes.
fn children_peak() -> Result<u64, Failed> {
    use nix::sys::resource::{getrusage, UsageWho};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    Ok(usage.max_rss().max(0) as u64 * 1024)
}
