//! One layer of a scene on its own: the image asset a developer downloads from a hand-off.
//!
//! Input: a built [`Scene`] and a layer id. Output: a scene holding only that layer's node
//! (a shape, group or masked group, with its effects), framed by everything it may paint,
//! strokes and effects included, rounded out to whole design pixels. Guarantees: the node is
//! drawn exactly as in the whole render (same geometry, paints and effects: the layer's
//! pixels equal the same area cropped out of the whole render wherever nothing else overlaps
//! it there); what lies under or over it is left out, so it stands on transparency (a
//! background blur blurs nothing); only the diagnostics of its own layers are kept.

use std::collections::HashSet;

use super::{Bounds, Node, NodeKind, Scene};

/// The scene of layer `id` alone, or `None` when no drawn layer has that id (a hidden
/// layer is not in the scene).
pub fn layer_scene(scene: &Scene, id: &str) -> Option<Scene> {
    let node = find(&scene.nodes, id)?;
    let b = node.bounds;
    let frame = Bounds::new(b.x0.floor(), b.y0.floor(), b.x1.ceil(), b.y1.ceil());
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
