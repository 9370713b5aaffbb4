//! Axis-aligned bounds in component space.
//!
//! Input: points, paths and transforms. Output: [`Bounds`] with union and intersection.
//! Guarantee: an empty bounds (`is_empty`) absorbs intersections and is neutral in unions.

use octopus_schema::Transform;
use tiny_skia_path::Path;

/// An axis-aligned rectangle `[x0, x1) × [y0, y1)`; empty when `x0 >= x1` or `y0 >= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl Bounds {
    /// The empty bounds.
    pub const EMPTY: Bounds = Bounds {
        x0: f64::INFINITY,
        y0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        y1: f64::NEG_INFINITY,
    };

    /// A rectangle from its corners.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Bounds { x0, y0, x1, y1 }
    }

    /// True when nothing is inside.
    pub fn is_empty(&self) -> bool {
        !(self.x0 < self.x1 && self.y0 < self.y1)
    }

    /// Smallest bounds containing both.
    pub fn union(&self, o: &Bounds) -> Bounds {
        if o.is_empty() {
            return *self;
        }
        if self.is_empty() {
            return *o;
        }
        Bounds::new(
            self.x0.min(o.x0),
            self.y0.min(o.y0),
            self.x1.max(o.x1),
            self.y1.max(o.y1),
        )
    }

    /// Overlap of both.
    pub fn intersect(&self, o: &Bounds) -> Bounds {
        let b = Bounds::new(
            self.x0.max(o.x0),
            self.y0.max(o.y0),
            self.x1.min(o.x1),
            self.y1.min(o.y1),
        );
        if b.is_empty() {
            Bounds::EMPTY
        } else {
            b
        }
    }

    /// Grows every side by `d`.
    pub fn outset(&self, d: f64) -> Bounds {
        if self.is_empty() {
            return *self;
        }
        Bounds::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    /// Bounds of this rectangle's four corners after `t`.
    pub fn transform(&self, t: &Transform) -> Bounds {
        if self.is_empty() {
            return *self;
        }
        let mut out = Bounds::EMPTY;
        for (x, y) in [
            (self.x0, self.y0),
            (self.x1, self.y0),
            (self.x0, self.y1),
            (self.x1, self.y1),
        ] {
            let (px, py) = t.apply(x, y);
            out = out.union(&Bounds::new(px, py, px, py).inflate_point());
        }
        out
    }

    /// A point as a degenerate-but-non-empty box (so unions of points work).
    fn inflate_point(self) -> Bounds {
        Bounds::new(
            self.x0,
            self.y0,
            self.x1 + f64::EPSILON.max(self.x1.abs() * 1e-12),
            self.y1 + f64::EPSILON.max(self.y1.abs() * 1e-12),
        )
    }

    /// Bounds of a local-space path's control points after `t`.
    pub fn of_path(path: &Path, t: &Transform) -> Bounds {
        let r = path.bounds();
        Bounds::new(
            r.left() as f64,
            r.top() as f64,
            r.right() as f64,
            r.bottom() as f64,
        )
        .inflate_point()
        .transform(t)
    }

    /// True when every coordinate is finite.
    pub fn is_finite(&self) -> bool {
        self.x0.is_finite() && self.y0.is_finite() && self.x1.is_finite() && self.y1.is_finite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_and_intersection() {
        let a = Bounds::new(0.0, 0.0, 10.0, 10.0);
        let b = Bounds::new(5.0, 5.0, 20.0, 20.0);
        assert_eq!(a.union(&b), Bounds::new(0.0, 0.0, 20.0, 20.0));
        assert_eq!(a.intersect(&b), Bounds::new(5.0, 5.0, 10.0, 10.0));
        assert!(a.intersect(&Bounds::new(11.0, 11.0, 12.0, 12.0)).is_empty());
        assert_eq!(Bounds::EMPTY.union(&a), a);
    }

    #[test]
    fn rotation_grows_bounds() {
        let a = Bounds::new(0.0, 0.0, 10.0, 10.0);
        let s = std::f64::consts::FRAC_1_SQRT_2;
        let r = a.transform(&Transform([s, s, -s, s, 0.0, 0.0]));
        assert!((r.x1 - r.x0 - 14.142).abs() < 0.01);
    }
}
