//! Invalid documents kept as fixture files: each must fail with the error kind of its
//! folder and a message that says what and where.
//!
//! `fixtures/invalid/<blame>/<case>.json` is rendered with the default configuration; the
//! error's blame must be `<blame>` (`input`, `unsupported` or `limits`), and every line of
//! `<case>.expect` must appear in the message (the JSON path, the layer id, the problem).
//! One test per case: `invalid::input::malformed_path_data`. Rules for adding a case are
//! in `fixtures/README.md`.

mod support;

use std::path::Path;

use libtest_mimic::Failed;
use octopus_render::{render_document, Blame, RenderConfig};
use support::*;

fn main() -> std::process::ExitCode {
    let mut cases = Vec::new();
    walk(&root().join("fixtures/invalid"), &mut cases);
    cases.retain(|p| p.extension().is_some_and(|e| e == "json"));
    cases.sort();
    run_cases("the invalid-document fixtures", cases, 8, test_name, check)
}

/// `fixtures/invalid/input/zero-width.json` -> `invalid::input::zero_width`.
fn test_name(case: &Path) -> String {
    let part = |p: Option<&std::ffi::OsStr>| {
        p.map(|s| s.to_string_lossy().replace('-', "_"))
            .unwrap_or_default()
    };
    let blame = part(case.parent().and_then(Path::file_name));
    format!("invalid::{blame}::{}", part(case.file_stem()))
}

fn expected_blame(case: &Path) -> Result<Blame, Failed> {
    let folder = case
        .parent()
        .and_then(Path::file_name)
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    match folder {
        "input" => Ok(Blame::Input),
        "unsupported" => Ok(Blame::Unsupported),
        "limits" => Ok(Blame::Limits),
        other => Err(format!("unknown blame folder {other:?}").into()),
    }
}

fn check(case: &Path) -> Result<(), Failed> {
    let want = expected_blame(case)?;
    let json = std::fs::read(case).map_err(|e| format!("{}: {e}", case.display()))?;
    let expect_file = case.with_extension("expect");
    let expect = std::fs::read_to_string(&expect_file)
        .map_err(|e| format!("{}: {e}", expect_file.display()))?;
    let err = match render_document(&json, &RenderConfig::default(), assets()) {
        Ok(_) => return Err("rendered, but it must fail".into()),
        Err(e) => e,
    };
    if err.blame() != want {
        return Err(format!("blame {:?}, want {want:?}: {err}", err.blame()).into());
    }
    let msg = err.to_string();
    let missing: Vec<&str> = expect
        .lines()
        .filter(|l| !l.is_empty() && !msg.contains(l))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("the message {msg:?} does not say {missing:?}").into())
    }
}
