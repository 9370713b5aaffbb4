//! Builds the normalised tree from a parsed document.
//!
//! Input: [`Document`] and [`BuildOptions`]. Output: [`Scene`]. Guarantees: one pass over the
//! layers; every layer, fill, stroke or effect that cannot be represented leaves a
//! diagnostic with its layer id and JSON path; malformed values that make the document
//! meaningless (bad path data, non-positive dimensions) are input errors with the same
//! path and id; a document cannot exceed the configured geometry limits.
//!
//! One file per kind of element: [`context`] (the state every step reports through),
//! [`shape`], [`mask`], [`text_layer`], [`component`] with [`overrides`], [`geometry`] with
//! [`boolean`], [`stroke`], [`paint`] with [`adjust`] and [`svg_image`], [`effect`].

mod adjust;
mod boolean;
mod component;
mod context;
mod effect;
mod geometry;
mod mask;
mod overrides;
mod paint;
mod path_data;
mod shape;
mod stroke;
mod svg_image;
mod text_checks;
mod text_frame;
mod text_layer;
mod text_lists;

use octopus_schema::{Document, Layer, LayerKind};

use crate::assets::AssetResolver;
use crate::diag::DiagKind;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::scene::effect::blur_vanishes;
use crate::scene::{BlendMode, Bounds, Effect, GroupNode, Node, NodeKind, Scene, Transform};
use context::Ctx;
use effect::resolve_effects;
use mask::{build_mask_group, MaskGroup};
use paint::resolve_blend;
use shape::build_shape;

/// Options of scene building.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The render scale the geometry should be precise enough for.
    pub scale: f32,
    /// Path segments, nodes, decoded image pixels and effect reach are checked against
    /// these while building.
    pub limits: Limits,
    /// Give up with a limits error once this instant passes (checked every 256 layers), so
    /// a job over its time budget stops building instead of holding a render thread.
    pub deadline: Option<std::time::Instant>,
    /// The design tool the document comes from (its look where the spec leaves it open).
    pub origin: crate::scene::Origin,
    /// The colour space gradients mix in; `None` picks the origin's (Oklab, Photoshop's
    /// Perceptual default, for Photoshop; sRGB for every other tool).
    pub gradients: Option<crate::scene::GradientSpace>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            scale: 1.0,
            limits: Limits::DEFAULT,
            deadline: None,
            origin: crate::scene::Origin::Unknown,
            gradients: None,
        }
    }
}

/// Builds the render tree of `doc`.
pub fn build_scene(
    doc: &Document,
    opts: &BuildOptions,
    assets: &dyn AssetResolver,
) -> Result<Scene> {
    let mut ctx = Ctx::new(opts.clone(), assets);
    if let Some(v) = &doc.version {
        if doc.major_version() != Some(3) {
            ctx.report(
                DiagKind::UnknownValue,
                "version",
                format!("format version {v:?} is not 3.x; reading it as 3.6"),
            );
        }
    }
    let mut nodes = Vec::new();
    if let Some(content) = &doc.content {
        ctx.enter("content");
        let node = build_layer(&mut ctx, content, &Transform::IDENTITY, false);
        ctx.leave();
        nodes.extend(node?);
    }
    if let Some(e) = ctx.over_budget.take() {
        return Err(e);
    }
    let frame = match &doc.dimensions {
        Some(d) => {
            if !(d.width > 0.0 && d.height > 0.0 && d.width.is_finite() && d.height.is_finite()) {
                return Err(ctx.invalid(
                    "dimensions",
                    format!(
                        "width and height must be positive, got {} x {}",
                        d.width, d.height
                    ),
                ));
            }
            Bounds::new(0.0, 0.0, d.width, d.height)
        }
        None => nodes.iter().fold(Bounds::EMPTY, |b, n| b.union(&n.bounds)),
    };
    if frame.is_empty() {
        return Err(ctx.invalid(
            "dimensions",
            "no `dimensions` and no visible content to size the frame from".into(),
        ));
    }
    Ok(Scene {
        id: doc.id.clone(),
        frame,
        nodes,
        diagnostics: ctx.diags.into_vec(),
    })
}

