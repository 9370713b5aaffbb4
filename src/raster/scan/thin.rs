//! Thin strokes: the coverage outline of a centred stroke on closed polylines, by offsetting.
//!
//! Input: closed contours in device space (a shape's flattened body), the stroke's half width
//! in device pixels and its join. Output: closed [`Polylines`] that, filled with the
//! non-zero rule, cover the stroke: per contour the outline offset to one side, followed by
//! the outline offset to the other side in reverse order. The outer side of each vertex is
//! joined as the stroke asks (miter within its limit, else bevel; round as chords that cut
//! at most 1/100 px² off the arc); the inner side meets at the offset edges' intersection.
//!
//! Why: a stroke at most about one output pixel wide (maps, charts, hairline borders) is
//! where a general stroker spends the most for the least: tiny-skia's stroker builds round
//! joins and caps out of curves that the rasteriser then flattens again, several times the
//! edges of the body itself. Offsetting the body's own flattened outline gives two edges per
//! body edge, and no self-overlap at inner corners (a general stroker pivots through the
//! vertex there, and an area rasteriser counts such overlaps twice within the pixel: inner
//! corners came out up to 12/255 too dark). Guarantees: exact for straight parts and miter
//! and bevel joins, round joins within the chords' tolerance; the result depends only on the
//! input points, so bands and threads agree. Where a contour turns back within the stroke
//! width the offsets overlap, counted as the rasteriser counts any self-overlap.

use crate::scene::flatten::Polylines;

/// How the outer side of a vertex is joined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Join {
    /// Mitred up to the limit (miter length over stroke width), bevelled beyond.
    Miter(f32),
    /// An arc, as chords cutting at most [`ARC_AREA`] off it.
    Round,
    /// Straight across.
    Bevel,
}

/// Limit of the inner side's miter: beyond it (turns sharper than ~150°) the inner side is
/// bevelled too, which folds back inside the stroke instead of reaching far along a spike.
const INNER_LIMIT: f32 = 4.0;

/// Working memory of [`outline`], reusable from call to call.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    pts: Vec<[f32; 2]>,
    normals: Vec<[f32; 2]>,
    left: Vec<[f32; 2]>,
    right: Vec<[f32; 2]>,
}

/// Offsets every contour of `body` by `half` to both sides, appending to `out`; see the
/// module documentation.
pub(crate) fn outline(
    body: &Polylines,
    half: f32,
    join: Join,
    buf: &mut Buffers,
    out: &mut Polylines,
) {
    let Buffers {
        pts,
        normals,
        left,
        right,
    } = buf;
    for contour in body.contours() {
        distinct(contour, pts);
        if pts.len() < 2 {
            continue;
        }
        left.clear();
        right.clear();
        // normals[i]: of the edge from point i to the next (the last one closes the contour).
        normals.clear();
        normals.extend(pts.windows(2).map(|e| unit_normal(e[0], e[1])));
        normals.push(unit_normal(pts[pts.len() - 1], pts[0]));
        let mut u0 = normals[normals.len() - 1];
        for (&p, &u1) in pts.iter().zip(normals.iter()) {
            // A left turn (positive cross product) makes the left side the inner one.
            let left_turn = u0[0] * u1[1] - u0[1] * u1[0] > 0.0;
            vertex_pair(Corner::new(p, u0, u1, half), join, !left_turn, left, right);
            u0 = u1;
        }
        // One side in order, then the other side reversed: a ring of winding ±1.
        out.starts.push(out.points.len());
        out.points.extend_from_slice(left);
        out.starts.push(out.points.len());
        out.points.extend(right.iter().rev());
    }
}

/// One side of a vertex: the vertex `p`, the unit normals `a` (incoming edge) and `b`
/// (outgoing) on that side, their cosine, and the stroke's half width.
#[derive(Clone, Copy)]
struct Corner {
    p: [f32; 2],
    a: [f32; 2],
    b: [f32; 2],
    cos: f32,
    half: f32,
}

