//! Drawing a node with its effects: drop shadows below; inner shadows, overlays and effect
//! strokes above the fills and below the strokes; layer blur over the whole.
//!
//! Input: a node, its prepared effects, a destination and a region. Output: the destination
//! updated. Guarantees: the layer is rendered over the region grown by the effects' margin,
//! so a shadow that falls into a band from a layer outside it still shows there; shadows
//! and blurs use the integer kernels of `blur.rs`, so each pixel depends only on the layer
//! within its reach and bands agree byte for byte; drop shadows are knocked out where the
//! layer itself is (as in Figma and the reference); layer opacity and blend mode apply to
//! the layer and its effects together.

use crate::raster::cancel::Cancel;
use crate::raster::composite::blend::{blend, scale, ColorF};
use crate::raster::composite::kernels::over_pixels;
use crate::raster::composite::pixel8::{lerp_w, weight};
use crate::raster::composite::surface::{load, store, Surface};
use crate::raster::draw::draw_plain;
use crate::raster::draw::scratch::Scratch;
use crate::raster::draw::shape::{paint_span, Coverage, ShapeParts};
use crate::raster::effects::blur::blur_until;
use crate::raster::effects::morphology::morph;
use crate::raster::prepare::{
    DeviceEffects, DeviceKind, DeviceNode, DeviceShadow, DeviceStrokeEffect, InnerEffect,
};
use crate::raster::rect::IRect;
use crate::scene::{BlendMode, StrokeSide};

/// Draws `n` with its effects onto `dst` within `region`.
pub(super) fn draw_with_effects(
    sc: &mut Scratch,
    n: &DeviceNode,
    fx: &DeviceEffects,
    dst: &mut Surface<'_>,
    region: IRect,
) {
    if fx.wide.is_some() {
        return draw_wide(sc, n, dst, region);
    }
    let ext = grow(region, fx.margin);
    // The layer alone, on transparent, over the grown region: the basis of every effect.
    let mut layer = sc.pixels(ext);
    draw_plain(
        sc,
        n,
        1.0,
        ShapeParts::All,
        &mut Surface {
            data: &mut layer,
            rect: ext,
        },
        ext,
    );
    let body = body_coverage(sc, n, &layer, ext);
    let basis = Basis {
        layer: &layer,
        body: &body,
        ext,
    };
    if let Some(radii) = fx.blur {
        let mut full = sc.pixels(ext);
        {
            let mut s = Surface {
                data: &mut full,
                rect: ext,
            };
            for d in &fx.drops {
                drop_shadow(d, &basis, &mut s, ext, sc.cancel.as_deref());
            }
            // The layer over its shadows, in the integer kernel: the float formula's exact
            // results never sit on a rounding tie, so the bytes are the same.
            over_pixels(s.data, &layer, 255);
            for i in &fx.inners {
                draw_inner_effect(sc, i, &layer, &body, ext, &mut s, ext);
            }
        }
        blur_until(
            &mut full,
            ext.width(),
            ext.height(),
            4,
            radii,
            sc.cancel.as_deref(),
        );
        if fx.background.is_some() {
            // A frosted backdrop under the blurred layer: the backdrop is blurred within
            // the body first, then the blurred layer goes over it, and the pair takes the
            // layer's opacity together (as the layer and its backdrop blur do unblurred).
            let mut copy = sc.copy_of(dst, region);
            {
                let mut target = Surface {
                    data: &mut copy,
                    rect: region,
                };
                background(sc, n, &body, ext, &mut target, region);
                composite(&mut target, &full, ext, region, n.blend, 1.0);
            }
            blend_copy(dst, &copy, region, n.opacity);
            sc.give_pixels(copy);
        } else {
            composite(dst, &full, ext, region, n.blend, n.opacity);
        }
        sc.give_pixels(full);
    } else {
        let direct = n.opacity >= 1.0 && n.blend == BlendMode::Normal;
        if direct {
            for d in &fx.drops {
                drop_shadow(d, &basis, dst, region, sc.cancel.as_deref());
            }
            background(sc, n, &body, ext, dst, region);
            draw_content(sc, n, fx, &basis, dst, region);
        } else {
            let mut copy = sc.copy_of(dst, region);
            {
                let mut target = Surface {
                    data: &mut copy,
                    rect: region,
                };
                for d in &fx.drops {
                    drop_shadow(d, &basis, &mut target, region, sc.cancel.as_deref());
                }
                background(sc, n, &body, ext, &mut target, region);
                draw_content(sc, n, fx, &basis, &mut target, region);
            }
            blend_copy(dst, &copy, region, n.opacity);
            sc.give_pixels(copy);
        }
    }
    sc.give_pixels(body);
    sc.give_pixels(layer);
}

