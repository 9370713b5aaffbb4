//! The background-blur pre-pass: what lies behind each background-blur layer, blurred.
//!
//! Input: a [`PreparedScene`]. Output: [`Backdrops`], one blurred image per background-blur
//! layer, keyed by the address of its prepared node. Guarantees: computed once per render,
//! before any band, in paint order (a later backdrop sees the earlier layers' blurs), so
//! every band reads the same pixels; each backdrop covers only the layer's pixel bounds.
//!
//! Cost: layers whose ancestors all draw in place (pass-through groups, plain frames) share
//! one canvas that is drawn once, in passes: each pass draws from where the last one stopped
//! up to the next layer, whose backdrop is then copied out. A stack of such layers costs the
//! scene once plus one blur each, not the scene below each of them. Other layers (inside an
//! isolated or translucent group, whose buffer a pass cannot stop and resume in) render what
//! is behind them on their own. The pixels are the same either way: every node's pixels
//! depend only on what is below it, not on the rectangle drawn.

use std::sync::Arc;

use crate::raster::cancel::Cancel;
use crate::raster::composite::surface::Surface;
use crate::raster::draw::scratch::{Resume, Scratch};
use crate::raster::draw::{draw_nodes, draws_in_place};
use crate::raster::effects::blur::support;
use crate::raster::effects::shrunk::blur_rgba;
use crate::raster::prepare::{outset, Backdrop, Backdrops, DeviceKind, DeviceNode, PreparedScene};
use crate::raster::rect::IRect;

/// Largest backdrop area (pixels) rendered; a larger one is left out.
const MAX_AREA: usize = 1 << 28;

/// How much larger than its largest backdrop a shared canvas may be: layers stacked over
/// about the same area share one; layers spread over the frame render on their own.
const SHARE_SLACK: f64 = 1.25;

/// One background-blur layer to compute.
struct Target<'a> {
    node: &'a DeviceNode,
    radii: [usize; 3],
    /// Its bounds grown by the blur's reach: what is drawn behind it.
    ext: IRect,
    /// Addresses of its ancestors, when every one draws in place.
    path: Option<Vec<usize>>,
}

/// The canvas shared by a run of layers, and where its next pass picks up.
struct Canvas {
    rect: IRect,
    data: Vec<u8>,
    resume: Option<Resume>,
}

/// Renders, for every background-blur layer in paint order, what lies behind it over its
/// bounds grown by the blur reach, blurs it and keeps its bounds. Done once per render, so
/// every band sees the same backdrop.
pub(super) fn compute_backdrops(prep: &PreparedScene, cancel: &Arc<Cancel>) -> Backdrops {
    backdrops(prep, cancel, true)
}

/// [`compute_backdrops`], sharing canvases or not (the tests compare the two).
fn backdrops(prep: &PreparedScene, cancel: &Arc<Cancel>, share: bool) -> Backdrops {
    let mut targets = Vec::new();
    let mut path = Vec::new();
    for n in &prep.nodes {
        collect(n, &mut path, true, &mut targets);
    }
    let mut done = Backdrops::new();
    let mut canvas: Option<Canvas> = None;
    for (i, t) in targets.iter().enumerate() {
        if cancel.check() {
            break;
        }
        let mut shared = None;
        if let Some(path) = t.path.as_ref().filter(|_| share) {
            if !canvas.as_ref().is_some_and(|c| contains(&c.rect, &t.ext)) {
                canvas = new_canvas(&targets[i..], cancel);
            }
            if let Some(c) = canvas.as_mut() {
                shared = advance(prep, cancel, &done, c, t, path);
                if shared.is_none() {
                    // The pass did not stop where expected: start a new canvas next time.
                    canvas = None;
                }
            }
        }
        let pixels = match shared {
            Some(p) => Some(p),
            None => alone(prep, cancel, &done, t),
        };
        let Some(mut pixels) = pixels else {
            break;
        };
        let (x, y) = (t.node.rect.x0 - t.ext.x0, t.node.rect.y0 - t.ext.y0);
        let keep = IRect::new(
            x,
            y,
            x + t.node.rect.width() as i32,
            y + t.node.rect.height() as i32,
        );
        let (w, h) = (t.ext.width(), t.ext.height());
        let blurred = blur_rgba(&mut pixels, w, h, t.radii, keep, Some(cancel));
        done.insert(
            t.node as *const DeviceNode as usize,
            Arc::new(Backdrop {
                rect: t.node.rect,
                origin: (t.ext.x0, t.ext.y0),
                pixels: blurred,
            }),
        );
    }
    done
}

