//! The background-blur pre-pass: what lies behind each background-blur layer, blurred.
//!
//! Input: a [`PreparedScene`]. Output: [`Backdrops`], one blurred image per background-blur
//! layer, keyed by the address of its prepared node. Guarantees: computed once per render,
//! before any band, in paint order (a later backdrop sees the earlier layers' blurs), so
//! every band reads the same pixels; each backdrop covers only the layer's pixel bounds.

use std::sync::Arc;

use crate::raster::cancel::Cancel;
use crate::raster::composite::surface::Surface;
use crate::raster::draw::draw_nodes;
use crate::raster::draw::scratch::Scratch;
use crate::raster::effects::blur::support;
use crate::raster::effects::shrunk::blur_rgba_crop;
use crate::raster::prepare::{outset, Backdrop, Backdrops, DeviceKind, DeviceNode, PreparedScene};
use crate::raster::rect::IRect;

/// Renders, for every background-blur layer in paint order, what lies behind it (the scene
/// drawn up to that layer) over its bounds grown by the blur reach, blurs it and keeps its
/// bounds. Done once per render, so every band sees the same backdrop.
pub(super) fn compute_backdrops(prep: &PreparedScene, cancel: &Arc<Cancel>) -> Backdrops {
    let mut targets = Vec::new();
    fn collect<'a>(n: &'a DeviceNode, out: &mut Vec<&'a DeviceNode>) {
        if n.effects.as_ref().is_some_and(|fx| fx.background.is_some()) {
            out.push(n);
        }
        match &n.kind {
            DeviceKind::Shape(_) => {}
            DeviceKind::Group { children, .. } | DeviceKind::Embed { children, .. } => {
                children.iter().for_each(|c| collect(c, out))
            }
        }
    }
    prep.nodes.iter().for_each(|n| collect(n, &mut targets));
    let mut done = Backdrops::new();
    for node in targets {
        let Some(radii) = node.effects.as_ref().and_then(|fx| fx.background) else {
            continue;
        };
        let reach = support(radii) as i32;
        let ext = outset(&node.rect, reach);
        if ext.is_empty() || ext.width() * ext.height() > 1 << 28 {
            continue;
        }
        if cancel.check() {
            break;
        }
        let mut sc = Scratch::default();
        sc.cancel = Some(Arc::clone(cancel));
        sc.raster.pattern = prep.pattern;
        // Values are shared: cloning the map copies pointers, not pixels.
        sc.backdrops = Some(Arc::new(done.clone()));
        sc.stop_at = node as *const DeviceNode as usize;
        let bytes = ext.width() * ext.height() * 4;
        // Kept until the render ends: asked for before it is taken.
        if !cancel.can_allocate(bytes) {
            break;
        }
        let mut data = vec![0u8; bytes];
        draw_nodes(
            &mut sc,
            &prep.nodes,
            &mut Surface {
                data: &mut data,
                rect: ext,
            },
            ext,
        );
        let (x, y) = (node.rect.x0 - ext.x0, node.rect.y0 - ext.y0);
        let crop = IRect::new(
            x,
            y,
            x + node.rect.width() as i32,
            y + node.rect.height() as i32,
        );
        let crop = blur_rgba_crop(&mut data, ext.width(), ext.height(), radii, crop);
        let r = node.rect;
        done.insert(
            node as *const DeviceNode as usize,
            Arc::new(Backdrop {
                rect: r,
                data: crop,
            }),
        );
    }
    done
}