/// Mixes `copy` (the `region` of `dst` with the layer drawn on it) into `dst` at `opacity`.
fn blend_copy(dst: &mut Surface<'_>, copy: &[u8], region: IRect, opacity: f32) {
    let w = region.width() * 4;
    let t = weight(opacity);
    for (row, y) in copy.chunks_exact(w).zip(region.y0..region.y1) {
        let out = dst.span_mut(region.x0, region.x1, y);
        for (s, d) in row.chunks_exact(4).zip(out.chunks_exact_mut(4)) {
            lerp_w(d, s, t);
        }
    }
}

/// A wide layer blur: the rows of its blurred image (computed once per render, see
/// `raster/wide.rs`) composited with the layer's mode and opacity.
fn draw_wide(sc: &mut Scratch, n: &DeviceNode, dst: &mut Surface<'_>, region: IRect) {
    let key = n as *const DeviceNode as usize;
    // Absent only when the render was cancelled before it was made.
    let Some(b) = sc.wide.as_ref().and_then(|w| w.get(&key)).cloned() else {
        return;
    };
    let area = region.intersect(&b.rect);
    let mut row = vec![0u8; area.width() * 4];
    for y in area.y0..area.y1 {
        b.span(y, area.x0, area.x1, &mut row);
        let out = dst.span_mut(area.x0, area.x1, y);
        for (d, s) in out.chunks_exact_mut(4).zip(row.chunks_exact(4)) {
            if s[3] != 0 {
                store(d, blend(load(d), scale(load(s), n.opacity), n.blend));
            }
        }
    }
}

/// What a wide layer blur blurs: the layer over `rect` with its inner effects, composed as
/// the band-by-band layer blur composes it (a wide blur has no drop shadows).
pub(crate) fn blur_source(
    sc: &mut Scratch,
    n: &DeviceNode,
    fx: &DeviceEffects,
    rect: IRect,
) -> Vec<u8> {
    let mut layer = sc.pixels(rect);
    let mut surface = Surface {
        data: &mut layer,
        rect,
    };
    draw_plain(sc, n, 1.0, ShapeParts::All, &mut surface, rect);
    let body = body_coverage(sc, n, &layer, rect);
    let mut full = sc.pixels(rect);
    {
        let mut s = Surface {
            data: &mut full,
            rect,
        };
        over_pixels(s.data, &layer, 255);
        for i in &fx.inners {
            draw_inner_effect(sc, i, &layer, &body, rect, &mut s, rect);
        }
    }
    sc.give_pixels(body);
    sc.give_pixels(layer);
    full
}

/// Background blur: inside the layer's outline, what lies behind it is replaced by its
/// blurred copy (computed once per render, see `prepare::compute_backdrops`).
fn background(
    sc: &mut Scratch,
    n: &DeviceNode,
    body: &[u8],
    ext: IRect,
    target: &mut Surface<'_>,
    region: IRect,
) {
    let key = n as *const DeviceNode as usize;
    let Some(bd) = sc.backdrops.as_ref().and_then(|b| b.get(&key)) else {
        return;
    };
    let area = region.intersect(&bd.rect);
    let w = ext.width();
    let mut behind = vec![0u8; area.width() * 4];
    for y in area.y0..area.y1 {
        bd.span(y, area.x0, area.x1, &mut behind);
        let out = target.span_mut(area.x0, area.x1, y);
        let body_row = (y - ext.y0) as usize * w + (area.x0 - ext.x0) as usize;
        let body = &body[body_row..body_row + area.width()];
        for ((px, b), &cover) in out
            .chunks_exact_mut(4)
            .zip(behind.chunks_exact(4))
            .zip(body)
        {
            if cover != 0 {
                lerp_w(px, b, cover as u32);
            }
        }
    }
}