impl Corner {
    fn new(p: [f32; 2], a: [f32; 2], b: [f32; 2], half: f32) -> Corner {
        let cos = a[0] * b[0] + a[1] * b[1];
        Corner { p, a, b, cos, half }
    }

    /// The other side: the normals negated (exact in floats, and the cosine unchanged).
    fn mirrored(self) -> Corner {
        Corner {
            a: neg(self.a),
            b: neg(self.b),
            ..self
        }
    }

    /// Appends this side's mitre when it is within `limit` (miter length over stroke
    /// width), else its bevel.
    #[inline(always)]
    fn mitre(&self, limit: f32, out: &mut Vec<[f32; 2]>) {
        let Corner { p, a, b, cos, half } = *self;
        // Miter length over stroke width is sqrt(2 / (1 + cos)) for normals at angle
        // acos(cos); within the limit the miter point is h·(a + b) / (1 + cos).
        if 1.0 + cos > 2.0 / (limit * limit) {
            out.push(at(p, [a[0] + b[0], a[1] + b[1]], half / (1.0 + cos)));
        } else {
            out.push(at(p, a, half));
            out.push(at(p, b, half));
        }
    }
}

/// Appends the offset points of both sides of a vertex: `left` gets the side `c`, `right`
/// its mirror, and `left_outer` says which of them is outer. The outer side is joined as
/// the stroke asks, the inner one mitred within [`INNER_LIMIT`]; both share the cosine, so
/// each side's points are those of that side offset alone.
fn vertex_pair(
    c: Corner,
    join: Join,
    left_outer: bool,
    left: &mut Vec<[f32; 2]>,
    right: &mut Vec<[f32; 2]>,
) {
    if c.cos >= 1.0 - 1e-6 {
        left.push(at(c.p, c.a, c.half));
        right.push(at(c.p, neg(c.a), c.half));
        return;
    }
    let (outer, inner, o) = match left_outer {
        true => (left, right, c),
        false => (right, left, c.mirrored()),
    };
    match join {
        Join::Round => arc(o.p, o.a, o.b, o.half, outer),
        Join::Miter(limit) => o.mitre(limit, outer),
        Join::Bevel => o.mitre(1.0, outer),
    }
    o.mirrored().mitre(INNER_LIMIT, inner);
}

/// The point `k` along `u` from `p`.
#[inline(always)]
fn at(p: [f32; 2], u: [f32; 2], k: f32) -> [f32; 2] {
    [p[0] + u[0] * k, p[1] + u[1] * k]
}

/// Most area a round join's chords may cut off its arc, in square output pixels: 1% of
/// one pixel's coverage (2.5/255). The arc of a stroke at most a pixel wide is smaller than
/// a pixel, so what an exact-area rasteriser shows of it is its area, not its shape: a
/// distance bound would keep splitting arcs whose chords already cover what they should
/// within a coverage step (a map's hairline joins took three times the edges they need).
const ARC_AREA: f32 = 0.01;

/// How many times to halve a round join of radius `half` whose normals are at the angle
/// whose cosine is `cos`, so that its 2^d chords cut off at most [`ARC_AREA`]. No
/// trigonometry: halving by the half-angle formula on the cosine, and the area cut off by
/// a chord as two thirds of chord times sagitta (within 3% for chords up to a right angle).
fn arc_depth(mut cos: f32, half: f32) -> u32 {
    let mut chords = 1.0;
    for depth in 0..6 {
        // The cosine of half of one chord's angle.
        let c = ((1.0 + cos) * 0.5).sqrt();
        let cut = (4.0 / 3.0) * half * half * (1.0 - c * c).max(0.0).sqrt() * (1.0 - c);
        if chords * cut <= ARC_AREA {
            return depth;
        }
        cos = c;
        chords *= 2.0;
    }
    6
}

