//! The scene prepared for one output size: geometry flattened to device-space edges,
//! paints resolved to device paints, pixel bounds for culling.
//!
//! Input: a [`Scene`] and the render scale. Output: a [`Prepared`] tree mirroring the scene.
//! Guarantees: built once per render and shared read-only by all bands; every node's
//! [`PNode::rect`] contains every pixel it can change, so a band skips nodes outside it;
//! `normal_only` tells when an isolated group can draw straight onto its backdrop because
//! every contribution composites with plain source-over.

use octopus_schema::Transform;
use std::sync::Arc;
use tiny_skia_path::LineJoin;

use rayon::prelude::*;

use super::blend::Px;
use super::blur::{box_radii, support};
use super::blur_wide::blur_rgba_crop;
use super::edges::Edges;
use super::paint::{premultiply, DevicePaint};
use super::rect::IRect;
use super::samples::Pattern;
use super::surface::{Backdrop, Backdrops, Scratch, Surface};
use super::thin;
use crate::geom::{flatten, Polylines};
use crate::scene::{
    BlendMode, Effect, MaskFacet, Node, NodeKind, Scene, ShadowEffect, ShapeNode, StrokeGeometry,
    StrokeSide,
};

/// Flattening tolerance in output pixels.
const TOLERANCE: f32 = 0.1;

/// A scene ready to rasterise.
#[derive(Debug)]
pub struct Prepared {
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// Top-level nodes.
    pub nodes: Vec<PNode>,
    /// Blurred backdrops of background-blur layers.
    pub backdrops: Arc<Backdrops>,
    /// Sample positions of point-sampled anti-aliasing; `None` for exact area coverage.
    pub pattern: Option<Pattern>,
}

/// A node ready to rasterise.
#[derive(Debug)]
pub struct PNode {
    /// Layer opacity.
    pub opacity: f32,
    /// Blend onto the backdrop.
    pub blend: BlendMode,
    /// Pixels this node can change (canvas-clipped).
    pub rect: IRect,
    /// What it draws.
    pub kind: PKind,
    /// Shadows and blurs, when the node has any.
    pub effects: Option<Box<PEffects>>,
}

/// Effects prepared for the device (pixels of the output, unrotated).
#[derive(Debug)]
pub struct PEffects {
    /// Drop shadows in order.
    pub drops: Vec<PShadow>,
    /// Effects drawn inside the layer, between its fills and strokes, in order.
    pub inners: Vec<Inner>,
    /// Layer blur box radii, when blurred.
    pub blur: Option<[usize; 3]>,
    /// Background blur box radii, when the layer blurs what is behind it.
    pub background: Option<[usize; 3]>,
    /// How far outside a region the layer must be rendered for its effects to be exact.
    pub margin: i32,
}

/// An effect drawn between the fills and the strokes of a layer.
#[derive(Debug)]
pub enum Inner {
    /// INNER_SHADOW.
    Shadow(PShadow),
    /// OVERLAY: a paint clipped by the layer.
    Overlay(DevicePaint),
    /// STROKE effect.
    Stroke(PStrokeEffect),
}

/// A STROKE effect in device pixels.
#[derive(Debug)]
pub struct PStrokeEffect {
    /// Width.
    pub width: i32,
    /// Side of the edge.
    pub side: StrokeSide,
    /// Premultiplied colour.
    pub color: Px,
    /// Blend mode.
    pub blend: BlendMode,
}

impl Inner {
    fn reach(&self) -> i32 {
        match self {
            Inner::Shadow(s) => s.reach(),
            Inner::Overlay(_) => 0,
            Inner::Stroke(s) => s.width,
        }
    }
}

/// A shadow in device pixels.
#[derive(Debug)]
pub struct PShadow {
    /// Offset.
    pub dx: i32,
    /// Offset.
    pub dy: i32,
    /// Blur box radii.
    pub radii: [usize; 3],
    /// Growth (drop) or shrink (inner) in pixels.
    pub spread: i32,
    /// Premultiplied colour.
    pub color: Px,
    /// Blend mode.
    pub blend: BlendMode,
    /// Basis is the outline rather than the painted layer.
    pub body_basis: bool,
}