/// What every effect of a layer is computed from.
#[derive(Clone, Copy)]
struct Basis<'a> {
    /// The layer alone, on transparent, over `ext`.
    layer: &'a [u8],
    /// Its body coverage (or alpha, for groups) over `ext`.
    body: &'a [u8],
    /// The region grown by the effects' margin.
    ext: IRect,
}

/// The layer itself with its inner shadows between fills and strokes.
fn draw_content(
    sc: &mut Scratch,
    n: &DeviceNode,
    fx: &DeviceEffects,
    basis: &Basis<'_>,
    target: &mut Surface<'_>,
    region: IRect,
) {
    let Basis { layer, body, ext } = *basis;
    if fx.inners.is_empty() {
        return draw_plain(sc, n, 1.0, ShapeParts::All, target, region);
    }
    let is_shape = matches!(n.kind, DeviceKind::Shape(_));
    draw_plain(
        sc,
        n,
        1.0,
        if is_shape {
            ShapeParts::FillsOnly
        } else {
            ShapeParts::All
        },
        target,
        region,
    );
    for i in &fx.inners {
        draw_inner_effect(sc, i, layer, body, ext, target, region);
    }
    if is_shape {
        draw_plain(sc, n, 1.0, ShapeParts::StrokesOnly, target, region);
    }
}

fn grow(r: IRect, d: i32) -> IRect {
    IRect::new(r.x0 - d, r.y0 - d, r.x1 + d, r.y1 + d)
}

/// Coverage of the outline (shapes) or the layer's alpha (groups), one byte per pixel.
fn body_coverage(sc: &mut Scratch, n: &DeviceNode, layer: &[u8], ext: IRect) -> Vec<u8> {
    let mut out = sc.pixels(IRect::EMPTY);
    match &n.kind {
        DeviceKind::Shape(s) => sc.raster.fill(&s.body, s.even_odd, ext, &mut out),
        DeviceKind::Embed { mask, .. } => sc.raster.fill(&mask.body, mask.even_odd, ext, &mut out),
        DeviceKind::Group { .. } => out.extend(layer.chunks_exact(4).map(|p| p[3])),
    }
    out
}

/// The basis alpha of a shadow over `ext`, shifted by its offset and grown or shrunk.
fn shadow_basis(
    s: &DeviceShadow,
    layer: &[u8],
    body: &[u8],
    ext: IRect,
    grow_sign: i32,
) -> Vec<u8> {
    let (w, h) = (ext.width(), ext.height());
    let mut a = vec![0u8; w * h];
    for y in 0..h as i32 {
        let sy = y - s.dy;
        if sy < 0 || sy >= h as i32 {
            continue;
        }
        for x in 0..w as i32 {
            let sx = x - s.dx;
            if sx < 0 || sx >= w as i32 {
                continue;
            }
            let i = (sy as usize) * w + sx as usize;
            a[y as usize * w + x as usize] = if s.body_basis {
                body[i]
            } else {
                layer[i * 4 + 3]
            };
        }
    }
    morph(&mut a, w, h, grow_sign * s.spread);
    a
}

/// Paints a drop shadow under what `target` holds, knocked out by the layer's body.
fn drop_shadow(
    s: &DeviceShadow,
    basis: &Basis<'_>,
    target: &mut Surface<'_>,
    region: IRect,
    cancel: Option<&Cancel>,
) {
    let Basis { layer, body, ext } = *basis;
    let mut a = shadow_basis(s, layer, body, ext, 1);
    blur_until(&mut a, ext.width(), ext.height(), 1, s.radii, cancel);
    paint_colour(target, region, ext, s.color, s.blend, |i| {
        a[i] as f32 / 255.0 * (1.0 - body[i] as f32 / 255.0)
    });
}

/// Paints `color` over `region` of `target` with per-pixel weight `weight(index in ext)`.
fn paint_colour(
    target: &mut Surface<'_>,
    region: IRect,
    ext: IRect,
    color: ColorF,
    mode: BlendMode,
    weight: impl Fn(usize) -> f32,
) {
    let w = ext.width();
    for y in region.y0..region.y1 {
        let out = target.span_mut(region.x0, region.x1, y);
        for (k, px) in out.chunks_exact_mut(4).enumerate() {
            let t = weight((y - ext.y0) as usize * w + (region.x0 - ext.x0) as usize + k);
            if t > 0.0 {
                store(px, blend(load(px), scale(color, t), mode));
            }
        }
    }
}

