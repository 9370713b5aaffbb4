//! Builds the normalised tree from a parsed document.
//!
//! Input: [`Document`] and [`SceneOptions`]. Output: [`Scene`]. Guarantees: one pass over the
//! layers; every layer, fill, stroke or effect that cannot be represented leaves a
//! diagnostic with its layer id and JSON path; malformed values that make the document
//! meaningless (bad path data, non-positive dimensions) are input errors with the same
//! path and id; a document cannot exceed the configured geometry limits.

use std::collections::HashMap;
use std::sync::Arc;

use octopus_schema::{Document, FillRule, Layer, LayerKind, MaskBasis, Shape, Transform};

use super::bitmap::{decode, Bitmap};
use crate::assets::AssetResolver;

use super::effect::resolve_effects;
use super::geometry::build_path;
use super::paint::{resolve_blend, resolve_fill};
use super::stroke::build_stroke;
use super::{
    Bounds, EmbedNode, GroupNode, Mask, MaskFacet, Node, NodeKind, Scene, ShapeNode,
    StrokeGeometry, StrokeNode, StrokeSide,
};
use crate::diag::{DiagKind, Diagnostics};
use crate::error::{Error, Result};

/// Options of scene building.
#[derive(Debug, Clone)]
pub struct SceneOptions {
    /// The render scale the geometry should be precise enough for.
    pub scale: f32,
    /// Most path segments a document may have (hostile-input guard).
    pub max_path_segments: usize,
    /// Most nodes a document may have.
    pub max_nodes: usize,
    /// Most pixels one bitmap may have.
    pub max_image_pixels: u64,
    /// Give up with a limits error once this instant passes (checked every 256 layers), so
    /// a job over its time budget stops building instead of holding a render thread.
    pub deadline: Option<std::time::Instant>,
}

impl Default for SceneOptions {
    fn default() -> Self {
        SceneOptions {
            scale: 1.0,
            max_path_segments: 20_000_000,
            max_nodes: 2_000_000,
            max_image_pixels: 100_000_000,
            deadline: None,
        }
    }
}

/// Builder state: diagnostics, the current JSON path and layer, limits, bitmaps.
pub struct Ctx<'a> {
    assets: &'a dyn AssetResolver,
    bitmaps: HashMap<String, Result<Arc<Bitmap>, (DiagKind, String)>>,
    diags: Diagnostics,
    transforms: Vec<Transform>,
    path: Vec<String>,
    layers: Vec<String>,
    opts: SceneOptions,
    segments: usize,
    nodes: usize,
    components: HashMap<String, Option<serde_json::Value>>,
    expanding: Vec<String>,
}

impl<'a> Ctx<'a> {
    fn new(opts: SceneOptions, assets: &'a dyn AssetResolver) -> Self {
        Ctx {
            assets,
            bitmaps: HashMap::new(),
            transforms: Vec::new(),
            diags: Diagnostics::default(),
            path: Vec::new(),
            layers: Vec::new(),
            opts,
            segments: 0,
            nodes: 0,
            components: HashMap::new(),
            expanding: Vec::new(),
        }
    }

    /// Descends into a JSON field (`"shape"`, `"fills[0]"`).
    pub fn enter(&mut self, seg: String) {
        self.path.push(seg);
    }

    /// Leaves the last field entered.
    pub fn leave(&mut self) {
        self.path.pop();
    }

    fn path_to(&self, field: &str) -> String {
        let mut p = self.path.join(".");
        if !field.is_empty() {
            if !p.is_empty() {
                p.push('.');
            }
            p.push_str(field);
        }
        if p.is_empty() {
            ".".into()
        } else {
            p
        }
    }

    /// Records a diagnostic about `field` of the current element.
    pub fn report(&mut self, kind: DiagKind, field: &str, message: String) {
        let path = self.path_to(field);
        let layer = self.layers.last().cloned();
        self.diags.push(kind, layer.as_deref(), path, message);
    }

