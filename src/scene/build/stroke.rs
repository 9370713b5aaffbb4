//! Vector strokes to coverage outlines.
//!
//! Input: an Octopus `VectorStroke` and the shape's body outline (local space). Output: a
//! [`StrokeNode`] whose outline, when filled, is the stroke's coverage. Guarantees: the
//! converter's pre-expanded `path` is used as is when present (Figma); a solid CENTER stroke
//! at most one output pixel wide on closed contours under a transform that keeps circles
//! round becomes [`StrokeGeometry::Thin`] (the renderer offsets the body itself, nothing is
//! stroked or stored here); otherwise the body is stroked geometrically by tiny-skia's
//! stroker with the document's width, caps, joins, miter limit and dashes. INSIDE and
//! OUTSIDE strokes are built twice as wide and centred: the renderer keeps only the inside
//! or outside half by masking with the body (docs/rendering.md §4), which is also what Figma's
//! 2t-wide outlines for those positions require.

use octopus_schema::{LineCap, LineJoin, StrokePosition, StrokeStyle, Transform, VectorStroke};
use tiny_skia_path::{Path, PathStroker, Stroke, StrokeDash};

use super::context::Ctx;
use super::geometry::{build_path, to_skia};
use super::paint::resolve_fill;
use crate::diag::DiagKind;
use crate::error::Result;
use crate::scene::{Origin, StrokeGeometry, StrokeNode, StrokeSide};

/// Default dash patterns in layer units when `dashing` is empty (the reference's choice).
const DASHED_DEFAULT: [f32; 2] = [4.0, 4.0];
const DOTTED_DEFAULT: [f32; 2] = [1.0, 1.0];

/// Builds one stroke; `Ok(None)` when it draws nothing.
pub(super) fn build_stroke(
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
    ctx.enter("fill");
    let paint = resolve_fill(ctx, &s.fill, layer, parent);
    ctx.leave();
    let Some(paint) = paint else { return Ok(None) };
    if let Some(p) = &s.path {
        ctx.enter("path");
        let even_odd = !matches!(s.fill_rule, Some(octopus_schema::FillRule::NonZero));
        let outline = build_path(ctx, p, even_odd);
        ctx.leave();
        return Ok(outline?.map(|outline| StrokeNode {
            geometry: StrokeGeometry::Outline(outline),
            even_odd,
            side,
            paint,
        }));
    }
    let Some(body) = body else { return Ok(None) };
    let geometry = stroke_geometry(ctx, s, body, side, layer);
    Ok(geometry.map(|geometry| StrokeNode {
        geometry,
        even_odd: false,
        side,
        paint,
    }))
}

/// True when some contour of `p` is explicitly closed.
fn is_closed(p: &Path) -> bool {
    p.verbs().contains(&tiny_skia_path::PathVerb::Close)
}

/// True when every contour of `p` is explicitly closed.
fn all_closed(p: &Path) -> bool {
    use tiny_skia_path::PathVerb;
    let mut open = false;
    for v in p.verbs() {
        match v {
            PathVerb::Move if open => return false,
            PathVerb::Move => open = true,
            PathVerb::Close => open = false,
            _ => {}
        }
    }
    !open
}

/// The uniform scale of `t` when it maps circles to circles (rotation, reflection, uniform
/// scale), where a stroke's width is the same in every direction of the output.
fn conformal_scale(t: &Transform) -> Option<f32> {
    let [a, b, c, d, _, _] = t.0;
    let (s1, s2, dot) = (a * a + b * b, c * c + d * d, a * c + b * d);
    let eps = 1e-6 * s1.max(s2);
    ((s1 - s2).abs() <= eps && dot.abs() <= eps && s1 > 0.0).then(|| s1.sqrt() as f32)
}

/// Widest stroke, in output pixels, drawn by offsetting the body ([`StrokeGeometry::Thin`]).
const THIN_MAX_PIXELS: f32 = 1.0;

fn stroke_geometry(
    ctx: &mut Ctx,
    s: &VectorStroke,
    body: &Path,
    side: StrokeSide,
    layer: &Transform,
) -> Option<StrokeGeometry> {
    let stroke = stroke_style(ctx, s, side);
    let device_width = conformal_scale(layer).map(|k| stroke.width * k * ctx.scale());
    let nudge = photoshop_nudge(ctx, body, side, device_width, layer);
    let thin = side == StrokeSide::Center
        && nudge.is_none()
        && stroke.dash.is_none()
        && device_width.is_some_and(|w| w <= THIN_MAX_PIXELS)
        && all_closed(body);
    if thin {
        return Some(StrokeGeometry::Thin {
            width: stroke.width,
            join: stroke.line_join,
            miter_limit: stroke.miter_limit,
        });
    }
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
    source
        .stroke(
            &Stroke {
                dash: None,
                ..stroke
            },
            res,
        )
        .and_then(|outline| match nudge {
            Some((dx, dy)) => outline.transform(tiny_skia_path::Transform::from_translate(dx, dy)),
            None => Some(outline),
        })
        .map(StrokeGeometry::Outline)
}

