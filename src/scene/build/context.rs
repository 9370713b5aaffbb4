//! The builder's state: diagnostics, the current JSON path and layer, limits, bitmaps.
//!
//! Input: the scene options and the caller's asset resolver. Output: what every builder step
//! reports through ([`Ctx::report`], [`Ctx::invalid`]) and the bitmaps and component
//! documents it asks for. Guarantees: each bitmap is decoded once per document and each
//! component parsed once; every diagnostic and error names the JSON path and layer id of the
//! element being built.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use super::BuildOptions;
use crate::assets::AssetResolver;
use crate::diag::{DiagKind, Diagnostics};
use crate::error::{Error, Result};
use crate::scene::bitmap::decode;
use crate::scene::{Bitmap, Transform};

/// One step of the JSON path being built. Entered for every layer, fill and stroke (a map
/// has hundreds of thousands), so the common steps are a name and an index, and the path
/// text is written only when a diagnostic or error needs it.
pub(crate) enum PathSeg {
    /// A field (`shape`).
    Name(&'static str),
    /// An element of a list field (`fills[0]`).
    Index(&'static str, usize),
    /// Anything else (`<component id>.content`, a text style's field).
    Owned(String),
}

impl From<&'static str> for PathSeg {
    fn from(name: &'static str) -> Self {
        PathSeg::Name(name)
    }
}

impl From<String> for PathSeg {
    fn from(s: String) -> Self {
        PathSeg::Owned(s)
    }
}

/// Builder state: diagnostics, the current JSON path and layer, limits, bitmaps.
pub(crate) struct Ctx<'a> {
    pub(super) assets: &'a dyn AssetResolver,
    pub(super) bitmaps: HashMap<String, Result<Arc<Bitmap>, (DiagKind, String)>>,
    pub(super) diags: Diagnostics,
    pub(super) transforms: Vec<Transform>,
    pub(super) path: Vec<PathSeg>,
    pub(super) layers: Vec<String>,
    pub(super) opts: BuildOptions,
    pub(super) segments: usize,
    pub(super) nodes: usize,
    pub(super) components: HashMap<String, Option<serde_json::Value>>,
    pub(super) expanding: Vec<String>,
    /// Pixels of the bitmaps decoded so far.
    pub(super) decoded_pixels: u64,
    /// A limit passed where the builder could not return it at once (a bitmap lookup):
    /// the build fails with it when the tree is done.
    pub(super) over_budget: Option<Error>,
    /// The product of the `featureScale`s of the layers being built, innermost last (it
    /// multiplies effect parameters, cumulatively down the tree).
    pub(super) feature_scales: Vec<f64>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(opts: BuildOptions, assets: &'a dyn AssetResolver) -> Self {
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
            decoded_pixels: 0,
            over_budget: None,
            components: HashMap::new(),
            expanding: Vec::new(),
            feature_scales: Vec::new(),
        }
    }

    /// Descends into a JSON field (`"shape"`, `"fills[0]"`).
    pub(crate) fn enter(&mut self, seg: impl Into<PathSeg>) {
        self.path.push(seg.into());
    }

    /// Descends into element `i` of the list field `name` (`"fills[0]"`).
    pub(crate) fn enter_at(&mut self, name: &'static str, i: usize) {
        self.path.push(PathSeg::Index(name, i));
    }

    /// Leaves the last field entered.
    pub(crate) fn leave(&mut self) {
        self.path.pop();
    }

    fn path_to(&self, field: &str) -> String {
        let mut p = String::new();
        for (k, seg) in self.path.iter().enumerate() {
            if k > 0 {
                p.push('.');
            }
            let _ = match seg {
                PathSeg::Name(name) => write!(p, "{name}"),
                PathSeg::Index(name, i) => write!(p, "{name}[{i}]"),
                PathSeg::Owned(s) => write!(p, "{s}"),
            };
        }
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
    pub(crate) fn report(&mut self, kind: DiagKind, field: &str, message: String) {
        let path = self.path_to(field);
        let layer = self.layers.last().cloned();
        self.diags.push(kind, layer.as_deref(), path, message);
    }

    /// An input error about `field` of the current element.
    pub(crate) fn invalid(&self, field: &str, message: String) -> Error {
        Error::Invalid {
            path: self.path_to(field),
            layer_id: self.layers.last().cloned(),
            message,
        }
    }

    /// A limits error about `field` of the current element.
    pub(crate) fn over_limit(&self, field: &str, message: String) -> Error {
        let layer = self
            .layers
            .last()
            .map(|id| format!(", layer id {id:?}"))
            .unwrap_or_default();
        Error::Limit(format!("{message} (at {}{layer})", self.path_to(field)))
    }

    /// Counts path segments against the limit.
    pub(crate) fn count_segments(&mut self, n: usize) -> Result<()> {
        self.segments += n;
        if self.segments > self.opts.limits.path_segments {
            return Err(Error::Limit(format!(
                "more than {} path segments (at {})",
                self.opts.limits.path_segments,
                self.path_to("")
            )));
        }
        Ok(())
    }

    /// Decodes a bitmap, or rasterises an SVG at twice the render scale (so it stays sharp
    /// when the design draws it up to twice its intrinsic size).
    fn decode_image(&mut self, key: &str, bytes: &[u8]) -> Result<Bitmap, String> {
        if !super::svg_image::is_svg(bytes) {
            // The header tells the size before a pixel is allocated.
            if let Some((w, h)) = crate::scene::bitmap::dimensions(bytes) {
                let total = self.decoded_pixels + w as u64 * h as u64;
                if total > self.opts.limits.decoded_pixels {
                    let e = self.over_limit(
                        "image.ref",
                        format!(
                            "decoding image {key:?} ({w} x {h}) would take the document's \
                             bitmaps to {total} pixels, over the limit of {}",
                            self.opts.limits.decoded_pixels
                        ),
                    );
                    self.over_budget.get_or_insert(e);
                    return Err("over the document's limit of decoded pixels".into());
                }
            }
            let b = decode(bytes, self.opts.limits.image_pixels)?;
            self.decoded_pixels += b.width as u64 * b.height as u64;
            return Ok(b);
        }
        if super::svg_image::has_text(bytes) {
            self.report(
                DiagKind::Unsupported,
                "image.ref",
                format!("text inside the SVG image {key:?} is not drawn"),
            );
        }
        super::svg_image::rasterise(
            bytes,
            2.0 * self.opts.scale.max(1.0),
            self.opts.limits.image_pixels,
        )
    }

    /// The decoded bitmap of image `key`, decoded once per document; reports a missing or
    /// undecodable image at the current element.
    pub(crate) fn bitmap(&mut self, key: &str) -> Option<Arc<Bitmap>> {
        if !self.bitmaps.contains_key(key) {
            let decoded = match self.assets.image(key) {
                // Checked after the lookup, which never finds such a key, so the
                // resolver stays the one place that decides what exists.
                None if !crate::assets::is_file_name(key) => Err((
                    DiagKind::InvalidValue,
                    format!(
                        "image reference {key:?} is a path or URL, not a file name in the \
                         design's assets; fill skipped"
                    ),
                )),
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
    pub(crate) fn component_json(&mut self, id: &str) -> Option<serde_json::Value> {
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
    pub(crate) fn expanding(&self) -> &[String] {
        &self.expanding
    }

    /// Enters component `id`.
    pub(crate) fn push_expanding(&mut self, id: &str) {
        self.expanding.push(id.to_owned());
    }

    /// Leaves the innermost component.
    pub(crate) fn pop_expanding(&mut self) {
        self.expanding.pop();
    }

    /// The fonts text is drawn with.
    pub(crate) fn font_book(&self) -> &'a crate::text::FontBook {
        self.assets.fonts()
    }

    /// Id of the layer being built.
    /// The feature scale in force: the product of the enclosing layers' `featureScale`s.
    pub(super) fn feature_scale(&self) -> f64 {
        self.feature_scales.last().copied().unwrap_or(1.0)
    }

    /// The colour space gradients mix in: the caller's choice, else the origin's default.
    pub(super) fn gradient_space(&self) -> crate::scene::GradientSpace {
        use crate::scene::{GradientSpace, Origin};
        self.opts.gradients.unwrap_or(match self.opts.origin {
            Origin::Photoshop => GradientSpace::Oklab,
            _ => GradientSpace::Srgb,
        })
    }

    pub(crate) fn layer_id(&self) -> Option<String> {
        self.layers.last().cloned()
    }

    /// Absolute transform of the layer being built (identity outside layers).
    pub(crate) fn layer_transform(&self) -> Transform {
        self.transforms
            .last()
            .copied()
            .unwrap_or(Transform::IDENTITY)
    }

    /// Render scale hint.
    pub(crate) fn scale(&self) -> f32 {
        self.opts.scale
    }

    /// Tolerance for flattening curves before boolean operations, in local units.
    pub(crate) fn flatten_tolerance(&self) -> f32 {
        0.02 / self.opts.scale.max(1e-3)
    }
}
