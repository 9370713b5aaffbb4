//! Deterministic synthetic designs for benchmarks: the same scene as Octopus JSON and as SVG.
//!
//! Input: a scene name (`typical`, `worldmap`, `big`, and the effect scenes `cards` and
//! `frosted` of [`effects`]; the budgets' outliers are in [`outliers`]). Output: a
//! [`SynthScene`] holding an Octopus document and, where SVG can express it, an SVG of
//! identical content (rounded rectangles, ellipses, bezier
//! blobs, strokes, linear gradients, group opacity), so a peer renderer (resvg) can draw the
//! same thing. Guarantee: the output depends only on the name (a fixed-seed generator), so
//! figures from different runs and machines compare like for like.

mod effects;
mod outliers;

pub use outliers::{outlier, Outlier, OUTLIERS};

use std::fmt::Write as _;

use serde_json::{json, Value};

/// One generated design in both formats.
#[derive(Debug, Clone)]
pub struct SynthScene {
    /// Scene name.
    pub name: &'static str,
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Number of shapes.
    pub shapes: usize,
    /// The Octopus document.
    pub octopus: String,
    /// The same content as SVG, when SVG can express it (it has no background blur).
    pub svg: Option<String>,
}

/// The scene names [`generate`] knows.
pub const SCENES: [&str; 5] = ["typical", "worldmap", "big", "cards", "frosted"];

/// Generates a named scene; `None` for an unknown name.
pub fn generate(name: &str) -> Option<SynthScene> {
    match name {
        "typical" => Some(mixed("typical", 1440, 900, 300, 1)),
        "big" => Some(mixed("big", 8000, 8000, 2000, 2)),
        "worldmap" => Some(worldmap()),
        "cards" => Some(effects::cards()),
        "frosted" => Some(effects::frosted()),
        _ => None,
    }
}

/// xorshift64*: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// Accumulates layers in both formats.
struct Builder {
    layers: Vec<Value>,
    svg: String,
    count: usize,
}

impl Builder {
    fn new() -> Self {
        Builder {
            layers: Vec::new(),
            svg: String::new(),
            count: 0,
        }
    }

    fn id(&mut self) -> String {
        self.count += 1;
        format!("s{}", self.count)
    }

