//! Helpers shared by the integration tests: locating fixtures and the shared corpus,
//! decoding PNGs, comparing images and writing diff images.
#![allow(
    dead_code,
    reason = "each test crate uses its own part of the shared helpers"
)]

use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use octopus_render::raster::Image;
use octopus_render::{render_document, MemoryAssets, RenderConfig};

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus`; a missing corpus fails the test loudly (CI always has it).
pub(crate) fn corpus() -> PathBuf {
    let dir = std::env::var_os("OCTOPUS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    assert!(
        dir.is_dir(),
        "the shared corpus is missing at {} (set OCTOPUS_CORPUS to its location)",
        dir.display()
    );
    dir
}

/// Every Octopus document of the corpus, sorted.
pub(crate) fn corpus_documents() -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(&corpus(), &mut out);
    out.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.starts_with("octopus-") && name.ends_with(".json") && name != "octopus-manifest.json"
    });
    out.sort();
    out
}

/// All files under `dir`, recursively.
pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Bitmaps for the tests: `fixtures/images` and, when present, the corpus images.
pub(crate) fn assets() -> &'static MemoryAssets {
    static ASSETS: OnceLock<MemoryAssets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let mut m = MemoryAssets::new();
        // Only the committed fonts: text renders the same on every machine.
        m.set_fonts(std::sync::Arc::new(fonts_only_fixtures()));
        // The components of every fixture design, for COMPONENT_REFERENCE layers.
        let mut files = Vec::new();
        walk(&root().join("fixtures/designs"), &mut files);
        for manifest in files
            .iter()
            .filter(|p| p.ends_with("octopus-manifest.json"))
        {
            let bytes = std::fs::read(manifest).expect("read manifest");
            let parsed = octopus_schema::parse_manifest(&bytes).expect("fixture manifest");
            for c in parsed.components {
                let doc = manifest.with_file_name(c.document_path());
                m.insert_component(c.id, std::fs::read(&doc).expect("component document"));
            }
        }
        let corpus_images = std::env::var_os("OCTOPUS_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("../shared/corpus"))
            .join("assets/images");
        for dir in [root().join("fixtures/images"), corpus_images] {
            let mut files = Vec::new();
            walk(&dir, &mut files);
            for f in files {
                if let (Some(name), Ok(bytes)) =
                    (f.file_name().and_then(|n| n.to_str()), std::fs::read(&f))
                {
                    m.insert(name, bytes);
                }
            }
        }
        m
    })
}

/// A font book of `fixtures/fonts` alone (no system fonts).
pub(crate) fn fonts_only_fixtures() -> octopus_render::FontBook {
    octopus_render::fontdirs::font_book(vec![root().join("fixtures/fonts")])
}

/// Renders a document file with `cfg`.
pub(crate) fn render_file(path: &Path, cfg: &RenderConfig) -> Image {
    let json = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    render_document(&json, cfg, assets())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .0
}

/// Decodes an RGBA8 PNG into straight-alpha bytes.
pub(crate) fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut dec = png::Decoder::new(std::io::BufReader::new(file));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => buf
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => buf.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    (info.width, info.height, rgba)
}

/// Premultiplies straight RGBA8 the way the renderer stores pixels.
pub(crate) fn premultiply(straight: &[u8]) -> Vec<u8> {
    straight
        .chunks_exact(4)
        .flat_map(|p| {
            let a = p[3] as u32;
            let m = |c: u8| ((c as u32 * a + 127) / 255) as u8;
            [m(p[0]), m(p[1]), m(p[2]), p[3]]
        })
        .collect()
}

/// Straight RGBA8 composited over white, as RGB.
pub(crate) fn over_white(straight: &[u8]) -> Vec<[u8; 3]> {
    straight
        .chunks_exact(4)
        .map(|p| {
            let a = p[3] as f32 / 255.0;
            [0, 1, 2].map(|i| (p[i] as f32 * a + 255.0 * (1.0 - a) + 0.5) as u8)
        })
        .collect()
}

/// Share of pixels (RGB over white) within `tol` of each other on every channel.
pub(crate) fn share_within_tol(ours: &[[u8; 3]], theirs: &[[u8; 3]], tol: u8) -> f64 {
    let ok = ours
        .iter()
        .zip(theirs)
        .filter(|(a, b)| (0..3).all(|i| a[i].abs_diff(b[i]) <= tol))
        .count();
    ok as f64 / ours.len().max(1) as f64
}

/// Straight-alpha bytes of a rendered image.
pub(crate) fn straight(img: &Image) -> Vec<u8> {
    let mut v = img.data.clone();
    octopus_render::output::unpremultiply_row(&mut v);
    v
}

/// Largest per-channel difference of each pixel of two equally long RGBA buffers.
pub(crate) fn pixel_diffs(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.chunks_exact(4)
        .zip(b.chunks_exact(4))
        .map(|(p, q)| (0..4).map(|i| p[i].abs_diff(q[i])).max().unwrap_or(0))
        .collect()
}

/// Writes a diff image: grey copy of `expected`, differing pixels in red scaled by amount.
pub(crate) fn write_diff(path: &Path, w: u32, h: u32, expected: &[u8], diffs: &[u8]) {
    let mut out = Vec::with_capacity(diffs.len() * 4);
    for (p, &d) in expected.chunks_exact(4).zip(diffs) {
        if d == 0 {
            let g = ((p[0] as u32 + p[1] as u32 + p[2] as u32) / 3 / 3 + 170) as u8;
            out.extend_from_slice(&[g, g, g, 255]);
        } else {
            out.extend_from_slice(&[255, 0, 0, (64 + d as u32 * 3).min(255) as u8]);
        }
    }
    write_png(path, w, h, &out);
}

/// Writes straight RGBA8 as PNG.
pub(crate) fn write_png(path: &Path, w: u32, h: u32, straight: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create output dir");
    }
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut wr = enc.write_header().expect("png header");
    wr.write_image_data(straight).expect("png data");
}

/// Runs `check` on every case as its own test named by `name` (libtest-mimic, so the usual
/// filters and flags apply); fails at once when fewer than `min` cases were found (a moved
/// fixture folder must not pass as "nothing to test").
pub(crate) fn run_cases(
    what: &str,
    cases: Vec<PathBuf>,
    min: usize,
    name: fn(&Path) -> String,
    check: fn(&Path) -> Result<(), libtest_mimic::Failed>,
) -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    if cases.len() < min {
        eprintln!("expected {what}, found {} cases", cases.len());
        return std::process::ExitCode::FAILURE;
    }
    let trials = cases
        .into_iter()
        .map(|case| libtest_mimic::Trial::test(name(&case), move || check(&case)))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
