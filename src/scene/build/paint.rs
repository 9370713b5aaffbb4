//! Fills and blend-mode names resolved to paints.
//!
//! Input: Octopus fills (COLOR, GRADIENT, IMAGE) and blend-mode names. Output: [`Paint`]s
//! (see `scene::paint`). Guarantee: anything not representable (unknown types, missing
//! bitmaps) is reported through the builder context and yields no paint.

use octopus_schema::{
    BlendMode as SchemaBlend, Color, Fill, FillKind, Gradient, GradientType, ImageFilter,
    ImageFilterType, Layout, Origin, Rectangle, StopInterpolation,
};
use std::sync::Arc;

use super::context::Ctx;
use crate::diag::DiagKind;
use crate::scene::{Bitmap, BlendMode, GradientKind, GradientStop, Paint, PaintKind, Transform};

/// Clamps a document colour to 0..1 (NaN is impossible from JSON).
pub(super) fn color_of(c: &Color) -> [f32; 4] {
    [c.r, c.g, c.b, c.a].map(|v| v.clamp(0.0, 1.0) as f32)
}

/// Resolves a blend mode, reporting unknown values and PASS_THROUGH where it is invalid
/// (on fills, strokes and effects it is not a blend function).
pub(super) fn resolve_blend(
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
pub(super) fn resolve_fill(
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
            if let octopus_schema::ImageRefType::Unknown(t) = &image.reference.kind {
                ctx.report(
                    DiagKind::UnknownValue,
                    "image.ref.type",
                    format!(
                        "unknown image reference type {:?}; its value is looked up as a resource",
                        t.as_str()
                    ),
                );
            }
            let mut bitmap = ctx.bitmap(&image.reference.value)?;
            if let Some(r) = &image.subsection {
                bitmap = subsection(ctx, bitmap, r)?;
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
/// by scaling the unit square about its centre (docs/rendering.md §3.3); STRETCH and TILE use it as is.
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

/// The part of `bitmap` a `subsection` selects, in image pixels (the spec leaves the unit
/// open; pixels is what a crop rectangle of an image means everywhere else), rounded to
/// whole pixels and clamped to the image. Selecting nothing skips the fill, reported.
fn subsection(ctx: &mut Ctx, bitmap: Arc<Bitmap>, r: &Rectangle) -> Option<Arc<Bitmap>> {
    let px = |v: f64, max: u32| {
        if v.is_finite() {
            v.round().clamp(0.0, max as f64) as u32
        } else {
            0
        }
    };
    let (w, h) = (bitmap.width, bitmap.height);
    let (x0, x1) = (px(r.x0.min(r.x1), w), px(r.x0.max(r.x1), w));
    let (y0, y1) = (px(r.y0.min(r.y1), h), px(r.y0.max(r.y1), h));
    if (x0, y0, x1, y1) == (0, 0, w, h) {
        return Some(bitmap);
    }
    match bitmap.crop(x0, y0, x1, y1) {
        Some(b) => Some(Arc::new(b)),
        None => {
            ctx.report(
                DiagKind::InvalidValue,
                "image.subsection",
                format!("the subsection selects no pixel of the {w} x {h} image; fill skipped"),
            );
            None
        }
    }
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
    let mut unknown_interpolation: Option<String> = None;
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
                StopInterpolation::Unknown(v) => {
                    unknown_interpolation.get_or_insert_with(|| v.as_str().to_owned());
                    0.0
                }
                _ => 0.0,
            },
        })
        .collect();
    if let Some(v) = unknown_interpolation {
        ctx.report(
            DiagKind::UnknownValue,
            "gradient.stops",
            format!("unknown stop interpolation {v:?}; read as LINEAR"),
        );
    }
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
        space: ctx.gradient_space(),
    })
}
