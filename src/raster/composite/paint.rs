//! Paints prepared for the device: solid colours premultiplied, gradients as lookup tables
//! with a device-to-gradient-space matrix.
//!
//! Input: scene [`Paint`]s and the component-to-device matrix. Output: [`DevicePaint`]s that
//! evaluate one row of premultiplied pixels at a time. Guarantees: the colour of a pixel is a
//! function of its absolute device coordinates only (band-independent); stops interpolate in
//! non-premultiplied space and are premultiplied afterwards, as the reference does.

use std::sync::OnceLock;

use multiversion::multiversion;

use crate::scene::Transform;

use crate::raster::composite::blend::ColorF;
use crate::raster::composite::gradient_table::{build_lut, build_lut8, LUT_SIZE};
use crate::raster::composite::image::DeviceImage;
use crate::scene::{BlendMode, GradientKind, GradientSpace, GradientStop, Paint, PaintKind};

/// A paint ready to evaluate in device space.
#[derive(Debug, Clone)]
pub(crate) struct DevicePaint {
    /// Blend mode of the paint.
    pub blend: BlendMode,
    /// What it paints.
    pub source: Source,
}

/// The colour source.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// One premultiplied colour.
    Solid(ColorF),
    /// A gradient.
    Gradient(Box<DeviceGradient>),
    /// A bitmap.
    Image(Box<DeviceImage>),
}

/// A gradient: device → gradient space matrix and premultiplied lookup tables.
#[derive(Debug, Clone)]
pub(crate) struct DeviceGradient {
    kind: GradientKind,
    inv: [f64; 6],
    stops: Vec<GradientStop>,
    space: GradientSpace,
    /// The table as floats, built on first use: most gradients are only ever drawn through
    /// the byte table, and the float one is four times its size to write.
    lut: OnceLock<Vec<ColorF>>,
    lut8: Vec<[u8; 4]>,
}

impl DevicePaint {
    /// Prepares `p` for the device; `device` maps component space to output pixels.
    pub(crate) fn new(p: &Paint, device: &Transform) -> Option<DevicePaint> {
        let source = match &p.kind {
            PaintKind::Solid(c) => Source::Solid(premultiply(*c)),
            PaintKind::Image {
                bitmap,
                transform,
                tile,
                opacity,
            } => {
                let to_device = device.then_apply_to(transform);
                Source::Image(Box::new(DeviceImage::new(
                    bitmap, &to_device, *tile, *opacity,
                )?))
            }
            PaintKind::Gradient {
                kind,
                stops,
                transform,
                space,
            } => {
                let inv = device.then_apply_to(transform).invert()?;
                let mut lut8 = vec![[0; 4]; LUT_SIZE];
                build_lut8(stops, *space, &mut lut8);
                Source::Gradient(Box::new(DeviceGradient {
                    kind: *kind,
                    inv: inv.0,
                    stops: stops.clone(),
                    space: *space,
                    lut: OnceLock::new(),
                    lut8,
                }))
            }
        };
        Some(DevicePaint {
            blend: p.blend,
            source,
        })
    }

    /// The colour when it does not vary per pixel.
    pub(crate) fn solid(&self) -> Option<ColorF> {
        match &self.source {
            Source::Solid(c) => Some(*c),
            Source::Gradient(_) | Source::Image(_) => None,
        }
    }

    /// Writes the colours of pixels `x0..x0 + out.len()` of row `y`.
    pub(crate) fn row(&self, x0: i32, y: i32, out: &mut [ColorF]) {
        match &self.source {
            Source::Solid(c) => out.fill(*c),
            Source::Gradient(g) => g.row(x0, y, out),
            Source::Image(img) => img.row(x0, y, out),
        }
    }

