//! Curve flattening shared by boolean operations and the rasteriser.
//!
//! Input: a tiny-skia [`Path`], an affine transform and a tolerance in output units.
//! Output: [`Polylines`]: closed contours as flat point lists in output space. Guarantees:
//! the result depends only on the inputs (never on threads or bands); every curve is split
//! into enough lines that no point deviates from the curve by more than the tolerance
//! (Wang's bound), capped so hostile control points cannot explode the segment count.

use crate::scene::Transform;
use tiny_skia_path::{Path, PathSegment, Point};

/// Most lines one curve may become; beyond this the tolerance is not met but memory is safe.
const MAX_SUBDIVISIONS: usize = 512;

/// Closed contours stored flat: contour `i` is `points[starts[i]..starts[i + 1]]`.
#[derive(Debug, Default, Clone)]
pub struct Polylines {
    /// All points of all contours.
    pub points: Vec<[f32; 2]>,
    /// Start index of each contour.
    pub starts: Vec<usize>,
}

impl Polylines {
    /// Removes every contour, keeping the memory.
    pub fn clear(&mut self) {
        self.points.clear();
        self.starts.clear();
    }

    /// Number of contours.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True without contours.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The points of contour `i`.
    pub fn contour(&self, i: usize) -> &[[f32; 2]] {
        let end = self.starts.get(i + 1).copied().unwrap_or(self.points.len());
        &self.points[self.starts[i]..end]
    }

    /// Iterates over contours.
    pub fn contours(&self) -> impl Iterator<Item = &[[f32; 2]]> {
        (0..self.len()).map(|i| self.contour(i))
    }

    fn begin(&mut self, p: [f32; 2]) {
        self.starts.push(self.points.len());
        self.points.push(p);
    }

    fn push(&mut self, p: [f32; 2]) {
        self.points.push(p);
    }

    /// Removes the last contour when it has fewer than `min` points.
    fn drop_short_tail(&mut self, min: usize) {
        if let Some(&start) = self.starts.last() {
            if self.points.len() - start < min {
                self.points.truncate(start);
                self.starts.pop();
            }
        }
    }
}

/// Flattens `path` under `t` into closed contours (fills close every contour implicitly);
/// contours of fewer than 3 points, which enclose nothing, are dropped.
pub fn flatten(path: &Path, t: &Transform, tolerance: f32, out: &mut Polylines) {
    flatten_min(path, t, tolerance, 3, out)
}

/// Flattens `path` into polylines, keeping open two-point segments too (vector networks).
pub fn flatten_lines(path: &Path, t: &Transform, tolerance: f32, out: &mut Polylines) {
    flatten_min(path, t, tolerance, 2, out)
}

fn flatten_min(path: &Path, t: &Transform, tolerance: f32, min: usize, out: &mut Polylines) {
    let map = |p: Point| -> [f32; 2] {
        let (x, y) = t.apply(p.x as f64, p.y as f64);
        [x as f32, y as f32]
    };
    let mut last = [0.0f32; 2];
    let mut open = false;
    for seg in path.segments() {
        match seg {
            PathSegment::MoveTo(p) => {
                if open {
                    out.drop_short_tail(min);
                }
                last = map(p);
                out.begin(last);
                open = true;
            }
            PathSegment::LineTo(p) => {
                last = map(p);
                out.push(last);
            }
            PathSegment::QuadTo(c, p) => {
                let (c, p) = (map(c), map(p));
                quad(last, c, p, tolerance, out);
                last = p;
            }
            PathSegment::CubicTo(c1, c2, p) => {
                let (c1, c2, p) = (map(c1), map(c2), map(p));
                cubic(last, c1, c2, p, tolerance, out);
                last = p;
            }
            PathSegment::Close => {}
        }
    }
    if open {
        out.drop_short_tail(min);
    }
}

fn len(v: [f32; 2]) -> f32 {
    (v[0] * v[0] + v[1] * v[1]).sqrt()
}

fn subdivisions(dd: f32, factor: f32, tolerance: f32) -> usize {
    let n = (factor * dd / tolerance).sqrt().ceil();
    if n.is_finite() {
        (n as usize).clamp(1, MAX_SUBDIVISIONS)
    } else {
        MAX_SUBDIVISIONS
    }
}

fn quad(p0: [f32; 2], p1: [f32; 2], p2: [f32; 2], tol: f32, out: &mut Polylines) {
    let dd = len([p0[0] - 2.0 * p1[0] + p2[0], p0[1] - 2.0 * p1[1] + p2[1]]);
    let n = subdivisions(dd, 0.25, tol);
    for i in 1..n {
        let t = i as f32 / n as f32;
        let mt = 1.0 - t;
        let (a, b, c) = (mt * mt, 2.0 * mt * t, t * t);
        out.push([
            a * p0[0] + b * p1[0] + c * p2[0],
            a * p0[1] + b * p1[1] + c * p2[1],
        ]);
    }
    out.push(p2);
}

fn cubic(p0: [f32; 2], p1: [f32; 2], p2: [f32; 2], p3: [f32; 2], tol: f32, out: &mut Polylines) {
    let d1 = len([p0[0] - 2.0 * p1[0] + p2[0], p0[1] - 2.0 * p1[1] + p2[1]]);
    let d2 = len([p1[0] - 2.0 * p2[0] + p3[0], p1[1] - 2.0 * p2[1] + p3[1]]);
    let n = subdivisions(d1.max(d2), 0.75, tol);
    for i in 1..n {
        let t = i as f32 / n as f32;
        let mt = 1.0 - t;
        let (a, b, c, d) = (mt * mt * mt, 3.0 * mt * mt * t, 3.0 * mt * t * t, t * t * t);
        out.push([
            a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
            a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
        ]);
    }
    out.push(p3);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiny_skia_path::PathBuilder;

    #[test]
    fn circle_flattens_within_tolerance() {
        let path = PathBuilder::from_circle(50.0, 50.0, 40.0).unwrap();
        let mut out = Polylines::default();
        flatten(&path, &Transform::IDENTITY, 0.1, &mut out);
        assert_eq!(out.len(), 1);
        for p in &out.points {
            let r = ((p[0] - 50.0).powi(2) + (p[1] - 50.0).powi(2)).sqrt();
            assert!((r - 40.0).abs() < 0.15, "radius {r}");
        }
        assert!(out.points.len() > 16);
    }

    #[test]
    fn transform_is_applied() {
        let mut pb = PathBuilder::new();
        pb.move_to(0.0, 0.0);
        pb.line_to(1.0, 0.0);
        pb.line_to(1.0, 1.0);
        let path = pb.finish().unwrap();
        let mut out = Polylines::default();
        flatten(
            &path,
            &Transform([2.0, 0.0, 0.0, 2.0, 10.0, 0.0]),
            0.1,
            &mut out,
        );
        assert_eq!(out.points, vec![[10.0, 0.0], [12.0, 0.0], [12.0, 2.0]]);
    }
}
