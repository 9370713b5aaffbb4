//! Layer export: one layer alone, cropped to what it paints, compared with the same area of
//! the whole render; and `render --layer` as a user runs it.

mod support;

use std::process::Command;

use octopus_render::output::Encoding;
use octopus_render::scene::layer::layer_scene;
use octopus_render::{load_scene, render_scene_encoded, RenderConfig};
use support::*;

const SHOWCASE: &str = "fixtures/designs/octopus-showcase.json";

fn png_of(scene: &octopus_render::scene::Scene, cfg: &RenderConfig) -> (u32, u32, Vec<u8>) {
    let path = root().join(format!("target/layer-{}.png", scene.id));
    let mut file = std::fs::File::create(&path).expect("create");
    render_scene_encoded(scene, cfg, &Encoding::default(), &mut file).expect("renders");
    decode_png(&path)
}

#[test]
fn a_layer_alone_matches_its_area_of_the_whole_render_where_it_is_opaque() {
    let json = std::fs::read(root().join(SHOWCASE)).expect("fixture");
    let cfg = RenderConfig {
        scale: 2.0,
        ..RenderConfig::default()
    };
    let doc: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    for id in ["avatar", "donut", "button"] {
        // The whole render up to this top-level layer: what lies above it is left out, so
        // wherever the layer is opaque the two must agree exactly.
        let mut upto = doc.clone();
        let layers = upto["content"]["layers"].as_array_mut().expect("layers");
        let at = layers
            .iter()
            .position(|l| l["id"] == id)
            .expect("top level");
        layers.truncate(at + 1);
        let whole = load_scene(upto.to_string().as_bytes(), &cfg, assets()).expect("scene");
        let (ww, _, all) = png_of(&whole, &cfg);
        let layer = layer_scene(&whole, id).expect("a drawn layer");
        let (w, h, px) = png_of(&layer, &cfg);
        assert!(w > 0 && h > 0, "{id}: empty");
        let dx = ((layer.frame.x0 - whole.frame.x0) * 2.0) as usize;
        let dy = ((layer.frame.y0 - whole.frame.y0) * 2.0) as usize;
        let (mut opaque, mut equal) = (0, 0);
        for y in 0..h as usize {
            for x in 0..w as usize {
                let p = &px[(y * w as usize + x) * 4..][..4];
                if p[3] == 255 {
                    opaque += 1;
                    let q = &all[((y + dy) * ww as usize + x + dx) * 4..][..4];
                    equal += (p == q) as usize;
                }
            }
        }
        assert!(opaque > 100, "{id}: only {opaque} opaque pixels");
        // Inside a pass-through group a child's anti-aliased edge mixes with the backdrop,
        // so an opaque pixel where two children's edges meet may differ by a level or two.
        assert!(
            equal as f64 >= opaque as f64 * 0.999,
            "{id}: {} of {opaque} opaque pixels differ from the whole render",
            opaque - equal
        );
    }
    let whole = load_scene(&json, &cfg, assets()).expect("scene");
    assert!(layer_scene(&whole, "no-such-layer").is_none());
}

#[test]
fn the_cli_names_layer_files_and_refuses_unknown_ids() {
    let dir = root().join("target/layer-cli");
    let _ = std::fs::remove_dir_all(&dir);
    let run = |ids: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_octopus-render"));
        c.args(["render", SHOWCASE, "-o"])
            .arg(&dir)
            .args(["--scale", "3", "-q"]);
        for id in ids {
            c.args(["--layer", id]);
        }
        c.current_dir(root()).output().expect("run")
    };
    let bad = run(&["avatar", "missing"]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"missing\""));
    assert!(
        !dir.join("showcase-avatar@3x.png").exists(),
        "nothing written"
    );
    let ok = run(&["avatar", "bar3"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for name in ["showcase-avatar@3x.png", "showcase-bar3@3x.png"] {
        let (w, h, _) = decode_png(&dir.join(name));
        assert!(w > 0 && h > 0, "{name}");
    }
}

#[test]
fn all_layers_exports_the_top_level_and_crop_layer_keeps_to_the_outline() {
    let dir = root().join("target/layer-all");
    let _ = std::fs::remove_dir_all(&dir);
    let run = |args: &[&str], out: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_octopus-render"))
            .args(["render", SHOWCASE, "-q", "-o"])
            .arg(dir.join(out))
            .args(args)
            .current_dir(root())
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&["--all-layers", "--scale", "2"], "all");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join(SHOWCASE)).expect("doc")).expect("json");
    let mut want: Vec<String> = doc["content"]["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter(|l| l["visible"] != false)
        .map(|l| format!("showcase-{}@2x.png", l["id"].as_str().expect("id")))
        .collect();
    want.sort();
    let mut got: Vec<String> = std::fs::read_dir(dir.join("all"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    got.sort();
    assert_eq!(got, want);
    // The button is a 160 x 32 rectangle with a stroke outside it: its outline crop is
    // exactly the rectangle, its paint crop takes the stroke too.
    run(
        &["--layer", "button", "--scale", "3", "--crop", "layer"],
        "outline",
    );
    run(&["--layer", "button", "--scale", "3"], "paint");
    let (w, h, _) = decode_png(&dir.join("outline/showcase-button@3x.png"));
    assert_eq!((w, h), (480, 96));
    let (pw, ph, _) = decode_png(&dir.join("paint/showcase-button@3x.png"));
    assert!(pw > w && ph > h, "paint crop {pw} x {ph}");
}
