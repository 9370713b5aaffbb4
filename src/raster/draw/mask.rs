//! Mask facets: the scalar a mask layer contributes per pixel.
//!
//! Input: a prepared mask (its node, facet and channel weights) and a region. Output: one
//! value in 0..1 per pixel of the region, `t = m0·R + m1·G + m2·B + m3·A + m4` on the
//! un-premultiplied facet. Guarantee: a BODY facet of a shape is its coverage alone (no
//! paint is evaluated); every other facet is rendered isolated at opacity 1.

use crate::raster::composite::surface::Surface;
use crate::raster::draw::draw_node;
use crate::raster::draw::scratch::Scratch;
use crate::raster::draw::shape::{draw_shape, ShapeParts};
use crate::raster::prepare::{DeviceKind, DeviceMask};
use crate::raster::rect::IRect;
use crate::scene::{BlendMode, MaskFacet};

/// The scalar mask value per pixel of `region`, 0..1.
pub(super) fn facet_values(sc: &mut Scratch, m: &DeviceMask, region: IRect) -> Vec<f32> {
    let alpha_only = m.channels == [0.0, 0.0, 0.0, 1.0, 0.0];
    if let (DeviceKind::Shape(s), MaskFacet::Body) = (&m.node.kind, m.facet) {
        let mut cov = sc.mask();
        sc.raster.fill(&s.body, s.even_odd, region, &mut cov);
        let ch = m.channels;
        let white = (ch[0] + ch[1] + ch[2]).clamp(-1e6, 1e6);
        let out = cov
            .iter()
            .map(|&c| {
                let a = c as f32 / 255.0;
                if alpha_only {
                    a
                } else {
                    let rgb = if c > 0 { white } else { 0.0 };
                    (rgb + ch[3] * a + ch[4]).clamp(0.0, 1.0)
                }
            })
            .collect();
        sc.give_mask(cov);
        return out;
    }
    let mut buf = sc.pixels(region);
    let mut s = Surface {
        data: &mut buf,
        rect: region,
    };
    match (&m.node.kind, m.facet) {
        (DeviceKind::Shape(shape), MaskFacet::Fill) => draw_shape(
            sc,
            shape,
            1.0,
            BlendMode::Normal,
            ShapeParts::FillsOnly,
            &mut s,
            region,
        ),
        _ => draw_node(sc, &m.node, &mut s, region),
    }
    let out = buf
        .chunks_exact(4)
        .map(|p| channel_value(p, &m.channels, alpha_only))
        .collect();
    sc.give_pixels(buf);
    out
}

/// `t = m0·R + m1·G + m2·B + m3·A + m4` on the un-premultiplied pixel.
fn channel_value(p: &[u8], ch: &[f32; 5], alpha_only: bool) -> f32 {
    let a = p[3] as f32 / 255.0;
    if alpha_only {
        return a;
    }
    let un = |v: u8| {
        if p[3] == 0 {
            0.0
        } else {
            v as f32 / p[3] as f32
        }
    };
    (ch[0] * un(p[0]) + ch[1] * un(p[1]) + ch[2] * un(p[2]) + ch[3] * a + ch[4]).clamp(0.0, 1.0)
}
