//! Vector strokes to coverage outlines.
//!
//! Input: an Octopus `VectorStroke` and the shape's body outline (local space). Output: a
//! [`StrokeNode`] whose outline, when filled, is the stroke's coverage. Guarantees: the
//! converter's pre-expanded `path` is used as is when present (Figma); otherwise the body is
//! stroked geometrically by tiny-skia's stroker with the document's width, caps, joins,
//! miter limit and dashes. INSIDE and OUTSIDE strokes are built twice as wide and centred:
//! the renderer keeps only the inside or outside half by masking with the body (§6 of the
//! digest), which is also what Figma's 2t-wide outlines for those positions require.

use octopus_schema::{LineCap, LineJoin, StrokePosition, StrokeStyle, Transform, VectorStroke};
use tiny_skia_path::{Path, PathStroker, Stroke, StrokeDash};

use super::build::Ctx;
use super::geometry::{build_path, to_skia};
use super::paint::resolve_fill;
use super::{StrokeNode, StrokeSide};
use crate::diag::DiagKind;
use crate::error::Result;

/// Default dash patterns in layer units when `dashing` is empty (the reference's choice).
const DASHED_DEFAULT: [f32; 2] = [4.0, 4.0];
const DOTTED_DEFAULT: [f32; 2] = [1.0, 1.0];

/// Builds one stroke; `Ok(None)` when it draws nothing.
pub fn build_stroke(
    ctx: &mut Ctx,
    s: &VectorStroke,
    body: Option<&Path>,
    layer: &Transform,
    parent: &Transform,
) -> Result<Option<StrokeNode>> {
    if !s.visible || !s.fill.visible || s.thickness.is_nan() || s.thickness <= 0.0 {
        return Ok(None);
    }
    let side = match &s.position {
        StrokePosition::Center => StrokeSide::Center,
        StrokePosition::Inside => StrokeSide::Inside,
        StrokePosition::Outside => StrokeSide::Outside,
        StrokePosition::Unknown(p) => {
            ctx.report(
                DiagKind::UnknownValue,
                "position",
                format!("unknown stroke position {p:?}; using CENTER"),
            );
            StrokeSide::Center
        }
    };
    // Inside and outside need an enclosed area; on open outlines (Figma lines and open
    // vectors) the design tools draw the stroke centred whatever the position says.
    let side = if body.is_some_and(is_closed) {
        side
    } else {
        StrokeSide::Center
    };
    ctx.enter("fill".into());
    let paint = resolve_fill(ctx, &s.fill, layer, parent);
    ctx.leave();
    let Some(paint) = paint else { return Ok(None) };
    if let Some(p) = &s.path {
        ctx.enter("path".into());
        let even_odd = !matches!(s.fill_rule, Some(octopus_schema::FillRule::NonZero));
        let outline = build_path(ctx, p, even_odd);
        ctx.leave();
        return Ok(outline?.map(|outline| StrokeNode {
            outline,
            even_odd,
            side,
            paint,
        }));
    }
    let Some(body) = body else { return Ok(None) };
    let outline = stroke_geometry(ctx, s, body, side, layer);
    Ok(outline.map(|outline| StrokeNode {
        outline,
        even_odd: false,
        side,
        paint,
    }))
}

/// True when some contour of `p` is explicitly closed.
fn is_closed(p: &Path) -> bool {
    p.verbs().contains(&tiny_skia_path::PathVerb::Close)
}

fn stroke_geometry(
    ctx: &mut Ctx,
    s: &VectorStroke,
    body: &Path,
    side: StrokeSide,
    layer: &Transform,
) -> Option<Path> {
    let width = s.thickness as f32 * if side == StrokeSide::Center { 1.0 } else { 2.0 };
    let mut stroke = Stroke {
        width,
        miter_limit: (s.miter_limit as f32).max(1.0),
        line_cap: match &s.line_cap {
            LineCap::Round => tiny_skia_path::LineCap::Round,
            LineCap::Square => tiny_skia_path::LineCap::Square,
            LineCap::Butt => tiny_skia_path::LineCap::Butt,
            LineCap::Unknown(c) => {
                ctx.report(
                    DiagKind::UnknownValue,
                    "lineCap",
                    format!("unknown line cap {c:?}; using BUTT"),
                );
                tiny_skia_path::LineCap::Butt
            }
        },
        line_join: match &s.line_join {
            LineJoin::Round => tiny_skia_path::LineJoin::Round,
            LineJoin::Bevel => tiny_skia_path::LineJoin::Bevel,
            LineJoin::Miter => tiny_skia_path::LineJoin::Miter,
            LineJoin::Unknown(j) => {
                ctx.report(
                    DiagKind::UnknownValue,
                    "lineJoin",
                    format!("unknown line join {j:?}; using MITER"),
                );
                tiny_skia_path::LineJoin::Miter
            }
        },
        dash: None,
    };
    stroke.dash = dash_of(ctx, s);
    // Stroke in layer space (widths are layer units), precise enough for the final scale.
    let res = PathStroker::compute_resolution_scale(&to_skia(layer)) * ctx.scale();
    let res = if res.is_finite() && res > 0.0 {
        res
    } else {
        1.0
    };
    let source = match &stroke.dash {
        Some(dash) => body.dash(dash, res)?,
        None => body.clone(),
    };
    source.stroke(
        &Stroke {
            dash: None,
            ..stroke
        },
        res,
    )
}

fn dash_of(ctx: &mut Ctx, s: &VectorStroke) -> Option<StrokeDash> {
    let default: &[f32] = match &s.style {
        StrokeStyle::Solid => return None,
        StrokeStyle::Dashed => &DASHED_DEFAULT,
        StrokeStyle::Dotted => &DOTTED_DEFAULT,
        StrokeStyle::Unknown(st) => {
            ctx.report(
                DiagKind::UnknownValue,
                "style",
                format!("unknown stroke style {st:?}; drawing solid"),
            );
            return None;
        }
    };
    let mut pattern: Vec<f32> = if s.dashing.is_empty() {
        default.to_vec()
    } else {
        s.dashing.iter().map(|&v| v as f32).collect()
    };
    if pattern.iter().any(|v| !(v.is_finite() && *v >= 0.0)) || pattern.iter().all(|v| *v == 0.0) {
        ctx.report(
            DiagKind::InvalidValue,
            "dashing",
            format!("invalid dash pattern {:?}; drawing solid", s.dashing),
        );
        return None;
    }
    if pattern.len() % 2 == 1 {
        // SVG semantics: an odd list is repeated to make it even.
        pattern.extend_from_within(..);
    }
    StrokeDash::new(pattern, s.dash_offset as f32)
}