impl PShadow {
    /// How far the shadow reaches from its basis.
    pub fn reach(&self) -> i32 {
        self.dx.abs().max(self.dy.abs()) + support(self.radii) as i32 + self.spread.abs()
    }
}

/// What a prepared node draws.
#[derive(Debug)]
pub enum PKind {
    /// A shape.
    Shape(PShape),
    /// A group.
    Group {
        /// Composite children onto transparent first.
        isolated: bool,
        /// Every contribution is NORMAL source-over (isolation changes nothing).
        normal_only: bool,
        /// Children bottom first.
        children: Vec<PNode>,
        /// Mask applied to the result.
        mask: Option<Box<PMask>>,
    },
    /// Children embedded into a mask shape.
    Embed {
        /// The mask shape.
        mask: PShape,
        /// Opacity of the mask's own paint.
        mask_opacity: f32,
        /// Isolated group.
        isolated: bool,
        /// Children bottom first.
        children: Vec<PNode>,
    },
}

/// A prepared mask.
#[derive(Debug)]
pub struct PMask {
    /// The masking node (opacity 1).
    pub node: PNode,
    /// Which facet.
    pub facet: MaskFacet,
    /// Channel weights.
    pub channels: [f32; 5],
}

/// A prepared shape.
#[derive(Debug)]
pub struct PShape {
    /// Body edges (may be empty).
    pub body: Edges,
    /// Body fill rule.
    pub even_odd: bool,
    /// Fills bottom first.
    pub fills: Vec<DevicePaint>,
    /// Strokes in drawing order.
    pub strokes: Vec<PStroke>,
    /// Each fill blends onto the backdrop itself.
    pub pass_through: bool,
    /// When the body is an axis-aligned rectangle on whole pixels: that rectangle (coverage
    /// is exactly 1 inside and 0 outside).
    pub pixel_rect: Option<IRect>,
}

/// A prepared stroke.
#[derive(Debug)]
pub struct PStroke {
    /// Coverage edges.
    pub edges: Edges,
    /// Fill rule of the outline.
    pub even_odd: bool,
    /// Which side shows.
    pub side: StrokeSide,
    /// Paint.
    pub paint: DevicePaint,
}

impl Prepared {
    /// The largest effect margin of any node (how far bands must look beyond themselves).
    pub fn max_margin(&self) -> i32 {
        fn walk(n: &PNode) -> i32 {
            let own = n.effects.as_ref().map_or(0, |fx| fx.margin);
            let kids = match &n.kind {
                PKind::Shape(_) => 0,
                PKind::Group { children, mask, .. } => children
                    .iter()
                    .map(walk)
                    .max()
                    .unwrap_or(0)
                    .max(mask.as_ref().map_or(0, |m| walk(&m.node))),
                PKind::Embed { children, .. } => children.iter().map(walk).max().unwrap_or(0),
            };
            own.max(kids)
        }
        self.nodes.iter().map(walk).max().unwrap_or(0)
    }
}

/// Renders, for every background-blur layer in paint order, what lies behind it (the scene
/// drawn up to that layer) over its bounds grown by the blur reach, blurs it and keeps its
/// bounds. Done once per render, so every band sees the same backdrop.
fn compute_backdrops(prep: &Prepared) -> Backdrops {
    let mut targets = Vec::new();
    fn collect<'a>(n: &'a PNode, out: &mut Vec<&'a PNode>) {
        if n.effects.as_ref().is_some_and(|fx| fx.background.is_some()) {
            out.push(n);
        }
        match &n.kind {
            PKind::Shape(_) => {}
            PKind::Group { children, .. } | PKind::Embed { children, .. } => {
                children.iter().for_each(|c| collect(c, out))
            }
        }
    }
    prep.nodes.iter().for_each(|n| collect(n, &mut targets));
    let mut done = Backdrops::new();
    for node in targets {
        let Some(radii) = node.effects.as_ref().and_then(|fx| fx.background) else {
            continue;
        };
        let reach = support(radii) as i32;
        let ext = outset(&node.rect, reach);
        if ext.is_empty() || ext.width() * ext.height() > 1 << 28 {
            continue;
        }
        let mut sc = Scratch::default();
        sc.raster.pattern = prep.pattern;
        // Values are shared: cloning the map copies pointers, not pixels.
        sc.backdrops = Some(Arc::new(done.clone()));
        sc.stop_at = node as *const PNode as usize;
        let mut data = vec![0u8; ext.width() * ext.height() * 4];
        super::draw_group::draw_nodes(
            &mut sc,
            &prep.nodes,
            &mut Surface {
                data: &mut data,
                rect: ext,
            },
            ext,
        );
        let (x, y) = (node.rect.x0 - ext.x0, node.rect.y0 - ext.y0);
        let crop = IRect::new(
            x,
            y,
            x + node.rect.width() as i32,
            y + node.rect.height() as i32,
        );
        let crop = blur_rgba_crop(&mut data, ext.width(), ext.height(), radii, crop);
        let r = node.rect;
        done.insert(
            node as *const PNode as usize,
            Arc::new(Backdrop {
                rect: r,
                data: crop,
            }),
        );
    }
    done
}

