//! `render --layer ID`, `--all-layers` and `--outputs LIST`: several images of one
//! document, from one parse.
//!
//! Input: a document, the outputs asked for (layer ids at the `--scale`, every top-level
//! layer, or a list in the hand-off job's format) and an output directory. Output: one file
//! per output, layers named `<doc>-<layer>@<scale>x.<ext>`, a list's at `<dir>/<key>`. Guarantees: the
//! document is read and parsed once, a scene built once per distinct scale (see
//! [`octopus_render::handoff`]); an unknown layer id is an input error naming it, reported
//! before any file is written; each file is written through a temporary name, so a failure
//! leaves no truncated image; each image is byte-identical to what a worker stores for the
//! same output.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use octopus_render::handoff::{
    parse_outputs, render_chosen, NamedOutput, OutputSize, OutputSpec, RawOutput,
};
use octopus_render::output::Encoding;
use octopus_render::scene::layer::{top_level_ids, Crop};
use octopus_render::{AssetResolver, Error, RenderConfig, Result, StageTimes};

use crate::cli_files::{read_document, sanitize, write_through_temp};
use crate::cli_progress::Progress;
use crate::cli_render::print_timings;

/// What to write.
pub(crate) struct OutputsRun<'a> {
    /// The document (`-`: stdin).
    pub doc: &'a Path,
    /// The output directory.
    pub dir: &'a Path,
    /// The outputs.
    pub outputs: Choice,
    /// Render settings (the scale is each output's).
    pub config: RenderConfig,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Print stage times.
    pub timings: bool,
}

/// Which outputs to write.
pub(crate) enum Choice {
    /// These, named.
    Listed(Vec<NamedOutput>),
    /// Every top-level layer of the document, as `--layer` names them.
    TopLevel(LayerStyle),
}

/// How `--layer` and `--all-layers` render each layer.
#[derive(Clone, Copy)]
pub(crate) struct LayerStyle {
    /// Output pixels per design pixel.
    pub scale: f32,
    /// Format and quality.
    pub encoding: Encoding,
    /// Framing.
    pub crop: Crop,
}

/// Layer ids as outputs, named `<doc>-<layer>@<scale>x.<ext>`.
pub(crate) fn layer_outputs(doc: &Path, ids: &[String], style: LayerStyle) -> Vec<NamedOutput> {
    let LayerStyle {
        scale,
        encoding,
        crop,
    } = style;
    let stem = match doc.file_stem() {
        Some(s) if doc.as_os_str() != "-" => s.to_string_lossy().into_owned(),
        _ => "document".to_owned(),
    };
    let stem = sanitize(stem.strip_prefix("octopus-").unwrap_or(&stem));
    ids.iter()
        .map(|id| NamedOutput {
            key: format!(
                "{stem}-{}@{scale}x.{}",
                sanitize(id),
                encoding.format.extension()
            ),
            spec: OutputSpec {
                layer: Some(id.clone()),
                crop,
                size: OutputSize::Scale(scale),
                encoding,
            },
        })
        .collect()
}

/// `--outputs`: a JSON array, or the name of a file holding one.
pub(crate) fn parse_list(arg: &str) -> Result<Vec<NamedOutput>> {
    let text = if arg.trim_start().starts_with('[') {
        arg.to_owned()
    } else {
        fs::read_to_string(arg).map_err(|e| Error::io(arg, e))?
    };
    let bad = |why: String| Error::Invalid {
        path: "--outputs".into(),
        layer_id: None,
        message: why,
    };
    let raw: Vec<RawOutput> =
        serde_json::from_str(&text).map_err(|e| bad(format!("not an output list: {e}")))?;
    parse_outputs(raw).map_err(bad)
}

/// Renders every output of `run` into `run.dir`.
pub(crate) fn write_outputs(run: &OutputsRun<'_>, assets: &dyn AssetResolver) -> Result<()> {
    let json = read_document(run.doc)?;
    // Chosen once the first scene is built (for --all-layers), read by every output after.
    let named: OnceCell<Vec<NamedOutput>> = OnceCell::new();
    let progress: OnceCell<Progress> = OnceCell::new();
    let first_scale = match &run.outputs {
        Choice::TopLevel(style) => style.scale,
        Choice::Listed(list) => list
            .iter()
            .find_map(|o| match o.spec.size {
                OutputSize::Scale(s) => Some(s),
                OutputSize::Fit { .. } => None,
            })
            .unwrap_or(1.0),
    };
    let choose = |scene: &octopus_render::scene::Scene| {
        let list = match &run.outputs {
            Choice::Listed(list) => list.clone(),
            Choice::TopLevel(style) => layer_outputs(run.doc, &top_level_ids(scene), *style),
        };
        let specs: Vec<OutputSpec> = list.iter().map(|o| o.spec.clone()).collect();
        let _ = progress.set(Progress::new(list.len(), run.quiet));
        let _ = named.set(list);
        specs
    };
    let mut seen = HashSet::new();
    let mut times = StageTimes::default();
    let summary = render_chosen(json, &run.config, assets, first_scale, choose, |p| {
        let (Some(named), Some(progress)) = (named.get(), progress.get()) else {
            return Err(Error::Internal(
                "an output before the outputs were chosen".into(),
            ));
        };
        let out = &named[p.index];
        let path = run.dir.join(&out.key);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_through_temp(&path, |w| {
            w.write_all(&p.bytes).map_err(|e| Error::io(&path, e))
        })?;
        times.raster += p.rendered.times.raster;
        times.encode += p.rendered.times.encode;
        progress.advance(&out.key);
        if !run.quiet {
            for d in &p.rendered.diagnostics {
                if seen.insert(d.to_string()) {
                    progress.line(&format!("warning: {}: {d}", run.doc.display()));
                }
            }
            let what = out
                .spec
                .layer
                .as_ref()
                .map_or(String::new(), |l| format!("layer {l:?}: "));
            progress.line(&format!(
                "{}: {what}{} x {} -> {}",
                run.doc.display(),
                p.rendered.width,
                p.rendered.height,
                path.display()
            ));
        }
        Ok(())
    });
    if let Some(p) = progress.get() {
        p.finish();
    }
    let summary = summary?;
    if run.timings {
        times.parse = summary.times.parse;
        times.scene = summary.times.scene;
        print_timings(run.doc, &times);
    }
    Ok(())
}
