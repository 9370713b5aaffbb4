//! 8-bit premultiplied pixel arithmetic shared by the compositing loops.
//!
//! Input: premultiplied RGBA8 pixels and weights. Output: the same pixels composited.
//! Guarantee: exact integer rounding (`round(v / 255)`), so results never depend on
//! evaluation order or vector width.

/// `round(v / 255)` for `0 <= v <= 255 * 255`.
#[inline(always)]
pub(crate) fn div255(v: u32) -> u32 {
    (v + 128 + ((v + 128) >> 8)) >> 8
}

/// `round(v / 255)` for `|v| <= 255 * 255`.
#[inline]
fn div255_signed(v: i32) -> i32 {
    if v >= 0 {
        div255(v as u32) as i32
    } else {
        -(div255((-v) as u32) as i32)
    }
}

/// Source-over of premultiplied colour `src` (0..255 per channel) scaled by `t / 255`.
#[inline(always)]
pub(crate) fn over_u8(px: &mut [u8], src: &[u32; 4], t: u32) {
    let s = src.map(|v| div255(v * t));
    let keep = 255 - s[3];
    for j in 0..4 {
        px[j] = (s[j] + div255(px[j] as u32 * keep)).min(255) as u8;
    }
}

/// `d = lerp(d, s, t)` on premultiplied bytes, `t` in 0..1.
#[inline]
pub(crate) fn lerp_u8(d: &mut [u8], s: &[u8], t: f32) {
    lerp_w(d, s, weight(t));
}

/// [`lerp_u8`] with the weight already in 0..=255 (loops hoist the conversion).
#[inline(always)]
pub(crate) fn lerp_w(d: &mut [u8], s: &[u8], t: u32) {
    let t = t.min(255) as i32;
    if t == 255 {
        d.copy_from_slice(s);
        return;
    }
    for j in 0..4 {
        let (a, b) = (d[j] as i32, s[j] as i32);
        d[j] = (a + div255_signed((b - a) * t)) as u8;
    }
}

/// A 0..1 weight as 0..255.
#[inline]
pub(crate) fn weight(t: f32) -> u32 {
    (t.clamp(0.0, 1.0) * 255.0 + 0.5) as u32
}

/// A pixel's bytes widened for [`over_u8`].
#[inline(always)]
pub(crate) fn widen(p: &[u8]) -> [u32; 4] {
    [p[0] as u32, p[1] as u32, p[2] as u32, p[3] as u32]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div255_rounds_exactly() {
        for v in 0..=255 * 255u32 {
            assert_eq!(div255(v), (v as f64 / 255.0).round() as u32, "{v}");
        }
    }
}
