//! Fills: COLOR, GRADIENT and IMAGE, their positioning and image filters.
//!
//! Input: the JSON of `Fill` (S: `fills/*.yaml`) and `ImageFilter`. Output: a [`Fill`] whose
//! [`FillKind`] carries exactly what its type requires. Guarantee: a fill missing a field its
//! type requires is an error at that JSON path; an unknown fill type is kept as
//! [`FillKind::Unknown`] so the renderer can report it and carry on.

use serde::Deserialize;

use crate::common::{one, yes, Color, Rectangle, Transform};
use crate::enums::{
    BlendMode, FillType, GradientType, ImageFilterType, ImageRefType, Layout, Origin,
    StopInterpolation, UnknownName,
};

/// A fill (S: `fills/fill.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawFill")]
pub struct Fill {
    /// Invisible fills are skipped.
    pub visible: bool,
    /// How this fill composites onto the fills below it.
    pub blend_mode: BlendMode,
    /// The type-specific part.
    pub kind: FillKind,
}

/// The type-specific part of a fill.
#[derive(Debug, Clone)]
pub enum FillKind {
    /// A solid colour.
    Color(Color),
    /// A gradient placed by `positioning`.
    Gradient {
        /// Geometry and stops.
        gradient: Box<Gradient>,
        /// Gradient space to layer space.
        positioning: Box<Positioning>,
    },
    /// A bitmap placed by `positioning`.
    Image {
        /// Which bitmap.
        image: Box<Image>,
        /// Image unit square to layer space, plus layout.
        positioning: Box<Positioning>,
        /// Filters applied to the image, in order.
        filters: Vec<ImageFilter>,
    },
    /// A fill type unknown to this crate.
    Unknown(UnknownName),
}

/// Gradient geometry and colour stops (S: `fills/fill-gradient.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Gradient {
    /// LINEAR, RADIAL, ANGULAR or DIAMOND.
    #[serde(rename = "type")]
    pub kind: GradientType,
    /// Stops, assumed sorted by position.
    pub stops: Vec<ColorStop>,
}

/// One gradient stop (S: `fills/color-stop.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColorStop {
    /// Position along the gradient, 0..1.
    pub position: f64,
    /// Colour at this stop.
    pub color: Color,
    /// Interpolation towards the next stop.
    #[serde(default = "linear")]
    pub interpolation: StopInterpolation,
    /// Exponent for POWER / REVERSE_POWER.
    #[serde(default)]
    pub interpolation_parameter: f64,
}

fn linear() -> StopInterpolation {
    StopInterpolation::Linear
}

/// Placement of a gradient or image (S: `fills/fill-positioning.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Positioning {
    /// FILL, FIT, TILE or STRETCH.
    pub layout: Layout,
    /// The space `transform` is relative to.
    pub origin: Origin,
    /// Unit square (image) or gradient space to `origin` space.
    #[serde(default)]
    pub transform: Transform,
}

/// A bitmap reference (S: `common/image.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Image {
    /// Key of the bitmap.
    #[serde(rename = "ref")]
    pub reference: ImageRef,
    /// Crop rectangle (units unspecified by the spec).
    #[serde(default)]
    pub subsection: Option<Rectangle>,
}

/// How a bitmap is named (S: `common/image-ref.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct ImageRef {
    /// PATH or RESOURCE_REF.
    #[serde(rename = "type")]
    pub kind: ImageRefType,
    /// The key, used verbatim to look the asset up.
    pub value: String,
}

/// An image filter (S: `effects/image-filter.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageFilter {
    /// Which filter.
    #[serde(rename = "type")]
    pub kind: ImageFilterType,
    /// Invisible filters are skipped.
    #[serde(default = "yes")]
    pub visible: bool,
    /// OPACITY_MULTIPLIER factor.
    #[serde(default = "one")]
    pub opacity: f64,
    /// XD_BRIGHTNESS_ADJUSTMENT value.
    #[serde(default)]
    pub brightness: Option<f64>,
    /// Colour-adjustment parameters (Figma / Sketch), by name.
    #[serde(default)]
    pub color_adjustment: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFill {
    #[serde(rename = "type")]
    kind: FillType,
    #[serde(default = "yes")]
    visible: bool,
    #[serde(default = "normal")]
    blend_mode: BlendMode,
    #[serde(default)]
    color: Option<Color>,
    #[serde(default)]
    gradient: Option<Gradient>,
    #[serde(default)]
    image: Option<Image>,
    #[serde(default)]
    positioning: Option<Positioning>,
    #[serde(default)]
    filters: Vec<ImageFilter>,
}

pub(crate) fn normal() -> BlendMode {
    BlendMode::Normal
}

impl TryFrom<RawFill> for Fill {
    type Error = String;

    fn try_from(raw: RawFill) -> Result<Self, String> {
        let kind = match raw.kind {
            FillType::Color => FillKind::Color(raw.color.ok_or("a COLOR fill needs `color`")?),
            // Boxed: a colour fill (most of them) then takes a quarter of the memory.
            FillType::Gradient => FillKind::Gradient {
                gradient: Box::new(raw.gradient.ok_or("a GRADIENT fill needs `gradient`")?),
                positioning: Box::new(
                    raw.positioning
                        .ok_or("a GRADIENT fill needs `positioning`")?,
                ),
            },
            FillType::Image => FillKind::Image {
                image: Box::new(raw.image.ok_or("an IMAGE fill needs `image`")?),
                positioning: Box::new(raw.positioning.ok_or("an IMAGE fill needs `positioning`")?),
                filters: raw.filters,
            },
            FillType::Unknown(name) => FillKind::Unknown(name),
        };
        Ok(Fill {
            visible: raw.visible,
            blend_mode: raw.blend_mode,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psd_style_color_fill_gets_defaults() {
        let f: Fill =
            serde_json::from_str(r#"{"type":"COLOR","color":{"r":0.1,"g":0.4,"b":0.7,"a":1}}"#)
                .unwrap();
        assert!(f.visible);
        assert_eq!(f.blend_mode, BlendMode::Normal);
        assert!(matches!(f.kind, FillKind::Color(c) if c.g == 0.4));
    }

    #[test]
    fn gradient_without_positioning_is_an_error() {
        let e = serde_json::from_str::<Fill>(
            r#"{"type":"GRADIENT","gradient":{"type":"LINEAR","stops":[]}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("positioning"), "{e}");
    }

    #[test]
    fn unknown_fill_type_is_kept() {
        let f: Fill = serde_json::from_str(r#"{"type":"NOISE"}"#).unwrap();
        assert!(matches!(f.kind, FillKind::Unknown(ref n) if n == "NOISE"));
    }
}
