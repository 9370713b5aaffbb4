//! The cost model: CPU seconds and peak bytes of a render, from its [`CostFeatures`].
//!
//! Input: the features of a scene and how many threads render it. Output: a
//! [`Prediction`]. Guarantees: a pure function of its inputs; linear in the features, with
//! coefficients fitted by `octopus-render cost --fit` on the corpus, the fixtures and the
//! generated outliers (see the README's "Budgets" section for the measured error and how to
//! fit them again on other hardware); never NaN (a non-finite input predicts infinity,
//! which is over every budget).

use super::CostFeatures;

/// Seconds of CPU per unit of each feature, and bytes per unit of memory terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostModel {
    /// Fixed seconds per render (set-up, the scene's preparation).
    pub fixed: f64,
    /// Seconds per output pixel (clearing, compositing bands, PNG encoding).
    pub frame_px: f64,
    /// Seconds per painted pixel.
    pub paint_px: f64,
    /// Seconds per pixel painted with a gradient or bitmap, on top of `paint_px`.
    pub shaded_px: f64,
    /// Seconds per pixel of an isolated layer.
    pub layer_px: f64,
    /// Seconds per pixel an effect blurs or dilates.
    pub effect_px: f64,
    /// Seconds per pixel re-rendered or blurred under a background blur.
    pub backdrop_px: f64,
    /// Seconds per path segment.
    pub segment: f64,
    /// Seconds per layer.
    pub node: f64,
    /// Seconds per decoded bitmap pixel (the smaller levels made for shrunk photos).
    pub image_px: f64,
    /// Bytes of the encoded output per pixel (the worker holds the PNG whole).
    pub output_bytes_per_px: f64,
}

impl CostModel {
    /// Coefficients fitted on this project's reference machine (2-core VM, 2026-11-30: 176
    /// renders of the corpus, the fixtures, the benchmark scenes and the outliers; for the
    /// renders over 50 ms, actual over predicted time p50 1.18, p95 1.65, max 1.91); the
    /// worker scales the CPU terms with `COST_SCALE` for slower or faster hardware.
    pub const FITTED: CostModel = CostModel {
        fixed: 6.576e-4,
        frame_px: 1.897e-9,
        paint_px: 0.0,
        shaded_px: 1.951e-8,
        layer_px: 1.103e-9,
        effect_px: 9.517e-8,
        backdrop_px: 1.221e-8,
        segment: 5.584e-7,
        node: 0.0,
        image_px: 7.199e-9,
        output_bytes_per_px: 1.5,
    };

    /// The model with every CPU term multiplied by `k` (hardware `k` times slower).
    pub fn scaled(&self, k: f64) -> CostModel {
        CostModel {
            fixed: self.fixed * k,
            frame_px: self.frame_px * k,
            paint_px: self.paint_px * k,
            shaded_px: self.shaded_px * k,
            layer_px: self.layer_px * k,
            effect_px: self.effect_px * k,
            backdrop_px: self.backdrop_px * k,
            segment: self.segment * k,
            node: self.node * k,
            image_px: self.image_px * k,
            ..*self
        }
    }

    /// CPU seconds of the render: every term, whatever the thread count.
    pub fn cpu_seconds(&self, f: &CostFeatures) -> f64 {
        let t = self.fixed
            + self.frame_px * f.frame_px()
            + self.paint_px * f.paint_px
            + self.shaded_px * f.shaded_px
            + self.layer_px * f.layer_px
            + self.effect_px * f.effect_px
            + self.backdrop_px * f.backdrop_px
            + self.segment * f.segments
            + self.node * f.nodes
            + self.image_px * f.image_px;
        finite_or_inf(t)
    }

    /// Bytes the render adds to the process while it runs (the built scene is already in
    /// memory): a fixed working set, the prepared scene, the smaller levels of bitmaps, one
    /// chunk of rows, the encoded output, the backdrops (all kept, the largest being made),
    /// and per render thread a band of every nesting level of isolated layers, with the
    /// widest effect margin above and below.
    pub fn raster_bytes(&self, f: &CostFeatures, threads: usize, chunk_rows: usize) -> f64 {
        // The band scratch, the encoder's buffers and the thread stacks of any render.
        let fixed = 16.0 * 1_048_576.0;
        let prepared = f.segments * 12.0 + f.nodes * 400.0;
        // Smaller levels of shrunk bitmaps: a third of the bitmap at most.
        let mipmaps = f.image_px * 4.0 / 3.0;
        // The largest backdrop's canvas (shared canvases grow to 1.25 times it), its copy,
        // the blur's working copy, and what the allocator holds between passes (measured on
        // the backdrop-stack outlier: 255 MB against 226 MB predicted with three copies).
        let backdrop_pass = f.backdrop_max_px * 4.0 * 4.0;
        let chunk = (chunk_rows as f64).min(f.height) * f.width * 4.0;
        let output = f.frame_px() * self.output_bytes_per_px;
        let backdrops = f.backdrop_store_px * 4.0;
        let band_w = f.width + 2.0 * f.max_margin;
        let band_h = (f.band_rows + 2.0 * f.max_margin).min(f.height + 2.0 * f.max_margin);
        // A layer buffer, its blur's copy and its coverage per level, plus the band itself.
        let per_thread = band_w * band_h * 4.0 * (f.depth + 2.0) * 2.0;
        let total = fixed + prepared + mipmaps + backdrop_pass + chunk + output + backdrops;
        finite_or_inf(total + per_thread * threads as f64)
    }
}

fn finite_or_inf(x: f64) -> f64 {
    if x.is_finite() {
        x.max(0.0)
    } else {
        f64::INFINITY
    }
}

/// What a render is predicted to cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// CPU seconds, summed over threads.
    pub cpu_seconds: f64,
    /// Bytes the render adds to the process while it runs.
    pub raster_bytes: f64,
}

impl Prediction {
    /// The prediction for `f` rendered on `threads` threads in chunks of `chunk_rows`.
    pub fn of(model: &CostModel, f: &CostFeatures, threads: usize, chunk_rows: usize) -> Self {
        Prediction {
            cpu_seconds: model.cpu_seconds(f),
            raster_bytes: model.raster_bytes(f, threads.max(1), chunk_rows),
        }
    }
}
