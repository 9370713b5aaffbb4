//! Preparing one shape: its body and strokes flattened to device edges, its paints resolved.
//!
//! Input: a scene [`ShapeNode`] and the component-to-device transform. Output: a
//! [`DeviceShape`]. Guarantees: curves are flattened within [`TOLERANCE`] output pixels;
//! thin strokes are offset from the flattened body (nothing stroked); the flattening buffers
//! are reused per thread and never keep an outsize outline's memory.

use smallvec::SmallVec;
use tiny_skia_path::LineJoin;

use crate::raster::composite::paint::DevicePaint;
use crate::raster::prepare::types::{DeviceKind, DeviceNode, DeviceShape, DeviceStroke};
use crate::raster::rect::IRect;
use crate::raster::scan::edges::Edges;
use crate::raster::scan::thin;
use crate::scene::flatten::{flatten, Polylines};
use crate::scene::{ShapeNode, StrokeGeometry, StrokeSide, Transform};

/// Flattening tolerance in output pixels.
const TOLERANCE: f32 = 0.1;
/// Flattening buffers reused by the shapes prepared on one thread.
#[derive(Default)]
struct FlatBuffers {
    body: Polylines,
    other: Polylines,
    thin: thin::Buffers,
}

/// Most points the reused flattening buffers keep between shapes.
const KEEP_POINTS: usize = 1 << 16;

thread_local! {
    /// One set per rayon worker: a map's 150,000 shapes would otherwise allocate and free
    /// half a dozen vectors each.
    static FLAT: std::cell::RefCell<FlatBuffers> = std::cell::RefCell::default();
}

pub(super) fn prepare_shape(s: &ShapeNode, device: &Transform) -> DeviceShape {
    FLAT.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            let shape = prepare_shape_with(s, device, &mut buf);
            // An outsize outline's buffers are not kept for the rest of the thread's life.
            if buf.body.points.capacity() + buf.other.points.capacity() > KEEP_POINTS {
                *buf = FlatBuffers::default();
            }
            shape
        }
        // Not reached (preparing a shape never prepares another), but never a panic.
        Err(_) => prepare_shape_with(s, device, &mut FlatBuffers::default()),
    })
}

fn prepare_shape_with(s: &ShapeNode, device: &Transform, buf: &mut FlatBuffers) -> DeviceShape {
    let full = device.then_apply_to(&s.transform);
    let flat = |p: &tiny_skia_path::Path, poly: &mut Polylines| {
        poly.clear();
        flatten(p, &full, TOLERANCE, poly);
    };
    let FlatBuffers { body, other, thin } = buf;
    match &s.body {
        Some(p) => flat(p, body),
        None => body.clear(),
    }
    let body_poly = &*body;
    let body = Edges::from_polylines(body_poly);
    let mut stroke_edges = |g: &StrokeGeometry| match g {
        StrokeGeometry::Outline(p) => {
            flat(p, other);
            Edges::from_polylines(other)
        }
        StrokeGeometry::Thin {
            width,
            join,
            miter_limit,
        } => {
            let half = 0.5 * width * full.determinant().abs().sqrt() as f32;
            let join = match join {
                LineJoin::Round => thin::Join::Round,
                LineJoin::Bevel => thin::Join::Bevel,
                LineJoin::Miter | LineJoin::MiterClip => thin::Join::Miter(*miter_limit),
            };
            other.clear();
            thin::outline(body_poly, half, join, thin, other);
            Edges::from_polylines(other)
        }
    };
    // Collected into exact capacities (a filtered collect starts at four slots).
    let mut fills = SmallVec::with_capacity(s.fills.len());
    fills.extend(s.fills.iter().filter_map(|f| DevicePaint::new(f, device)));
    let mut strokes = SmallVec::with_capacity(s.strokes.len());
    strokes.extend(s.strokes.iter().filter_map(|st| {
        let paint = DevicePaint::new(&st.paint, device)?;
        Some(DeviceStroke {
            edges: stroke_edges(&st.geometry),
            even_odd: st.even_odd,
            side: st.side,
            paint,
        })
    }));
    let pixel_rect = pixel_rect(&body);
    DeviceShape {
        body,
        even_odd: s.even_odd,
        fills,
        strokes,
        pass_through: s.pass_through,
        pixel_rect,
    }
}

/// The rectangle of a body made of two opposite vertical edges on whole pixels.
fn pixel_rect(e: &Edges) -> Option<IRect> {
    let [a, b] = e.two_lines()?;
    let whole = |v: f32| v == v.round() && v.abs() < (1 << 24) as f32;
    let aligned = [a.x0, a.x1, a.y0, a.y1, b.x0, b.x1, b.y0, b.y1]
        .into_iter()
        .all(whole);
    if !aligned || a.x0 != a.x1 || b.x0 != b.x1 || a.y0 != b.y0 || a.y1 != b.y1 || a.dir == b.dir {
        return None;
    }
    let (x0, x1) = (a.x0.min(b.x0) as i32, a.x0.max(b.x0) as i32);
    Some(IRect::new(x0, a.y0 as i32, x1, a.y1 as i32))
}

/// Pixels a shape can change: the body when filled, strokes (inside ones within the body).
pub(crate) fn shape_rect(s: &DeviceShape, with_fills: bool) -> IRect {
    let mut r = if with_fills {
        s.body.rect
    } else {
        IRect::EMPTY
    };
    for st in &s.strokes {
        r = r.union(&match st.side {
            StrokeSide::Inside => st.edges.rect.intersect(&s.body.rect),
            _ => st.edges.rect,
        });
    }
    r
}

/// Pixels where a mask facet can be non-zero.
pub(super) fn mask_rect(n: &DeviceNode) -> IRect {
    match &n.kind {
        DeviceKind::Shape(s) => shape_rect(s, true).union(&s.body.rect),
        _ => n.rect,
    }
}
