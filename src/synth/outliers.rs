//! Deterministic outlier designs: the documents a budget must hold against.
//!
//! Input: an outlier's name. Output: an [`Outlier`]: an Octopus document and the bitmaps it
//! references (PNG bytes by key). Guarantees: the output depends only on the name; the
//! documents are valid Octopus 3, so only their size and effects make them outliers:
//! `worldmap-300k` (300,000 small polygons), `canvas-20k` (a 20000 x 20000 frame),
//! `blur-stack` (50 full-frame half-transparent layers with wide layer blurs),
//! `backdrop-stack` (20 frosted layers, each blurring everything below it),
//! `images` (24 photos of 3000 x 2000), `deep-nesting` (55 nested translucent groups, near the parser's nesting limit) and
//! `blur-1e7` (a 100 x 100 rectangle with a blur radius of ten million).

use serde_json::{json, Value};

use super::Rng;

/// One generated outlier document with its bitmaps.
#[derive(Debug, Clone)]
pub struct Outlier {
    /// Name (also the document id).
    pub name: &'static str,
    /// The Octopus document.
    pub octopus: String,
    /// Bitmaps by key, PNG-encoded.
    pub images: Vec<(String, Vec<u8>)>,
}

/// The outlier names [`outlier`] knows.
pub const OUTLIERS: [&str; 7] = [
    "worldmap-300k",
    "canvas-20k",
    "blur-stack",
    "backdrop-stack",
    "images",
    "deep-nesting",
    "blur-1e7",
];

/// Generates a named outlier; `None` for an unknown name.
pub fn outlier(name: &str) -> Option<Outlier> {
    let (name, layers, (w, h), images) = match name {
        "worldmap-300k" => ("worldmap-300k", worldmap(300_000), (2400, 1400), vec![]),
        "canvas-20k" => ("canvas-20k", cards(40, 20_000.0), (20_000, 20_000), vec![]),
        "blur-stack" => (
            "blur-stack",
            stack(50, 3000.0, "BOUNDED_BLUR"),
            (3000, 3000),
            vec![],
        ),
        "backdrop-stack" => (
            "backdrop-stack",
            stack(20, 3000.0, "BACKGROUND_BLUR"),
            (3000, 3000),
            vec![],
        ),
        "images" => ("images", photos(24), (4000, 3000), photo_bitmaps(24)),
        "deep-nesting" => (
            "deep-nesting",
            vec![nested(55).to_string()],
            (1000, 1000),
            vec![],
        ),
        "blur-1e7" => (
            "blur-1e7",
            vec![blurred_rect(1e7).to_string()],
            (200, 200),
            vec![],
        ),
        _ => return None,
    };
    // Layers arrive serialised one by one: a tree of 300,000 JSON values would take a
    // gigabyte to write an 85 MB document.
    let head = json!({
        "id": name, "type": "OCTOPUS_COMPONENT", "version": "3.1.1",
        "dimensions": {"width": w, "height": h},
        "content": {"id": format!("{name}-root"), "type": "GROUP", "layers": ["LAYERS"]},
    })
    .to_string();
    let octopus = head.replacen("[\"LAYERS\"]", &format!("[{}]", layers.join(",")), 1);
    Some(Outlier {
        name,
        octopus,
        images,
    })
}

fn solid(r: f64, g: f64, b: f64, a: f64) -> Value {
    json!({"type": "COLOR", "color": {"r": r, "g": g, "b": b, "a": a}})
}

fn shape(id: String, path: Value, fills: Vec<Value>, effects: Vec<Value>) -> Value {
    json!({"id": id, "type": "SHAPE", "shape": {"path": path, "fills": fills}, "effects": effects})
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"type": "RECTANGLE", "rectangle": {"x0": x0, "y0": y0, "x1": x1, "y1": y1}})
}

fn worldmap(count: usize) -> Vec<String> {
    let mut r = Rng(0x0dd_5eed_1234_5678);
    (0..count)
        .map(|i| {
            let (cx, cy) = (r.next() * 2400.0, r.next() * 1400.0);
            let size = 2.0 + r.next() * 5.0;
            let mut d = String::new();
            for k in 0..6 {
                let a = k as f64 / 6.0 * std::f64::consts::TAU;
                let rad = size * (0.5 + 0.5 * r.next());
                let cmd = if k == 0 { 'M' } else { 'L' };
                d.push_str(&format!(
                    "{cmd}{:.1},{:.1}",
                    cx + rad * a.cos(),
                    cy + rad * a.sin()
                ));
            }
            d.push('Z');
            let fill = solid(r.next(), r.next(), r.next(), 1.0);
            shape(
                format!("p{i}"),
                json!({"type": "PATH", "geometry": d}),
                vec![fill],
                vec![],
            )
            .to_string()
        })
        .collect()
}

