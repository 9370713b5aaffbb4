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

use super::rect::IRect;
use super::samples::{Pattern, Sampler};

/// One line segment oriented top to bottom, `dir` = +1 (downward) or -1 (upward originally).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Top x.
    pub x0: f32,
    /// Top y.
    pub y0: f32,
    /// Bottom x.
    pub x1: f32,
    /// Bottom y.
    pub y1: f32,
    /// Winding direction.
    pub dir: f32,
}

/// The edges of one outline in device space, with their bounding box.
#[derive(Debug, Clone, Default)]
pub struct Edges {
    /// Segments; sorted by `y0` when `sorted`.
    pub lines: Vec<Line>,
    /// Pixels the outline can touch (not clipped to the canvas).
    pub rect: IRect,
    /// `lines` are sorted by `y0`, so a scan may stop at the first line below its region.
    pub sorted: bool,
}

/// Outlines with at least this many lines are sorted: a band then stops at the first line
/// below it. Smaller ones (most shapes of a map) cost more to sort than to scan.
const SORT_MIN_LINES: usize = 48;

impl Edges {
    /// Builds edges from closed polylines; horizontal segments carry no winding and are dropped.
    pub fn from_polylines(poly: &crate::geom::Polylines) -> Edges {
        let mut lines = Vec::with_capacity(poly.points.len());
        let (mut minx, mut miny, mut maxx, mut maxy) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for c in poly.contours() {
            let n = c.len();
            // Each point with its successor, the last one with the first (closing edge).
            for i in 0..n {
                let a = c[i];
                let b = if i + 1 < n { c[i + 1] } else { c[0] };
                if !(a[0].is_finite() && a[1].is_finite() && b[0].is_finite() && b[1].is_finite()) {
                    continue;
                }
                minx = minx.min(a[0]);
                maxx = maxx.max(a[0]);
                miny = miny.min(a[1]);
                maxy = maxy.max(a[1]);
                if a[1] == b[1] {
                    continue;
                }
                let (top, bottom, dir) = if a[1] < b[1] {
                    (a, b, 1.0)
                } else {
                    (b, a, -1.0)
                };
                lines.push(Line {
                    x0: top[0],
                    y0: top[1],
                    x1: bottom[0],
                    y1: bottom[1],
                    dir,
                });
            }
        }
        let sorted = lines.len() >= SORT_MIN_LINES;
        if sorted {
            lines.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        }
        let rect = if lines.is_empty() {
            IRect::EMPTY
        } else {
            IRect::covering(minx, miny, maxx, maxy)
        };
        Edges {
            lines,
            rect,
            sorted,
        }
    }

    /// True when the outline covers nothing.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Reusable accumulation buffer, and the anti-aliasing in force.
#[derive(Debug, Default)]
pub struct Rasterizer {
    acc: Vec<f32>,
    /// When set, coverage counts these sample positions instead of measuring exact areas.
    pub pattern: Option<Pattern>,
    sampler: Sampler,
}

impl Rasterizer {
    /// Bytes held by the accumulation buffers.
    pub fn retained_bytes(&self) -> usize {
        self.acc.capacity() * 4 + self.sampler.retained_bytes()
    }

