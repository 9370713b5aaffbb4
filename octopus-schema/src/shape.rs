//! Shapes: path objects (PATH, RECTANGLE, COMPOUND), fill rule, fills and vector strokes.
//!
//! Input: the JSON of `Shape`, `PathLike`, `Stroke` and `VectorStroke`. Output: typed values
//! with spec defaults. Guarantee: a path object missing what its type requires (a PATH
//! without `geometry`, a COMPOUND without `paths`) is an error at that JSON path; an
//! unknown path type becomes [`PathKind::Unknown`] for the scene builder to report.

use serde::Deserialize;

use crate::common::{yes, Rectangle, Transform};
use crate::enums::{
    BooleanOp, FillRule, LineCap, LineJoin, PathType, StrokePosition, StrokeStyle, UnknownName,
};
use crate::fill::Fill;

/// A shape layer's payload (S: `shapes/shape.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// The body outline; absent means an empty body.
    #[serde(default)]
    pub path: Option<PathLike>,
    /// Fill rule of the body; `None` when the document gives none.
    #[serde(default)]
    pub fill_rule: Option<FillRule>,
    /// Fills, `fills[0]` at the bottom.
    #[serde(default, deserialize_with = "crate::common::compact")]
    pub fills: Vec<Fill>,
    /// Strokes, drawn above the fills in array order.
    #[serde(default, deserialize_with = "crate::common::compact")]
    pub strokes: Vec<VectorStroke>,
}

/// Any path object (S: `shapes/path-like.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawPath")]
pub struct PathLike {
    /// Transform relative to the parent path (applied after building this path).
    pub transform: Transform,
    /// Invisible paths contribute nothing.
    pub visible: bool,
    /// The type-specific part.
    pub kind: PathKind,
}

/// The type-specific part of a path object.
#[derive(Debug, Clone)]
pub enum PathKind {
    /// SVG path data.
    Path {
        /// The `d` attribute grammar (may be empty).
        geometry: String,
        /// Per-vertex radii (informative: geometry is already rounded).
        corner_radii: Vec<f64>,
    },
    /// An axis-aligned rectangle given by two corners.
    Rectangle {
        /// The corners.
        rectangle: Rectangle,
        /// Radii `[top-left, top-right, bottom-right, bottom-left]`; all zero when square.
        corner_radii: [f64; 4],
    },
    /// Child paths combined by a boolean operation, or concatenated when `op` is absent.
    Compound {
        /// Operation folded left over the visible children.
        op: Option<BooleanOp>,
        /// Child paths (empty means an empty outline).
        paths: Vec<PathLike>,
        /// The converter's cached result of the operation, when present.
        geometry: Option<String>,
    },
    /// A path type unknown to this crate.
    Unknown(UnknownName),
}

/// A corner radius given either as one number or as four per-corner numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum CornerRadius {
    Uniform(f64),
    PerCorner(Vec<f64>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPath {
    #[serde(rename = "type")]
    kind: PathType,
    #[serde(default)]
    transform: Transform,
    #[serde(default = "yes")]
    visible: bool,
    #[serde(default)]
    geometry: Option<String>,
    #[serde(default)]
    corner_radii: Option<Vec<f64>>,
    #[serde(default)]
    rectangle: Option<Rectangle>,
    #[serde(default)]
    corner_radius: Option<CornerRadius>,
    #[serde(default)]
    op: Option<BooleanOp>,
    #[serde(default)]
    paths: Option<Vec<PathLike>>,
}

impl TryFrom<RawPath> for PathLike {
    type Error = String;

    fn try_from(raw: RawPath) -> Result<Self, String> {
        let kind = match raw.kind {
            PathType::Path => PathKind::Path {
                geometry: raw.geometry.ok_or("a PATH needs `geometry`")?,
                corner_radii: raw.corner_radii.unwrap_or_default(),
            },
            PathType::Rectangle => PathKind::Rectangle {
                rectangle: raw.rectangle.ok_or("a RECTANGLE needs `rectangle`")?,
                corner_radii: rectangle_radii(raw.corner_radius, raw.corner_radii)?,
            },
            PathType::Compound => {
                // The spec asks for at least one path, but Figma writes empty unions (an
                // empty result), so an empty list is accepted as an empty outline.
                let paths = raw.paths.ok_or("a COMPOUND needs `paths`")?;
                PathKind::Compound {
                    op: raw.op,
                    paths,
                    geometry: raw.geometry,
                }
            }
            PathType::Unknown(name) => PathKind::Unknown(name),
        };
        Ok(PathLike {
            transform: raw.transform,
            visible: raw.visible,
            kind,
        })
    }
}

/// Resolves the rectangle radii: `cornerRadius` (number or 4 numbers) or `cornerRadii`.
fn rectangle_radii(
    radius: Option<CornerRadius>,
    radii: Option<Vec<f64>>,
) -> Result<[f64; 4], String> {
    let list = match (radius, radii) {
        (Some(CornerRadius::Uniform(r)), _) => return Ok([r; 4]),
        (Some(CornerRadius::PerCorner(list)), _) | (None, Some(list)) => list,
        (None, None) => return Ok([0.0; 4]),
    };
    match list.as_slice() {
        [r] => Ok([*r; 4]),
        [tl, tr, br, bl] => Ok([*tl, *tr, *br, *bl]),
        other => Err(format!(
            "rectangle corner radii need 1 or 4 numbers (top-left, top-right, bottom-right, bottom-left), got {}",
            other.len()
        )),
    }
}

/// Stroke properties shared by vector strokes and the STROKE effect (S: `stroke/stroke.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stroke {
    /// Width in layer units (>= 0).
    pub thickness: f64,
    /// Placement relative to the outline.
    pub position: StrokePosition,
    /// What the stroke is painted with.
    pub fill: Fill,
}

