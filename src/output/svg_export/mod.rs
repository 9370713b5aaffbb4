//! The normalised scene written as SVG, so another renderer (resvg, a browser) can draw the
//! same content: the benchmarks' peer comparison on real documents, and a debugging view.
//!
//! Input: a [`Scene`]. Output: an SVG document in component space (viewBox = the frame) and
//! the list of what SVG 1.1 cannot say exactly. Guarantees: every shape, fill, stroke
//! outline, group, mask and clip of the scene is written (strokes as the filled outlines the
//! scene holds, so both renderers fill the same geometry); drop shadows, inner shadows and
//! layer blurs become filters; what has no SVG form (background blur, overlay and stroke
//! effects, angular and diamond gradients, eased stops, non-CSS blend modes, outside
//! strokes) is written in its nearest form and named in [`SvgExport::approximations`].

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::scene::Transform;
use base64::Engine as _;
use tiny_skia_path::{LineJoin, Path, PathSegment};

mod filter;

use crate::output::png::{encode_png, PngSpeed};
use crate::scene::{
    BlendMode, GradientKind, GradientSpace, MaskFacet, Node, NodeKind, Paint, PaintKind, Scene,
    ShapeNode, StrokeGeometry, StrokeSide,
};

/// An exported scene.
#[derive(Debug, Clone)]
pub struct SvgExport {
    /// The SVG document.
    pub svg: String,
    /// Features written in an approximate form, one line each, sorted.
    pub approximations: Vec<String>,
}

/// Writes `scene` as SVG.
pub fn scene_to_svg(scene: &Scene) -> SvgExport {
    let f = scene.frame;
    let mut w = Writer::default();
    let mut body = String::new();
    for n in &scene.nodes {
        w.node(n, &mut body);
    }
    let (width, height) = (f.x1 - f.x0, f.y1 - f.y0);
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" height="{height}" viewBox="{} {} {width} {height}"><defs>{}</defs>{body}</svg>"#,
        f.x0, f.y0, w.defs
    );
    SvgExport {
        svg,
        approximations: w.approx.into_iter().map(str::to_owned).collect(),
    }
}

#[derive(Default)]
struct Writer {
    defs: String,
    next: usize,
    approx: BTreeSet<&'static str>,
}

