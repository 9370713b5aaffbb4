//! Boolean operations on outlines (COMPOUND paths without cached geometry).
//!
//! Input: child outlines in local space, the operation, the leaf fill rule and a flattening
//! tolerance. Output: one outline of straight segments. Guarantee: the reference's left fold
//! (`result = op(result, child_i)` over visible children) computed exactly on polygons by
//! i_overlay; curves are flattened first within `tolerance`.

use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::single::SingleFloatOverlay;
use i_overlay::float::slice::FloatSlice;
use octopus_schema::Transform;
use tiny_skia_path::{Path, PathBuilder};

use crate::scene::flatten::{flatten, Polylines};

/// A boolean operation of a COMPOUND path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BoolOp {
    /// Area in either.
    Union,
    /// Area in both.
    Intersect,
    /// Area in the first but not the second.
    Subtract,
    /// Area in exactly one.
    Exclude,
}

type Contours = Vec<Vec<[f64; 2]>>;

fn contours_of(path: &Path, tolerance: f32) -> Contours {
    let mut poly = Polylines::default();
    flatten(path, &Transform::IDENTITY, tolerance, &mut poly);
    poly.contours()
        .map(|c| c.iter().map(|p| [p[0] as f64, p[1] as f64]).collect())
        .collect()
}

/// Folds `op` over `children` left to right; `None` when the result is empty.
pub(super) fn apply_boolean(
    op: BoolOp,
    children: &[Path],
    even_odd: bool,
    tolerance: f32,
) -> Option<Path> {
    let (first, rest) = children.split_first()?;
    let rule = match op {
        BoolOp::Union => OverlayRule::Union,
        BoolOp::Intersect => OverlayRule::Intersect,
        BoolOp::Subtract => OverlayRule::Difference,
        BoolOp::Exclude => OverlayRule::Xor,
    };
    let fill = if even_odd {
        FillRule::EvenOdd
    } else {
        FillRule::NonZero
    };
    let mut acc = contours_of(first, tolerance);
    // A single child still goes through the engine so its fill rule is resolved the same way.
    if rest.is_empty() {
        acc = flatten_shapes(acc.overlay(&Contours::new(), OverlayRule::Subject, fill));
    }
    for child in rest {
        let clip = contours_of(child, tolerance);
        acc = flatten_shapes(acc.overlay(&clip, rule, fill));
        // After the first operation contours are simple and consistently oriented, so the
        // fill rule no longer matters; keep using the leaf rule for the next clip operand.
    }
    to_path(&acc)
}

/// The regions enclosed by a network of open segments (Figma vector networks fill the faces
/// their segments enclose, not each subpath closed on itself): the plane around the segments
/// is cut by them, and every piece that does not reach the outside is kept.
pub(super) fn network_faces(path: &Path, tolerance: f32) -> Option<Path> {
    let mut poly = Polylines::default();
    crate::scene::flatten::flatten_lines(path, &Transform::IDENTITY, tolerance, &mut poly);
    let lines: Vec<Vec<[f64; 2]>> = poly
        .contours()
        .map(|c| c.iter().map(|p| [p[0] as f64, p[1] as f64]).collect())
        .collect();
    let b = path.bounds();
    let pad = 8.0 + 0.01 * (b.width() + b.height()) as f64;
    let (x0, y0, x1, y1) = (
        b.left() as f64 - pad,
        b.top() as f64 - pad,
        b.right() as f64 + pad,
        b.bottom() as f64 + pad,
    );
    let frame = vec![[x0, y0], [x0, y1], [x1, y1], [x1, y0]];
    let pieces = frame.slice_by(&lines, FillRule::NonZero);
    let near_frame = |p: &[f64; 2]| {
        (p[0] - x0).abs() < 1e-6
            || (p[0] - x1).abs() < 1e-6
            || (p[1] - y0).abs() < 1e-6
            || (p[1] - y1).abs() < 1e-6
    };
    let inner: Contours = pieces
        .into_iter()
        .filter(|shape| {
            shape
                .first()
                .is_some_and(|outer| !outer.iter().any(near_frame))
        })
        .flatten()
        .collect();
    to_path(&inner)
}

fn flatten_shapes(shapes: Vec<Vec<Vec<[f64; 2]>>>) -> Contours {
    shapes.into_iter().flatten().collect()
}

fn to_path(contours: &Contours) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for c in contours.iter().filter(|c| c.len() >= 3) {
        pb.move_to(c[0][0] as f32, c[0][1] as f32);
        for p in &c[1..] {
            pb.line_to(p[0] as f32, p[1] as f32);
        }
        pb.close();
    }
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiny_skia_path::Rect;

    fn rect(x: f32, y: f32, w: f32, h: f32) -> Path {
        PathBuilder::from_rect(Rect::from_xywh(x, y, w, h).unwrap())
    }

    fn area(p: &Path) -> f64 {
        let mut poly = Polylines::default();
        flatten(p, &Transform::IDENTITY, 0.1, &mut poly);
        poly.contours()
            .map(|c| {
                let n = c.len();
                (0..n)
                    .map(|i| {
                        let (a, b) = (c[i], c[(i + 1) % n]);
                        (a[0] as f64) * (b[1] as f64) - (b[0] as f64) * (a[1] as f64)
                    })
                    .sum::<f64>()
                    / 2.0
            })
            .sum::<f64>()
            .abs()
    }

    #[test]
    fn operations_have_expected_areas() {
        let a = rect(0.0, 0.0, 10.0, 10.0);
        let b = rect(5.0, 5.0, 10.0, 10.0);
        let two = [a.clone(), b.clone()];
        assert!(
            (area(&apply_boolean(BoolOp::Union, &two, false, 0.1).unwrap()) - 175.0).abs() < 1e-3
        );
        assert!(
            (area(&apply_boolean(BoolOp::Intersect, &two, false, 0.1).unwrap()) - 25.0).abs()
                < 1e-3
        );
        assert!(
            (area(&apply_boolean(BoolOp::Subtract, &two, false, 0.1).unwrap()) - 75.0).abs() < 1e-3
        );
        assert!(apply_boolean(
            BoolOp::Intersect,
            &[a, rect(20.0, 20.0, 1.0, 1.0)],
            false,
            0.1
        )
        .is_none());
    }
}
