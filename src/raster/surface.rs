//! Pixel surfaces and per-thread scratch memory.
//!
//! Input: a byte slice of premultiplied RGBA8 and the absolute pixel rectangle it covers.
//! Output: a [`Surface`] addressed in absolute output coordinates, and [`Scratch`], the
//! buffers one band reuses from node to node. Guarantee: scratch contents never leak into
//! results (every buffer is cleared or overwritten before use), so output does not depend on
//! which thread rendered what before.

use std::collections::HashMap;
use std::sync::Arc;

use super::blend::Px;
use super::coverage::Rasterizer;
use super::rect::IRect;

/// A premultiplied RGBA8 image covering `rect` of the output.
pub struct Surface<'a> {
    /// `rect.width() * rect.height() * 4` bytes, rows top to bottom.
    pub data: &'a mut [u8],
    /// Absolute pixel rectangle.
    pub rect: IRect,
}

impl Surface<'_> {
    /// Byte offset of absolute pixel `(x, y)`, which must lie inside `rect`.
    #[inline]
    pub fn offset(&self, x: i32, y: i32) -> usize {
        ((y - self.rect.y0) as usize * self.rect.width() + (x - self.rect.x0) as usize) * 4
    }

    /// The bytes of pixels `x0..x1` of row `y`.
    #[inline]
    pub fn span_mut(&mut self, x0: i32, x1: i32, y: i32) -> &mut [u8] {
        let a = self.offset(x0, y);
        let b = a + (x1 - x0) as usize * 4;
        &mut self.data[a..b]
    }

    /// The bytes of pixels `x0..x1` of row `y`.
    #[inline]
    pub fn span(&self, x0: i32, x1: i32, y: i32) -> &[u8] {
        let a = self.offset(x0, y);
        let b = a + (x1 - x0) as usize * 4;
        &self.data[a..b]
    }
}

/// Loads a pixel as floats.
#[inline]
pub fn load(p: &[u8]) -> Px {
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
pub fn store(p: &mut [u8], v: Px) {
    let a = (v[3].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    p[3] = a;
    for i in 0..3 {
        p[i] = ((v[i].clamp(0.0, 1.0) * 255.0 + 0.5) as u8).min(a);
    }
}

/// Reusable memory of one band: pixel buffers, coverage buffers, paint rows.
#[derive(Default)]
pub struct Scratch {
    pixels: Vec<Vec<u8>>,
    masks: Vec<Vec<u8>>,
    rows: Vec<Vec<Px>>,
    rows8: Vec<Vec<[u8; 4]>>,
    /// The coverage rasteriser and its accumulation buffer.
    pub raster: Rasterizer,
    /// Blurred backdrops of background-blur layers, by node address.
    pub backdrops: Option<Arc<Backdrops>>,
    /// When non-zero: stop drawing on reaching the node at this address (used to render what
    /// lies behind a background-blur layer).
    pub stop_at: usize,
    /// Set once `stop_at` was reached.
    pub stopped: bool,
}

/// Blurred backdrops keyed by the address of their (prepared, immovable) node.
pub type Backdrops = HashMap<usize, Arc<Backdrop>>;

/// What lies behind a background-blur layer, blurred, over the layer's pixel bounds.
#[derive(Debug, Clone)]
pub struct Backdrop {
    /// Covered rectangle.
    pub rect: IRect,
    /// Premultiplied RGBA8.
    pub data: Vec<u8>,
}

impl Scratch {
    /// Bytes held by the pooled buffers.
    pub fn retained_bytes(&self) -> usize {
        self.pixels.iter().map(Vec::capacity).sum::<usize>()
            + self.masks.iter().map(Vec::capacity).sum::<usize>()
            + self.rows.iter().map(|r| r.capacity() * 16).sum::<usize>()
            + self.rows8.iter().map(|r| r.capacity() * 4).sum::<usize>()
            + self.raster.retained_bytes()
    }

    /// A pixel buffer for `rect`, transparent.
    pub fn pixels(&mut self, rect: IRect) -> Vec<u8> {
        let mut v = self.pixels.pop().unwrap_or_default();
        v.clear();
        v.resize(rect.width() * rect.height() * 4, 0);
        v
    }

    /// A pixel buffer for `rect` with arbitrary contents: the caller clears what it reads.
    pub fn pixels_unzeroed(&mut self, rect: IRect) -> Vec<u8> {
        let mut v = self.pixels.pop().unwrap_or_default();
        v.resize(rect.width() * rect.height() * 4, 0);
        v
    }

    /// A pixel buffer for `rect` holding a copy of `src` there (`rect` inside `src.rect`).
    pub fn copy_of(&mut self, src: &Surface<'_>, rect: IRect) -> Vec<u8> {
        let mut v = self.pixels.pop().unwrap_or_default();
        v.clear();
        for y in rect.y0..rect.y1 {
            v.extend_from_slice(src.span(rect.x0, rect.x1, y));
        }
        v
    }

    /// The buffer a group draws on: transparent when isolated, else a copy of `dst`.
    pub fn backdrop(&mut self, dst: &Surface<'_>, rect: IRect, isolated: bool) -> Vec<u8> {
        if isolated {
            self.pixels(rect)
        } else {
            self.copy_of(dst, rect)
        }
    }

    /// Returns a pixel buffer for reuse.
    pub fn give_pixels(&mut self, v: Vec<u8>) {
        self.pixels.push(v);
    }

    /// An empty coverage buffer.
    pub fn mask(&mut self) -> Vec<u8> {
        self.masks.pop().unwrap_or_default()
    }

    /// Returns a coverage buffer for reuse.
    pub fn give_mask(&mut self, v: Vec<u8>) {
        self.masks.push(v);
    }

    /// A paint row of `n` pixels.
    pub fn row(&mut self, n: usize) -> Vec<Px> {
        let mut v = self.rows.pop().unwrap_or_default();
        v.clear();
        v.resize(n, [0.0; 4]);
        v
    }

    /// An 8-bit paint row of `n` pixels.
    pub fn row8(&mut self, n: usize) -> Vec<[u8; 4]> {
        let mut v = self.rows8.pop().unwrap_or_default();
        v.clear();
        v.resize(n, [0; 4]);
        v
    }

    /// Returns an 8-bit paint row for reuse.
    pub fn give_row8(&mut self, v: Vec<[u8; 4]>) {
        self.rows8.push(v);
    }

    /// Returns a paint row for reuse.
    pub fn give_row(&mut self, v: Vec<Px>) {
        self.rows.push(v);
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