/// Cards with drop shadows spread over a square canvas of side `side`.
fn cards(count: usize, side: f64) -> Vec<String> {
    let mut r = Rng(0xca4d_5eed);
    (0..count)
        .map(|i| {
            let (x, y) = (r.next() * (side - 800.0), r.next() * (side - 600.0));
            let shadow = json!({"type": "DROP_SHADOW", "basis": "BODY", "shadow": {
                "offset": {"x": 0, "y": 8}, "blur": 24, "choke": 0,
                "color": {"r": 0, "g": 0, "b": 0, "a": 0.3}}});
            let fill = solid(r.next(), r.next(), r.next(), 1.0);
            shape(
                format!("card{i}"),
                rect(x, y, x + 800.0, y + 600.0),
                vec![fill],
                vec![shadow],
            )
            .to_string()
        })
        .collect()
}

/// `count` full-frame half-transparent layers, each with an effect `kind` of radius 40.
fn stack(count: usize, side: f64, kind: &str) -> Vec<String> {
    let mut r = Rng(0x57ac_5eed);
    (0..count)
        .map(|i| {
            let inset = (i % 5) as f64 * 10.0;
            let effect = json!({"type": kind, "basis": "LAYER_AND_EFFECTS", "blur": 40});
            let fill = solid(r.next(), r.next(), r.next(), 0.5);
            let path = rect(inset, inset, side - inset, side - inset);
            shape(format!("layer{i}"), path, vec![fill], vec![effect]).to_string()
        })
        .collect()
}

fn photos(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let (x, y) = ((i % 6) as f64 * 650.0, (i / 6) as f64 * 700.0);
            let fill = json!({"type": "IMAGE", "image": {"ref": {"type": "RESOURCE_REF", "value": format!("photo{i}")}},
                "positioning": {"layout": "STRETCH", "origin": "LAYER", "transform": [600, 0, 0, 400, 0, 0]}});
            let mut s = shape(format!("photo{i}"), rect(0.0, 0.0, 600.0, 400.0), vec![fill], vec![]);
            s["transform"] = json!([1, 0, 0, 1, x, y]);
            s.to_string()
        })
        .collect()
}

/// Smooth gradients (they compress well, so the files stay small while the decoded
/// bitmaps are large).
fn photo_bitmaps(count: usize) -> Vec<(String, Vec<u8>)> {
    let (w, h) = (3000u32, 2000u32);
    (0..count)
        .filter_map(|i| {
            let img = image::RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([(x / 12) as u8, (y / 8) as u8, (i * 10) as u8])
            });
            let mut png = Vec::new();
            let enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut png,
                image::codecs::png::CompressionType::Fast,
                image::codecs::png::FilterType::Sub,
            );
            img.write_with_encoder(enc).ok()?;
            Some((format!("photo{i}"), png))
        })
        .collect()
}

fn nested(depth: usize) -> Value {
    let mut inner = shape(
        "leaf".into(),
        rect(100.0, 100.0, 900.0, 900.0),
        vec![solid(0.2, 0.4, 0.8, 1.0)],
        vec![],
    );
    for d in (0..depth).rev() {
        inner = json!({"id": format!("g{d}"), "type": "GROUP", "opacity": 0.99, "layers": [inner]});
    }
    inner
}

fn blurred_rect(radius: f64) -> Value {
    let effect = json!({"type": "BOUNDED_BLUR", "basis": "LAYER_AND_EFFECTS", "blur": radius});
    shape(
        "blurred".into(),
        rect(50.0, 50.0, 150.0, 150.0),
        vec![solid(0.9, 0.3, 0.1, 1.0)],
        vec![effect],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outliers_are_deterministic_valid_documents() {
        for name in ["blur-stack", "deep-nesting", "blur-1e7", "canvas-20k"] {
            let a = outlier(name).expect("known");
            assert_eq!(a.octopus, outlier(name).expect("known").octopus, "{name}");
            let doc = octopus_schema::parse_document(a.octopus.as_bytes());
            assert!(doc.is_ok(), "{name}: {doc:?}");
        }
        assert!(outlier("nope").is_none());
    }
}
