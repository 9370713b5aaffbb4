//! SVG image assets: rasterised with resvg into a bitmap the image paint samples.
//!
//! Input: the bytes of an SVG file and the render scale. Output: a premultiplied bitmap of
//! the SVG's intrinsic size times an oversampling factor. Guarantees: no I/O (external
//! references in the SVG are not followed; embedded data URLs are the only images it may
//! use); the pixel limit applies to the raster; SVG text needs fonts the core does not hand
//! to resvg, so a document whose SVG contains text gets a diagnostic from the caller.

use resvg::{tiny_skia, usvg};

use crate::scene::Bitmap;

/// True when `bytes` look like SVG (XML whose root is `<svg`).
pub(super) fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<') && text.contains("<svg")
}

/// True when the SVG has text, which this build does not render inside image assets.
pub(super) fn has_text(bytes: &[u8]) -> bool {
    bytes.windows(5).any(|w| w == b"<text")
}

/// Rasterises `bytes` at `oversample` pixels per SVG unit.
pub(super) fn rasterise(bytes: &[u8], oversample: f32, max_pixels: u64) -> Result<Bitmap, String> {
    let opt = usvg::Options {
        // Only data: URLs; never the file system.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &opt).map_err(|e| format!("cannot read SVG: {e}"))?;
    let size = tree.size();
    let k = oversample.clamp(1.0, 16.0);
    let w = (size.width() * k).ceil().max(1.0);
    let h = (size.height() * k).ceil().max(1.0);
    if (w as f64) * (h as f64) > max_pixels as f64 {
        return Err(format!(
            "SVG of {w} x {h} pixels exceeds the limit of {max_pixels} pixels"
        ));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w as u32, h as u32)
        .ok_or_else(|| format!("cannot allocate a {w} x {h} SVG raster"))?;
    let ts = tiny_skia::Transform::from_scale(w / size.width(), h / size.height());
    resvg::render(&tree, ts, &mut pixmap.as_mut());
    Ok(Bitmap::new(pixmap.width(), pixmap.height(), pixmap.take()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rasterises_an_svg_oversampled() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><rect width="5" height="5" fill="#ff0000"/></svg>"##;
        assert!(is_svg(svg));
        let b = rasterise(svg, 2.0, 1000).expect("svg");
        assert_eq!((b.width, b.height), (20, 10));
        assert_eq!(&b.data[..4], &[255, 0, 0, 255]);
        assert_eq!(&b.data[b.data.len() - 4..], &[0, 0, 0, 0]);
        assert!(rasterise(svg, 2.0, 100).is_err(), "pixel limit");
        assert!(!is_svg(b"\x89PNG"));
    }
}