    /// An input error about `field` of the current element.
    pub fn invalid(&self, field: &str, message: String) -> Error {
        Error::Invalid {
            path: self.path_to(field),
            layer_id: self.layers.last().cloned(),
            message,
        }
    }

    /// Counts path segments against the limit.
    pub fn count_segments(&mut self, n: usize) -> Result<()> {
        self.segments += n;
        if self.segments > self.opts.max_path_segments {
            return Err(Error::Limit(format!(
                "more than {} path segments (at {})",
                self.opts.max_path_segments,
                self.path_to("")
            )));
        }
        Ok(())
    }

    /// Decodes a bitmap, or rasterises an SVG at twice the render scale (so it stays sharp
    /// when the design draws it up to twice its intrinsic size).
    fn decode_image(&mut self, key: &str, bytes: &[u8]) -> Result<Bitmap, String> {
        if !super::svg::is_svg(bytes) {
            return decode(bytes, self.opts.max_image_pixels);
        }
        if super::svg::has_text(bytes) {
            self.report(
                DiagKind::Unsupported,
                "image.ref",
                format!("text inside the SVG image {key:?} is not drawn"),
            );
        }
        super::svg::rasterise(
            bytes,
            2.0 * self.opts.scale.max(1.0),
            self.opts.max_image_pixels,
        )
    }

    /// The decoded bitmap of image `key`, decoded once per document; reports a missing or
    /// undecodable image at the current element.
    pub fn bitmap(&mut self, key: &str) -> Option<Arc<Bitmap>> {
        if !self.bitmaps.contains_key(key) {
            let decoded = match self.assets.image(key) {
                None => Err((
                    DiagKind::MissingAsset,
                    format!("image {key:?} not found; fill skipped"),
                )),
                Some(bytes) => self.decode_image(key, &bytes).map(Arc::new).map_err(|e| {
                    (
                        DiagKind::InvalidValue,
                        format!("image {key:?}: {e}; fill skipped"),
                    )
                }),
            };
            self.bitmaps.insert(key.to_owned(), decoded);
        }
        match self.bitmaps.get(key).cloned() {
            Some(Ok(bitmap)) => Some(bitmap),
            Some(Err((kind, msg))) => {
                // Every fill using a missing image reports, with the same words.
                self.report(kind, "image.ref", msg);
                None
            }
            None => None,
        }
    }

    /// The JSON of component `id` from the resolver, parsed once per scene.
    pub fn component_json(&mut self, id: &str) -> Option<serde_json::Value> {
        let assets = self.assets;
        self.components
            .entry(id.to_owned())
            .or_insert_with(|| {
                assets
                    .component(id)
                    .and_then(|b| serde_json::from_slice(&b).ok())
            })
            .clone()
    }

    /// Components being expanded, outermost first.
    pub fn expanding(&self) -> &[String] {
        &self.expanding
    }

    /// Enters component `id`.
    pub fn push_expanding(&mut self, id: &str) {
        self.expanding.push(id.to_owned());
    }

    /// Leaves the innermost component.
    pub fn pop_expanding(&mut self) {
        self.expanding.pop();
    }

    /// The fonts text is drawn with.
    pub fn font_book(&self) -> &'a crate::text::FontBook {
        self.assets.fonts()
    }

    /// Id of the layer being built.
    pub fn layer_id(&self) -> Option<String> {
        self.layers.last().cloned()
    }

    /// Absolute transform of the layer being built (identity outside layers).
    pub fn layer_transform(&self) -> Transform {
        self.transforms
            .last()
            .copied()
            .unwrap_or(Transform::IDENTITY)
    }

    /// Render scale hint.
    pub fn scale(&self) -> f32 {
        self.opts.scale
    }

    /// Tolerance for flattening curves before boolean operations, in local units.
    pub fn flatten_tolerance(&self) -> f32 {
        0.02 / self.opts.scale.max(1e-3)
    }
}

