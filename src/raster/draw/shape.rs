//! Drawing one shape onto a surface.
//!
//! Input: a prepared shape, its layer opacity and blend mode, a destination surface and the
//! region (inside the surface) to draw. Output: the destination updated per
//! `docs/rendering.md` §6: fills composited among themselves, then onto the backdrop with the layer's mode (or
//! each onto the backdrop for PASS_THROUGH shapes); strokes above the fills, INSIDE ones only
//! inside the body and OUTSIDE ones only outside it, via
//! `lerp(underlay, overlay, body)`; the layer opacity last. Guarantee: each pixel's value
//! depends only on that pixel's inputs, so bands agree.

use crate::raster::composite::blend::{blend, lerp, scale, ColorF};
use crate::raster::composite::kernels::{over_row, over_solid_rows, STEP};
use crate::raster::composite::paint::{to_u8, DevicePaint};
use crate::raster::composite::pixel8::{over_u8, weight};
use crate::raster::composite::surface::{load, store, Surface};
use crate::raster::draw::scratch::Scratch;
use crate::raster::draw::Compositing;
use crate::raster::prepare::{DeviceShape, DeviceStroke};
use crate::raster::rect::IRect;
use crate::scene::{BlendMode, StrokeSide};

/// Which parts of a shape to draw (mask facets draw fills only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShapeParts {
    /// Fills and strokes.
    All,
    /// Fills clipped by the body only.
    FillsOnly,
    /// Strokes only (drawn after effects that sit between fills and strokes).
    StrokesOnly,
}

/// Draws `s` onto `dst` within `region`.
pub(super) fn draw_shape(
    sc: &mut Scratch,
    s: &DeviceShape,
    opacity: f32,
    mode: BlendMode,
    parts: ShapeParts,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let strokes: &[DeviceStroke] = if parts == ShapeParts::FillsOnly {
        &[]
    } else {
        &s.strokes
    };
    let fills: &[DevicePaint] = if parts == ShapeParts::StrokesOnly {
        &[]
    } else {
        &s.fills
    };
    if region.is_empty() || (fills.is_empty() && strokes.is_empty()) {
        return;
    }
    if sequential(s.pass_through, fills, strokes, opacity, mode) {
        return draw_sequential(sc, s, fills, strokes, opacity, dst, region);
    }
    let mut body = sc.mask();
    sc.raster.fill(&s.body, s.even_odd, region, &mut body);
    let mut covs = Vec::with_capacity(strokes.len());
    for st in strokes {
        let mut c = sc.mask();
        sc.raster.fill(&st.edges, st.even_odd, region, &mut c);
        covs.push(c);
    }
    if strokes.is_empty() && fills.len() == 1 {
        let fill = &fills[0];
        let m = if s.pass_through { fill.blend } else { mode };
        paint_span(sc, fill, m, Coverage::Mask(&body), opacity, dst, region);
    } else {
        let parts = PartCoverage {
            fills,
            strokes,
            body: &body,
            stroke_covs: &covs,
        };
        let look = Compositing {
            blend: mode,
            opacity,
        };
        composite_per_pixel(sc, s, &parts, look, dst, region);
    }
    sc.give_mask(body);
    covs.into_iter().for_each(|c| sc.give_mask(c));
}

/// True when the shape's formula reduces to drawing its parts one after another: NORMAL
/// paints, at most one fill, CENTER strokes only (`lerp(S(d), S(F(d)), b) = S(lerp(d, F(d),
/// b))` because a stroke's source-over is the same affine map on both sides), and opacity
/// only when there is a single part (opacity does not distribute over two composites).
fn sequential(
    pass_through: bool,
    fills: &[DevicePaint],
    strokes: &[DeviceStroke],
    opacity: f32,
    mode: BlendMode,
) -> bool {
    let normal = |p: &DevicePaint| p.blend == BlendMode::Normal;
    fills.len() <= 1
        && (mode == BlendMode::Normal || pass_through)
        && fills.iter().all(normal)
        && strokes
            .iter()
            .all(|st| st.side == StrokeSide::Center && normal(&st.paint))
        && (opacity >= 1.0 || fills.len() + strokes.len() == 1)
}

