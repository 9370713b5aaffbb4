//! Drawing nodes: dispatch, groups (isolated or pass-through), masks and embedded groups.
//!
//! Input: prepared nodes, a destination surface and a clip region inside it. Output: the
//! destination updated per digest §8-§9. Guarantees: nodes outside the clip are skipped
//! (band culling); offscreen buffers cover only `clip ∩ node.rect`; pass-through groups
//! without opacity or mask, and isolated groups whose content is plain source-over, draw
//! straight onto the destination, which gives the same pixels without a buffer.

use super::blend::{blend, lerp, scale, Px, CLEAR};
use super::draw_effects::draw_with_effects;
use super::draw_shape::{draw_shape, paint_span, Cov, Parts};
use super::prepare::{PKind, PMask, PNode, PShape};
use super::px8::{lerp_u8, over_u8, weight, widen};
use super::rect::IRect;
use super::row_spans::RowSpans;
use super::spans::over_pixels;
use super::surface::{load, store, Scratch, Surface};
use crate::scene::{BlendMode, MaskFacet, StrokeSide};

/// Draws `nodes` bottom first onto `dst` within `clip`.
pub fn draw_nodes(sc: &mut Scratch, nodes: &[PNode], dst: &mut Surface<'_>, clip: IRect) {
    for n in nodes {
        draw_node(sc, n, dst, clip);
    }
}

/// Draws one node onto `dst` within `clip`.
pub fn draw_node(sc: &mut Scratch, n: &PNode, dst: &mut Surface<'_>, clip: IRect) {
    if sc.stopped {
        return;
    }
    if sc.stop_at != 0 && sc.stop_at == n as *const PNode as usize {
        sc.stopped = true;
        return;
    }
    let region = clip.intersect(&n.rect);
    if region.is_empty() {
        return;
    }
    match &n.effects {
        Some(fx) => draw_with_effects(sc, n, fx, dst, region),
        None => draw_plain(sc, n, n.opacity, Parts::All, dst, region),
    }
}

/// Draws a node without its effects, at `opacity` (shapes may be drawn in parts).
pub fn draw_plain(
    sc: &mut Scratch,
    n: &PNode,
    opacity: f32,
    parts: Parts,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    match &n.kind {
        PKind::Shape(s) => draw_shape(sc, s, opacity, n.blend, parts, dst, region),
        PKind::Group {
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
                draw_group(
                    sc,
                    n,
                    opacity,
                    *isolated || *normal_only,
                    children,
                    mask.as_deref(),
                    dst,
                    region,
                );
            }
        }
        PKind::Embed {
            mask,
            mask_opacity,
            isolated,
            children,
        } => {
            if !*isolated && opacity >= 1.0 && embed_is_direct(mask) {
                draw_embed_direct(sc, mask, *mask_opacity, children, dst, region);
            } else {
                let look = Look {
                    blend: n.blend,
                    opacity,
                };
                draw_embed(
                    sc,
                    look,
                    mask,
                    *mask_opacity,
                    *isolated,
                    children,
                    dst,
                    region,
                );
            }
        }
    }
}

/// True when the embedding mask clips to whole pixels and paints only inside itself: then
/// clipping is a rectangle and everything can draw straight onto the destination.
fn embed_is_direct(mask: &PShape) -> bool {
    mask.pixel_rect.is_some() && mask.strokes.iter().all(|s| s.side == StrokeSide::Inside)
}

/// The embedded group for a pixel-aligned rectangular frame (the common Figma frame):
/// fills, children and inner strokes drawn directly, clipped to the rectangle.
fn draw_embed_direct(
    sc: &mut Scratch,
    mask: &PShape,
    mask_opacity: f32,
    children: &[PNode],
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let clip = region.intersect(&mask.pixel_rect.unwrap_or(IRect::EMPTY));
    if clip.is_empty() {
        return;
    }
    if mask_opacity > 0.0 {
        for f in &mask.fills {
            paint_span(sc, f, f.blend, Cov::Full, mask_opacity, dst, clip);
        }
    }
    draw_nodes(sc, children, dst, clip);
    if mask_opacity > 0.0 {
        for st in &mask.strokes {
            let mut c = sc.mask();
            sc.raster.fill(&st.edges, st.even_odd, clip, &mut c);
            paint_span(
                sc,
                &st.paint,
                st.paint.blend,
                Cov::Mask(&c),
                mask_opacity,
                dst,
                clip,
            );
            sc.give_mask(c);
        }
    }
}

