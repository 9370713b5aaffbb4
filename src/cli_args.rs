//! The `render` command's arguments and the render configuration they make.
//!
//! Input: parsed command-line flags. Output: a [`RenderArgs`] and, per document, the
//! [`RenderConfig`] to render it with. Guarantees: a `--tier` gives exactly the worker's
//! budget for that tier (its caps, deadline, cost model and threads); otherwise the
//! workstation defaults with `--max-pixels` and `--timeout`; `auto` anti-aliasing and
//! gradients follow the document's origin as the worker does.

use std::path::PathBuf;

use clap::Args;
use octopus_render::output::PngSpeed;
use octopus_render::scene::layer::Crop;
use octopus_render::scene::{GradientSpace, Origin};
use octopus_render::{Antialias, Limits, RenderConfig};

use crate::cli_image::ImageArgs;

/// `render`'s arguments.
#[derive(Args)]
pub(crate) struct RenderArgs {
    /// The Octopus document (octopus-<id>.json), or `-` to read it from stdin.
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    pub(crate) document: Option<PathBuf>,
    /// Render every component of this manifest instead of one document.
    #[arg(long)]
    pub(crate) manifest: Option<PathBuf>,
    /// Output image (one document; its extension picks the format unless --format does;
    /// `-` writes it to stdout) or output directory (manifest, --layer, --outputs).
    #[arg(short, long)]
    pub(crate) output: PathBuf,
    /// Output pixels per design pixel.
    #[arg(long, default_value_t = 1.0)]
    pub(crate) scale: f32,
    /// Directory holding the bitmaps the documents reference, named by key with or without
    /// extension (default: the document's directory).
    #[arg(long)]
    pub(crate) assets: Option<PathBuf>,
    /// Directory of font files (TTF, OTF, TTC), searched before the system's; repeatable.
    #[arg(long = "fonts", value_name = "DIR")]
    pub(crate) fonts: Vec<PathBuf>,
    /// Use only `--fonts` directories and the embedded Inter, not the system's fonts.
    #[arg(long)]
    pub(crate) no_system_fonts: bool,
    /// Render threads (default: all cores).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Rows per band, 0 = automatic (any value gives identical output).
    #[arg(long, default_value_t = 0, hide = true)]
    pub(crate) band_height: usize,
    /// Smaller files, slower encoding.
    #[arg(long)]
    pub(crate) small: bool,
    /// Most output pixels allowed.
    #[arg(long, default_value_t = Limits::DEFAULT.output_pixels)]
    pub(crate) max_pixels: u64,
    /// Anti-aliasing: `figma` counts Figma's 16 sample positions per pixel (edges as Figma
    /// exports them), `exact` measures exact areas; `auto` picks `figma` when the design's
    /// manifest (given, or `octopus-manifest.json` beside the document) says it came from
    /// Figma, else `exact`.
    #[arg(long, value_enum, default_value_t = AaArg::Auto)]
    pub(crate) antialias: AaArg,
    /// The colour space gradients mix their stops in: `srgb` (Figma, Illustrator, the web,
    /// Photoshop's Classic method), `oklab` (Photoshop's Perceptual method, its default since
    /// 2022), `linear` (linear light, Photoshop's Linear method); `auto` picks `oklab` when
    /// the manifest says the design came from Photoshop, else `srgb`.
    #[arg(long, value_enum, default_value_t = GradArg::Auto)]
    pub(crate) gradients: GradArg,
    /// Give up on a document after this many seconds (exit code 4), as a worker does at
    /// the end of its time budget.
    #[arg(long, value_name = "SECONDS", value_parser = positive_seconds)]
    pub(crate) timeout: Option<f64>,
    /// Render as a worker of this tier would: its caps, time and memory budgets and
    /// render threads (unless --threads is given); a document over them fails with exit
    /// code 4, as the worker would escalate or refuse it.
    #[cfg(feature = "worker")]
    #[arg(long, value_enum)]
    pub(crate) tier: Option<octopus_render::worker::Tier>,
    /// Export this layer (or group) alone, cropped to what it paints, into the output
    /// directory as `<doc>-<layer>@<scale>x.<ext>`; repeatable, one parse for all.
    #[arg(long = "layer", value_name = "ID", conflicts_with_all = ["manifest", "width", "height"])]
    pub(crate) layers: Vec<String>,
    /// Export every top-level layer (the artboard's children) alone, named as --layer
    /// names them. (Octopus 3 marks no layer as exportable, so the top level is the set.)
    #[arg(long, conflicts_with_all = ["manifest", "layers", "width", "height"])]
    pub(crate) all_layers: bool,
    /// How --layer and --all-layers frame a layer: `paint` (everything it paints, strokes
    /// and effects included) or `layer` (its own outlines; strokes and effects beyond are
    /// cut off).
    #[arg(long, value_parser = crop_name, default_value = "paint")]
    pub(crate) crop: Crop,
    /// Several outputs from one parse, as a hand-off job lists them: a JSON array (or a file
    /// holding one) of `{"key", "layer"?, "scale"?, "fit"?, "format"?, "quality"?,
    /// "background"?}`, each written to `<output dir>/<key>`.
    #[arg(long, value_name = "JSON|FILE", conflicts_with_all = ["manifest", "layers", "width", "height"])]
    pub(crate) outputs: Option<String>,
    /// Print how long parsing, building the scene, rasterising and encoding took.
    #[arg(long)]
    pub(crate) timings: bool,
    /// Do not print diagnostics.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    #[command(flatten)]
    pub(crate) image: ImageArgs,
}

impl RenderArgs {
    /// The render threads: `--threads`, else the tier's, else every core (0).
    pub(crate) fn threads(&self) -> usize {
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
pub(crate) enum AaArg {
    Auto,
    Exact,
    Figma,
}

/// `--gradients` values.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum GradArg {
    Auto,
    Srgb,
    Oklab,
    Linear,
}

/// The render configuration of `args` for a document from `origin` (the manifest's design
/// tool, if known).
pub(crate) fn config(args: &RenderArgs, origin: Option<&str>) -> RenderConfig {
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

/// `--crop`: `paint` or `layer`.
fn crop_name(s: &str) -> std::result::Result<Crop, String> {
    Crop::from_name(s).ok_or_else(|| format!("{s:?} is not paint or layer"))
}

/// `--timeout`: a positive, finite number of seconds.
pub(crate) fn positive_seconds(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(v),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}
