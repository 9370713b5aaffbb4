//! Layer effects as the renderer reads them: drop and inner shadows, overlays, effect
//! strokes, layer and background blurs.
//!
//! [`Effect`]s come in array order with parameters in design pixels (the renderer scales
//! them to output pixels, unrotated, as the reference does). Built by `build::effect`.

use super::{BlendMode, Paint, StrokeSide};

/// A shadow, in design pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct ShadowEffect {
    /// Offset of the shadow.
    pub offset: (f32, f32),
    /// Gaussian sigma of the blur.
    pub sigma: f32,
    /// Growth (drop) or shrink (inner) of the basis before blurring.
    pub spread: f32,
    /// Non-premultiplied colour.
    pub color: [f32; 4],
    /// Blend onto what is below.
    pub blend: BlendMode,
    /// The basis is the outline (BODY) rather than the painted layer.
    pub body_basis: bool,
}

/// One effect of a node.
#[derive(Debug, Clone)]
pub enum Effect {
    /// A shadow below the layer, knocked out where the layer is.
    DropShadow(ShadowEffect),
    /// A shadow inside the layer, above its fills.
    InnerShadow(ShadowEffect),
    /// The whole layer blurred (Figma layer blur), sigma in design pixels.
    LayerBlur(f32),
    /// What is behind the layer, blurred, shown through it (Figma background blur): drawn
    /// inside the layer's outline before its fills; sigma in design pixels.
    BackgroundBlur(f32),
    /// A fill painted over the layer, clipped by it, above the fills and below the strokes.
    Overlay(Paint),
    /// A raster stroke around the layer's alpha.
    Stroke(StrokeEffect),
}

/// A STROKE effect: a band of `width` along the edge of the basis alpha.
#[derive(Debug, Clone, PartialEq)]
pub struct StrokeEffect {
    /// Width in design pixels.
    pub width: f32,
    /// Which side of the edge.
    pub side: StrokeSide,
    /// Non-premultiplied colour.
    pub color: [f32; 4],
    /// Blend mode.
    pub blend: BlendMode,
}

impl Effect {
    /// How far from a pixel the effect reads to compute it, in design pixels: what its cost
    /// grows with (a background blur paints only inside the layer, but reads this far).
    pub fn extent(&self) -> f32 {
        match self {
            Effect::InnerShadow(s) => {
                s.offset.0.abs().max(s.offset.1.abs()) + 3.0 * s.sigma + s.spread.abs()
            }
            Effect::BackgroundBlur(sigma) => 3.0 * sigma,
            other => other.reach(),
        }
    }

    /// How far outside the layer this effect can paint, in design pixels.
    pub fn reach(&self) -> f32 {
        match self {
            Effect::DropShadow(s) => {
                s.offset.0.abs().max(s.offset.1.abs()) + 3.0 * s.sigma + s.spread.max(0.0)
            }
            Effect::InnerShadow(_) => 0.0,
            Effect::LayerBlur(sigma) => 3.0 * sigma,
            Effect::BackgroundBlur(_) => 0.0,
            Effect::Overlay(_) => 0.0,
            Effect::Stroke(s) => s.width,
        }
    }
}
