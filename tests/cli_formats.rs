//! The CLI's image formats, background and fitting, as a user runs them.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::*;

fn render(doc: &str, out: &Path, extra: &[&str]) -> Output {
    let _ = std::fs::remove_file(out);
    Command::new(env!("CARGO_BIN_EXE_octopus-render"))
        .args(["render", doc, "-o"])
        .arg(out)
        .args(["--fonts", "fixtures/fonts", "--no-system-fonts", "-q"])
        .args(extra)
        .current_dir(root())
        .output()
        .expect("run the CLI")
}

fn tmp(name: &str) -> PathBuf {
    let dir = root().join("target/cli-format-tests");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

fn decoded(path: &Path) -> image::RgbaImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgba8()
}

const SHOWCASE: &str = "fixtures/designs/octopus-showcase.json";
/// A document with transparent pixels around its text.
const LISTS: &str = "fixtures/render/text/lists.json";

#[test]
fn lossless_webp_holds_the_same_pixels_as_png() {
    let (png, webp) = (tmp("same.png"), tmp("same.webp"));
    assert!(render(LISTS, &png, &[]).status.success());
    assert!(render(LISTS, &webp, &[]).status.success());
    let (w, h, straight) = decode_png(&png);
    let webp = decoded(&webp);
    assert_eq!((webp.width(), webp.height()), (w, h));
    assert_eq!(
        webp.into_raw(),
        straight,
        "WebP is lossless, alpha included"
    );
}

#[test]
fn jpeg_is_laid_over_white_or_the_background_and_close_to_png() {
    let (png, jpg, dark) = (tmp("j.png"), tmp("j.jpg"), tmp("j-dark.jpg"));
    assert!(render(LISTS, &png, &[]).status.success());
    assert!(render(LISTS, &jpg, &["--quality", "95"]).status.success());
    assert!(render(LISTS, &dark, &["--background", "#000"])
        .status
        .success());
    let (_, _, straight) = decode_png(&png);
    let theirs = over_white(&straight);
    let rgb = |img: image::RgbaImage| -> Vec<[u8; 3]> {
        img.pixels().map(|p| [p[0], p[1], p[2]]).collect()
    };
    let ours = rgb(decoded(&jpg));
    let close = share_within_tol(&ours, &theirs, 24);
    assert!(
        close > 0.98,
        "only {:.1}% of JPEG pixels near the PNG over white",
        close * 100.0
    );
    assert_eq!(
        ours[0],
        [255, 255, 255],
        "a transparent corner is laid over white"
    );
    assert_eq!(rgb(decoded(&dark))[0], [0, 0, 0]);
}

#[test]
fn a_png_background_fills_the_transparent_pixels() {
    let out = tmp("bg.png");
    assert!(render(LISTS, &out, &["--background", "#ff000080"])
        .status
        .success());
    let (_, _, px) = decode_png(&out);
    assert_eq!(&px[..4], &[255, 0, 0, 128]);
}

#[test]
fn width_and_height_fit_within_the_bounds_keeping_the_aspect() {
    let out = tmp("thumb.jpg");
    assert!(render(SHOWCASE, &out, &["--width", "120"]).status.success());
    let img = decoded(&out);
    let (full_w, full_h, _) = {
        let png = tmp("full.png");
        assert!(render(SHOWCASE, &png, &[]).status.success());
        decode_png(&png)
    };
    assert_eq!(img.width(), 120);
    let expect_h = (full_h as f64 * 120.0 / full_w as f64).ceil() as u32;
    assert!(
        img.height().abs_diff(expect_h) <= 1,
        "{} vs {expect_h}",
        img.height()
    );
    let both = tmp("box.webp");
    assert!(
        render(SHOWCASE, &both, &["--width", "500", "--height", "60"])
            .status
            .success()
    );
    let img = decoded(&both);
    assert!(
        img.width() <= 500 && img.height() == 60,
        "{}x{}",
        img.width(),
        img.height()
    );
}

#[test]
fn an_unknown_extension_is_refused_and_nothing_is_written() {
    let out = tmp("picture.gif");
    let o = render(SHOWCASE, &out, &[]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("\"gif\""), "{err}");
    assert!(!out.exists());
    let forced = tmp("picture.bin");
    assert!(render(SHOWCASE, &forced, &["--format", "webp"])
        .status
        .success());
    let bytes = std::fs::read(&forced).expect("written");
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP);
    assert!(
        img.is_ok_and(|i| i.width() > 0),
        "--format wins over the extension"
    );
}
