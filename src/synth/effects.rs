//! The two effect scenes of the peer benchmark: `cards` (a dashboard of cards with drop
//! shadows) and `frosted` (frosted-glass panels over a colourful backdrop).
//!
//! Input: nothing (fixed seeds). Output: [`SynthScene`]s. Guarantees: deterministic; the
//! SVG of `cards` draws the same geometry with `feDropShadow` filters (a standard deviation
//! of `blur / √6`, the spread of Octopus's tent-shaped shadow blur), so resvg renders an
//! equivalent workload; `frosted` has no SVG form (SVG has no backdrop blur), so only our
//! renderer draws it.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::{color, random_color, rounded_rect, svg_rgb, Rng, SynthScene};

/// A shape layer with one solid fill and `effects`.
fn layer(id: String, d: &str, c: [f64; 4], effects: Vec<Value>) -> Value {
    json!({"id": id, "type": "SHAPE", "effects": effects,
        "shape": {"path": {"type": "PATH", "geometry": d}, "fillRule": "NON_ZERO",
                  "fills": [{"type": "COLOR", "color": color(c)}]}})
}

/// The document around `layers`.
fn document(name: &str, w: u32, h: u32, layers: Vec<Value>) -> String {
    json!({"id": name, "type": "OCTOPUS_COMPONENT", "version": "3.1.1",
        "dimensions": {"width": w, "height": h},
        "content": {"id": "root", "type": "GROUP", "layers": layers}})
    .to_string()
}

/// An SVG path element with a solid fill.
fn svg_path(svg: &mut String, d: &str, c: [f64; 4], filter: &str) {
    let _ = write!(
        svg,
        r#"<path d="{d}" fill="{}" fill-opacity="{}"{filter}/>"#,
        svg_rgb(c),
        c[3]
    );
}

/// A 2880 x 1800 dashboard (a 1440 x 900 screen at 2x): 96 white cards in a grid, each
/// with a soft drop shadow (blur 24, offset 8) and three content shapes.
pub(super) fn cards() -> SynthScene {
    let (w, h) = (2880u32, 1800u32);
    let mut r = Rng(0xCA2D_5EED);
    let shadow_blur = 24.0;
    let mut layers = vec![layer(
        "bg".into(),
        &rounded_rect(0.0, 0.0, w as f64, h as f64, 0.0),
        [0.95, 0.95, 0.97, 1.0],
        vec![],
    )];
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<defs><filter id="shadow" x="-50%" y="-50%" width="200%" height="200%"><feDropShadow dx="0" dy="8" stdDeviation="{}" flood-color="#000000" flood-opacity="0.25"/></filter></defs>"##,
        shadow_blur / 6f64.sqrt()
    );
    svg_path(
        &mut svg,
        &rounded_rect(0.0, 0.0, w as f64, h as f64, 0.0),
        [0.95, 0.95, 0.97, 1.0],
        "",
    );
    let (cols, rows) = (12, 8);
    let (cw, ch) = (200.0, 180.0);
    let mut shapes = 1;
    for i in 0..cols * rows {
        let x = 40.0 + (i % cols) as f64 * (cw + 36.0);
        let y = 60.0 + (i / cols) as f64 * (ch + 38.0);
        let card = rounded_rect(x, y, cw, ch, 16.0);
        let shadow = json!({"type": "DROP_SHADOW", "basis": "BODY", "shadow": {
            "offset": {"x": 0, "y": 8}, "blur": shadow_blur, "choke": 0,
            "color": {"r": 0, "g": 0, "b": 0, "a": 0.25}}});
        layers.push(layer(format!("card{i}"), &card, [1.0; 4], vec![shadow]));
        svg_path(&mut svg, &card, [1.0; 4], r#" filter="url(#shadow)""#);
        let accent = random_color(&mut r, 1.0);
        let content = [
            (rounded_rect(x + 16.0, y + 16.0, 48.0, 48.0, 24.0), accent),
            (
                rounded_rect(x + 16.0, y + 84.0, 150.0, 14.0, 7.0),
                [0.2, 0.2, 0.25, 1.0],
            ),
            (
                rounded_rect(x + 16.0, y + 110.0, 110.0, 12.0, 6.0),
                [0.6, 0.6, 0.65, 1.0],
            ),
        ];
        for (k, (d, c)) in content.iter().enumerate() {
            layers.push(layer(format!("card{i}-{k}"), d, *c, vec![]));
            svg_path(&mut svg, d, *c, "");
        }
        shapes += 4;
    }
    SynthScene {
        name: "cards",
        width: w,
        height: h,
        shapes,
        octopus: document("cards", w, h, layers),
        svg: Some(super::svg_document(w, h, &svg)),
    }
}

/// A 2880 x 1800 frosted-glass screen: 60 large translucent blobs of colour, then 8
/// half-white panels, each blurring what lies behind it (radius 40), with content on top.
pub(super) fn frosted() -> SynthScene {
    let (w, h) = (2880u32, 1800u32);
    let mut r = Rng(0xF205_7ED0);
    let mut layers = Vec::new();
    for i in 0..60 {
        let (cx, cy) = (r.range(0.0, w as f64), r.range(0.0, h as f64));
        let rad = r.range(150.0, 500.0);
        let d = rounded_rect(cx - rad, cy - rad, 2.0 * rad, 2.0 * rad, rad);
        let alpha = r.range(0.5, 1.0);
        layers.push(layer(
            format!("blob{i}"),
            &d,
            random_color(&mut r, alpha),
            vec![],
        ));
    }
    let mut shapes = 60;
    for i in 0..8 {
        let (x, y) = (
            120.0 + (i % 4) as f64 * 680.0,
            160.0 + (i / 4) as f64 * 800.0,
        );
        let panel = rounded_rect(x, y, 600.0, 680.0, 32.0);
        let blur = json!({"type": "BACKGROUND_BLUR", "blur": 40});
        layers.push(layer(
            format!("panel{i}"),
            &panel,
            [1.0, 1.0, 1.0, 0.35],
            vec![blur],
        ));
        for k in 0..4 {
            let d = rounded_rect(x + 40.0, y + 60.0 + k as f64 * 140.0, 520.0, 96.0, 20.0);
            layers.push(layer(
                format!("panel{i}-{k}"),
                &d,
                [1.0, 1.0, 1.0, 0.6],
                vec![],
            ));
        }
        shapes += 5;
    }
    SynthScene {
        name: "frosted",
        width: w,
        height: h,
        shapes,
        octopus: document("frosted", w, h, layers),
        svg: None,
    }
}