    /// Writes 8-bit premultiplied colours of pixels `x0..x0 + out.len()` of row `y`.
    pub(crate) fn row_u8(&self, x0: i32, y: i32, out: &mut [[u8; 4]]) {
        match &self.source {
            Source::Solid(c) => out.fill(to_u8(*c)),
            Source::Gradient(g) => g.for_each(x0, y, out, |i| g.lut8[i]),
            Source::Image(img) => {
                let mut px = [[0.0f32; 4]; 64];
                for (k, chunk) in out.chunks_mut(64).enumerate() {
                    let n = chunk.len();
                    img.row(x0 + (k * 64) as i32, y, &mut px[..n]);
                    for (o, p) in chunk.iter_mut().zip(&px[..n]) {
                        *o = to_u8(*p);
                    }
                }
            }
        }
    }
}

/// Rounds a premultiplied colour to bytes.
#[inline]
pub(crate) fn to_u8(c: ColorF) -> [u8; 4] {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    [byte(c[0]), byte(c[1]), byte(c[2]), byte(c[3])]
}

impl DeviceGradient {
    fn row(&self, x0: i32, y: i32, out: &mut [ColorF]) {
        // The same entries the byte table was rounded from: one function builds both.
        let lut = self.lut.get_or_init(|| {
            let mut lut = vec![[0.0; 4]; LUT_SIZE];
            build_lut(&self.stops, self.space, |k, c| lut[k] = c);
            lut
        });
        self.for_each(x0, y, out, |i| lut[i]);
    }

    /// Evaluates the lookup-table index of each pixel of a row and maps it through `pick`.
    #[inline]
    fn for_each<T>(&self, x0: i32, y: i32, out: &mut [T], pick: impl Fn(usize) -> T) {
        // Indices a block at a time: the index pass is a plain loop over one gradient kind,
        // which vectorises; the table look-ups then read them back.
        const BLOCK: usize = 256;
        let mut idx = [0u16; BLOCK];
        for (k, chunk) in out.chunks_mut(BLOCK).enumerate() {
            let idx = &mut idx[..chunk.len()];
            lut_indices(self.kind, &self.inv, x0 + (k * BLOCK) as i32, y, idx);
            for (o, &i) in chunk.iter_mut().zip(idx.iter()) {
                *o = pick(i as usize);
            }
        }
    }
}

/// The lookup-table index of pixels `x0..x0 + out.len()` of row `y` (pixel centres mapped
/// to gradient space by `inv`).
#[multiversion(targets("x86_64+avx512f+avx512bw+avx2", "x86_64+avx2"))]
fn lut_indices(kind: GradientKind, inv: &[f64; 6], x0: i32, y: i32, out: &mut [u16]) {
    let [a, b, c, d, e, f] = *inv;
    let py = y as f64 + 0.5;
    // The same operations in the same order as ever: `(a·px + c·py) + e`.
    let (cy, dy) = (c * py, d * py);
    let gx = |px: f64| a * px + cy + e;
    let gy = |px: f64| b * px + dy + f;
    match kind {
        GradientKind::Linear => indices(out, x0, gx),
        GradientKind::Radial => indices(out, x0, |px| {
            let (x, y) = (gx(px), gy(px));
            (x * x + y * y).sqrt()
        }),
        GradientKind::Diamond => indices(out, x0, |px| gx(px).abs() + gy(px).abs()),
        GradientKind::Angular => indices(out, x0, |px| {
            let turn = gy(px).atan2(gx(px)) / std::f64::consts::TAU;
            turn - turn.floor()
        }),
    }
}

/// Writes the table index of each pixel's gradient position `t(x + 0.5)`.
#[inline(always)]
fn indices(out: &mut [u16], x0: i32, t: impl Fn(f64) -> f64) {
    let last = (LUT_SIZE - 1) as f64;
    for (i, o) in out.iter_mut().enumerate() {
        let px = (x0 + i as i32) as f64 + 0.5;
        // `max` first turns NaN into 0. The rounded position is then a whole number within
        // 0..=last, which adding 2^52 moves into the low bits of the mantissa exactly: a
        // float-to-integer cast would be the same number, but its saturation and NaN
        // fix-ups keep it out of the vector registers, lane by lane.
        #[expect(clippy::manual_clamp, reason = "clamp keeps NaN, max turns it into 0")]
        let v = (t(px).max(0.0).min(1.0) * last + 0.5).floor().min(last);
        *o = (v + 4_503_599_627_370_496.0).to_bits() as u16;
    }
}