/// Output size of `scene` at `scale` (outer integer bounds of the frame).
pub fn output_size(scene: &Scene, scale: f32) -> (u64, u64) {
    let s = scale as f64;
    let w = ((scene.frame.x1 - scene.frame.x0) * s).ceil();
    let h = ((scene.frame.y1 - scene.frame.y0) * s).ceil();
    (w.max(1.0) as u64, h.max(1.0) as u64)
}

/// Prepares `scene` for output at `scale`; the size must already be checked against limits.
pub fn prepare(scene: &Scene, scale: f32, pattern: Option<Pattern>) -> Prepared {
    let (w, h) = output_size(scene, scale);
    let s = scale as f64;
    let device = Transform([s, 0.0, 0.0, s, -scene.frame.x0 * s, -scene.frame.y0 * s]);
    let canvas = IRect::new(0, 0, w as i32, h as i32);
    let nodes = prepare_list(&scene.nodes, &device, scale, canvas);
    let mut prep = Prepared {
        width: w as u32,
        height: h as u32,
        nodes,
        backdrops: Arc::default(),
        pattern,
    };
    prep.backdrops = Arc::new(compute_backdrops(&prep));
    prep
}

fn prepare_list(nodes: &[Node], device: &Transform, scale: f32, canvas: IRect) -> Vec<PNode> {
    // Siblings are independent: flatten them in parallel (deterministic, order kept).
    // An indexed collect writes straight into one vector of the exact length (a filtered
    // one grows and copies it, a third of the page faults of a map's 150,000 shapes);
    // nodes that draw nothing are dropped afterwards.
    let mut out: Vec<PNode> = nodes
        .par_iter()
        .map(|n| prepare_node(n, device, scale, canvas))
        .collect();
    out.retain(|n| !n.rect.is_empty());
    out
}

fn prepare_node(n: &Node, device: &Transform, scale: f32, canvas: IRect) -> PNode {
    let (kind, rect) = match &n.kind {
        NodeKind::Shape(s) => {
            let shape = prepare_shape(s, device);
            let rect = shape_rect(&shape, !shape.fills.is_empty());
            (PKind::Shape(shape), rect)
        }
        NodeKind::Group(g) => {
            let children = prepare_list(&g.children, device, scale, canvas);
            let content = children.iter().fold(IRect::EMPTY, |r, c| r.union(&c.rect));
            let mask = g.mask.as_ref().map(|m| {
                let node = prepare_node(&m.node, device, scale, canvas);
                Box::new(PMask {
                    node,
                    facet: m.facet,
                    channels: m.channels,
                })
            });
            let rect = match &mask {
                Some(m) if m.channels[4] <= 0.0 => content.intersect(&mask_rect(&m.node)),
                _ => content,
            };
            let normal_only = children.iter().all(composites_normally);
            (
                PKind::Group {
                    isolated: g.isolated,
                    normal_only,
                    children,
                    mask,
                },
                rect,
            )
        }
        NodeKind::Embed(e) => {
            let mask = prepare_shape(&e.mask, device);
            let children = prepare_list(&e.children, device, scale, canvas);
            let rect = shape_rect(&mask, true).union(&mask.body.rect);
            (
                PKind::Embed {
                    mask,
                    mask_opacity: e.mask_opacity,
                    isolated: e.isolated,
                    children,
                },
                rect,
            )
        }
    };
    let effects = prepare_effects(&n.effects, device, scale);
    // Rects are not clipped to the canvas: effects may need content just outside it, and
    // every draw is clipped by its band anyway.
    let rect = match &effects {
        Some(fx) => {
            let reach = fx
                .drops
                .iter()
                .map(PShadow::reach)
                .max()
                .unwrap_or(0)
                .max(fx.inners.iter().map(Inner::reach).max().unwrap_or(0))
                + fx.blur.map_or(0, |r| support(r) as i32);
            rect.union(&outset(&rect, reach))
        }
        None => rect,
    };
    let _ = canvas;
    PNode {
        opacity: n.opacity,
        blend: n.blend,
        rect,
        kind,
        effects,
    }
}

