//! Anti-aliased coverage of filled outlines: an exact-area accumulation rasteriser.
//!
//! Input: [`Edges`] (device-space line segments) and a pixel region. Output: one coverage
//! byte per pixel of the region (0 = outside, 255 = inside). Guarantees:
//! * exact signed area per pixel for non-zero winding; even-odd folds the accumulated
//!   winding (exact inside, a close approximation on pixels crossed by several edges);
//! * the value of a pixel depends only on the edges and the region's left edge, never on
//!   which rows are rasterised together: each row's contributions are computed from the
//!   original segment endpoints, in the same (list) order. This is what makes band
//!   rendering byte-identical for any band height.

use crate::raster::rect::{ceil_i32, floor_i32, IRect};
use crate::raster::scan::edges::{Edges, Line};
use crate::raster::scan::sampled::{Pattern, Sampler};
use crate::raster::scan::spread::{add_span, spread};
use crate::raster::scan::{greater, lesser};

/// Regions at most this wide are accumulated cell by cell, wider ones run by run.
const DENSE_MAX_WIDTH: usize = 32;

/// Reusable accumulation buffer, and the anti-aliasing in force.
#[derive(Debug, Default)]
pub(crate) struct Rasterizer {
    /// Area deltas, `stride` cells per row; all zero between fills.
    acc: Vec<f32>,
    /// One bit per cell of `acc` that a line touched, `words` per row; all zero between fills.
    dirty: Vec<u64>,
    /// A narrow region's running sums, `w` per row, before they become coverage bytes.
    sums: Vec<f32>,
    /// When set, coverage counts these sample positions instead of measuring exact areas.
    pub pattern: Option<Pattern>,
    sampler: Sampler,
}

impl Rasterizer {
    /// Bytes held by the accumulation buffers.
    pub(crate) fn retained_bytes(&self) -> usize {
        self.acc.capacity() * 4
            + self.dirty.capacity() * 8
            + self.sums.capacity() * 4
            + self.sampler.retained_bytes()
    }

    /// Writes the coverage of `edges` over `region` into `out` (resized to the region).
    pub(crate) fn fill(&mut self, edges: &Edges, even_odd: bool, region: IRect, out: &mut Vec<u8>) {
        if let Some(pattern) = &self.pattern {
            return self.sampler.fill(pattern, edges, even_odd, region, out);
        }
        let (w, h) = (region.width(), region.height());
        // Every byte is written below (or here, when nothing covers the region).
        out.resize(w * h, 0);
        if w == 0 || h == 0 || edges.is_empty() || edges.rect.intersect(&region).is_empty() {
            out.fill(0);
            return;
        }
        let stride = w + 2;
        let words = stride.div_ceil(64);
        // Both buffers are all zero here: rows are cleared cell by cell as they are read.
        if self.acc.len() < stride * h {
            self.acc.resize(stride * h, 0.0);
        }
        if self.dirty.len() < words * h {
            self.dirty.resize(words * h, 0);
        }
        let bottom = region.y1 as f32;
        let top = region.y0 as f32;
        let grid = Grid {
            stride,
            words,
            w,
            region,
        };
        // Lines add in list order whatever the region, so every band sums a pixel's
        // contributions in the same order (the same bytes).
        let (acc, dirty) = (&mut self.acc, &mut self.dirty);
        if w > DENSE_MAX_WIDTH {
            edges.for_each_line_in(top, bottom, |l| add_line::<true>(acc, dirty, &grid, l));
            let rows = acc
                .chunks_exact_mut(stride)
                .zip(dirty.chunks_exact_mut(words))
                .zip(out.chunks_exact_mut(w));
            for ((cells, bits), cov) in rows {
                match even_odd {
                    true => accumulate_row::<true>(cells, bits, cov),
                    false => accumulate_row::<false>(cells, bits, cov),
                }
            }
        } else {
            // Narrow regions read every cell, so no dirty bits are kept (they stay zero).
            edges.for_each_line_in(top, bottom, |l| add_line::<false>(acc, dirty, &grid, l));
            // The running sums first, then all bytes at once: the sums are a chain of
            // dependent additions, the bytes are independent and convert several per
            // instruction, which they do not when each waits for its sum in one loop.
            if self.sums.len() < w * h {
                self.sums.resize(w * h, 0.0);
            }
            let sums = &mut self.sums[..w * h];
            for (cells, row) in acc.chunks_exact_mut(stride).zip(sums.chunks_exact_mut(w)) {
                running_sums(cells, row);
            }
            match even_odd {
                true => to_coverage::<true>(sums, out),
                false => to_coverage::<false>(sums, out),
            }
        }
    }
}

