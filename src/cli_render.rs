//! The `render` command's work: one document, a manifest's documents in parallel, or several
//! outputs of one document.
//!
//! Input: [`RenderArgs`] and the font book. Output: image files (or stdout), warnings and
//! status lines on stderr, and the worst failure. Guarantees: a failed render never leaves a
//! truncated image (see `cli_files.rs`); every diagnostic is printed with its layer id; with
//! `--manifest`, documents render in parallel on the render pool (so up to `--threads` at
//! once), one failing document does not stop the others, and the error returned is the
//! worst by blame; each image is the same bytes whatever the thread count.

use std::path::Path;
use std::sync::{Arc, Mutex};

use octopus_render::{
    render_encoded_owned, Blame, Diagnostic, Error, FontBook, Result, StageTimes,
};
use rayon::prelude::*;

use crate::cli_args::{config, RenderArgs};
use crate::cli_assets::{dir_assets, manifest_beside, Beside};
use crate::cli_files::{is_std, read_document, sanitize, write_output};
use crate::cli_outputs::{
    layer_outputs, parse_list, write_outputs, Choice, LayerStyle, OutputsRun,
};
use crate::cli_progress::Progress;

/// Renders what `args` asks for: a manifest, several outputs, or one document.
pub(crate) fn render(args: &RenderArgs, fonts: &Arc<FontBook>) -> Result<()> {
    match (&args.manifest, &args.document) {
        (Some(m), _) => render_manifest(args, m, fonts),
        (None, Some(doc))
            if !args.layers.is_empty() || args.outputs.is_some() || args.all_layers =>
        {
            render_several(args, doc, fonts)
        }
        (None, Some(doc)) => render_one(args, doc, &args.output, fonts, None, &Progress::none()),
        (None, None) => Err(Error::Internal("no document given".into())),
    }
}

/// The manifest beside `doc`; none for stdin.
fn beside(doc: &Path) -> Beside {
    if is_std(doc) {
        Beside::default()
    } else {
        manifest_beside(doc)
    }
}

/// `--layer` or `--outputs`: several images of `doc` from one parse, into the output folder.
fn render_several(args: &RenderArgs, doc: &Path, fonts: &Arc<FontBook>) -> Result<()> {
    let beside = beside(doc);
    let style = LayerStyle {
        scale: args.scale,
        encoding: args.image.encoding_for_dir(),
        crop: args.crop,
    };
    let outputs = match &args.outputs {
        Some(list) => Choice::Listed(parse_list(list)?),
        None if args.all_layers => Choice::TopLevel(style),
        None => Choice::Listed(layer_outputs(doc, &args.layers, style)),
    };
    let run = OutputsRun {
        doc,
        dir: &args.output,
        outputs,
        config: config(args, beside.origin.as_deref()),
        quiet: args.quiet,
        timings: args.timings,
    };
    write_outputs(
        &run,
        &dir_assets(doc, args.assets.as_deref(), fonts, beside),
    )
}

/// Renders `doc` to `out` (`-`: stdout); `origin` is the design tool named by the manifest
/// being rendered, if any (else the manifest beside the document is read).
fn render_one(
    args: &RenderArgs,
    doc: &Path,
    out: &Path,
    fonts: &Arc<FontBook>,
    origin: Option<&str>,
    progress: &Progress,
) -> Result<()> {
    let encoding = args.image.encoding(out)?;
    let json = read_document(doc)?;
    let beside = beside(doc);
    let mut config = config(args, origin.or(beside.origin.as_deref()));
    let assets = dir_assets(doc, args.assets.as_deref(), fonts, beside);
    if args.image.fits() {
        config.scale = args.image.fit_scale(&json, &config, &assets)?;
    }
    let rendered = write_output(out, |w| {
        render_encoded_owned(json, &config, &assets, &encoding, w)
    })?;
    if !args.quiet {
        print_diagnostics(doc, &rendered.diagnostics, args.assets.as_deref(), progress);
        progress.line(&format!(
            "{}: {} x {} -> {}",
            doc.display(),
            rendered.width,
            rendered.height,
            if is_std(out) {
                "stdout".into()
            } else {
                out.display().to_string()
            }
        ));
    }
    if args.timings {
        print_timings(doc, &rendered.times);
    }
    Ok(())
}

fn print_diagnostics(doc: &Path, diags: &[Diagnostic], assets: Option<&Path>, p: &Progress) {
    for d in diags {
        p.line(&format!("warning: {}: {d}", doc.display()));
    }
    if let Some(dir) = assets {
        if !dir.is_dir() {
            p.line(&format!(
                "warning: assets directory {} does not exist",
                dir.display()
            ));
        }
    }
}

/// Prints the stage times of `doc`'s render on stderr, in milliseconds.
pub(crate) fn print_timings(doc: &Path, t: &StageTimes) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    eprintln!(
        "{}: parse {:.1} ms, scene {:.1} ms, raster {:.1} ms, encode {:.1} ms",
        doc.display(),
        ms(t.parse),
        ms(t.scene),
        ms(t.raster),
        ms(t.encode)
    );
}

/// Renders every component of a manifest into the output directory as `<id>.png` (or the
/// `--format`'s extension), in parallel on the render pool.
fn render_manifest(args: &RenderArgs, manifest: &Path, fonts: &Arc<FontBook>) -> Result<()> {
    let bytes = std::fs::read(manifest).map_err(|e| Error::io(manifest, e))?;
    let m = octopus_schema::parse_manifest(&bytes)?;
    let base = manifest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(&args.output).map_err(|e| Error::io(&args.output, e))?;
    let origin = m.origin.as_ref().map(|o| o.name.as_str());
    let progress = Progress::new(m.components.len(), args.quiet);
    let worst: Mutex<Option<Error>> = Mutex::new(None);
    let done = m
        .components
        .par_iter()
        .filter(|c| {
            let doc = base.join(c.document_path());
            let name = format!("{}.{}", sanitize(&c.id), args.image.extension());
            let out = args.output.join(name);
            let result = render_one(args, &doc, &out, fonts, origin, &progress);
            progress.advance(&c.id);
            match result {
                Ok(()) => true,
                Err(e) => {
                    progress.line(&format!(
                        "error: component {:?} ({}): {e}",
                        c.id,
                        doc.display()
                    ));
                    if let Ok(mut w) = worst.lock() {
                        *w = Some(worse(w.take(), e));
                    }
                    false
                }
            }
        })
        .count();
    progress.finish();
    eprintln!(
        "{done} of {} components rendered into {}",
        m.components.len(),
        args.output.display()
    );
    match worst.into_inner() {
        Ok(Some(e)) => Err(e),
        Ok(None) => Ok(()),
        Err(_) => Err(Error::Internal("a render thread panicked".into())),
    }
}

/// Keeps the error whose blame is more severe for the exit code.
fn worse(a: Option<Error>, b: Error) -> Error {
    let rank = |e: &Error| match e.blame() {
        Blame::Internal => 5,
        Blame::Io => 4,
        Blame::Input => 3,
        Blame::Limits => 2,
        Blame::Unsupported => 1,
    };
    match a {
        Some(a) if rank(&a) >= rank(&b) => a,
        _ => b,
    }
}
