//! Groups through an offscreen buffer: isolation, group opacity and masks.
//!
//! Input: a group node, its children and optional mask, a destination and a region.
//! Output: the destination updated: children drawn onto a buffer (transparent when
//! isolated, a copy of the backdrop when pass-through), then composited with the group's
//! blend mode, opacity and mask facet. Guarantee: an isolated group's buffer is cleared,
//! drawn and composited only over the row spans its children occupy.

use crate::raster::composite::blend::{blend, lerp};
use crate::raster::composite::kernels::over_pixels;
use crate::raster::composite::occupancy::Occupancy;
use crate::raster::composite::pixel8::{lerp_u8, over_u8, weight, widen};
use crate::raster::composite::surface::{load, store, Surface};
use crate::raster::draw::draw_indexed;
use crate::raster::draw::mask::facet_values;
use crate::raster::draw::scratch::Scratch;
use crate::raster::prepare::{DeviceMask, DeviceNode, RowIndex};
use crate::raster::rect::IRect;
use crate::scene::BlendMode;

/// A group's parts, as prepared.
pub(super) struct GroupParts<'a> {
    /// Composite onto transparent first (isolated, or plain source-over content).
    pub(super) isolated: bool,
    /// Children, bottom first.
    pub(super) children: &'a [DeviceNode],
    /// Their rows, when they are many.
    pub(super) rows: &'a RowIndex,
    /// The mask applied to the result.
    pub(super) mask: Option<&'a DeviceMask>,
}

/// A group through an offscreen buffer: isolation, opacity, mask.
pub(super) fn draw_group(
    sc: &mut Scratch,
    n: &DeviceNode,
    opacity: f32,
    group: &GroupParts<'_>,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let GroupParts {
        isolated,
        children,
        rows,
        mask,
    } = *group;
    // Isolated content is transparent outside the children's rects: only their row spans
    // are cleared, drawn and composited.
    let mut spans = if isolated {
        Occupancy::new(children.iter().map(|c| c.rect), region)
    } else {
        Occupancy::new(std::iter::once(region), region)
    };
    let mut buf = if isolated {
        sc.pixels_unzeroed(region)
    } else {
        sc.copy_of(dst, region)
    };
    let mut content = Surface {
        data: &mut buf,
        rect: region,
    };
    if isolated {
        for y in region.y0..region.y1 {
            for &(x0, x1) in spans.row(y) {
                content.span_mut(x0, x1, y).fill(0);
            }
        }
    }
    draw_indexed(sc, children, rows, &mut content, region);
    let facet = mask.map(|m| facet_values(sc, m, region));
    let plain = facet.is_none() && isolated && n.blend == BlendMode::Normal;
    let op = weight(opacity) as u8;
    let w = region.width();
    for (ry, y) in (region.y0..region.y1).enumerate() {
        for &(x0, x1) in spans.row(y) {
            let src = content.span(x0, x1, y);
            let out = dst.span_mut(x0, x1, y);
            if plain {
                over_pixels(out, src, op);
                continue;
            }
            let first = ry * w + (x0 - region.x0) as usize;
            let facet = facet
                .as_ref()
                .map(|f| &f[first..first + (x1 - x0) as usize]);
            composite_span(n.blend, opacity, isolated, facet, src, out);
        }
    }
    sc.give_pixels(buf);
}

/// The general group composite of one span: `facet` scales the opacity per pixel.
fn composite_span(
    mode: BlendMode,
    opacity: f32,
    isolated: bool,
    facet: Option<&[f32]>,
    src: &[u8],
    out: &mut [u8],
) {
    for (i, (s, d)) in src.chunks_exact(4).zip(out.chunks_exact_mut(4)).enumerate() {
        let t = opacity * facet.map_or(1.0, |f| f[i]);
        if t <= 0.0 || (isolated && s[3] == 0) {
            continue;
        }
        if !isolated {
            lerp_u8(d, s, t);
            continue;
        }
        if mode == BlendMode::Normal {
            over_u8(d, &widen(s), weight(t));
            continue;
        }
        let dp = load(d);
        store(d, lerp(dp, blend(dp, load(s), mode), t));
    }
}
