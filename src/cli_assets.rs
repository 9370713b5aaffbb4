//! The command line's assets: what a document's folder and the manifest beside it provide.
//!
//! Input: a document path, an optional `--assets` directory, the font book. Output: an
//! [`AssetResolver`] for the render, the manifest's origin, and the font directories its
//! font assets name. Guarantees: bitmaps are looked up by key, first where the manifest's
//! RELATIVE `location` of that `refId` says (under `resourcesBase`, when the manifest has
//! one), then in the assets directory; what the CLI cannot follow (EXTERNAL locations,
//! which are URLs, and a `resourcesBase` that is one) is printed as a warning, once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use octopus_render::{AssetResolver, FontBook};
use octopus_schema::{Manifest, ResourceLocation};

/// Bitmaps read from a directory (the CLI's side of the core's no-I/O rule).
struct DirAssets {
    fonts: Arc<FontBook>,
    /// Component id → document file, from the design's manifest.
    components: HashMap<String, PathBuf>,
    /// Image `refId` → file, from the manifest's RELATIVE locations.
    images: HashMap<String, PathBuf>,
    dir: PathBuf,
}

impl AssetResolver for DirAssets {
    fn lookup(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        if let Some(path) = self.images.get(name) {
            if let Ok(bytes) = fs::read(path) {
                return Some(Cow::Owned(bytes));
            }
        }
        // Keys are file names, never paths: a key with a separator or `..` is not looked up.
        if !octopus_render::assets::is_file_name(name) {
            return None;
        }
        fs::read(self.dir.join(name)).ok().map(Cow::Owned)
    }

    fn fonts(&self) -> &FontBook {
        &self.fonts
    }

    fn component(&self, id: &str) -> Option<Cow<'_, [u8]>> {
        fs::read(self.components.get(id)?).ok().map(Cow::Owned)
    }
}

/// What the `octopus-manifest.json` next to a document (or given) tells about it.
#[derive(Default)]
pub(crate) struct Beside {
    /// Components by id (COMPONENT_REFERENCE layers point at them).
    components: HashMap<String, PathBuf>,
    /// Image files by `refId`.
    images: HashMap<String, PathBuf>,
    /// Folders of the font files the manifest ships.
    pub(crate) font_dirs: Vec<PathBuf>,
    /// The design tool the design came from (`FIGMA`, `PHOTOSHOP`, ...).
    pub(crate) origin: Option<String>,
    /// What the CLI cannot follow, to print as warnings.
    pub(crate) notes: Vec<String>,
}

/// Reads the manifest at `path`; a missing or unreadable one is no error (a document
/// renders on its own).
pub(crate) fn read_manifest(path: &Path) -> Beside {
    let Ok(bytes) = fs::read(path) else {
        return Beside::default();
    };
    match octopus_schema::parse_manifest(&bytes) {
        Ok(m) => from_manifest(&m, path.parent().unwrap_or(Path::new("."))),
        Err(_) => Beside::default(),
    }
}

/// The manifest beside `doc`, if any.
pub(crate) fn manifest_beside(doc: &Path) -> Beside {
    let dir = doc.parent().unwrap_or(Path::new("."));
    read_manifest(&dir.join("octopus-manifest.json"))
}

fn from_manifest(m: &Manifest, dir: &Path) -> Beside {
    let mut notes = Vec::new();
    let base = match m.resources_base.as_deref().map(str::trim) {
        None | Some("") => dir.to_path_buf(),
        Some(b) if b.contains("://") => {
            notes.push(format!(
                "resourcesBase {b:?} is a URL; locations are read beside the manifest"
            ));
            dir.to_path_buf()
        }
        Some(b) => dir.join(b),
    };
    let mut out = Beside {
        origin: m.origin.as_ref().map(|o| o.name.clone()),
        ..Beside::default()
    };
    // Documents are found beside the manifest (`document_path`), as `--manifest` renders
    // them; an EXTERNAL one is looked for there under its default name.
    let mut external = m
        .components
        .iter()
        .filter(|c| c.location.as_ref().is_some_and(|l| l.kind == "EXTERNAL"))
        .count();
    for c in &m.components {
        out.components
            .insert(c.id.clone(), dir.join(c.document_path()));
    }
    let mut place = |loc: &Option<ResourceLocation>| -> Option<PathBuf> {
        let loc = loc.as_ref()?;
        match loc.kind.as_str() {
            "EXTERNAL" => {
                external += 1;
                None
            }
            _ if loc.path.is_empty() => None,
            _ => Some(base.join(&loc.path)),
        }
    };
    for c in &m.components {
        for image in c.assets.iter().flat_map(|a| &a.images) {
            if let (Some(key), Some(path)) = (&image.ref_id, place(&image.location)) {
                out.images.insert(key.clone(), path);
            }
        }
        for font in c.assets.iter().flat_map(|a| &a.fonts) {
            if let Some(folder) =
                place(&font.location).and_then(|p| p.parent().map(Path::to_path_buf))
            {
                if !out.font_dirs.contains(&folder) {
                    out.font_dirs.push(folder);
                }
            }
        }
    }
    if external > 0 {
        notes.push(format!(
            "{external} documents, images or fonts of the manifest have EXTERNAL locations (URLs), \
             which the command line does not download; they are looked for beside the document"
        ));
    }
    out.notes = notes;
    out
}

/// The bitmaps, fonts and components of `doc`: bitmaps where `beside` (the manifest beside
/// it, read once by the caller) says, else in `assets` (default: the document's folder),
/// components from that manifest.
pub(crate) fn dir_assets(
    doc: &Path,
    assets: Option<&Path>,
    fonts: &Arc<FontBook>,
    beside: Beside,
) -> impl AssetResolver {
    let dir = assets
        .map(Path::to_path_buf)
        .unwrap_or_else(|| doc.parent().unwrap_or(Path::new(".")).to_path_buf());
    DirAssets {
        dir,
        fonts: Arc::clone(fonts),
        components: beside.components,
        images: beside.images,
    }
}
