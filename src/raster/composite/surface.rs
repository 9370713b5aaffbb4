//! Pixel surfaces: premultiplied RGBA8 addressed in absolute output coordinates.
//!
//! Input: a byte slice of premultiplied RGBA8 and the absolute pixel rectangle it covers.
//! Output: a [`Surface`], and [`load`]/[`store`] between 8-bit pixels and [`ColorF`].
//! Guarantee: [`store`] rounds and clamps so colour never exceeds alpha.

use crate::raster::composite::blend::ColorF;
use crate::raster::rect::IRect;

/// A premultiplied RGBA8 image covering `rect` of the output.
pub(crate) struct Surface<'a> {
    /// `rect.width() * rect.height() * 4` bytes, rows top to bottom.
    pub data: &'a mut [u8],
    /// Absolute pixel rectangle.
    pub rect: IRect,
}

impl Surface<'_> {
    /// Byte offset of absolute pixel `(x, y)`, which must lie inside `rect`.
    #[inline]
    pub(crate) fn offset(&self, x: i32, y: i32) -> usize {
        ((y - self.rect.y0) as usize * self.rect.width() + (x - self.rect.x0) as usize) * 4
    }

    /// The bytes of pixels `x0..x1` of row `y`.
    #[inline]
    pub(crate) fn span_mut(&mut self, x0: i32, x1: i32, y: i32) -> &mut [u8] {
        let a = self.offset(x0, y);
        let b = a + (x1 - x0) as usize * 4;
        &mut self.data[a..b]
    }

    /// The bytes of pixels `x0..x1` of row `y`.
    #[inline]
    pub(crate) fn span(&self, x0: i32, x1: i32, y: i32) -> &[u8] {
        let a = self.offset(x0, y);
        let b = a + (x1 - x0) as usize * 4;
        &self.data[a..b]
    }
}

/// Loads a pixel as floats.
#[inline]
pub(crate) fn load(p: &[u8]) -> ColorF {
    const K: f32 = 1.0 / 255.0;
    [
        p[0] as f32 * K,
        p[1] as f32 * K,
        p[2] as f32 * K,
        p[3] as f32 * K,
    ]
}

/// Stores a float pixel, rounding and clamping (colour never exceeds alpha).
#[inline]
pub(crate) fn store(p: &mut [u8], v: ColorF) {
    let a = (v[3].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    p[3] = a;
    for i in 0..3 {
        p[i] = ((v[i].clamp(0.0, 1.0) * 255.0 + 0.5) as u8).min(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_keeps_premultiplied_invariant() {
        let mut p = [0u8; 4];
        store(&mut p, [0.9, 0.2, 1.5, 0.5]);
        assert_eq!(p, [128, 51, 128, 128]);
    }
}