/// Appends the arc of radius `half` around `p` from normal `a` to normal `b` (the shorter
/// way) as 2^d chords, d from [`arc_depth`]; the points are normalised bisectors.
fn arc(p: [f32; 2], a: [f32; 2], b: [f32; 2], half: f32, out: &mut Vec<[f32; 2]>) {
    let at = |u: [f32; 2]| [p[0] + u[0] * half, p[1] + u[1] * half];
    let cos = (a[0] * b[0] + a[1] * b[1]).clamp(-1.0, 1.0);
    if cos <= -1.0 + 1e-6 {
        // The outline doubles back on itself: no side to bisect towards; bevel.
        out.extend([at(a), at(b)]);
        return;
    }
    let depth = arc_depth(cos, half);
    out.push(at(a));
    if depth == 0 {
        // One chord (a thin stroke's joins mostly): no halving to recurse into.
        return out.push(at(b));
    }
    bisect(a, b, depth, &mut |u| out.push(at(u)));
}

/// Emits the normals strictly between `a` and `b` and then `b`, halving `depth` times.
fn bisect(a: [f32; 2], b: [f32; 2], depth: u32, emit: &mut impl FnMut([f32; 2])) {
    if depth == 0 {
        emit(b);
        return;
    }
    let m = [a[0] + b[0], a[1] + b[1]];
    let len = (m[0] * m[0] + m[1] * m[1]).sqrt();
    let m = [m[0] / len, m[1] / len];
    bisect(a, m, depth - 1, emit);
    bisect(m, b, depth - 1, emit);
}

fn neg(u: [f32; 2]) -> [f32; 2] {
    [-u[0], -u[1]]
}

