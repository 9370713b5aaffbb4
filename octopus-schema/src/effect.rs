//! Layer effects: shadows, blurs, overlays, effect strokes (S: `effects/*.yaml`).
//!
//! Input: the JSON of `Effect`. Output: an [`Effect`] with its base fields and a typed
//! [`EffectKind`]. Guarantee: a known effect missing its payload is an error at that JSON
//! path; an unknown effect type is kept as [`EffectKind::Unknown`] for a diagnostic.

use serde::Deserialize;

use crate::common::{yes, Color, Vec2};
use crate::enums::{BlendMode, EffectBasis, EffectType, UnknownName};
use crate::fill::{normal, Fill, ImageFilter};
use crate::shape::Stroke;

/// An effect on a layer (S: `effects/effect.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawEffect")]
pub struct Effect {
    /// Invisible effects are skipped.
    pub visible: bool,
    /// How the effect composites.
    pub blend_mode: BlendMode,
    /// What the effect is computed from; the spec requires it, the reference defaults to FILL.
    pub basis: Option<EffectBasis>,
    /// The type-specific part.
    pub kind: EffectKind,
}

/// Which blur an effect asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlurKind {
    /// `BLUR` (deprecated alias of GAUSSIAN_BLUR).
    Blur,
    /// `GAUSSIAN_BLUR`: `blur` is the Gaussian sigma.
    Gaussian,
    /// `BOUNDED_BLUR`: `blur` is the radius of a bounded support.
    Bounded,
    /// `BACKGROUND_BLUR`: blur of the backdrop.
    Background,
}

/// The type-specific part of an effect.
#[derive(Debug, Clone)]
pub enum EffectKind {
    /// A fill painted over the layer.
    Overlay(Fill),
    /// A raster, distance-based stroke.
    Stroke(Stroke),
    /// A shadow below the layer.
    DropShadow(Shadow),
    /// A shadow inside the layer.
    InnerShadow(Shadow),
    /// Any blur.
    Blur {
        /// Which blur.
        kind: BlurKind,
        /// Radius or sigma in pixels.
        blur: f64,
        /// Filters applied to the blurred image.
        filters: Vec<ImageFilter>,
    },
    /// OUTER_GLOW / INNER_GLOW of older PSD output (`inner` tells which).
    Glow {
        /// True for INNER_GLOW.
        inner: bool,
        /// The glow parameters as written.
        glow: serde_json::Value,
    },
    /// Effects the format carries but does not describe (PSD bevel, satin).
    Other(serde_json::Value),
    /// An effect type unknown to this crate.
    Unknown(UnknownName),
}

/// Shadow parameters (S: `effects/shadow-config.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Shadow {
    /// Offset in output pixels.
    pub offset: Vec2,
    /// Blur radius.
    pub blur: f64,
    /// Spread (drop) or choke (inner).
    #[serde(default)]
    pub choke: f64,
    /// Shadow colour.
    pub color: Color,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEffect {
    #[serde(rename = "type")]
    kind: EffectType,
    #[serde(default = "yes")]
    visible: bool,
    #[serde(default = "normal")]
    blend_mode: BlendMode,
    #[serde(default)]
    basis: Option<EffectBasis>,
    #[serde(default)]
    overlay: Option<Fill>,
    #[serde(default)]
    stroke: Option<Stroke>,
    #[serde(default)]
    shadow: Option<Shadow>,
    #[serde(default)]
    blur: Option<f64>,
    #[serde(default)]
    filters: Vec<ImageFilter>,
    #[serde(default)]
    glow: Option<serde_json::Value>,
    #[serde(default)]
    other_effect_properties: Option<serde_json::Value>,
}

impl TryFrom<RawEffect> for Effect {
    type Error = String;

    fn try_from(raw: RawEffect) -> Result<Self, String> {
        let blur = |kind: BlurKind, name: &str| -> Result<EffectKind, String> {
            let blur = raw
                .blur
                .ok_or_else(|| format!("a {name} effect needs `blur`"))?;
            Ok(EffectKind::Blur {
                kind,
                blur,
                filters: raw.filters.clone(),
            })
        };
        let kind = match &raw.kind {
            EffectType::Overlay => EffectKind::Overlay(
                raw.overlay
                    .clone()
                    .ok_or("an OVERLAY effect needs `overlay`")?,
            ),
            EffectType::Stroke => {
                EffectKind::Stroke(raw.stroke.clone().ok_or("a STROKE effect needs `stroke`")?)
            }
            EffectType::DropShadow => EffectKind::DropShadow(
                raw.shadow
                    .clone()
                    .ok_or("a DROP_SHADOW effect needs `shadow`")?,
            ),
            EffectType::InnerShadow => EffectKind::InnerShadow(
                raw.shadow
                    .clone()
                    .ok_or("an INNER_SHADOW effect needs `shadow`")?,
            ),
            EffectType::Blur => blur(BlurKind::Blur, "BLUR")?,
            EffectType::GaussianBlur => blur(BlurKind::Gaussian, "GAUSSIAN_BLUR")?,
            EffectType::BoundedBlur => blur(BlurKind::Bounded, "BOUNDED_BLUR")?,
            EffectType::BackgroundBlur => blur(BlurKind::Background, "BACKGROUND_BLUR")?,
            EffectType::OuterGlow | EffectType::InnerGlow => EffectKind::Glow {
                inner: raw.kind == EffectType::InnerGlow,
                glow: raw.glow.clone().unwrap_or(serde_json::Value::Null),
            },
            EffectType::Other => {
                EffectKind::Other(raw.other_effect_properties.clone().unwrap_or_default())
            }
            EffectType::Unknown(name) => EffectKind::Unknown(*name),
        };
        Ok(Effect {
            visible: raw.visible,
            blend_mode: raw.blend_mode,
            basis: raw.basis,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_shadow_parses() {
        let e: Effect = serde_json::from_str(
            r#"{"type":"DROP_SHADOW","basis":"BODY","shadow":{"offset":{"x":0,"y":4},"blur":10,"choke":2,"color":{"r":0,"g":0,"b":0,"a":0.1}}}"#,
        )
        .unwrap();
        assert!(matches!(e.kind, EffectKind::DropShadow(ref s) if s.blur == 10.0));
        assert_eq!(e.basis, Some(EffectBasis::Body));
    }

    #[test]
    fn blur_without_radius_is_an_error() {
        let e = serde_json::from_str::<Effect>(r#"{"type":"BOUNDED_BLUR","basis":"BACKGROUND"}"#)
            .unwrap_err();
        assert!(e.to_string().contains("blur"), "{e}");
    }
}