impl Writer {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn node(&mut self, n: &Node, out: &mut String) {
        let mut attrs = String::new();
        if n.opacity < 1.0 {
            let _ = write!(attrs, r#" opacity="{}""#, n.opacity);
        }
        let isolated = match &n.kind {
            NodeKind::Group(g) => g.isolated,
            NodeKind::Embed(e) => e.isolated,
            NodeKind::Shape(_) => false,
        };
        let mut style = String::new();
        if n.blend != BlendMode::Normal {
            let _ = write!(style, "mix-blend-mode:{};", self.css_blend(n.blend));
        }
        if isolated {
            style.push_str("isolation:isolate;");
        }
        if !style.is_empty() {
            let _ = write!(attrs, r#" style="{style}""#);
        }
        if let Some(filter) = self.filter(n) {
            let _ = write!(attrs, r#" filter="url(#{filter})""#);
        }
        let _ = write!(out, "<g{attrs}>");
        match &n.kind {
            NodeKind::Shape(s) => self.shape(s, true, out),
            NodeKind::Group(g) => {
                let mut inner = String::new();
                for c in &g.children {
                    self.node(c, &mut inner);
                }
                match &g.mask {
                    Some(m) => {
                        let id = self.id("m");
                        let alpha = m.channels == [0.0, 0.0, 0.0, 1.0, 0.0];
                        if !alpha && m.channels[..4] != [0.2126, 0.7152, 0.0722, 0.0] {
                            self.approx
                                .insert("mask channel weights (written as luminance)");
                        }
                        let mut content = String::new();
                        match (&m.node.kind, m.facet) {
                            (NodeKind::Shape(s), MaskFacet::Body) => {
                                self.body_path(s, "#ffffff", &mut content)
                            }
                            (NodeKind::Shape(s), MaskFacet::Fill) => {
                                self.shape(s, false, &mut content)
                            }
                            _ => self.node(&m.node, &mut content),
                        }
                        let kind = if alpha { "alpha" } else { "luminance" };
                        let _ = write!(
                            self.defs,
                            r#"<mask id="{id}" mask-type="{kind}" maskUnits="userSpaceOnUse" x="-1e6" y="-1e6" width="2e6" height="2e6">{content}</mask>"#
                        );
                        let _ = write!(out, r#"<g mask="url(#{id})">{inner}</g>"#);
                    }
                    None => out.push_str(&inner),
                }
            }
            NodeKind::Embed(e) => {
                let op = e.mask_opacity;
                let _ = write!(out, r#"<g opacity="{op}">"#);
                self.fills(&e.mask, out);
                out.push_str("</g>");
                let clip = self.clip(&e.mask);
                let _ = write!(out, r#"<g clip-path="url(#{clip})">"#);
                for c in &e.children {
                    self.node(c, out);
                }
                out.push_str("</g>");
                let _ = write!(out, r#"<g opacity="{op}">"#);
                self.strokes(&e.mask, out);
                out.push_str("</g>");
            }
        }
        out.push_str("</g>");
    }

    /// Fills then strokes of a shape (`strokes` false: fills only).
    fn shape(&mut self, s: &ShapeNode, strokes: bool, out: &mut String) {
        self.fills(s, out);
        if strokes {
            self.strokes(s, out);
        }
    }

    fn fills(&mut self, s: &ShapeNode, out: &mut String) {
        let Some(body) = &s.body else { return };
        for p in &s.fills {
            let paint = self.paint(p, &s.transform, "fill");
            let style = PathStyle::new(&paint, p.blend, None);
            self.path(body, &s.transform, s.even_odd, style, out);
        }
    }

    fn strokes(&mut self, s: &ShapeNode, out: &mut String) {
        for st in &s.strokes {
            let clip = match st.side {
                StrokeSide::Inside => Some(self.clip(s)),
                StrokeSide::Outside => {
                    self.approx.insert("OUTSIDE strokes (written unclipped)");
                    None
                }
                StrokeSide::Center => None,
            };
            let (t, eo, bl) = (&s.transform, st.even_odd, st.paint.blend);
            match &st.geometry {
                StrokeGeometry::Outline(p) => {
                    let paint = self.paint(&st.paint, t, "fill");
                    self.path(p, t, eo, PathStyle::new(&paint, bl, clip.as_deref()), out)
                }
                StrokeGeometry::Thin {
                    width,
                    join,
                    miter_limit,
                } => {
                    let Some(body) = &s.body else { continue };
                    let paint = format!(
                        r#"fill="none" {} stroke-width="{width}" stroke-linejoin="{}" stroke-miterlimit="{}""#,
                        self.paint(&st.paint, t, "stroke"),
                        svg_join(*join),
                        miter_limit.max(1.0)
                    );
                    self.path(
                        body,
                        t,
                        eo,
                        PathStyle::new(&paint, bl, clip.as_deref()),
                        out,
                    )
                }
            }
        }
    }

    /// The body as a solid path (mask bodies).
    fn body_path(&mut self, s: &ShapeNode, color: &str, out: &mut String) {
        if let Some(body) = &s.body {
            let paint = format!(r#"fill="{color}""#);
            let (t, eo) = (&s.transform, s.even_odd);
            self.path(
                body,
                t,
                eo,
                PathStyle::new(&paint, BlendMode::Normal, None),
                out,
            );
        }
    }

    /// A clip path of the shape's body; returns its id.
    fn clip(&mut self, s: &ShapeNode) -> String {
        let id = self.id("c");
        let rule = if s.even_odd { "evenodd" } else { "nonzero" };
        let d = s.body.as_ref().map(path_data).unwrap_or_default();
        let _ = write!(
            self.defs,
            r#"<clipPath id="{id}" clipPathUnits="userSpaceOnUse"><path d="{d}" clip-rule="{rule}" transform="{}"/></clipPath>"#,
            matrix(&s.transform)
        );
        id
    }

    fn path(
        &mut self,
        p: &Path,
        t: &Transform,
        even_odd: bool,
        style: PathStyle<'_>,
        out: &mut String,
    ) {
        let PathStyle { paint, blend, clip } = style;
        let rule = if even_odd { "evenodd" } else { "nonzero" };
        let _ = write!(
            out,
            r#"<path d="{}" transform="{}" fill-rule="{rule}" {paint}"#,
            path_data(p),
            matrix(t)
        );
        if blend != BlendMode::Normal {
            let _ = write!(out, r#" style="mix-blend-mode:{}""#, self.css_blend(blend));
        }
        if let Some(c) = clip {
            // The clip is in component space, the path's transform applies inside it.
            let _ = write!(out, r#" clip-path="url(#{c})""#);
        }
        out.push_str("/>");
    }

    /// The attributes of a paint on a path drawn under `local`, as its `to` ("fill" or
    /// "stroke").
    fn paint(&mut self, p: &Paint, local: &Transform, to: &str) -> String {
        // Paint transforms map to component space; the path's user space is its local one.
        let to_local = local
            .invert()
            .map(|inv| inv.then_apply_to(&paint_transform(p)))
            .unwrap_or(Transform::IDENTITY);
        match &p.kind {
            PaintKind::Solid(c) => {
                format!(r#"{to}="{}" {to}-opacity="{}""#, hex(c), c[3])
            }
            PaintKind::Gradient {
                kind, stops, space, ..
            } => {
                if *space != GradientSpace::Srgb {
                    self.approx
                        .insert("gradients mixed in Oklab or linear light (written as sRGB)");
                }
                let id = self.id("g");
                let mut st = String::new();
                for s in stops {
                    if s.power != 0.0 {
                        self.approx.insert("eased gradient stops (written linear)");
                    }
                    let _ = write!(
                        st,
                        r#"<stop offset="{}" stop-color="{}" stop-opacity="{}"/>"#,
                        s.position,
                        hex(&s.color),
                        s.color[3]
                    );
                }
                let m = matrix(&to_local);
                let geometry = match kind {
                    GradientKind::Linear => r#"x1="0" y1="0" x2="1" y2="0""#,
                    _ => {
                        if *kind != GradientKind::Radial {
                            self.approx
                                .insert("angular and diamond gradients (written radial)");
                        }
                        r#"cx="0" cy="0" r="1" fx="0" fy="0""#
                    }
                };
                let tag = if *kind == GradientKind::Linear {
                    "linearGradient"
                } else {
                    "radialGradient"
                };
                let _ = write!(
                    self.defs,
                    r#"<{tag} id="{id}" gradientUnits="userSpaceOnUse" gradientTransform="{m}" {geometry}>{st}</{tag}>"#
                );
                format!(r#"{to}="url(#{id})""#)
            }
            PaintKind::Image {
                bitmap,
                tile,
                opacity,
                ..
            } => {
                if !tile {
                    self.approx
                        .insert("untiled image fills (written as a repeating pattern)");
                }
                let id = self.id("p");
                let png = encode_png(bitmap.width, bitmap.height, &bitmap.data, PngSpeed::Fast)
                    .unwrap_or_default();
                let data = base64::engine::general_purpose::STANDARD.encode(png);
                let _ = write!(
                    self.defs,
                    r#"<pattern id="{id}" patternUnits="userSpaceOnUse" width="1" height="1" patternTransform="{}"><image width="1" height="1" preserveAspectRatio="none" xlink:href="data:image/png;base64,{data}"/></pattern>"#,
                    matrix(&to_local)
                );
                format!(r#"{to}="url(#{id})" {to}-opacity="{opacity}""#)
            }
        }
    }
}

fn paint_transform(p: &Paint) -> Transform {
    match &p.kind {
        PaintKind::Solid(_) => Transform::IDENTITY,
        PaintKind::Gradient { transform, .. } | PaintKind::Image { transform, .. } => *transform,
    }
}

fn svg_join(j: LineJoin) -> &'static str {
    match j {
        LineJoin::Round => "round",
        LineJoin::Bevel => "bevel",
        LineJoin::Miter | LineJoin::MiterClip => "miter",
    }
}

fn matrix(t: &Transform) -> String {
    let [a, b, c, d, e, f] = t.0;
    format!("matrix({a} {b} {c} {d} {e} {f})")
}

fn hex(c: &[f32; 4]) -> String {
    let b = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", b(c[0]), b(c[1]), b(c[2]))
}

/// SVG path data of a path.
fn path_data(p: &Path) -> String {
    let mut d = String::with_capacity(p.points().len() * 16);
    for seg in p.segments() {
        let _ = match seg {
            PathSegment::MoveTo(a) => write!(d, "M{} {}", a.x, a.y),
            PathSegment::LineTo(a) => write!(d, "L{} {}", a.x, a.y),
            PathSegment::QuadTo(a, b) => write!(d, "Q{} {} {} {}", a.x, a.y, b.x, b.y),
            PathSegment::CubicTo(a, b, c) => {
                write!(d, "C{} {} {} {} {} {}", a.x, a.y, b.x, b.y, c.x, c.y)
            }
            PathSegment::Close => write!(d, "Z"),
        };
    }
    d
}

/// How an exported path is painted.
#[derive(Clone, Copy)]
struct PathStyle<'a> {
    /// The paint attributes (`fill="..."` or `stroke="..."`).
    paint: &'a str,
    /// Its blend mode.
    blend: BlendMode,
    /// A clip path id.
    clip: Option<&'a str>,
}

impl<'a> PathStyle<'a> {
    fn new(paint: &'a str, blend: BlendMode, clip: Option<&'a str>) -> Self {
        PathStyle { paint, blend, clip }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::load_scene;
    use crate::RenderConfig;

    fn export(json: &str) -> SvgExport {
        let scene =
            load_scene(json.as_bytes(), &RenderConfig::default(), &crate::NoAssets).unwrap();
        scene_to_svg(&scene)
    }

    #[test]
    fn shapes_groups_and_shadows_are_written() {
        let e = export(
            r##"{"id":"d","type":"OCTOPUS_COMPONENT","version":"3.1.1","dimensions":{"width":100,"height":50},
            "content":{"id":"g","type":"GROUP","opacity":0.5,"layers":[
              {"id":"s","type":"SHAPE","effects":[{"type":"DROP_SHADOW","shadow":{"offset":{"x":2,"y":3},"blur":4,"color":{"r":0,"g":0,"b":0,"a":0.5}}}],
               "shape":{"path":{"type":"RECTANGLE","rectangle":{"x0":10,"y0":10,"x1":60,"y1":40}},
               "fills":[{"type":"COLOR","color":{"r":1,"g":0,"b":0,"a":1}}]}}]}}"##,
        );
        assert!(e.svg.starts_with("<svg"), "{}", e.svg);
        assert!(e.svg.contains(r##"fill="#ff0000""##), "{}", e.svg);
        assert!(e.svg.contains(r#"opacity="0.5""#), "{}", e.svg);
        assert!(e.svg.contains("<feOffset"), "{}", e.svg);
        assert!(e.approximations.is_empty(), "{:?}", e.approximations);
        let tree = resvg::usvg::Tree::from_str(&e.svg, &resvg::usvg::Options::default()).unwrap();
        assert_eq!(tree.size().width(), 100.0);
    }

    #[test]
    fn thin_strokes_are_written_as_svg_strokes() {
        let e = export(
            r##"{"id":"d","type":"OCTOPUS_COMPONENT","version":"3.1.1","dimensions":{"width":40,"height":40},
            "content":{"id":"s","type":"SHAPE","shape":{"path":{"type":"PATH","geometry":"M5 5L30 8L20 30Z"},
            "strokes":[{"thickness":0.5,"position":"CENTER","lineJoin":"BEVEL",
              "fill":{"type":"COLOR","color":{"r":0,"g":0,"b":1,"a":0.5}}}]}}}"##,
        );
        assert!(e.svg.contains(r#"fill="none""#), "{}", e.svg);
        assert!(
            e.svg.contains(r##"stroke="#0000ff" stroke-opacity="0.5""##),
            "{}",
            e.svg
        );
        assert!(
            e.svg
                .contains(r#"stroke-width="0.5" stroke-linejoin="bevel""#),
            "{}",
            e.svg
        );
        assert!(resvg::usvg::Tree::from_str(&e.svg, &resvg::usvg::Options::default()).is_ok());
    }
}
