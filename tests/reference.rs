//! Reference-image tests: every `fixtures/render/<area>/<case>.json` (and the designs in
//! `fixtures/designs`) renders to its `.png`.
//!
//! Pixels are compared premultiplied with a tolerance of 2/255 on all four channels. A
//! failure writes `target/reference-diffs/<area>-<case>.{actual,diff}.png`. Set
//! `OCTOPUS_UPDATE_REFS=1` to regenerate the references (then look at every changed image
//! before committing it).

mod support;

use octopus_render::RenderConfig;
use support::*;

const TOLERANCE: u8 = 2;

#[test]
fn fixtures_match_references() {
    let dir = root().join("fixtures");
    let mut cases = Vec::new();
    walk(&dir.join("render"), &mut cases);
    walk(&dir.join("designs"), &mut cases);
    cases.retain(|p| {
        p.extension().is_some_and(|e| e == "json") && !p.ends_with("octopus-manifest.json")
    });
    cases.sort();
    assert!(
        cases.len() >= 40,
        "expected the fixture set, found {} cases",
        cases.len()
    );
    let update = std::env::var_os("OCTOPUS_UPDATE_REFS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let img = render_file(case, &RenderConfig::default());
        let reference = case.with_extension("png");
        let name = case
            .strip_prefix(&dir)
            .unwrap_or(case)
            .with_extension("")
            .to_string_lossy()
            .replace('/', "-");
        if update || !reference.exists() {
            if !update {
                failures.push(format!(
                    "{name}: no reference image (run with OCTOPUS_UPDATE_REFS=1)"
                ));
                continue;
            }
            write_png(&reference, img.width, img.height, &straight(&img));
            continue;
        }
        let (w, h, expected) = decode_png(&reference);
        if (w, h) != (img.width, img.height) {
            failures.push(format!(
                "{name}: size {}x{} but reference is {w}x{h}",
                img.width, img.height
            ));
            continue;
        }
        let diffs = pixel_diffs(&premultiply(&expected), &img.data);
        let bad = diffs.iter().filter(|&&d| d > TOLERANCE).count();
        if bad > 0 {
            let out = root().join("target/reference-diffs");
            write_png(
                &out.join(format!("{name}.actual.png")),
                w,
                h,
                &straight(&img),
            );
            write_diff(
                &out.join(format!("{name}.diff.png")),
                w,
                h,
                &expected,
                &diffs,
            );
            let max = diffs.iter().max().copied().unwrap_or(0);
            failures.push(format!(
                "{name}: {bad} pixels differ by more than {TOLERANCE} (max {max}); see {}",
                out.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} reference cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    println!("{} reference cases match", cases.len());
}
