//! Device-space outlines as the rasterisers read them: line segments, top to bottom.
//!
//! Input: closed polylines in device pixels. Output: [`Edges`], which hand each non-horizontal
//! segment to a rasteriser as a [`Line`]. Guarantees: lines come in the same order for every
//! region (contour order, or sorted by top for large outlines), so every band sums a pixel's
//! contributions in the same order; horizontal segments (no winding) are never produced; the
//! bounding rectangle covers every point.
//!
//! Small outlines (most shapes of a map) keep their points, 8 bytes each, and make lines as
//! they are scanned: a line would take 20 bytes, and a map holds millions. Large ones store
//! their lines sorted by top, so a band stops scanning at the first line below it.

use crate::raster::rect::IRect;
use crate::raster::scan::{greater, lesser};

/// One line segment oriented top to bottom, `dir` = +1 (downward) or -1 (upward originally).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Line {
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

impl Line {
    /// The segment from `a` to `b`; `None` when it is horizontal.
    #[inline]
    fn between(a: [f32; 2], b: [f32; 2]) -> Option<Line> {
        let (top, bottom, dir) = if a[1] < b[1] {
            (a, b, 1.0)
        } else if a[1] > b[1] {
            (b, a, -1.0)
        } else {
            return None;
        };
        Some(Line {
            x0: top[0],
            y0: top[1],
            x1: bottom[0],
            y1: bottom[1],
            dir,
        })
    }
}

/// Line segments of a filled outline in device space.
#[derive(Debug, Clone)]
pub(crate) struct Edges {
    store: Store,
    /// Pixels the outline can touch (not clipped to the canvas).
    pub rect: IRect,
}

/// How the segments are kept.
#[derive(Debug, Clone)]
enum Store {
    /// Closed contours' points, contours separated by [`BREAK`]; each point joins the next
    /// and each contour's last point its first.
    Points(Box<[[f32; 2]]>),
    /// Lines sorted by `y0`.
    Sorted(Box<[Line]>),
}

/// Separates two contours in [`Store::Points`] (input points are finite).
const BREAK: [f32; 2] = [f32::NAN, f32::NAN];

/// Outlines with at least this many segments store sorted lines: a band then stops at the
/// first line below it. Smaller ones (most shapes of a map) cost more to sort than to scan.
const SORT_MIN_LINES: usize = 48;

/// Outlines at most this tall (pixels) keep their points whatever their segment count:
/// they meet two or three bands at most, so each band scanning all of them costs less than
/// sorting (a screen's rounded rectangles and ellipses).
const SORT_MIN_HEIGHT: i32 = 256;

impl Edges {
    /// Builds edges from closed polylines. Points that are not finite are left out (a
    /// contour then joins the points around them).
    pub(crate) fn from_polylines(poly: &crate::scene::flatten::Polylines) -> Edges {
        // Exact when every contour is kept: one break between each two.
        let breaks = poly.starts.len().saturating_sub(1);
        let mut points = Vec::with_capacity(poly.points.len() + breaks);
        let mut all = Bounds::EMPTY;
        for c in poly.contours() {
            let before = points.len();
            if before > 0 {
                points.push(BREAK);
            }
            let bounds = match Bounds::of_finite(c) {
                Some(b) => {
                    points.extend_from_slice(c);
                    b
                }
                // Rare: leave out the points that are not finite, one by one.
                None => {
                    let mut b = Bounds::EMPTY;
                    for p in c.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
                        b.add(*p);
                        points.push(*p);
                    }
                    b
                }
            };
            all = all.union(&bounds);
            // Flat or empty: no segment with winding. (Its points still count in the
            // bounds, as they always have: the region's left edge enters the bytes.)
            if bounds.y0 >= bounds.y1 {
                points.truncate(before);
            }
        }
        if points.is_empty() {
            return Edges {
                store: Store::Points(Box::default()),
                rect: IRect::EMPTY,
            };
        }
        let rect = IRect::covering(all.x0, all.y0, all.x1, all.y1);
        let store = if points.len() >= SORT_MIN_LINES && rect.height() as i32 > SORT_MIN_HEIGHT {
            let mut lines = Vec::with_capacity(points.len());
            for_each_segment(&points, |l| lines.push(l));
            lines.sort_by(|a, b| a.y0.total_cmp(&b.y0));
            Store::Sorted(lines.into_boxed_slice())
        } else {
            Store::Points(points.into_boxed_slice())
        };
        Edges { store, rect }
    }

    /// True when the outline covers nothing.
    pub(crate) fn is_empty(&self) -> bool {
        match &self.store {
            Store::Points(p) => p.is_empty(),
            Store::Sorted(l) => l.is_empty(),
        }
    }

    /// Calls `f` with every line that reaches into the rows `top..bottom`, in the same order
    /// whatever the rows.
    #[inline]
    pub(crate) fn for_each_line_in(&self, top: f32, bottom: f32, mut f: impl FnMut(&Line)) {
        match &self.store {
            Store::Points(points) => for_each_segment(points, |l| {
                if l.y0 < bottom && l.y1 > top {
                    f(&l);
                }
            }),
            Store::Sorted(lines) => {
                for l in lines.iter() {
                    if l.y0 >= bottom {
                        break;
                    }
                    if l.y1 > top {
                        f(l);
                    }
                }
            }
        }
    }

    /// The two lines of an outline made of exactly two non-horizontal segments.
    pub(crate) fn two_lines(&self) -> Option<[Line; 2]> {
        let mut lines = [None, None];
        let mut n = 0;
        self.for_each_line_in(f32::MIN, f32::MAX, |l| {
            if n < 2 {
                lines[n] = Some(*l);
            }
            n += 1;
        });
        match (n, lines) {
            (2, [Some(a), Some(b)]) => Some([a, b]),
            _ => None,
        }
    }
}

