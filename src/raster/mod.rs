//! Rasterisation: the scene to premultiplied RGBA8 pixels, in parallel bands.
//!
//! Input: a [`Scene`] and [`RasterOptions`]. Output: rows of pixels, either a whole
//! [`Image`] or streamed chunk by chunk to a sink (so a huge frame never sits in memory).
//! Guarantees: the scene is prepared once (edges, paints) and read by all bands; the output
//! is byte-identical for any thread count and band height; the pixel limit is checked
//! before any large allocation; a render past its deadline stops within a node and fails
//! with a limits error.
//!
//! The stages, in the order a render runs them: `prepare` (the tree in output pixels),
//! `backdrop` (the background-blur pre-pass), `bands` (the band planner), `draw` (per
//! band, node by node), which uses `scan` (coverage), `composite` (pixels and paints)
//! and `effects` (blurs and morphology).

mod backdrop;
mod bands;
mod cancel;
mod composite;
mod draw;
mod effects;
mod prepare;
mod rect;
mod scan;
mod wide;

pub use cancel::MemoryGuard;
pub use rect::IRect;

use std::sync::Arc;

use crate::error::{BudgetKind, Error, Result};
use crate::scene::Scene;
use bands::band_height;
use cancel::{Cancel, Stop};
use prepare::{prepare, PreparedScene};

/// How to render.
#[derive(Debug, Clone)]
pub struct RasterOptions {
    /// Output pixels per design pixel.
    pub scale: f32,
    /// Rows per band; 0 picks one from the scene (any value gives the same bytes: smaller
    /// bands cull better, taller ones re-render less around wide effects).
    pub band_height: usize,
    /// Rows per streamed chunk (rounded to whole bands).
    pub chunk_rows: usize,
    /// Most output pixels allowed.
    pub max_pixels: u64,
    /// How edge pixels are anti-aliased.
    pub antialias: Antialias,
    /// Stop with a limits error once this instant passes (polled between bands and every
    /// few nodes), so an abandoned render frees its thread promptly.
    pub deadline: Option<std::time::Instant>,
    /// Stop with a limits error once the process's resident memory passes the guard's
    /// limit (polled with the deadline, and asked before the large buffers: the whole
    /// frame, the backdrops), so a job is stopped before its pod's limit, not by the kernel.
    pub memory: Option<MemoryGuard>,
}

/// How edge pixels are anti-aliased.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Antialias {
    /// Exact area coverage (256 levels): the smoothest edges.
    #[default]
    Exact,
    /// 16 point samples per pixel at the positions Figma's exports use, so a Figma design's
    /// edges come out as Figma draws them.
    Figma,
}

impl Antialias {
    fn pattern(self) -> Option<scan::sampled::Pattern> {
        match self {
            Antialias::Exact => None,
            Antialias::Figma => Some(scan::sampled::FIGMA),
        }
    }
}

impl Default for RasterOptions {
    fn default() -> Self {
        RasterOptions {
            scale: 1.0,
            band_height: 0,
            chunk_rows: 512,
            max_pixels: crate::limits::Limits::DEFAULT.output_pixels,
            antialias: Antialias::Exact,
            deadline: None,
            memory: None,
        }
    }
}

/// A rendered image, premultiplied RGBA8, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes.
    pub data: Vec<u8>,
}

/// A frame side for a message: one decimal, or exponent notation when it is huge.
fn length(v: f64) -> String {
    if v.abs() < 1e9 {
        format!("{v:.1}")
    } else {
        format!("{v:e}")
    }
}

/// Checks the output size against the options; returns `(width, height)`.
pub fn checked_size(scene: &Scene, opts: &RasterOptions) -> Result<(u32, u32)> {
    if !(opts.scale.is_finite() && opts.scale > 0.0) {
        return Err(Error::Limit(format!(
            "scale must be a positive number, got {}",
            opts.scale
        )));
    }
    let (w, h) = prepare::output_size(scene, opts.scale);
    if w > u32::MAX as u64 / 8 || h > u32::MAX as u64 / 8 || w * h > opts.max_pixels {
        return Err(Error::Limit(format!(
            "output of {w} x {h} pixels exceeds the limit of {} pixels (frame {} x {} at scale {})",
            opts.max_pixels,
            length(scene.frame.x1 - scene.frame.x0),
            length(scene.frame.y1 - scene.frame.y0),
            opts.scale
        )));
    }
    Ok((w as u32, h as u32))
}