/// Builds one layer; `force` keeps an invisible layer (a mask's facet is used regardless).
pub(crate) fn build_layer(
    ctx: &mut Ctx,
    layer: &Layer,
    parent: &Transform,
    force: bool,
) -> Result<Option<Node>> {
    if !force && (!layer.visible || layer.opacity <= 0.0) {
        return Ok(None);
    }
    ctx.nodes += 1;
    if ctx.nodes > ctx.opts.limits.nodes {
        return Err(Error::Limit(format!(
            "more than {} layers",
            ctx.opts.limits.nodes
        )));
    }
    if ctx.nodes % 256 == 0
        && ctx
            .opts
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
    {
        return Err(Error::Limit(format!(
            "the time budget ran out while building layer {}",
            ctx.nodes
        )));
    }
    ctx.layers.push(layer.id.clone());
    // A feature scale multiplies effect parameters down the tree (digest §6); negative or
    // non-finite values are invalid and read as 1.
    let own = layer
        .feature_scale
        .filter(|f| f.is_finite() && *f >= 0.0)
        .unwrap_or(1.0);
    if layer
        .feature_scale
        .is_some_and(|f| !(f.is_finite() && f >= 0.0))
    {
        ctx.report(
            DiagKind::InvalidValue,
            "featureScale",
            "featureScale must be a finite number >= 0; read as 1".into(),
        );
    }
    let scale = ctx.feature_scale() * own;
    ctx.feature_scales.push(scale);
    let result = build_layer_inner(ctx, layer, parent);
    ctx.feature_scales.pop();
    ctx.layers.pop();
    result
}

fn build_layer_inner(ctx: &mut Ctx, layer: &Layer, parent: &Transform) -> Result<Option<Node>> {
    let abs = parent.then_apply_to(&layer.transform);
    if !abs.is_finite() {
        ctx.report(
            DiagKind::InvalidValue,
            "transform",
            "transform overflows; layer skipped".into(),
        );
        return Ok(None);
    }
    let blend = resolve_blend(ctx, &layer.blend_mode, "blendMode", true);
    let pass_through = layer.blend_mode == octopus_schema::BlendMode::PassThrough;
    ctx.transforms.push(abs);
    let effects = resolve_effects(ctx, &layer.effects);
    ctx.transforms.pop();
    let kind = match &layer.kind {
        LayerKind::Shape(shape) => {
            ctx.enter("shape");
            // Fills blend straight onto the backdrop, each with its own mode, unless the layer
            // itself has a blend mode (then they are combined first and the result blended).
            // The reference (ODE) always combines first; Figma's own export of the effects
            // frame matches only this way (97.6% -> 99.9% of pixels), so Figma wins.
            let fills_direct = pass_through || blend == BlendMode::Normal;
            let s = build_shape(ctx, shape, &abs, parent, fills_direct);
            ctx.leave();
            match s? {
                Some(s) => NodeKind::Shape(s),
                None => return Ok(None),
            }
        }
        LayerKind::Group { layers } => {
            let children = build_children(ctx, layers, &abs)?;
            NodeKind::Group(GroupNode {
                isolated: !pass_through,
                children,
                mask: None,
            })
        }
        LayerKind::MaskGroup {
            mask,
            mask_basis,
            mask_channels,
            layers,
        } => {
            let group = MaskGroup {
                mask,
                basis: mask_basis,
                channels: mask_channels,
                layers,
                pass_through,
            };
            match build_mask_group(ctx, &abs, &group)? {
                Some(kind) => kind,
                None => return Ok(None),
            }
        }
        LayerKind::Text(text) => {
            let fills_direct = pass_through || blend == BlendMode::Normal;
            match text_layer::build_text(ctx, text, &abs, parent, fills_direct)? {
                Some(kind) => kind,
                None => return Ok(None),
            }
        }
        LayerKind::ComponentReference {
            component_id,
            overrides,
        } => {
            let isolated = !pass_through;
            match component::build_reference(ctx, component_id, overrides, &abs, isolated)? {
                Some(kind) => kind,
                None => return Ok(None),
            }
        }
        LayerKind::Unknown(name) => {
            ctx.report(
                DiagKind::UnknownValue,
                "type",
                format!("unknown layer type {name:?}; layer skipped"),
            );
            return Ok(None);
        }
    };
    let bounds = kind.bounds();
    let opacity = layer.opacity.clamp(0.0, 1.0) as f32;
    let mut kind = kind;
    let mut effects = effects;
    if let NodeKind::Embed(e) = &mut kind {
        // A frame's own effects (its shadow) apply to the frame and what it embeds.
        let mut all = std::mem::take(&mut e.mask_effects);
        all.append(&mut effects);
        effects = all;
    }
    if drop_vanishing(ctx, &mut effects, &bounds) {
        return Ok(None);
    }
    check_effect_extent(ctx, &effects, &kind, &bounds)?;
    let reach = effects.iter().map(|e| e.reach() as f64).fold(0.0, f64::max);
    Ok(Some(Node {
        id: layer.id.clone(),
        opacity,
        blend,
        bounds: bounds.outset(reach),
        kind,
        effects,
    }))
}

