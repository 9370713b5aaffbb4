//! Output encoders.
//!
//! Input: premultiplied RGBA8 rows from the rasteriser (PNG), or the scene itself (SVG, for
//! peer renderers). Output: encoded files. Guarantee: the PNG encoder accepts rows in order,
//! chunk by chunk, so a frame is never held whole.

mod fast_png;
mod png;
mod svg_export;

pub use self::png::{encode_png, unpremultiply_row, write_png, PngSpeed, PngStream};
pub use self::svg_export::{scene_to_svg, SvgExport};
