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
use crate::raster::prepare::{DeviceKind, DeviceNode, RowIndex};
use crate::raster::rect::IRect;
use crate::scene::BlendMode;
pub(super) use effects::blur_source;
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

/// Draws `nodes` bottom first onto `dst` within `clip`, skipping by `rows` (their
/// [`RowIndex`]) the nodes outside the clip's rows without reading them. The early stops
/// and resumptions of the background-blur pre-pass visit every node, so they take
/// [`draw_nodes`]; skipped nodes draw nothing either way, so the bytes are the same.
pub(super) fn draw_indexed(
    sc: &mut Scratch,
    nodes: &[DeviceNode],
    rows: &RowIndex,
    dst: &mut Surface<'_>,
    clip: IRect,
) {
    let rows = rows.rows();
    if rows.len() != nodes.len() || sc.stop_at != 0 || sc.resume.is_some() {
        return draw_nodes(sc, nodes, dst, clip);
    }
    for (n, r) in nodes.iter().zip(rows) {
        if r[0] < clip.y1 && r[1] > clip.y0 {
            draw_node(sc, n, dst, clip);
        }
    }
}

/// Draws one node onto `dst` within `clip`.
pub(super) fn draw_node(sc: &mut Scratch, n: &DeviceNode, dst: &mut Surface<'_>, clip: IRect) {
    if sc.should_stop() {
        return;
    }
    let key = n as *const DeviceNode as usize;
    if sc.stop_at != 0 && sc.stop_at == key {
        sc.stopped = true;
        return;
    }
    if let Some(r) = &sc.resume {
        // Drawn in an earlier pass: skip it, but enter the groups on the way to the node to
        // resume at (they draw in place, see `draws_in_place`).
        if r.at == key {
            sc.resume = None;
        } else if !r.path.contains(&key) {
            return;
        }
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
            rows,
            mask,
        } => {
            if group_in_place(n, opacity) {
                draw_indexed(sc, children, rows, dst, region);
            } else {
                // Source-over content composites the same onto the backdrop as onto
                // transparent, and transparent buffers let the composite skip empty runs.
                let group = GroupParts {
                    isolated: *isolated || *normal_only,
                    children,
                    rows,
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
            if embed_in_place(n, opacity) {
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

/// True when a group drawn at `opacity` draws its children straight onto the destination.
fn group_in_place(n: &DeviceNode, opacity: f32) -> bool {
    match &n.kind {
        DeviceKind::Group {
            isolated,
            normal_only,
            mask,
            ..
        } => {
            mask.is_none()
                && opacity >= 1.0
                && n.blend == BlendMode::Normal
                && (!isolated || *normal_only)
        }
        _ => false,
    }
}

/// True when an embedded group drawn at `opacity` draws straight onto the destination,
/// clipped to its frame's rectangle.
fn embed_in_place(n: &DeviceNode, opacity: f32) -> bool {
    match &n.kind {
        DeviceKind::Embed { mask, isolated, .. } => {
            !*isolated && opacity >= 1.0 && embed_is_direct(mask)
        }
        _ => false,
    }
}

/// True when `draw_node` draws `n`'s children straight onto the destination, with no
/// buffer between: what lies behind a child drawn so far is then the destination itself, so
/// the background-blur pre-pass can stop at a child and later resume after it.
pub(super) fn draws_in_place(n: &DeviceNode) -> bool {
    n.effects.is_none() && (group_in_place(n, n.opacity) || embed_in_place(n, n.opacity))
}

/// How a node composites: its blend mode and the opacity it is drawn at.
#[derive(Clone, Copy)]
pub(super) struct Compositing {
    pub(super) blend: BlendMode,
    pub(super) opacity: f32,
}