    /// Writes the coverage of `edges` over `region` into `out` (resized to the region).
    pub fn fill(&mut self, edges: &Edges, even_odd: bool, region: IRect, out: &mut Vec<u8>) {
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
        self.acc.clear();
        self.acc.resize(stride * h, 0.0);
        let bottom = region.y1 as f32;
        let top = region.y0 as f32;
        // Lines add in list order whatever the region, so every band sums a pixel's
        // contributions in the same order (the same bytes).
        for l in &edges.lines {
            if l.y0 >= bottom {
                if edges.sorted {
                    break;
                }
                continue;
            }
            if l.y1 <= top {
                continue;
            }
            add_line(&mut self.acc, stride, w, region, l);
        }
        for (row, cov) in self.acc.chunks_exact(stride).zip(out.chunks_exact_mut(w)) {
            accumulate_row(row, cov, even_odd);
        }
    }
}

/// Prefix-sums one row of area deltas into coverage bytes.
fn accumulate_row(row: &[f32], out: &mut [u8], even_odd: bool) {
    let mut sum = 0.0f32;
    for (a, o) in row.iter().zip(out.iter_mut()) {
        sum += *a;
        let v = sum.abs();
        let c = if even_odd {
            let m = v % 2.0;
            if m > 1.0 {
                2.0 - m
            } else {
                m
            }
        } else {
            v.min(1.0)
        };
        // c is within 0..=1, so the plain integer cast cannot overflow (and skips the
        // saturating float-to-u8 sequence, the costliest line of a small shape's fill).
        *o = (c * 255.0 + 0.5) as i32 as u8;
    }
}

/// Adds one segment's area contributions to the rows of `region` it crosses.
fn add_line(acc: &mut [f32], stride: usize, w: usize, region: IRect, l: &Line) {
    let first = floor_i32(l.y0).max(region.y0);
    let last = ceil_i32(l.y1).min(region.y1);
    let dxdy = (l.x1 - l.x0) / (l.y1 - l.y0);
    let left = region.x0 as f32;
    for row in first..last {
        let ya = l.y0.max(row as f32);
        let yb = l.y1.min((row + 1) as f32);
        if yb <= ya {
            continue;
        }
        let xa = l.x0 + (ya - l.y0) * dxdy - left;
        let xb = l.x0 + (yb - l.y0) * dxdy - left;
        let start = (row - region.y0) as usize * stride;
        add_span(
            &mut acc[start..start + stride],
            w,
            xa,
            xb,
            (yb - ya) * l.dir,
        );
    }
}

/// `x.floor() as i32` without the libm call (x86-64's baseline has no rounding instruction);
/// the same saturation, 0 for NaN.
#[inline]
pub(super) fn floor_i32(x: f32) -> i32 {
    let t = x as i32;
    if (t as f32) > x {
        t.saturating_sub(1)
    } else {
        t
    }
}

/// `x.ceil() as i32` without the libm call; the same saturation, 0 for NaN.
#[inline]
pub(super) fn ceil_i32(x: f32) -> i32 {
    let t = x as i32;
    if (t as f32) < x {
        t.saturating_add(1)
    } else {
        t
    }
}

/// Distributes a segment within one row (`d` = signed height) over the cells it crosses.
/// Parts left of the region count fully for its first cell; parts right of it do not count.
fn add_span(cells: &mut [f32], w: usize, xa: f32, xb: f32, d: f32) {
    let (mut xl, mut xr) = if xa < xb { (xa, xb) } else { (xb, xa) };
    let wf = w as f32;
    if xr <= 0.0 {
        cells[0] += d;
        return;
    }
    if xl >= wf {
        return;
    }
    let span = xr - xl;
    let mut d = d;
    if xl < 0.0 {
        let left = d * (-xl / span);
        cells[0] += left;
        d -= left;
        xl = 0.0;
    }
    if xr > wf {
        d *= (wf - xl) / (xr - xl);
        xr = wf;
    }
    let i0 = floor_i32(xl) as f32;
    if xr - i0 <= 1.0 {
        // Within one cell: the area right of the segment's mean x.
        let i = i0 as usize;
        let m = 0.5 * (xl + xr) - i0;
        cells[i] += d * (1.0 - m);
        cells[i + 1] += d * m;
        return;
    }
    let per_x = d / (xr - xl);
    let mut x = xl;
    let mut j = i0 as usize;
    while x < xr {
        let next = ((j + 1) as f32).min(xr);
        let part = per_x * (next - x);
        let m = 0.5 * (x + next) - j as f32;
        cells[j] += part * (1.0 - m);
        cells[j + 1] += part * m;
        x = next;
        j += 1;
    }
}

/// Edges of a path drawn at identity, for the rasterisers' tests.
#[cfg(test)]
pub(super) fn edges_of(path: &tiny_skia_path::Path) -> Edges {
    let mut poly = crate::geom::Polylines::default();
    crate::geom::flatten(path, &octopus_schema::Transform::IDENTITY, 0.005, &mut poly);
    Edges::from_polylines(&poly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Polylines;
    use tiny_skia_path::{PathBuilder, Rect};

    #[test]
    fn fast_floor_and_ceil_match_the_library() {
        for x in [
            -2.5f32,
            -2.0,
            -0.5,
            -0.0,
            0.0,
            0.3,
            1.0,
            1.5,
            7.999,
            1e9,
            -1e9,
            3e9,
            -3e9,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ] {
            assert_eq!(floor_i32(x), x.floor() as i32, "floor {x}");
            assert_eq!(ceil_i32(x), x.ceil() as i32, "ceil {x}");
        }
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
