//! The render tree: what the renderer reads, and nothing else.
//!
//! A [`Scene`] holds every visible layer as a [`Node`] with its bounds, its geometry built
//! once (paths in local space with the absolute transform beside them, booleans and stroke
//! outlines done) and its paints resolved. Masks are explicit structure
//! ([`GroupNode::mask`], [`NodeKind::Embed`]). Guarantee: nothing here refers to the
//! document or to the builder; bounds contain everything a node may paint.

use tiny_skia_path::Path;

use super::{BlendMode, Bounds, Effect, Paint, Transform};
use crate::diag::Diagnostic;

/// A document ready to render.
#[derive(Debug, Clone)]
pub struct Scene {
    /// Document id.
    pub id: String,
    /// The render frame in component space (design pixels).
    pub frame: Bounds,
    /// Top-level nodes, bottom first.
    pub nodes: Vec<Node>,
    /// What could not be represented exactly.
    pub diagnostics: Vec<Diagnostic>,
}

/// One layer of the tree.
#[derive(Debug, Clone)]
pub struct Node {
    /// Layer id from the document.
    pub id: String,
    /// Layer opacity, 0..1.
    pub opacity: f32,
    /// Blend mode onto the backdrop (NORMAL for pass-through groups).
    pub blend: BlendMode,
    /// Bounds of everything this node may paint, in component space.
    pub bounds: Bounds,
    /// What the node draws.
    pub kind: NodeKind,
    /// Effects in array order.
    pub effects: Vec<Effect>,
}

/// What a node draws.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A vector shape.
    Shape(ShapeNode),
    /// A group, optionally masked.
    Group(GroupNode),
    /// A group embedded into a shape mask (Figma frames that clip content, PSD clipping groups);
    /// boxed, so every other node is not as large as this one.
    Embed(Box<EmbedNode>),
}

/// Filled and stroked geometry.
#[derive(Debug, Clone)]
pub struct ShapeNode {
    /// Local to component space.
    pub transform: Transform,
    /// The body outline in local space; `None` when empty.
    pub body: Option<Path>,
    /// Fill rule of the body.
    pub even_odd: bool,
    /// Visible fills, bottom first.
    pub fills: Vec<Paint>,
    /// Visible strokes, in drawing order.
    pub strokes: Vec<StrokeNode>,
    /// Each fill blends onto the backdrop with its own mode (PASS_THROUGH or NORMAL layers);
    /// otherwise the fills are combined first and blended with the layer's mode.
    pub pass_through: bool,
    /// Object bounds: the body outline in component space.
    pub object_bounds: Bounds,
    /// Stroke bounds: what the strokes can paint (INSIDE ones within the body).
    pub stroke_bounds: Bounds,
}

/// Where a stroke shows relative to the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrokeSide {
    /// Both sides of the outline.
    Center,
    /// Only inside the body.
    Inside,
    /// Only outside the body.
    Outside,
}

/// A stroke as filled coverage: the converter's outline or our geometric stroke.
#[derive(Debug, Clone)]
pub struct StrokeNode {
    /// What the stroke covers.
    pub geometry: StrokeGeometry,
    /// Fill rule of `outline`.
    pub even_odd: bool,
    /// Which side of the body shows.
    pub side: StrokeSide,
    /// What the stroke is painted with.
    pub paint: Paint,
}

/// The coverage of a stroke.
#[derive(Debug, Clone)]
pub enum StrokeGeometry {
    /// A filled outline in local space (the converter's, or stroked by tiny-skia).
    Outline(Path),
    /// A solid CENTER stroke on a body of closed contours, at most about one output pixel
    /// wide: the renderer offsets the body's flattened outline by half the width to each
    /// side and joins the offsets itself (no outline is stored, and none is stroked).
    Thin {
        /// Stroke width in local units.
        width: f32,
        /// How the outer side of a vertex is joined.
        join: tiny_skia_path::LineJoin,
        /// The document's miter limit (miter length over stroke width), at least 1.
        miter_limit: f32,
    },
}

/// A group of nodes.
#[derive(Debug, Clone)]
pub struct GroupNode {
    /// Isolated groups composite their children onto transparent first.
    pub isolated: bool,
    /// Children, bottom first (a drawn mask layer is the first child).
    pub children: Vec<Node>,
    /// Clipping or soft mask applied to the group result.
    pub mask: Option<Box<Mask>>,
}

