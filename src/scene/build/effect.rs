//! A layer's Octopus effects resolved to render effects.
//!
//! Input: a layer's effects. Output: [`Effect`]s in array order, design pixels.
//! OUTER_GLOW and INNER_GLOW (older PSD output) are drawn as shadows without offset.
//! Guarantees: effects this build does not render (OTHER) are reported with
//! the layer id and skipped, never drawn wrong. Blur radii map to a Gaussian sigma fitted to
//! Figma's own export of the effects frame in the corpus (`refs/fig-effects-octopus-55-3.png`):
//! sigma = radius / 2.25 for shadows and radius / 2.5 for blurs, with the three-box
//! approximation of `raster/effects/blur.rs` (CSS's nominal radius / 2 matched 92% of that frame's
//! pixels, these 97.6%); GAUSSIAN_BLUR gives sigma directly.

use octopus_schema::{
    BlurKind, Effect as SchemaEffect, EffectBasis, EffectKind, FillKind, Shadow, StrokePosition,
};

use super::context::Ctx;
use super::paint::{color_of, resolve_blend, resolve_fill};
use crate::diag::DiagKind;
use crate::scene::{Effect, ShadowEffect, StrokeEffect, StrokeSide};

/// Resolves the visible effects of a layer, reporting those that are not rendered.
pub(super) fn resolve_effects(ctx: &mut Ctx, effects: &[SchemaEffect]) -> Vec<Effect> {
    let mut out = Vec::new();
    for (i, e) in effects.iter().enumerate().filter(|(_, e)| e.visible) {
        ctx.enter_at("effects", i);
        if let Some(effect) = resolve(ctx, e) {
            out.push(effect);
        }
        ctx.leave();
    }
    out
}

fn resolve(ctx: &mut Ctx, e: &SchemaEffect) -> Option<Effect> {
    let basis = match e.basis.unwrap_or(EffectBasis::Fill) {
        EffectBasis::Unknown(v) => {
            ctx.report(
                DiagKind::UnknownValue,
                "basis",
                format!("unknown effect basis {:?}; read as FILL", v.as_str()),
            );
            EffectBasis::Fill
        }
        b => b,
    };
    report_basis(ctx, &e.kind, &basis);
    match &e.kind {
        EffectKind::DropShadow(s) => Some(Effect::DropShadow(shadow(ctx, e, s, &basis))),
        EffectKind::InnerShadow(s) => Some(Effect::InnerShadow(shadow(ctx, e, s, &basis))),
        EffectKind::Blur {
            kind,
            blur,
            filters,
        } => {
            if !filters.is_empty() {
                ctx.report(
                    DiagKind::Unsupported,
                    "filters",
                    "a blur's filters are not applied".into(),
                );
            }
            if !matches!(
                e.blend_mode,
                octopus_schema::BlendMode::Normal | octopus_schema::BlendMode::PassThrough
            ) {
                ctx.report(
                    DiagKind::Approximated,
                    "blendMode",
                    format!(
                        "a blur's blend mode {} is not applied (the blurred layer composites with the layer's own)",
                        e.blend_mode
                    ),
                );
            }
            let sigma = match kind {
                BlurKind::Gaussian | BlurKind::Blur => *blur,
                BlurKind::Bounded | BlurKind::Background => *blur / 2.5,
            };
            let sigma = sigma * ctx.feature_scale();
            let sigma = if sigma.is_finite() {
                sigma.clamp(0.0, 10_000.0) as f32
            } else {
                0.0
            };
            match (kind, &basis) {
                (BlurKind::Background, _) | (_, EffectBasis::Background) => {
                    Some(Effect::BackgroundBlur(sigma))
                }
                (_, EffectBasis::LayerAndEffects) => Some(Effect::LayerBlur(sigma)),
                (_, other) => {
                    ctx.report(
                        DiagKind::Unsupported,
                        "basis",
                        format!("blur with basis {other} is not rendered yet; skipped"),
                    );
                    None
                }
            }
        }
        EffectKind::Overlay(fill) => {
            ctx.enter("overlay");
            let paint = resolve_fill(ctx, fill, &ctx.layer_transform(), &ctx.layer_transform());
            ctx.leave();
            let mut paint = paint?;
            // The effect's own mode wins unless it is PASS_THROUGH (then the fill's).
            if e.blend_mode != octopus_schema::BlendMode::PassThrough {
                paint.blend = resolve_blend(ctx, &e.blend_mode, "blendMode", true);
            }
            Some(Effect::Overlay(paint))
        }
        EffectKind::Stroke(st) => {
            let side = match &st.position {
                StrokePosition::Inside => StrokeSide::Inside,
                StrokePosition::Outside => StrokeSide::Outside,
                _ => StrokeSide::Center,
            };
            let FillKind::Color(c) = &st.fill.kind else {
                ctx.report(
                    DiagKind::Unsupported,
                    "stroke.fill",
                    "STROKE effect with a non-colour fill is not rendered; skipped".into(),
                );
                return None;
            };
            let thickness = st.thickness * ctx.feature_scale();
            let width = if thickness.is_finite() {
                thickness.clamp(0.0, 10_000.0) as f32
            } else {
                0.0
            };
            (width > 0.0 && st.fill.visible).then(|| {
                Effect::Stroke(StrokeEffect {
                    width,
                    side,
                    color: color_of(c),
                    blend: resolve_blend(ctx, &e.blend_mode, "blendMode", false),
                })
            })
        }
        EffectKind::Glow { inner, glow } => {
            // The PSD converter writes a shadow configuration; a glow is that shadow
            // centred on the layer (its offset, a converter placeholder, is ignored, as the
            // reference renderer does).
            let parsed: Result<Shadow, _> = serde_json::from_value(glow.clone());
            match parsed {
                Ok(mut s) => {
                    s.offset.x = 0.0;
                    s.offset.y = 0.0;
                    let sh = shadow(ctx, e, &s, &basis);
                    Some(if *inner {
                        Effect::InnerShadow(sh)
                    } else {
                        Effect::DropShadow(sh)
                    })
                }
                Err(err) => {
                    ctx.report(
                        DiagKind::InvalidValue,
                        "glow",
                        format!("glow parameters are not a shadow configuration ({err}); skipped"),
                    );
                    None
                }
            }
        }
        EffectKind::Other(_) => skip(ctx, "OTHER effect"),
        EffectKind::Unknown(name) => {
            ctx.report(
                DiagKind::UnknownValue,
                "type",
                format!("unknown effect type {name:?}; skipped"),
            );
            None
        }
    }
}