/// Draws the fill under the body coverage, then each stroke under its own coverage; the body
/// is not rasterised when there is no fill.
fn draw_sequential(
    sc: &mut Scratch,
    s: &DeviceShape,
    fills: &[DevicePaint],
    strokes: &[DeviceStroke],
    opacity: f32,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    // Each part is rasterised and painted over its own pixels only (a body under a stroke
    // is a pixel smaller on every side than the shape; on a map of 8-pixel polygons that is
    // a third of the work). Those rectangles do not depend on the band, so bands agree.
    let mut cov = sc.mask();
    // The destination rows start loading while the coverage is computed: on maps the
    // frame is far larger than the cache and every shape lands somewhere new.
    let painted = strokes.iter().fold(
        fills.first().map_or(IRect::EMPTY, |_| s.body.rect),
        |r, st| r.union(&st.edges.rect),
    );
    dst.prefetch_rows(region.intersect(&painted));
    if let Some(fill) = fills.first() {
        let part = region.intersect(&s.body.rect);
        if !part.is_empty() {
            sc.raster.fill(&s.body, s.even_odd, part, &mut cov);
            let normal = BlendMode::Normal;
            paint_span(sc, fill, normal, Coverage::Mask(&cov), opacity, dst, part);
        }
    }
    for st in strokes {
        let part = region.intersect(&st.edges.rect);
        if part.is_empty() {
            continue;
        }
        sc.raster.fill(&st.edges, st.even_odd, part, &mut cov);
        let normal = BlendMode::Normal;
        paint_span(
            sc,
            &st.paint,
            normal,
            Coverage::Mask(&cov),
            opacity,
            dst,
            part,
        );
    }
    sc.give_mask(cov);
}

/// Coverage of one paint operation.
#[derive(Clone, Copy)]
pub(super) enum Coverage<'a> {
    /// Every pixel of the region fully covered.
    Full,
    /// One byte per pixel of the region, rows top to bottom.
    Mask(&'a [u8]),
}

impl Coverage<'_> {
    fn row(&self, ry: usize, w: usize) -> Option<&[u8]> {
        match self {
            Coverage::Full => None,
            Coverage::Mask(m) => Some(&m[ry * w..(ry + 1) * w]),
        }
    }
}

