//! Pixel surfaces: premultiplied RGBA8 addressed in absolute output coordinates.
//!
//! Input: a byte slice of premultiplied RGBA8 and the absolute pixel rectangle it covers.
//! Output: a [`Surface`] (with a cache hint for rows about to be drawn), and
//! [`load`]/[`store`] between 8-bit pixels and [`ColorF`].
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

    /// Asks the CPU to start loading the first and last pixel of the top rows of `r` (clipped
    /// to the surface) into cache. A hint only: nothing is read or written, so the bytes
    /// drawn are the same with or without it. It is for maps, where thousands of small
    /// shapes land at scattered places of a frame far larger than the cache and each one
    /// would otherwise stall on its first pixel of every row (measured on the `worldmap`
    /// raster: 10% faster on a host whose memory was busy, no change on an idle one). Past
    /// the first rows the hardware prefetcher keeps up, so at most [`PREFETCH_ROWS`] are
    /// hinted.
    #[inline]
    pub(crate) fn prefetch_rows(&self, r: IRect) {
        let r = r.intersect(&self.rect);
        if r.is_empty() {
            return;
        }
        for y in r.y0..r.y1.min(r.y0 + PREFETCH_ROWS) {
            prefetch(&self.data[self.offset(r.x0, y)]);
            prefetch(&self.data[self.offset(r.x1 - 1, y)]);
        }
    }

    /// The bytes of pixels `x0..x1` of row `y`.
    #[inline]
    pub(crate) fn span(&self, x0: i32, x1: i32, y: i32) -> &[u8] {
        let a = self.offset(x0, y);
        let b = a + (x1 - x0) as usize * 4;
        &self.data[a..b]
    }
}

/// The most rows [`Surface::prefetch_rows`] hints: 64 rows of two lines fill a quarter of a
/// 32 KB L1 cache, which leaves room for the coverage and the pixels being drawn.
const PREFETCH_ROWS: i32 = 64;

/// Hints that the cache line holding `byte` is needed soon.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn prefetch(byte: &u8) {
    safe_arch::prefetch_t0(byte);
}

/// No portable hint exists on this target; the draw is the same without it.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn prefetch(_byte: &u8) {}

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