/// A vector stroke (S: `stroke/vector-stroke.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VectorStroke {
    /// Width in layer units (>= 0).
    pub thickness: f64,
    /// Placement relative to the outline.
    pub position: StrokePosition,
    /// What the stroke is painted with.
    pub fill: Fill,
    /// Invisible strokes draw nothing.
    #[serde(default = "yes")]
    pub visible: bool,
    /// Dash style (spec: required; SOLID when absent).
    #[serde(default = "solid")]
    pub style: StrokeStyle,
    /// Join (spec: required; MITER when absent).
    #[serde(default = "miter")]
    pub line_join: LineJoin,
    /// Cap (spec: required; BUTT when absent).
    #[serde(default = "butt")]
    pub line_cap: LineCap,
    /// Miter limit, spec default 20.
    #[serde(default = "twenty")]
    pub miter_limit: f64,
    /// Alternating dash and gap lengths (DASHED only).
    #[serde(default, deserialize_with = "crate::common::compact")]
    pub dashing: Vec<f64>,
    /// Offset of the first dash.
    #[serde(default)]
    pub dash_offset: f64,
    /// The converter's pre-expanded stroke outline, filled rather than stroked.
    #[serde(default)]
    pub path: Option<Box<PathLike>>,
    /// Fill rule of `path`.
    #[serde(default)]
    pub fill_rule: Option<FillRule>,
}

fn solid() -> StrokeStyle {
    StrokeStyle::Solid
}
fn miter() -> LineJoin {
    LineJoin::Miter
}
fn butt() -> LineCap {
    LineCap::Butt
}
fn twenty() -> f64 {
    20.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangle_accepts_uniform_and_per_corner_radii() {
        let p: PathLike = serde_json::from_str(
            r#"{"type":"RECTANGLE","rectangle":{"x0":0,"y0":0,"x1":10,"y1":5},"cornerRadius":[1,2,3,4]}"#,
        )
        .unwrap();
        match p.kind {
            PathKind::Rectangle { corner_radii, .. } => {
                assert_eq!(corner_radii, [1.0, 2.0, 3.0, 4.0])
            }
            _ => panic!("not a rectangle"),
        }
        let bad = serde_json::from_str::<PathLike>(
            r#"{"type":"RECTANGLE","rectangle":{"x0":0,"y0":0,"x1":10,"y1":5},"cornerRadius":[1,2]}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("1 or 4"));
    }

    #[test]
    fn path_without_geometry_is_an_error() {
        let e = serde_json::from_str::<PathLike>(r#"{"type":"PATH"}"#).unwrap_err();
        assert!(e.to_string().contains("geometry"), "{e}");
    }

    #[test]
    fn unknown_path_type_is_kept() {
        let p: PathLike = serde_json::from_str(r#"{"type":"SPIRAL"}"#).unwrap();
        assert!(matches!(p.kind, PathKind::Unknown(ref n) if n == "SPIRAL"));
    }

    #[test]
    fn vector_stroke_defaults() {
        let s: VectorStroke = serde_json::from_str(
            r#"{"thickness":2,"position":"CENTER","fill":{"type":"COLOR","color":{"r":1,"g":0,"b":0,"a":1}}}"#,
        )
        .unwrap();
        assert_eq!(s.miter_limit, 20.0);
        assert_eq!(s.line_join, LineJoin::Miter);
        assert!(s.visible);
    }
}
