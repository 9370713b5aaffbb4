//! The `octopus-render` binary as a user runs it.

mod support;

use std::process::Command;

use support::*;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_octopus-render"))
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = root().join("target/cli-tests");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

#[test]
fn renders_a_fixture_to_png() {
    let out = tmp("embed.png");
    let _ = std::fs::remove_file(&out);
    let status = bin()
        .args(["render", "fixtures/render/masks/body-embed.json", "-o"])
        .arg(&out)
        .args(["--scale", "2", "--threads", "2"])
        .current_dir(root())
        .status()
        .expect("run");
    assert!(status.success());
    let (w, h, px) = decode_png(&out);
    assert_eq!((w, h), (192, 192));
    assert!(px.chunks_exact(4).any(|p| p[3] == 255));
}

#[test]
fn malformed_document_exits_3_with_path() {
    let doc = tmp("bad.json");
    std::fs::write(&doc, r#"{"id":"d","content":{"id":"r","type":"GROUP","layers":[{"id":"x","type":"SHAPE","shape":{"fills":[{"type":"COLOR"}]}}]}}"#)
        .expect("write");
    let out = tmp("bad.png");
    let _ = std::fs::remove_file(&out);
    let o = bin()
        .args(["render"])
        .arg(&doc)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("content.layers[0].shape.fills[0]") && err.contains("\"x\""),
        "{err}"
    );
    assert!(!out.exists(), "no partial output on failure");
    assert!(!err.contains("panicked"));
}

#[test]
fn missing_file_exits_1() {
    let o = bin()
        .args(["render", "does-not-exist.json", "-o"])
        .arg(tmp("none.png"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does-not-exist.json"));
}

#[test]
fn substituted_fonts_warn_and_render_goes_on() {
    let c = corpus();
    let out = tmp("text.png");
    let o = bin()
        .arg("render")
        .arg(c.join("octopus-fig/texts/octopus-114-3.json"))
        .arg("-o")
        .arg(&out)
        .args(["--no-system-fonts", "--fonts"])
        .arg(root().join("fixtures/fonts"))
        .output()
        .expect("run");
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning") && err.contains("\"114-4\"") && err.contains("missing-font"),
        "{err}"
    );
    assert!(out.is_file());
}

