//! Reference-image tests: every `fixtures/render/<area>/<case>.json` (and the designs in
//! `fixtures/designs`) renders to its `.png`, one test per case.
//!
//! Tests are named `<area>::<case>` with `-` as `_` (`effects::drop_shadow`,
//! `designs::octopus_showcase`), so `cargo test --release --test reference drop_shadow` runs
//! one case, and one failure does not hide the others. Pixels are compared premultiplied
//! with a tolerance of 2/255 on all four channels. A failure writes
//! `target/reference-diffs/<area>-<case>.{actual,diff}.png`. Set `OCTOPUS_UPDATE_REFS=1` to
//! regenerate the references (then look at every changed image before committing it). The
//! rules for adding a case are in `fixtures/README.md`.

mod support;

use std::path::{Path, PathBuf};

use libtest_mimic::Failed;
use octopus_render::scene::Origin;
use octopus_render::RenderConfig;
use support::*;

const TOLERANCE: u8 = 2;

fn main() -> std::process::ExitCode {
    run_cases(
        "the fixture set under fixtures/",
        cases(),
        40,
        test_name,
        check,
    )
}

/// Every fixture document with a reference image beside it (or to be made).
fn cases() -> Vec<PathBuf> {
    let dir = root().join("fixtures");
    let mut cases = Vec::new();
    walk(&dir.join("render"), &mut cases);
    walk(&dir.join("designs"), &mut cases);
    cases.retain(|p| {
        p.extension().is_some_and(|e| e == "json") && !p.ends_with("octopus-manifest.json")
    });
    cases.sort();
    cases
}

/// `fixtures/render/effects/drop-shadow.json` -> `effects::drop_shadow`.
fn test_name(case: &Path) -> String {
    let area = case
        .parent()
        .and_then(Path::file_name)
        .map(|s| s.to_string_lossy().replace('-', "_"))
        .unwrap_or_default();
    let stem = case
        .file_stem()
        .map(|s| s.to_string_lossy().replace('-', "_"))
        .unwrap_or_default();
    format!("{area}::{stem}")
}

/// The origin the manifest beside `case` names (an area of cases from one design tool).
fn origin_beside(case: &Path) -> Origin {
    let manifest = case.with_file_name("octopus-manifest.json");
    let Ok(bytes) = std::fs::read(&manifest) else {
        return Origin::Unknown;
    };
    let json: serde_json::Value =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    json["origin"]["name"]
        .as_str()
        .map_or(Origin::Unknown, Origin::from_name)
}

/// Renders `case` and compares it with its reference image.
fn check(case: &Path) -> Result<(), Failed> {
    let cfg = RenderConfig {
        origin: origin_beside(case),
        ..RenderConfig::default()
    };
    let img = render_file(case, &cfg);
    let reference = case.with_extension("png");
    let name = test_name(case).replace("::", "-");
    if std::env::var_os("OCTOPUS_UPDATE_REFS").is_some() {
        write_png(&reference, img.width, img.height, &straight(&img));
        return Ok(());
    }
    if !reference.exists() {
        return Err(format!(
            "no reference image {} (run with OCTOPUS_UPDATE_REFS=1)",
            reference.display()
        )
        .into());
    }
    let (w, h, expected) = decode_png(&reference);
    if (w, h) != (img.width, img.height) {
        return Err(format!(
            "size {}x{} but the reference is {w}x{h}",
            img.width, img.height
        )
        .into());
    }
    let diffs = pixel_diffs(&premultiply(&expected), &img.data);
    let bad = diffs.iter().filter(|&&d| d > TOLERANCE).count();
    if bad == 0 {
        return Ok(());
    }
    let out = root().join("target/reference-diffs");
    let actual = straight(&img);
    write_png(&out.join(format!("{name}.actual.png")), w, h, &actual);
    write_diff(
        &out.join(format!("{name}.diff.png")),
        w,
        h,
        &expected,
        &diffs,
    );
    let max = diffs.iter().max().copied().unwrap_or(0);
    Err(format!(
        "{bad} pixels differ by more than {TOLERANCE} (max {max}); see {}/{name}.diff.png",
        out.display()
    )
    .into())
}
