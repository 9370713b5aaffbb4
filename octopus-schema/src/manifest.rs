//! The design manifest, `octopus-manifest.json` (S: `manifest-oas/schemas/*.yaml`).
//!
//! Input: a manifest. Output: [`Manifest`] with the components (artboards, components,
//! pasteboards) and where their documents and assets live. Guarantee: `components` is
//! required; everything not needed to find documents and assets defaults to empty.

use serde::Deserialize;

use crate::common::Bounds;

/// A design manifest (S: `OctopusManifest`).
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// Format version.
    #[serde(default)]
    pub version: Option<String>,
    /// Design name.
    #[serde(default)]
    pub name: Option<String>,
    /// Where the design came from.
    #[serde(default)]
    pub origin: Option<ManifestOrigin>,
    /// Page grouping.
    #[serde(default)]
    pub pages: Vec<Page>,
    /// The documents of the design.
    pub components: Vec<ManifestComponent>,
    /// Shared libraries (not needed to render).
    #[serde(default)]
    pub libraries: Vec<serde_json::Value>,
    /// Style chunks (not needed to render).
    #[serde(default)]
    pub chunks: Vec<serde_json::Value>,
    /// The folder (or URL) RELATIVE locations are under, when not the manifest's own.
    #[serde(default, rename = "resourcesBase")]
    pub resources_base: Option<String>,
}

/// The design tool and converter version.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestOrigin {
    /// FIGMA, PHOTOSHOP, ILLUSTRATOR, XD, ...
    pub name: String,
    /// Tool version.
    #[serde(default)]
    pub version: Option<String>,
}

/// A page: grouping only.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// Page id.
    pub id: String,
    /// Page name.
    #[serde(default)]
    pub name: Option<String>,
}

/// One document of the design (S: `manifest-oas/schemas/component.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestComponent {
    /// Component id; the document is `octopus-<id>.json` unless `location` says otherwise.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// ARTBOARD, COMPONENT, PASTEBOARD or PARTIAL (default COMPONENT).
    #[serde(default)]
    pub role: Option<String>,
    /// Position and size on the page.
    #[serde(default)]
    pub bounds: Option<Bounds>,
    /// Where the document file is.
    #[serde(default)]
    pub location: Option<ResourceLocation>,
    /// Bitmaps and fonts the document uses.
    #[serde(default)]
    pub assets: Option<Assets>,
    /// Ids of components this one references.
    #[serde(default)]
    pub dependencies: Vec<serde_json::Value>,
}

/// Where a resource lives.
#[derive(Debug, Clone, Deserialize)]
pub struct ResourceLocation {
    /// RELATIVE (to the manifest) or EXTERNAL (a URL).
    #[serde(rename = "type")]
    pub kind: String,
    /// The path or URL; empty in test exports.
    #[serde(default)]
    pub path: String,
}

/// Asset lists of a component.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Assets {
    /// Bitmaps.
    #[serde(default)]
    pub images: Vec<ImageAsset>,
    /// Fonts.
    #[serde(default)]
    pub fonts: Vec<FontAsset>,
}

/// A bitmap asset.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageAsset {
    /// Where the file is.
    #[serde(default)]
    pub location: Option<ResourceLocation>,
    /// The key documents use in `image.ref.value`.
    #[serde(default)]
    pub ref_id: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
}

/// A font asset.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FontAsset {
    /// PostScript name.
    pub name: String,
    /// Where the file is, when shipped.
    #[serde(default)]
    pub location: Option<ResourceLocation>,
    /// Font format.
    #[serde(default)]
    pub font_type: Option<String>,
}

impl ManifestComponent {
    /// The document's file name relative to the manifest.
    pub fn document_path(&self) -> String {
        match &self.location {
            Some(loc) if !loc.path.is_empty() && loc.kind != "EXTERNAL" => loc.path.clone(),
            _ => format!("octopus-{}.json", self.id),
        }
    }
}
