//! Per-band scratch memory: the buffers one band reuses from node to node.
//!
//! Input: requests for pixel, coverage and paint-row buffers. Output: buffers sized as asked.
//! Guarantee: scratch contents never leak into results (every buffer is cleared or
//! overwritten before use), so output does not depend on which thread rendered what before.

use std::sync::Arc;

use crate::raster::cancel::{Cancel, CHECK_EVERY};
use crate::raster::composite::blend::ColorF;
use crate::raster::composite::surface::Surface;
use crate::raster::prepare::Backdrops;
use crate::raster::rect::IRect;
use crate::raster::scan::coverage::Rasterizer;

/// Reusable memory of one band: pixel buffers, coverage buffers, paint rows.
#[derive(Default)]
pub(crate) struct Scratch {
    pixels: Vec<Vec<u8>>,
    masks: Vec<Vec<u8>>,
    rows: Vec<Vec<ColorF>>,
    rows8: Vec<Vec<[u8; 4]>>,
    /// The coverage rasteriser and its accumulation buffer.
    pub raster: Rasterizer,
    /// Blurred backdrops of background-blur layers, by node address.
    pub backdrops: Option<Arc<Backdrops>>,
    /// Wide layer blurs, blurred once per render, by node address.
    pub wide: Option<Arc<Backdrops>>,
    /// When non-zero: stop drawing on reaching the node at this address (used to render what
    /// lies behind a background-blur layer).
    pub stop_at: usize,
    /// Set once `stop_at` was reached.
    pub stopped: bool,
    /// When set: skip every node before this one in paint order (drawn in an earlier pass).
    pub resume: Option<Resume>,
    /// The render's deadline, polled every few nodes.
    pub cancel: Option<Arc<Cancel>>,
    /// Nodes drawn since the clock was last read.
    pub ticks: u32,
}

/// Where a pass of the background-blur pre-pass picks up: the node it stopped at last time
/// and the groups that lead to it (each drawn in place, so entering it again draws nothing
/// twice).
#[derive(Debug, Clone)]
pub(crate) struct Resume {
    /// Address of the node to draw first.
    pub at: usize,
    /// Addresses of its ancestors.
    pub path: Vec<usize>,
}

impl Scratch {
    /// True when drawing should stop: the background-blur layer being rendered up to was
    /// reached, or the render's deadline passed (the clock read every few nodes).
    pub(crate) fn should_stop(&mut self) -> bool {
        if self.stopped {
            return true;
        }
        let Some(cancel) = &self.cancel else {
            return false;
        };
        self.ticks += 1;
        if self.ticks >= CHECK_EVERY {
            self.ticks = 0;
            return cancel.check();
        }
        cancel.is_cancelled()
    }

    /// Bytes held by the pooled buffers.
    pub(crate) fn retained_bytes(&self) -> usize {
        self.pixels.iter().map(Vec::capacity).sum::<usize>()
            + self.masks.iter().map(Vec::capacity).sum::<usize>()
            + self.rows.iter().map(|r| r.capacity() * 16).sum::<usize>()
            + self.rows8.iter().map(|r| r.capacity() * 4).sum::<usize>()
            + self.raster.retained_bytes()
    }

    /// A pixel buffer for `rect`, transparent.
    pub(crate) fn pixels(&mut self, rect: IRect) -> Vec<u8> {
        let mut v = self.pixels.pop().unwrap_or_default();
        v.clear();
        v.resize(rect.width() * rect.height() * 4, 0);
        v
    }

    /// A pixel buffer for `rect` with arbitrary contents: the caller clears what it reads.
    pub(crate) fn pixels_unzeroed(&mut self, rect: IRect) -> Vec<u8> {
        let mut v = self.pixels.pop().unwrap_or_default();
        v.resize(rect.width() * rect.height() * 4, 0);
        v
    }

    /// A pixel buffer for `rect` holding a copy of `src` there (`rect` inside `src.rect`).
    pub(crate) fn copy_of(&mut self, src: &Surface<'_>, rect: IRect) -> Vec<u8> {
        let mut v = self.pixels.pop().unwrap_or_default();
        v.clear();
        for y in rect.y0..rect.y1 {
            v.extend_from_slice(src.span(rect.x0, rect.x1, y));
        }
        v
    }

    /// The buffer a group draws on: transparent when isolated, else a copy of `dst`.
    pub(crate) fn group_buffer(
        &mut self,
        dst: &Surface<'_>,
        rect: IRect,
        isolated: bool,
    ) -> Vec<u8> {
        if isolated {
            self.pixels(rect)
        } else {
            self.copy_of(dst, rect)
        }
    }

    /// Returns a pixel buffer for reuse.
    pub(crate) fn give_pixels(&mut self, v: Vec<u8>) {
        self.pixels.push(v);
    }

    /// An empty coverage buffer.
    pub(crate) fn mask(&mut self) -> Vec<u8> {
        self.masks.pop().unwrap_or_default()
    }

    /// Returns a coverage buffer for reuse.
    pub(crate) fn give_mask(&mut self, v: Vec<u8>) {
        self.masks.push(v);
    }

    /// A paint row of `n` pixels.
    pub(crate) fn row(&mut self, n: usize) -> Vec<ColorF> {
        let mut v = self.rows.pop().unwrap_or_default();
        v.clear();
        v.resize(n, [0.0; 4]);
        v
    }

    /// An 8-bit paint row of `n` pixels.
    pub(crate) fn row8(&mut self, n: usize) -> Vec<[u8; 4]> {
        let mut v = self.rows8.pop().unwrap_or_default();
        v.clear();
        v.resize(n, [0; 4]);
        v
    }

    /// Returns an 8-bit paint row for reuse.
    pub(crate) fn give_row8(&mut self, v: Vec<[u8; 4]>) {
        self.rows8.push(v);
    }

    /// Returns a paint row for reuse.
    pub(crate) fn give_row(&mut self, v: Vec<ColorF>) {
        self.rows.push(v);
    }
}
