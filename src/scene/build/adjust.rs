//! Colour adjustments of image fills: Figma's, Sketch's and XD's image filters.
//!
//! Input: a decoded, premultiplied bitmap and the fill's adjustment filters. Output: a new
//! bitmap with the adjustments applied. Guarantees: parameters are clamped to [-1, 1]; an
//! all-zero adjustment (Figma writes one on every image) is recognised as the identity and
//! costs nothing; the design tools do not publish their curves, so these are the common
//! textbook operations (the caller reports each applied adjustment as approximated):
//! brightness adds, temperature scales red against blue, tint scales green, contrast
//! stretches around mid-grey, highlights and shadows lift or lower the bright and dark
//! quarters of luminance, saturation scales the distance from luminance, hue rotates around
//! the grey axis (a full turn at ±1 would be identity, so ±1 is ±180°).

use octopus_schema::{ImageFilter, ImageFilterType};

use crate::scene::Bitmap;

/// Adjustment amounts, each in [-1, 1], 0 = unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Adjustment {
    /// Added to every channel.
    pub brightness: f32,
    /// Warmer (positive) or cooler.
    pub temperature: f32,
    /// Magenta (positive) or green.
    pub tint: f32,
    /// Contrast around mid-grey.
    pub contrast: f32,
    /// Bright tones up or down.
    pub highlights: f32,
    /// Dark tones up or down.
    pub shadows: f32,
    /// Colourfulness.
    pub saturation: f32,
    /// Hue rotation, ±1 = ±180°.
    pub hue: f32,
}

impl Adjustment {
    /// Reads the adjustment filters of a fill (OPACITY_MULTIPLIER is handled elsewhere).
    pub(super) fn from_filters(filters: &[ImageFilter]) -> Adjustment {
        let mut a = Adjustment::default();
        for f in filters.iter().filter(|f| f.visible) {
            let get = |k: &str| {
                f.color_adjustment
                    .as_ref()
                    .and_then(|m| m.get(k))
                    .and_then(|v| v.as_f64())
                    .filter(|v| v.is_finite())
                    .map_or(0.0, |v| v.clamp(-1.0, 1.0) as f32)
            };
            match f.kind {
                ImageFilterType::XdBrightnessAdjustment => {
                    a.brightness += f
                        .brightness
                        .filter(|b| b.is_finite())
                        .unwrap_or(0.0)
                        .clamp(-1.0, 1.0) as f32;
                }
                ImageFilterType::FigmaColorAdjustment | ImageFilterType::SketchColorAdjustment => {
                    a.brightness += get("brightness");
                    a.temperature += get("temperature");
                    a.tint += get("tint");
                    a.contrast += get("contrast");
                    a.highlights += get("highlights");
                    a.shadows += get("shadows");
                    a.saturation += get("saturation");
                    a.hue += get("hue");
                }
                _ => {}
            }
        }
        a
    }

    /// True when applying it changes nothing.
    pub(super) fn is_identity(&self) -> bool {
        *self == Adjustment::default()
    }

    /// The adjusted copy of `bm`.
    pub(super) fn apply(&self, bm: &Bitmap) -> Bitmap {
        let hue = hue_matrix(self.hue * std::f32::consts::PI);
        let mut data = bm.data.clone();
        for px in data.chunks_exact_mut(4) {
            let a = px[3] as f32 / 255.0;
            if a <= 0.0 {
                continue;
            }
            let mut c = [0, 1, 2].map(|i| px[i] as f32 / 255.0 / a);
            self.adjust(&mut c, &hue);
            for i in 0..3 {
                px[i] = (c[i].clamp(0.0, 1.0) * a * 255.0 + 0.5) as u8;
            }
        }
        Bitmap::new(bm.width, bm.height, data)
    }

    fn adjust(&self, c: &mut [f32; 3], hue: &[[f32; 3]; 3]) {
        for v in c.iter_mut() {
            *v += self.brightness;
        }
        c[0] *= 1.0 + 0.2 * self.temperature;
        c[2] *= 1.0 - 0.2 * self.temperature;
        c[1] *= 1.0 - 0.2 * self.tint;
        for v in c.iter_mut() {
            *v = (*v - 0.5) * (1.0 + self.contrast) + 0.5;
        }
        let l = luma(c);
        let lift = 0.25
            * (self.highlights * smooth(0.5, 1.0, l) + self.shadows * (1.0 - smooth(0.0, 0.5, l)));
        for v in c.iter_mut() {
            *v += lift;
        }
        let l = luma(c);
        for v in c.iter_mut() {
            *v = l + (*v - l) * (1.0 + self.saturation);
        }
        if self.hue != 0.0 {
            let r = *c;
            for (i, row) in hue.iter().enumerate() {
                c[i] = row[0] * r[0] + row[1] * r[1] + row[2] * r[2];
            }
        }
    }
}

fn luma(c: &[f32; 3]) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

fn smooth(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Rotation by `angle` around the grey axis (keeps greys grey).
fn hue_matrix(angle: f32) -> [[f32; 3]; 3] {
    let (s, c) = angle.sin_cos();
    let k = (1.0 - c) / 3.0;
    let r = (1.0f32 / 3.0).sqrt() * s;
    [
        [c + k, k - r, k + r],
        [k + r, c + k, k - r],
        [k - r, k + r, c + k],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn px(r: u8, g: u8, b: u8) -> Bitmap {
        Bitmap::new(1, 1, vec![r, g, b, 255])
    }

    #[test]
    fn zero_is_identity_and_each_knob_moves_the_right_way() {
        let a = Adjustment::default();
        assert!(a.is_identity());
        assert_eq!(a.apply(&px(10, 120, 240)).data, px(10, 120, 240).data);
        let grey = px(128, 128, 128);
        let warm = Adjustment {
            temperature: 1.0,
            ..a
        }
        .apply(&grey);
        assert!(warm.data[0] > 128 && warm.data[2] < 128);
        let desat = Adjustment {
            saturation: -1.0,
            ..a
        }
        .apply(&px(200, 50, 50));
        assert!(
            desat.data[0].abs_diff(desat.data[1]) <= 1,
            "{:?}",
            desat.data
        );
        let hue = Adjustment { hue: 1.0, ..a }.apply(&grey);
        assert!(
            hue.data[..3].iter().all(|&v| v.abs_diff(128) <= 1),
            "greys stay grey"
        );
        let contrast = Adjustment { contrast: 0.5, ..a }.apply(&px(200, 200, 200));
        assert!(contrast.data[0] > 200);
    }
}
