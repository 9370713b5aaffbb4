//! The prepared scene's types: the render tree in output pixels, as the bands read it.
//!
//! Input: built by [`super::prepare`]. Output: read-only by every band. Guarantees: every
//! node's [`DeviceNode::rect`] contains every pixel it can change, so a band skips nodes
//! outside it; `normal_only` tells when an isolated group can draw straight onto its backdrop
//! because every contribution composites with plain source-over; effect parameters are in
//! output pixels, unrotated.

use std::collections::HashMap;

use smallvec::SmallVec;
use std::sync::Arc;

use crate::raster::composite::blend::ColorF;
use crate::raster::composite::paint::DevicePaint;
use crate::raster::effects::blur::support;
use crate::raster::effects::shrunk::Blurred;
use crate::raster::rect::IRect;
use crate::raster::scan::edges::Edges;
use crate::raster::scan::sampled::Pattern;
use crate::scene::{BlendMode, MaskFacet, StrokeSide};

/// A scene ready to rasterise.
#[derive(Debug)]
pub(crate) struct PreparedScene {
    /// Output width in pixels.
    pub width: u32,
    /// Top-level nodes.
    pub nodes: Vec<DeviceNode>,
    /// The top-level nodes' rows, when they are many.
    pub rows: RowIndex,
    /// Blurred backdrops of background-blur layers.
    pub backdrops: Arc<Backdrops>,
    /// Wide layer blurs, computed once per render, by node address.
    pub wide: Arc<Backdrops>,
    /// Sample positions of point-sampled anti-aliasing; `None` for exact area coverage.
    pub pattern: Option<Pattern>,
}

/// The rows `[y0, y1)` each node of a long sibling list can change, kept apart from the
/// nodes: a band culls a map's 150,000 shapes by reading 8 bytes each, not a node each
/// (a cache line apiece, ten times per render).
#[derive(Debug, Default)]
pub(crate) struct RowIndex(Box<[[i32; 2]]>);

impl RowIndex {
    /// Shorter lists are culled node by node: their nodes are read anyway.
    const MIN_NODES: usize = 256;

    /// The index of `nodes`, empty when the list is short.
    pub(crate) fn new(nodes: &[DeviceNode]) -> RowIndex {
        if nodes.len() < Self::MIN_NODES {
            return RowIndex::default();
        }
        RowIndex(nodes.iter().map(|n| [n.rect.y0, n.rect.y1]).collect())
    }

    /// Each node's rows, in list order; empty when the list is not indexed.
    pub(crate) fn rows(&self) -> &[[i32; 2]] {
        &self.0
    }
}

/// A node ready to rasterise.
#[derive(Debug)]
pub(crate) struct DeviceNode {
    /// Layer opacity.
    pub opacity: f32,
    /// Blend onto the backdrop.
    pub blend: BlendMode,
    /// Pixels this node can change (canvas-clipped).
    pub rect: IRect,
    /// What it draws.
    pub kind: DeviceKind,
    /// Shadows and blurs, when the node has any.
    pub effects: Option<Box<DeviceEffects>>,
}

/// Effects prepared for the device (pixels of the output, unrotated).
#[derive(Debug)]
pub(crate) struct DeviceEffects {
    /// Drop shadows in order.
    pub drops: Vec<DeviceShadow>,
    /// Effects drawn inside the layer, between its fills and strokes, in order.
    pub inners: Vec<InnerEffect>,
    /// Layer blur box radii, when blurred.
    pub blur: Option<[usize; 3]>,
    /// Background blur box radii, when the layer blurs what is behind it.
    pub background: Option<[usize; 3]>,
    /// How far outside a region the layer must be rendered for its effects to be exact.
    pub margin: i32,
    /// For a layer blur too wide to render band by band: the rectangle of the layer (with
    /// its inner effects) that is blurred once per render at reduced resolution
    /// (`raster/wide.rs`); `margin` then leaves the blur out.
    pub wide: Option<IRect>,
}

/// An effect drawn between the fills and the strokes of a layer.
#[derive(Debug)]
pub(crate) enum InnerEffect {
    /// INNER_SHADOW.
    Shadow(DeviceShadow),
    /// OVERLAY: a paint clipped by the layer.
    Overlay(DevicePaint),
    /// STROKE effect.
    Stroke(DeviceStrokeEffect),
}

/// A STROKE effect in device pixels.
#[derive(Debug)]
pub(crate) struct DeviceStrokeEffect {
    /// Width.
    pub width: i32,
    /// Side of the edge.
    pub side: StrokeSide,
    /// Premultiplied colour.
    pub color: ColorF,
    /// Blend mode.
    pub blend: BlendMode,
}

impl InnerEffect {
    pub(crate) fn reach(&self) -> i32 {
        match self {
            InnerEffect::Shadow(s) => s.reach(),
            InnerEffect::Overlay(_) => 0,
            InnerEffect::Stroke(s) => s.width,
        }
    }
}

/// A shadow in device pixels.
#[derive(Debug)]
pub(crate) struct DeviceShadow {
    /// Offset.
    pub dx: i32,
    /// Offset.
    pub dy: i32,
    /// Blur box radii.
    pub radii: [usize; 3],
    /// Growth (drop) or shrink (inner) in pixels.
    pub spread: i32,
    /// Premultiplied colour.
    pub color: ColorF,
    /// Blend mode.
    pub blend: BlendMode,
    /// Basis is the outline rather than the painted layer.
    pub body_basis: bool,
}

