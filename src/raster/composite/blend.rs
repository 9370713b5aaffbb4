//! Blend modes on premultiplied colour.
//!
//! Input: backdrop and source pixels, premultiplied RGBA in 0..1, and a [`BlendMode`].
//! Output: the W3C "source-over with blend function" result,
//! `co = cs·(1−αb) + cb·(1−αs) + αs·αb·B(Cb, Cs)`, `αo = αs + αb − αs·αb`. Guarantees: every mode
//! of the Octopus spec, the separable ones per channel and HUE / SATURATION / COLOR /
//! LUMINOSITY / DARKER_COLOR / LIGHTER_COLOR on the whole colour; SOFT_LIGHT is the
//! Photoshop variant the reference uses (docs/rendering.md §9); no NaN for any input.

use crate::scene::BlendMode;

/// A premultiplied RGBA pixel in 0..1.
pub(crate) type ColorF = [f32; 4];

/// Transparent black.
pub(crate) const CLEAR: ColorF = [0.0; 4];

/// Source-over.
#[inline]
pub(crate) fn over(b: ColorF, s: ColorF) -> ColorF {
    let k = 1.0 - s[3];
    [
        s[0] + b[0] * k,
        s[1] + b[1] * k,
        s[2] + b[2] * k,
        s[3] + b[3] * k,
    ]
}

/// Linear interpolation `a + (b − a)·t`.
#[inline]
pub(crate) fn lerp(a: ColorF, b: ColorF, t: f32) -> ColorF {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
        a[3] + (b[3] - a[3]) * t,
    ]
}

/// Scales all channels (coverage or opacity on a premultiplied colour).
#[inline]
pub(crate) fn scale(p: ColorF, t: f32) -> ColorF {
    [p[0] * t, p[1] * t, p[2] * t, p[3] * t]
}

/// Composites `s` onto `b` with `mode`.
pub(crate) fn blend(b: ColorF, s: ColorF, mode: BlendMode) -> ColorF {
    if mode == BlendMode::Normal || b[3] <= 0.0 {
        return over(b, s);
    }
    if s[3] <= 0.0 {
        return b;
    }
    let (ab, as_) = (b[3], s[3]);
    let cb = [b[0] / ab, b[1] / ab, b[2] / ab].map(|v| v.clamp(0.0, 1.0));
    let cs = [s[0] / as_, s[1] / as_, s[2] / as_].map(|v| v.clamp(0.0, 1.0));
    let mixed = mix(cb, cs, mode);
    let both = as_ * ab;
    let mut out = [0.0; 4];
    for i in 0..3 {
        out[i] = s[i] * (1.0 - ab) + b[i] * (1.0 - as_) + both * mixed[i];
    }
    out[3] = as_ + ab - both;
    out
}

/// The blend function `B(Cb, Cs)` on un-premultiplied colour.
fn mix(cb: [f32; 3], cs: [f32; 3], mode: BlendMode) -> [f32; 3] {
    use BlendMode as M;
    match mode {
        M::Hue => set_lum(set_sat(cs, sat(cb)), lum(cb)),
        M::Saturation => set_lum(set_sat(cb, sat(cs)), lum(cb)),
        M::Color => set_lum(cs, lum(cb)),
        M::Luminosity => set_lum(cb, lum(cs)),
        M::DarkerColor => {
            if luma(cs) < luma(cb) {
                cs
            } else {
                cb
            }
        }
        M::LighterColor => {
            if luma(cs) > luma(cb) {
                cs
            } else {
                cb
            }
        }
        _ => [0, 1, 2].map(|i| separable(cb[i], cs[i], mode).clamp(0.0, 1.0)),
    }
}

