//! Embedded groups: children drawn inside a shape mask (Figma frames that clip content,
//! Photoshop clipping groups).
//!
//! Input: the mask shape, its paint opacity, the children, a destination and a region.
//! Output: mask fills, then children, then the mask's inner strokes, all clipped to the
//! mask body; outer strokes outside, unclipped. Guarantee: a pixel-aligned rectangular
//! frame (the common case) draws straight onto the destination, clipped to its rectangle,
//! with the same pixels as the general path.

use crate::raster::composite::blend::{blend, lerp, scale, ColorF, CLEAR};
use crate::raster::composite::surface::{load, store, Surface};
use crate::raster::draw::scratch::Scratch;
use crate::raster::draw::shape::{paint_span, Coverage};
use crate::raster::draw::{draw_nodes, Compositing};
use crate::raster::prepare::{DeviceNode, DeviceShape};
use crate::raster::rect::IRect;
use crate::scene::StrokeSide;

/// True when the embedding mask clips to whole pixels and paints only inside itself: then
/// clipping is a rectangle and everything can draw straight onto the destination.
pub(super) fn embed_is_direct(mask: &DeviceShape) -> bool {
    mask.pixel_rect.is_some() && mask.strokes.iter().all(|s| s.side == StrokeSide::Inside)
}

/// The embedded group for a pixel-aligned rectangular frame (the common Figma frame):
/// fills, children and inner strokes drawn directly, clipped to the rectangle.
pub(super) fn draw_embed_direct(
    sc: &mut Scratch,
    mask: &DeviceShape,
    mask_opacity: f32,
    children: &[DeviceNode],
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let clip = region.intersect(&mask.pixel_rect.unwrap_or(IRect::EMPTY));
    if clip.is_empty() {
        return;
    }
    // A pass that resumes inside the frame drew its fills before; one that stops inside it
    // leaves out the strokes, which lie above what it stopped at.
    if mask_opacity > 0.0 && sc.resume.is_none() {
        for f in &mask.fills {
            paint_span(sc, f, f.blend, Coverage::Full, mask_opacity, dst, clip);
        }
    }
    draw_nodes(sc, children, dst, clip);
    if mask_opacity > 0.0 && !sc.stopped {
        for st in &mask.strokes {
            let mut c = sc.mask();
            sc.raster.fill(&st.edges, st.even_odd, clip, &mut c);
            paint_span(
                sc,
                &st.paint,
                st.paint.blend,
                Coverage::Mask(&c),
                mask_opacity,
                dst,
                clip,
            );
            sc.give_mask(c);
        }
    }
}

/// An embedded group's parts, as prepared.
pub(super) struct EmbedParts<'a> {
    /// The mask shape.
    pub(super) mask: &'a DeviceShape,
    /// Opacity of the mask shape's own paint.
    pub(super) mask_opacity: f32,
    /// Isolated (not pass-through).
    pub(super) isolated: bool,
    /// Children, bottom first.
    pub(super) children: &'a [DeviceNode],
}

/// Children embedded into a shape mask: mask fills, then children, then the mask's
/// inner strokes, all clipped to the mask body; outer strokes stay outside, unclipped.
pub(super) fn draw_embed(
    sc: &mut Scratch,
    n: Compositing,
    parts: &EmbedParts<'_>,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let EmbedParts {
        mask,
        mask_opacity,
        isolated,
        children,
    } = *parts;
    let mut body = sc.mask();
    sc.raster.fill(&mask.body, mask.even_odd, region, &mut body);
    let mut over_buf = sc.group_buffer(dst, region, isolated);
    let mut over = Surface {
        data: &mut over_buf,
        rect: region,
    };
    // A pass that resumes inside the frame drew its fills before; one that stops inside it
    // leaves out the strokes, which lie above what it stopped at.
    if mask_opacity > 0.0 && sc.resume.is_none() {
        for f in &mask.fills {
            paint_span(
                sc,
                f,
                f.blend,
                Coverage::Full,
                mask_opacity,
                &mut over,
                region,
            );
        }
    }
    draw_nodes(sc, children, &mut over, region.intersect(&mask.body.rect));
    let mut covs = Vec::with_capacity(mask.strokes.len());
    for st in &mask.strokes {
        let mut c = sc.mask();
        sc.raster.fill(&st.edges, st.even_odd, region, &mut c);
        if st.side != StrokeSide::Outside && mask_opacity > 0.0 {
            paint_span(
                sc,
                &st.paint,
                st.paint.blend,
                Coverage::Mask(&c),
                mask_opacity,
                &mut over,
                region,
            );
        }
        covs.push(c);
    }
    let w = region.width();
    let mut rows: Vec<Vec<ColorF>> = mask.strokes.iter().map(|_| sc.row(w)).collect();
    // Without isolation or opacity a pixel is the overlay inside the body and the untouched
    // backdrop outside it where no stroke reaches: only the rest needs the blend.
    let direct = !isolated && n.opacity >= 1.0;
    for (ry, y) in (region.y0..region.y1).enumerate() {
        for (st, r) in mask.strokes.iter().zip(rows.iter_mut()) {
            st.paint.row(region.x0, y, r);
        }
        let src = over.span(region.x0, region.x1, y);
        let out = dst.span_mut(region.x0, region.x1, y);
        for (i, (o, d)) in src.chunks_exact(4).zip(out.chunks_exact_mut(4)).enumerate() {
            let b = body[ry * w + i];
            if direct && b == 255 {
                d.copy_from_slice(o);
                continue;
            }
            if direct && b == 0 && covs.iter().all(|c| c[ry * w + i] == 0) {
                continue;
            }
            let dp = load(d);
            let mut under = if isolated { CLEAR } else { dp };
            for (k, st) in mask.strokes.iter().enumerate() {
                let c = covs[k][ry * w + i];
                if c != 0 && st.side != StrokeSide::Inside && mask_opacity > 0.0 {
                    under = blend(
                        under,
                        scale(rows[k][i], c as f32 / 255.0 * mask_opacity),
                        st.paint.blend,
                    );
                }
            }
            let r = lerp(under, load(o), body[ry * w + i] as f32 / 255.0);
            let r = if isolated { blend(dp, r, n.blend) } else { r };
            store(d, lerp(dp, r, n.opacity));
        }
    }
    rows.into_iter().for_each(|r| sc.give_row(r));
    covs.into_iter().for_each(|c| sc.give_mask(c));
    sc.give_mask(body);
    sc.give_pixels(over_buf);
}
