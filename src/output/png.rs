//! PNG output with straight (un-premultiplied) alpha, streamed row chunk by chunk.
//!
//! Input: premultiplied RGBA8 rows in order. Output: a PNG byte stream on any writer.
//! Guarantees: alpha is un-premultiplied with rounding (fully transparent pixels become
//! 0,0,0,0, so identical renders give identical files); fast compression by default (the
//! `png` crate's fdeflate path with the Up filter), `Best` for smaller files.

use std::io::Write;

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
    out: &'a mut dyn Write,
    width: u32,
    scratch: Vec<u8>,
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
        let row = self.width as usize * 4;
        for chunk in premultiplied.chunks(row * 64) {
            self.scratch.clear();
            self.scratch.extend_from_slice(chunk);
            for r in self.scratch.chunks_exact_mut(row) {
                unpremultiply_row(r);
            }
            self.out
                .write_all(&self.scratch)
                .map_err(|e| Error::io("<png output>", e))?;
        }
        Ok(())
    }
}

/// Writes a `width × height` RGBA8 PNG to `out`; `produce` must write every row in order.
pub fn write_png<W: Write>(
    out: W,
    width: u32,
    height: u32,
    speed: PngSpeed,
    produce: impl FnOnce(&mut PngStream<'_>) -> Result<()>,
) -> Result<()> {
    let mut enc = ::png::Encoder::new(out, width, height);
    enc.set_color(::png::ColorType::Rgba);
    enc.set_depth(::png::BitDepth::Eight);
    match speed {
        PngSpeed::Fast => {
            enc.set_compression(::png::Compression::Fast);
            enc.set_filter(::png::Filter::Up);
        }
        PngSpeed::Small => enc.set_compression(::png::Compression::High),
    }
    let mut writer = enc.write_header().map_err(png_err)?;
    {
        let mut stream = writer.stream_writer().map_err(png_err)?;
        produce(&mut PngStream {
            out: &mut stream,
            width,
            scratch: Vec::new(),
        })?;
        stream.finish().map_err(png_err)?;
    }
    writer.finish().map_err(png_err)
}

/// Converts premultiplied RGBA8 to straight alpha in place.
pub fn unpremultiply_row(row: &mut [u8]) {
    for p in row.chunks_exact_mut(4) {
        let a = p[3] as u32;
        match a {
            0 => p[..3].fill(0),
            255 => {}
            _ => {
                for c in &mut p[..3] {
                    *c = ((*c as u32 * 255 + a / 2) / a).min(255) as u8;
                }
            }
        }
    }
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
