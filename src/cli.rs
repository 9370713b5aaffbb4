//! Argument parsing and the `render` command (one document or every document of a manifest).
//!
//! Input: command-line arguments. Output: PNG, JPEG or WebP files and an exit code.
//! Guarantees: files are written through a temporary name and renamed, so a failed render
//! never leaves a truncated image; every diagnostic is printed with its layer id; with `--manifest`, one failing
//! document does not stop the others, and the exit code reports the worst failure.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use octopus_render::output::PngSpeed;
use octopus_render::scene::{GradientSpace, Origin};

use crate::cli_assets::{dir_assets, manifest_beside, read_manifest};
use crate::cli_image::ImageArgs;
use crate::cli_layers::{render_layers, LayerExport};
use octopus_render::{
    render_encoded_owned, Antialias, Blame, Diagnostic, Error, FontBook, Limits, RenderConfig,
    Result,
};

/// Renders Octopus 3 design documents to PNG, JPEG or WebP.
#[derive(Parser)]
#[command(name = "octopus-render", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render one document (DOC.json -o OUT.png) or every document of a manifest (--manifest M -o DIR).
    Render(RenderArgs),
    /// Consume render jobs from RabbitMQ (see README: "Running a worker").
    #[cfg(feature = "worker")]
    Worker(octopus_render::worker::WorkerConfig),
    /// Predict what documents cost (and with --measure, render them and compare), or fit
    /// the cost model to such measurements (--fit).
    Cost(crate::cost_cmd::CostArgs),
    /// Publish one render job to the queue (confirmed by the broker).
    #[cfg(feature = "worker")]
    Submit(octopus_render::worker::submit::SubmitArgs),
    /// Print each worker tier's nominal budget as one JSON line (what the pod sizes and
    /// grace periods in k8s/ are checked against).
    #[cfg(feature = "worker")]
    Tiers,
    /// Write a generated benchmark scene (typical, worldmap, big, cards, frosted) as
    /// DIR/NAME.json and DIR/NAME.svg (frosted has no SVG form), or a budget outlier
    /// (worldmap-300k, canvas-20k, blur-stack, backdrop-stack, images, deep-nesting,
    /// blur-1e7) as DIR/NAME.json and its bitmaps.
    #[cfg(feature = "bench-scenes")]
    Synth {
        /// Scene name.
        name: String,
        /// Output directory.
        #[arg(short, long, default_value = ".")]
        output: PathBuf,
    },
}

