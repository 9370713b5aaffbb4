//! `render --layer ID`: layer assets from one document, parsed and built once.
//!
//! Input: a document, the layer ids asked for, the render settings and an output directory.
//! Output: one image per layer, `<doc>-<layer>@<scale>x.<ext>`, each cropped to everything
//! the layer paints (strokes and effects included) on transparency. Guarantees: the document
//! is read, parsed and built into a scene once for all layers; an id no drawn layer has is
//! an input error naming it, reported before any file is written; each file is written
//! through a temporary name, so a failure leaves no truncated image.

use std::fs;
use std::path::Path;

use octopus_render::output::Encoding;
use octopus_render::scene::layer::layer_scene;
use octopus_render::{render_scene_encoded, AssetResolver, Error, RenderConfig, Result};

/// What to export.
pub(crate) struct LayerExport<'a> {
    /// The document.
    pub doc: &'a Path,
    /// The output directory.
    pub dir: &'a Path,
    /// Layer ids, in the order asked.
    pub ids: &'a [String],
    /// Render settings (scale included).
    pub config: RenderConfig,
    /// Format of every file.
    pub encoding: Encoding,
    /// Print nothing but errors.
    pub quiet: bool,
}

/// Renders each asked layer of `job.doc` into `job.dir`.
pub(crate) fn render_layers(job: &LayerExport<'_>, assets: &dyn AssetResolver) -> Result<()> {
    let json = fs::read(job.doc).map_err(|e| Error::io(job.doc, e))?;
    let scene = octopus_render::render::load_scene_owned(json, &job.config, assets)?;
    let scenes = job
        .ids
        .iter()
        .map(|id| {
            layer_scene(&scene, id).ok_or_else(|| Error::Invalid {
                path: "content".into(),
                layer_id: Some(id.clone()),
                message: format!("no drawn layer has the id {id:?} (hidden layers are not drawn)"),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    drop(scene);
    fs::create_dir_all(job.dir).map_err(|e| Error::io(job.dir, e))?;
    let stem = job
        .doc
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_prefix("octopus-").unwrap_or(&stem);
    for (id, layer) in job.ids.iter().zip(&scenes) {
        let name = format!(
            "{}-{}@{}x.{}",
            crate::cli::sanitize(stem),
            crate::cli::sanitize(id),
            job.config.scale,
            job.encoding.format.extension()
        );
        let out = job.dir.join(name);
        let rendered = crate::cli::write_through_temp(&out, |w| {
            render_scene_encoded(layer, &job.config, &job.encoding, w)
        })?;
        if !job.quiet {
            for d in &rendered.diagnostics {
                eprintln!("warning: {}: {d}", job.doc.display());
            }
            eprintln!(
                "{}: layer {id:?}: {} x {} -> {}",
                job.doc.display(),
                rendered.width,
                rendered.height,
                out.display()
            );
        }
    }
    Ok(())
}
