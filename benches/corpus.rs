//! Every real document against resvg: for each document of `../shared/corpus` and
//! `fixtures/designs` (found by walking the folders), our raster on one thread next to
//! resvg rendering the same scene exported as SVG (`output::scene_to_svg`), then a table of
//! both medians and their ratio read back from criterion's estimates.
//! Run: `cargo bench --bench corpus` (or `-- shapes` for the documents whose name matches).

// The allocator the binary ships with, so timings match what the CLI and worker see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/pools.rs"]
mod pools;
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use octopus_render::output::scene_to_svg;
use octopus_render::raster::{self, RasterOptions};
use octopus_render::scene::{build_scene, BuildOptions};
use resvg::{tiny_skia, usvg};

/// `(name, path)` of every document, sorted.
fn documents() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for (prefix, dir) in [
        ("corpus", support::root().join("../shared/corpus")),
        ("designs", support::root().join("fixtures/designs")),
    ] {
        let mut files = Vec::new();
        support::walk(&dir, &mut files);
        for f in files {
            let Some(file) = f.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !file.ends_with(".json") || file.ends_with("manifest.json") {
                continue;
            }
            let rel = f.strip_prefix(&dir).unwrap_or(&f).with_extension("");
            let name: String = format!("{prefix}-{}", rel.display())
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            out.push((name, f));
        }
    }
    out.sort();
    out
}

fn corpus(c: &mut Criterion) {
    let pool = pools::pools(&[1]).remove(0).1;
    // Corpus and fixture images, the fixture fonts, the fixture designs' components.
    let assets = support::assets();
    let mut names = Vec::new();
    for (name, path) in documents() {
        let Ok(json) = std::fs::read(&path) else {
            continue;
        };
        let Ok(doc) = octopus_schema::parse_document(&json) else {
            continue;
        };
        let Ok(scene) = build_scene(&doc, &BuildOptions::default(), assets) else {
            continue;
        };
        let svg = scene_to_svg(&scene).svg;
        let Ok(tree) = usvg::Tree::from_str(&svg, &usvg::Options::default()) else {
            eprintln!("{name}: resvg cannot read the exported SVG; skipped");
            continue;
        };
        let opts = RasterOptions::default();
        let Ok((w, h)) = raster::checked_size(&scene, &opts) else {
            continue;
        };
        let mut g = c.benchmark_group(&name);
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .throughput(Throughput::Elements(w as u64 * h as u64));
        g.bench_function("ours-raster-1t", |b| {
            b.iter(|| pool.install(|| raster::render(&scene, &opts)))
        });
        g.bench_function("resvg-render", |b| {
            b.iter(|| {
                let mut pixmap = tiny_skia::Pixmap::new(w, h).expect("pixmap");
                let size = tree.size();
                let t = tiny_skia::Transform::from_scale(
                    w as f32 / size.width(),
                    h as f32 / size.height(),
                );
                resvg::render(&tree, t, &mut pixmap.as_mut());
                pixmap
            })
        });
        g.finish();
        names.push(name);
    }
    summary(&names);
}

/// Prints each document's two medians and the ratio, from criterion's saved estimates.
fn summary(names: &[String]) {
    let dir = support::root().join("target/criterion");
    let median = |group: &str, f: &str| -> Option<f64> {
        let text =
            std::fs::read_to_string(dir.join(group).join(f).join("new/estimates.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["median"]["point_estimate"].as_f64()
    };
    let mut rows = Vec::new();
    for name in names {
        if let (Some(ours), Some(peer)) =
            (median(name, "ours-raster-1t"), median(name, "resvg-render"))
        {
            rows.push((name, ours / 1e6, peer / 1e6));
        }
    }
    if rows.is_empty() {
        return;
    }
    println!("\n| document | ours 1t (ms) | resvg (ms) | resvg / ours |\n|---|---|---|---|");
    for (name, ours, peer) in &rows {
        println!("| {name} | {ours:.2} | {peer:.2} | {:.2}x |", peer / ours);
    }
    let faster = rows.iter().filter(|(_, o, p)| o < p).count();
    let total_ours: f64 = rows.iter().map(|r| r.1).sum();
    let total_peer: f64 = rows.iter().map(|r| r.2).sum();
    let slowest = rows
        .iter()
        .map(|(_, o, p)| p / o)
        .fold(f64::INFINITY, f64::min);
    println!(
        "\nfaster than resvg on {faster} of {} documents; all documents: ours {total_ours:.1} ms, resvg {total_peer:.1} ms ({:.2}x); lowest ratio {slowest:.2}x",
        rows.len(),
        total_peer / total_ours
    );
}

criterion_group!(benches, corpus);
criterion_main!(benches);