/// Copies `contour` without consecutive repeats (also across the closing edge).
fn distinct(contour: &[[f32; 2]], pts: &mut Vec<[f32; 2]>) {
    pts.clear();
    for &p in contour {
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
}

/// The unit normal to the left of the direction `a → b` (`a != b`).
fn unit_normal(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    if len > 0.0 && len.is_finite() {
        [-dy / len, dx / len]
    } else {
        [0.0, 0.0]
    }
}

/// The one-side offset of a vertex as it was computed before [`vertex_pair`]: the oracle
/// that both sides at once give the same floats.
#[cfg(test)]
mod one_side {
    use super::*;

    /// Appends the offset points of one side of vertex `p`, whose adjacent edges have the unit
    /// normals `a` (incoming) and `b` (outgoing) on that side.
    pub(super) fn vertex(
        p: [f32; 2],
        a: [f32; 2],
        b: [f32; 2],
        half: f32,
        join: Join,
        outer: bool,
        out: &mut Vec<[f32; 2]>,
    ) {
        let at = |u: [f32; 2], k: f32| [p[0] + u[0] * k, p[1] + u[1] * k];
        let cos = a[0] * b[0] + a[1] * b[1];
        if cos >= 1.0 - 1e-6 {
            out.push(at(a, half));
            return;
        }
        let limit = match (outer, join) {
            (false, _) => INNER_LIMIT,
            (true, Join::Miter(l)) => l,
            (true, Join::Bevel) => 1.0,
            (true, Join::Round) => return arc(p, a, b, half, out),
        };
        // Miter length over stroke width is sqrt(2 / (1 + cos)) for normals at angle acos(cos);
        // within the limit the miter point is h·(a + b) / (1 + cos).
        if 1.0 + cos > 2.0 / (limit * limit) {
            out.push(at([a[0] + b[0], a[1] + b[1]], half / (1.0 + cos)));
        } else {
            out.push(at(a, half));
            out.push(at(b, half));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::one_side::vertex;
    use super::*;
    use crate::raster::rect::IRect;
    use crate::raster::scan::coverage::Rasterizer;
    use crate::raster::scan::edges::Edges;

    fn square(x0: f32, y0: f32, s: f32) -> Polylines {
        Polylines {
            points: vec![[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s]],
            starts: vec![0],
        }
    }

    fn ring(body: &Polylines, half: f32, join: Join) -> Polylines {
        let mut out = Polylines::default();
        outline(body, half, join, &mut Buffers::default(), &mut out);
        out
    }

    fn coverage_sum(poly: &Polylines, region: IRect) -> f32 {
        let mut out = Vec::new();
        let edges = Edges::from_polylines(poly);
        Rasterizer::default().fill(&edges, false, region, &mut out);
        out.iter().map(|&c| c as f32 / 255.0).sum()
    }

    #[test]
    fn mitred_square_ring_has_the_exact_area() {
        // A 10 px square stroked 0.5 px wide, mitred: outer 10.5² minus inner 9.5².
        let out = ring(&square(5.3, 5.7, 10.0), 0.25, Join::Miter(4.0));
        assert_eq!(out.len(), 2);
        let area = coverage_sum(&out, IRect::new(0, 0, 24, 24));
        let want = 10.5f32 * 10.5 - 9.5 * 9.5;
        assert!((area - want).abs() < 0.1, "area {area}, want {want}");
    }

    #[test]
    fn round_joins_cut_the_corners_by_a_quarter_disc_each() {
        let (side, w) = (10.0f32, 1.0f32);
        let out = ring(&square(5.5, 5.25, side), w / 2.0, Join::Round);
        let area = coverage_sum(&out, IRect::new(0, 0, 24, 24));
        let h = w / 2.0;
        let want = (side + w).powi(2) - (side - w).powi(2) - (4.0 - std::f32::consts::PI) * h * h;
        assert!((area - want).abs() < 0.05, "area {area}, want {want}");
    }

    #[test]
    fn inner_corners_are_mitred_not_overlapped() {
        // A convex hexagon: the ring is the perimeter times the width, plus the outer round
        // corners (a whole disc), minus the inner mitre corners' h²·tan(θ/2) each.
        let n = 6;
        let (cx, cy, r, h) = (10.3f32, 9.8f32, 5.0f32, 0.25f32);
        let points = (0..n)
            .map(|i| {
                let t = i as f32 * std::f32::consts::TAU / n as f32;
                [cx + r * t.cos(), cy + r * t.sin()]
            })
            .collect();
        let body = Polylines {
            points,
            starts: vec![0],
        };
        let out = ring(&body, h, Join::Round);
        let area = coverage_sum(&out, IRect::new(0, 0, 21, 21));
        let turn = std::f32::consts::TAU / n as f32;
        let want =
            6.0 * r * 2.0 * h + std::f32::consts::PI * h * h - 6.0 * h * h * (turn / 2.0).tan();
        // Each outer join's chords cut at most ARC_AREA off its arc, and never add.
        let cut = n as f32 * ARC_AREA;
        assert!(
            area < want + 0.02 && area > want - cut - 0.02,
            "area {area}, want {want}"
        );
    }

    #[test]
    fn round_joins_take_the_fewest_chords_within_the_area_bound() {
        // The exact area 2^d chords cut off an arc of angle `t` and radius `h`.
        let cut = |t: f32, h: f32, d: u32| {
            let (n, phi) = (2f32.powi(d as i32), t / 2f32.powi(d as i32));
            n * 0.5 * h * h * (phi - phi.sin())
        };
        for h in [0.05f32, 0.1, 0.25, 0.4, 0.5, 0.75] {
            for deg in (2..=179).step_by(7) {
                let t = (deg as f32).to_radians();
                let d = arc_depth(t.cos(), h);
                assert!(
                    cut(t, h, d) <= ARC_AREA * 1.05,
                    "h {h} angle {deg}: depth {d}"
                );
                if d > 0 {
                    assert!(cut(t, h, d - 1) > ARC_AREA * 0.95, "h {h} angle {deg}: {d}");
                }
            }
        }
        // A map's hairline (0.25 px radius) joins its usual turns with one chord; a
        // one-pixel stroke's right angle takes four.
        assert_eq!(arc_depth(72f32.to_radians().cos(), 0.25), 0);
        assert_eq!(arc_depth(0.0, 0.5), 2);
    }

    #[test]
    fn either_orientation_gives_the_same_ring() {
        let mut cw = square(3.2, 4.1, 6.0);
        cw.points.reverse();
        let a = ring(&square(3.2, 4.1, 6.0), 0.4, Join::Round);
        let b = ring(&cw, 0.4, Join::Round);
        let r = IRect::new(0, 0, 14, 14);
        // The same outline; only pixels at exactly half coverage may round either way.
        let (ca, cb) = (coverage_sum(&a, r), coverage_sum(&b, r));
        assert!((ca - cb).abs() < 0.03, "{ca} {cb}");
    }

    #[test]
    fn sharp_turns_are_bevelled_beyond_the_limit() {
        // A thin spike: the miter would reach ~20 half widths out; the bevel stays near it.
        let spike = Polylines {
            points: vec![[10.0, 10.0], [30.0, 11.0], [10.0, 12.0]],
            starts: vec![0],
        };
        let out = ring(&spike, 0.25, Join::Miter(2.0));
        let max_x = out.points.iter().map(|p| p[0]).fold(f32::MIN, f32::max);
        assert!(max_x < 30.3, "reaches {max_x}");
        let mitred = ring(&spike, 0.25, Join::Miter(100.0));
        let far = mitred.points.iter().map(|p| p[0]).fold(f32::MIN, f32::max);
        assert!(far > 34.0, "a generous limit keeps the miter: {far}");
    }

    #[test]
    fn repeated_and_degenerate_points_are_skipped() {
        let mut sq = square(2.0, 2.0, 4.0);
        sq.points.insert(1, [2.0, 2.0]);
        sq.points.push([2.0, 2.0]);
        let a = ring(&sq, 0.3, Join::Bevel);
        let b = ring(&square(2.0, 2.0, 4.0), 0.3, Join::Bevel);
        assert_eq!(a.points, b.points);
        let dot = Polylines {
            points: vec![[1.0, 1.0], [1.0, 1.0]],
            starts: vec![0],
        };
        let c = ring(&dot, 0.3, Join::Round);
        assert!(c.is_empty());
    }

    #[test]
    fn both_sides_at_once_give_each_side_alone_to_the_bit() {
        let mut next = crate::raster::scan::unit_floats(0x9e37_79b9);
        let joins = [
            Join::Miter(4.0),
            Join::Miter(1.5),
            Join::Miter(10.0),
            Join::Bevel,
            Join::Round,
        ];
        for i in 0..20_000 {
            let p = [100.0 * next(), 100.0 * next()];
            let u0 = unit_normal([0.0, 0.0], [next() - 0.5, next() - 0.5]);
            // Every turn from straight on to doubling back.
            let u1 = match i % 4 {
                0 => u0,
                _ => unit_normal([0.0, 0.0], [next() - 0.5, next() - 0.5]),
            };
            let (half, join) = (2.0 * next(), joins[i % joins.len()]);
            let left_outer = u0[0] * u1[1] - u0[1] * u1[0] <= 0.0;
            let (mut l, mut r) = (Vec::new(), Vec::new());
            vertex_pair(
                Corner::new(p, u0, u1, half),
                join,
                left_outer,
                &mut l,
                &mut r,
            );
            let (mut l1, mut r1) = (Vec::new(), Vec::new());
            vertex(p, u0, u1, half, join, left_outer, &mut l1);
            vertex(p, neg(u0), neg(u1), half, join, !left_outer, &mut r1);
            let bits = |v: &[[f32; 2]]| v.iter().map(|q| q.map(f32::to_bits)).collect::<Vec<_>>();
            assert_eq!(bits(&l), bits(&l1), "{p:?} {u0:?} {u1:?} {half} {join:?}");
            assert_eq!(bits(&r), bits(&r1), "{p:?} {u0:?} {u1:?} {half} {join:?}");
        }
    }
}