    /// Adds a shape: `geometry` is SVG path data, used verbatim by both formats.
    fn shape(&mut self, d: &str, fill: Option<Paint>, stroke: Option<(f64, [f64; 4])>) {
        let id = self.id();
        let mut fills = Vec::new();
        let mut svg_fill = "none".to_string();
        let mut defs = String::new();
        if let Some(p) = fill {
            match p {
                Paint::Solid(c) => {
                    fills.push(json!({"type": "COLOR", "color": color(c)}));
                    svg_fill = svg_color(c);
                }
                Paint::Linear { from, to, stops } => {
                    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
                    fills.push(json!({"type": "GRADIENT",
                        "gradient": {"type": "LINEAR", "stops": stops.iter().map(|(p, c)| json!({"position": p, "color": color(*c)})).collect::<Vec<_>>()},
                        "positioning": {"layout": "FILL", "origin": "LAYER", "transform": [dx, dy, -dy, dx, from.0, from.1]}}));
                    let _ = write!(
                        defs,
                        r#"<linearGradient id="g{id}" gradientUnits="userSpaceOnUse" x1="{}" y1="{}" x2="{}" y2="{}">"#,
                        from.0, from.1, to.0, to.1
                    );
                    for (p, c) in &stops {
                        let _ = write!(
                            defs,
                            r#"<stop offset="{p}" stop-color="{}" stop-opacity="{}"/>"#,
                            svg_rgb(*c),
                            c[3]
                        );
                    }
                    defs.push_str("</linearGradient>");
                    svg_fill = format!("url(#g{id})");
                }
            }
        }
        let mut strokes = Vec::new();
        let mut svg_stroke = String::new();
        if let Some((width, c)) = stroke {
            strokes.push(json!({"thickness": width, "position": "CENTER", "fill": {"type": "COLOR", "color": color(c)},
                                "style": "SOLID", "lineJoin": "ROUND", "lineCap": "ROUND"}));
            let _ = write!(
                svg_stroke,
                r#" stroke="{}" stroke-opacity="{}" stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round""#,
                svg_rgb(c),
                c[3]
            );
        }
        self.layers.push(json!({"id": id, "type": "SHAPE",
            "shape": {"path": {"type": "PATH", "geometry": d}, "fillRule": "NON_ZERO", "fills": fills, "strokes": strokes}}));
        if !defs.is_empty() {
            let _ = write!(self.svg, "<defs>{defs}</defs>");
        }
        let fill_attr = if svg_fill.starts_with('#') && fill_alpha(&self.layers) < 1.0 {
            format!(
                r#"fill="{svg_fill}" fill-opacity="{}""#,
                fill_alpha(&self.layers)
            )
        } else {
            format!(r#"fill="{svg_fill}""#)
        };
        let _ = write!(self.svg, r#"<path d="{d}" {fill_attr}{svg_stroke}/>"#);
    }

    /// Wraps the layers added since `start` into a group with `opacity`.
    fn group_since(&mut self, start: usize, svg_start: usize, opacity: f64) {
        let children: Vec<Value> = self.layers.drain(start..).collect();
        let id = self.id();
        self.layers
            .push(json!({"id": id, "type": "GROUP", "opacity": opacity, "layers": children}));
        self.svg
            .insert_str(svg_start, &format!(r#"<g opacity="{opacity}">"#));
        self.svg.push_str("</g>");
    }

    fn finish(self, name: &'static str, w: u32, h: u32, shapes: usize) -> SynthScene {
        let doc = json!({"id": name, "type": "OCTOPUS_COMPONENT", "version": "3.1.1", "dimensions": {"width": w, "height": h},
                         "content": {"id": "root", "type": "GROUP", "layers": self.layers}});
        let svg = Some(svg_document(w, h, &self.svg));
        SynthScene {
            name,
            width: w,
            height: h,
            shapes,
            octopus: doc.to_string(),
            svg,
        }
    }
}

/// An SVG document of `w` x `h` around `body`.
fn svg_document(w: u32, h: u32, body: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">{body}</svg>"#
    )
}

fn fill_alpha(layers: &[Value]) -> f64 {
    layers
        .last()
        .and_then(|l| l["shape"]["fills"][0]["color"]["a"].as_f64())
        .unwrap_or(1.0)
}

enum Paint {
    Solid([f64; 4]),
    Linear {
        from: (f64, f64),
        to: (f64, f64),
        stops: Vec<(f64, [f64; 4])>,
    },
}

fn color(c: [f64; 4]) -> Value {
    json!({"r": c[0], "g": c[1], "b": c[2], "a": c[3]})
}

fn svg_rgb(c: [f64; 4]) -> String {
    let b = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", b(c[0]), b(c[1]), b(c[2]))
}

fn svg_color(c: [f64; 4]) -> String {
    svg_rgb(c)
}

fn random_color(r: &mut Rng, alpha: f64) -> [f64; 4] {
    // Colours on the 8-bit grid so both renderers start from identical values.
    let q = |v: f64| (v * 255.0).round() / 255.0;
    [q(r.next()), q(r.next()), q(r.next()), alpha]
}

fn rounded_rect(x: f64, y: f64, w: f64, h: f64, rad: f64) -> String {
    let k = rad * 0.552_284_8;
    format!(
        "M{},{}H{}C{},{} {},{} {},{}V{}C{},{} {},{} {},{}H{}C{},{} {},{} {},{}V{}C{},{} {},{} {},{}Z",
        x + rad, y, x + w - rad,
        x + w - rad + k, y, x + w, y + rad - k, x + w, y + rad, y + h - rad,
        x + w, y + h - rad + k, x + w - rad + k, y + h, x + w - rad, y + h, x + rad,
        x + rad - k, y + h, x, y + h - rad + k, x, y + h - rad, y + rad,
        x, y + rad - k, x + rad - k, y, x + rad, y
    )
}

fn ellipse(cx: f64, cy: f64, rx: f64, ry: f64) -> String {
    format!(
        "M{},{}A{rx},{ry} 0 1 0 {},{}A{rx},{ry} 0 1 0 {},{}Z",
        cx - rx,
        cy,
        cx + rx,
        cy,
        cx - rx,
        cy
    )
}

fn blob(r: &mut Rng, cx: f64, cy: f64, size: f64) -> String {
    let n = 5;
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let rad = size * r.range(0.6, 1.0);
            (cx + rad * a.cos(), cy + rad * a.sin())
        })
        .collect();
    let mut d = format!("M{},{}", pts[0].0, pts[0].1);
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        let _ = write!(
            d,
            "C{},{} {},{} {},{}",
            a.0 + (b.1 - a.1) * 0.3,
            a.1 - (b.0 - a.0) * 0.3,
            b.0 - (b.1 - a.1) * 0.3,
            b.1 + (b.0 - a.0) * 0.3,
            b.0,
            b.1
        );
    }
    d.push('Z');
    d
}