/// One paint under a coverage mask: `dst = blend(dst, paint × coverage × opacity)`.
pub(super) fn paint_span(
    sc: &mut Scratch,
    p: &DevicePaint,
    mode: BlendMode,
    cov: Coverage<'_>,
    opacity: f32,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let w = region.width();
    let solid = p.solid();
    match (solid, mode) {
        (Some(color), BlendMode::Normal) => return solid_over(color, cov, opacity, dst, region),
        (None, BlendMode::Normal) => return varying_over(sc, p, cov, opacity, dst, region),
        _ => {}
    }
    let mut row = sc.row(w);
    let k = opacity / 255.0;
    for (ry, y) in (region.y0..region.y1).enumerate() {
        let cov_row = cov.row(ry, w);
        if cov_row.is_some_and(|r| r.iter().all(|&c| c == 0)) {
            continue;
        }
        if solid.is_none() {
            p.row(region.x0, y, &mut row);
        }
        let out = dst.span_mut(region.x0, region.x1, y);
        for (i, px) in out.chunks_exact_mut(4).enumerate() {
            let c = cov_row.map_or(255, |r| r[i]);
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

/// Source-over of one colour in 8-bit integer arithmetic (the hot path of flat designs).
fn solid_over(
    color: ColorF,
    cov: Coverage<'_>,
    opacity: f32,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let src = to_u8(color);
    let op = weight(opacity) as u8;
    let (w, h) = (region.width(), region.height());
    if w == 0 || h == 0 {
        return;
    }
    let stride = dst.rect.width() * 4;
    let first = dst.offset(region.x0, region.y0);
    // Pixels up to the surface's right edge are the same row's (and this band's), so a
    // row's last partial step may run whole; see `over_solid_rows`.
    let room = (dst.rect.x1 - region.x0).max(0) as usize;
    let room = room.min(w.next_multiple_of(STEP)).max(w);
    let rows = &mut dst.data[first..first + (h - 1) * stride + room * 4];
    let cov = match cov {
        Coverage::Full => None,
        Coverage::Mask(m) => Some(m),
    };
    over_solid_rows(rows, stride, (w, room), src, cov, op);
}

/// Source-over of a per-pixel colour (gradients, images) in 8-bit integer arithmetic.
fn varying_over(
    sc: &mut Scratch,
    p: &DevicePaint,
    cov: Coverage<'_>,
    opacity: f32,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let op = weight(opacity) as u8;
    let w = region.width();
    let mut row = sc.row8(w);
    for (ry, y) in (region.y0..region.y1).enumerate() {
        let cov_row = cov.row(ry, w);
        if cov_row.is_some_and(|r| r.iter().all(|&c| c == 0)) {
            continue;
        }
        p.row_u8(region.x0, y, &mut row);
        over_row(dst.span_mut(region.x0, region.x1, y), &row, cov_row, op);
    }
    sc.give_row8(row);
}

/// The parts of a shape being drawn, with their coverage over the region.
struct PartCoverage<'a> {
    /// Fills, bottom first.
    fills: &'a [DevicePaint],
    /// Strokes in drawing order.
    strokes: &'a [DeviceStroke],
    /// Body coverage, one byte per pixel of the region.
    body: &'a [u8],
    /// Each stroke's coverage, like `body`.
    stroke_covs: &'a [Vec<u8>],
}

/// The full per-pixel formula: several fills, strokes, pass-through.
fn composite_per_pixel(
    sc: &mut Scratch,
    s: &DeviceShape,
    parts: &PartCoverage<'_>,
    look: Compositing,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    let PartCoverage {
        fills,
        strokes,
        body,
        stroke_covs: covs,
    } = *parts;
    let (opacity, mode) = (look.opacity, look.blend);
    let w = region.width();
    let fast = FastSolid::new(s.pass_through, fills, strokes, opacity, mode);
    let mut fill_rows: Vec<Vec<ColorF>> = fills.iter().map(|_| sc.row(w)).collect();
    let mut stroke_rows: Vec<Vec<ColorF>> = strokes.iter().map(|_| sc.row(w)).collect();
    for (ry, y) in (region.y0..region.y1).enumerate() {
        let span = ry * w..(ry + 1) * w;
        let body_row = &body[span.clone()];
        let stroke_any = covs.iter().any(|c| c[span.clone()].iter().any(|&v| v != 0));
        if !stroke_any && body_row.iter().all(|&c| c == 0) {
            continue;
        }
        for (p, r) in fills.iter().zip(fill_rows.iter_mut()) {
            p.row(region.x0, y, r);
        }
        for (st, r) in strokes.iter().zip(stroke_rows.iter_mut()) {
            st.paint.row(region.x0, y, r);
        }
        let out = dst.span_mut(region.x0, region.x1, y);
        for (i, px) in out.chunks_exact_mut(4).enumerate() {
            if let Some(f) = &fast {
                if f.pixel(px, body_row[i], covs, span.start + i) {
                    continue;
                }
            }
            let b = body_row[i] as f32 / 255.0;
            let stroke_cov = |k: usize| covs[k][span.start + i] as f32 / 255.0;
            if b == 0.0 && (0..covs.len()).all(|k| stroke_cov(k) == 0.0) {
                continue;
            }
            let d = load(px);
            let mut over = if b > 0.0 {
                fills_onto(s.pass_through, fills, &fill_rows, i, d, mode)
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

/// Solid NORMAL fills and strokes at full opacity: pixels fully inside or fully outside the
/// body reduce to plain source-over sequences, done in 8-bit integers. Edge pixels return
/// `false` and take the exact formula.
struct FastSolid {
    fills: Vec<[u32; 4]>,
    strokes: Vec<([u32; 4], StrokeSide)>,
}

impl FastSolid {
    fn new(
        pass_through: bool,
        fills: &[DevicePaint],
        strokes: &[DeviceStroke],
        opacity: f32,
        mode: BlendMode,
    ) -> Option<FastSolid> {
        let normal_solid = |p: &DevicePaint| match (p.solid(), p.blend) {
            (Some(c), BlendMode::Normal) => {
                Some(c.map(|v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u32))
            }
            _ => None,
        };
        if opacity < 1.0 || (mode != BlendMode::Normal && !pass_through) {
            return None;
        }
        let fills = fills.iter().map(normal_solid).collect::<Option<Vec<_>>>()?;
        let strokes = strokes
            .iter()
            .map(|st| normal_solid(&st.paint).map(|c| (c, st.side)))
            .collect::<Option<Vec<_>>>()?;
        Some(FastSolid { fills, strokes })
    }

    /// Draws pixel `px` when its body coverage is 0 or 255; returns whether it did.
    #[inline]
    fn pixel(&self, px: &mut [u8], body: u8, covs: &[Vec<u8>], at: usize) -> bool {
        let inside = match body {
            255 => true,
            0 => false,
            _ => return false,
        };
        if inside {
            for f in &self.fills {
                over_u8(px, f, 255);
            }
        }
        for (k, (c, side)) in self.strokes.iter().enumerate() {
            let cov = covs[k][at] as u32;
            let shows = if inside {
                *side != StrokeSide::Outside
            } else {
                *side != StrokeSide::Inside
            };
            if cov != 0 && shows {
                over_u8(px, c, cov);
            }
        }
        true
    }
}

/// The overlay: fills composited in isolation then onto `d` with the layer mode, or for
/// PASS_THROUGH shapes each fill onto `d` with its own mode.
fn fills_onto(
    pass_through: bool,
    fills: &[DevicePaint],
    rows: &[Vec<ColorF>],
    i: usize,
    d: ColorF,
    mode: BlendMode,
) -> ColorF {
    if pass_through {
        return fills
            .iter()
            .zip(rows)
            .fold(d, |acc, (p, r)| blend(acc, r[i], p.blend));
    }
    let mut it = fills.iter().zip(rows);
    let Some((_, first)) = it.next() else {
        return d;
    };
    let combined = it.fold(first[i], |acc, (p, r)| blend(acc, r[i], p.blend));
    blend(d, combined, mode)
}
