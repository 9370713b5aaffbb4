//! Several images from one document: the whole design, previews, thumbnails and layer
//! assets at several scales and formats, from one parse.
//!
//! Input: the document's JSON bytes (owned, freed once parsed), a [`RenderConfig`], the
//! bitmaps, and the [`OutputSpec`]s asked for. Output: each image, encoded, handed to a sink
//! in the order asked, with what its render produced. Guarantees:
//! - the JSON is parsed once; a scene is built once per distinct scale (the scene depends on
//!   the scale: stroke flattening, hairlines, SVG image resolution, vanishing shadows and the
//!   effect limit are decided for it), and the outputs at one scale share it, so each image is
//!   byte-identical to the same image rendered on its own;
//! - before any image is drawn, every layer id is checked (an unknown one is an input error
//!   naming it) and, when a cost budget is set, the predicted cost of all the outputs together
//!   is checked against it: CPU time summed, memory of the largest (they render in turn), so a
//!   job that cannot fit is refused before it costs anything;
//! - no I/O: the sink decides where the bytes go.

mod fit;
mod list;

pub use fit::fit_scale;
pub use list::{parse_outputs, NamedOutput, RawOutput};

use std::time::Instant;

use crate::assets::AssetResolver;
use crate::cost::{self, Prediction};
use crate::error::{Error, Result};
use crate::output::{Encoding, Format};
use crate::render::{
    check_deadline, check_document_size, render_scene_encoded, RenderConfig, Rendered, StageTimes,
};
use crate::scene::layer::{layer_scene_cropped, Crop};
use crate::scene::{build_scene, Scene};

/// The most outputs one call renders.
pub const MAX_OUTPUTS: usize = 64;

/// The size of an output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputSize {
    /// Output pixels per design pixel.
    Scale(f32),
    /// The largest scale at which the image fits within this width and height (either may
    /// be open), keeping the aspect ratio.
    Fit {
        /// Most pixels of width.
        width: Option<u32>,
        /// Most pixels of height.
        height: Option<u32>,
    },
}

/// One image to produce.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// The layer to render alone; `None`: the whole document.
    pub layer: Option<String>,
    /// How a layer is framed (what it paints, or its own outlines).
    pub crop: Crop,
    /// Scale or size.
    pub size: OutputSize,
    /// Format, quality, background.
    pub encoding: Encoding,
}

/// One image, encoded.
#[derive(Debug)]
pub struct Produced {
    /// Its index in the specs asked for.
    pub index: usize,
    /// The scale it was rendered at (resolved from a fit).
    pub scale: f32,
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Size, diagnostics and cost of its render.
    pub rendered: Rendered,
}

/// What all the outputs were predicted to cost together, and the shared stages' times.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// CPU summed over the outputs, memory of the largest; `None` without a cost budget.
    pub prediction: Option<Prediction>,
    /// The parse, and the scenes built (summed); each output's raster and encode times are
    /// in its own [`Produced::rendered`].
    pub times: StageTimes,
}

/// Renders every output of `specs` from the document in `json`, handing each to `sink` as
/// soon as it is encoded. `cfg.scale` is ignored (each spec has its own).
pub fn render_outputs(
    json: Vec<u8>,
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
    specs: &[OutputSpec],
    sink: impl FnMut(Produced) -> Result<()>,
) -> Result<Summary> {
    let first_scale = specs
        .iter()
        .find_map(|s| match s.size {
            OutputSize::Scale(v) => Some(v),
            OutputSize::Fit { .. } => None,
        })
        .unwrap_or(1.0);
    render_chosen(json, cfg, assets, first_scale, |_| specs.to_vec(), sink)
}