/// The layout of the accumulation buffers for one region.
struct Grid {
    /// Cells per row (the region's width and two spare cells on the right).
    stride: usize,
    /// Dirty-bit words per row.
    words: usize,
    /// The region's width.
    w: usize,
    region: IRect,
}

/// The coverage byte of an accumulated winding `sum`.
#[inline]
fn coverage<const EVEN_ODD: bool>(sum: f32) -> u8 {
    let v = sum.abs();
    let c = if EVEN_ODD {
        // v mod 2, exactly, without the libm call `%` makes (the truncation is exact below 2^24).
        let m = if v < 16_777_216.0 {
            v - 2.0 * ((v * 0.5) as i32 as f32)
        } else {
            v % 2.0
        };
        if m > 1.0 {
            2.0 - m
        } else {
            m
        }
    } else {
        v.min(1.0)
    };
    // Within 0..=1 (NaN, from an overflowing sum, is 0 as the cast made it).
    byte_of_unit(greater(c, 0.0))
}

/// `(c * 255.0 + 0.5) as i32 as u8` for `c` within 0..=1, the same byte, in float steps
/// that convert several lanes per instruction: Rust's cast saturates, and the compiler
/// splits a saturating conversion into one branching conversion per lane. Adding 2^23
/// rounds to an integer (to nearest), one less where that rounded up is the floor, and the
/// low bits of `f + 2^23` are `f`: exact for the whole range, `y` being at most 255.5.
#[inline(always)]
fn byte_of_unit(c: f32) -> u8 {
    const ROUND: f32 = 8_388_608.0;
    let y = c * 255.0 + 0.5;
    let r = (y + ROUND) - ROUND;
    let floor = if r > y { r - 1.0 } else { r };
    (floor + ROUND).to_bits() as u8
}

/// Prefix-sums one row of area deltas into coverage bytes, and clears the cells and bits
/// it read. Between touched cells the sum does not change, so those runs are filled with
/// one byte: a large shape costs its edges and a memset per row, not arithmetic per pixel.
fn accumulate_row<const EVEN_ODD: bool>(cells: &mut [f32], bits: &mut [u64], out: &mut [u8]) {
    let w = out.len();
    let mut sum = 0.0f32;
    let mut x = 0;
    for (k, word) in bits.iter_mut().enumerate() {
        let mut b = std::mem::take(word);
        while b != 0 {
            let p = k * 64 + b.trailing_zeros() as usize;
            b &= b - 1;
            let end = p.min(w);
            if x < end {
                out[x..end].fill(coverage::<EVEN_ODD>(sum));
            }
            if let Some(c) = cells.get_mut(p) {
                sum += *c;
                *c = 0.0;
            }
            if let Some(o) = out.get_mut(p) {
                *o = coverage::<EVEN_ODD>(sum);
            }
            x = p + 1;
        }
    }
    if x < w {
        out[x..].fill(coverage::<EVEN_ODD>(sum));
    }
}

/// Prefix-sums a narrow row cell by cell into `sums` (most of a small shape's cells are
/// touched, so skipping runs would not pay), clearing the cells.
fn running_sums(cells: &mut [f32], sums: &mut [f32]) {
    let mut sum = 0.0f32;
    let (used, spare) = cells.split_at_mut(sums.len());
    for (c, s) in used.iter_mut().zip(sums.iter_mut()) {
        sum += *c;
        *c = 0.0;
        *s = sum;
    }
    spare.fill(0.0);
}

/// The coverage bytes of accumulated windings, one for one.
fn to_coverage<const EVEN_ODD: bool>(sums: &[f32], out: &mut [u8]) {
    for (s, o) in sums.iter().zip(out.iter_mut()) {
        *o = coverage::<EVEN_ODD>(*s);
    }
}