/// The background-blur layers under `n` in paint order, with their ancestors when all of
/// them draw in place.
fn collect<'a>(
    n: &'a DeviceNode,
    path: &mut Vec<usize>,
    in_place: bool,
    out: &mut Vec<Target<'a>>,
) {
    if let Some(radii) = n.effects.as_ref().and_then(|fx| fx.background) {
        let ext = outset(&n.rect, support(radii) as i32);
        if !ext.is_empty() && ext.width() * ext.height() <= MAX_AREA {
            out.push(Target {
                node: n,
                radii,
                ext,
                path: in_place.then(|| path.clone()),
            });
        }
    }
    let children = match &n.kind {
        DeviceKind::Shape(_) => return,
        DeviceKind::Group { children, .. } | DeviceKind::Embed { children, .. } => children,
    };
    path.push(n as *const DeviceNode as usize);
    let inner = in_place && draws_in_place(n);
    for c in children {
        collect(c, path, inner, out);
    }
    path.pop();
}

fn contains(outer: &IRect, inner: &IRect) -> bool {
    outer.x0 <= inner.x0 && outer.y0 <= inner.y0 && outer.x1 >= inner.x1 && outer.y1 >= inner.y1
}

fn area(r: &IRect) -> f64 {
    r.width() as f64 * r.height() as f64
}

