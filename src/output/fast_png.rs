//! The fast PNG encoder: premultiplied rows in, a PNG byte stream out, in one pass per row.
//!
//! Input: premultiplied RGBA8 rows in order, on any writer. Output: an 8-bit RGBA PNG with
//! straight alpha, every row filtered with `Up`, compressed by `fdeflate` (the fixed-table
//! compressor made for filtered image data that the `png` crate uses for its fast mode).
//! Guarantees: the same bytes for the same pixels; memory is three rows plus one IDAT chunk
//! whatever the height.
//!
//! Why not the `png` crate's stream writer: it copies every row into its own buffer before
//! filtering, on top of our copy to un-premultiply; here un-premultiplying, filtering and
//! compressing read each row once, which is a tenth of a whole CLI run of a typical artboard.

use std::io::{self, Write};

/// Bytes of compressed data per IDAT chunk.
const CHUNK: usize = 1 << 18;

/// Streams rows into a PNG.
pub(super) struct FastPng<'a> {
    z: fdeflate::Compressor<Idat<'a>>,
    width: usize,
    /// The previous row, straight alpha (zeros before the first row).
    prev: Vec<u8>,
    /// The current row, straight alpha.
    cur: Vec<u8>,
    /// Filter type byte and the filtered row.
    line: Vec<u8>,
}

impl<'a> FastPng<'a> {
    /// Writes the signature and header; rows follow with [`FastPng::write_rows`].
    pub(super) fn new(out: &'a mut dyn Write, width: u32, height: u32) -> io::Result<Self> {
        out.write_all(b"\x89PNG\r\n\x1a\n")?;
        let mut ihdr = [0u8; 13];
        ihdr[..4].copy_from_slice(&width.to_be_bytes());
        ihdr[4..8].copy_from_slice(&height.to_be_bytes());
        // Bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace.
        ihdr[8..].copy_from_slice(&[8, 6, 0, 0, 0]);
        write_chunk(out, b"IHDR", &ihdr)?;
        let idat = Idat {
            out,
            buf: Vec::with_capacity(CHUNK + 64),
        };
        let row = width as usize * 4;
        Ok(FastPng {
            z: fdeflate::Compressor::new(idat)?,
            width: width as usize,
            prev: vec![0; row],
            cur: vec![0; row],
            line: vec![0; row + 1],
        })
    }

    /// Appends premultiplied rows (a whole number of rows).
    pub(super) fn write_rows(&mut self, premultiplied: &[u8]) -> io::Result<()> {
        let row = self.width * 4;
        if row == 0 {
            return Ok(());
        }
        for src in premultiplied.chunks_exact(row) {
            super::png::unpremultiply_into(src, &mut self.cur);
            self.line[0] = 2; // Up
            for ((o, c), p) in self.line[1..].iter_mut().zip(&self.cur).zip(&self.prev) {
                *o = c.wrapping_sub(*p);
            }
            self.z.write_data(&self.line)?;
            std::mem::swap(&mut self.prev, &mut self.cur);
        }
        Ok(())
    }

    /// Ends the compressed stream and the file.
    pub(super) fn finish(self) -> io::Result<()> {
        let mut idat = self.z.finish()?;
        idat.emit()?;
        write_chunk(idat.out, b"IEND", &[])
    }
}

/// Collects compressed bytes into IDAT chunks.
struct Idat<'a> {
    out: &'a mut dyn Write,
    buf: Vec<u8>,
}

impl Idat<'_> {
    fn emit(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            write_chunk(self.out, b"IDAT", &self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl Write for Idat<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.emit()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes one chunk: length, type, data, CRC of type and data.
fn write_chunk(out: &mut dyn Write, kind: &[u8; 4], data: &[u8]) -> io::Result<()> {
    let len = u32::try_from(data.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "PNG chunk over 4 GB"))?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.write_all(&len.to_be_bytes())?;
    out.write_all(kind)?;
    out.write_all(data)?;
    out.write_all(&crc.finalize().to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = ::png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("header");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("frame");
        (info.width, info.height, buf)
    }

    #[test]
    fn round_trips_through_a_decoder() {
        // Gradients, transparency and long runs, over several IDAT chunks.
        let (w, h) = (301u32, 467u32);
        let mut px = Vec::with_capacity((w * h * 4) as usize);
        for y in 0..h {
            for x in 0..w {
                let a = ((x * 7 + y * 3) % 256) as u8;
                let c = |k: u32| (((x * k + y) % 256) as u8).min(a);
                px.extend_from_slice(&[c(1), c(3), c(5), a]);
            }
        }
        let mut out = Vec::new();
        let mut png = FastPng::new(&mut out, w, h).expect("header");
        for rows in px.chunks((w * 4 * 50) as usize) {
            png.write_rows(rows).expect("rows");
        }
        png.finish().expect("end");
        let (dw, dh, got) = decode(&out);
        assert_eq!((dw, dh), (w, h));
        let mut want = px.clone();
        for r in want.chunks_exact_mut((w * 4) as usize) {
            super::super::png::unpremultiply_row(r);
        }
        assert_eq!(got, want);
    }

    #[test]
    fn empty_width_still_makes_a_file() {
        let mut out = Vec::new();
        let png = FastPng::new(&mut out, 0, 0).expect("header");
        png.finish().expect("end");
        assert!(out.starts_with(b"\x89PNG"));
        assert!(out.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
    }
}
