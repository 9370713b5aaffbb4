//! Serde model of Octopus 3 documents and manifests.
//!
//! Input: the JSON the public converters (Figma, Photoshop, Illustrator, XD) write, versions
//! 3.0.x and 3.1.x plus the fields added up to spec 3.6. Output: typed values with the spec's
//! defaults. Guarantees:
//! * malformed input is a [`ParseError`] naming the JSON path and the layer id;
//! * an unknown enum value or layer/fill/effect/path type never fails parsing: it is kept as
//!   an `Unknown` variant for the renderer to report as a diagnostic;
//! * parsing never panics and never recurses deeper than serde_json's limit (128 levels).

mod common;
mod document;
mod effect;
mod enums;
mod error;
mod fill;
mod layer;
mod manifest;
mod shape;
mod text;
mod unknown;

pub use common::{Bounds, Color, Dimensions, Rectangle, Transform, Vec2};
pub use document::Document;
pub use effect::{BlurKind, Effect, EffectKind, Shadow};
pub use enums::*;
pub use error::{parse_with_path, ParseError};
pub use fill::{ColorStop, Fill, FillKind, Gradient, Image, ImageFilter, ImageRef, Positioning};
pub use layer::{Change, Layer, LayerKind, LayerMeta, Override};
pub use manifest::{Assets, FontAsset, ImageAsset, Manifest, ManifestComponent, ResourceLocation};
pub use shape::{PathKind, PathLike, Shape, Stroke, VectorStroke};
pub use text::{
    Font, OpenTypeFeature, StyleRange, Text, TextFrame, TextListEntry, TextRange, TextStyle,
};

/// Parses an Octopus document.
pub fn parse_document(bytes: &[u8]) -> Result<Document, ParseError> {
    expect_object(bytes, "document")?;
    parse_with_path(bytes)
}

/// Parses an Octopus manifest.
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, ParseError> {
    expect_object(bytes, "manifest")?;
    parse_with_path(bytes)
}

/// A clear error when the top-level value is not an object (serde would speak of a
/// "struct with 5 elements").
fn expect_object(bytes: &[u8], what: &str) -> Result<(), ParseError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let found = match first {
        Some(b'{') | None => return Ok(()),
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'-' | b'0'..=b'9') => "a number",
        Some(_) => "something that is not JSON",
    };
    Err(ParseError {
        path: ".".into(),
        layer_id: None,
        message: format!("a {what} must be a JSON object, found {found}"),
        line: 0,
        column: 0,
    })
}