impl DeviceShadow {
    /// How far the shadow reaches from its basis.
    pub(crate) fn reach(&self) -> i32 {
        self.dx.abs().max(self.dy.abs()) + support(self.radii) as i32 + self.spread.abs()
    }
}

/// What a prepared node draws.
#[derive(Debug)]
pub(crate) enum DeviceKind {
    /// A shape.
    Shape(DeviceShape),
    /// A group.
    Group {
        /// Composite children onto transparent first.
        isolated: bool,
        /// Every contribution is NORMAL source-over (isolation changes nothing).
        normal_only: bool,
        /// Children bottom first.
        children: Vec<DeviceNode>,
        /// The children's rows, when they are many.
        rows: RowIndex,
        /// Mask applied to the result.
        mask: Option<Box<DeviceMask>>,
    },
    /// Children embedded into a mask shape.
    Embed {
        /// The mask shape.
        mask: DeviceShape,
        /// Opacity of the mask's own paint.
        mask_opacity: f32,
        /// Isolated group.
        isolated: bool,
        /// Children bottom first.
        children: Vec<DeviceNode>,
    },
}

/// A prepared mask.
#[derive(Debug)]
pub(crate) struct DeviceMask {
    /// The masking node (opacity 1).
    pub node: DeviceNode,
    /// Which facet.
    pub facet: MaskFacet,
    /// Channel weights.
    pub channels: [f32; 5],
}

/// A prepared shape.
#[derive(Debug)]
pub(crate) struct DeviceShape {
    /// Body edges (may be empty).
    pub body: Edges,
    /// Body fill rule.
    pub even_odd: bool,
    /// Fills bottom first (one kept inline: most shapes have one, and a map's 150,000
    /// would otherwise allocate and free one vector each per render).
    pub fills: SmallVec<[DevicePaint; 1]>,
    /// Strokes in drawing order (one inline, as the fills).
    pub strokes: SmallVec<[DeviceStroke; 1]>,
    /// Each fill blends onto the backdrop itself.
    pub pass_through: bool,
    /// When the body is an axis-aligned rectangle on whole pixels: that rectangle (coverage
    /// is exactly 1 inside and 0 outside).
    pub pixel_rect: Option<IRect>,
}

/// A prepared stroke.
#[derive(Debug)]
pub(crate) struct DeviceStroke {
    /// Coverage edges.
    pub edges: Edges,
    /// Fill rule of the outline.
    pub even_odd: bool,
    /// Which side shows.
    pub side: StrokeSide,
    /// Paint.
    pub paint: DevicePaint,
}

impl PreparedScene {
    /// The rows of the first indexed sibling list (top level or in a group) with at least
    /// `min` nodes, found depth first; empty when there is none. Lists that long are not
    /// searched below, so a map's nodes are not read.
    pub(crate) fn long_list_rows(&self, min: usize) -> &[[i32; 2]] {
        fn find<'a>(nodes: &'a [DeviceNode], rows: &'a RowIndex, min: usize) -> &'a [[i32; 2]] {
            if rows.rows().len() >= min {
                return rows.rows();
            }
            for n in nodes {
                if let DeviceKind::Group { children, rows, .. } = &n.kind {
                    let found = find(children, rows, min);
                    if !found.is_empty() {
                        return found;
                    }
                }
            }
            &[]
        }
        find(&self.nodes, &self.rows, min)
    }

    /// The largest effect margin of any node (how far bands must look beyond themselves).
    pub(crate) fn max_margin(&self) -> i32 {
        fn walk(n: &DeviceNode) -> i32 {
            let own = n.effects.as_ref().map_or(0, |fx| fx.margin);
            let kids = match &n.kind {
                DeviceKind::Shape(_) => 0,
                DeviceKind::Group { children, mask, .. } => children
                    .iter()
                    .map(walk)
                    .max()
                    .unwrap_or(0)
                    .max(mask.as_ref().map_or(0, |m| walk(&m.node))),
                DeviceKind::Embed { children, .. } => children.iter().map(walk).max().unwrap_or(0),
            };
            own.max(kids)
        }
        self.nodes.iter().map(walk).max().unwrap_or(0)
    }
}

/// Blurred backdrops (computed by `raster::backdrop` once the scene is prepared), keyed by the address of their (prepared, immovable) node.
pub(crate) type Backdrops = HashMap<usize, Arc<Backdrop>>;

/// What lies behind a background-blur layer, blurred, over the layer's pixel bounds.
pub(crate) struct Backdrop {
    /// Covered rectangle.
    pub(crate) rect: IRect,
    /// Where the blurred buffer starts, in device pixels.
    pub(crate) origin: (i32, i32),
    /// Premultiplied RGBA8, at the resolution it was blurred at.
    pub(crate) pixels: Blurred,
}

impl Backdrop {
    /// Writes the pixels of device row `y`, columns `x0..x1` (inside `rect`) into `out`.
    pub(crate) fn span(&self, y: i32, x0: i32, x1: i32, out: &mut [u8]) {
        let (ox, oy) = self.origin;
        let local = |v: i32, o: i32| (v - o) as usize;
        self.pixels
            .span(local(y, oy), local(x0, ox), local(x1, ox), out);
    }
}

impl std::fmt::Debug for Backdrop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backdrop")
            .field("rect", &self.rect)
            .field("bytes", &self.pixels.bytes())
            .finish()
    }
}
