//! Resolved paints and blend modes.
//!
//! Input: Octopus fills (COLOR, GRADIENT, IMAGE) and blend-mode names. Output: [`Paint`]s
//! whose geometry is absolute (gradient space → component space) and whose colours are
//! clamped to 0..1, plus the renderer's [`BlendMode`] (PASS_THROUGH removed: it is structure,
//! not a blend function). Image fills carry their decoded bitmap and a unit-square transform
//! with the FILL/FIT layout already applied. Guarantee: anything not representable (unknown
//! types, missing bitmaps) is reported through the builder context and yields no paint.

use std::sync::Arc;

use octopus_schema::{
    BlendMode as SchemaBlend, Color, Fill, FillKind, Gradient, GradientType, ImageFilter,
    ImageFilterType, Layout, Origin, StopInterpolation, Transform,
};

use super::bitmap::Bitmap;
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
            let base = origin_base(ctx, &positioning.origin, layer, parent);
            resolve_gradient(ctx, gradient, base.then_apply_to(&positioning.transform))?
        }
        FillKind::Image {
            image,
            positioning,
            filters,
        } => {
            let base = origin_base(ctx, &positioning.origin, layer, parent);
            let mut bitmap = ctx.bitmap(&image.reference.value)?;
            if image.subsection.is_some() {
                ctx.report(
                    DiagKind::Unsupported,
                    "image.subsection",
                    "image subsection (crop) is not applied".into(),
                );
            }
            let opacity = image_filters(ctx, filters);
            let adjustment = super::adjust::Adjustment::from_filters(filters);
            if !adjustment.is_identity() {
                ctx.report(
                    DiagKind::Approximated,
                    "filters",
                    format!(
                        "image colour adjustment {adjustment:?} applied with standard formulas; \
                         the design tool's exact curves are not published"
                    ),
                );
                bitmap = std::sync::Arc::new(adjustment.apply(&bitmap));
            }
            if let Layout::Unknown(l) = &positioning.layout {
                ctx.report(
                    DiagKind::UnknownValue,
                    "positioning.layout",
                    format!("unknown layout {l:?}; using STRETCH"),
                );
            }
            let unit = layout_transform(&positioning.transform, &positioning.layout, &bitmap);
            let transform = base.then_apply_to(&unit);
            if !transform.is_finite() || transform.invert().is_none() {
                ctx.report(
                    DiagKind::InvalidValue,
                    "positioning.transform",
                    "singular image transform; fill skipped".into(),
                );
                return None;
            }
            PaintKind::Image {
                bitmap,
                transform,
                tile: positioning.layout == Layout::Tile,
                opacity,
            }
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

/// The space `positioning.transform` is relative to.
fn origin_base(ctx: &mut Ctx, origin: &Origin, layer: &Transform, parent: &Transform) -> Transform {
    match origin {
        Origin::Layer => *layer,
        Origin::Parent => *parent,
        Origin::Artboard | Origin::Component => Transform::IDENTITY,
        Origin::Unknown(o) => {
            ctx.report(
                DiagKind::UnknownValue,
                "positioning.origin",
                format!("unknown origin {o:?}; using LAYER"),
            );
            *layer
        }
    }
}

/// FILL (cover) and FIT (contain) keep the bitmap's aspect ratio inside the positioned box
/// by scaling the unit square about its centre (digest §5.3); STRETCH and TILE use it as is.
fn layout_transform(t: &Transform, layout: &Layout, bitmap: &Bitmap) -> Transform {
    let [a, b, c, d, _, _] = t.0;
    let (w, h) = ((a * a + b * b).sqrt(), (c * c + d * d).sqrt());
    let (iw, ih) = (bitmap.width as f64, bitmap.height as f64);
    if w <= 0.0 || h <= 0.0 || iw <= 0.0 || ih <= 0.0 {
        return *t;
    }
    let r = (iw * h) / (ih * w);
    let (sx, sy) = match layout {
        Layout::Fill => (r.max(1.0), (1.0 / r).max(1.0)),
        Layout::Fit => (r.min(1.0), (1.0 / r).min(1.0)),
        _ => return *t,
    };
    let about_centre = Transform([sx, 0.0, 0.0, sy, 0.5 * (1.0 - sx), 0.5 * (1.0 - sy)]);
    t.then_apply_to(&about_centre)
}

/// OPACITY_MULTIPLIER filters multiply (colour adjustments: `adjust.rs`); an unknown filter
/// type is reported and ignored.
fn image_filters(ctx: &mut Ctx, filters: &[ImageFilter]) -> f32 {
    let mut opacity = 1.0f32;
    for (i, f) in filters.iter().enumerate().filter(|(_, f)| f.visible) {
        match &f.kind {
            ImageFilterType::OpacityMultiplier => opacity *= f.opacity.clamp(0.0, 1.0) as f32,
            ImageFilterType::Unknown(kind) => ctx.report(
                DiagKind::UnknownValue,
                &format!("filters[{i}].type"),
                format!("unknown image filter {kind:?}; ignored"),
            ),
            _ => {}
        }
    }
    opacity
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
