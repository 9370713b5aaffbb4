//! Our renderer against its peers on the same generated scenes (`octopus_render::synth`):
//! `typical` (1440x900, 300 shapes), `worldmap` (2000x1200, 150,000 polygons), `big`
//! (8000x8000, 2,000 shapes), and two effect scenes at 2880x1800: `cards` (96 cards with
//! drop shadows) and `frosted` (8 background-blur panels). Per scene: our raster at 1 and 2
//! threads (into a frame kept across iterations, as the peers draw into theirs);
//! vello_cpu 0.3 single-threaded and with 2 worker threads, and tiny-skia 0.12 driven
//! directly (the same geometry, converted from the scene's SVG once, untimed; neither
//! draws filters, so they skip the effect scenes); resvg's render (single-threaded, it has no
//! parallel mode; it draws `cards` with SVG drop-shadow filters, and SVG cannot express
//! `frosted`); the whole pipeline, document bytes to PNG bytes on one thread, ours and
//! resvg's (what its CLI does: parse, render, encode), for scenes up to 16 megapixels; plus
//! parse/tree building and our PNG encode. Ends with a table of the medians and ratios of
//! this run, and a second one of our raster and vello_cpu's timed alternately, one thread
//! each (`support/paired.rs`): the machine's drift between two criterion blocks can exceed
//! the difference being measured.
//! Run: `cargo bench --bench peer --profile release` (or `-- typical` for one scene).

// The allocator the binary ships with, so stage timings match what the CLI and worker see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/paired.rs"]
mod paired;
#[path = "support/pools.rs"]
mod pools;
#[path = "support/ratios.rs"]
mod ratios;
#[path = "support/tinyskia.rs"]
mod tinyskia;
#[path = "support/vello.rs"]
mod vello;

use criterion::measurement::WallTime;
use criterion::{criterion_group, BenchmarkGroup, Criterion, Throughput};
use octopus_render::output::{encode_png, PngSpeed};
use octopus_render::raster::{self, RasterOptions};
use octopus_render::scene::{build_scene, BuildOptions};
use octopus_render::synth::{generate, SCENES};
use octopus_render::{render_png, RenderConfig};
use resvg::{tiny_skia, usvg};

fn peer(c: &mut Criterion) {
    let pools = pools::pools(&[1, 2]);
    for name in SCENES {
        let Some(s) = generate(name) else { continue };
        let doc = octopus_schema::parse_document(s.octopus.as_bytes())
            .expect("generated document parses");
        let scene =
            build_scene(&doc, &BuildOptions::default(), &octopus_render::NoAssets).expect("scene");
        let opts = RasterOptions::default();
        let mut g = c.benchmark_group(name);
        g.sample_size(10);
        g.throughput(Throughput::Elements(s.width as u64 * s.height as u64));
        g.bench_function("ours-parse+scene", |b| {
            b.iter(|| {
                let d = octopus_schema::parse_document(s.octopus.as_bytes()).expect("parse");
                build_scene(&d, &BuildOptions::default(), &octopus_render::NoAssets).expect("scene")
            })
        });
        for (n, pool) in &pools {
            g.bench_function(format!("ours-raster-{n}t"), |b| {
                // Into a buffer kept across iterations, as the peers' targets are.
                let mut frame = Vec::new();
                b.iter(|| {
                    pool.install(|| raster::render_into(&scene, &opts, &mut frame).expect("render"))
                })
            });
        }
        // The pipelines are timed up to 16 megapixels: on `big` resvg's alone would take
        // three minutes of samples and say nothing the raster columns do not.
        let pipelines = s.width as u64 * s.height as u64 <= 16_000_000;
        let (_, one) = &pools[0];
        let cfg = RenderConfig::default();
        if pipelines {
            g.bench_function("ours-pipeline-1t", |b| {
                b.iter(|| {
                    one.install(|| {
                        let mut png = Vec::new();
                        render_png(
                            s.octopus.as_bytes(),
                            &cfg,
                            &octopus_render::NoAssets,
                            &mut png,
                        )
                        .expect("render");
                        png
                    })
                })
            });
        }
        let vello = s
            .svg
            .as_ref()
            .and_then(|svg| svg_peers(&mut g, svg, s.width, s.height, pipelines));
        let img = raster::render(&scene, &opts).expect("render");
        g.bench_function("ours-png", |b| {
            b.iter(|| encode_png(img.width, img.height, &img.data, PngSpeed::Fast))
        });
        g.finish();
        let measured = START
            .get()
            .and_then(|&since| ratios::median_ms(name, "ours-raster-1t", since));
        if let (Some(ms), Some(v)) = (measured, vello) {
            // About four seconds of pairs, at least five.
            let rounds = ((4000.0 / ms) as usize).clamp(5, 41);
            let mut r = v.renderer(0);
            let mut frame = Vec::new();
            let result = pools[0].1.install(|| {
                paired::measure(
                    name,
                    rounds,
                    || {
                        let size = raster::render_into(&scene, &opts, &mut frame);
                        std::hint::black_box(size.expect("render"));
                    },
                    || {
                        std::hint::black_box(v.draw(&mut r).len());
                    },
                )
            });
            if let Ok(mut all) = paired::RESULTS.lock() {
                all.push(result);
            }
        }
    }
}

/// When this run started: the summaries read only what it measured.
static START: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();

/// The peers that read the scene's SVG: resvg (parse, render, its CLI's pipeline), and
/// where the scene has no filters, tiny-skia and vello_cpu (whose scene is returned for the
/// paired timing).
fn svg_peers(
    g: &mut BenchmarkGroup<'_, WallTime>,
    svg: &str,
    width: u32,
    height: u32,
    pipeline: bool,
) -> Option<vello::VelloScene> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).expect("generated SVG parses");
    g.bench_function("resvg-parse", |b| {
        b.iter(|| usvg::Tree::from_str(svg, &usvg::Options::default()).expect("svg"))
    });
    let render = |tree: &usvg::Tree| {
        let mut pixmap = tiny_skia::Pixmap::new(width, height).expect("pixmap");
        resvg::render(tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
        pixmap
    };
    g.bench_function("resvg-render", |b| b.iter(|| render(&tree)));
    if pipeline {
        g.bench_function("resvg-pipeline", |b| {
            b.iter(|| {
                let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).expect("svg");
                render(&tree).encode_png().expect("png")
            })
        });
    }
    if has_filters(tree.root()) {
        return None;
    }
    let skia = tinyskia::SkiaScene::new(&tree, width, height);
    let mut target = skia.target();
    g.bench_function("tiny-skia", |b| b.iter(|| skia.draw(&mut target).len()));
    let vello = vello::VelloScene::new(&tree, width, height);
    for (label, threads) in [("vello_cpu-1t", 0u16), ("vello_cpu-2t", 2)] {
        let mut r = vello.renderer(threads);
        g.bench_function(label, |b| b.iter(|| vello.draw(&mut r).len()));
    }
    Some(vello)
}

/// True when a group of the tree has filters (which tiny-skia and vello_cpu do not draw).
fn has_filters(g: &usvg::Group) -> bool {
    !g.filters().is_empty()
        || g.children().iter().any(|n| match n {
            usvg::Node::Group(child) => has_filters(child),
            _ => false,
        })
}

criterion_group!(benches, peer);

fn main() {
    let start = *START.get_or_init(std::time::SystemTime::now);
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&SCENES, start);
    paired::print();
}
