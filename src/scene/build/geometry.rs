//! Path objects to outlines.
//!
//! Input: an Octopus `PathLike` (PATH with SVG path data, RECTANGLE with radii, COMPOUND).
//! Output: a tiny-skia [`Path`] in the layer's local space, the path's own transforms applied
//! (children first, then the compound's, as the reference does). Guarantees: the full SVG
//! path grammar is accepted (arcs become cubics); malformed path data is an input error naming
//! the character position; a COMPOUND uses the converter's cached `geometry` when present,
//! else real boolean operations (see `boolean.rs`). Path data is read by `path_data.rs` where
//! it can be (the same outline, faster), by svgtypes otherwise.

use octopus_schema::{BooleanOp, PathKind, PathLike, Rectangle, Transform};
use svgtypes::{SimplePathSegment, SimplifyingPathParser};
use tiny_skia_path::{Path, PathBuilder};

use super::boolean::{apply_boolean, BoolOp};
use super::context::Ctx;
use super::path_data::read_path_data;
use crate::diag::DiagKind;
use crate::error::Result;

/// Kappa for approximating a quarter circle with one cubic.
const KAPPA: f32 = 0.552_284_8;

/// Builds the outline of a path object; `Ok(None)` when it is empty or invisible.
pub(super) fn build_path(ctx: &mut Ctx, p: &PathLike, even_odd: bool) -> Result<Option<Path>> {
    if !p.visible {
        return Ok(None);
    }
    let path = match &p.kind {
        PathKind::Path { geometry, .. } => parse_svg_path(ctx, geometry, "geometry")?,
        PathKind::Rectangle {
            rectangle,
            corner_radii,
        } => rectangle_path(rectangle, corner_radii),
        PathKind::Compound {
            op,
            paths,
            geometry,
        } => compound(ctx, op.as_ref(), paths, geometry.as_deref(), even_odd)?,
        PathKind::Unknown(name) => {
            ctx.report(
                DiagKind::UnknownValue,
                "type",
                format!("unknown path type {name:?}; skipped"),
            );
            None
        }
    };
    Ok(path.and_then(|path| apply_transform(path, &p.transform)))
}

fn apply_transform(path: Path, t: &Transform) -> Option<Path> {
    if *t == Transform::IDENTITY {
        return Some(path);
    }
    path.transform(to_skia(t))
}

/// Converts an Octopus matrix to tiny-skia's.
pub(super) fn to_skia(t: &Transform) -> tiny_skia_path::Transform {
    let [a, b, c, d, e, f] = t.0.map(|v| v as f32);
    tiny_skia_path::Transform::from_row(a, b, c, d, e, f)
}

fn compound(
    ctx: &mut Ctx,
    op: Option<&BooleanOp>,
    paths: &[PathLike],
    cached: Option<&str>,
    even_odd: bool,
) -> Result<Option<Path>> {
    if let (Some(_), Some(geometry)) = (op, cached) {
        return parse_svg_path(ctx, geometry, "geometry");
    }
    let mut children = Vec::with_capacity(paths.len());
    for (i, child) in paths.iter().enumerate() {
        ctx.enter_at("paths", i);
        let built = build_path(ctx, child, even_odd);
        ctx.leave();
        if let Some(path) = built? {
            children.push(path);
        }
    }
    let op = match op {
        None => return Ok(concat(&children)),
        Some(BooleanOp::Union) => BoolOp::Union,
        Some(BooleanOp::Intersect) => BoolOp::Intersect,
        Some(BooleanOp::Subtract) => BoolOp::Subtract,
        Some(BooleanOp::Exclude) => BoolOp::Exclude,
        Some(BooleanOp::Unknown(name)) => {
            ctx.report(
                DiagKind::UnknownValue,
                "op",
                format!("unknown boolean op {name:?}; drawing the paths unmerged"),
            );
            return Ok(concat(&children));
        }
    };
    Ok(apply_boolean(
        op,
        &children,
        even_odd,
        ctx.flatten_tolerance(),
    ))
}

/// Concatenates contours (the compound without `op`).
fn concat(paths: &[Path]) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for p in paths {
        pb.push_path(p);
    }
    pb.finish()
}

/// Parses SVG path data; an empty string is an empty path.
pub(super) fn parse_svg_path(ctx: &mut Ctx, data: &str, field: &str) -> Result<Option<Path>> {
    let mut pb = PathBuilder::new();
    if read_path_data(data, &mut pb).is_some() {
        ctx.count_segments(pb.len())?;
        return Ok(pb.finish());
    }
    // Arcs, smooth curves, exponents or an error: svgtypes reads it all again.
    let mut pb = PathBuilder::new();
    read_with_svgtypes(data, &mut pb)
        .map_err(|e| ctx.invalid(field, format!("malformed path data: {e}")))?;
    ctx.count_segments(pb.len())?;
    Ok(pb.finish())
}

