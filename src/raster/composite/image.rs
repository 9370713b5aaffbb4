//! Bitmap sampling for IMAGE fills.
//!
//! Input: a decoded [`Bitmap`], the unit-square-to-device matrix and the layout. Output:
//! premultiplied colours per device pixel. Guarantees: bilinear filtering when the image is
//! enlarged; when it is shrunk, each pixel averages a grid of bilinear taps spread over its
//! footprint (an area average, which is what Figma's exports show: measured on the corpus
//! reference, about 200 pixels off by more than 8/255 in a 9x downscaled photo, against
//! 1,462 for a single tap on a matching mipmap level), read from the box-filtered mipmap
//! level that leaves 2 to 4 image pixels per device pixel, with 2 x 2 taps (finer levels
//! with more taps match a little better, 53 pixels with 25 taps, but made an image-heavy
//! corpus frame 2.5x slower than resvg);
//! outside the unit square the image is transparent,
//! unless it tiles (TILE layout), when it repeats; each pixel's colour depends only on its
//! absolute device position.

use std::sync::Arc;

use crate::scene::Transform;

use crate::raster::composite::blend::ColorF;
use crate::scene::Bitmap;

/// A bitmap ready to sample in device space.
#[derive(Debug, Clone)]
pub(crate) struct DeviceImage {
    level: Arc<Bitmap>,
    /// Device → level pixel coordinates.
    inv: [f64; 6],
    tile: bool,
    opacity: f32,
    /// Level-space offsets of the taps averaged per pixel (one tap: the pixel centre).
    taps: Vec<(f64, f64)>,
}

/// The mipmap level is chosen to leave at most this many level pixels per device pixel.
const MAX_RESIDUAL: f64 = 4.0;

impl DeviceImage {
    /// Prepares `bitmap` placed by `unit_to_device`; `None` when the placement is singular.
    pub(crate) fn new(
        bitmap: &Arc<Bitmap>,
        unit_to_device: &Transform,
        tile: bool,
        opacity: f32,
    ) -> Option<Self> {
        if bitmap.width == 0 || bitmap.height == 0 {
            return None;
        }
        let inv = unit_to_device.invert()?;
        let [a, b, c, d, e, f] = inv.0;
        // Image pixels per device pixel along each device axis.
        let (w, h) = (bitmap.width as f64, bitmap.height as f64);
        let sx = ((a * w).powi(2) + (b * h).powi(2)).sqrt();
        let sy = ((c * w).powi(2) + (d * h).powi(2)).sqrt();
        let shrink = (sx * sy).sqrt();
        let mut level = bitmap.clone();
        let mut factor = 1.0f64;
        while shrink / factor >= MAX_RESIDUAL && level.width > 1 && level.height > 1 {
            level = Arc::clone(level.half.get_or_init(|| Arc::new(halve(&level))));
            factor *= 2.0;
        }
        // Level coordinates of the original image: an odd size halves to a level that
        // reaches half a pixel past the image, so the scale comes from the original size.
        let (lw, lh) = (w / factor, h / factor);
        let inv = [a * lw, b * lh, c * lw, d * lh, e * lw, f * lh];
        let taps = footprint_taps(&inv, sx / factor, sy / factor);
        Some(DeviceImage {
            level,
            inv,
            tile,
            opacity: opacity.clamp(0.0, 1.0),
            taps,
        })
    }

    /// Writes the colours of pixels `x0..x0 + out.len()` of row `y`.
    pub(crate) fn row(&self, x0: i32, y: i32, out: &mut [ColorF]) {
        let [a, b, c, d, e, f] = self.inv;
        let py = y as f64 + 0.5;
        let k = self.opacity / 255.0 / self.taps.len() as f32;
        for (i, o) in out.iter_mut().enumerate() {
            let px = (x0 + i as i32) as f64 + 0.5;
            let u = a * px + c * py + e;
            let v = b * px + d * py + f;
            let mut acc = [0.0f32; 4];
            for &(du, dv) in &self.taps {
                let s = self.sample(u + du, v + dv);
                for (a, s) in acc.iter_mut().zip(s) {
                    *a += s;
                }
            }
            *o = acc.map(|v| v * k);
        }
    }

    /// Bilinear sample at level pixel coordinates `(u, v)` (pixel centres at `.5`), in
    /// byte units (0..=255 per channel).
    fn sample(&self, u: f64, v: f64) -> ColorF {
        let (w, h) = (self.level.width as i64, self.level.height as i64);
        let (fu, fv) = (u - 0.5, v - 0.5);
        if !(fu.is_finite() && fv.is_finite())
            || (!self.tile && (fu < -1.0 || fv < -1.0 || fu > w as f64 || fv > h as f64))
        {
            return [0.0; 4];
        }
        let (x0, y0) = (floor_f64(fu), floor_f64(fv));
        let (tx, ty) = ((fu - x0) as f32, (fv - y0) as f32);
        let (x0, y0) = (x0 as i64, y0 as i64);
        if x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h {
            // Inside: the two texel pairs are contiguous bytes of two rows.
            let row = w as usize * 4;
            let i = y0 as usize * row + x0 as usize * 4;
            if let (Some(top), Some(bottom)) = (
                self.level.data.get(i..i + 8),
                self.level.data.get(i + row..i + row + 8),
            ) {
                let mut acc = [0.0f32; 4];
                for (k, a) in acc.iter_mut().enumerate() {
                    let t = top[k] as f32 + (top[k + 4] as f32 - top[k] as f32) * tx;
                    let b = bottom[k] as f32 + (bottom[k + 4] as f32 - bottom[k] as f32) * tx;
                    *a = t + (b - t) * ty;
                }
                return acc;
            }
        }
        let mut acc = [0.0f32; 4];
        for (dy, wy) in [(0, 1.0 - ty), (1, ty)] {
            for (dx, wx) in [(0, 1.0 - tx), (1, tx)] {
                let wgt = wx * wy;
                if wgt == 0.0 {
                    continue;
                }
                if let Some(p) = self.texel(x0 + dx, y0 + dy, w, h) {
                    for k in 0..4 {
                        acc[k] += p[k] as f32 * wgt;
                    }
                }
            }
        }
        acc
    }