/// Removes drop shadows whose blur leaves nothing of the layer (`blur_vanishes`); true when
/// the layer blur leaves nothing of the layer either, so the whole node draws nothing. A
/// layer blur with drop shadows is kept: the blurred shadows are no longer small.
fn drop_vanishing(ctx: &Ctx, effects: &mut Vec<Effect>, bounds: &Bounds) -> bool {
    let s = ctx.scale() as f64;
    let (w, h) = ((bounds.x1 - bounds.x0) * s, (bounds.y1 - bounds.y0) * s);
    effects.retain(|e| match e {
        Effect::DropShadow(d) => {
            let grow = 2.0 * (d.spread as f64 * s).max(0.0);
            !blur_vanishes(d.sigma * s as f32, w + grow, h + grow)
        }
        _ => true,
    });
    let mut variance = 0.0f32;
    let mut grow = 0.0f64;
    for e in effects.iter() {
        match e {
            Effect::DropShadow(_) => return false,
            Effect::LayerBlur(sigma) => variance += sigma * sigma,
            Effect::Stroke(st) => grow = grow.max(2.0 * st.width as f64 * s),
            _ => {}
        }
    }
    variance > 0.0 && blur_vanishes(variance.sqrt() * s as f32, w + grow, h + grow)
}

/// Effects whose extent at the render scale is over the limit fail the render (their cost
/// grows with the extent), rather than take the time and memory of a huge blur. A layer
/// blur is exempt when the raster blurs it once at reduced resolution, whatever its radius
/// (`raster/wide.rs`): no drop shadows, no background blur on it or inside, and a layer
/// within the output-pixel limit.
fn check_effect_extent(
    ctx: &Ctx,
    effects: &[Effect],
    kind: &NodeKind,
    bounds: &Bounds,
) -> Result<()> {
    let s = ctx.scale() as f64;
    let layer_px = (bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0) * s * s;
    let wide = !effects
        .iter()
        .any(|e| matches!(e, Effect::DropShadow(_) | Effect::BackgroundBlur(_)))
        && !kind.has_background_blur()
        && (bounds.is_empty() || layer_px <= ctx.opts.limits.output_pixels as f64);
    let extent = effects
        .iter()
        .filter(|e| !(wide && matches!(e, Effect::LayerBlur(_))))
        .map(|e| e.extent())
        .fold(0.0f32, f32::max)
        * ctx.scale();
    let limit = ctx.opts.limits.effect_reach;
    if extent.is_finite() && extent <= limit as f32 {
        return Ok(());
    }
    Err(ctx.over_limit(
        "effects",
        format!("the effects reach {extent:.0} output pixels, over the limit of {limit}"),
    ))
}

pub(super) fn build_children(
    ctx: &mut Ctx,
    layers: &[Layer],
    abs: &Transform,
) -> Result<Vec<Node>> {
    let mut out = Vec::with_capacity(layers.len());
    for (i, child) in layers.iter().enumerate() {
        ctx.enter_at("layers", i);
        let node = build_layer(ctx, child, abs, false);
        ctx.leave();
        out.extend(node?);
    }
    Ok(out)
}
