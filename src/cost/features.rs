//! What a render will cost, read off the scene before anything is rasterised.
//!
//! Input: a built [`Scene`] and the output scale. Output: [`CostFeatures`], the quantities
//! the render's time and memory grow with, in output pixels. Guarantees: one walk over the
//! tree, linear in its size (background blurs included: each one's re-render of the scene
//! below it is estimated from a running total, not by walking the tree again), no
//! allocation beyond the walk's stack and a set of bitmap addresses.

use std::collections::HashSet;

use crate::scene::{
    BlendMode, Bounds, Effect, Node, NodeKind, PaintKind, Scene, ShapeNode, StrokeGeometry,
};

/// The rows of a band when no effect asks for more (see `raster/bands.rs`).
const MIN_BAND: f64 = 128.0;
/// The most rows of a band.
const MAX_BAND: f64 = 512.0;

/// The quantities a render's cost grows with (areas in output pixels).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CostFeatures {
    /// Width of the output.
    pub width: f64,
    /// Height of the output.
    pub height: f64,
    /// Pixels painted by fills and strokes (each paint counts its area inside the frame).
    pub paint_px: f64,
    /// Of those, pixels painted with gradients or bitmaps (computed per pixel, not copied).
    pub shaded_px: f64,
    /// Pixels of isolated layers (groups with opacity, blending or masks, effect layers):
    /// each is drawn into its own buffer and composited.
    pub layer_px: f64,
    /// Pixels blurred or dilated by effects (shadows, layer blurs, effect strokes), each
    /// counted with the rows its bands re-render around them.
    pub effect_px: f64,
    /// Pixels of the scene re-rendered under background blurs, plus their blurred areas.
    pub backdrop_px: f64,
    /// Pixels of the backdrops kept for the whole render (memory, not time).
    pub backdrop_store_px: f64,
    /// Pixels of the largest backdrop (rendered, blurred and cropped in turn).
    pub backdrop_max_px: f64,
    /// Path segments to scan (verbs of every outline).
    pub segments: f64,
    /// Pixels of the decoded bitmaps (each bitmap once).
    pub image_px: f64,
    /// Layers in the tree.
    pub nodes: f64,
    /// The rows of a band (from the widest effect margin).
    pub band_rows: f64,
    /// The widest effect margin, in output pixels.
    pub max_margin: f64,
    /// The deepest nesting of isolated layers (each level holds a buffer per band).
    pub depth: f64,
}

impl CostFeatures {
    /// Pixels of the output.
    pub fn frame_px(&self) -> f64 {
        self.width * self.height
    }
}

/// Reads the cost features of `scene` rendered at `scale`.
pub fn features(scene: &Scene, scale: f32) -> CostFeatures {
    let s = scale as f64;
    let frame = scene.frame;
    let mut w = Walk {
        frame,
        s2: s * s,
        s,
        frame_area: (area(&frame)).max(1.0),
        f: CostFeatures {
            width: ((frame.x1 - frame.x0) * s).ceil().max(1.0),
            height: ((frame.y1 - frame.y0) * s).ceil().max(1.0),
            ..CostFeatures::default()
        },
        bitmaps: HashSet::new(),
        painted: 0.0,
        buffered: 0,
        canvas: None,
        effects: Vec::new(),
    };
    // The band height depends on the widest margin, so effects are costed after the walk.
    w.nodes(&scene.nodes, 1);
    w.f.band_rows = (w.f.max_margin * 4.0).clamp(MIN_BAND, MAX_BAND);
    for (px, margin, rows) in std::mem::take(&mut w.effects) {
        // Each band renders the effect's layer over its own rows plus the margin above and
        // below (at most the layer's height).
        let extra = (2.0 * margin).min(rows) / w.f.band_rows;
        w.f.effect_px += px * (1.0 + extra);
    }
    w.f
}

struct Walk {
    frame: Bounds,
    s: f64,
    s2: f64,
    frame_area: f64,
    f: CostFeatures,
    bitmaps: HashSet<usize>,
    /// Pixels painted so far in drawing order (what a background blur re-renders).
    painted: f64,
    /// Groups entered that draw into a buffer of their own (the background-blur pre-pass
    /// renders the layers inside them on their own, not on a shared canvas).
    buffered: u32,
    /// The shared canvas of the last background blur drawn on one, and the paint drawn on it.
    canvas: Option<(Bounds, f64)>,
    /// Effects as (pixels, margin, rows of the layer), costed once the band height is known.
    effects: Vec<(f64, f64, f64)>,
}

/// Whether the raster blurs this layer blur (sigma in output pixels) once at reduced
/// resolution (`prepare::mark_wide`: a reach of 1,024 pixels or more, no drop shadows, no
/// background blur inside).
fn wide_blur(sigma: f64, n: &Node) -> bool {
    3.0 * sigma >= 1024.0
        && !n.effects.iter().any(|e| matches!(e, Effect::DropShadow(_)))
        && !n.kind.has_background_blur()
}