/// Reads path data into `pb` with svgtypes (every form of the grammar, and the errors).
pub(super) fn read_with_svgtypes(
    data: &str,
    pb: &mut PathBuilder,
) -> std::result::Result<(), svgtypes::Error> {
    for seg in SimplifyingPathParser::from(data) {
        match seg? {
            SimplePathSegment::MoveTo { x, y } => pb.move_to(x as f32, y as f32),
            SimplePathSegment::LineTo { x, y } => pb.line_to(x as f32, y as f32),
            SimplePathSegment::Quadratic { x1, y1, x, y } => {
                pb.quad_to(x1 as f32, y1 as f32, x as f32, y as f32)
            }
            SimplePathSegment::CurveTo {
                x1,
                y1,
                x2,
                y2,
                x,
                y,
            } => pb.cubic_to(
                x1 as f32, y1 as f32, x2 as f32, y2 as f32, x as f32, y as f32,
            ),
            SimplePathSegment::ClosePath => pb.close(),
        }
    }
    Ok(())
}

/// A rectangle from two corners with radii `[tl, tr, br, bl]`, scaled down like CSS when
/// adjacent radii exceed a side.
pub(super) fn rectangle_path(r: &Rectangle, radii: &[f64; 4]) -> Option<Path> {
    let (x0, x1) = (r.x0.min(r.x1) as f32, r.x0.max(r.x1) as f32);
    let (y0, y1) = (r.y0.min(r.y1) as f32, r.y0.max(r.y1) as f32);
    let (w, h) = (x1 - x0, y1 - y0);
    if !(w > 0.0 && h > 0.0) {
        return None;
    }
    let mut rad = radii.map(|v| (v.max(0.0) as f32).min(f32::MAX));
    let sides = [(0, 1, w), (1, 2, h), (2, 3, w), (3, 0, h)];
    let scale = sides
        .iter()
        .map(|&(a, b, len)| {
            if rad[a] + rad[b] > len {
                len / (rad[a] + rad[b])
            } else {
                1.0
            }
        })
        .fold(1.0f32, f32::min);
    rad.iter_mut().for_each(|v| *v *= scale);
    let [tl, tr, br, bl] = rad;
    let mut pb = PathBuilder::new();
    pb.move_to(x0 + tl, y0);
    pb.line_to(x1 - tr, y0);
    corner(&mut pb, (x1 - tr, y0), (x1, y0 + tr), (x1, y0), tr);
    pb.line_to(x1, y1 - br);
    corner(&mut pb, (x1, y1 - br), (x1 - br, y1), (x1, y1), br);
    pb.line_to(x0 + bl, y1);
    corner(&mut pb, (x0 + bl, y1), (x0, y1 - bl), (x0, y1), bl);
    pb.line_to(x0, y0 + tl);
    corner(&mut pb, (x0, y0 + tl), (x0 + tl, y0), (x0, y0), tl);
    pb.close();
    pb.finish()
}

/// A quarter-circle corner from `from` to `to` around the square corner `c`.
fn corner(pb: &mut PathBuilder, from: (f32, f32), to: (f32, f32), c: (f32, f32), r: f32) {
    if r <= 0.0 {
        return;
    }
    let c1 = (
        from.0 + (c.0 - from.0) * KAPPA,
        from.1 + (c.1 - from.1) * KAPPA,
    );
    let c2 = (to.0 + (c.0 - to.0) * KAPPA, to.1 + (c.1 - to.1) * KAPPA);
    pb.cubic_to(c1.0, c1.1, c2.0, c2.1, to.0, to.1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_rect_bounds_match_corners() {
        let p = rectangle_path(
            &Rectangle {
                x0: 10.0,
                y0: 20.0,
                x1: 0.0,
                y1: 0.0,
            },
            &[3.0, 0.0, 50.0, 1.0],
        )
        .unwrap();
        let b = p.bounds();
        assert_eq!(
            (b.left(), b.top(), b.right(), b.bottom()),
            (0.0, 0.0, 10.0, 20.0)
        );
    }

    #[test]
    fn degenerate_rectangle_is_empty() {
        assert!(rectangle_path(
            &Rectangle {
                x0: 0.0,
                y0: 0.0,
                x1: 0.0,
                y1: 5.0
            },
            &[0.0; 4]
        )
        .is_none());
    }
}