/// Premultiplies a straight colour.
#[inline]
pub(crate) fn premultiply(c: [f32; 4]) -> ColorF {
    [c[0] * c[3], c[1] * c[3], c[2] * c[3], c[3]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::composite::gradient_table::stop;

    /// A gradient paint prepared at identity.
    fn gradient(
        kind: GradientKind,
        stops: Vec<GradientStop>,
        transform: Transform,
        space: GradientSpace,
    ) -> DevicePaint {
        let kind = PaintKind::Gradient {
            kind,
            stops,
            transform,
            space,
        };
        let p = Paint {
            blend: BlendMode::Normal,
            kind,
        };
        DevicePaint::new(&p, &Transform::IDENTITY).unwrap()
    }

    #[test]
    fn linear_gradient_runs_along_x() {
        let stops = vec![
            stop(0.0, [0.0, 0.0, 0.0, 1.0]),
            stop(1.0, [1.0, 1.0, 1.0, 1.0]),
        ];
        let scale = Transform([100.0, 0.0, 0.0, 100.0, 0.0, 0.0]);
        let dp = gradient(GradientKind::Linear, stops, scale, GradientSpace::Srgb);
        let mut row = vec![[0.0; 4]; 100];
        dp.row(0, 0, &mut row);
        assert!(row[0][0] < 0.01 && row[99][0] > 0.98 && (row[50][0] - 0.505).abs() < 0.01);
    }

    #[test]
    fn indices_match_the_plain_cast() {
        // The index arithmetic avoids a float-to-integer cast; it must give what the cast
        // gave for every position: ends, NaN, infinities, exact ties and a dense sweep.
        let old = |t: f64| {
            let idx = (t.clamp(0.0, 1.0) * (LUT_SIZE - 1) as f64 + 0.5) as i32;
            idx.min(LUT_SIZE as i32 - 1) as u16
        };
        let mut ts = vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1e300,
            1e300,
            -0.0,
            0.0,
            1.0,
            1.0 + f64::EPSILON,
            -f64::MIN_POSITIVE,
        ];
        // Positions whose scaled value lands exactly on, or a hair either side of, k + 0.5.
        for k in 0..LUT_SIZE {
            let t = (k as f64 - 0.5) / (LUT_SIZE - 1) as f64;
            ts.extend([t, t.next_up(), t.next_down()]);
        }
        ts.extend((0..100_000).map(|i| i as f64 / 99_999.0 * 1.2 - 0.1));
        let mut out = vec![0u16; ts.len()];
        indices(&mut out, 0, |px| ts[px as usize]);
        for (t, got) in ts.iter().zip(&out) {
            assert_eq!(*got, old(*t), "t = {t:e}");
        }
    }

    #[test]
    fn byte_rows_are_the_float_rows_rounded() {
        // The byte table is built first and the float one later, on demand: both must
        // hold the same entries, in every colour space and with eased stops.
        for space in [
            GradientSpace::Srgb,
            GradientSpace::Oklab,
            GradientSpace::LinearSrgb,
        ] {
            let stops = vec![
                stop(0.1, [0.9, 0.2, 0.1, 0.5]),
                GradientStop {
                    power: 1.7,
                    ..stop(0.6, [0.1, 0.8, 0.3, 1.0])
                },
                stop(0.95, [0.2, 0.1, 0.9, 0.8]),
            ];
            let place = Transform([70.0, 0.0, 0.0, 70.0, 10.0, 10.0]);
            let dp = gradient(GradientKind::Radial, stops, place, space);
            for y in [0, 13, 40, 60] {
                let mut bytes = vec![[0u8; 4]; 90];
                dp.row_u8(0, y, &mut bytes);
                let mut floats = vec![[0.0; 4]; 90];
                dp.row(0, y, &mut floats);
                let rounded: Vec<[u8; 4]> = floats.iter().map(|c| to_u8(*c)).collect();
                assert_eq!(bytes, rounded, "{space:?} row {y}");
                assert!(bytes.windows(2).any(|w| w[0] != w[1]), "the row varies");
            }
        }
    }
}
