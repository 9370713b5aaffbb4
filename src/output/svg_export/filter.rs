//! Effects and blend modes in the SVG export: shadows and blurs as SVG filters, blend modes
//! as CSS `mix-blend-mode`.
//!
//! Input: a node's effects. Output: a `<filter>` in the document's defs and its id. Guarantee:
//! what SVG cannot say (background blurs, effect strokes, overlays, some blend modes) is
//! listed in the export's `unsupported`, never drawn wrong in silence.

use std::fmt::Write;

use super::{hex, Writer};
use crate::scene::{BlendMode, Effect, Node, ShadowEffect};

impl Writer {
    /// The filter of a node's effects, when it has any SVG can express; returns its id.
    pub(super) fn filter(&mut self, n: &Node) -> Option<String> {
        if n.effects.is_empty() {
            return None;
        }
        let mut prims = String::new();
        let mut below = Vec::new();
        let mut above = Vec::new();
        for (i, e) in n.effects.iter().enumerate() {
            match e {
                Effect::DropShadow(s) => {
                    below.push(format!("d{i}"));
                    shadow(&mut prims, s, &format!("d{i}"), false);
                }
                Effect::InnerShadow(s) => {
                    above.push(format!("d{i}"));
                    shadow(&mut prims, s, &format!("d{i}"), true);
                }
                Effect::LayerBlur(_) => {}
                Effect::BackgroundBlur(_) => {
                    self.approx.insert("background blur (not written)");
                }
                Effect::Overlay(_) => {
                    self.approx.insert("OVERLAY effects (not written)");
                }
                Effect::Stroke(_) => {
                    self.approx.insert("STROKE effects (not written)");
                }
            }
            if let Effect::DropShadow(s) | Effect::InnerShadow(s) = e {
                if s.spread != 0.0 {
                    self.approx.insert("shadow spread (not written)");
                }
            }
        }
        let sigma = n.effects.iter().fold(0.0f32, |acc, e| match e {
            Effect::LayerBlur(s) => (acc * acc + s * s).sqrt(),
            _ => acc,
        });
        if below.is_empty() && above.is_empty() && sigma == 0.0 {
            return None;
        }
        let mut merge = String::new();
        for id in below
            .iter()
            .chain(std::iter::once(&"SourceGraphic".to_string()))
        {
            let _ = write!(merge, r#"<feMergeNode in="{id}"/>"#);
        }
        for id in &above {
            let _ = write!(merge, r#"<feMergeNode in="{id}"/>"#);
        }
        let _ = write!(prims, "<feMerge result=\"all\">{merge}</feMerge>");
        if sigma > 0.0 {
            let _ = write!(
                prims,
                r#"<feGaussianBlur in="all" stdDeviation="{sigma}"/>"#
            );
        }
        let id = self.id("f");
        let b = n.bounds;
        let _ = write!(
            self.defs,
            r#"<filter id="{id}" filterUnits="userSpaceOnUse" x="{}" y="{}" width="{}" height="{}" color-interpolation-filters="sRGB">{prims}</filter>"#,
            b.x0,
            b.y0,
            b.x1 - b.x0,
            b.y1 - b.y0
        );
        Some(id)
    }

    pub(super) fn css_blend(&mut self, b: BlendMode) -> &'static str {
        use BlendMode::*;
        match b {
            Normal => "normal",
            Multiply => "multiply",
            Screen => "screen",
            Overlay => "overlay",
            Darken => "darken",
            Lighten => "lighten",
            ColorDodge => "color-dodge",
            ColorBurn => "color-burn",
            HardLight => "hard-light",
            SoftLight => "soft-light",
            Difference => "difference",
            Exclusion => "exclusion",
            Hue => "hue",
            Saturation => "saturation",
            Color => "color",
            Luminosity => "luminosity",
            _ => {
                self.approx
                    .insert("blend modes without a CSS name (written as the nearest one)");
                match b {
                    LinearBurn | DarkerColor => "darken",
                    LinearDodge | LighterColor => "lighten",
                    LinearLight | VividLight | PinLight | HardMix => "hard-light",
                    _ => "difference",
                }
            }
        }
    }
}

/// Filter primitives of one shadow, leaving its result in `result`.
fn shadow(out: &mut String, s: &ShadowEffect, result: &str, inner: bool) {
    let (dx, dy) = s.offset;
    let source = if inner {
        let _ = write!(
            out,
            r#"<feComponentTransfer in="SourceAlpha" result="{result}i"><feFuncA type="table" tableValues="1 0"/></feComponentTransfer>"#
        );
        format!("{result}i")
    } else {
        "SourceAlpha".to_string()
    };
    let _ = write!(
        out,
        r#"<feOffset in="{source}" dx="{dx}" dy="{dy}" result="{result}o"/><feGaussianBlur in="{result}o" stdDeviation="{}" result="{result}b"/><feFlood flood-color="{}" flood-opacity="{}"/><feComposite in2="{result}b" operator="in" result="{result}c"/>"#,
        s.sigma,
        hex(&s.color),
        s.color[3]
    );
    let (in2, op) = if inner {
        ("SourceAlpha", "in")
    } else {
        ("SourceAlpha", "out")
    };
    let _ = write!(
        out,
        r#"<feComposite in="{result}c" in2="{in2}" operator="{op}" result="{result}"/>"#
    );
}
