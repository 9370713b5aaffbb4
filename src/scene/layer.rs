//! One layer of a scene on its own: the image asset a developer downloads from a hand-off.
//!
//! Input: a built [`Scene`], a layer id and a [`Crop`]. Output: a scene holding only that
//! layer's node (a shape, group or masked group, with its effects), framed by everything it
//! may paint, strokes and effects included ([`Crop::Paint`]), or by its own geometry alone
//! ([`Crop::Layer`]: outlines, without strokes and effects, which are cut off at that frame),
//! rounded out to whole design pixels. Guarantees: the node is
//! drawn exactly as in the whole render (same geometry, paints and effects: the layer's
//! pixels equal the same area cropped out of the whole render wherever nothing else overlaps
//! it there); what lies under or over it is left out, so it stands on transparency (a
//! background blur blurs nothing); only the diagnostics of its own layers are kept.

use std::collections::HashSet;

use super::{Bounds, Node, NodeKind, Scene};

/// How a layer asset is framed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Crop {
    /// Everything the layer paints: strokes, shadows and blurs included.
    #[default]
    Paint,
    /// The layer's own geometry: its outlines (a mask group's mask, a group's children's),
    /// as a design tool's layer bounds; what strokes and effects paint beyond is cut off.
    /// A layer without outlines (only strokes) falls back to [`Crop::Paint`].
    Layer,
}

impl Crop {
    /// Reads `paint` or `layer`.
    pub fn from_name(name: &str) -> Option<Crop> {
        match name {
            "paint" => Some(Crop::Paint),
            "layer" => Some(Crop::Layer),
            _ => None,
        }
    }
}

/// The scene of layer `id` alone, framed by what it paints, or `None` when no drawn layer
/// has that id (a hidden layer is not in the scene).
pub fn layer_scene(scene: &Scene, id: &str) -> Option<Scene> {
    layer_scene_cropped(scene, id, Crop::Paint)
}

/// The scene of layer `id` alone, framed as `crop` says.
pub fn layer_scene_cropped(scene: &Scene, id: &str, crop: Crop) -> Option<Scene> {
    let node = find(&scene.nodes, id)?;
    let b = match crop {
        Crop::Paint => node.bounds,
        Crop::Layer => Some(own_bounds(node))
            .filter(|b| !b.is_empty())
            .unwrap_or(node.bounds),
    };
    // Rounded out to whole design pixels, forgiving the bounds' own float slack (a point's
    // bounds are inflated by an epsilon), so an outline on whole pixels is framed exactly.
    const SLACK: f64 = 1e-6;
    let frame = Bounds::new(
        (b.x0 + SLACK).floor(),
        (b.y0 + SLACK).floor(),
        (b.x1 - SLACK).ceil(),
        (b.y1 - SLACK).ceil(),
    );
    let mut ids = HashSet::new();
    collect_ids(node, &mut ids);
    let diagnostics = scene
        .diagnostics
        .iter()
        .filter(|d| d.layer_id.as_deref().is_some_and(|l| ids.contains(l)))
        .cloned()
        .collect();
    Some(Scene {
        id: format!("{}-{id}", scene.id),
        frame,
        nodes: vec![node.clone()],
        diagnostics,
    })
}

/// The ids of the top-level layers: the children of the artboard (the root group), or the
/// root layers themselves when the document has several, in drawing order.
pub fn top_level_ids(scene: &Scene) -> Vec<String> {
    let nodes = match scene.nodes.as_slice() {
        [root] if !children(root).is_empty() => children(root),
        all => all,
    };
    let mut ids: Vec<String> = Vec::new();
    for n in nodes {
        // A text layer's styled runs are one layer (`<id>#style<i>`).
        let id = n.id.split('#').next().unwrap_or(&n.id);
        if ids.last().map(String::as_str) != Some(id) {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// The bounds of a node's own geometry: shape outlines, unioned over a group's children,
/// a mask group's mask; strokes and effects left out.
fn own_bounds(n: &Node) -> Bounds {
    match &n.kind {
        NodeKind::Shape(s) if s.object_bounds.is_empty() => s.stroke_bounds,
        NodeKind::Shape(s) => s.object_bounds,
        NodeKind::Embed(e) => e.mask.object_bounds,
        NodeKind::Group(g) => {
            let inner = g
                .children
                .iter()
                .map(own_bounds)
                .fold(Bounds::EMPTY, |a, b| a.union(&b));
            match &g.mask {
                Some(m) => inner.intersect(&own_bounds(&m.node)),
                None => inner,
            }
        }
    }
}

/// Every layer id of the scene, in drawing order (parents before children), for listing.
pub fn layer_ids(scene: &Scene) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = scene.nodes.iter().rev().collect();
    while let Some(n) = stack.pop() {
        out.push(n.id.clone());
        stack.extend(children(n).iter().rev());
    }
    out
}

fn children(n: &Node) -> &[Node] {
    match &n.kind {
        NodeKind::Group(g) => &g.children,
        NodeKind::Embed(e) => &e.children,
        NodeKind::Shape(_) => &[],
    }
}

fn find<'a>(nodes: &'a [Node], id: &str) -> Option<&'a Node> {
    nodes.iter().find_map(|n| {
        if n.id == id {
            Some(n)
        } else {
            find(children(n), id)
        }
    })
}

fn collect_ids(n: &Node, out: &mut HashSet<String>) {
    // Text layers split into one node per style (`<id>#style<i>`): report under the layer.
    let layer = n.id.split('#').next().unwrap_or(&n.id);
    out.insert(layer.to_owned());
    if let NodeKind::Group(g) = &n.kind {
        if let Some(m) = &g.mask {
            collect_ids(&m.node, out);
        }
    }
    if let NodeKind::Embed(e) = &n.kind {
        out.insert(e.mask_id.clone());
    }
    for c in children(n) {
        collect_ids(c, out);
    }
}
