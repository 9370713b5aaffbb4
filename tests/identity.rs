//! The output is byte-identical for any thread count and band height.
//!
//! Renders corpus documents (all of them, plus a scaled pass over the largest) and the
//! fixtures with 1 thread and one band per row, 2 threads with odd band heights, and the
//! whole frame as a single band, and requires identical bytes; the corpus again with Figma's
//! sampled anti-aliasing.

mod support;

use octopus_render::raster::Image;
use octopus_render::{Antialias, RenderConfig};
use support::*;

fn render_with(
    path: &std::path::Path,
    threads: usize,
    band_height: usize,
    scale: f32,
    antialias: Antialias,
) -> Image {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let cfg = RenderConfig {
        band_height,
        scale,
        antialias,
        ..RenderConfig::default()
    };
    pool.install(|| render_file(path, &cfg))
}

fn assert_identical(path: &std::path::Path, scale: f32, configs: &[(usize, usize)]) {
    assert_identical_in(path, scale, configs, Antialias::Exact)
}

fn assert_identical_in(
    path: &std::path::Path,
    scale: f32,
    configs: &[(usize, usize)],
    aa: Antialias,
) {
    let base = render_with(path, configs[0].0, configs[0].1, scale, aa);
    for &(threads, band) in &configs[1..] {
        let other = render_with(path, threads, band, scale, aa);
        assert_eq!((base.width, base.height), (other.width, other.height));
        if base.data != other.data {
            let first = base
                .data
                .iter()
                .zip(&other.data)
                .position(|(a, b)| a != b)
                .unwrap_or(0)
                / 4;
            panic!(
                "{} at scale {scale}: {threads} threads / band {band} differs from {} / {} first at pixel ({}, {})",
                path.display(),
                configs[0].0,
                configs[0].1,
                first % base.width as usize,
                first / base.width as usize
            );
        }
    }
}

#[test]
fn corpus_is_identical_across_threads_and_bands() {
    let docs = corpus_documents();
    assert!(!docs.is_empty());
    for doc in &docs {
        assert_identical(doc, 0.5, &[(1, 1), (2, 7), (2, 64), (1, 100_000)]);
    }
}

#[test]
fn figma_antialiasing_is_identical_across_threads_and_bands() {
    for doc in corpus_documents() {
        assert_identical_in(
            &doc,
            0.75,
            &[(1, 1), (2, 7), (1, 100_000)],
            Antialias::Figma,
        );
    }
}

#[test]
fn full_scale_corpus_is_identical_across_threads_and_bands() {
    for doc in corpus_documents() {
        assert_identical(&doc, 1.0, &[(1, 13), (2, 32)]);
    }
}

#[test]
fn fixtures_are_identical_across_threads_and_bands() {
    let mut cases = Vec::new();
    walk(&root().join("fixtures/render"), &mut cases);
    cases.retain(|p| {
        p.extension().is_some_and(|e| e == "json") && !p.ends_with("octopus-manifest.json")
    });
    assert!(!cases.is_empty());
    for case in &cases {
        assert_identical(case, 1.5, &[(1, 1), (2, 3), (2, 17), (1, 1000)]);
    }
}

#[test]
fn a_reused_buffer_gets_the_same_bytes_as_a_fresh_one() {
    use octopus_render::raster::{render, render_into, RasterOptions};
    use octopus_render::scene::{build_scene, BuildOptions};
    let path = root().join("fixtures/designs/octopus-showcase.json");
    let bytes = std::fs::read(&path).expect("fixture");
    let doc = octopus_schema::parse_document(&bytes).expect("parse");
    let scene = build_scene(&doc, &BuildOptions::default(), assets()).expect("scene");
    for band_height in [0, 7] {
        let opts = RasterOptions {
            band_height,
            ..RasterOptions::default()
        };
        let fresh = render(&scene, &opts).expect("render");
        // Left over from a larger frame, and from a smaller one: stale bytes everywhere.
        for stale in [fresh.data.len() + 999, fresh.data.len() / 3] {
            let mut buf = vec![0xA5u8; stale];
            let size = render_into(&scene, &opts, &mut buf).expect("render into");
            assert_eq!(size, (fresh.width, fresh.height));
            assert!(buf == fresh.data, "band {band_height}, stale {stale}");
        }
    }
}