/// A group through an offscreen buffer: isolation, opacity, mask.
#[allow(clippy::too_many_arguments)]
fn draw_group(
    sc: &mut Scratch,
    n: &PNode,
    opacity: f32,
    isolated: bool,
    children: &[PNode],
    mask: Option<&PMask>,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    // Isolated content is transparent outside the children's rects: only their row spans
    // are cleared, drawn and composited.
    let mut spans = if isolated {
        RowSpans::new(children.iter().map(|c| c.rect), region)
    } else {
        RowSpans::new(std::iter::once(region), region)
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
    draw_nodes(sc, children, &mut content, region);
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

/// How a node composites: its blend mode and the opacity it is drawn at.
#[derive(Clone, Copy)]
struct Look {
    blend: BlendMode,
    opacity: f32,
}

/// The scalar mask value per pixel of `region`, 0..1.
fn facet_values(sc: &mut Scratch, m: &PMask, region: IRect) -> Vec<f32> {
    let alpha_only = m.channels == [0.0, 0.0, 0.0, 1.0, 0.0];
    if let (PKind::Shape(s), MaskFacet::Body) = (&m.node.kind, m.facet) {
        let mut cov = sc.mask();
        sc.raster.fill(&s.body, s.even_odd, region, &mut cov);
        let ch = m.channels;
        let white = (ch[0] + ch[1] + ch[2]).clamp(-1e6, 1e6);
        let out = cov
            .iter()
            .map(|&c| {
                let a = c as f32 / 255.0;
                if alpha_only {
                    a
                } else {
                    let rgb = if c > 0 { white } else { 0.0 };
                    (rgb + ch[3] * a + ch[4]).clamp(0.0, 1.0)
                }
            })
            .collect();
        sc.give_mask(cov);
        return out;
    }
    let mut buf = sc.pixels(region);
    let mut s = Surface {
        data: &mut buf,
        rect: region,
    };
    match (&m.node.kind, m.facet) {
        (PKind::Shape(shape), MaskFacet::Fill) => draw_shape(
            sc,
            shape,
            1.0,
            BlendMode::Normal,
            Parts::FillsOnly,
            &mut s,
            region,
        ),
        _ => draw_node(sc, &m.node, &mut s, region),
    }
    let out = buf
        .chunks_exact(4)
        .map(|p| channel_value(p, &m.channels, alpha_only))
        .collect();
    sc.give_pixels(buf);
    out
}

/// `t = m0·R + m1·G + m2·B + m3·A + m4` on the un-premultiplied pixel.
fn channel_value(p: &[u8], ch: &[f32; 5], alpha_only: bool) -> f32 {
    let a = p[3] as f32 / 255.0;
    if alpha_only {
        return a;
    }
    let un = |v: u8| {
        if p[3] == 0 {
            0.0
        } else {
            v as f32 / p[3] as f32
        }
    };
    (ch[0] * un(p[0]) + ch[1] * un(p[1]) + ch[2] * un(p[2]) + ch[3] * a + ch[4]).clamp(0.0, 1.0)
}

/// Children embedded into a shape mask (§9): mask fills, then children, then the mask's
/// inner strokes, all clipped to the mask body; outer strokes stay outside, unclipped.
#[allow(clippy::too_many_arguments)]
fn draw_embed(
    sc: &mut Scratch,
    n: Look,
    mask: &PShape,
    mask_opacity: f32,
    isolated: bool,
    children: &[PNode],
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let mut body = sc.mask();
    sc.raster.fill(&mask.body, mask.even_odd, region, &mut body);
    let mut over_buf = sc.backdrop(dst, region, isolated);
    let mut over = Surface {
        data: &mut over_buf,
        rect: region,
    };
    if mask_opacity > 0.0 {
        for f in &mask.fills {
            paint_span(sc, f, f.blend, Cov::Full, mask_opacity, &mut over, region);
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
                Cov::Mask(&c),
                mask_opacity,
                &mut over,
                region,
            );
        }
        covs.push(c);
    }
    let w = region.width();
    let mut rows: Vec<Vec<Px>> = mask.strokes.iter().map(|_| sc.row(w)).collect();
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
