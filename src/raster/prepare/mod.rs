//! Preparing the scene for one output size: geometry flattened to device-space edges, paints
//! resolved to device paints, pixel bounds for culling.
//!
//! Input: a [`Scene`] and the render scale. Output: a [`PreparedScene`] tree mirroring the
//! scene (types in [`types`], shapes in [`shape`]). Guarantees: built once per render and
//! shared read-only by all bands; siblings are prepared in parallel but collected in order,
//! so the tree is the same for any thread count. The background-blur pre-pass runs after
//! this step (see [`crate::raster::backdrop`]): preparing never draws.

mod shape;
mod types;

pub(super) use shape::shape_rect;
pub(super) use types::*;

use std::sync::Arc;

use rayon::prelude::*;

use crate::raster::composite::paint::{premultiply, DevicePaint};
use crate::raster::effects::blur::{box_radii, support};
use crate::raster::rect::IRect;
use crate::raster::scan::sampled::Pattern;
use crate::scene::{BlendMode, Effect, Node, NodeKind, Scene, ShadowEffect, Transform};
use shape::{mask_rect, prepare_shape};

/// Output size of `scene` at `scale` (outer integer bounds of the frame).
pub(super) fn output_size(scene: &Scene, scale: f32) -> (u64, u64) {
    let s = scale as f64;
    let w = ((scene.frame.x1 - scene.frame.x0) * s).ceil();
    let h = ((scene.frame.y1 - scene.frame.y0) * s).ceil();
    (w.max(1.0) as u64, h.max(1.0) as u64)
}

/// Prepares `scene` for output at `scale`; the size must already be checked against limits.
pub(super) fn prepare(scene: &Scene, scale: f32, pattern: Option<Pattern>) -> PreparedScene {
    let (w, h) = output_size(scene, scale);
    let s = scale as f64;
    let device = Transform([s, 0.0, 0.0, s, -scene.frame.x0 * s, -scene.frame.y0 * s]);
    let canvas = IRect::new(0, 0, w as i32, h as i32);
    let nodes = prepare_list(&scene.nodes, &device, scale, canvas);
    PreparedScene {
        width: w as u32,
        rows: RowIndex::new(&nodes),
        nodes,
        backdrops: Arc::default(),
        wide: Arc::default(),
        pattern,
    }
}

fn prepare_list(nodes: &[Node], device: &Transform, scale: f32, canvas: IRect) -> Vec<DeviceNode> {
    // Siblings are independent: flatten them in parallel (deterministic, order kept).
    // An indexed collect writes straight into one vector of the exact length (a filtered
    // one grows and copies it, a third of the page faults of a map's 150,000 shapes);
    // nodes that draw nothing are dropped afterwards.
    let mut out: Vec<DeviceNode> = nodes
        .par_iter()
        .map(|n| prepare_node(n, device, scale, canvas))
        .collect();
    out.retain(|n| !n.rect.is_empty());
    out
}

fn prepare_node(n: &Node, device: &Transform, scale: f32, canvas: IRect) -> DeviceNode {
    let (kind, rect) = match &n.kind {
        NodeKind::Shape(s) => {
            let shape = prepare_shape(s, device);
            let rect = shape_rect(&shape, !shape.fills.is_empty());
            (DeviceKind::Shape(shape), rect)
        }
        NodeKind::Group(g) => {
            let children = prepare_list(&g.children, device, scale, canvas);
            let content = children.iter().fold(IRect::EMPTY, |r, c| r.union(&c.rect));
            let mask = g.mask.as_ref().map(|m| {
                let node = prepare_node(&m.node, device, scale, canvas);
                Box::new(DeviceMask {
                    node,
                    facet: m.facet,
                    channels: m.channels,
                })
            });
            let rect = match &mask {
                Some(m) if m.channels[4] <= 0.0 => content.intersect(&mask_rect(&m.node)),
                _ => content,
            };
            let normal_only = children.iter().all(composites_normally);
            (
                DeviceKind::Group {
                    isolated: g.isolated,
                    normal_only,
                    rows: RowIndex::new(&children),
                    children,
                    mask,
                },
                rect,
            )
        }
        NodeKind::Embed(e) => {
            let mask = prepare_shape(&e.mask, device);
            let children = prepare_list(&e.children, device, scale, canvas);
            let rect = shape_rect(&mask, true).union(&mask.body.rect);
            (
                DeviceKind::Embed {
                    mask,
                    mask_opacity: e.mask_opacity,
                    isolated: e.isolated,
                    children,
                },
                rect,
            )
        }
    };
    let mut effects = prepare_effects(&n.effects, device, scale);
    if let Some(fx) = effects.as_mut() {
        mark_wide(fx, &rect, canvas, &kind);
    }
    // Rects are not clipped to the canvas: effects may need content just outside it, and
    // every draw is clipped by its band anyway.
    let rect = match &effects {
        Some(fx) => {
            let reach = fx
                .drops
                .iter()
                .map(DeviceShadow::reach)
                .max()
                .unwrap_or(0)
                .max(fx.inners.iter().map(InnerEffect::reach).max().unwrap_or(0))
                + fx.blur.map_or(0, |r| support(r) as i32);
            let grown = rect.union(&outset(&rect, reach));
            match fx.wide {
                // A wide blur reaches far past the canvas; what lies past it is never drawn.
                Some(_) => grown.intersect(&outset(&canvas, 1)),
                None => grown,
            }
        }
        None => rect,
    };
    DeviceNode {
        opacity: n.opacity,
        blend: n.blend,
        rect,
        kind,
        effects,
    }
}

