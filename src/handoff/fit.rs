//! Fitting an image within a width and height: the scale a thumbnail is rendered at.
//!
//! Input: a frame in design pixels and the most pixels of width and height (either open).
//! Output: the largest scale at which the frame, rounded out to whole pixels as the raster
//! rounds it, stays within both. Guarantee: the rendered image never exceeds a bound, and
//! meets the tighter one (within the rounding of an `f32` scale).

use crate::scene::Bounds;

/// The largest scale at which `frame`, rendered, fits within `width` × `height`.
pub fn fit_scale(frame: &Bounds, width: Option<u32>, height: Option<u32>) -> f32 {
    let (w, h) = (frame.x1 - frame.x0, frame.y1 - frame.y0);
    let sw = width.map_or(f64::INFINITY, |m| m as f64 / w.max(1e-9));
    let sh = height.map_or(f64::INFINITY, |m| m as f64 / h.max(1e-9));
    let mut s = sw.min(sh).min(f32::MAX as f64) as f32;
    // The raster rounds out `extent * scale` in f64 (prepare::output_size); the f32 scale
    // may land one pixel past the bound, so it steps down until it does not.
    let over = |s: f32| {
        let s = s as f64;
        width.is_some_and(|m| (w * s).ceil() > m as f64)
            || height.is_some_and(|m| (h * s).ceil() > m as f64)
    };
    while s > 0.0 && over(s) {
        s = f32::from_bits(s.to_bits() - 1);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(w: f64, h: f64) -> Bounds {
        Bounds::new(0.0, 0.0, w, h)
    }

    #[test]
    fn fitting_keeps_the_aspect_ratio_within_both_bounds() {
        let s = fit_scale(&frame(1440.0, 900.0), Some(200), None) as f64;
        assert_eq!((1440.0 * s).ceil(), 200.0);
        let s = fit_scale(&frame(1440.0, 900.0), Some(200), Some(100)) as f64;
        assert_eq!((900.0 * s).ceil(), 100.0);
        assert!((1440.0 * s).ceil() <= 200.0);
        for w in [333.0, 1000.3, 7.0] {
            let s = fit_scale(&frame(w, 10.0), Some(97), None) as f64;
            assert!((w * s).ceil() <= 97.0, "{w}");
            assert!((w * s).ceil() >= 96.0, "{w}");
        }
    }
}
