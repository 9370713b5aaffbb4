//! Layers: the common base and the five layer kinds (S: `layers/*.yaml`).
//!
//! Input: the JSON of `Layer`. Output: a [`Layer`] with its common fields and a typed
//! [`LayerKind`]. Guarantees: parsing is flat (no per-level buffering, so deep trees stay
//! linear); a layer missing what its type requires is an error at that JSON path; an unknown
//! layer type is kept as [`LayerKind::Unknown`] so one exotic layer does not abort the document.

use serde::Deserialize;

use crate::common::{one, yes, Dimensions, Transform};
use crate::effect::Effect;
use crate::enums::{BlendMode, LayerType, MaskBasis, UnknownName};
use crate::fill::normal;
use crate::shape::Shape;
use crate::text::Text;

/// A layer (S: `layers/layer.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawLayer")]
pub struct Layer {
    /// Unique id within the document.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Invisible layers (and their subtrees) are not drawn.
    pub visible: bool,
    /// 0..1, applied last.
    pub opacity: f64,
    /// Composite mode; PASS_THROUGH marks non-isolated groups.
    pub blend_mode: BlendMode,
    /// Relative to the parent.
    pub transform: Transform,
    /// Effects in array order.
    pub effects: Vec<Effect>,
    /// Multiplier of effect parameters, cumulative down the tree.
    pub feature_scale: Option<f64>,
    /// Informative metadata (boxed: rarely present, never read when rendering).
    pub meta: Option<Box<LayerMeta>>,
    /// The type-specific part.
    pub kind: LayerKind,
}

/// The type-specific part of a layer.
#[derive(Debug, Clone)]
pub enum LayerKind {
    /// A vector shape.
    Shape(Box<Shape>),
    /// Text.
    Text(Box<Text>),
    /// A group of layers, `layers[0]` at the bottom.
    Group {
        /// Children.
        layers: Vec<Layer>,
    },
    /// A group clipped or masked by `mask`.
    MaskGroup {
        /// The masking layer.
        mask: Box<Layer>,
        /// Which facet of the mask layer masks.
        mask_basis: MaskBasis,
        /// Channel weights `[R, G, B, A, constant]`.
        mask_channels: Box<[f64; 5]>,
        /// Children.
        layers: Vec<Layer>,
    },
    /// An instance of another component of the design.
    ComponentReference {
        /// Manifest id of the referenced component.
        component_id: String,
        /// Targeted changes applied to the referenced component's layers.
        overrides: Vec<Override>,
    },
    /// A layer type unknown to this crate.
    Unknown(UnknownName),
}

/// Informative layer metadata (S: `layers/layer-meta.yaml`); ignored when rendering.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LayerMeta {
    /// Original size of the layer.
    #[serde(default)]
    pub dimensions: Option<Dimensions>,
    /// True on the root of an artboard.
    #[serde(default)]
    pub is_artboard: Option<bool>,
}

/// An override of a component reference (S: `overrides/override.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Override {
    /// Path of layer ids inside the referenced component.
    pub target: Vec<String>,
    /// Changes applied to the target.
    pub changes: Vec<Change>,
}

/// One change of an override (S: `overrides/change.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// What is changed: LAYER, SHAPE, TEXT, FILL, STROKE, ...
    pub subject: String,
    /// PROPERTY_CHANGE, INSERT, REPLACE or REMOVE.
    pub op: String,
    /// Index into fills / strokes / effects.
    #[serde(default)]
    pub index: Option<usize>,
    /// Index into an element's filters.
    #[serde(default)]
    pub filter_index: Option<usize>,
    /// The new values, keyed as in the spec's `ChangeValues`.
    #[serde(default)]
    pub values: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLayer {
    id: String,
    #[serde(rename = "type")]
    kind: LayerType,
    #[serde(default)]
    name: Option<String>,
    #[serde(default = "yes")]
    visible: bool,
    #[serde(default = "one")]
    opacity: f64,
    #[serde(default = "normal")]
    blend_mode: BlendMode,
    #[serde(default)]
    transform: Transform,
    #[serde(default, deserialize_with = "crate::common::compact")]
    effects: Vec<Effect>,
    #[serde(default)]
    feature_scale: Option<f64>,
    #[serde(default)]
    meta: Option<Box<LayerMeta>>,
    #[serde(default)]
    shape: Option<Box<Shape>>,
    #[serde(default)]
    text: Option<Box<Text>>,
    #[serde(default)]
    layers: Option<Vec<Layer>>,
    #[serde(default)]
    mask: Option<Box<Layer>>,
    #[serde(default)]
    mask_basis: Option<MaskBasis>,
    #[serde(default)]
    mask_channels: Option<[f64; 5]>,
    #[serde(default)]
    component_id: Option<String>,
    #[serde(default)]
    overrides: Vec<Override>,
}

