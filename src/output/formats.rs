//! Image formats beside the streamed PNG: JPEG and WebP (lossless, or lossy with a quality),
//! and flattening over a background colour.
//!
//! Input: premultiplied RGBA8 rows from the rasteriser, in order. Output: PNG (streamed, as
//! before), JPEG (RGB over the background, white by default, since JPEG has no alpha) or
//! WebP (RGBA: lossless by the `image` crate, or lossy by libwebp when a quality is given).
//! Guarantees: the format is chosen by name or by the output file's
//! extension, an unknown one is an error that names it; flattening is exact integer
//! arithmetic, so output stays identical for any thread or band count; JPEG and WebP hold
//! the encoded frame's pixels (3 or 4 bytes each, within the output-pixel limit), PNG only a
//! chunk.

use std::io::Write;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::ExtendedColorType;

use super::png::unpremultiply_into;
use crate::error::{Error, Result};

/// An output image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG, RGBA, streamed by chunks.
    Png,
    /// Baseline JPEG at a quality from 1 to 100 (default 90), flattened over the background.
    Jpeg,
    /// WebP, RGBA: lossless, or lossy at the quality when one is given.
    Webp,
}

impl Format {
    /// Reads a format name (`png`, `jpeg`/`jpg`, `webp`), any case.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "png" => Some(Format::Png),
            "jpeg" | "jpg" => Some(Format::Jpeg),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }

    /// The format an output path's extension names: PNG without an extension, `Err` with
    /// the extension when it names no format this encoder writes.
    pub fn from_path(path: &Path) -> std::result::Result<Format, String> {
        match path.extension().and_then(|e| e.to_str()) {
            None => Ok(Format::Png),
            Some(ext) => Format::from_name(ext).ok_or_else(|| {
                format!("no image format is named by the extension {ext:?} (png, jpg, webp)")
            }),
        }
    }

    /// The format's name (`png`, `jpeg`, `webp`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpeg",
            Format::Webp => "webp",
        }
    }

    /// The format's usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }
}

/// How the rendered pixels are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoding {
    /// The format.
    pub format: Format,
    /// Quality, 1 to 100: JPEG's (90 when `None`); for WebP, a quality makes it lossy.
    pub quality: Option<u8>,
    /// Straight RGBA colour the image is flattened over (JPEG: over white when `None`).
    pub background: Option<[u8; 4]>,
}

impl Default for Encoding {
    fn default() -> Self {
        Encoding {
            format: Format::Png,
            quality: None,
            background: None,
        }
    }
}

impl Encoding {
    /// The background the pixels are flattened over, if any: JPEG always has an opaque one
    /// (a translucent background is first laid over white).
    pub fn flatten_over(&self) -> Option<[u8; 4]> {
        match (self.format, self.background) {
            (Format::Jpeg, bg) => Some(over_white(bg.unwrap_or([255; 4]))),
            (_, bg) => bg,
        }
    }
}

/// Parses a colour: `#rgb`, `#rrggbb`, `#rrggbbaa` (the `#` optional), `white`, `black` or
/// `transparent`.
pub fn parse_color(s: &str) -> std::result::Result<[u8; 4], String> {
    let bad =
        || format!("{s:?} is not a colour (#rrggbb, #rrggbbaa, #rgb, white, black, transparent)");
    match s.to_ascii_lowercase().as_str() {
        "white" => return Ok([255; 4]),
        "black" => return Ok([0, 0, 0, 255]),
        "transparent" => return Ok([0; 4]),
        _ => {}
    }
    let hex = s.strip_prefix('#').unwrap_or(s);
    if !hex.is_ascii() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    let nibble = |i: usize| {
        u8::from_str_radix(&hex[i..i + 1], 16)
            .map(|v| v * 17)
            .map_err(|_| bad())
    };
    match hex.len() {
        3 => Ok([nibble(0)?, nibble(1)?, nibble(2)?, 255]),
        6 => Ok([byte(0)?, byte(2)?, byte(4)?, 255]),
        8 => Ok([byte(0)?, byte(2)?, byte(4)?, byte(6)?]),
        _ => Err(bad()),
    }
}

/// `a * b / 255`, rounded.
#[inline]
fn mul255(a: u32, b: u32) -> u32 {
    let t = a * b + 128;
    (t + (t >> 8)) >> 8
}

/// A straight colour laid over opaque white.
fn over_white(c: [u8; 4]) -> [u8; 4] {
    let a = c[3] as u32;
    let ch = |v: u8| (mul255(v as u32, a) + 255 - a) as u8;
    [ch(c[0]), ch(c[1]), ch(c[2]), 255]
}

/// Lays premultiplied RGBA8 pixels over a straight RGBA background, in place.
pub fn flatten_row(premultiplied: &mut [u8], background: [u8; 4]) {
    let ba = background[3] as u32;
    let bg = [0, 1, 2].map(|i| mul255(background[i] as u32, ba));
    for p in premultiplied.chunks_exact_mut(4) {
        let rest = 255 - p[3] as u32;
        for i in 0..3 {
            p[i] = (p[i] as u32 + mul255(bg[i], rest)).min(255) as u8;
        }
        p[3] = (p[3] as u32 + mul255(ba, rest)).min(255) as u8;
    }
}