/// The bounding box of finite points (`EMPTY` has none).
#[derive(Debug, Clone, Copy)]
struct Bounds {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        x0: f32::MAX,
        y0: f32::MAX,
        x1: f32::MIN,
        y1: f32::MIN,
    };

    /// Grows the box to hold the finite point `p` (compare-selects: `f32::min`'s NaN test
    /// is not needed for finite points).
    #[inline(always)]
    fn add(&mut self, p: [f32; 2]) {
        self.x0 = lesser(p[0], self.x0);
        self.x1 = greater(p[0], self.x1);
        self.y0 = lesser(p[1], self.y0);
        self.y1 = greater(p[1], self.y1);
    }

    /// The box of `c`, or `None` when a point of it is not finite. One pass without a
    /// branch per point: a map's outlines are a dozen points each, and this runs for
    /// every fill and stroke of every shape on every render.
    #[inline]
    fn of_finite(c: &[[f32; 2]]) -> Option<Bounds> {
        let mut b = Bounds::EMPTY;
        let mut finite = true;
        for &p in c {
            finite &= p[0].is_finite() & p[1].is_finite();
            b.add(p);
        }
        finite.then_some(b)
    }

    /// The box holding both.
    fn union(&self, o: &Bounds) -> Bounds {
        Bounds {
            x0: lesser(o.x0, self.x0),
            y0: lesser(o.y0, self.y0),
            x1: greater(o.x1, self.x1),
            y1: greater(o.y1, self.y1),
        }
    }
}

