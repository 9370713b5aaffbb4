//! The CLI's hand-off habits as a user runs them: `--outputs` from one parse, `-` for stdin
//! and stdout, `--timings`, lossy WebP, and manifest documents rendered in parallel.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::*;

const SHOWCASE: &str = "fixtures/designs/octopus-showcase.json";

fn cli() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_octopus-render"));
    c.current_dir(root());
    c
}

fn run(args: &[&str], out: &Path) -> Output {
    let o = cli()
        .arg("render")
        .args(args)
        .arg("-o")
        .arg(out)
        .args(["--fonts", "fixtures/fonts", "--no-system-fonts"])
        .output()
        .expect("run the CLI");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn tmp(name: &str) -> PathBuf {
    let dir = root().join("target/cli-outputs-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn outputs_from_one_parse_equal_the_same_images_rendered_one_by_one() {
    let dir = tmp("list");
    let list = r##"[{"key":"preview.png"},
        {"key":"thumbs/t.jpg","fit":[120,120],"quality":85,"background":"#eeeeee"},
        {"key":"donut@3x.webp","layer":"donut","scale":3}]"##;
    let o = run(&[SHOWCASE, "--outputs", list], &dir.join("set"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("layer \"donut\""));
    let one = |args: &[&str], name: &str| {
        run(&[&[SHOWCASE][..], args].concat(), &dir.join(name));
        read(&dir.join(name))
    };
    assert_eq!(read(&dir.join("set/preview.png")), one(&["-q"], "p.png"));
    assert_eq!(
        read(&dir.join("set/thumbs/t.jpg")),
        one(
            &[
                "-q",
                "--width",
                "120",
                "--height",
                "120",
                "--quality",
                "85",
                "--background",
                "#eeeeee"
            ],
            "t.jpg"
        )
    );
    run(
        &[
            SHOWCASE, "-q", "--layer", "donut", "--scale", "3", "--format", "webp",
        ],
        &dir.join("layers"),
    );
    assert_eq!(
        read(&dir.join("set/donut@3x.webp")),
        read(&dir.join("layers/showcase-donut@3x.webp"))
    );
    // A list that names an unknown layer or escapes the folder writes nothing.
    for bad in [
        r#"[{"key":"a.png"},{"key":"b.png","layer":"nope"}]"#,
        r#"[{"key":"../a.png"}]"#,
    ] {
        let out = dir.join("bad");
        let o = cli()
            .args(["render", SHOWCASE, "--outputs", bad, "-o"])
            .arg(&out)
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(3), "{bad}");
        assert!(!out.exists(), "{bad}: nothing written");
    }
}

#[test]
fn a_dash_reads_stdin_and_writes_stdout() {
    let dir = tmp("std");
    run(&[SHOWCASE, "-q"], &dir.join("file.png"));
    let mut child = cli()
        .args([
            "render",
            "-",
            "-o",
            "-",
            "-q",
            "--fonts",
            "fixtures/fonts",
            "--no-system-fonts",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let doc = read(&root().join(SHOWCASE));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&doc)
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        o.stdout,
        read(&dir.join("file.png")),
        "stdout holds the same PNG"
    );
}

#[test]
fn timings_name_every_stage() {
    let dir = tmp("timings");
    let o = run(&[SHOWCASE, "--timings", "-q"], &dir.join("a.png"));
    let err = String::from_utf8_lossy(&o.stderr);
    for stage in ["parse", "scene", "raster", "encode"] {
        assert!(err.contains(&format!("{stage} ")), "{stage} missing: {err}");
    }
}

#[test]
fn a_webp_quality_makes_it_lossy_and_close() {
    let dir = tmp("lossy");
    run(&[SHOWCASE, "-q"], &dir.join("a.webp"));
    run(&[SHOWCASE, "-q", "--quality", "90"], &dir.join("b.webp"));
    let (lossless, lossy) = (read(&dir.join("a.webp")), read(&dir.join("b.webp")));
    assert_eq!(&lossless[12..16], b"VP8L", "without a quality: lossless");
    assert!(
        lossy.windows(4).any(|w| w == b"VP8 "),
        "with one: lossy VP8"
    );
    let a = image::load_from_memory(&lossless).expect("a").to_rgba8();
    let b = image::load_from_memory(&lossy).expect("b").to_rgba8();
    assert_eq!(a.dimensions(), b.dimensions());
    let diff: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| x.abs_diff(*y) as u64)
        .sum();
    let mean = diff as f64 / a.as_raw().len() as f64;
    assert!(mean < 3.0, "mean difference {mean:.2} levels");
}

#[test]
fn manifest_documents_render_in_parallel_with_the_same_bytes() {
    let manifest = corpus().join("octopus-psd/artboards/octopus-manifest.json");
    let m = manifest.to_string_lossy().into_owned();
    let dir = tmp("parallel");
    for threads in ["1", "2"] {
        run(
            &["--manifest", &m, "-q", "--threads", threads],
            &dir.join(threads),
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("1"))
        .expect("out")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4);
    for n in &names {
        assert_eq!(
            read(&dir.join("1").join(n)),
            read(&dir.join("2").join(n)),
            "{n}"
        );
    }
}
