//! Output encoders.
//!
//! Input: premultiplied RGBA8 rows from the rasteriser. Output: encoded files. Guarantee:
//! encoders accept rows in order, chunk by chunk, so a frame is never held whole.

mod png;

pub use self::png::{encode_png, unpremultiply_row, write_png, PngSpeed, PngStream};