/// Reports the bases an effect is drawn from only approximately: shadows are cast by the
/// body's outline (BODY) or by the layer's painted pixels (every other basis, so FILL counts
/// the strokes too and BODY_AND_STROKES counts translucent paint as partly there); an
/// overlay covers the body; a stroke effect follows the painted pixels.
fn report_basis(ctx: &mut Ctx, kind: &EffectKind, basis: &EffectBasis) {
    let note = match (kind, basis) {
        (
            EffectKind::DropShadow(_) | EffectKind::InnerShadow(_) | EffectKind::Glow { .. },
            EffectBasis::Fill | EffectBasis::BodyAndStrokes,
        ) => Some(
            "the shadow is cast by the layer's painted pixels (strokes and translucency included)",
        ),
        (EffectKind::Overlay(_), EffectBasis::LayerAndEffects | EffectBasis::BodyAndStrokes) => {
            Some("the overlay covers the layer's body only")
        }
        (EffectKind::Stroke(_), EffectBasis::Body | EffectBasis::Fill) => {
            Some("the stroke follows the layer's painted pixels (its strokes included)")
        }
        _ => None,
    };
    if let Some(note) = note {
        ctx.report(
            DiagKind::Approximated,
            "basis",
            format!("effect basis {basis}: {note}"),
        );
    }
}

fn skip(ctx: &mut Ctx, what: &str) -> Option<Effect> {
    ctx.report(
        DiagKind::Unsupported,
        "",
        format!("{what} is not rendered yet; skipped"),
    );
    None
}

fn shadow(ctx: &mut Ctx, e: &SchemaEffect, s: &Shadow, basis: &EffectBasis) -> ShadowEffect {
    let finite = |v: f64| {
        if v.is_finite() {
            v.clamp(-100_000.0, 100_000.0) as f32
        } else {
            0.0
        }
    };
    let k = ctx.feature_scale();
    ShadowEffect {
        offset: (finite(s.offset.x * k), finite(s.offset.y * k)),
        sigma: finite(s.blur * k).abs() / 2.25,
        spread: finite(s.choke * k),
        color: color_of(&s.color),
        blend: resolve_blend(ctx, &e.blend_mode, "blendMode", false),
        body_basis: *basis == EffectBasis::Body,
    }
}