/// Rounded rectangles, ellipses, blobs, strokes and gradients; every 50 shapes form a group
/// with opacity (a few translucent groups, as in real screens).
fn mixed(name: &'static str, w: u32, h: u32, shapes: usize, seed: u64) -> SynthScene {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
    let mut b = Builder::new();
    let (wf, hf) = (w as f64, h as f64);
    let scale = (wf * hf / (1440.0 * 900.0)).sqrt();
    let mut group_start = (0, 0);
    let mut centre = (0.0, 0.0);
    for i in 0..shapes {
        if i % 50 == 0 {
            group_start = (b.layers.len(), b.svg.len());
        }
        if i % 50 == 0 {
            centre = (r.range(0.0, wf), r.range(0.0, hf));
        }
        // Shapes cluster around their group's centre, as layers of one card or component do;
        // ungrouped clusters still cover the whole frame.
        let spread = 0.25 * wf.max(hf);
        let (x, y) = (
            (centre.0 + r.range(-spread, spread)).rem_euclid(wf),
            (centre.1 + r.range(-spread, spread)).rem_euclid(hf),
        );
        let size = r.range(20.0, 120.0) * scale;
        let alpha = if r.next() < 0.3 { 0.6 } else { 1.0 };
        let c = random_color(&mut r, alpha);
        match i % 5 {
            0 => b.shape(
                &rounded_rect(x, y, size * 1.6, size, size * 0.15),
                Some(Paint::Solid(c)),
                None,
            ),
            1 => b.shape(
                &ellipse(x, y, size * 0.8, size * 0.5),
                Some(Paint::Solid(c)),
                Some((2.0 * scale, random_color(&mut r, 1.0))),
            ),
            2 => b.shape(&blob(&mut r, x, y, size * 0.6), Some(Paint::Solid(c)), None),
            3 => {
                let d = format!(
                    "M{},{}C{},{} {},{} {},{}",
                    x,
                    y,
                    x + size,
                    y - size,
                    x + size,
                    y + size,
                    x + 2.0 * size,
                    y
                );
                b.shape(&d, None, Some((r.range(2.0, 6.0) * scale, c)));
            }
            _ => {
                let stops = vec![
                    (0.0, random_color(&mut r, 1.0)),
                    (1.0, random_color(&mut r, 0.4)),
                ];
                let paint = Paint::Linear {
                    from: (x, y),
                    to: (x + size * 1.5, y + size),
                    stops,
                };
                b.shape(
                    &rounded_rect(x, y, size * 1.5, size, size * 0.1),
                    Some(paint),
                    None,
                );
            }
        }
        if i % 50 == 49 {
            b.group_since(group_start.0, group_start.1, 0.85);
        }
    }
    b.finish(name, w, h, shapes)
}

/// 150,000 small polygons with a fill and a hairline stroke, like a detailed map.
fn worldmap() -> SynthScene {
    let mut r = Rng(0x51_7CC1_B727_220A);
    let mut b = Builder::new();
    let (w, h) = (2000u32, 1200u32);
    let count = 150_000;
    for _ in 0..count {
        let (cx, cy) = (r.range(0.0, w as f64), r.range(0.0, h as f64));
        let size = r.range(2.0, 7.0);
        let n = 5 + (r.next() * 3.0) as usize;
        let mut d = String::new();
        for k in 0..n {
            let a = k as f64 / n as f64 * std::f64::consts::TAU;
            let rad = size * r.range(0.5, 1.0);
            let _ = write!(
                d,
                "{}{:.2},{:.2}",
                if k == 0 { "M" } else { "L" },
                cx + rad * a.cos(),
                cy + rad * a.sin()
            );
        }
        d.push('Z');
        let c = random_color(&mut r, 1.0);
        b.shape(&d, Some(Paint::Solid(c)), Some((0.5, [0.1, 0.1, 0.1, 1.0])));
    }
    b.finish("worldmap", w, h, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_are_deterministic_and_parse() {
        let a = generate("typical").unwrap();
        let b = generate("typical").unwrap();
        assert_eq!(a.octopus, b.octopus);
        assert!(octopus_schema::parse_document(a.octopus.as_bytes()).is_ok());
        let svg = a.svg.unwrap();
        assert!(svg.starts_with("<svg") && svg.matches("<path").count() == 300);
        assert!(generate("nope").is_none());
    }
}
