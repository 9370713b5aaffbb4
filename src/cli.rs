//! The command line: its commands, and the `render` command's set-up (render pool, fonts).
//!
//! Input: command-line arguments. Output: the command's work and an exit code by blame.
//! Guarantees: the render pool has `--threads` threads (or the tier's, or every core) and
//! every render runs on it; fonts are loaded once per run; rendering itself is in
//! `cli_render.rs`, so its guarantees (no truncated image, worst failure reported) hold for
//! every mode.

#[cfg(feature = "bench-scenes")]
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use octopus_render::Blame;
#[cfg(feature = "bench-scenes")]
use octopus_render::Error;

use crate::cli_args::RenderArgs;
use crate::cli_assets::{manifest_beside, read_manifest};

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
    let result = pool.install(|| crate::cli_render::render(&args, &fonts));
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
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, bytes))
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