#[cfg(test)]
mod tests {
    use crate::{render_document, NoAssets, RenderConfig};

    /// A 96 x 64 frame with a card whose drop shadow is `(offset, blur, choke)`, inside a
    /// group with `featureScale` (when given).
    fn card(shadow: (f64, f64, f64), feature_scale: Option<f64>) -> Vec<u8> {
        let (offset, blur, choke) = shadow;
        let scale = feature_scale.map_or(String::new(), |f| format!(r#""featureScale":{f},"#));
        let json = format!(
            r#"{{"id":"fs","type":"OCTOPUS_COMPONENT","version":"3.1.1",
            "dimensions":{{"width":96,"height":64}},
            "content":{{"id":"root","type":"GROUP",{scale}"layers":[
             {{"id":"c","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE",
              "rectangle":{{"x0":20,"y0":12,"x1":60,"y1":40}}}},
              "fills":[{{"type":"COLOR","color":{{"r":1,"g":1,"b":1,"a":1}}}}]}},
              "effects":[{{"type":"DROP_SHADOW","basis":"BODY","shadow":{{
               "offset":{{"x":{offset},"y":{offset}}},"blur":{blur},"choke":{choke},
               "color":{{"r":0,"g":0,"b":0,"a":0.6}}}}}}]}}]}}}}"#
        );
        let (img, diags) =
            render_document(json.as_bytes(), &RenderConfig::default(), &NoAssets).expect("renders");
        assert!(diags.is_empty(), "{diags:?}");
        img.data
    }

    #[test]
    fn a_background_blur_beside_a_layer_blur_is_drawn() {
        // A translucent card over stripes, frosted and blurred: its backdrop inside must
        // be smoothed (the stripes gone), which the layer blur alone would not do.
        let doc = |effects: &str| {
            format!(
                r#"{{"id":"bb","type":"OCTOPUS_COMPONENT","version":"3.1.1",
                "dimensions":{{"width":64,"height":64}},
                "content":{{"id":"root","type":"GROUP","layers":[
                 {{"id":"stripes","type":"SHAPE","shape":{{"path":{{"type":"PATH",
                  "geometry":"M0,0H64V4H0Z M0,8H64V12H0Z M0,16H64V20H0Z M0,24H64V28H0Z M0,32H64V36H0Z M0,40H64V44H0Z M0,48H64V52H0Z M0,56H64V60H0Z"}},
                  "fills":[{{"type":"COLOR","color":{{"r":0,"g":0,"b":0,"a":1}}}}]}}}},
                 {{"id":"card","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE",
                  "rectangle":{{"x0":8,"y0":8,"x1":56,"y1":56}}}},
                  "fills":[{{"type":"COLOR","color":{{"r":1,"g":1,"b":1,"a":0.2}}}}]}},
                  "effects":[{effects}]}}]}}}}"#
            )
        };
        let render = |fx: &str| {
            let (img, diags) =
                render_document(doc(fx).as_bytes(), &RenderConfig::default(), &NoAssets)
                    .expect("renders");
            assert!(diags.is_empty(), "{diags:?}");
            img.data
        };
        let background = r#"{"type":"BACKGROUND_BLUR","basis":"BACKGROUND","blur":16}"#;
        let layer = r#"{"type":"BOUNDED_BLUR","basis":"LAYER_AND_EFFECTS","blur":2}"#;
        let both = render(&format!("{background},{layer}"));
        let only_layer = render(layer);
        // Centre column, rows 28..36: stripes alternate opaque and clear under the card.
        let spread = |img: &[u8]| {
            let v: Vec<u8> = (28..36).map(|y| img[(y * 64 + 32) * 4 + 3]).collect();
            v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0)
        };
        assert!(
            spread(&both) < spread(&only_layer) / 2,
            "frosted {} vs plain {}",
            spread(&both),
            spread(&only_layer)
        );
    }

    #[test]
    fn feature_scale_multiplies_shadow_parameters_down_the_tree() {
        let scaled = card((3.0, 4.0, 1.0), Some(2.0));
        assert_eq!(scaled, card((6.0, 8.0, 2.0), None));
        assert_ne!(scaled, card((3.0, 4.0, 1.0), None));
    }
}
