//! Our renderer against its peers on the same generated scenes (`octopus_render::synth`):
//! `typical` (1440x900, 300 shapes), `worldmap` (2000x1200, 150,000 polygons), `big`
//! (8000x8000, 2,000 shapes). Per scene: our raster at 1 and 2 threads, vello_cpu 0.3
//! single-threaded and with 2 worker threads (the same geometry, converted from the scene's
//! SVG once, untimed), and resvg's render (single-threaded, it has no parallel mode), plus
//! parse/tree building for us and resvg and our PNG encode. Ends with a table of the medians
//! and ratios of this run.
//! Run: `cargo bench --bench peer --profile release` (or `-- typical` for one scene).

// The allocator the binary ships with, so stage timings match what the CLI and worker see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/pools.rs"]
mod pools;
#[path = "support/ratios.rs"]
mod ratios;
#[path = "support/vello.rs"]
mod vello;

use criterion::{criterion_group, Criterion, Throughput};
use octopus_render::output::{encode_png, PngSpeed};
use octopus_render::raster::{self, RasterOptions};
use octopus_render::scene::{build_scene, BuildOptions};
use octopus_render::synth::{generate, SCENES};
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
        let tree =
            usvg::Tree::from_str(&s.svg, &usvg::Options::default()).expect("generated SVG parses");
        let mut g = c.benchmark_group(name);
        g.sample_size(10);
        g.throughput(Throughput::Elements(s.width as u64 * s.height as u64));
        g.bench_function("ours-parse+scene", |b| {
            b.iter(|| {
                let d = octopus_schema::parse_document(s.octopus.as_bytes()).expect("parse");
                build_scene(&d, &BuildOptions::default(), &octopus_render::NoAssets).expect("scene")
            })
        });
        g.bench_function("resvg-parse", |b| {
            b.iter(|| usvg::Tree::from_str(&s.svg, &usvg::Options::default()).expect("svg"))
        });
        for (n, pool) in &pools {
            g.bench_function(format!("ours-raster-{n}t"), |b| {
                b.iter(|| pool.install(|| raster::render(&scene, &opts).expect("render")))
            });
        }
        g.bench_function("resvg-render", |b| {
            b.iter(|| {
                let mut pixmap = tiny_skia::Pixmap::new(s.width, s.height).expect("pixmap");
                resvg::render(
                    &tree,
                    tiny_skia::Transform::identity(),
                    &mut pixmap.as_mut(),
                );
                pixmap
            })
        });
        let vello = vello::VelloScene::new(&tree, s.width, s.height);
        for (label, threads) in [("vello_cpu-1t", 0u16), ("vello_cpu-2t", 2)] {
            let mut r = vello.renderer(threads);
            g.bench_function(label, |b| b.iter(|| vello.draw(&mut r).len()));
        }
        let img = raster::render(&scene, &opts).expect("render");
        g.bench_function("ours-png", |b| {
            b.iter(|| encode_png(img.width, img.height, &img.data, PngSpeed::Fast))
        });
        g.finish();
    }
}

criterion_group!(benches, peer);

fn main() {
    let start = std::time::SystemTime::now();
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&SCENES, start);
}