impl TryFrom<RawLayer> for Layer {
    type Error = String;

    fn try_from(raw: RawLayer) -> Result<Self, String> {
        if raw.id.is_empty() {
            return Err("a layer `id` must not be empty".into());
        }
        let layers = raw.layers.map(|mut l| {
            l.shrink_to_fit();
            l
        });
        // The error names the layer id itself (found from the JSON path).
        let need = |what: &str| format!("a {} layer needs `{what}`", raw.kind);
        let kind = match raw.kind {
            LayerType::Shape => LayerKind::Shape(raw.shape.ok_or_else(|| need("shape"))?),
            LayerType::Text => LayerKind::Text(raw.text.ok_or_else(|| need("text"))?),
            LayerType::Group => LayerKind::Group {
                layers: layers.ok_or_else(|| need("layers"))?,
            },
            LayerType::MaskGroup => LayerKind::MaskGroup {
                mask: raw.mask.ok_or_else(|| need("mask"))?,
                mask_basis: raw.mask_basis.ok_or_else(|| need("maskBasis"))?,
                mask_channels: Box::new(raw.mask_channels.unwrap_or([0.0, 0.0, 0.0, 1.0, 0.0])),
                layers: layers.ok_or_else(|| need("layers"))?,
            },
            LayerType::ComponentReference => LayerKind::ComponentReference {
                component_id: raw.component_id.ok_or_else(|| need("componentId"))?,
                overrides: raw.overrides,
            },
            LayerType::Unknown(name) => LayerKind::Unknown(name),
        };
        Ok(Layer {
            id: raw.id,
            name: raw.name,
            visible: raw.visible,
            opacity: raw.opacity,
            blend_mode: raw.blend_mode,
            transform: raw.transform,
            effects: raw.effects,
            feature_scale: raw.feature_scale,
            meta: raw.meta,
            kind,
        })
    }
}

impl Layer {
    /// The layer's type as written in the document.
    pub fn type_name(&self) -> &str {
        match &self.kind {
            LayerKind::Shape(_) => "SHAPE",
            LayerKind::Text(_) => "TEXT",
            LayerKind::Group { .. } => "GROUP",
            LayerKind::MaskGroup { .. } => "MASK_GROUP",
            LayerKind::ComponentReference { .. } => "COMPONENT_REFERENCE",
            LayerKind::Unknown(name) => name.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_group_defaults_channels_to_alpha() {
        let l: Layer = serde_json::from_str(
            r#"{"id":"m","type":"MASK_GROUP","maskBasis":"BODY","layers":[],
                "mask":{"id":"s","type":"SHAPE","shape":{}}}"#,
        )
        .unwrap();
        match l.kind {
            LayerKind::MaskGroup { mask_channels, .. } => {
                assert_eq!(*mask_channels, [0.0, 0.0, 0.0, 1.0, 0.0])
            }
            _ => panic!("not a mask group"),
        }
    }

    #[test]
    fn missing_payload_names_type_field_and_id_once() {
        let json = br#"{"id":"d","content":{"id":"x1","type":"SHAPE"}}"#;
        let e = crate::parse_document(json).unwrap_err();
        assert_eq!(e.layer_id.as_deref(), Some("x1"));
        let msg = e.to_string();
        assert!(msg.contains("SHAPE") && msg.contains("`shape`"), "{msg}");
        assert_eq!(msg.matches("x1").count(), 1, "{msg}");
    }

    #[test]
    fn unknown_layer_type_is_kept() {
        let l: Layer = serde_json::from_str(r#"{"id":"z","type":"HOLOGRAM"}"#).unwrap();
        assert_eq!(l.type_name(), "HOLOGRAM");
    }
}
