//! The scene prepared for one output size: geometry flattened to device-space edges,
//! paints resolved to device paints, pixel bounds for culling.
//!
//! Input: a [`Scene`] and the render scale. Output: a [`Prepared`] tree mirroring the scene.
//! Guarantees: built once per render and shared read-only by all bands; every node's
//! [`PNode::rect`] contains every pixel it can change, so a band skips nodes outside it;
//! `normal_only` tells when an isolated group can draw straight onto its backdrop because
//! every contribution composites with plain source-over.

use octopus_schema::Transform;
use rayon::prelude::*;

use super::coverage::Edges;
use super::paint::DevicePaint;
use super::rect::IRect;
use crate::geom::{flatten, Polylines};
use crate::scene::{BlendMode, MaskFacet, Node, NodeKind, Scene, ShapeNode, StrokeSide};

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

/// Output size of `scene` at `scale` (outer integer bounds of the frame).
pub fn output_size(scene: &Scene, scale: f32) -> (u64, u64) {
    let s = scale as f64;
    let w = ((scene.frame.x1 - scene.frame.x0) * s).ceil();
    let h = ((scene.frame.y1 - scene.frame.y0) * s).ceil();
    (w.max(1.0) as u64, h.max(1.0) as u64)
}

/// Prepares `scene` for output at `scale`; the size must already be checked against limits.
pub fn prepare(scene: &Scene, scale: f32) -> Prepared {
    let (w, h) = output_size(scene, scale);
    let s = scale as f64;
    let device = Transform([s, 0.0, 0.0, s, -scene.frame.x0 * s, -scene.frame.y0 * s]);
    let canvas = IRect::new(0, 0, w as i32, h as i32);
    let nodes = prepare_list(&scene.nodes, &device, canvas);
    Prepared {
        width: w as u32,
        height: h as u32,
        nodes,
    }
}

fn prepare_list(nodes: &[Node], device: &Transform, canvas: IRect) -> Vec<PNode> {
    // Siblings are independent: flatten them in parallel (deterministic, order kept).
    nodes
        .par_iter()
        .map(|n| prepare_node(n, device, canvas))
        .filter(|n| !n.rect.is_empty())
        .collect()
}

fn prepare_node(n: &Node, device: &Transform, canvas: IRect) -> PNode {
    let (kind, rect) = match &n.kind {
        NodeKind::Shape(s) => {
            let shape = prepare_shape(s, device);
            let rect = shape_rect(&shape, !shape.fills.is_empty());
            (PKind::Shape(shape), rect)
        }
        NodeKind::Group(g) => {
            let children = prepare_list(&g.children, device, canvas);
            let content = children.iter().fold(IRect::EMPTY, |r, c| r.union(&c.rect));
            let mask = g.mask.as_ref().map(|m| {
                let node = prepare_node(&m.node, device, canvas);
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
            let children = prepare_list(&e.children, device, canvas);
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
    PNode {
        opacity: n.opacity,
        blend: n.blend,
        rect: rect.intersect(&canvas),
        kind,
    }
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

fn prepare_shape(s: &ShapeNode, device: &Transform) -> PShape {
    let full = device.then_apply_to(&s.transform);
    let edges = |p: &tiny_skia_path::Path| {
        let mut poly = Polylines::default();
        flatten(p, &full, TOLERANCE, &mut poly);
        Edges::from_polylines(&poly)
    };
    let body = s.body.as_ref().map(edges).unwrap_or_default();
    let fills = s
        .fills
        .iter()
        .filter_map(|f| DevicePaint::new(f, device))
        .collect();
    let strokes = s
        .strokes
        .iter()
        .filter_map(|st| {
            let paint = DevicePaint::new(&st.paint, device)?;
            Some(PStroke {
                edges: edges(&st.outline),
                even_odd: st.even_odd,
                side: st.side,
                paint,
            })
        })
        .collect();
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
    let [a, b] = e.lines.as_slice() else {
        return None;
    };
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