/// Photoshop draws a centred stroke of an odd number of pixels on a path that lies on the
/// pixel grid whole pixels wide, half a pixel right of and below the path (a 1 px border
/// of a rectangle from x = 25 fills column 25, where centring it would half-fill columns
/// 24 and 25): its own composites in the corpus show this on every such border. For
/// documents from Photoshop, the shift in layer units that does the same; `None` elsewhere.
fn photoshop_nudge(
    ctx: &Ctx,
    body: &Path,
    side: StrokeSide,
    device_width: Option<f32>,
    layer: &Transform,
) -> Option<(f32, f32)> {
    if ctx.opts.origin != Origin::Photoshop || side != StrokeSide::Center {
        return None;
    }
    let w = device_width?;
    if (w.round() as i64) % 2 != 1 || (w - w.round()).abs() >= 1e-3 {
        return None;
    }
    let scale = ctx.scale() as f64;
    let to_device = |p: tiny_skia_path::Point| {
        let (x, y) = layer.apply(p.x as f64, p.y as f64);
        (x * scale, y * scale)
    };
    let on_grid = |v: f64| (v - v.round()).abs() < 1e-3;
    if !body.points().iter().all(|&p| {
        let (x, y) = to_device(p);
        on_grid(x) && on_grid(y)
    }) {
        return None;
    }
    // Half a device pixel along both axes, back in layer units.
    let inv = layer.invert()?;
    let [a, b, c, d, _, _] = inv.0;
    let h = 0.5 / scale;
    Some(((a * h + c * h) as f32, (b * h + d * h) as f32))
}

/// The tiny-skia stroke style of `s` (INSIDE and OUTSIDE strokes twice as wide), reporting
/// values it does not know.
fn stroke_style(ctx: &mut Ctx, s: &VectorStroke, side: StrokeSide) -> Stroke {
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
    stroke
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

#[cfg(test)]
mod tests {
    use crate::scene::{build_scene, BuildOptions, NodeKind, StrokeGeometry};

    /// The geometry of the one stroke of a one-shape document.
    fn geometry(path: &str, stroke: &str, scale: f32) -> StrokeGeometry {
        let json = format!(
            r##"{{"id":"d","type":"OCTOPUS_COMPONENT","version":"3.1.1","dimensions":{{"width":40,"height":40}},
            "content":{{"id":"s","type":"SHAPE","shape":{{"path":{path},
            "strokes":[{{"thickness":0.5,"position":"CENTER","lineJoin":"ROUND",
              "fill":{{"type":"COLOR","color":{{"r":0,"g":0,"b":0,"a":1}}}}{stroke}}}]}}}}}}"##
        );
        let doc = octopus_schema::parse_document(json.as_bytes()).expect("document");
        let opts = BuildOptions {
            scale,
            ..BuildOptions::default()
        };
        let scene = build_scene(&doc, &opts, &crate::NoAssets).expect("scene");
        match &scene.nodes[0].kind {
            NodeKind::Shape(s) => s.strokes[0].geometry.clone(),
            _ => panic!("not a shape"),
        }
    }

    const CLOSED: &str = r#"{"type":"PATH","geometry":"M5 5L30 8L20 30Z"}"#;

    #[test]
    fn hairline_strokes_on_closed_outlines_are_thin() {
        let g = geometry(CLOSED, "", 1.0);
        assert!(
            matches!(g, StrokeGeometry::Thin { width, .. } if width == 0.5),
            "{g:?}"
        );
        // Two output pixels wide at scale 4: stroked.
        let g = geometry(CLOSED, "", 4.0);
        assert!(matches!(g, StrokeGeometry::Outline(_)), "{g:?}");
    }

    #[test]
    fn open_dashed_and_partly_open_strokes_are_stroked() {
        let open = r#"{"type":"PATH","geometry":"M5 5L30 8L20 30"}"#;
        assert!(matches!(
            geometry(open, "", 1.0),
            StrokeGeometry::Outline(_)
        ));
        let dashed = r#","style":"DASHED","dashing":[2,2]"#;
        assert!(matches!(
            geometry(CLOSED, dashed, 1.0),
            StrokeGeometry::Outline(_)
        ));
        let mixed = r#"{"type":"PATH","geometry":"M5 5L30 8L20 30ZM1 1L3 3"}"#;
        assert!(matches!(
            geometry(mixed, "", 1.0),
            StrokeGeometry::Outline(_)
        ));
    }
}