fn area(b: &Bounds) -> f64 {
    if b.is_empty() {
        0.0
    } else {
        (b.x1 - b.x0) * (b.y1 - b.y0)
    }
}

impl Walk {
    /// Output pixels of `b` inside the frame.
    fn px(&self, b: &Bounds) -> f64 {
        area(&b.intersect(&self.frame)) * self.s2
    }

    fn nodes(&mut self, nodes: &[Node], depth: usize) {
        for n in nodes {
            self.node(n, depth);
        }
    }

    fn node(&mut self, n: &Node, depth: usize) {
        self.f.nodes += 1.0;
        self.f.depth = self.f.depth.max(depth as f64);
        let layer = self.px(&n.bounds);
        for e in &n.effects {
            self.effect(e, n, layer);
        }
        let isolated = n.opacity < 1.0 || !n.effects.is_empty();
        let buffered = match &n.kind {
            NodeKind::Shape(shape) => {
                self.shape(shape);
                return;
            }
            NodeKind::Group(g) => {
                let normal = !g.isolated || g.children.iter().all(Node::composites_normally);
                isolated || n.blend != BlendMode::Normal || g.mask.is_some() || !normal
            }
            NodeKind::Embed(e) => isolated || e.isolated || n.blend != BlendMode::Normal,
        };
        self.buffered += buffered as u32;
        match &n.kind {
            NodeKind::Shape(_) => {}
            NodeKind::Group(g) => {
                if isolated || g.isolated || g.mask.is_some() {
                    self.f.layer_px += layer;
                }
                if let Some(m) = &g.mask {
                    self.node(&m.node, depth + 1);
                }
                self.nodes(&g.children, depth + 1);
            }
            NodeKind::Embed(e) => {
                self.f.layer_px += layer;
                self.shape(&e.mask);
                self.nodes(&e.children, depth + 1);
            }
        }
        self.buffered -= buffered as u32;
    }

    fn effect(&mut self, e: &Effect, n: &Node, layer: f64) {
        let margin = e.extent() as f64 * self.s;
        match e {
            Effect::BackgroundBlur(_) => {
                let reach = n.bounds.outset(e.extent() as f64);
                let region = self.px(&reach);
                // The scene below, drawn over the region: on a canvas shared with the last
                // background blur over about the same area, only the paint since then;
                // otherwise the paint so far. Spread evenly over the frame.
                let since = self.shared_since(&reach).unwrap_or(0.0);
                let below =
                    (self.painted - since) * (region / (self.frame_area * self.s2)).min(1.0);
                self.f.backdrop_px += region + below;
                // A wide blur keeps its shrunk grid (`raster/effects/shrunk.rs`: shrunk by
                // about a quarter of sigma, at most 8, once the support reaches 24 pixels).
                let sigma = match e {
                    Effect::BackgroundBlur(sigma) => *sigma as f64 * self.s,
                    _ => 0.0,
                };
                let shrink = if 3.0 * sigma >= 30.0 {
                    (sigma / 4.0).floor().clamp(1.0, 8.0)
                } else {
                    1.0
                };
                self.f.backdrop_store_px += self.px(&n.bounds) / (shrink * shrink);
                self.f.backdrop_max_px = self.f.backdrop_max_px.max(region);
            }
            Effect::Overlay(_) => self.f.paint_px += layer,
            Effect::LayerBlur(sigma) if wide_blur(*sigma as f64 * self.s, n) => {
                // Blurred once per render at reduced resolution (`raster/wide.rs`): the
                // layer rendered once, its buffers held during the pre-pass, no band margin.
                self.effects.push((layer, 0.0, 0.0));
                self.f.backdrop_max_px = self.f.backdrop_max_px.max(layer);
                return;
            }
            _ => {
                let rows = (n.bounds.y1 - n.bounds.y0).max(0.0) * self.s;
                self.effects.push((layer, margin, rows));
            }
        }
        if margin.is_finite() {
            self.f.max_margin = self.f.max_margin.max(margin);
        }
    }

    /// For a background blur reading `reach`: the paint already on the shared canvas it
    /// would be drawn on (as `raster/backdrop.rs` shares one), if any; records the canvas.
    fn shared_since(&mut self, reach: &Bounds) -> Option<f64> {
        if self.buffered > 0 {
            return None;
        }
        let shared = self.canvas.and_then(|(c, painted)| {
            let grown = c.union(reach);
            (area(&grown) <= 1.25 * area(&c).max(area(reach))).then_some((grown, painted))
        });
        self.canvas = Some((shared.map_or(*reach, |(g, _)| g), self.painted));
        shared.map(|(_, painted)| painted)
    }