/// Builds the render tree of `doc`.
pub fn build_scene(
    doc: &Document,
    opts: &SceneOptions,
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
        ctx.enter("content".into());
        let node = build_layer(&mut ctx, content, &Transform::IDENTITY, false);
        ctx.leave();
        nodes.extend(node?);
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
pub(super) fn build_layer(
    ctx: &mut Ctx,
    layer: &Layer,
    parent: &Transform,
    force: bool,
) -> Result<Option<Node>> {
    if !force && (!layer.visible || layer.opacity <= 0.0) {
        return Ok(None);
    }
    ctx.nodes += 1;
    if ctx.nodes > ctx.opts.max_nodes {
        return Err(Error::Limit(format!(
            "more than {} layers",
            ctx.opts.max_nodes
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
    let result = build_layer_inner(ctx, layer, parent);
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
            ctx.enter("shape".into());
            // Fills blend straight onto the backdrop, each with its own mode, unless the layer
            // itself has a blend mode (then they are combined first and the result blended).
            // The reference (ODE) always combines first; Figma's own export of the effects
            // frame matches only this way (97.6% -> 99.9% of pixels), so Figma wins.
            let fills_direct = pass_through || blend == super::paint::BlendMode::Normal;
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
            match build_mask_group(
                ctx,
                &abs,
                mask,
                mask_basis,
                mask_channels,
                layers,
                pass_through,
            )? {
                Some(kind) => kind,
                None => return Ok(None),
            }
        }
        LayerKind::Text(text) => {
            let fills_direct = pass_through || blend == super::paint::BlendMode::Normal;
            match super::text::build_text(ctx, text, &abs, parent, fills_direct)? {
                Some(kind) => kind,
                None => return Ok(None),
            }
        }
        LayerKind::ComponentReference {
            component_id,
            overrides,
        } => {
            let isolated = !pass_through;
            match super::component::build_reference(ctx, component_id, overrides, &abs, isolated)? {
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
    let bounds = kind_bounds(&kind);
    let opacity = layer.opacity.clamp(0.0, 1.0) as f32;
    let mut kind = kind;
    let mut effects = effects;
    if let NodeKind::Embed(e) = &mut kind {
        // A frame's own effects (its shadow) apply to the frame and what it embeds.
        let mut all = std::mem::take(&mut e.mask_effects);
        all.append(&mut effects);
        effects = all;
    }
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

fn build_children(ctx: &mut Ctx, layers: &[Layer], abs: &Transform) -> Result<Vec<Node>> {
    let mut out = Vec::with_capacity(layers.len());
    for (i, child) in layers.iter().enumerate() {
        ctx.enter(format!("layers[{i}]"));
        let node = build_layer(ctx, child, abs, false);
        ctx.leave();
        out.extend(node?);
    }
    Ok(out)
}

fn build_shape(
    ctx: &mut Ctx,
    shape: &Shape,
    abs: &Transform,
    parent: &Transform,
    pass_through: bool,
) -> Result<Option<ShapeNode>> {
    let even_odd = match &shape.fill_rule {
        Some(FillRule::NonZero) => false,
        Some(FillRule::EvenOdd) | None => true,
        Some(FillRule::Unknown(r)) => {
            ctx.report(
                DiagKind::UnknownValue,
                "fillRule",
                format!("unknown fill rule {r:?}; using EVEN_ODD"),
            );
            true
        }
    };
    let body = match &shape.path {
        Some(p) => {
            ctx.enter("path".into());
            let b = build_path(ctx, p, even_odd);
            ctx.leave();
            b?
        }
        None => None,
    };
    // Exact capacities: a vector grown from empty holds four elements, and a map of 150,000
    // shapes with one fill and one stroke each would carry 120 MB of unused slots.
    let mut fills = Vec::with_capacity(shape.fills.len());
    // Several open subpaths and a fill: a Figma vector network, whose fill covers the faces
    // the segments enclose. Strokes keep the segments themselves.
    let network_faces = match &body {
        Some(p) if !shape.fills.is_empty() && is_network(p) => {
            Some(super::boolean::network_faces(p, ctx.flatten_tolerance()))
        }
        _ => None,
    };
    for (i, f) in shape.fills.iter().enumerate() {
        ctx.enter(format!("fills[{i}]"));
        fills.extend(resolve_fill(ctx, f, abs, parent));
        ctx.leave();
    }
    let mut strokes = Vec::with_capacity(shape.strokes.len());
    for (i, s) in shape.strokes.iter().enumerate() {
        ctx.enter(format!("strokes[{i}]"));
        let built = build_stroke(ctx, s, body.as_ref(), abs, parent);
        ctx.leave();
        strokes.extend(built?);
    }
    let body = network_faces.unwrap_or(body);
    let object_bounds = body
        .as_ref()
        .map_or(Bounds::EMPTY, |p| Bounds::of_path(p, abs));
    let stroke_bounds = strokes_bounds(&strokes, &object_bounds, abs);
    Ok(Some(ShapeNode {
        transform: *abs,
        body,
        even_odd,
        fills,
        strokes,
        pass_through,
        object_bounds,
        stroke_bounds,
    }))
}

/// What `strokes` can paint in component space (INSIDE ones only within the body).
pub fn strokes_bounds(strokes: &[StrokeNode], object_bounds: &Bounds, abs: &Transform) -> Bounds {
    strokes.iter().fold(Bounds::EMPTY, |b, st| {
        let sb = match &st.geometry {
            StrokeGeometry::Outline(p) => Bounds::of_path(p, abs),
            // Offsets reach at most half the width times the larger of the outer miter
            // limit and the inner one (4) from the outline.
            StrokeGeometry::Thin {
                width, miter_limit, ..
            } => {
                let k = abs.determinant().abs().sqrt();
                object_bounds.outset(0.5 * (*width * miter_limit.max(4.0)) as f64 * k)
            }
        };
        b.union(&if st.side == StrokeSide::Inside {
            sb.intersect(object_bounds)
        } else {
            sb
        })
    })
}

/// Two or more subpaths, none closed: a vector network rather than an outline.
fn is_network(p: &tiny_skia_path::Path) -> bool {
    use tiny_skia_path::PathVerb;
    let verbs = p.verbs();
    !verbs.contains(&PathVerb::Close) && verbs.iter().filter(|v| **v == PathVerb::Move).count() >= 2
}

#[allow(clippy::too_many_arguments)]
fn build_mask_group(
    ctx: &mut Ctx,
    abs: &Transform,
    mask: &Layer,
    basis: &MaskBasis,
    channels: &[f64; 5],
    layers: &[Layer],
    pass_through: bool,
) -> Result<Option<NodeKind>> {
    ctx.enter("mask".into());
    let mask_node = build_layer(ctx, mask, abs, true);
    ctx.leave();
    let mask_node = mask_node?;
    let children = build_children(ctx, layers, abs)?;
    let drawn = mask.visible && mask.opacity > 0.0;
    let facet = match basis {
        MaskBasis::Solid => None,
        MaskBasis::Body => Some(MaskFacet::Body),
        MaskBasis::Fill => Some(MaskFacet::Fill),
        MaskBasis::LayerAndEffects => Some(MaskFacet::LayerAndEffects),
        MaskBasis::BodyEmbed | MaskBasis::FillEmbed => {
            return Ok(Some(embed(
                ctx,
                basis,
                mask,
                mask_node,
                drawn,
                children,
                pass_through,
            )));
        }
        MaskBasis::Unknown(b) => {
            ctx.report(
                DiagKind::UnknownValue,
                "maskBasis",
                format!("unknown mask basis {b:?}; using BODY"),
            );
            Some(MaskFacet::Body)
        }
    };
    let mut all = Vec::with_capacity(children.len() + 1);
    if drawn {
        all.extend(mask_node.clone());
    }
    all.extend(children);
    let mask = match facet {
        None => None,
        // An empty mask (e.g. a stroke-only shape used by its body) hides the whole group.
        Some(_) if mask_node.is_none() && channels[4] <= 0.0 => return Ok(None),
        Some(facet) => mask_node.map(|mut node| {
            node.opacity = 1.0;
            Box::new(Mask {
                node,
                facet,
                channels: channels.map(|c| c as f32),
            })
        }),
    };
    Ok(Some(NodeKind::Group(GroupNode {
        isolated: !pass_through,
        children: all,
        mask,
    })))
}

/// Children embedded into a shape mask; non-shape masks fall back to a drawn BODY mask.
fn embed(
    ctx: &mut Ctx,
    basis: &MaskBasis,
    mask: &Layer,
    mask_node: Option<Node>,
    drawn: bool,
    children: Vec<Node>,
    pass_through: bool,
) -> NodeKind {
    if !mask.visible {
        // The reference applies no clipping at all when an embedding mask is invisible.
        return NodeKind::Group(GroupNode {
            isolated: !pass_through,
            children,
            mask: None,
        });
    }
    if *basis == MaskBasis::FillEmbed {
        ctx.report(
            DiagKind::Approximated,
            "maskBasis",
            "FILL_EMBED clips by the mask outline, not its fill alpha".into(),
        );
    }
    match mask_node {
        Some(Node {
            kind: NodeKind::Shape(shape),
            opacity,
            id,
            effects,
            ..
        }) => NodeKind::Embed(Box::new(EmbedNode {
            mask_effects: effects,
            mask: shape,
            mask_opacity: if drawn { opacity } else { 0.0 },
            mask_id: id,
            isolated: !pass_through,
            children,
        })),
        Some(node) => {
            let mut all = vec![node.clone()];
            all.extend(children);
            let mut facet_node = node;
            facet_node.opacity = 1.0;
            let mask = Box::new(Mask {
                node: facet_node,
                facet: MaskFacet::Body,
                channels: [0.0, 0.0, 0.0, 1.0, 0.0],
            });
            NodeKind::Group(GroupNode {
                isolated: !pass_through,
                children: all,
                mask: Some(mask),
            })
        }
        None => NodeKind::Group(GroupNode {
            isolated: !pass_through,
            children: Vec::new(),
            mask: None,
        }),
    }
}

/// Layer bounds of a shape: the body when painted, plus the strokes.
pub fn shape_bounds(s: &ShapeNode, with_fills: bool) -> Bounds {
    let body = if with_fills {
        s.object_bounds
    } else {
        Bounds::EMPTY
    };
    body.union(&s.stroke_bounds)
}

fn kind_bounds(kind: &NodeKind) -> Bounds {
    match kind {
        NodeKind::Shape(s) => shape_bounds(s, !s.fills.is_empty()),
        NodeKind::Group(g) => {
            let content = g
                .children
                .iter()
                .fold(Bounds::EMPTY, |b, n| b.union(&n.bounds));
            match &g.mask {
                Some(m) if m.channels[4] <= 0.0 => content.intersect(&mask_bounds(&m.node)),
                _ => content,
            }
        }
        NodeKind::Embed(e) => {
            let body = e
                .mask
                .body
                .as_ref()
                .map_or(Bounds::EMPTY, |p| Bounds::of_path(p, &e.mask.transform));
            shape_bounds(&e.mask, true).union(&body)
        }
    }
}

/// Where a mask node's facet can be non-zero.
fn mask_bounds(n: &Node) -> Bounds {
    match &n.kind {
        NodeKind::Shape(s) => shape_bounds(s, true),
        _ => n.bounds,
    }
}
