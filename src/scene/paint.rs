//! Resolved paints and blend modes.
//!
//! Input: Octopus fills (COLOR, GRADIENT, IMAGE) and blend-mode names. Output: [`Paint`]s
//! whose geometry is absolute (gradient space → component space) and whose colours are
//! clamped to 0..1, plus the renderer's [`BlendMode`] (PASS_THROUGH removed: it is structure,
//! not a blend function). Guarantee: anything not representable (unknown types, image fills
//! until bitmaps land) is reported through the builder context and yields no paint.

use octopus_schema::{
    BlendMode as SchemaBlend, Color, Fill, FillKind, Gradient, GradientType, Origin,
    StopInterpolation, Transform,
};

use super::build::Ctx;
use crate::diag::DiagKind;

/// A blend function of the W3C compositing model (separable and non-separable).
#[allow(missing_docs)]
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
    /// A gradient.
    Gradient {
        /// Geometry.
        kind: GradientKind,
        /// Sorted stops, colours non-premultiplied and clamped.
        stops: Vec<GradientStop>,
        /// Gradient space → component space.
        transform: Transform,
    },
}

/// Gradient geometry in gradient space (see the digest §5.2).
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

/// Clamps a document colour to 0..1 (NaN is impossible from JSON).
pub fn color_of(c: &Color) -> [f32; 4] {
    [c.r, c.g, c.b, c.a].map(|v| v.clamp(0.0, 1.0) as f32)
}

/// Resolves a blend mode, reporting unknown values and PASS_THROUGH where it is invalid
/// (on fills, strokes and effects it is not a blend function).
pub fn resolve_blend(
    ctx: &mut Ctx,
    m: &SchemaBlend,
    field: &str,
    allow_pass_through: bool,
) -> BlendMode {
    match m {
        SchemaBlend::Unknown(name) => ctx.report(
            DiagKind::UnknownValue,
            field,
            format!("unknown blend mode {name:?}; using NORMAL"),
        ),
        SchemaBlend::PassThrough if !allow_pass_through => ctx.report(
            DiagKind::InvalidValue,
            field,
            "PASS_THROUGH is only valid on layers; using NORMAL".into(),
        ),
        _ => {}
    }
    BlendMode::from_schema(m)
}

/// Resolves one fill into a paint; `None` when it draws nothing or cannot be drawn.
/// `layer` and `parent` are the absolute transforms positioning origins refer to.
pub fn resolve_fill(
    ctx: &mut Ctx,
    fill: &Fill,
    layer: &Transform,
    parent: &Transform,
) -> Option<Paint> {
    if !fill.visible {
        return None;
    }
    let blend = resolve_blend(ctx, &fill.blend_mode, "blendMode", false);
    let kind = match &fill.kind {
        FillKind::Color(c) => PaintKind::Solid(color_of(c)),
        FillKind::Gradient {
            gradient,
            positioning,
        } => {
            let base = match positioning.origin {
                Origin::Layer | Origin::Unknown(_) => layer,
                Origin::Parent => parent,
                Origin::Artboard | Origin::Component => &Transform::IDENTITY,
            };
            if let Origin::Unknown(o) = &positioning.origin {
                ctx.report(
                    DiagKind::UnknownValue,
                    "positioning.origin",
                    format!("unknown origin {o:?}; using LAYER"),
                );
            }
            resolve_gradient(ctx, gradient, base.then_apply_to(&positioning.transform))?
        }
        FillKind::Image { image, .. } => {
            ctx.report(
                DiagKind::Unsupported,
                "",
                format!(
                    "IMAGE fill ({:?}) is not rendered yet; skipped",
                    image.reference.value
                ),
            );
            return None;
        }
        FillKind::Unknown(name) => {
            ctx.report(
                DiagKind::UnknownValue,
                "type",
                format!("unknown fill type {name:?}; skipped"),
            );
            return None;
        }
    };
    Some(Paint { blend, kind })
}

fn resolve_gradient(ctx: &mut Ctx, g: &Gradient, transform: Transform) -> Option<PaintKind> {
    let kind = match &g.kind {
        GradientType::Linear => GradientKind::Linear,
        GradientType::Radial => GradientKind::Radial,
        GradientType::Angular => GradientKind::Angular,
        GradientType::Diamond => GradientKind::Diamond,
        GradientType::Unknown(name) => {
            ctx.report(
                DiagKind::UnknownValue,
                "gradient.type",
                format!("unknown gradient type {name:?}; skipped"),
            );
            return None;
        }
    };
    let mut stops: Vec<GradientStop> = g
        .stops
        .iter()
        .map(|s| GradientStop {
            position: s.position.clamp(0.0, 1.0) as f32,
            color: color_of(&s.color),
            power: match s.interpolation {
                StopInterpolation::Power if s.interpolation_parameter > 0.0 => {
                    s.interpolation_parameter as f32
                }
                StopInterpolation::ReversePower if s.interpolation_parameter > 0.0 => {
                    -(s.interpolation_parameter as f32)
                }
                _ => 0.0,
            },
        })
        .collect();
    if stops.is_empty() {
        ctx.report(
            DiagKind::InvalidValue,
            "gradient.stops",
            "gradient without stops; skipped".into(),
        );
        return None;
    }
    // The spec assumes sorted stops; a stable sort keeps equal positions in document order.
    stops.sort_by(|a, b| a.position.total_cmp(&b.position));
    if !transform.is_finite() || transform.invert().is_none() {
        // A degenerate gradient space has no defined colour per point: paint the first stop.
        ctx.report(
            DiagKind::InvalidValue,
            "positioning.transform",
            "singular gradient transform; painting the first stop".into(),
        );
        return Some(PaintKind::Solid(stops[0].color));
    }
    Some(PaintKind::Gradient {
        kind,
        stops,
        transform,
    })
}
