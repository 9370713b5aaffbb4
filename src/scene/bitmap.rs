//! Decoded bitmaps for IMAGE fills.
//!
//! Input: encoded bytes (PNG, JPEG, WebP). Output: a [`Bitmap`], premultiplied RGBA8.
//! Guarantees: decoding is bounded by a pixel limit checked before the pixel buffer is
//! allocated; a corrupt or oversized image is an error value, never a panic.

use std::io::Cursor;

/// A decoded image, premultiplied RGBA8, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes.
    pub data: Vec<u8>,
    /// The next mipmap level (half size), made on first use and then shared by every render
    /// of the scene: a strongly shrunk photo is box-filtered once, not once per render.
    pub half: std::sync::OnceLock<std::sync::Arc<Bitmap>>,
}

impl Bitmap {
    /// A bitmap of premultiplied RGBA8 `data`.
    pub fn new(width: u32, height: u32, data: Vec<u8>) -> Bitmap {
        Bitmap {
            width,
            height,
            data,
            half: std::sync::OnceLock::new(),
        }
    }

    /// The pixels of columns `x0..x1` and rows `y0..y1` (clamped to the bitmap) as a
    /// bitmap of their own; `None` when that selects no pixel.
    pub fn crop(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> Option<Bitmap> {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        if x0 >= x1 || y0 >= y1 {
            return None;
        }
        let row = self.width as usize * 4;
        let (a, b) = (x0 as usize * 4, x1 as usize * 4);
        let data = self
            .data
            .chunks_exact(row)
            .skip(y0 as usize)
            .take((y1 - y0) as usize)
            .flat_map(|r| &r[a..b])
            .copied()
            .collect();
        Some(Bitmap::new(x1 - x0, y1 - y0, data))
    }
}

/// Width and height from the image's header, without decoding; `None` when unreadable.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// Decodes `bytes`, refusing images of more than `max_pixels` pixels.
pub fn decode(bytes: &[u8], max_pixels: u64) -> Result<Bitmap, String> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read image: {e}"))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("cannot read image header: {e}"))?;
    if w as u64 * h as u64 > max_pixels {
        return Err(format!(
            "image of {w} x {h} pixels exceeds the limit of {max_pixels} pixels"
        ));
    }
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read image: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(max_pixels.saturating_mul(16).max(1 << 20));
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| format!("cannot decode image: {e}"))?
        .into_rgba8();
    let (width, height) = img.dimensions();
    let mut data = img.into_raw();
    for p in data.chunks_exact_mut(4) {
        let a = p[3] as u32;
        if a < 255 {
            for c in &mut p[..3] {
                *c = ((*c as u32 * a + 127) / 255) as u8;
            }
        }
    }
    Ok(Bitmap::new(width, height, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(w: u32, h: u32, rgba: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header().unwrap().write_image_data(rgba).unwrap();
        out
    }

    #[test]
    fn decodes_and_premultiplies() {
        let b = decode(&png_bytes(1, 1, &[200, 100, 50, 128]), 100).unwrap();
        assert_eq!(b.data, vec![100, 50, 25, 128]);
    }

    #[test]
    fn pixel_limit_trips_before_decoding() {
        let e = decode(&png_bytes(4, 4, &[0; 64]), 15).unwrap_err();
        assert!(e.contains("4 x 4"), "{e}");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(decode(b"not an image", 100).is_err());
    }
}
