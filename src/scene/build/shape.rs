//! Shape layers: body outline, fills and strokes.
//!
//! Input: an Octopus shape and its layer's absolute transform. Output: a [`ShapeNode`] with
//! its object and stroke bounds. Guarantees: a fill on several open subpaths (a Figma vector
//! network) covers the faces its segments enclose while strokes keep the segments; fills and
//! strokes are held in vectors of exact capacity (a map has hundreds of thousands).

use octopus_schema::{FillRule, Shape};

use super::context::Ctx;
use super::geometry::build_path;
use super::paint::resolve_fill;
use super::stroke::build_stroke;
use crate::diag::DiagKind;
use crate::error::Result;
use crate::scene::{Bounds, ShapeNode, StrokeGeometry, StrokeNode, StrokeSide, Transform};

pub(super) fn build_shape(
    ctx: &mut Ctx,
    shape: &Shape,
    abs: &Transform,
    parent: &Transform,
    pass_through: bool,
) -> Result<Option<ShapeNode>> {
    let even_odd = match &shape.fill_rule {
        Some(FillRule::NonZero) => false,
        Some(FillRule::EvenOdd) | None => true,
        Some(FillRule::Unknown(r)) => {
            ctx.report(
                DiagKind::UnknownValue,
                "fillRule",
                format!("unknown fill rule {r:?}; using EVEN_ODD"),
            );
            true
        }
    };
    let body = match &shape.path {
        Some(p) => {
            ctx.enter("path");
            let b = build_path(ctx, p, even_odd);
            ctx.leave();
            b?
        }
        None => None,
    };
    // Exact capacities: a vector grown from empty holds four elements, and a map of 150,000
    // shapes with one fill and one stroke each would carry 120 MB of unused slots.
    let mut fills = Vec::with_capacity(shape.fills.len());
    // Several open subpaths and a fill: a Figma vector network, whose fill covers the faces
    // the segments enclose. Strokes keep the segments themselves.
    let network_faces = match &body {
        Some(p) if !shape.fills.is_empty() && is_network(p) => {
            Some(super::boolean::network_faces(p, ctx.flatten_tolerance()))
        }
        _ => None,
    };
    for (i, f) in shape.fills.iter().enumerate() {
        ctx.enter_at("fills", i);
        fills.extend(resolve_fill(ctx, f, abs, parent));
        ctx.leave();
    }
    let mut strokes = Vec::with_capacity(shape.strokes.len());
    for (i, s) in shape.strokes.iter().enumerate() {
        ctx.enter_at("strokes", i);
        let built = build_stroke(ctx, s, body.as_ref(), abs, parent);
        ctx.leave();
        strokes.extend(built?);
    }
    let body = network_faces.unwrap_or(body);
    let object_bounds = body
        .as_ref()
        .map_or(Bounds::EMPTY, |p| Bounds::of_path(p, abs));
    let stroke_bounds = strokes_bounds(&strokes, &object_bounds, abs);
    Ok(Some(ShapeNode {
        transform: *abs,
        body,
        even_odd,
        fills,
        strokes,
        pass_through,
        object_bounds,
        stroke_bounds,
    }))
}

/// What `strokes` can paint in component space (INSIDE ones only within the body).
pub(super) fn strokes_bounds(
    strokes: &[StrokeNode],
    object_bounds: &Bounds,
    abs: &Transform,
) -> Bounds {
    strokes.iter().fold(Bounds::EMPTY, |b, st| {
        let sb = match &st.geometry {
            StrokeGeometry::Outline(p) => Bounds::of_path(p, abs),
            // Offsets reach at most half the width times the larger of the outer miter
            // limit and the inner one (4) from the outline.
            StrokeGeometry::Thin {
                width, miter_limit, ..
            } => {
                let k = abs.determinant().abs().sqrt();
                object_bounds.outset(0.5 * (*width * miter_limit.max(4.0)) as f64 * k)
            }
        };
        b.union(&if st.side == StrokeSide::Inside {
            sb.intersect(object_bounds)
        } else {
            sb
        })
    })
}

/// Two or more subpaths, none closed: a vector network rather than an outline.
fn is_network(p: &tiny_skia_path::Path) -> bool {
    use tiny_skia_path::PathVerb;
    let verbs = p.verbs();
    !verbs.contains(&PathVerb::Close) && verbs.iter().filter(|v| **v == PathVerb::Move).count() >= 2
}
