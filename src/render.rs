//! The whole pipeline on bytes: JSON → scene → pixels → PNG (or JPEG, WebP).
//!
//! Input: document JSON bytes, a [`RenderConfig`] and an [`AssetResolver`] for bitmaps. Output: an [`Image`] or a PNG written to
//! any writer, plus the diagnostics. Guarantees: no file or network I/O here (the caller
//! supplies bytes and a writer); the PNG is streamed chunk by chunk, so memory is bounded
//! by the chunk, not the frame; the thread count is the caller's rayon pool.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::assets::AssetResolver;
use crate::cost::{self, CostBudget, CostFeatures, Prediction};
use crate::diag::Diagnostic;
use crate::error::{BudgetKind, Error, Result};
use crate::limits::Limits;
use crate::output::{flatten_row, write_png, Encoding, Format, FrameBuffer, PngSpeed};
use crate::raster::{self, Antialias, Image, MemoryGuard, RasterOptions};
use crate::scene::{build_scene, BuildOptions, GradientSpace, Origin, Scene};

/// Settings of one render.
#[derive(Debug, Clone)]
pub struct RenderConfig {
    /// Output pixels per design pixel.
    pub scale: f32,
    /// Rows per band (0: chosen per scene).
    pub band_height: usize,
    /// Rows per streamed chunk.
    pub chunk_rows: usize,
    /// What the render may use (document bytes, output pixels, path segments, nodes,
    /// decoded image pixels, effect reach).
    pub limits: Limits,
    /// PNG compression trade-off.
    pub png: PngSpeed,
    /// Give up with a limits error once this instant passes (checked after building the
    /// scene and between streamed chunks), so a job over its time budget stops early.
    pub deadline: Option<Instant>,
    /// How edge pixels are anti-aliased (exact area, or Figma's 16 samples).
    pub antialias: Antialias,
    /// The CPU and memory this render may use: when set, the render is predicted from its
    /// scene first and refused (a limits error) if it will not fit, and the process's memory
    /// is guarded while it runs.
    pub cost: Option<CostBudget>,
    /// The design tool the document comes from (the manifest's `origin`): picks that tool's
    /// look where the Octopus leaves it open.
    pub origin: Origin,
    /// The colour space gradients mix in; `None`: the origin's (Oklab for Photoshop, sRGB
    /// otherwise).
    pub gradients: Option<GradientSpace>,
}

impl Default for RenderConfig {
    fn default() -> Self {
        let r = RasterOptions::default();
        RenderConfig {
            scale: 1.0,
            band_height: r.band_height,
            chunk_rows: r.chunk_rows,
            limits: Limits::DEFAULT,
            png: PngSpeed::default(),
            deadline: None,
            antialias: r.antialias,
            cost: None,
            origin: Origin::Unknown,
            gradients: None,
        }
    }
}

impl RenderConfig {
    pub(crate) fn build_options(&self) -> BuildOptions {
        BuildOptions {
            scale: self.scale,
            limits: self.limits,
            deadline: self.deadline,
            origin: self.origin,
            gradients: self.gradients,
        }
    }

    fn raster_options(&self) -> RasterOptions {
        RasterOptions {
            scale: self.scale,
            band_height: self.band_height,
            chunk_rows: self.chunk_rows,
            max_pixels: self.limits.output_pixels,
            antialias: self.antialias,
            deadline: self.deadline,
            memory: self.cost.map(|c| MemoryGuard {
                limit: c.memory_bytes,
                probe: c.probe,
            }),
        }
    }
}

/// What a render produced besides pixels.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Everything not rendered exactly.
    pub diagnostics: Vec<Diagnostic>,
    /// What the scene's cost was read as.
    pub features: CostFeatures,
    /// The prediction checked against [`RenderConfig::cost`], when one was set.
    pub prediction: Option<Prediction>,
    /// Time spent in each stage.
    pub times: StageTimes,
}

/// Wall time of each stage of a render. Rasterising and encoding interleave (the PNG is
/// streamed by chunks): `encode` is the time spent handing rows to the encoder and
/// finishing it, `raster` the rest of drawing.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Reading the JSON into a document.
    pub parse: Duration,
    /// Building the scene (transforms, paints, outlines, text, bitmaps decoded).
    pub scene: Duration,
    /// Drawing the pixels.
    pub raster: Duration,
    /// Encoding the image.
    pub encode: Duration,
}

/// Parses and builds the scene of a document.
pub fn load_scene(json: &[u8], cfg: &RenderConfig, assets: &dyn AssetResolver) -> Result<Scene> {
    check_document_size(json.len(), &cfg.limits)?;
    let doc = octopus_schema::parse_document(json)?;
    build_scene(&doc, &cfg.build_options(), assets)
}

/// A document of `len` bytes against the limit, before anything is parsed.
pub fn check_document_size(len: usize, limits: &Limits) -> Result<()> {
    if len > limits.document_bytes {
        return Err(Error::Limit(format!(
            "document is {len} bytes, over the limit of {}",
            limits.document_bytes
        )));
    }
    Ok(())
}

/// Renders a document into memory.
pub fn render_document(
    json: &[u8],
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
) -> Result<(Image, Vec<Diagnostic>)> {
    let scene = load_scene(json, cfg, assets)?;
    plan(&scene, cfg)?;
    let image = raster::render(&scene, &cfg.raster_options())?;
    Ok((image, scene.diagnostics))
}

