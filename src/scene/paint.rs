//! Resolved paints and blend modes, as the renderer reads them.
//!
//! [`Paint`]s have absolute geometry (gradient space → component space) and colours clamped to
//! 0..1; [`BlendMode`] is the renderer's blend function (PASS_THROUGH removed: it is
//! structure, not a blend function). Image paints carry their decoded bitmap and a
//! unit-square transform with the FILL/FIT layout already applied. Built by
//! `build::paint`.

use std::sync::Arc;

use octopus_schema::BlendMode as SchemaBlend;

use super::bitmap::Bitmap;
use super::Transform;

/// A blend function of the W3C compositing model (separable and non-separable).
#[allow(missing_docs, reason = "the variants are the spec's blend mode names")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlendMode {
    Normal,
    Multiply,
    Screen,
    Overlay,
    Darken,
    Lighten,
    ColorDodge,
    ColorBurn,
    LinearBurn,
    LinearDodge,
    LinearLight,
    VividLight,
    PinLight,
    HardMix,
    HardLight,
    SoftLight,
    Difference,
    Exclusion,
    Subtract,
    Divide,
    DarkerColor,
    LighterColor,
    Hue,
    Saturation,
    Color,
    Luminosity,
}

impl BlendMode {
    /// Maps a schema blend mode; PASS_THROUGH and unknown values map to NORMAL (the caller
    /// handles pass-through and reports unknown values).
    pub fn from_schema(m: &SchemaBlend) -> BlendMode {
        use BlendMode as B;
        match m {
            SchemaBlend::Normal | SchemaBlend::PassThrough | SchemaBlend::Unknown(_) => B::Normal,
            SchemaBlend::Multiply => B::Multiply,
            SchemaBlend::Screen => B::Screen,
            SchemaBlend::Overlay => B::Overlay,
            SchemaBlend::Darken => B::Darken,
            SchemaBlend::Lighten => B::Lighten,
            SchemaBlend::ColorDodge => B::ColorDodge,
            SchemaBlend::ColorBurn => B::ColorBurn,
            SchemaBlend::LinearBurn => B::LinearBurn,
            SchemaBlend::LinearDodge => B::LinearDodge,
            SchemaBlend::LinearLight => B::LinearLight,
            SchemaBlend::VividLight => B::VividLight,
            SchemaBlend::PinLight => B::PinLight,
            SchemaBlend::HardMix => B::HardMix,
            SchemaBlend::HardLight => B::HardLight,
            SchemaBlend::SoftLight => B::SoftLight,
            SchemaBlend::Difference => B::Difference,
            SchemaBlend::Exclusion => B::Exclusion,
            SchemaBlend::Subtract => B::Subtract,
            SchemaBlend::Divide => B::Divide,
            SchemaBlend::DarkerColor => B::DarkerColor,
            SchemaBlend::LighterColor => B::LighterColor,
            SchemaBlend::Hue => B::Hue,
            SchemaBlend::Saturation => B::Saturation,
            SchemaBlend::Color => B::Color,
            SchemaBlend::Luminosity => B::Luminosity,
        }
    }
}

/// A paint with its blend mode.
#[derive(Debug, Clone)]
pub struct Paint {
    /// How this paint composites onto what is below it.
    pub blend: BlendMode,
    /// What it paints.
    pub kind: PaintKind,
}

/// What a paint paints.
#[derive(Debug, Clone)]
pub enum PaintKind {
    /// A solid, non-premultiplied colour, channels in 0..1.
    Solid([f32; 4]),
    /// A bitmap.
    Image {
        /// The decoded pixels.
        bitmap: Arc<Bitmap>,
        /// Image unit square → component space, layout (FILL/FIT) applied.
        transform: Transform,
        /// Repeat the unit square (TILE layout) instead of transparent outside it.
        tile: bool,
        /// Product of the OPACITY_MULTIPLIER filters.
        opacity: f32,
    },
    /// A gradient.
    Gradient {
        /// Geometry.
        kind: GradientKind,
        /// Sorted stops, colours non-premultiplied and clamped.
        stops: Vec<GradientStop>,
        /// Gradient space → component space.
        transform: Transform,
        /// The colour space the stops' colours are mixed in.
        space: GradientSpace,
    },
}

/// The colour space a gradient mixes its stops' colours in (alpha always mixes linearly).
/// Photoshop's gradient methods since 2022 name them: Perceptual (its default) mixes in
/// Oklab, Linear in linear light, Classic (every tool before, and Figma, Illustrator and
/// the web) in gamma-encoded sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GradientSpace {
    /// Gamma-encoded sRGB values, channel by channel.
    #[default]
    Srgb,
    /// Oklab (Photoshop's Perceptual method).
    Oklab,
    /// Linear-light sRGB (Photoshop's Linear method).
    LinearSrgb,
}

impl GradientSpace {
    /// Reads `srgb`, `oklab` (or `perceptual`), `linear`; `None` for anything else.
    pub fn from_name(name: &str) -> Option<GradientSpace> {
        match name.trim().to_ascii_lowercase().as_str() {
            "srgb" | "classic" => Some(GradientSpace::Srgb),
            "oklab" | "perceptual" => Some(GradientSpace::Oklab),
            "linear" | "linear-srgb" => Some(GradientSpace::LinearSrgb),
            _ => None,
        }
    }
}

/// Gradient geometry in gradient space (docs/rendering.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradientKind {
    /// `t = x`.
    Linear,
    /// `t = sqrt(x² + y²)`.
    Radial,
    /// `t = fract(atan2(y, x) / 2π)`.
    Angular,
    /// `t = |x| + |y|`.
    Diamond,
}

/// One resolved gradient stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientStop {
    /// Position 0..1.
    pub position: f32,
    /// Non-premultiplied colour.
    pub color: [f32; 4],
    /// Exponent applied towards the next stop: `u^k` (> 0), `1-(1-u)^k` (< 0), linear (0).
    pub power: f32,
}
