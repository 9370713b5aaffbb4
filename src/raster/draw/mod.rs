//! Drawing prepared nodes: the dispatch from a node to its kind's drawing.
//!
//! Input: prepared nodes, a destination surface and a clip region inside it. Output: the
//! destination updated per `docs/rendering.md` §6-§8 (shapes, groups,
//! masks). Guarantees: nodes outside the clip are skipped (band culling); offscreen
//! buffers cover only `clip ∩ node.rect`; pass-through groups without opacity or mask, and
//! isolated groups whose content is plain source-over, draw straight onto the destination,
//! which gives the same pixels without a buffer; a node's effects are drawn around it by
//! [`effects`].

mod effects;
mod embed;
mod group;
mod mask;
pub(crate) mod scratch;
mod shape;

use crate::raster::composite::surface::Surface;
use crate::raster::prepare::{DeviceKind, DeviceNode};
use crate::raster::rect::IRect;
use crate::scene::BlendMode;
use effects::draw_with_effects;
use embed::{draw_embed, draw_embed_direct, embed_is_direct, EmbedParts};
use group::{draw_group, GroupParts};
use scratch::Scratch;
use shape::{draw_shape, ShapeParts};

/// Draws `nodes` bottom first onto `dst` within `clip`.
pub(super) fn draw_nodes(
    sc: &mut Scratch,
    nodes: &[DeviceNode],
    dst: &mut Surface<'_>,
    clip: IRect,
) {
    for n in nodes {
        draw_node(sc, n, dst, clip);
    }
}

/// Draws one node onto `dst` within `clip`.
pub(super) fn draw_node(sc: &mut Scratch, n: &DeviceNode, dst: &mut Surface<'_>, clip: IRect) {
    if sc.should_stop() {
        return;
    }
    if sc.stop_at != 0 && sc.stop_at == n as *const DeviceNode as usize {
        sc.stopped = true;
        return;
    }
    let region = clip.intersect(&n.rect);
    if region.is_empty() {
        return;
    }
    match &n.effects {
        Some(fx) => draw_with_effects(sc, n, fx, dst, region),
        None => draw_plain(sc, n, n.opacity, ShapeParts::All, dst, region),
    }
}

/// Draws a node without its effects, at `opacity` (shapes may be drawn in parts).
pub(super) fn draw_plain(
    sc: &mut Scratch,
    n: &DeviceNode,
    opacity: f32,
    parts: ShapeParts,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    match &n.kind {
        DeviceKind::Shape(s) => draw_shape(sc, s, opacity, n.blend, parts, dst, region),
        DeviceKind::Group {
            isolated,
            normal_only,
            children,
            mask,
        } => {
            let direct = mask.is_none()
                && opacity >= 1.0
                && n.blend == BlendMode::Normal
                && (!isolated || *normal_only);
            if direct {
                draw_nodes(sc, children, dst, region);
            } else {
                // Source-over content composites the same onto the backdrop as onto
                // transparent, and transparent buffers let the composite skip empty runs.
                let group = GroupParts {
                    isolated: *isolated || *normal_only,
                    children,
                    mask: mask.as_deref(),
                };
                draw_group(sc, n, opacity, &group, dst, region);
            }
        }
        DeviceKind::Embed {
            mask,
            mask_opacity,
            isolated,
            children,
        } => {
            if !*isolated && opacity >= 1.0 && embed_is_direct(mask) {
                draw_embed_direct(sc, mask, *mask_opacity, children, dst, region);
            } else {
                let look = Compositing {
                    blend: n.blend,
                    opacity,
                };
                let parts = EmbedParts {
                    mask,
                    mask_opacity: *mask_opacity,
                    isolated: *isolated,
                    children,
                };
                draw_embed(sc, look, &parts, dst, region);
            }
        }
    }
}

/// How a node composites: its blend mode and the opacity it is drawn at.
#[derive(Clone, Copy)]
pub(super) struct Compositing {
    pub(super) blend: BlendMode,
    pub(super) opacity: f32,
}
