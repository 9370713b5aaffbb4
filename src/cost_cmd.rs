//! The `cost` command: what the cost model predicts for documents, what they really cost,
//! and the fit of the model to those measurements.
//!
//! Input: document files (`--measure` renders each too), or a file of measurements
//! (`--fit`). Output: one JSON line per document on stdout (features, prediction, and when
//! measured: wall seconds of the raster and PNG encoding on one thread, the fastest of up
//! to three runs, and the resident memory before and at the peak of the render), or the
//! fitted coefficients with the ratio of actual to predicted cost. Guarantees: a document
//! that fails is reported on stderr and skipped, the others go on; the measurement is the
//! same render the worker runs (streamed PNG into memory), at one thread, so its time is
//! its CPU time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use octopus_render::cost::{self, CostFeatures, CostModel, Prediction, Sample};
use octopus_render::render::{load_scene_owned, render_scene_png};
use octopus_render::{procfs, Error, FontBook, RenderConfig, Result};
use serde_json::{json, Value};

use crate::cli::exit_code;
use crate::cli_assets::{dir_assets, manifest_beside};

/// `octopus-render cost` arguments.
#[derive(Args)]
pub(crate) struct CostArgs {
    /// Documents to predict (and with `--measure`, to render).
    documents: Vec<PathBuf>,
    /// Also render each document on one thread and report its time and memory.
    #[arg(long)]
    measure: bool,
    /// Fit the model to this file of `--measure` lines instead.
    #[arg(long, value_name = "SAMPLES", conflicts_with_all = ["documents", "measure"])]
    fit: Option<PathBuf>,
    /// Output pixels per design pixel.
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
    /// Also say whether each document fits this worker tier's budget (its caps, and the
    /// prediction against its time and memory), as a worker of the tier would decide.
    #[cfg(feature = "worker")]
    #[arg(long, value_enum)]
    tier: Option<octopus_render::worker::Tier>,
}

/// Runs the command.
pub(crate) fn run(args: &CostArgs) -> ExitCode {
    if let Some(samples) = &args.fit {
        return match fit(samples) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                exit_code(e.blame())
            }
        };
    }
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start the render thread: {e}");
            return ExitCode::from(1);
        }
    };
    let fonts = Arc::new(octopus_render::fontdirs::font_book(
        octopus_render::fontdirs::system_font_dirs(),
    ));
    // A worker holds its font book before its first job: read the baseline after it.
    #[cfg(feature = "worker")]
    baseline_memory();
    let mut failed = 0;
    for doc in &args.documents {
        match pool.install(|| one(args, doc, &fonts)) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e}", doc.display());
            }
        }
    }
    ExitCode::from(u8::from(failed > 0))
}

fn one(args: &CostArgs, doc: &Path, fonts: &Arc<FontBook>) -> Result<Value> {
    let json = fs::read(doc).map_err(|e| Error::io(doc, e))?;
    let assets = dir_assets(doc, None, fonts, manifest_beside(doc));
    let cfg = RenderConfig {
        scale: args.scale,
        ..RenderConfig::default()
    };
    #[cfg(feature = "worker")]
    let verdict = args.tier.map(|t| tier_verdict(t, &json, &assets));
    #[cfg(not(feature = "worker"))]
    let verdict: Option<String> = None;
    let scene = load_scene_owned(json, &cfg, &assets)?;
    let f = cost::features(&scene, args.scale);
    let p = Prediction::of(&CostModel::FITTED, &f, 1, cfg.chunk_rows);
    let mut line = json!({
        "document": doc.display().to_string(),
        "features": features_json(&f),
        "predicted_cpu_seconds": p.cpu_seconds,
        "predicted_raster_bytes": p.raster_bytes,
    });
    if let Some(v) = verdict {
        line["tier"] = json!(v);
    }
    if args.measure {
        let before = procfs::resident_bytes();
        procfs::reset_peak();
        let mut best = f64::INFINITY;
        let started = Instant::now();
        for _ in 0..3 {
            let t = Instant::now();
            let mut png = Vec::new();
            render_scene_png(&scene, &cfg, &mut png)?;
            best = best.min(t.elapsed().as_secs_f64());
            if started.elapsed() > Duration::from_secs(1) {
                break;
            }
        }
        line["measured_seconds"] = json!(best);
        line["rss_before_bytes"] = json!(before);
        line["peak_rss_bytes"] = json!(procfs::peak_resident_bytes());
    }
    Ok(line)
}

