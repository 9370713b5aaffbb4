//! Mixing two gradient stop colours in a colour space: sRGB, linear light or Oklab.
//!
//! Input: two non-premultiplied sRGB colours (0..1), a fraction and a [`GradientSpace`].
//! Output: the non-premultiplied sRGB colour between them. Guarantees: `Srgb` is the plain
//! per-channel mix, bit for bit as it always was (so documents that mix in sRGB render
//! unchanged); alpha mixes linearly in every space; the other spaces convert, mix and
//! convert back (Oklab with Björn Ottosson's published matrices), clamped to 0..1, and give
//! the stops' own colours at the ends.

use crate::scene::GradientSpace;

/// The colour `u` of the way from `a` to `b` (both non-premultiplied sRGB) in `space`.
#[inline]
pub(crate) fn mix(a: [f32; 4], b: [f32; 4], u: f32, space: GradientSpace) -> [f32; 4] {
    let alpha = a[3] + (b[3] - a[3]) * u;
    let rgb = match space {
        GradientSpace::Srgb => {
            let at = |i: usize| a[i] + (b[i] - a[i]) * u;
            return [at(0), at(1), at(2), alpha];
        }
        GradientSpace::LinearSrgb => {
            let (la, lb) = (rgb(a).map(to_linear), rgb(b).map(to_linear));
            lerp3(la, lb, u).map(to_gamma)
        }
        GradientSpace::Oklab => {
            let (la, lb) = (oklab(rgb(a)), oklab(rgb(b)));
            from_oklab(lerp3(la, lb, u))
        }
    };
    [rgb[0], rgb[1], rgb[2], alpha]
}

fn rgb(c: [f32; 4]) -> [f32; 3] {
    [c[0], c[1], c[2]]
}

fn lerp3(a: [f32; 3], b: [f32; 3], u: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * u)
}

/// sRGB's transfer function, decoding.
fn to_linear(v: f32) -> f32 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

/// sRGB's transfer function, encoding (clamped to 0..1).
fn to_gamma(v: f32) -> f32 {
    let v = v.clamp(0.0, 1.0);
    if v <= 0.003_130_8 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

/// Gamma-encoded sRGB to Oklab.
fn oklab(c: [f32; 3]) -> [f32; 3] {
    let [r, g, b] = c.map(to_linear);
    let l = (0.412_221_47 * r + 0.536_332_55 * g + 0.051_445_995 * b).cbrt();
    let m = (0.211_903_5 * r + 0.680_699_5 * g + 0.107_396_96 * b).cbrt();
    let s = (0.088_302_46 * r + 0.281_718_85 * g + 0.629_978_7 * b).cbrt();
    [
        0.210_454_26 * l + 0.793_617_8 * m - 0.004_072_047 * s,
        1.977_998_5 * l - 2.428_592_2 * m + 0.450_593_7 * s,
        0.025_904_037 * l + 0.782_771_77 * m - 0.808_675_77 * s,
    ]
}

/// Oklab to gamma-encoded sRGB, clamped to 0..1.
fn from_oklab(c: [f32; 3]) -> [f32; 3] {
    let [ll, a, b] = c;
    let l = (ll + 0.396_337_78 * a + 0.215_803_76 * b).powi(3);
    let m = (ll - 0.105_561_346 * a - 0.063_854_17 * b).powi(3);
    let s = (ll - 0.089_484_18 * a - 1.291_485_5 * b).powi(3);
    [
        4.076_741_7 * l - 3.307_711_6 * m + 0.230_969_94 * s,
        -1.268_438 * l + 2.609_757_4 * m - 0.341_319_38 * s,
        -0.004_196_086_3 * l - 0.703_418_6 * m + 1.707_614_7 * s,
    ]
    .map(to_gamma)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YELLOW: [f32; 4] = [1.0, 0.9176, 0.0, 0.96];
    const BLUE: [f32; 4] = [0.0, 0.0001, 1.0, 0.5];

    fn close(a: [f32; 4], b: [f32; 4], tol: f32) -> bool {
        a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= tol)
    }

    #[test]
    fn the_ends_are_the_stops_in_every_space() {
        for space in [
            GradientSpace::Srgb,
            GradientSpace::Oklab,
            GradientSpace::LinearSrgb,
        ] {
            assert!(
                close(mix(YELLOW, BLUE, 0.0, space), YELLOW, 1e-3),
                "{space:?}"
            );
            assert!(
                close(mix(YELLOW, BLUE, 1.0, space), BLUE, 1e-3),
                "{space:?}"
            );
        }
    }

    #[test]
    fn oklab_of_white_is_lightness_one() {
        let w = oklab([1.0, 1.0, 1.0]);
        assert!(
            (w[0] - 1.0).abs() < 1e-3 && w[1].abs() < 1e-3 && w[2].abs() < 1e-3,
            "{w:?}"
        );
    }

    #[test]
    fn yellow_to_blue_passes_through_light_blue_not_grey() {
        // Photoshop's Perceptual ramp between these stops (its composite in the corpus,
        // half-way, read over white) is about (103, 165, 222); sRGB gives a grey-violet
        // (124, 114, 131).
        let srgb = mix(YELLOW, BLUE, 0.5, GradientSpace::Srgb).map(|v| v * 255.0);
        let ok = mix(YELLOW, BLUE, 0.5, GradientSpace::Oklab).map(|v| v * 255.0);
        assert!(srgb[2] < 140.0 && srgb[1] < 120.0, "{srgb:?}");
        assert!(ok[2] > 180.0 && ok[1] > 150.0 && ok[0] < 120.0, "{ok:?}");
        // Alpha mixes linearly in every space.
        assert!((ok[3] - 0.73 * 255.0).abs() < 0.01, "{ok:?}");
    }

    #[test]
    fn linear_light_mixes_brighter_than_srgb() {
        let black = [0.0, 0.0, 0.0, 1.0];
        let white = [1.0, 1.0, 1.0, 1.0];
        let lin = mix(black, white, 0.5, GradientSpace::LinearSrgb);
        // Half of the light is sRGB 0.735 (188/255), not 0.5.
        assert!((lin[0] - 0.735).abs() < 0.002, "{lin:?}");
    }
}