/// Sets the bits `lo..=hi` of one row's dirty words.
#[inline]
fn mark(bits: &mut [u64], lo: usize, hi: usize) {
    let (a, b) = (lo / 64, hi / 64);
    let (la, hb) = (lo % 64, hi % 64);
    if a == b {
        bits[a] |= (u64::MAX >> (63 - (hb - la))) << la;
    } else {
        bits[a] |= u64::MAX << la;
        for word in &mut bits[a + 1..b] {
            *word = u64::MAX;
        }
        bits[b] |= u64::MAX >> (63 - hb);
    }
}

/// Adds one segment's area contributions to the rows of `region` it crosses, marking the
/// cells it changed in `dirty` when `MARK` (wide regions skip untouched runs by them).
#[inline(always)]
fn add_line<const MARK: bool>(acc: &mut [f32], dirty: &mut [u64], g: &Grid, l: &Line) {
    let (stride, region) = (g.stride, g.region);
    let first = floor_i32(l.y0).max(region.y0);
    let last = ceil_i32(l.y1).min(region.y1);
    let dxdy = (l.x1 - l.x0) / (l.y1 - l.y0);
    // Rows per column, finite (a vertical line's splits are all zero wide).
    let dydx = lesser((l.y1 - l.y0) / (l.x1 - l.x0).abs(), f32::MAX);
    let left = region.x0 as f32;
    let wf = g.w as f32;
    // A line inside the region's columns (most lines of a shape drawn whole) needs none of
    // the clipping; the clamps only absorb rounding at the ends.
    let inside = lesser(l.x0, l.x1) - left >= 0.0 && greater(l.x0, l.x1) - left <= wf;
    // Where the line crosses a row's top: the bottom crossing of one row is the top
    // crossing of the next (the same expression, so the same float), computed once.
    let at = |y: f32| l.x0 + (y - l.y0) * dxdy - left;
    let mut ya = greater(l.y0, first as f32);
    let mut xa = at(ya);
    let start = (first - region.y0).max(0) as usize;
    let rows = (last - first).max(0) as usize;
    // Rows by a running offset: a chunk iterator divides the buffer's length by the
    // stride, an integer division per line that cost more than a short line's whole first
    // row. The rows' bottoms count in floats, exact for the region's rows (below 2^24).
    let mut offset = start * stride;
    let mut below = first as f32;
    for row in start..start + rows {
        let Some(cells) = acc.get_mut(offset..offset + stride) else {
            break;
        };
        offset += stride;
        below += 1.0;
        let yb = if l.y1 < below { l.y1 } else { below };
        let xb = at(yb);
        let (ya_row, xa_row) = (ya, xa);
        (ya, xa) = (yb, xb);
        if yb <= ya_row {
            continue;
        }
        let (ya, xa) = (ya_row, xa_row);
        let d = (yb - ya) * l.dir;
        let changed = if inside {
            let (xl, xr) = if xa < xb { (xa, xb) } else { (xb, xa) };
            spread(cells, greater(xl, 0.0), lesser(xr, wf), d, dydx)
        } else {
            add_span(cells, g.w, xa, xb, d, dydx)
        };
        if let (true, Some((lo, hi))) = (MARK, changed) {
            mark(&mut dirty[row * g.words..(row + 1) * g.words], lo, hi);
        }
    }
}