/// Paints one effect of the inner slot (above fills, below strokes).
fn draw_inner_effect(
    sc: &mut Scratch,
    e: &InnerEffect,
    layer: &[u8],
    body: &[u8],
    ext: IRect,
    target: &mut Surface<'_>,
    region: IRect,
) {
    match e {
        InnerEffect::Shadow(s) => {
            let basis = Basis { layer, body, ext };
            inner_shadow(s, &basis, target, region, sc.cancel.as_deref())
        }
        InnerEffect::Overlay(p) => {
            // The overlay covers the layer where its body is (docs/rendering.md §6: clipped by the body).
            let w = ext.width();
            let mut cov = sc.mask();
            cov.clear();
            for y in region.y0..region.y1 {
                let start = (y - ext.y0) as usize * w + (region.x0 - ext.x0) as usize;
                cov.extend_from_slice(&body[start..start + region.width()]);
            }
            paint_span(sc, p, p.blend, Coverage::Mask(&cov), 1.0, target, region);
            sc.give_mask(cov);
        }
        InnerEffect::Stroke(st) => effect_stroke(st, layer, ext, target, region),
    }
}

/// Paints a STROKE effect: a band along the edge of the layer's alpha.
fn effect_stroke(
    st: &DeviceStrokeEffect,
    layer: &[u8],
    ext: IRect,
    target: &mut Surface<'_>,
    region: IRect,
) {
    let (w, h) = (ext.width(), ext.height());
    let alpha: Vec<u8> = layer.chunks_exact(4).map(|p| p[3]).collect();
    let (outer, inner) = match st.side {
        StrokeSide::Outside => (st.width, 0),
        StrokeSide::Inside => (0, st.width),
        StrokeSide::Center => ((st.width + 1) / 2, st.width / 2),
    };
    let mut grown = alpha.clone();
    morph(&mut grown, w, h, outer);
    let mut shrunk = alpha;
    morph(&mut shrunk, w, h, -inner);
    paint_colour(target, region, ext, st.color, st.blend, |i| {
        grown[i].saturating_sub(shrunk[i]) as f32 / 255.0
    });
}

/// Paints an inner shadow over what `target` holds, inside the layer only.
fn inner_shadow(
    s: &DeviceShadow,
    basis: &Basis<'_>,
    target: &mut Surface<'_>,
    region: IRect,
    cancel: Option<&Cancel>,
) {
    let Basis { layer, body, ext } = *basis;
    let mut a = shadow_basis(s, layer, body, ext, -1);
    blur_until(&mut a, ext.width(), ext.height(), 1, s.radii, cancel);
    paint_colour(target, region, ext, s.color, s.blend, |i| {
        let inside = if s.body_basis {
            body[i]
        } else {
            layer[i * 4 + 3]
        } as f32
            / 255.0;
        (1.0 - a[i] as f32 / 255.0) * inside
    });
}

/// Composites the `region` part of `src` (covering `ext`) onto `dst`.
fn composite(
    dst: &mut Surface<'_>,
    src: &[u8],
    ext: IRect,
    region: IRect,
    mode: BlendMode,
    opacity: f32,
) {
    let w = ext.width();
    let n = region.width() * 4;
    for y in region.y0..region.y1 {
        let out = dst.span_mut(region.x0, region.x1, y);
        let i = ((y - ext.y0) as usize * w + (region.x0 - ext.x0) as usize) * 4;
        let row = &src[i..i + n];
        if mode == BlendMode::Normal {
            // Source-over in 8-bit integers at the opacity's weight, as layers composite.
            over_pixels(out, row, weight(opacity) as u8);
            continue;
        }
        for (d, s) in out.chunks_exact_mut(4).zip(row.chunks_exact(4)) {
            if s[3] != 0 {
                store(d, blend(load(d), scale(load(s), opacity), mode));
            }
        }
    }
}
