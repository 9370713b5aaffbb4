//! PNG output with straight (un-premultiplied) alpha, streamed row chunk by chunk.
//!
//! Input: premultiplied RGBA8 rows in order. Output: a PNG byte stream on any writer.
//! Guarantees: alpha is un-premultiplied with rounding (fully transparent pixels become
//! 0,0,0,0, so identical renders give identical files); fast compression by default (our
//! one-pass encoder, [`super::fast_png`]), `Small` for smaller files (the `png` crate's
//! adaptive filters and stronger DEFLATE).

use std::io::Write;
use std::sync::OnceLock;

use super::fast_png::FastPng;
use crate::error::{Error, Result};

/// Compression trade-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PngSpeed {
    /// Fast DEFLATE, fixed filter: the default for a render farm.
    #[default]
    Fast,
    /// Adaptive filters and stronger DEFLATE: smaller files, slower.
    Small,
}

/// Receives premultiplied rows in order and feeds them, un-premultiplied, to the encoder.
pub struct PngStream<'a> {
    sink: Sink<'a>,
}

enum Sink<'a> {
    Fast(FastPng<'a>),
    Small {
        out: &'a mut dyn Write,
        width: u32,
        scratch: Vec<u8>,
    },
}

fn png_err(e: ::png::EncodingError) -> Error {
    match e {
        ::png::EncodingError::IoError(io) => Error::io("<png output>", io),
        other => Error::Internal(format!("PNG encoding failed: {other}")),
    }
}

impl PngStream<'_> {
    /// Appends premultiplied rows (a whole number of rows).
    pub fn write_rows(&mut self, premultiplied: &[u8]) -> Result<()> {
        let io = |e| Error::io("<png output>", e);
        match &mut self.sink {
            Sink::Fast(png) => png.write_rows(premultiplied).map_err(io),
            Sink::Small {
                out,
                width,
                scratch,
            } => {
                let row = *width as usize * 4;
                for chunk in premultiplied.chunks(row * 64) {
                    scratch.resize(chunk.len(), 0);
                    unpremultiply_into(chunk, scratch);
                    out.write_all(scratch).map_err(io)?;
                }
                Ok(())
            }
        }
    }
}

/// Writes a `width × height` RGBA8 PNG to `out`; `produce` must write every row in order.
pub fn write_png<W: Write>(
    mut out: W,
    width: u32,
    height: u32,
    speed: PngSpeed,
    produce: impl FnOnce(&mut PngStream<'_>) -> Result<()>,
) -> Result<()> {
    if speed == PngSpeed::Fast {
        let io = |e| Error::io("<png output>", e);
        let png = FastPng::new(&mut out, width, height).map_err(io)?;
        let mut stream = PngStream {
            sink: Sink::Fast(png),
        };
        produce(&mut stream)?;
        return match stream.sink {
            Sink::Fast(png) => png.finish().map_err(io),
            Sink::Small { .. } => Err(Error::Internal("PNG sink changed kind".into())),
        };
    }
    let mut enc = ::png::Encoder::new(out, width, height);
    enc.set_color(::png::ColorType::Rgba);
    enc.set_depth(::png::BitDepth::Eight);
    enc.set_compression(::png::Compression::High);
    let mut writer = enc.write_header().map_err(png_err)?;
    {
        let mut stream = writer.stream_writer().map_err(png_err)?;
        produce(&mut PngStream {
            sink: Sink::Small {
                out: &mut stream,
                width,
                scratch: Vec::new(),
            },
        })?;
        stream.finish().map_err(png_err)?;
    }
    writer.finish().map_err(png_err)
}

/// Converts premultiplied RGBA8 to straight alpha in place.
pub fn unpremultiply_row(row: &mut [u8]) {
    let table = unpremultiply_table();
    for p in row.chunks_exact_mut(4) {
        let px = straight(table, [p[0], p[1], p[2], p[3]]);
        p.copy_from_slice(&px);
    }
}

/// Converts premultiplied RGBA8 `src` to straight alpha into `dst` (same length).
pub(super) fn unpremultiply_into(src: &[u8], dst: &mut [u8]) {
    let table = unpremultiply_table();
    for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
        d.copy_from_slice(&straight(table, [s[0], s[1], s[2], s[3]]));
    }
}

/// One pixel to straight alpha, rounded; transparent pixels become all zeros.
#[inline]
fn straight(table: &[[u8; 256]; 256], p: [u8; 4]) -> [u8; 4] {
    match p[3] {
        255 => p,
        0 => [0; 4],
        a => {
            // Three integer divisions per pixel were a third of encoding a translucent
            // design; the table holds every quotient (64 KB, built once).
            let row = &table[a as usize];
            [
                row[p[0] as usize],
                row[p[1] as usize],
                row[p[2] as usize],
                a,
            ]
        }
    }
}

/// `table[a][c] = min(255, round(c * 255 / a))` for every alpha and channel value.
fn unpremultiply_table() -> &'static [[u8; 256]; 256] {
    static TABLE: OnceLock<Box<[[u8; 256]; 256]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([[0u8; 256]; 256]);
        for (a, row) in t.iter_mut().enumerate().skip(1) {
            for (c, v) in row.iter_mut().enumerate() {
                *v = ((c * 255 + a / 2) / a).min(255) as u8;
            }
        }
        t
    })
}

/// Encodes a whole premultiplied image.
pub fn encode_png(
    width: u32,
    height: u32,
    premultiplied: &[u8],
    speed: PngSpeed,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_png(&mut out, width, height, speed, |s| {
        s.write_rows(premultiplied)
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpremultiply_rounds() {
        let mut px = [64, 0, 128, 128, 10, 10, 10, 0, 1, 2, 3, 255];
        unpremultiply_row(&mut px);
        assert_eq!(px, [128, 0, 255, 128, 0, 0, 0, 0, 1, 2, 3, 255]);
    }

    #[test]
    fn table_matches_the_rounded_quotient_everywhere() {
        for a in 1..255u32 {
            for c in 0..=255u32 {
                let want = ((c * 255 + a / 2) / a).min(255) as u8;
                let got = straight(unpremultiply_table(), [c as u8, 0, 0, a as u8])[0];
                assert_eq!(got, want, "alpha {a}, channel {c}");
            }
        }
    }

    #[test]
    fn encodes_a_valid_png() {
        let data = vec![255u8; 3 * 2 * 4];
        let bytes = encode_png(3, 2, &data, PngSpeed::Fast).unwrap();
        let dec = ::png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = dec.read_info().unwrap();
        assert_eq!(reader.info().width, 3);
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        assert_eq!(buf, data);
    }
}
