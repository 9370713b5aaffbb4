//! Text: fonts, character styles, shaping and layout.
//!
//! Input: a text layer's payload and a [`FontBook`]. Output: glyph outlines placed in the
//! layer's space, which the scene builder turns into ordinary filled shapes, so text goes
//! through the same rasteriser, bands and effects as every other layer. Guarantees: no I/O
//! (fonts are bytes handed in); every substituted font and every character no font can
//! draw leaves a diagnostic.

mod bidi;
mod font_names;
pub mod fonts;
pub mod frame;
pub mod layout;
pub mod lists;
pub mod outline;
pub mod overflow;
pub mod style;

pub use font_names::FontRequest;
pub use fonts::{FaceChoice, FontBook, FontLoader};