/// A transparent canvas for the run of shareable layers that starts `rest`: the union of
/// their rectangles while it stays within [`SHARE_SLACK`] of the largest. `None` when the
/// memory guard refuses it.
fn new_canvas(rest: &[Target<'_>], cancel: &Cancel) -> Option<Canvas> {
    let mut rect = rest[0].ext;
    let mut largest = area(&rect);
    for t in rest[1..].iter().filter(|t| t.path.is_some()) {
        let grown = rect.union(&t.ext);
        let big = largest.max(area(&t.ext));
        if area(&grown) > SHARE_SLACK * big || area(&grown) > MAX_AREA as f64 {
            break;
        }
        (rect, largest) = (grown, big);
    }
    let bytes = rect.width() * rect.height() * 4;
    // Kept while the run lasts: asked for before it is taken.
    if !cancel.can_allocate(bytes) {
        return None;
    }
    Some(Canvas {
        rect,
        data: vec![0u8; bytes],
        resume: None,
    })
}

/// A scratch that draws with the backdrops computed so far and stops at `t`.
fn scratch_for(
    prep: &PreparedScene,
    cancel: &Arc<Cancel>,
    done: &Backdrops,
    t: &Target<'_>,
) -> Scratch {
    let mut sc = Scratch::default();
    sc.cancel = Some(Arc::clone(cancel));
    sc.raster.pattern = prep.pattern;
    // Values are shared: cloning the map copies pointers, not pixels.
    sc.backdrops = Some(Arc::new(done.clone()));
    sc.wide = Some(prep.wide.clone());
    sc.stop_at = t.node as *const DeviceNode as usize;
    sc
}

/// Draws the shared canvas on from where it stopped up to `t` and copies out what is
/// behind `t`. `None` when the pass could not pick up where the last one stopped (then the
/// canvas is no longer usable) or memory ran out.
fn advance(
    prep: &PreparedScene,
    cancel: &Arc<Cancel>,
    done: &Backdrops,
    c: &mut Canvas,
    t: &Target<'_>,
    path: &[usize],
) -> Option<Vec<u8>> {
    let mut sc = scratch_for(prep, cancel, done, t);
    sc.resume = c.resume.take();
    let rect = c.rect;
    draw_nodes(
        &mut sc,
        &prep.nodes,
        &mut Surface {
            data: &mut c.data,
            rect,
        },
        rect,
    );
    if sc.resume.is_some() || !sc.stopped {
        return None;
    }
    c.resume = Some(Resume {
        at: t.node as *const DeviceNode as usize,
        path: path.to_vec(),
    });
    if !cancel.can_allocate(t.ext.width() * t.ext.height() * 4) {
        return None;
    }
    let w = rect.width() * 4;
    let mut out = Vec::with_capacity(t.ext.width() * t.ext.height() * 4);
    for y in t.ext.y0..t.ext.y1 {
        let start = (y - rect.y0) as usize * w + (t.ext.x0 - rect.x0) as usize * 4;
        out.extend_from_slice(&c.data[start..start + t.ext.width() * 4]);
    }
    Some(out)
}

/// Renders what is behind `t` on its own, from the first node. `None` when memory ran out.
fn alone(
    prep: &PreparedScene,
    cancel: &Arc<Cancel>,
    done: &Backdrops,
    t: &Target<'_>,
) -> Option<Vec<u8>> {
    let bytes = t.ext.width() * t.ext.height() * 4;
    // Kept until the render ends: asked for before it is taken.
    if !cancel.can_allocate(bytes) {
        return None;
    }
    let mut sc = scratch_for(prep, cancel, done, t);
    let mut data = vec![0u8; bytes];
    draw_nodes(
        &mut sc,
        &prep.nodes,
        &mut Surface {
            data: &mut data,
            rect: t.ext,
        },
        t.ext,
    );
    Some(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::NoAssets;
    use crate::raster::prepare::prepare;
    use crate::scene::{build_scene, BuildOptions};

    fn layer(id: &str, x: i32, colour: &str, fx: &str) -> String {
        format!(
            r#"{{"id":"{id}","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE",
            "rectangle":{{"x0":{x},"y0":{x},"x1":{},"y1":{}}}}},"fills":[{{"type":"COLOR",
            "color":{colour}}}]}}{fx}}}"#,
            x + 140,
            x + 120
        )
    }

    #[test]
    fn a_shared_canvas_gives_the_pixels_of_rendering_each_alone() {
        let bg = r#","effects":[{"type":"BACKGROUND_BLUR","basis":"BACKGROUND","blur":12}]"#;
        let red = r#"{"r":1,"g":0.2,"b":0,"a":0.6}"#;
        let blue = r#"{"r":0,"g":0.3,"b":1,"a":0.5}"#;
        let mut layers = vec![layer("base", 10, red, "")];
        for i in 0..4 {
            let colour = if i % 2 == 0 { blue } else { red };
            layers.push(layer(&format!("b{i}"), 20 + 6 * i, colour, bg));
        }
        // Inside a pass-through group (in place) and inside a translucent one (alone).
        let inner = layer("p0", 30, blue, bg);
        layers.push(format!(
            r#"{{"id":"pass","type":"GROUP","blendMode":"PASS_THROUGH","layers":[{inner}]}}"#
        ));
        let faded = layer("f0", 26, red, bg);
        layers.push(format!(
            r#"{{"id":"faded","type":"GROUP","opacity":0.5,"layers":[{faded}]}}"#
        ));
        layers.push(layer("top", 24, blue, bg));
        let json = format!(
            r#"{{"id":"d","type":"OCTOPUS_COMPONENT","version":"3.1.1",
            "dimensions":{{"width":200,"height":200}},
            "content":{{"id":"root","type":"GROUP","layers":[{}]}}}}"#,
            layers.join(",")
        );
        let doc = octopus_schema::parse_document(json.as_bytes()).expect("valid document");
        let scene = build_scene(&doc, &BuildOptions::default(), &NoAssets).expect("scene");
        let prep = prepare(&scene, 1.0, None);
        let cancel = Arc::new(Cancel::new(None, None));
        let shared = backdrops(&prep, &cancel, true);
        let alone = backdrops(&prep, &cancel, false);
        assert_eq!(shared.len(), 7);
        assert_eq!(shared.len(), alone.len());
        let pixels = |b: &Backdrop| {
            let r = b.rect;
            let mut out = vec![0u8; r.width() * r.height() * 4];
            for (y, row) in (r.y0..r.y1).zip(out.chunks_exact_mut(r.width() * 4)) {
                b.span(y, r.x0, r.x1, row);
            }
            out
        };
        for (key, b) in &shared {
            assert_eq!(b.rect, alone[key].rect);
            assert!(pixels(b) == pixels(&alone[key]), "backdrop {key:x} differs");
        }
        // Each later backdrop sees the layers before it.
        assert!(shared.values().all(|b| pixels(b).iter().any(|&v| v > 0)));
    }
}
