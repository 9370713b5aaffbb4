//! Where bitmaps come from: the caller supplies them, the core never reads files.
//!
//! Input: an image key (`image.ref.value` of a fill). Output: the encoded bytes, when the
//! resolver has them. Guarantees: a key is found with or without a file extension (the
//! corpus names its bitmaps `<ref>.png` / `<ref>.jpg` while documents say `<ref>`); the
//! in-memory resolver is what the worker uses (it lends its bytes, never copies them), the
//! directory resolver lives in the CLI.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::text::FontBook;

/// Extensions tried after the bare key.
pub const IMAGE_EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "webp", "svg"];

/// Supplies encoded image bytes by key.
pub trait AssetResolver: Sync {
    /// The bytes stored under exactly `name`, if any.
    fn lookup(&self, name: &str) -> Option<Cow<'_, [u8]>>;

    /// The bytes of image `key`: tried as is, then with each known extension, then (when the
    /// key has an extension) without it.
    fn image(&self, key: &str) -> Option<Cow<'_, [u8]>> {
        candidates(key)
            .into_iter()
            .find_map(|name| self.lookup(&name))
    }

    /// The document (JSON bytes) of component `id` of the same design, for
    /// COMPONENT_REFERENCE layers; `None` when the resolver has no components.
    fn component(&self, _id: &str) -> Option<Cow<'_, [u8]>> {
        None
    }

    /// The fonts text is drawn with; the default is the embedded Inter alone.
    fn fonts(&self) -> &FontBook {
        default_fonts()
    }
}

/// A process-wide book holding only the embedded Inter.
pub fn default_fonts() -> &'static FontBook {
    static BOOK: OnceLock<FontBook> = OnceLock::new();
    BOOK.get_or_init(FontBook::new)
}

/// True when `key` is a plain file name: not empty, not `.` or `..`, no `/` or `\\`. Image
/// references are names under the design's assets folder; anything else (a relative or
/// absolute path, a URL) is never looked up, and the render reports it.
pub fn is_file_name(key: &str) -> bool {
    !key.is_empty() && key != "." && key != ".." && !key.contains(['/', '\\'])
}

/// The names tried for `key`, in order.
pub fn candidates(key: &str) -> Vec<String> {
    let mut out = vec![key.to_owned()];
    out.extend(IMAGE_EXTENSIONS.iter().map(|e| format!("{key}.{e}")));
    if let Some((stem, ext)) = key.rsplit_once('.') {
        if IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) && !stem.is_empty() {
            out.push(stem.to_owned());
        }
    }
    out
}

/// A resolver that has nothing (every image reports as missing).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoAssets;

impl AssetResolver for NoAssets {
    fn lookup(&self, _: &str) -> Option<Cow<'_, [u8]>> {
        None
    }
}

/// Bitmaps held in memory by name.
#[derive(Debug, Default, Clone)]
pub struct MemoryAssets {
    files: HashMap<String, Vec<u8>>,
    components: HashMap<String, Vec<u8>>,
    fonts: Option<Arc<FontBook>>,
}

impl MemoryAssets {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file under `name` (with or without extension).
    pub fn insert(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(name.into(), bytes);
    }

    /// Adds the document of component `id` (for COMPONENT_REFERENCE layers).
    pub fn insert_component(&mut self, id: impl Into<String>, json: Vec<u8>) {
        self.components.insert(id.into(), json);
    }

    /// Draws text with `fonts` instead of the embedded Inter alone.
    pub fn set_fonts(&mut self, fonts: Arc<FontBook>) {
        self.fonts = Some(fonts);
    }
}

impl AssetResolver for MemoryAssets {
    fn lookup(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        self.files.get(name).map(|b| Cow::Borrowed(b.as_slice()))
    }

    fn component(&self, id: &str) -> Option<Cow<'_, [u8]>> {
        self.components.get(id).map(|b| Cow::Borrowed(b.as_slice()))
    }

    fn fonts(&self) -> &FontBook {
        match &self.fonts {
            Some(f) => f,
            None => default_fonts(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_with_or_without_extension() {
        let mut m = MemoryAssets::new();
        m.insert("abc.png", vec![1]);
        m.insert("def", vec![2]);
        assert_eq!(m.image("abc").as_deref(), Some(&[1u8][..]));
        assert_eq!(m.image("def.jpg").as_deref(), Some(&[2u8][..]));
        assert_eq!(m.image("zzz"), None);
    }
}