/// Separable blend functions, `d` = backdrop, `s` = source.
fn separable(d: f32, s: f32, mode: BlendMode) -> f32 {
    use BlendMode as M;
    match mode {
        M::Normal => s,
        M::Multiply => d * s,
        M::Screen => d + s - d * s,
        M::Overlay => hard_light(s, d),
        M::Darken => d.min(s),
        M::Lighten => d.max(s),
        M::ColorDodge => {
            if d <= 0.0 {
                0.0
            } else if s >= 1.0 {
                1.0
            } else {
                (d / (1.0 - s)).min(1.0)
            }
        }
        M::ColorBurn => {
            if d >= 1.0 {
                1.0
            } else if s <= 0.0 {
                0.0
            } else {
                1.0 - ((1.0 - d) / s).min(1.0)
            }
        }
        M::LinearBurn => (d + s - 1.0).max(0.0),
        M::LinearDodge => (d + s).min(1.0),
        M::LinearLight => (d + 2.0 * s - 1.0).clamp(0.0, 1.0),
        M::VividLight => {
            if s <= 0.5 {
                separable(d, 2.0 * s, M::ColorBurn)
            } else {
                separable(d, 2.0 * s - 1.0, M::ColorDodge)
            }
        }
        M::PinLight => {
            if s <= 0.5 {
                d.min(2.0 * s)
            } else {
                d.max(2.0 * s - 1.0)
            }
        }
        M::HardMix => {
            if d + s >= 1.0 {
                1.0
            } else {
                0.0
            }
        }
        M::HardLight => hard_light(d, s),
        M::SoftLight => {
            if s < 0.5 {
                2.0 * d * s + d * d * (1.0 - 2.0 * s)
            } else {
                d.sqrt() * (2.0 * s - 1.0) + 2.0 * d * (1.0 - s)
            }
        }
        M::Difference => (d - s).abs(),
        M::Exclusion => d + s - 2.0 * d * s,
        M::Subtract => (d - s).max(0.0),
        M::Divide => {
            if s <= 0.0 {
                if d > 0.0 {
                    1.0
                } else {
                    0.0
                }
            } else {
                (d / s).min(1.0)
            }
        }
        M::DarkerColor | M::LighterColor | M::Hue | M::Saturation | M::Color | M::Luminosity => s,
    }
}

fn hard_light(d: f32, s: f32) -> f32 {
    if s <= 0.5 {
        d * 2.0 * s
    } else {
        let s2 = 2.0 * s - 1.0;
        d + s2 - d * s2
    }
}

fn lum(c: [f32; 3]) -> f32 {
    0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2]
}

fn luma(c: [f32; 3]) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

fn clip_color(c: [f32; 3]) -> [f32; 3] {
    let l = lum(c);
    let n = c[0].min(c[1]).min(c[2]);
    let x = c[0].max(c[1]).max(c[2]);
    let mut out = c;
    if n < 0.0 && l - n > 1e-6 {
        out = out.map(|v| l + (v - l) * l / (l - n));
    }
    if x > 1.0 && x - l > 1e-6 {
        out = out.map(|v| l + (v - l) * (1.0 - l) / (x - l));
    }
    out
}

fn set_lum(c: [f32; 3], l: f32) -> [f32; 3] {
    let d = l - lum(c);
    clip_color(c.map(|v| v + d))
}

fn sat(c: [f32; 3]) -> f32 {
    c[0].max(c[1]).max(c[2]) - c[0].min(c[1]).min(c[2])
}

fn set_sat(c: [f32; 3], s: f32) -> [f32; 3] {
    let max = c[0].max(c[1]).max(c[2]);
    let min = c[0].min(c[1]).min(c[2]);
    if max - min <= 1e-6 {
        return [0.0; 3];
    }
    c.map(|v| (v - min) * s / (max - min))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: ColorF, b: ColorF) -> bool {
        a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() < 1e-5)
    }

    #[test]
    fn multiply_of_opaque_colours() {
        let r = blend(
            [0.5, 1.0, 0.2, 1.0],
            [0.5, 0.5, 1.0, 1.0],
            BlendMode::Multiply,
        );
        assert!(close(r, [0.25, 0.5, 0.2, 1.0]));
    }

    #[test]
    fn blend_onto_transparent_is_source() {
        let s = [0.3, 0.2, 0.1, 0.5];
        for m in [BlendMode::Difference, BlendMode::Hue, BlendMode::ColorBurn] {
            assert!(close(blend(CLEAR, s, m), s));
        }
    }

    #[test]
    fn luminosity_keeps_backdrop_hue() {
        let r = blend(
            [1.0, 0.0, 0.0, 1.0],
            [0.5, 0.5, 0.5, 1.0],
            BlendMode::Luminosity,
        );
        assert!(r[0] > r[1] && (r[1] - r[2]).abs() < 1e-6);
        assert!((lum([r[0], r[1], r[2]]) - 0.5).abs() < 1e-4);
    }

    #[test]
    fn no_nan_anywhere() {
        let vals = [0.0, 0.25, 0.5, 1.0];
        for &a in &vals {
            for &b in &vals {
                for m in [
                    BlendMode::ColorDodge,
                    BlendMode::ColorBurn,
                    BlendMode::Divide,
                    BlendMode::SoftLight,
                    BlendMode::Saturation,
                ] {
                    let r = blend([a * b, a, b * a, b], [b, a * b, a, a], m);
                    assert!(r.iter().all(|v| v.is_finite()), "{m:?} {r:?}");
                }
            }
        }
    }
}
