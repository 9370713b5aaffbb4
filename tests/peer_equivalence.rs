//! The generated benchmark scenes draw the same picture in both formats: our render of the
//! Octopus document agrees with resvg's render of the SVG, so the speed comparison in
//! `benches/peer.rs` compares like with like.

mod support;

use octopus_render::synth::generate;
use octopus_render::{render_document, NoAssets, RenderConfig};
use resvg::{tiny_skia, usvg};

/// Share of pixels of scene `name` within `tolerance`/255 of resvg's render (premultiplied),
/// with the images and their difference written under `target/peer-diffs` when
/// `OCTOPUS_WRITE_DIFFS` is set.
fn agreement(name: &str, tolerance: u8) -> f64 {
    let s = generate(name).expect("scene");
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
    let close = diffs.iter().filter(|&&d| d <= tolerance).count() as f64 / diffs.len() as f64;
    if std::env::var_os("OCTOPUS_WRITE_DIFFS").is_some() {
        let expected = support::straight(&octopus_render::raster::Image {
            width: s.width,
            height: s.height,
            data: pixmap.data().to_vec(),
        });
        let out = |kind: &str| support::root().join(format!("target/peer-diffs/{name}.{kind}.png"));
        support::write_png(&out("resvg"), s.width, s.height, &expected);
        support::write_png(&out("ours"), s.width, s.height, &support::straight(&ours));
        support::write_diff(&out("diff"), s.width, s.height, &expected, &diffs);
    }
    println!(
        "{name}: {:.2}% of pixels within {tolerance}/255 of resvg",
        close * 100.0
    );
    close
}

#[test]
fn typical_scene_matches_resvg() {
    // The rest are anti-aliased edge pixels: our coverage is the exact area, tiny-skia's is
    // supersampled (4 sub-scanlines), so edges differ by up to ~20 levels (checked by eye).
    let close = agreement("typical", 8);
    assert!(close > 0.98, "only {:.2}% agree", close * 100.0);
}

#[test]
fn worldmap_scene_matches_resvg() {
    // 150,000 polygons of a few pixels with half-pixel strokes, so most pixels are edge
    // pixels: ours are exact areas of offset outlines, tiny-skia draws strokes under a pixel
    // as hairlines of width-scaled alpha, which puts 40% of the pixels more than 8/255 apart
    // (side by side the two look the same). A missing or misplaced stroke or polygon
    // differs by far more than 32/255.
    let close = agreement("worldmap", 32);
    assert!(close > 0.95, "only {:.2}% agree", close * 100.0);
}