/// Like [`render_outputs`], with the outputs chosen from the scene built at `first_scale`
/// (say, one per top-level layer, [`crate::scene::layer::top_level_ids`]): the document is
/// still parsed once. `sink` gets each output's index in what `choose` returned.
pub fn render_chosen(
    json: Vec<u8>,
    cfg: &RenderConfig,
    assets: &dyn AssetResolver,
    first_scale: f32,
    choose: impl FnOnce(&Scene) -> Vec<OutputSpec>,
    mut sink: impl FnMut(Produced) -> Result<()>,
) -> Result<Summary> {
    check_document_size(json.len(), &cfg.limits)?;
    let t0 = Instant::now();
    let doc = octopus_schema::parse_document(&json)?;
    drop(json);
    let mut times = StageTimes {
        parse: t0.elapsed(),
        ..StageTimes::default()
    };
    let at = |scale: f32| RenderConfig {
        scale,
        ..cfg.clone()
    };
    let build = |scale: f32, times: &mut StageTimes| {
        let t = Instant::now();
        let scene = build_scene(&doc, &at(scale).build_options(), assets);
        times.scene += t.elapsed();
        scene
    };
    let first = build(first_scale, &mut times)?;
    let specs = choose(&first);
    if specs.is_empty() || specs.len() > MAX_OUTPUTS {
        return Err(Error::Limit(format!(
            "{} outputs asked for; a render makes 1 to {MAX_OUTPUTS}",
            specs.len()
        )));
    }
    let scales = resolve_scales(&first, &specs)?;
    // A deadline already past is the reason to report: a prediction against no time left
    // would call it predicted_time, which sends operators looking at the cost model.
    check_deadline(cfg)?;
    let prediction = predict_all(&first, &specs, &scales, cfg)?;
    let mut first = Some((first_scale, first));
    let mut done = vec![false; specs.len()];
    for i in 0..specs.len() {
        if done[i] {
            continue;
        }
        let scale = scales[i];
        let scene = match first.take() {
            Some((s, scene)) if s.to_bits() == scale.to_bits() => scene,
            _ => build(scale, &mut times)?,
        };
        // Every output at this scale, in the order asked, from this one scene.
        for j in i..specs.len() {
            if done[j] || scales[j].to_bits() != scale.to_bits() {
                continue;
            }
            done[j] = true;
            let produced = render_one(&scene, &specs[j], j, &at(scale))?;
            sink(produced)?;
        }
    }
    Ok(Summary { prediction, times })
}

/// The scene an output draws: the whole scene, or its layer alone.
fn target(scene: &Scene, spec: &OutputSpec) -> Result<Option<Scene>> {
    match &spec.layer {
        None => Ok(None),
        Some(id) => layer_scene_cropped(scene, id, spec.crop)
            .map(Some)
            .ok_or_else(|| Error::Invalid {
                path: "content".into(),
                layer_id: Some(id.clone()),
                message: format!("no drawn layer has the id {id:?} (hidden layers are not drawn)"),
            }),
    }
}

/// Each output's scale, fits resolved against the frame they crop to; an unknown layer id
/// is an error.
fn resolve_scales(scene: &Scene, specs: &[OutputSpec]) -> Result<Vec<f32>> {
    specs
        .iter()
        .map(|spec| {
            let layer = target(scene, spec)?;
            Ok(match spec.size {
                OutputSize::Scale(s) => s,
                OutputSize::Fit { width, height } => {
                    fit_scale(&layer.as_ref().unwrap_or(scene).frame, width, height)
                }
            })
        })
        .collect()
}

/// The cost of all the outputs, read off the first scene built, checked against the
/// budget: CPU summed (they all run), memory the largest (one renders at a time), each
/// JPEG or WebP counting its whole frame (those encoders take the frame at once).
fn predict_all(
    scene: &Scene,
    specs: &[OutputSpec],
    scales: &[f32],
    cfg: &RenderConfig,
) -> Result<Option<Prediction>> {
    let Some(budget) = &cfg.cost else {
        return Ok(None);
    };
    let mut total = Prediction {
        cpu_seconds: 0.0,
        raster_bytes: 0.0,
    };
    for (spec, &scale) in specs.iter().zip(scales) {
        let layer = target(scene, spec)?;
        let f = cost::features(layer.as_ref().unwrap_or(scene), scale);
        let p = Prediction::of(&budget.model, &f, budget.threads, cfg.chunk_rows);
        let frame = match spec.encoding.format {
            Format::Png => 0.0,
            Format::Jpeg => 3.0 * f.frame_px(),
            // libwebp's lossy encoder adds its YUV planes to the frame.
            Format::Webp if spec.encoding.quality.is_some() => 6.0 * f.frame_px(),
            Format::Webp => 4.0 * f.frame_px(),
        };
        total.cpu_seconds += p.cpu_seconds;
        total.raster_bytes = total.raster_bytes.max(p.raster_bytes + frame);
    }
    cost::check_prediction(total, budget, cfg.deadline).map(Some)
}

fn render_one(
    scene: &Scene,
    spec: &OutputSpec,
    index: usize,
    cfg: &RenderConfig,
) -> Result<Produced> {
    let layer = target(scene, spec)?;
    let mut bytes = Vec::new();
    let rendered = render_scene_encoded(
        layer.as_ref().unwrap_or(scene),
        cfg,
        &spec.encoding,
        &mut bytes,
    )?;
    Ok(Produced {
        index,
        scale: cfg.scale,
        bytes,
        rendered,
    })
}
