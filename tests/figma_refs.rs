//! Our render of the frames Figma itself exported (`../shared/corpus/refs`), compared over
//! white: prints the share of pixels within 8/255 on every channel. The floor asserted here
//! guards against regressions; the fidelity target (99%) belongs to the effects, images and
//! text work still open.

mod support;

use octopus_render::RenderConfig;
use support::*;

/// Share of pixels whose colour over white is within `tol` on every channel.
fn share_within(path: &std::path::Path, reference: &std::path::Path, tol: u8) -> f64 {
    let img = render_file(path, &RenderConfig::default());
    let (w, h, expected) = decode_png(reference);
    assert_eq!(
        (w, h),
        (img.width, img.height),
        "{} vs {}",
        path.display(),
        reference.display()
    );
    let ours = over_white(&straight(&img));
    let theirs = over_white(&expected);
    let ok = ours
        .iter()
        .zip(&theirs)
        .filter(|(a, b)| (0..3).all(|i| a[i].abs_diff(b[i]) <= tol))
        .count();
    if std::env::var_os("OCTOPUS_WRITE_DIFFS").is_some() {
        let flat = |v: &[[u8; 3]]| {
            v.iter()
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect::<Vec<u8>>()
        };
        let diffs = pixel_diffs(&flat(&ours), &flat(&theirs));
        let name = reference
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        write_diff(
            &root().join(format!("target/figma-diffs/{name}.diff.png")),
            w,
            h,
            &expected,
            &diffs,
        );
    }
    ok as f64 / ours.len() as f64
}

#[test]
fn shapes_frame_against_figma_export() {
    let c = corpus();
    let share = share_within(
        &c.join("octopus-fig/shapes/octopus-41-3.json"),
        &c.join("refs/fig-shapes-octopus-41-3.png"),
        8,
    );
    println!(
        "fig-shapes-octopus-41-3: {:.2}% of pixels within 8/255 of Figma's export",
        share * 100.0
    );
    assert!(share > 0.975, "regressed to {:.2}%", share * 100.0);
}

#[test]
fn effects_frame_against_figma_export() {
    let c = corpus();
    let share = share_within(
        &c.join("octopus-fig/effects/octopus-55-3.json"),
        &c.join("refs/fig-effects-octopus-55-3.png"),
        8,
    );
    println!(
        "fig-effects-octopus-55-3: {:.2}% of pixels within 8/255 of Figma's export",
        share * 100.0
    );
    assert!(share > 0.99, "regressed to {:.2}%", share * 100.0);
}