/// `fits`, or the label and message of the limit a worker of `tier` would refuse the
/// document with (escalation from normal, dead letter from fallback).
#[cfg(feature = "worker")]
fn tier_verdict(
    tier: octopus_render::worker::Tier,
    json: &[u8],
    assets: &dyn octopus_render::AssetResolver,
) -> String {
    let mut cfg = tier.budget().render_config();
    if let Some(cost) = cfg.cost.as_mut() {
        // As a worker that takes this document first: this command's own memory grows with
        // every document it has read, a worker's is given back after each job.
        cost.probe = baseline_memory;
    }
    let planned = load_scene_owned(json.to_vec(), &cfg, assets)
        .and_then(|scene| octopus_render::render::plan(&scene, &cfg));
    match planned {
        Ok(_) => "fits".into(),
        Err(e) => format!("{}: {e}", e.limit_label().unwrap_or("error")),
    }
}

/// The memory this process held before reading its first document.
#[cfg(feature = "worker")]
static BASELINE: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();

#[cfg(feature = "worker")]
fn baseline_memory() -> Option<u64> {
    *BASELINE.get_or_init(procfs::in_use_bytes)
}

fn features_json(f: &CostFeatures) -> Value {
    json!({
        "width": f.width, "height": f.height, "paint_px": f.paint_px,
        "shaded_px": f.shaded_px, "layer_px": f.layer_px,
        "effect_px": f.effect_px, "backdrop_px": f.backdrop_px,
        "backdrop_store_px": f.backdrop_store_px, "backdrop_max_px": f.backdrop_max_px,
        "segments": f.segments,
        "image_px": f.image_px, "nodes": f.nodes, "band_rows": f.band_rows,
        "max_margin": f.max_margin, "depth": f.depth,
    })
}

fn features_of(v: &Value) -> CostFeatures {
    let g = |k: &str| v[k].as_f64().unwrap_or(0.0);
    CostFeatures {
        width: g("width"),
        height: g("height"),
        paint_px: g("paint_px"),
        shaded_px: g("shaded_px"),
        layer_px: g("layer_px"),
        effect_px: g("effect_px"),
        backdrop_px: g("backdrop_px"),
        backdrop_store_px: g("backdrop_store_px"),
        backdrop_max_px: g("backdrop_max_px"),
        segments: g("segments"),
        image_px: g("image_px"),
        nodes: g("nodes"),
        band_rows: g("band_rows"),
        max_margin: g("max_margin"),
        depth: g("depth"),
    }
}

/// Fits the model to measured lines and prints the coefficients and the errors.
fn fit(path: &Path) -> Result<()> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut samples = Vec::new();
    let mut memory = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line).map_err(|e| Error::Invalid {
            path: format!("{}:{}", path.display(), n + 1),
            layer_id: None,
            message: e.to_string(),
        })?;
        let Some(seconds) = v["measured_seconds"].as_f64() else {
            continue;
        };
        let features = features_of(&v["features"]);
        samples.push(Sample {
            features,
            cpu_seconds: seconds,
        });
        if let (Some(before), Some(peak)) =
            (v["rss_before_bytes"].as_f64(), v["peak_rss_bytes"].as_f64())
        {
            let predicted = CostModel::FITTED.raster_bytes(&features, 1, 512);
            memory.push((peak - before).max(0.0) / predicted.max(1.0));
        }
    }
    let report = cost::fit(&CostModel::FITTED, &samples);
    let m = &report.model;
    println!("samples: {}", samples.len());
    println!(
        "fixed: {:.3e}, frame_px: {:.3e}, paint_px: {:.3e}, layer_px: {:.3e}, effect_px: {:.3e}, \
         backdrop_px: {:.3e}, segment: {:.3e}, node: {:.3e}, image_px: {:.3e}, shaded_px: {:.3e}",
        m.fixed,
        m.frame_px,
        m.paint_px,
        m.layer_px,
        m.effect_px,
        m.backdrop_px,
        m.segment,
        m.node,
        m.image_px,
        m.shaded_px
    );
    println!(
        "time, actual / predicted: p5 {:.2}, p50 {:.2}, p95 {:.2}, max {:.2}",
        report.quantile(0.05),
        report.quantile(0.5),
        report.quantile(0.95),
        report.quantile(1.0)
    );
    memory.sort_by(f64::total_cmp);
    if let (Some(first), Some(last)) = (memory.first(), memory.last()) {
        let q = |p: f64| memory[((memory.len() - 1) as f64 * p).round() as usize];
        println!(
            "memory, actual growth / predicted: min {first:.2}, p50 {:.2}, p95 {:.2}, max {last:.2}",
            q(0.5),
            q(0.95)
        );
    }
    Ok(())
}
