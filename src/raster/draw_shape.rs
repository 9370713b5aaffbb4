//! Drawing one shape onto a surface.
//!
//! Input: a prepared shape, its layer opacity and blend mode, a destination surface and the
//! region (inside the surface) to draw. Output: the destination updated per digest §7.4 and
//! §8: fills composited among themselves, then onto the backdrop with the layer's mode (or
//! each onto the backdrop for PASS_THROUGH shapes); strokes above the fills, INSIDE ones only
//! inside the body and OUTSIDE ones only outside it, via
//! `lerp(underlay, overlay, body)`; the layer opacity last. Guarantee: each pixel's value
//! depends only on that pixel's inputs, so bands agree.

use super::blend::{blend, lerp, scale, Px};
use super::paint::DevicePaint;
use super::prepare::{PShape, PStroke};
use super::rect::IRect;
use super::surface::{load, store, Scratch, Surface};
use crate::scene::{BlendMode, StrokeSide};

/// Which parts of a shape to draw (mask facets draw fills only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    /// Fills and strokes.
    All,
    /// Fills clipped by the body only.
    FillsOnly,
}

/// Draws `s` onto `dst` within `region`.
pub fn draw_shape(
    sc: &mut Scratch,
    s: &PShape,
    opacity: f32,
    mode: BlendMode,
    parts: Parts,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let strokes: &[PStroke] = if parts == Parts::All { &s.strokes } else { &[] };
    if region.is_empty() || (s.fills.is_empty() && strokes.is_empty()) {
        return;
    }
    let mut body = sc.mask();
    sc.raster.fill(&s.body, s.even_odd, region, &mut body);
    let mut covs = Vec::with_capacity(strokes.len());
    for st in strokes {
        let mut c = sc.mask();
        sc.raster.fill(&st.edges, st.even_odd, region, &mut c);
        covs.push(c);
    }
    if strokes.is_empty() && (s.fills.len() == 1) {
        let fill = &s.fills[0];
        let m = if s.pass_through { fill.blend } else { mode };
        paint_span(sc, fill, m, &body, opacity, dst, region);
    } else {
        general(sc, s, strokes, &body, &covs, opacity, mode, dst, region);
    }
    sc.give_mask(body);
    covs.into_iter().for_each(|c| sc.give_mask(c));
}

/// One paint under a coverage mask: `dst = blend(dst, paint × coverage × opacity)`.
pub fn paint_span(
    sc: &mut Scratch,
    p: &DevicePaint,
    mode: BlendMode,
    cov: &[u8],
    opacity: f32,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let w = region.width();
    let solid = p.solid();
    let mut row = sc.row(w);
    let k = opacity / 255.0;
    for (ry, y) in (region.y0..region.y1).enumerate() {
        let cov_row = &cov[ry * w..(ry + 1) * w];
        if cov_row.iter().all(|&c| c == 0) {
            continue;
        }
        if solid.is_none() {
            p.row(region.x0, y, &mut row);
        }
        let out = dst.span_mut(region.x0, region.x1, y);
        for (i, (&c, px)) in cov_row.iter().zip(out.chunks_exact_mut(4)).enumerate() {
            if c == 0 {
                continue;
            }
            let color = solid.unwrap_or(row[i]);
            let t = c as f32 * k;
            if mode == BlendMode::Normal && color[3] >= 1.0 && t >= 1.0 {
                store(px, color);
                continue;
            }
            store(px, blend(load(px), scale(color, t), mode));
        }
    }
    sc.give_row(row);
}

/// The full per-pixel formula: several fills, strokes, pass-through.
#[allow(clippy::too_many_arguments)]
fn general(
    sc: &mut Scratch,
    s: &PShape,
    strokes: &[PStroke],
    body: &[u8],
    covs: &[Vec<u8>],
    opacity: f32,
    mode: BlendMode,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let w = region.width();
    let mut fill_rows: Vec<Vec<Px>> = s.fills.iter().map(|_| sc.row(w)).collect();
    let mut stroke_rows: Vec<Vec<Px>> = strokes.iter().map(|_| sc.row(w)).collect();
    for (ry, y) in (region.y0..region.y1).enumerate() {
        let span = ry * w..(ry + 1) * w;
        let body_row = &body[span.clone()];
        let stroke_any = covs.iter().any(|c| c[span.clone()].iter().any(|&v| v != 0));
        if !stroke_any && body_row.iter().all(|&c| c == 0) {
            continue;
        }
        for (p, r) in s.fills.iter().zip(fill_rows.iter_mut()) {
            p.row(region.x0, y, r);
        }
        for (st, r) in strokes.iter().zip(stroke_rows.iter_mut()) {
            st.paint.row(region.x0, y, r);
        }
        let out = dst.span_mut(region.x0, region.x1, y);
        for (i, px) in out.chunks_exact_mut(4).enumerate() {
            let b = body_row[i] as f32 / 255.0;
            let stroke_cov = |k: usize| covs[k][span.start + i] as f32 / 255.0;
            if b == 0.0 && (0..covs.len()).all(|k| stroke_cov(k) == 0.0) {
                continue;
            }
            let d = load(px);
            let mut over = if b > 0.0 {
                fills_onto(s, &fill_rows, i, d, mode)
            } else {
                d
            };
            let mut under = d;
            for (k, st) in strokes.iter().enumerate() {
                let c = stroke_cov(k);
                if c == 0.0 {
                    continue;
                }
                let src = scale(stroke_rows[k][i], c);
                if st.side != StrokeSide::Inside {
                    under = blend(under, src, st.paint.blend);
                }
                if st.side != StrokeSide::Outside {
                    over = blend(over, src, st.paint.blend);
                }
            }
            let r = lerp(under, over, b);
            store(px, lerp(d, r, opacity));
        }
    }
    fill_rows
        .into_iter()
        .chain(stroke_rows)
        .for_each(|r| sc.give_row(r));
}

/// The overlay: fills composited in isolation then onto `d` with the layer mode, or for
/// PASS_THROUGH shapes each fill onto `d` with its own mode.
fn fills_onto(s: &PShape, rows: &[Vec<Px>], i: usize, d: Px, mode: BlendMode) -> Px {
    if s.pass_through {
        return s
            .fills
            .iter()
            .zip(rows)
            .fold(d, |acc, (p, r)| blend(acc, r[i], p.blend));
    }
    let mut it = s.fills.iter().zip(rows);
    let Some((_, first)) = it.next() else {
        return d;
    };
    let combined = it.fold(first[i], |acc, (p, r)| blend(acc, r[i], p.blend));
    blend(d, combined, mode)
}