/// Calls `f` with each non-horizontal segment of the contours in `points`, in order.
#[inline]
fn for_each_segment(points: &[[f32; 2]], mut f: impl FnMut(Line)) {
    let mut first = 0;
    for i in 0..points.len() {
        let a = points[i];
        let next = i + 1;
        let b = match points.get(next) {
            Some(p) if !p[0].is_nan() => *p,
            // The contour ends here: close it, and skip the break.
            _ => points[first],
        };
        if a[0].is_nan() {
            first = next;
            continue;
        }
        if let Some(l) = Line::between(a, b) {
            f(l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::flatten::Polylines;

    fn poly(contours: &[&[[f32; 2]]]) -> Polylines {
        let mut p = Polylines::default();
        for c in contours {
            p.starts.push(p.points.len());
            p.points.extend_from_slice(c);
        }
        p
    }

    fn lines(e: &Edges) -> Vec<Line> {
        let mut v = Vec::new();
        e.for_each_line_in(f32::MIN, f32::MAX, |l| v.push(*l));
        v
    }

    #[test]
    fn contours_close_and_drop_horizontal_segments() {
        let square: &[[f32; 2]] = &[[0.0, 0.0], [4.0, 0.0], [4.0, 3.0], [0.0, 3.0]];
        let tri: &[[f32; 2]] = &[[10.0, 10.0], [12.0, 14.0], [8.0, 14.0]];
        let e = Edges::from_polylines(&poly(&[square, tri]));
        let got = lines(&e);
        let line = |x0, y0, x1, y1, dir| Line {
            x0,
            y0,
            x1,
            y1,
            dir,
        };
        assert_eq!(
            got,
            vec![
                line(4.0, 0.0, 4.0, 3.0, 1.0),
                line(0.0, 0.0, 0.0, 3.0, -1.0),
                line(10.0, 10.0, 12.0, 14.0, 1.0),
                line(10.0, 10.0, 8.0, 14.0, -1.0),
            ]
        );
        assert_eq!(e.rect, IRect::covering(0.0, 0.0, 12.0, 14.0));
    }

    #[test]
    fn flat_and_empty_contours_are_left_out() {
        let flat: &[[f32; 2]] = &[[0.0, 5.0], [9.0, 5.0]];
        let e = Edges::from_polylines(&poly(&[flat, &[]]));
        assert!(e.is_empty());
        assert_eq!(e.rect, IRect::EMPTY);
        let tri: &[[f32; 2]] = &[[0.0, 0.0], [2.0, 4.0], [-2.0, 4.0]];
        let e = Edges::from_polylines(&poly(&[flat, tri, flat]));
        assert_eq!(lines(&e).len(), 2);
        // A flat contour draws nothing but still widens the rectangle (the region's left
        // edge enters the coverage bytes, so it stays what it always was).
        assert_eq!(e.rect, IRect::covering(-2.0, 0.0, 9.0, 5.0));
    }

    #[test]
    fn points_that_are_not_finite_are_skipped() {
        let c: &[[f32; 2]] = &[[0.0, 0.0], [f32::NAN, 1.0], [2.0, 4.0], [-2.0, 4.0]];
        let e = Edges::from_polylines(&poly(&[c]));
        assert_eq!(lines(&e).len(), 2);
        assert_eq!(e.rect, IRect::covering(-2.0, 0.0, 2.0, 4.0));
    }

    /// A closed ring of `n` points around (c, c).
    fn ring(n: usize, c: f32, r: f32) -> Vec<[f32; 2]> {
        (0..n)
            .map(|i| {
                let a = i as f32 / n as f32 * std::f32::consts::TAU;
                [c + r * a.cos(), c + r * a.sin()]
            })
            .collect()
    }

    /// Checks that scanning rows `top..bottom` yields exactly the lines reaching into them,
    /// in list order; returns them.
    fn scan_matches_filter(e: &Edges, top: f32, bottom: f32) -> Vec<Line> {
        let mut band = Vec::new();
        e.for_each_line_in(top, bottom, |l| band.push(*l));
        let expect: Vec<Line> = lines(e)
            .into_iter()
            .filter(|l| l.y0 < bottom && l.y1 > top)
            .collect();
        assert_eq!(band, expect);
        band
    }

    #[test]
    fn large_outlines_are_sorted_and_scans_stop_below() {
        let e = Edges::from_polylines(&poly(&[&ring(64, 250.0, 200.0)]));
        let all = lines(&e);
        assert!(all.windows(2).all(|w| w[0].y0 <= w[1].y0));
        let band = scan_matches_filter(&e, 60.0, 70.0);
        assert!(!band.is_empty() && band.len() < all.len());
    }

    #[test]
    fn short_outlines_keep_contour_order() {
        // As many segments, but too short to meet more than a few bands: not sorted.
        let e = Edges::from_polylines(&poly(&[&ring(64, 50.0, 40.0)]));
        let all = lines(&e);
        assert_eq!(all.len(), 64);
        assert!(!all.windows(2).all(|w| w[0].y0 <= w[1].y0));
        scan_matches_filter(&e, 20.0, 30.0);
    }

    #[test]
    fn two_lines_only_for_two_segment_outlines() {
        let rect: &[[f32; 2]] = &[[1.0, 1.0], [5.0, 1.0], [5.0, 3.0], [1.0, 3.0]];
        assert!(Edges::from_polylines(&poly(&[rect])).two_lines().is_some());
        let tri: &[[f32; 2]] = &[[0.0, 0.0], [2.0, 4.0], [-2.0, 3.0]];
        assert!(Edges::from_polylines(&poly(&[tri])).two_lines().is_none());
    }
}