pub(crate) fn outset(r: &IRect, d: i32) -> IRect {
    if r.is_empty() {
        return *r;
    }
    IRect::new(
        r.x0.saturating_sub(d),
        r.y0.saturating_sub(d),
        r.x1.saturating_add(d),
        r.y1.saturating_add(d),
    )
}

/// Scales effect parameters to output pixels; `None` without effects.
fn prepare_effects(
    effects: &[Effect],
    device: &Transform,
    scale: f32,
) -> Option<Box<DeviceEffects>> {
    if effects.is_empty() {
        return None;
    }
    let shadow = |s: &ShadowEffect| DeviceShadow {
        dx: (s.offset.0 * scale).round() as i32,
        dy: (s.offset.1 * scale).round() as i32,
        radii: box_radii(s.sigma * scale),
        spread: (s.spread * scale).round() as i32,
        color: premultiply(s.color),
        blend: s.blend,
        body_basis: s.body_basis,
    };
    let mut fx = DeviceEffects {
        drops: Vec::new(),
        inners: Vec::new(),
        blur: None,
        background: None,
        margin: 0,
        wide: None,
    };
    let mut sigma = 0.0f32;
    for e in effects {
        match e {
            Effect::DropShadow(s) => fx.drops.push(shadow(s)),
            Effect::InnerShadow(s) => fx.inners.push(InnerEffect::Shadow(shadow(s))),
            Effect::Overlay(p) => fx
                .inners
                .extend(DevicePaint::new(p, device).map(InnerEffect::Overlay)),
            Effect::Stroke(s) => fx.inners.push(InnerEffect::Stroke(DeviceStrokeEffect {
                width: (s.width * scale).round().max(1.0) as i32,
                side: s.side,
                color: premultiply(s.color),
                blend: s.blend,
            })),
            // Successive layer blurs compose like one Gaussian of the combined variance.
            Effect::LayerBlur(s) => sigma = (sigma * sigma + s * s).sqrt(),
            Effect::BackgroundBlur(s) => fx.background = Some(box_radii(s * scale)),
        }
    }
    if sigma > 0.0 {
        fx.blur = Some(box_radii(sigma * scale));
    }
    let drops = fx.drops.iter().map(DeviceShadow::reach).max().unwrap_or(0);
    let shadows = drops.max(fx.inners.iter().map(InnerEffect::reach).max().unwrap_or(0));
    fx.margin = shadows + fx.blur.map_or(0, |r| support(r) as i32) + 1;
    Some(Box::new(fx))
}

/// Layer blurs reaching this far (output pixels) are blurred once per render at reduced
/// resolution instead of band by band (each band would re-render the layer over twice this
/// margin).
const WIDE_BLUR: usize = 1024;

/// Marks a layer blur as wide (see [`DeviceEffects::wide`]) when it reaches [`WIDE_BLUR`],
/// the layer has no drop shadows (they are blurred with it, band by band) and neither it
/// nor anything inside it blurs its background (that needs the backdrops, computed after,
/// and is drawn band by band under the blurred layer). The scene
/// exempts exactly such blurs from the effect-reach limit (`scene::build`).
fn mark_wide(fx: &mut DeviceEffects, content: &IRect, canvas: IRect, kind: &DeviceKind) {
    let Some(radii) = fx.blur else {
        return;
    };
    let reach = support(radii);
    if reach < WIDE_BLUR
        || !fx.drops.is_empty()
        || fx.background.is_some()
        || has_background_blur(kind)
    {
        return;
    }
    let inner = fx.inners.iter().map(InnerEffect::reach).max().unwrap_or(0);
    fx.wide = Some(outset(content, inner).intersect(&outset(&canvas, reach as i32)));
    fx.margin = inner + 1;
}

fn has_background_blur(kind: &DeviceKind) -> bool {
    match kind {
        DeviceKind::Shape(_) => false,
        DeviceKind::Group { children, .. } | DeviceKind::Embed { children, .. } => {
            children.iter().any(|c| {
                c.effects.as_ref().is_some_and(|fx| fx.background.is_some())
                    || has_background_blur(&c.kind)
            })
        }
    }
}

/// True when drawing `n` onto a backdrop is plain source-over of independent contributions.
fn composites_normally(n: &DeviceNode) -> bool {
    if n.blend != BlendMode::Normal {
        return false;
    }
    match &n.kind {
        DeviceKind::Shape(s) => {
            !s.pass_through || s.fills.iter().all(|f| f.blend == BlendMode::Normal)
        }
        DeviceKind::Group {
            isolated, children, ..
        } => *isolated || children.iter().all(composites_normally),
        DeviceKind::Embed { .. } => true,
    }
}