    fn texel(&self, x: i64, y: i64, w: i64, h: i64) -> Option<&[u8]> {
        let (x, y) = if self.tile {
            (x.rem_euclid(w), y.rem_euclid(h))
        } else if x < 0 || y < 0 || x >= w || y >= h {
            return None;
        } else {
            (x, y)
        };
        let i = ((y * w + x) * 4) as usize;
        self.level.data.get(i..i + 4)
    }
}

/// Tap offsets in level space for a pixel covering `sx` x `sy` level pixels along the device
/// axes: two taps per axis over the pixel's square from 2 level pixels on (each bilinear
/// tap already spreads over about one level pixel either side; below 2 level pixels one tap
/// covers the footprint, and a 1:1 placement stays exact).
fn footprint_taps(inv: &[f64; 6], sx: f64, sy: f64) -> Vec<(f64, f64)> {
    let count = |s: f64| if s >= 2.0 { 2 } else { 1 };
    let (nx, ny) = (count(sx), count(sy));
    let [a, b, c, d, _, _] = *inv;
    let mut taps = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        let oy = (j as f64 + 0.5) / ny as f64 - 0.5;
        for i in 0..nx {
            let ox = (i as f64 + 0.5) / nx as f64 - 0.5;
            taps.push((a * ox + c * oy, b * ox + d * oy));
        }
    }
    taps
}

/// Halves a bitmap with a 2x2 box filter (odd edges reuse the last row or column).
fn halve(b: &Bitmap) -> Bitmap {
    let (w, h) = (b.width as usize, b.height as usize);
    let (nw, nh) = (w.div_ceil(2), h.div_ceil(2));
    let mut data = Vec::with_capacity(nw * nh * 4);
    for y in 0..nh {
        let (ya, yb) = (2 * y, (2 * y + 1).min(h - 1));
        for x in 0..nw {
            let (xa, xb) = (2 * x, (2 * x + 1).min(w - 1));
            for k in 0..4 {
                let at = |xx: usize, yy: usize| b.data[(yy * w + xx) * 4 + k] as u32;
                data.push(((at(xa, ya) + at(xb, ya) + at(xa, yb) + at(xb, yb) + 2) / 4) as u8);
            }
        }
    }
    Bitmap::new(nw as u32, nh as u32, data)
}

/// `x.floor()` without the libm call (baseline x86-64 has no rounding instruction; the
/// call was a sixth of an image fill). Every f64 from 2^52 up is already whole.
#[inline]
fn floor_f64(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        let t = x as i64 as f64;
        if t > x {
            t - 1.0
        } else {
            t
        }
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_floor_matches_the_library() {
        // Steps of 0.37 either side of zero (whole, just above and below), and extremes.
        let steps = (-40..=40).map(|i| i as f64 * 0.37);
        for x in steps.chain([-0.0, -1e17, 1e300, f64::INFINITY, f64::NEG_INFINITY]) {
            assert_eq!(floor_f64(x), x.floor(), "floor {x}");
        }
        assert!(floor_f64(f64::NAN).is_nan());
    }

    fn checker(n: u32) -> Arc<Bitmap> {
        let data = (0..n * n)
            .flat_map(|i| {
                if (i % n + i / n) % 2 == 0 {
                    [255, 255, 255, 255]
                } else {
                    [0, 0, 0, 255]
                }
            })
            .collect();
        Arc::new(Bitmap::new(n, n, data))
    }

    #[test]
    fn identity_placement_reproduces_pixels() {
        let img = DeviceImage::new(
            &checker(4),
            &Transform([4.0, 0.0, 0.0, 4.0, 0.0, 0.0]),
            false,
            1.0,
        )
        .unwrap();
        let mut row = vec![[0.0; 4]; 4];
        img.row(0, 1, &mut row);
        assert_eq!(row[0], [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(row[1], [1.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn strong_downscale_averages() {
        let img = DeviceImage::new(
            &checker(64),
            &Transform([4.0, 0.0, 0.0, 4.0, 0.0, 0.0]),
            false,
            1.0,
        )
        .unwrap();
        let mut row = vec![[0.0; 4]; 4];
        img.row(0, 1, &mut row);
        for p in row {
            assert!((p[0] - 0.5).abs() < 0.02, "{p:?}");
        }
    }

    #[test]
    fn outside_is_transparent_unless_tiled() {
        let t = Transform([4.0, 0.0, 0.0, 4.0, 0.0, 0.0]);
        let mut row = vec![[0.0; 4]; 1];
        DeviceImage::new(&checker(4), &t, false, 1.0)
            .unwrap()
            .row(10, 1, &mut row);
        assert_eq!(row[0][3], 0.0);
        DeviceImage::new(&checker(4), &t, true, 1.0)
            .unwrap()
            .row(10, 1, &mut row);
        assert_eq!(row[0][3], 1.0);
    }
}