    fn shape(&mut self, s: &ShapeNode) {
        let fill_px = self.px(&s.object_bounds);
        let stroke_px = self.px(&s.stroke_bounds);
        if let Some(body) = &s.body {
            self.f.segments += body.verbs().len() as f64;
        }
        let mut painted = fill_px * s.fills.len() as f64;
        for p in &s.fills {
            self.paint(&p.kind, fill_px);
        }
        for st in &s.strokes {
            painted += stroke_px;
            self.paint(&st.paint.kind, stroke_px);
            match &st.geometry {
                StrokeGeometry::Outline(p) => self.f.segments += p.verbs().len() as f64,
                StrokeGeometry::Thin { .. } => {
                    self.f.segments += s.body.as_ref().map_or(0, |b| b.verbs().len()) as f64
                }
            }
        }
        self.f.paint_px += painted;
        self.painted += painted;
    }

    fn paint(&mut self, p: &PaintKind, px: f64) {
        if !matches!(p, PaintKind::Solid(_)) {
            self.f.shaded_px += px;
        }
        if let PaintKind::Image { bitmap, .. } = p {
            // Each bitmap once, however many layers share it.
            if self.bitmaps.insert(std::sync::Arc::as_ptr(bitmap) as usize) {
                self.f.image_px += bitmap.width as f64 * bitmap.height as f64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{build_scene, BuildOptions};
    use crate::NoAssets;

    /// A 1000 x 1000 document of `n` full-frame half-transparent rectangles, each with
    /// `effect` (JSON) when given.
    fn stack(n: usize, effect: Option<&str>) -> Scene {
        let fx = effect.map_or(String::new(), |e| format!(r#","effects":[{e}]"#));
        let layers: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"l{i}","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE",
                    "rectangle":{{"x0":0,"y0":0,"x1":1000,"y1":1000}}}},"fills":[{{"type":"COLOR",
                    "color":{{"r":1,"g":0,"b":0,"a":0.5}}}}]}}{fx}}}"#
                )
            })
            .collect();
        let json = format!(
            r#"{{"id":"d","type":"OCTOPUS_COMPONENT","version":"3.1.1",
            "dimensions":{{"width":1000,"height":1000}},
            "content":{{"id":"root","type":"GROUP","layers":[{}]}}}}"#,
            layers.join(",")
        );
        let doc = octopus_schema::parse_document(json.as_bytes()).expect("valid document");
        build_scene(&doc, &BuildOptions::default(), &NoAssets).expect("scene")
    }

    #[test]
    fn paint_counts_each_fill_in_output_pixels() {
        let f = features(&stack(3, None), 2.0);
        assert_eq!((f.width, f.height), (2000.0, 2000.0));
        assert!((f.paint_px - 3.0 * 4e6).abs() < 1.0, "{f:?}");
        assert_eq!((f.effect_px, f.backdrop_px), (0.0, 0.0));
        assert_eq!(f.nodes, 4.0, "three shapes and the root group");
    }

    #[test]
    fn blurs_count_their_band_margins() {
        let blur = r#"{"type":"BOUNDED_BLUR","basis":"LAYER_AND_EFFECTS","blur":40}"#;
        let f = features(&stack(2, Some(blur)), 1.0);
        assert!(f.max_margin > 0.0 && f.band_rows >= 128.0);
        // Each band re-renders the margin above and below: more than the area itself.
        assert!(f.effect_px > 2.0 * 1e6, "{f:?}");
    }

    #[test]
    fn a_blur_wider_than_the_frame_costs_what_one_as_wide_does() {
        let blur =
            |r: u32| format!(r#"{{"type":"BOUNDED_BLUR","basis":"LAYER_AND_EFFECTS","blur":{r}}}"#);
        let frame_wide = features(&stack(1, Some(&blur(1500))), 1.0);
        let far_wider = features(&stack(1, Some(&blur(20000))), 1.0);
        assert_eq!(frame_wide.effect_px, far_wider.effect_px);
        assert_eq!((frame_wide.max_margin, far_wider.max_margin), (0.0, 0.0));
    }

    #[test]
    fn stacked_background_blurs_cost_linearly() {
        let bg = r#"{"type":"BACKGROUND_BLUR","basis":"BACKGROUND","blur":10}"#;
        let ten = features(&stack(10, Some(bg)), 1.0).backdrop_px;
        let twenty = features(&stack(20, Some(bg)), 1.0).backdrop_px;
        // Stacked over the same area, they share one canvas drawn once: the sum grows
        // with the count, not with its square.
        assert!(
            twenty > 1.9 * ten && twenty < 2.2 * ten,
            "{ten} vs {twenty}"
        );
        assert!(features(&stack(10, Some(bg)), 1.0).backdrop_max_px > 0.0);
    }
}
