//! The generated benchmark scenes draw the same picture in both formats: our render of the
//! Octopus document agrees with resvg's render of the SVG, and with vello_cpu's render of the
//! same geometry (converted as the benchmark converts it), so the speed comparison in
//! `benches/peer.rs` compares like with like.

mod support;
#[path = "../benches/support/vello.rs"]
mod vello;

use octopus_render::synth::generate;
use octopus_render::{render_document, NoAssets, RenderConfig};
use resvg::{tiny_skia, usvg};

/// Share of pixels of scene `name` within `tolerance`/255 of resvg's render (premultiplied),
/// with the images and their difference written under `target/peer-diffs` when
/// `OCTOPUS_WRITE_DIFFS` is set.
fn agreement(name: &str, tolerance: u8) -> f64 {
    agreement_with(name, tolerance, Peer::Resvg)
}

/// The renderer ours is compared with.
#[derive(Clone, Copy, Debug)]
enum Peer {
    Resvg,
    VelloCpu,
}

fn agreement_with(name: &str, tolerance: u8, peer: Peer) -> f64 {
    let s = generate(name).expect("scene");
    let (ours, diags) =
        render_document(s.octopus.as_bytes(), &RenderConfig::default(), &NoAssets).expect("render");
    assert!(diags.is_empty(), "{diags:?}");
    let svg = s.svg.as_deref().expect("the scene has an SVG form");
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).expect("svg");
    let theirs = match peer {
        Peer::Resvg => {
            let mut pixmap = tiny_skia::Pixmap::new(s.width, s.height).expect("pixmap");
            resvg::render(
                &tree,
                tiny_skia::Transform::identity(),
                &mut pixmap.as_mut(),
            );
            pixmap.data().to_vec()
        }
        Peer::VelloCpu => {
            let scene = vello::VelloScene::new(&tree, s.width, s.height);
            let mut r = scene.renderer(0);
            scene.draw(&mut r).to_vec()
        }
    };
    // Both buffers are premultiplied RGBA8.
    let diffs = support::pixel_diffs(&ours.data, &theirs);
    let close = diffs.iter().filter(|&&d| d <= tolerance).count() as f64 / diffs.len() as f64;
    if std::env::var_os("OCTOPUS_WRITE_DIFFS").is_some() {
        let expected = support::straight(&octopus_render::raster::Image {
            width: s.width,
            height: s.height,
            data: theirs.clone(),
        });
        let out = |kind: &str| {
            support::root().join(format!("target/peer-diffs/{name}-{peer:?}.{kind}.png"))
        };
        support::write_png(&out("peer"), s.width, s.height, &expected);
        support::write_png(&out("ours"), s.width, s.height, &support::straight(&ours));
        support::write_diff(&out("diff"), s.width, s.height, &expected, &diffs);
    }
    println!(
        "{name}: {:.2}% of pixels within {tolerance}/255 of {peer:?}",
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

#[test]
fn typical_scene_matches_vello_cpu() {
    // The conversion is the one the benchmark times. Opaque shapes agree; where translucent
    // fills and group opacities stack, vello_cpu's 8-bit pipeline rounds each blend its own
    // way and drifts by up to ~30 levels, without bias (mean signed difference under 2
    // levels per channel; side by side the two look the same). A missing or misplaced shape
    // differs by far more than 32/255: measured 97.1% within 32, 81% within 8.
    let close = agreement_with("typical", 32, Peer::VelloCpu);
    assert!(close > 0.95, "only {:.2}% agree", close * 100.0);
}

#[test]
fn worldmap_scene_matches_vello_cpu() {
    let close = agreement_with("worldmap", 32, Peer::VelloCpu);
    assert!(close > 0.95, "only {:.2}% agree", close * 100.0);
}