/// Edges of a path drawn at identity, for the rasterisers' tests.
#[cfg(test)]
pub(super) fn edges_of(path: &tiny_skia_path::Path) -> Edges {
    let mut poly = crate::scene::flatten::Polylines::default();
    crate::scene::flatten::flatten(path, &crate::scene::Transform::IDENTITY, 0.005, &mut poly);
    Edges::from_polylines(&poly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::flatten::Polylines;
    use tiny_skia_path::{PathBuilder, Rect};

    #[test]
    fn coverage_bytes_are_the_rounded_cast() {
        // Every 61st float of 0..=1 and the values either side of each half step.
        let check = |c: f32| {
            assert_eq!(byte_of_unit(c), (c * 255.0 + 0.5) as i32 as u8, "{c}");
        };
        for bits in (0..=1.0f32.to_bits()).step_by(61) {
            check(f32::from_bits(bits));
        }
        for k in 0..=255u32 {
            let c = (k as f32 + 0.5) / 255.0;
            for d in -3i32..=3 {
                let v = f32::from_bits(c.to_bits().wrapping_add_signed(d));
                check(v.clamp(0.0, 1.0));
            }
        }
        check(1.0);
        assert_eq!(coverage::<false>(f32::NAN), 255);
        assert_eq!(coverage::<true>(f32::NAN), 0);
        assert_eq!(coverage::<false>(-3.0), 255);
        assert_eq!(coverage::<true>(3.25), 191);
    }

    #[test]
    fn half_pixel_rectangle_edges() {
        let e = edges_of(&PathBuilder::from_rect(
            Rect::from_ltrb(1.5, 1.0, 3.0, 2.0).unwrap(),
        ));
        let mut out = Vec::new();
        Rasterizer::default().fill(&e, false, IRect::new(0, 0, 4, 3), &mut out);
        assert_eq!(&out[4..8], &[0, 128, 255, 0]);
        assert_eq!(&out[0..4], &[0, 0, 0, 0]);
    }

    #[test]
    fn polygon_area_matches() {
        // A regular 48-gon: coverage must sum to its exact area.
        let (cx, cy, r, n) = (20.3f32, 20.7f32, 13.0f32, 48);
        let mut poly = Polylines::default();
        poly.starts.push(0);
        for i in 0..n {
            let a = i as f32 * std::f32::consts::TAU / n as f32 + 0.1;
            poly.points.push([cx + r * a.cos(), cy + r * a.sin()]);
        }
        let e = Edges::from_polylines(&poly);
        let mut out = Vec::new();
        Rasterizer::default().fill(&e, false, IRect::new(0, 0, 40, 40), &mut out);
        let area: f32 = out.iter().map(|&c| c as f32 / 255.0).sum();
        let exact = 0.5 * n as f32 * r * r * (std::f32::consts::TAU / n as f32).sin();
        assert!((area - exact).abs() < 0.1, "area {area} vs {exact}");
    }

    #[test]
    fn rows_do_not_depend_on_region_height() {
        let e = edges_of(&PathBuilder::from_circle(20.3, 20.7, 13.1).unwrap());
        let mut full = Vec::new();
        let mut r = Rasterizer::default();
        r.fill(&e, true, IRect::new(3, 0, 37, 40), &mut full);
        let mut part = Vec::new();
        for y0 in (0..40).step_by(7) {
            let y1 = (y0 + 7).min(40);
            r.fill(&e, true, IRect::new(3, y0, 37, y1), &mut part);
            assert_eq!(&part[..], &full[(y0 as usize) * 34..(y1 as usize) * 34]);
        }
    }

    #[test]
    fn shapes_left_of_region_still_cover() {
        let e = edges_of(&PathBuilder::from_rect(
            Rect::from_ltrb(-50.0, 0.0, 5.25, 1.0).unwrap(),
        ));
        let mut out = Vec::new();
        Rasterizer::default().fill(&e, false, IRect::new(2, 0, 8, 1), &mut out);
        assert_eq!(out, vec![255, 255, 255, 64, 0, 0]);
    }

    #[test]
    fn even_odd_leaves_holes() {
        let mut pb = PathBuilder::new();
        pb.push_rect(Rect::from_ltrb(0.0, 0.0, 10.0, 10.0).unwrap());
        pb.push_rect(Rect::from_ltrb(2.0, 2.0, 8.0, 8.0).unwrap());
        let e = edges_of(&pb.finish().unwrap());
        let mut out = Vec::new();
        let mut r = Rasterizer::default();
        r.fill(&e, true, IRect::new(0, 0, 10, 10), &mut out);
        assert_eq!(out[5 * 10 + 5], 0);
        r.fill(&e, false, IRect::new(0, 0, 10, 10), &mut out);
        assert_eq!(out[5 * 10 + 5], 255);
    }
}
