//! Integer pixel rectangles.
//!
//! Input: float bounds or corners. Output: [`IRect`], half-open `[x0, x1) × [y0, y1)` in
//! absolute output pixels. Guarantee: an empty rectangle stays empty under intersection.

/// A half-open pixel rectangle in absolute output coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IRect {
    /// Left.
    pub x0: i32,
    /// Top.
    pub y0: i32,
    /// Right (exclusive).
    pub x1: i32,
    /// Bottom (exclusive).
    pub y1: i32,
}

impl IRect {
    /// The empty rectangle.
    pub const EMPTY: IRect = IRect {
        x0: 0,
        y0: 0,
        x1: 0,
        y1: 0,
    };

    /// A rectangle from its corners.
    pub fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Self {
        IRect { x0, y0, x1, y1 }
    }

    /// The pixels touched by the float box `[x0, x1] × [y0, y1]`; empty when not finite.
    pub fn covering(x0: f32, y0: f32, x1: f32, y1: f32) -> Self {
        if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite())
            || x0 > x1
            || y0 > y1
        {
            return IRect::EMPTY;
        }
        // Clamped first: every value within ±2^24 rounds to itself as an integer.
        let clamp = |v: f32| v.clamp(-(1 << 24) as f32, (1 << 24) as f32);
        IRect::new(
            floor_i32(clamp(x0)),
            floor_i32(clamp(y0)),
            ceil_i32(clamp(x1)) + 1,
            ceil_i32(clamp(y1)) + 1,
        )
    }

    /// True when no pixel is inside.
    pub fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }

    /// Width in pixels (0 when empty).
    pub fn width(&self) -> usize {
        (self.x1 - self.x0).max(0) as usize
    }

    /// Height in pixels (0 when empty).
    pub fn height(&self) -> usize {
        (self.y1 - self.y0).max(0) as usize
    }

    /// Overlap of both.
    pub fn intersect(&self, o: &IRect) -> IRect {
        let r = IRect::new(
            self.x0.max(o.x0),
            self.y0.max(o.y0),
            self.x1.min(o.x1),
            self.y1.min(o.y1),
        );
        if r.is_empty() {
            IRect::EMPTY
        } else {
            r
        }
    }

    /// Smallest rectangle containing both.
    pub fn union(&self, o: &IRect) -> IRect {
        if o.is_empty() {
            return *self;
        }
        if self.is_empty() {
            return *o;
        }
        IRect::new(
            self.x0.min(o.x0),
            self.y0.min(o.y0),
            self.x1.max(o.x1),
            self.y1.max(o.y1),
        )
    }
}

/// `x.floor() as i32` without the libm call (x86-64's baseline has no rounding instruction);
/// the same saturation, 0 for NaN.
#[inline]
pub(crate) fn floor_i32(x: f32) -> i32 {
    let t = x as i32;
    if (t as f32) > x {
        t.saturating_sub(1)
    } else {
        t
    }
}

/// `x.ceil() as i32` without the libm call; the same saturation, 0 for NaN.
#[inline]
pub(crate) fn ceil_i32(x: f32) -> i32 {
    let t = x as i32;
    if (t as f32) < x {
        t.saturating_add(1)
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn covering_rounds_out_and_rejects_nan() {
        assert_eq!(IRect::covering(0.5, 1.0, 2.2, 3.0), IRect::new(0, 1, 4, 4));
        assert!(IRect::covering(f32::NAN, 0.0, 1.0, 1.0).is_empty());
    }

    #[test]
    fn intersection_of_disjoint_is_empty() {
        assert!(IRect::new(0, 0, 2, 2)
            .intersect(&IRect::new(3, 3, 4, 4))
            .is_empty());
        assert_eq!(
            IRect::EMPTY.union(&IRect::new(1, 1, 2, 2)),
            IRect::new(1, 1, 2, 2)
        );
    }
}
