//! Output encoders.
//!
//! Input: premultiplied RGBA8 rows from the rasteriser (PNG, JPEG, WebP), or the scene itself
//! (SVG, for peer renderers). Output: encoded files. Guarantee: the PNG encoder accepts rows
//! in order, chunk by chunk, so a frame is never held whole; JPEG and WebP hold the frame.

mod fast_png;
mod formats;
mod png;
mod svg_export;

pub use self::formats::{flatten_row, parse_color, Encoding, Format, FrameBuffer};
pub use self::png::{encode_png, unpremultiply_row, write_png, PngSpeed, PngStream};
pub use self::svg_export::{scene_to_svg, SvgExport};