/// Collects premultiplied rows into the pixels a JPEG or WebP encoder takes.
pub struct FrameBuffer {
    encoding: Encoding,
    pixels: Vec<u8>,
    scratch: Vec<u8>,
}

impl FrameBuffer {
    /// An empty frame of `width × height` pixels for `encoding` (not PNG).
    pub fn new(encoding: Encoding, width: u32, height: u32) -> Self {
        let channels = if encoding.format == Format::Jpeg {
            3
        } else {
            4
        };
        FrameBuffer {
            encoding,
            pixels: Vec::with_capacity(width as usize * height as usize * channels),
            scratch: Vec::new(),
        }
    }

    /// Appends premultiplied rows (a whole number of rows).
    pub fn push_rows(&mut self, premultiplied: &[u8]) {
        // Copied only when it must be flattened first.
        let rows = match self.encoding.flatten_over() {
            Some(bg) => {
                self.scratch.clear();
                self.scratch.extend_from_slice(premultiplied);
                flatten_row(&mut self.scratch, bg);
                &self.scratch[..]
            }
            None => premultiplied,
        };
        let start = self.pixels.len();
        if self.encoding.format == Format::Jpeg {
            // Flattened over an opaque colour: every pixel is opaque, so premultiplied is
            // straight and only the alpha byte goes.
            self.pixels
                .extend(rows.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]));
        } else {
            self.pixels.resize(start + rows.len(), 0);
            unpremultiply_into(rows, &mut self.pixels[start..]);
        }
    }

    /// Encodes the collected frame onto `out`.
    pub fn encode<W: Write>(self, out: W, width: u32, height: u32) -> Result<()> {
        let failed = |e: image::ImageError| match e {
            image::ImageError::IoError(io) => Error::io("<image output>", io),
            other => Error::Internal(format!("image encoding failed: {other}")),
        };
        match self.encoding.format {
            Format::Jpeg => {
                let q = self.encoding.quality.unwrap_or(90).clamp(1, 100);
                JpegEncoder::new_with_quality(out, q)
                    .encode(&self.pixels, width, height, ExtendedColorType::Rgb8)
                    .map_err(failed)
            }
            Format::Webp => match self.encoding.quality {
                None => WebPEncoder::new_lossless(out)
                    .encode(&self.pixels, width, height, ExtendedColorType::Rgba8)
                    .map_err(failed),
                Some(q) => lossy_webp(out, &self.pixels, width, height, q),
            },
            Format::Png => Err(Error::Internal("PNG is streamed, not buffered".into())),
        }
    }
}

/// The largest side libwebp encodes.
const WEBP_MAX_SIDE: u32 = 16383;

/// Lossy WebP of straight RGBA pixels at `quality` (1-100), by libwebp.
fn lossy_webp<W: Write>(
    mut out: W,
    rgba: &[u8],
    width: u32,
    height: u32,
    quality: u8,
) -> Result<()> {
    if width > WEBP_MAX_SIDE || height > WEBP_MAX_SIDE {
        return Err(Error::Limit(format!(
            "WebP holds at most {WEBP_MAX_SIDE} pixels a side; the image is {width} x {height}"
        )));
    }
    let encoded = webp::Encoder::from_rgba(rgba, width, height)
        .encode_simple(false, quality.clamp(1, 100) as f32)
        .map_err(|e| Error::Internal(format!("WebP encoding failed: {e:?}")))?;
    out.write_all(&encoded)
        .map_err(|e| Error::io("<image output>", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_in_every_spelling() {
        assert_eq!(parse_color("#fff"), Ok([255, 255, 255, 255]));
        assert_eq!(parse_color("102030"), Ok([16, 32, 48, 255]));
        assert_eq!(parse_color("#10203080"), Ok([16, 32, 48, 128]));
        assert_eq!(parse_color("Transparent"), Ok([0; 4]));
        assert!(parse_color("#12345").is_err());
        assert!(parse_color("#ggg").is_err());
        assert!(parse_color("é12").is_err());
    }

    #[test]
    fn formats_come_from_names_and_extensions() {
        assert_eq!(Format::from_path(Path::new("a/b.JPG")), Ok(Format::Jpeg));
        assert_eq!(Format::from_path(Path::new("b.webp")), Ok(Format::Webp));
        assert_eq!(Format::from_path(Path::new("b")), Ok(Format::Png));
        let err = Format::from_path(Path::new("b.gif")).unwrap_err();
        assert!(err.contains("\"gif\""), "{err}");
    }

    #[test]
    fn flattening_lays_pixels_over_the_background() {
        // Half-transparent red (premultiplied 128, 0, 0, 128) over opaque blue.
        let mut px = [128, 0, 0, 128, 0, 0, 0, 0, 10, 20, 30, 255];
        flatten_row(&mut px, [0, 0, 255, 255]);
        assert_eq!(px, [128, 0, 127, 255, 0, 0, 255, 255, 10, 20, 30, 255]);
        // A translucent JPEG background is laid over white first.
        let enc = Encoding {
            format: Format::Jpeg,
            background: Some([0, 0, 0, 128]),
            ..Encoding::default()
        };
        assert_eq!(enc.flatten_over(), Some([127, 127, 127, 255]));
    }
}