fn outset(r: &IRect, d: i32) -> IRect {
    if r.is_empty() {
        return *r;
    }
    IRect::new(
        r.x0.saturating_sub(d),
        r.y0.saturating_sub(d),
        r.x1.saturating_add(d),
        r.y1.saturating_add(d),
    )
}

/// Scales effect parameters to output pixels; `None` without effects.
fn prepare_effects(effects: &[Effect], device: &Transform, scale: f32) -> Option<Box<PEffects>> {
    if effects.is_empty() {
        return None;
    }
    let shadow = |s: &ShadowEffect| PShadow {
        dx: (s.offset.0 * scale).round() as i32,
        dy: (s.offset.1 * scale).round() as i32,
        radii: box_radii(s.sigma * scale),
        spread: (s.spread * scale).round() as i32,
        color: premultiply(s.color),
        blend: s.blend,
        body_basis: s.body_basis,
    };
    let mut fx = PEffects {
        drops: Vec::new(),
        inners: Vec::new(),
        blur: None,
        background: None,
        margin: 0,
    };
    let mut sigma = 0.0f32;
    for e in effects {
        match e {
            Effect::DropShadow(s) => fx.drops.push(shadow(s)),
            Effect::InnerShadow(s) => fx.inners.push(Inner::Shadow(shadow(s))),
            Effect::Overlay(p) => fx
                .inners
                .extend(DevicePaint::new(p, device).map(Inner::Overlay)),
            Effect::Stroke(s) => fx.inners.push(Inner::Stroke(PStrokeEffect {
                width: (s.width * scale).round().max(1.0) as i32,
                side: s.side,
                color: premultiply(s.color),
                blend: s.blend,
            })),
            // Successive layer blurs compose like one Gaussian of the combined variance.
            Effect::LayerBlur(s) => sigma = (sigma * sigma + s * s).sqrt(),
            Effect::BackgroundBlur(s) => fx.background = Some(box_radii(s * scale)),
        }
    }
    if sigma > 0.0 {
        fx.blur = Some(box_radii(sigma * scale));
    }
    let drops = fx.drops.iter().map(PShadow::reach).max().unwrap_or(0);
    let shadows = drops.max(fx.inners.iter().map(Inner::reach).max().unwrap_or(0));
    fx.margin = shadows + fx.blur.map_or(0, |r| support(r) as i32) + 1;
    Some(Box::new(fx))
}

/// True when drawing `n` onto a backdrop is plain source-over of independent contributions.
fn composites_normally(n: &PNode) -> bool {
    if n.blend != BlendMode::Normal {
        return false;
    }
    match &n.kind {
        PKind::Shape(s) => !s.pass_through || s.fills.iter().all(|f| f.blend == BlendMode::Normal),
        PKind::Group {
            isolated, children, ..
        } => *isolated || children.iter().all(composites_normally),
        PKind::Embed { .. } => true,
    }
}

/// Flattening buffers reused by the shapes prepared on one thread.
#[derive(Default)]
struct FlatBuffers {
    body: Polylines,
    other: Polylines,
    thin: thin::Buffers,
}

/// Most points the reused flattening buffers keep between shapes.
const KEEP_POINTS: usize = 1 << 16;

thread_local! {
    /// One set per rayon worker: a map's 150,000 shapes would otherwise allocate and free
    /// half a dozen vectors each.
    static FLAT: std::cell::RefCell<FlatBuffers> = std::cell::RefCell::default();
}