/// Renders a document straight to PNG on `out`, streaming.
pub fn render_png<W: Write>(
    json: &[u8],
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
    out: W,
) -> Result<Rendered> {
    let scene = load_scene(json, cfg, assets)?;
    check_deadline(cfg)?;
    render_scene_png(&scene, cfg, out)
}

/// Renders a document straight to PNG on `out`, like [`render_png`], but owns the JSON and
/// frees it once parsed, and the parsed document once the scene is built: for a document of
/// a hundred thousand layers those two are most of the peak memory.
pub fn render_png_owned<W: Write>(
    json: Vec<u8>,
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
    out: W,
) -> Result<Rendered> {
    render_encoded_owned(json, cfg, assets, &Encoding::default(), out)
}

/// [`load_scene`] that frees the JSON once parsed and the document once the scene is built.
pub fn load_scene_owned(
    json: Vec<u8>,
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
) -> Result<Scene> {
    load_scene_timed(json, cfg, assets).map(|(scene, _)| scene)
}

/// [`load_scene_owned`], with the time it took to parse and to build (`raster` and `encode`
/// left zero).
pub fn load_scene_timed(
    json: Vec<u8>,
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
) -> Result<(Scene, StageTimes)> {
    check_document_size(json.len(), &cfg.limits)?;
    let t0 = Instant::now();
    let doc = octopus_schema::parse_document(&json)?;
    drop(json);
    let t1 = Instant::now();
    let scene = build_scene(&doc, &cfg.build_options(), assets)?;
    let times = StageTimes {
        parse: t1 - t0,
        scene: t1.elapsed(),
        ..StageTimes::default()
    };
    Ok((scene, times))
}

/// A limits error once `cfg.deadline` has passed.
pub(crate) fn check_deadline(cfg: &RenderConfig) -> Result<()> {
    match cfg.deadline {
        Some(d) if Instant::now() >= d => Err(Error::budget(
            BudgetKind::Deadline,
            "the render ran past its time budget",
        )),
        _ => Ok(()),
    }
}

/// What a render of a built scene will be, decided before any pixel is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// The scene's cost features.
    pub features: CostFeatures,
    /// The prediction checked against [`RenderConfig::cost`], when one was set.
    pub prediction: Option<Prediction>,
}

/// Checks a built scene against the output size limit and, when `cfg.cost` is set, its
/// predicted cost against the budget: the same checks, in the same order, as the render
/// makes before drawing, without drawing.
pub fn plan(scene: &Scene, cfg: &RenderConfig) -> Result<Plan> {
    let (width, height) = raster::checked_size(scene, &cfg.raster_options())?;
    let features = cost::features(scene, cfg.scale);
    let prediction = match &cfg.cost {
        Some(budget) => Some(cost::check(
            &features,
            budget,
            cfg.deadline,
            cfg.chunk_rows,
        )?),
        None => None,
    };
    Ok(Plan {
        width,
        height,
        features,
        prediction,
    })
}

/// Renders a built scene straight to PNG on `out`, streaming.
pub fn render_scene_png<W: Write>(scene: &Scene, cfg: &RenderConfig, out: W) -> Result<Rendered> {
    render_scene_encoded(scene, cfg, &Encoding::default(), out)
}

/// Renders a document onto `out` in `enc`'s format, like [`render_png_owned`] (which it is
/// for a plain PNG).
pub fn render_encoded_owned<W: Write>(
    json: Vec<u8>,
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
    enc: &Encoding,
    out: W,
) -> Result<Rendered> {
    let (scene, loaded) = load_scene_timed(json, cfg, assets)?;
    check_deadline(cfg)?;
    let mut rendered = render_scene_encoded(&scene, cfg, enc, out)?;
    rendered.times.parse = loaded.parse;
    rendered.times.scene = loaded.scene;
    Ok(rendered)
}

/// Renders a built scene onto `out` in `enc`'s format: PNG streamed chunk by chunk (laid over
/// the background, when one is given), JPEG and WebP encoded from the whole frame.
pub fn render_scene_encoded<W: Write>(
    scene: &Scene,
    cfg: &RenderConfig,
    enc: &Encoding,
    out: W,
) -> Result<Rendered> {
    let opts = cfg.raster_options();
    let Plan {
        width,
        height,
        features,
        prediction,
    } = plan(scene, cfg)?;
    let start = Instant::now();
    let mut encode = Duration::ZERO;
    if enc.format == Format::Png {
        let mut flat = Vec::new();
        write_png(out, width, height, cfg.png, |png| {
            raster::render_streamed(scene, &opts, |_, rows| {
                check_deadline(cfg)?;
                let t = Instant::now();
                let written = match enc.background {
                    None => png.write_rows(rows),
                    Some(bg) => {
                        flat.clear();
                        flat.extend_from_slice(rows);
                        flatten_row(&mut flat, bg);
                        png.write_rows(&flat)
                    }
                };
                encode += t.elapsed();
                written
            })
            .map(|_| ())
        })?;
    } else {
        let mut frame = FrameBuffer::new(*enc, width, height);
        raster::render_streamed(scene, &opts, |_, rows| {
            check_deadline(cfg)?;
            let t = Instant::now();
            frame.push_rows(rows);
            encode += t.elapsed();
            Ok(())
        })?;
        let t = Instant::now();
        frame.encode(out, width, height)?;
        encode += t.elapsed();
    }
    Ok(Rendered {
        width,
        height,
        diagnostics: scene.diagnostics.clone(),
        features,
        prediction,
        times: StageTimes {
            raster: start.elapsed().saturating_sub(encode),
            encode,
            ..StageTimes::default()
        },
    })
}