#[derive(Args)]
struct RenderArgs {
    /// The Octopus document (octopus-<id>.json).
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    document: Option<PathBuf>,
    /// Render every component of this manifest instead of one document.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Output image (one document; its extension picks the format unless --format does) or
    /// output directory (manifest).
    #[arg(short, long)]
    output: PathBuf,
    /// Output pixels per design pixel.
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
    /// Directory holding the bitmaps the documents reference, named by key with or without
    /// extension (default: the document's directory).
    #[arg(long)]
    assets: Option<PathBuf>,
    /// Directory of font files (TTF, OTF, TTC), searched before the system's; repeatable.
    #[arg(long = "fonts", value_name = "DIR")]
    fonts: Vec<PathBuf>,
    /// Use only `--fonts` directories and the embedded Inter, not the system's fonts.
    #[arg(long)]
    no_system_fonts: bool,
    /// Render threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Rows per band, 0 = automatic (any value gives identical output).
    #[arg(long, default_value_t = 0, hide = true)]
    band_height: usize,
    /// Smaller files, slower encoding.
    #[arg(long)]
    small: bool,
    /// Most output pixels allowed.
    #[arg(long, default_value_t = Limits::DEFAULT.output_pixels)]
    max_pixels: u64,
    /// Anti-aliasing: `figma` counts Figma's 16 sample positions per pixel (edges as Figma
    /// exports them), `exact` measures exact areas; `auto` picks `figma` when the design's
    /// manifest (given, or `octopus-manifest.json` beside the document) says it came from
    /// Figma, else `exact`.
    #[arg(long, value_enum, default_value_t = AaArg::Auto)]
    antialias: AaArg,
    /// The colour space gradients mix their stops in: `srgb` (Figma, Illustrator, the web,
    /// Photoshop's Classic method), `oklab` (Photoshop's Perceptual method, its default since
    /// 2022), `linear` (linear light, Photoshop's Linear method); `auto` picks `oklab` when
    /// the manifest says the design came from Photoshop, else `srgb`.
    #[arg(long, value_enum, default_value_t = GradArg::Auto)]
    gradients: GradArg,
    /// Give up on a document after this many seconds (exit code 4), as a worker does at
    /// the end of its time budget.
    #[arg(long, value_name = "SECONDS", value_parser = positive_seconds)]
    timeout: Option<f64>,
    /// Render as a worker of this tier would: its caps, time and memory budgets and
    /// render threads (unless --threads is given); a document over them fails with exit
    /// code 4, as the worker would escalate or refuse it.
    #[cfg(feature = "worker")]
    #[arg(long, value_enum)]
    tier: Option<octopus_render::worker::Tier>,
    /// Export this layer (or group) alone, cropped to what it paints, into the output
    /// directory as `<doc>-<layer>@<scale>x.<ext>`; repeatable, one parse for all.
    #[arg(long = "layer", value_name = "ID", conflicts_with_all = ["manifest", "width", "height"])]
    layers: Vec<String>,
    /// Do not print diagnostics.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    image: ImageArgs,
}

impl RenderArgs {
    /// The render threads: `--threads`, else the tier's, else every core (0).
    fn threads(&self) -> usize {
        #[cfg(feature = "worker")]
        if let (None, Some(t)) = (self.threads, self.tier) {
            return t.budget().threads;
        }
        self.threads.unwrap_or(0)
    }

    /// The render configuration before this command's own settings: a tier's, or the
    /// workstation defaults with `--max-pixels` and `--timeout`.
    fn base_config(&self) -> RenderConfig {
        #[cfg(feature = "worker")]
        if let Some(t) = self.tier {
            return t.budget().render_config();
        }
        RenderConfig {
            limits: Limits {
                output_pixels: self.max_pixels,
                ..Limits::DEFAULT
            },
            deadline: self
                .timeout
                .map(|s| std::time::Instant::now() + std::time::Duration::from_secs_f64(s)),
            ..RenderConfig::default()
        }
    }
}

/// `--antialias` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum AaArg {
    Auto,
    Exact,
    Figma,
}

/// `--gradients` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum GradArg {
    Auto,
    Srgb,
    Oklab,
    Linear,
}

/// Parses arguments and runs; maps errors to exit codes.
pub(crate) fn run() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Command::Render(args) => args,
        Command::Cost(args) => return crate::cost_cmd::run(&args),
        #[cfg(feature = "bench-scenes")]
        Command::Synth { name, output } => return synth(&name, &output),
        #[cfg(feature = "worker")]
        Command::Worker(cfg) => return octopus_render::worker::run(cfg),
        #[cfg(feature = "worker")]
        Command::Submit(args) => return octopus_render::worker::submit::run(args),
        #[cfg(feature = "worker")]
        Command::Tiers => {
            for tier in [
                octopus_render::worker::Tier::Normal,
                octopus_render::worker::Tier::Fallback,
            ] {
                println!("{}", tier.budget().to_json(tier));
            }
            return ExitCode::SUCCESS;
        }
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads())
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start {} render threads: {e}", args.threads());
            return ExitCode::from(1);
        }
    };
    // The manifest rendered, or the one beside the document: its fonts and what it names
    // that the command line cannot follow.
    let manifest = match (&args.manifest, &args.document) {
        (Some(m), _) => read_manifest(m),
        (None, Some(doc)) => manifest_beside(doc),
        (None, None) => Default::default(),
    };
    if !args.quiet {
        for note in &manifest.notes {
            eprintln!("warning: manifest: {note}");
        }
    }
    let mut dirs = args.fonts.clone();
    dirs.extend(manifest.font_dirs);
    if !args.no_system_fonts {
        dirs.extend(octopus_render::fontdirs::system_font_dirs());
    }
    let fonts = Arc::new(octopus_render::fontdirs::font_book(dirs));
    let result = pool.install(|| match &args.manifest {
        Some(m) => render_manifest(&args, m, &fonts),
        None => match &args.document {
            Some(doc) if !args.layers.is_empty() => export_layers(&args, doc, &fonts),
            Some(doc) => render_one(&args, doc, &args.output, &fonts, None),
            None => Err(Error::Internal("no document given".into())),
        },
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            exit_code(e.blame())
        }
    }
}