fn prepare_shape(s: &ShapeNode, device: &Transform) -> PShape {
    FLAT.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            let shape = prepare_shape_with(s, device, &mut buf);
            // An outsize outline's buffers are not kept for the rest of the thread's life.
            if buf.body.points.capacity() + buf.other.points.capacity() > KEEP_POINTS {
                *buf = FlatBuffers::default();
            }
            shape
        }
        // Not reached (preparing a shape never prepares another), but never a panic.
        Err(_) => prepare_shape_with(s, device, &mut FlatBuffers::default()),
    })
}

fn prepare_shape_with(s: &ShapeNode, device: &Transform, buf: &mut FlatBuffers) -> PShape {
    let full = device.then_apply_to(&s.transform);
    let flat = |p: &tiny_skia_path::Path, poly: &mut Polylines| {
        poly.clear();
        flatten(p, &full, TOLERANCE, poly);
    };
    let FlatBuffers { body, other, thin } = buf;
    match &s.body {
        Some(p) => flat(p, body),
        None => body.clear(),
    }
    let body_poly = &*body;
    let body = Edges::from_polylines(body_poly);
    let mut stroke_edges = |g: &StrokeGeometry| match g {
        StrokeGeometry::Outline(p) => {
            flat(p, other);
            Edges::from_polylines(other)
        }
        StrokeGeometry::Thin {
            width,
            join,
            miter_limit,
        } => {
            let half = 0.5 * width * full.determinant().abs().sqrt() as f32;
            let join = match join {
                LineJoin::Round => thin::Join::Round,
                LineJoin::Bevel => thin::Join::Bevel,
                LineJoin::Miter | LineJoin::MiterClip => thin::Join::Miter(*miter_limit),
            };
            other.clear();
            thin::outline(body_poly, half, join, thin, other);
            Edges::from_polylines(other)
        }
    };
    // Collected into exact capacities (a filtered collect starts at four slots).
    let mut fills = Vec::with_capacity(s.fills.len());
    fills.extend(s.fills.iter().filter_map(|f| DevicePaint::new(f, device)));
    let mut strokes = Vec::with_capacity(s.strokes.len());
    strokes.extend(s.strokes.iter().filter_map(|st| {
        let paint = DevicePaint::new(&st.paint, device)?;
        Some(PStroke {
            edges: stroke_edges(&st.geometry),
            even_odd: st.even_odd,
            side: st.side,
            paint,
        })
    }));
    let pixel_rect = pixel_rect(&body);
    PShape {
        body,
        even_odd: s.even_odd,
        fills,
        strokes,
        pass_through: s.pass_through,
        pixel_rect,
    }
}

/// The rectangle of a body made of two opposite vertical edges on whole pixels.
fn pixel_rect(e: &Edges) -> Option<IRect> {
    let [a, b] = e.two_lines()?;
    let whole = |v: f32| v == v.round() && v.abs() < (1 << 24) as f32;
    let aligned = [a.x0, a.x1, a.y0, a.y1, b.x0, b.x1, b.y0, b.y1]
        .into_iter()
        .all(whole);
    if !aligned || a.x0 != a.x1 || b.x0 != b.x1 || a.y0 != b.y0 || a.y1 != b.y1 || a.dir == b.dir {
        return None;
    }
    let (x0, x1) = (a.x0.min(b.x0) as i32, a.x0.max(b.x0) as i32);
    Some(IRect::new(x0, a.y0 as i32, x1, a.y1 as i32))
}

/// Pixels a shape can change: the body when filled, strokes (inside ones within the body).
pub fn shape_rect(s: &PShape, with_fills: bool) -> IRect {
    let mut r = if with_fills {
        s.body.rect
    } else {
        IRect::EMPTY
    };
    for st in &s.strokes {
        r = r.union(&match st.side {
            StrokeSide::Inside => st.edges.rect.intersect(&s.body.rect),
            _ => st.edges.rect,
        });
    }
    r
}

/// Pixels where a mask facet can be non-zero.
fn mask_rect(n: &PNode) -> IRect {
    match &n.kind {
        PKind::Shape(s) => shape_rect(s, true).union(&s.body.rect),
        _ => n.rect,
    }
}
