//! The wide-blur pre-pass: layer blurs too wide to render band by band, blurred once.
//!
//! Input: a [`PreparedScene`] whose nodes mark wide layer blurs (`DeviceEffects::wide`,
//! set by `prepare::mark_wide`). Output: one blurred image per such node, keyed by the
//! address of its prepared node, covering the node's pixel bounds. Guarantees: computed once
//! per render, before the backdrops and any band, so every band reads the same pixels; the
//! cost follows the layer's area, not the blur's radius (the blur runs on a grid shrunk by
//! about a quarter of sigma, `effects::shrunk::blur_wide`), so a blur wider than the frame
//! renders as fast as one as wide as it; a wide blur inside another is made first.

use std::sync::Arc;

use crate::raster::cancel::Cancel;
use crate::raster::draw::blur_source;
use crate::raster::draw::scratch::Scratch;
use crate::raster::effects::shrunk::blur_wide;
use crate::raster::prepare::{Backdrop, Backdrops, DeviceKind, DeviceNode, PreparedScene};

/// Blurs every wide layer blur of `prep`, innermost first. Stops (leaving the rest out)
/// when the render is cancelled or its memory guard refuses a layer's buffers; the render
/// then fails with that reason.
pub(super) fn compute_wide(prep: &PreparedScene, cancel: &Arc<Cancel>) -> Backdrops {
    let mut nodes = Vec::new();
    for n in &prep.nodes {
        collect(n, &mut nodes);
    }
    let mut done = Backdrops::new();
    for n in nodes {
        let Some((fx, radii, rect)) = n
            .effects
            .as_ref()
            .and_then(|fx| Some((fx, fx.blur?, fx.wide?)))
        else {
            continue;
        };
        if rect.is_empty() {
            continue;
        }
        // The layer, its body and the composed source at full resolution, at once.
        if cancel.check() || !cancel.can_allocate(rect.width() * rect.height() * 4 * 3) {
            break;
        }
        let mut sc = Scratch::default();
        sc.cancel = Some(Arc::clone(cancel));
        sc.raster.pattern = prep.pattern;
        sc.wide = Some(Arc::new(done.clone()));
        let source = blur_source(&mut sc, n, fx, rect);
        drop(sc);
        let (pixels, pad) = blur_wide(&source, rect.width(), rect.height(), radii, Some(cancel));
        let pad = pad as i32;
        done.insert(
            n as *const DeviceNode as usize,
            Arc::new(Backdrop {
                rect: n.rect,
                origin: (rect.x0 - pad, rect.y0 - pad),
                pixels,
            }),
        );
    }
    done
}

/// The nodes under `n` with a wide blur, children before their parents.
fn collect<'a>(n: &'a DeviceNode, out: &mut Vec<&'a DeviceNode>) {
    match &n.kind {
        DeviceKind::Shape(_) => {}
        DeviceKind::Group { children, mask, .. } => {
            if let Some(m) = mask {
                collect(&m.node, out);
            }
            children.iter().for_each(|c| collect(c, out))
        }
        DeviceKind::Embed { children, .. } => children.iter().for_each(|c| collect(c, out)),
    }
    if n.effects.as_ref().is_some_and(|fx| fx.wide.is_some()) {
        out.push(n);
    }
}

#[cfg(test)]
mod tests {
    use crate::assets::NoAssets;
    use crate::raster::{render, Image, RasterOptions};
    use crate::scene::{build_scene, BuildOptions};

    /// A 600 x 400 frame on white, with a 400 x 250 layer blurred by `radius`; `shadow` adds
    /// a transparent drop shadow, which draws nothing but keeps the blur band by band.
    fn render_blur(radius: f64, shadow: bool, band_height: usize) -> Image {
        let shadow = if shadow {
            r#"{"type":"DROP_SHADOW","basis":"BODY","shadow":{"offset":{"x":0,"y":0},"blur":2,"choke":0,
            "color":{"r":0,"g":0,"b":0,"a":0}}},"#
        } else {
            ""
        };
        let json = format!(
            r#"{{"id":"w","type":"OCTOPUS_COMPONENT","version":"3.1.1",
            "dimensions":{{"width":600,"height":400}},
            "content":{{"id":"root","type":"GROUP","layers":[
             {{"id":"bg","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE",
              "rectangle":{{"x0":0,"y0":0,"x1":600,"y1":400}}}},
              "fills":[{{"type":"COLOR","color":{{"r":1,"g":1,"b":1,"a":1}}}}]}}}},
             {{"id":"b","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE",
              "rectangle":{{"x0":80,"y0":60,"x1":480,"y1":310}}}},
              "fills":[{{"type":"COLOR","color":{{"r":0.9,"g":0.3,"b":0.1,"a":1}}}}]}},
              "effects":[{shadow}{{"type":"BOUNDED_BLUR","basis":"LAYER_AND_EFFECTS",
              "blur":{radius}}}]}}]}}}}"#
        );
        let doc = octopus_schema::parse_document(json.as_bytes()).expect("valid document");
        let scene = build_scene(&doc, &BuildOptions::default(), &NoAssets).expect("scene");
        let opts = RasterOptions {
            band_height,
            ..RasterOptions::default()
        };
        render(&scene, &opts).expect("renders")
    }

    #[test]
    fn a_wide_blur_is_close_to_the_band_by_band_blur() {
        // Sigma 400 (radius 1,000): a reach of about 1,200 pixels, over the wide threshold.
        let wide = render_blur(1000.0, false, 0);
        let bands = render_blur(1000.0, true, 0);
        let worst = wide
            .data
            .iter()
            .zip(&bands.data)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap_or(0);
        println!("wide against band by band: at most {worst} levels apart");
        assert!(worst <= 3, "differs by {worst} levels");
        assert!(wide.data != bands.data, "the wide path was not taken");
    }

    #[test]
    fn a_wide_blur_is_the_same_in_every_band() {
        let a = render_blur(3000.0, false, 0);
        let b = render_blur(3000.0, false, 7);
        assert!(a.data == b.data);
    }
}
