//! Per-stage throughput over the fixture corpus: parse, scene build, raster (1 and 2
//! threads) and PNG encode, for every document under `fixtures/render` and, when present,
//! the larger documents of `../shared/corpus`. Run with `cargo bench --bench pipeline`.

// The allocator the binary ships with, so stage timings match what the CLI and worker see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/pools.rs"]
mod pools;

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use octopus_render::output::{encode_png, PngSpeed};
use octopus_render::raster::{self, RasterOptions};
use octopus_render::scene::{build_scene, BuildOptions};

fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        root.join("fixtures/render/groups"),
        root.join("../shared/corpus/octopus-fig/aoZAhPTVzGi1rXnU35YPVb"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        out.extend(entries.flatten().map(|e| e.path()).filter(|p| {
            p.extension().is_some_and(|e| e == "json") && !p.ends_with("octopus-manifest.json")
        }));
    }
    out.sort();
    out
}

fn stages(c: &mut Criterion) {
    let pools = pools::pools(&[1, 2]);
    for path in documents() {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(json) = std::fs::read(&path) else {
            continue;
        };
        let Ok(doc) = octopus_schema::parse_document(&json) else {
            continue;
        };
        let Ok(scene) = build_scene(&doc, &BuildOptions::default(), &octopus_render::NoAssets)
        else {
            continue;
        };
        let opts = RasterOptions::default();
        let Ok(img) = raster::render(&scene, &opts) else {
            continue;
        };
        let pixels = img.width as u64 * img.height as u64;
        let mut g = c.benchmark_group(name);
        g.sample_size(10);
        g.throughput(Throughput::Bytes(json.len() as u64));
        g.bench_function("parse", |b| {
            b.iter(|| octopus_schema::parse_document(&json))
        });
        g.bench_function("scene", |b| {
            b.iter(|| build_scene(&doc, &BuildOptions::default(), &octopus_render::NoAssets))
        });
        g.throughput(Throughput::Elements(pixels));
        for (n, pool) in &pools {
            g.bench_function(format!("raster-{n}t"), |b| {
                b.iter(|| pool.install(|| raster::render(&scene, &opts)))
            });
        }
        g.bench_function("png", |b| {
            b.iter(|| encode_png(img.width, img.height, &img.data, PngSpeed::Fast))
        });
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