/// Which part of a mask layer masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskFacet {
    /// Coverage of the outline (for groups and text: their rendered alpha).
    Body,
    /// Fills clipped by the body.
    Fill,
    /// The full isolated render including strokes and effects.
    LayerAndEffects,
}

/// A mask: the masking node and how its facet collapses to a scalar.
#[derive(Debug, Clone)]
pub struct Mask {
    /// The masking layer (never drawn through this field).
    pub node: Node,
    /// Which facet.
    pub facet: MaskFacet,
    /// `t = m[0]·R + m[1]·G + m[2]·B + m[3]·A + m[4]`, colour un-premultiplied.
    pub channels: [f32; 5],
}

/// Children drawn inside a shape mask: above its fills, below its strokes, clipped to its body.
#[derive(Debug, Clone)]
pub struct EmbedNode {
    /// The mask shape.
    pub mask: ShapeNode,
    /// Opacity of the mask shape's own paint.
    pub mask_opacity: f32,
    /// Mask id (for diagnostics).
    pub mask_id: String,
    /// Effects of the mask layer, moved to the embedding node while building.
    pub mask_effects: Vec<Effect>,
    /// Isolated (non pass-through) group.
    pub isolated: bool,
    /// Children, bottom first.
    pub children: Vec<Node>,
}

impl Scene {
    /// Number of nodes in the whole tree (masks included).
    pub fn node_count(&self) -> usize {
        fn count(n: &Node) -> usize {
            1 + match &n.kind {
                NodeKind::Shape(_) => 0,
                NodeKind::Group(g) => {
                    g.children.iter().map(count).sum::<usize>()
                        + g.mask.as_ref().map_or(0, |m| count(&m.node))
                }
                NodeKind::Embed(e) => e.children.iter().map(count).sum(),
            }
        }
        self.nodes.iter().map(count).sum()
    }
}

impl ShapeNode {
    /// Layer bounds of the shape: the body when painted, plus the strokes.
    pub fn layer_bounds(&self, with_fills: bool) -> Bounds {
        let body = if with_fills {
            self.object_bounds
        } else {
            Bounds::EMPTY
        };
        body.union(&self.stroke_bounds)
    }
}

impl NodeKind {
    /// True when a node under this one blurs its background.
    pub fn has_background_blur(&self) -> bool {
        let children = match self {
            NodeKind::Shape(_) => return false,
            NodeKind::Group(g) => &g.children,
            NodeKind::Embed(e) => &e.children,
        };
        children.iter().any(|c| {
            c.effects
                .iter()
                .any(|e| matches!(e, Effect::BackgroundBlur(_)))
                || c.kind.has_background_blur()
        })
    }

    /// Bounds of everything this kind draws, before the node's effects.
    pub fn bounds(&self) -> Bounds {
        match self {
            NodeKind::Shape(s) => s.layer_bounds(!s.fills.is_empty()),
            NodeKind::Group(g) => {
                let content = g
                    .children
                    .iter()
                    .fold(Bounds::EMPTY, |b, n| b.union(&n.bounds));
                match &g.mask {
                    Some(m) if m.channels[4] <= 0.0 => content.intersect(&m.node.facet_bounds()),
                    _ => content,
                }
            }
            NodeKind::Embed(e) => {
                let body = e
                    .mask
                    .body
                    .as_ref()
                    .map_or(Bounds::EMPTY, |p| Bounds::of_path(p, &e.mask.transform));
                e.mask.layer_bounds(true).union(&body)
            }
        }
    }
}

impl Node {
    /// True when drawing this node onto a backdrop is plain source-over of independent
    /// contributions, so an isolated group of such nodes can draw straight onto its backdrop
    /// (the raster decides the same on its prepared nodes).
    pub fn composites_normally(&self) -> bool {
        if self.blend != BlendMode::Normal {
            return false;
        }
        match &self.kind {
            NodeKind::Shape(s) => {
                !s.pass_through || s.fills.iter().all(|f| f.blend == BlendMode::Normal)
            }
            NodeKind::Group(g) => g.isolated || g.children.iter().all(Node::composites_normally),
            NodeKind::Embed(_) => true,
        }
    }

    /// Where this node's mask facet can be non-zero, when it masks.
    pub fn facet_bounds(&self) -> Bounds {
        match &self.kind {
            NodeKind::Shape(s) => s.layer_bounds(true),
            _ => self.bounds,
        }
    }
}
