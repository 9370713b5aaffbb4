//! The generated benchmark scenes draw the same picture in both formats: our render of the
//! Octopus document agrees with resvg's render of the SVG, so the speed comparison in
//! `benches/peer.rs` compares like with like.

mod support;

use octopus_render::synth::generate;
use octopus_render::{render_document, NoAssets, RenderConfig};
use resvg::{tiny_skia, usvg};

#[test]
fn typical_scene_matches_resvg() {
    let s = generate("typical").expect("scene");
    let (ours, diags) =
        render_document(s.octopus.as_bytes(), &RenderConfig::default(), &NoAssets).expect("render");
    assert!(diags.is_empty(), "{diags:?}");
    let tree = usvg::Tree::from_str(&s.svg, &usvg::Options::default()).expect("svg");
    let mut pixmap = tiny_skia::Pixmap::new(s.width, s.height).expect("pixmap");
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    // Both buffers are premultiplied RGBA8.
    let diffs = support::pixel_diffs(&ours.data, pixmap.data());
    let close = diffs.iter().filter(|&&d| d <= 8).count() as f64 / diffs.len() as f64;
    if std::env::var_os("OCTOPUS_WRITE_DIFFS").is_some() {
        let expected = support::straight(&octopus_render::raster::Image {
            width: s.width,
            height: s.height,
            data: pixmap.data().to_vec(),
        });
        support::write_png(
            &support::root().join("target/peer-diffs/typical.resvg.png"),
            s.width,
            s.height,
            &expected,
        );
        support::write_png(
            &support::root().join("target/peer-diffs/typical.ours.png"),
            s.width,
            s.height,
            &support::straight(&ours),
        );
        support::write_diff(
            &support::root().join("target/peer-diffs/typical.diff.png"),
            s.width,
            s.height,
            &expected,
            &diffs,
        );
    }
    println!(
        "typical: {:.2}% of pixels within 8/255 of resvg",
        close * 100.0
    );
    // The rest are anti-aliased edge pixels: our coverage is the exact area, tiny-skia's is
    // supersampled (4 sub-scanlines), so edges differ by up to ~20 levels (checked by eye).
    assert!(close > 0.98, "only {:.2}% agree", close * 100.0);
}