#[test]
fn manifest_renders_every_component() {
    let c = corpus();
    let dir = tmp("manifest-out");
    let _ = std::fs::remove_dir_all(&dir);
    let o = bin()
        .args(["render", "--manifest"])
        .arg(c.join("octopus-psd/artboards/octopus-manifest.json"))
        .arg("-o")
        .arg(&dir)
        .arg("-q")
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut pngs: Vec<_> = std::fs::read_dir(&dir)
        .expect("out dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    pngs.sort();
    assert_eq!(pngs, ["20.png", "3.png", "9.png", "pasteboard-1.png"]);
}

/// Renders `doc` with extra arguments and returns the decoded pixels.
fn pixels_of(doc: &std::path::Path, out: &str, extra: &[&str]) -> Vec<u8> {
    let out = tmp(out);
    let status = bin()
        .arg("render")
        .arg(doc)
        .arg("-o")
        .arg(&out)
        .args(extra)
        .args(["-q", "--no-system-fonts"])
        .status()
        .expect("run");
    assert!(status.success(), "{}", doc.display());
    decode_png(&out).2
}

#[test]
fn antialiasing_follows_the_manifest_origin() {
    // The same document alone, then beside a manifest that says it came from Figma.
    let dir = tmp("figma-origin");
    std::fs::create_dir_all(&dir).expect("dir");
    let doc = dir.join("octopus-showcase.json");
    std::fs::copy(root().join("fixtures/designs/octopus-showcase.json"), &doc).expect("copy");
    let _ = std::fs::remove_file(dir.join("octopus-manifest.json"));
    let alone = pixels_of(&doc, "aa-alone.png", &[]);
    let exact = pixels_of(&doc, "aa-exact.png", &["--antialias", "exact"]);
    let figma = pixels_of(&doc, "aa-figma.png", &["--antialias", "figma"]);
    assert_eq!(alone, exact, "without a manifest, edges are exact areas");
    assert_ne!(exact, figma, "the two modes draw edges differently");
    let manifest = std::fs::read_to_string(root().join("fixtures/designs/octopus-manifest.json"))
        .expect("manifest");
    let manifest = manifest.replace("OCTOPUS_RENDER_FIXTURES", "FIGMA");
    std::fs::write(dir.join("octopus-manifest.json"), manifest).expect("write");
    let beside = pixels_of(&doc, "aa-beside.png", &[]);
    assert_eq!(
        beside, figma,
        "a Figma manifest selects Figma's anti-aliasing"
    );
    let forced = pixels_of(&doc, "aa-forced.png", &["--antialias", "exact"]);
    assert_eq!(forced, exact, "an explicit mode wins over the manifest");
}

#[test]
fn a_timeout_exits_4_and_writes_no_file() {
    let out = tmp("timeout.png");
    let _ = std::fs::remove_file(&out);
    // A microsecond: parsing alone takes longer, so the deadline has passed by the first check.
    let run = bin()
        .args(["render", "fixtures/designs/octopus-showcase.json", "-o"])
        .arg(&out)
        .args(["--timeout", "0.000001"])
        .current_dir(root())
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(4));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("time budget"), "{err}");
    assert!(!out.exists(), "a timed-out render leaves no file");
    let bad = bin()
        .args(["render", "fixtures/designs/octopus-showcase.json", "-o"])
        .arg(&out)
        .args(["--timeout", "-1"])
        .current_dir(root())
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn images_are_found_where_the_manifest_says() {
    // A design whose bitmap lives under `resourcesBase/images/` with a key that is not its
    // file name, and a second image the manifest says is at a URL.
    let dir = tmp("located");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("res/images")).expect("dirs");
    std::fs::copy(
        root().join("fixtures/images/photo.png"),
        dir.join("res/images/p1.png"),
    )
    .expect("copy image");
    let fill = |key: &str| {
        format!(
            r#"{{"type":"IMAGE","image":{{"ref":{{"type":"RESOURCE_REF","value":"{key}"}}}},
            "positioning":{{"layout":"STRETCH","origin":"LAYER","transform":[40,0,0,30,0,0]}}}}"#
        )
    };
    let doc = format!(
        r#"{{"id":"a","type":"OCTOPUS_COMPONENT","version":"3.1.1","dimensions":{{"width":40,"height":30}},
        "content":{{"id":"s","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE",
        "rectangle":{{"x0":0,"y0":0,"x1":40,"y1":30}}}},"fills":[{}]}}}}}}"#,
        fill("photo-key")
    );
    std::fs::write(dir.join("octopus-a.json"), doc).expect("doc");
    let manifest = r#"{"version":"3.0.0","origin":{"name":"FIGMA"},"resourcesBase":"res","components":[
        {"id":"a","location":{"type":"RELATIVE","path":""},"assets":{"images":[
         {"refId":"photo-key","location":{"type":"RELATIVE","path":"images/p1.png"}},
         {"refId":"far","location":{"type":"EXTERNAL","path":"https://example.com/far.png"}}]}}]}"#;
    std::fs::write(dir.join("octopus-manifest.json"), manifest).expect("manifest");
    let out = dir.join("a.png");
    let run = bin()
        .args(["render"])
        .arg(dir.join("octopus-a.json"))
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        !stderr.contains("missing"),
        "the image was not found: {stderr}"
    );
    assert!(
        stderr.contains("EXTERNAL"),
        "the URL is not reported: {stderr}"
    );
    let (_, _, px) = decode_png(&out);
    // The photo (one corner cut away) fills the frame; without it the frame is empty.
    let opaque = px.chunks_exact(4).filter(|p| p[3] == 255).count();
    assert!(opaque * 10 > px.len() / 4 * 8, "the photo is missing");
}