/// Writes a generated scene in both formats.
#[cfg(feature = "bench-scenes")]
fn synth(name: &str, dir: &Path) -> ExitCode {
    let write = |file: &str, bytes: &[u8]| {
        let path = dir.join(file);
        fs::create_dir_all(dir)
            .and_then(|()| fs::write(&path, bytes))
            .map_err(|e| Error::io(&path, e))
    };
    if let Some(o) = octopus_render::synth::outlier(name) {
        let written = write(&format!("{name}.json"), o.octopus.as_bytes()).and_then(|()| {
            o.images
                .iter()
                .try_for_each(|(key, png)| write(&format!("{key}.png"), png))
        });
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        };
    }
    let Some(scene) = octopus_render::synth::generate(name) else {
        eprintln!(
            "error: unknown scene {name:?}; known: {}, {}",
            octopus_render::synth::SCENES.join(", "),
            octopus_render::synth::OUTLIERS.join(", ")
        );
        return ExitCode::from(2);
    };
    let write = |ext: &str, text: &str| write(&format!("{name}.{ext}"), text.as_bytes());
    let written = write("json", &scene.octopus)
        .and_then(|()| scene.svg.as_ref().map_or(Ok(()), |svg| write("svg", svg)));
    match written {
        Ok(()) => {
            eprintln!(
                "{name}: {} x {}, {} shapes -> {}",
                scene.width,
                scene.height,
                scene.shapes,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// The exit code of a failure with `blame`.
pub(crate) fn exit_code(blame: Blame) -> ExitCode {
    ExitCode::from(match blame {
        Blame::Io | Blame::Internal => 1,
        Blame::Input => 3,
        Blame::Limits => 4,
        Blame::Unsupported => 5,
    })
}

fn config(args: &RenderArgs, origin: Option<&str>) -> RenderConfig {
    let antialias = match (args.antialias, origin) {
        (AaArg::Figma, _) => Antialias::Figma,
        (AaArg::Auto, Some(o)) if o.eq_ignore_ascii_case("FIGMA") => Antialias::Figma,
        _ => Antialias::Exact,
    };
    RenderConfig {
        antialias,
        scale: args.scale,
        band_height: args.band_height,
        origin: origin.map_or(Origin::Unknown, Origin::from_name),
        gradients: match args.gradients {
            GradArg::Auto => None,
            GradArg::Srgb => Some(GradientSpace::Srgb),
            GradArg::Oklab => Some(GradientSpace::Oklab),
            GradArg::Linear => Some(GradientSpace::LinearSrgb),
        },
        png: if args.small {
            PngSpeed::Small
        } else {
            PngSpeed::Fast
        },
        ..args.base_config()
    }
}

/// `--timeout`: a positive, finite number of seconds.
fn positive_seconds(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(v),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}

/// Renders `doc` to `out` through a temporary file; `origin` is the design tool named by the
/// manifest being rendered, if any (else the manifest beside the document is read).
fn render_one(
    args: &RenderArgs,
    doc: &Path,
    out: &Path,
    fonts: &Arc<FontBook>,
    origin: Option<&str>,
) -> Result<()> {
    let encoding = args.image.encoding(out)?;
    let json = fs::read(doc).map_err(|e| Error::io(doc, e))?;
    let beside = manifest_beside(doc);
    let mut config = config(args, origin.or(beside.origin.as_deref()));
    let assets = dir_assets(doc, args.assets.as_deref(), fonts, beside);
    if args.image.fits() {
        config.scale = args.image.fit_scale(&json, &config, &assets)?;
    }
    let rendered = write_through_temp(out, |w| {
        render_encoded_owned(json, &config, &assets, &encoding, w)
    })?;
    if !args.quiet {
        print_diagnostics(doc, &rendered.diagnostics, args.assets.as_deref());
        eprintln!(
            "{}: {} x {} -> {}",
            doc.display(),
            rendered.width,
            rendered.height,
            out.display()
        );
    }
    Ok(())
}

/// `--layer`: the asked layers of one document, from one scene.
fn export_layers(args: &RenderArgs, doc: &Path, fonts: &Arc<FontBook>) -> Result<()> {
    let beside = manifest_beside(doc);
    let job = LayerExport {
        doc,
        dir: &args.output,
        ids: &args.layers,
        config: config(args, beside.origin.as_deref()),
        encoding: args.image.encoding_for_dir(),
        quiet: args.quiet,
    };
    render_layers(
        &job,
        &dir_assets(doc, args.assets.as_deref(), fonts, beside),
    )
}

/// Writes `out` through a temporary name beside it, renamed once `write` and the flush
/// succeed, so a failure never leaves a truncated file (the temporary one is removed).
pub(crate) fn write_through_temp<T>(
    out: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> Result<T>,
) -> Result<T> {
    let tmp = temp_name(out);
    let file = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut writer = BufWriter::new(file);
    let written = write(&mut writer).and_then(|r| {
        writer.flush().map_err(|e| Error::io(&tmp, e))?;
        Ok(r)
    });
    drop(writer);
    match written {
        Ok(r) => {
            fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
            Ok(r)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn temp_name(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{}.tmp", std::process::id()));
    out.with_file_name(name)
}

fn print_diagnostics(doc: &Path, diags: &[Diagnostic], assets: Option<&Path>) {
    for d in diags {
        eprintln!("warning: {}: {d}", doc.display());
    }
    if let Some(dir) = assets {
        if !dir.is_dir() {
            eprintln!("warning: assets directory {} does not exist", dir.display());
        }
    }
}

/// Renders every component of a manifest into the output directory as `<id>.png` (or the
/// `--format`'s extension).
fn render_manifest(args: &RenderArgs, manifest: &Path, fonts: &Arc<FontBook>) -> Result<()> {
    let bytes = fs::read(manifest).map_err(|e| Error::io(manifest, e))?;
    let m = octopus_schema::parse_manifest(&bytes)?;
    let base = manifest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(&args.output).map_err(|e| Error::io(&args.output, e))?;
    let mut worst: Option<Error> = None;
    let mut done = 0usize;
    for c in &m.components {
        let doc = base.join(c.document_path());
        let name = format!("{}.{}", sanitize(&c.id), args.image.extension());
        let out = args.output.join(name);
        let origin = m.origin.as_ref().map(|o| o.name.as_str());
        match render_one(args, &doc, &out, fonts, origin) {
            Ok(()) => done += 1,
            Err(e) => {
                eprintln!("error: component {:?} ({}): {e}", c.id, doc.display());
                worst = Some(worse(worst, e));
            }
        }
    }
    eprintln!(
        "{done} of {} components rendered into {}",
        m.components.len(),
        args.output.display()
    );
    worst.map_or(Ok(()), Err)
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

/// A component id as a safe file name (ids may contain `:` or `/` in other producers).
pub(crate) fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}