/// Renders the whole image into memory.
pub fn render(scene: &Scene, opts: &RasterOptions) -> Result<Image> {
    let mut data = Vec::new();
    let (width, height) = render_frame(scene, opts, &mut data, true)?;
    Ok(Image {
        width,
        height,
        data,
    })
}

/// Renders the whole image into `data` (resized to `4 · width · height` bytes, premultiplied
/// RGBA8) and returns its size. For callers that render many frames: a buffer kept from one
/// render to the next is written in place, where a fresh one costs a page fault and a clear
/// per page (on a virtual machine, at times more than drawing a simple frame).
pub fn render_into(scene: &Scene, opts: &RasterOptions, data: &mut Vec<u8>) -> Result<(u32, u32)> {
    render_frame(scene, opts, data, false)
}

/// [`render`] and [`render_into`]: `fresh` when `data` is a new, empty vector (the zeroed
/// allocation is then transparent already; a reused one is cleared band by band, each band
/// just before it is drawn, while its rows are in cache).
fn render_frame(
    scene: &Scene,
    opts: &RasterOptions,
    data: &mut Vec<u8>,
    fresh: bool,
) -> Result<(u32, u32)> {
    let (width, height) = checked_size(scene, opts)?;
    let cancel = Arc::new(Cancel::new(opts.deadline, opts.memory));
    let prep = prepared(scene, opts, &cancel)?;
    let bytes = width as usize * height as usize * 4;
    if data.capacity() < bytes && !cancel.can_allocate(bytes - data.capacity()) {
        cancelled(&cancel)?;
    }
    if fresh {
        *data = vec![0u8; bytes];
    } else {
        data.resize(bytes, 0);
    }
    let pool = bands::shared_pool();
    let band = band_height(&prep, height, opts.band_height);
    bands::render_rows(&prep, pool, band, 0, data, fresh, &cancel);
    cancelled(&cancel)?;
    Ok((width, height))
}

/// Renders chunk by chunk, calling `sink(first_row, rows)` in order; the chunk buffer is
/// reused, so memory stays at one chunk whatever the height.
pub fn render_streamed(
    scene: &Scene,
    opts: &RasterOptions,
    mut sink: impl FnMut(u32, &[u8]) -> Result<()>,
) -> Result<(u32, u32)> {
    let (width, height) = checked_size(scene, opts)?;
    let cancel = Arc::new(Cancel::new(opts.deadline, opts.memory));
    let prep = prepared(scene, opts, &cancel)?;
    let band = band_height(&prep, height, opts.band_height);
    let chunk_rows = opts.chunk_rows.max(band).div_ceil(band) * band;
    let mut buf = Vec::new();
    let pool = bands::shared_pool();
    let mut y = 0u32;
    while y < height {
        let rows = (chunk_rows as u32).min(height - y);
        buf.resize(rows as usize * width as usize * 4, 0);
        bands::render_rows(&prep, pool, band, y, &mut buf, false, &cancel);
        cancelled(&cancel)?;
        sink(y, &buf)?;
        y += rows;
    }
    Ok((width, height))
}

/// The scene prepared for `opts`, with the backdrops of its background-blur layers.
fn prepared(scene: &Scene, opts: &RasterOptions, cancel: &Arc<Cancel>) -> Result<PreparedScene> {
    let mut prep = prepare(scene, opts.scale, opts.antialias.pattern());
    // Wide blurs first: the backdrops are drawn with them (no wide blur holds a
    // background blur, see `prepare::mark_wide`).
    prep.wide = Arc::new(wide::compute_wide(&prep, cancel));
    prep.backdrops = Arc::new(backdrop::compute_backdrops(&prep, cancel));
    cancelled(cancel)?;
    Ok(prep)
}

/// The limits error of a render whose deadline passed or whose memory ran out.
fn cancelled(cancel: &Cancel) -> Result<()> {
    match cancel.reason() {
        None => Ok(()),
        Some(Stop::Deadline) => Err(Error::budget(
            BudgetKind::Deadline,
            "the render ran past its time budget",
        )),
        Some(Stop::Memory(used)) => Err(Error::budget(
            BudgetKind::Memory,
            format!(
                "the render would take the process to {} MB, over the memory budget of {} MB",
                used >> 20,
                cancel.memory_limit().unwrap_or(0) >> 20
            ),
        )),
    }
}
