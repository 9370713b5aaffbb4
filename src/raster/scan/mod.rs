//! Scan conversion: device-space outlines to one coverage byte per pixel.
//!
//! Input: flattened outlines in output pixels. Output: coverage masks over a pixel region.
//! Guarantees: a pixel's coverage depends only on the outline and the pixel's coordinates,
//! never on the region or band that asked for it, so bands meet without seams.
//!
//! * [`edges`]: outlines as line segments, in the same order for every region;
//! * [`coverage`]: the exact-area accumulation rasteriser ([`coverage::Rasterizer`]);
//! * [`spread`]: one segment's area within one row, over the cells it crosses;
//! * [`sampled`]: point-sampled coverage at fixed positions (Figma's 16 samples);
//! * [`thin`]: the outline of a thin centred stroke, by offsetting its body.

pub(crate) mod coverage;
pub(crate) mod edges;
pub(crate) mod sampled;
pub(crate) mod spread;
pub(crate) mod thin;

/// The smaller of two numbers that are not NaN, as one instruction (`f32::min` adds a NaN
/// test that device geometry, finite once flattened, never needs; a NaN `a` gives `b`).
#[inline(always)]
pub(crate) fn lesser(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

/// The greater of two numbers that are not NaN, as one instruction (a NaN `a` gives `b`).
#[inline(always)]
pub(crate) fn greater(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// A reproducible stream of floats in 0..=1 (xorshift32) for the scan tests' random cases.
#[cfg(test)]
pub(crate) fn unit_floats(mut seed: u32) -> impl FnMut() -> f32 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as f32 / u32::MAX as f32
    }
}
