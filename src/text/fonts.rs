//! The font book: which font file draws a text style.
//!
//! Input: font bytes handed in by the caller (the CLI reads `--fonts` directories and the
//! system's, the worker loads its image's fonts once at start-up) and an Octopus font
//! reference (`postScriptName`, `family`, `style`). Output: a face to shape with, and
//! whether it is the font asked for or a substitute. Guarantees: no I/O here (a loader
//! closure the caller supplies runs at most once, the first time a document has text);
//! the lookup is deterministic for a given set of fonts; the chain always ends in the
//! embedded Inter, so text never silently disappears for want of a font.
//!
//! The chain, in order (each step after the first reports a substitution unless the face
//! found has the asked-for family, weight and slant):
//! 1. a face whose PostScript name is the one asked for;
//! 2. the family (`font.family`, else the PostScript name's prefix) with the weight and
//!    slant read from `font.style` or the PostScript suffix (`Arial-BoldItalicMT`);
//! 3. a metric-compatible substitute family (Arial/Helvetica → Liberation Sans, Arimo;
//!    Times → Liberation Serif, Tinos; Courier → Liberation Mono, Cousine);
//! 4. the generic sans chain: Inter, Liberation Sans, DejaVu Sans, then the embedded Inter.

use std::sync::{Mutex, OnceLock};

use fontdb::{Database, Family, Query, Source, Stretch, Style, Weight, ID};

use super::font_names::{normalise, strip_vendor_suffix, FontRequest};

/// Inter Regular (SIL OFL 1.1, `fixtures/fonts/OFL.txt`), the last font of every chain.
static EMBEDDED_INTER: &[u8] = include_bytes!("../../fixtures/fonts/Inter-Regular.otf");

/// Families that stand in for proprietary ones with the same metrics, by normalised name.
const SUBSTITUTES: &[(&str, &[&str])] = &[
    ("arial", &["Liberation Sans", "Arimo"]),
    ("arialnarrow", &["Liberation Sans Narrow", "Arimo"]),
    ("helvetica", &["Liberation Sans", "Arimo"]),
    ("helveticaneue", &["Liberation Sans", "Arimo"]),
    ("timesnewroman", &["Liberation Serif", "Tinos"]),
    ("times", &["Liberation Serif", "Tinos"]),
    ("couriernew", &["Liberation Mono", "Cousine"]),
    ("courier", &["Liberation Mono", "Cousine"]),
];

/// The generic chain, tried after the family and its substitutes.
const GENERIC: &[&str] = &["Inter", "Liberation Sans", "DejaVu Sans"];

type Loader = Box<dyn FnOnce(&mut FontLoader) + Send>;

/// Collects font files for the book; handed to the caller's loader.
pub struct FontLoader {
    db: Database,
}

impl FontLoader {
    /// Adds one font file (TTF, OTF, TTC); files that are not fonts are ignored.
    pub fn add(&mut self, bytes: Vec<u8>) {
        self.db.load_font_data(bytes);
    }
}

/// A set of fonts to draw text with; cheap to share between threads and jobs.
pub struct FontBook {
    loader: Mutex<Option<Loader>>,
    db: OnceLock<Database>,
}

impl Default for FontBook {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for FontBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.db.get().map(|d| d.len());
        f.debug_struct("FontBook").field("faces", &n).finish()
    }
}

/// A face chosen for a font reference.
#[derive(Debug, Clone)]
pub struct FaceChoice {
    /// The face in the book.
    pub id: ID,
    /// Why it is not the font asked for, when it is not.
    pub substitution: Option<String>,
    /// The style asked for is italic but the face is not (the caller slants it).
    pub synthetic_italic: bool,
}

impl FontBook {
    /// A book with only the embedded Inter.
    pub fn new() -> Self {
        Self::with_loader(|_| {})
    }

    /// A book whose fonts `load` adds, called once when text first needs a font (so a
    /// document without text never pays for scanning font directories).
    pub fn with_loader(load: impl FnOnce(&mut FontLoader) + Send + 'static) -> Self {
        FontBook {
            loader: Mutex::new(Some(Box::new(load))),
            db: OnceLock::new(),
        }
    }

    /// The loaded database (runs the loader the first time).
    pub fn database(&self) -> &Database {
        self.db.get_or_init(|| {
            let mut fl = FontLoader {
                db: Database::new(),
            };
            let load = self.loader.lock().ok().and_then(|mut l| l.take());
            if let Some(load) = load {
                load(&mut fl);
            }
            fl.add(EMBEDDED_INTER.to_vec());
            fl.db
        })
    }

    /// The bytes and collection index of a face, borrowed from the book.
    pub fn face_bytes(&self, id: ID) -> Option<(&[u8], u32)> {
        let info = self.database().face(id)?;
        match &info.source {
            Source::Binary(data) => Some(((**data).as_ref(), info.index)),
            // The book loads bytes only, but another crate in the same build (usvg with its
            // default features) may turn on fontdb's file sources, which add variants.
            #[allow(
                unreachable_patterns,
                reason = "reachable only when fontdb's `fs` feature is on"
            )]
            _ => None,
        }
    }

    /// Chooses the face for `req` along the chain described in the module docs.
    pub fn choose(&self, req: &FontRequest) -> FaceChoice {
        let db = self.database();
        let want_ps = req.post_script.to_ascii_lowercase();
        if !want_ps.is_empty() {
            if let Some(f) = db
                .faces()
                .find(|f| f.post_script_name.to_ascii_lowercase() == want_ps)
            {
                return FaceChoice {
                    id: f.id,
                    substitution: None,
                    synthetic_italic: false,
                };
            }
        }
        let key = normalise(&req.family);
        // "ArialMT" as a family is the PostScript habit; "Arial" is the family.
        let bare = normalise(strip_vendor_suffix(&req.family));
        let mut families: Vec<String> = db
            .faces()
            .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
            .filter(|n| normalise(n) == key || normalise(n) == bare)
            .take(1)
            .collect();
        let exact_family = families.len();
        if let Some((_, subs)) = SUBSTITUTES.iter().find(|(k, _)| *k == key || *k == bare) {
            families.extend(subs.iter().map(|s| s.to_string()));
        }
        families.extend(GENERIC.iter().map(|s| s.to_string()));
        for (i, fam) in families.iter().enumerate() {
            let Some(id) = self.query(fam, req) else {
                continue;
            };
            let Some(info) = db.face(id) else { continue };
            let face_italic = info.style != Style::Normal;
            let same_style = info.weight.0 == req.weight
                && face_italic == req.italic
                && info.stretch == req.stretch;
            let substitution = if i < exact_family && same_style {
                None
            } else {
                Some(format!(
                    "font {:?} ({} {}{}) is not available; drawn with {:?}",
                    req.post_script,
                    req.family,
                    req.weight,
                    if req.italic { " italic" } else { "" },
                    info.post_script_name
                ))
            };
            return FaceChoice {
                id,
                substitution,
                synthetic_italic: req.italic && !face_italic,
            };
        }
        // Unreachable in practice: the embedded Inter answers the generic chain.
        let id = db.faces().next().map(|f| f.id).unwrap_or_else(ID::dummy);
        FaceChoice {
            id,
            substitution: Some(format!("font {:?} is not available", req.post_script)),
            synthetic_italic: false,
        }
    }

    fn query(&self, family: &str, req: &FontRequest) -> Option<ID> {
        let db = self.database();
        let style = if req.italic {
            Style::Italic
        } else {
            Style::Normal
        };
        db.query(&Query {
            families: &[Family::Name(family)],
            weight: Weight(req.weight),
            stretch: req.stretch,
            style,
        })
    }

    /// Faces to try, in order, for a character the chosen face lacks.
    pub fn fallbacks(&self) -> Vec<ID> {
        let db = self.database();
        let req = FontRequest {
            post_script: String::new(),
            family: String::new(),
            weight: 400,
            stretch: Stretch::Normal,
            italic: false,
        };
        let mut out: Vec<ID> = GENERIC.iter().filter_map(|f| self.query(f, &req)).collect();
        let rest: Vec<ID> = db
            .faces()
            .map(|f| f.id)
            .filter(|id| !out.contains(id))
            .collect();
        out.extend(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_inter_ends_every_chain() {
        let book = FontBook::new();
        let c = book.choose(&FontRequest::from_names("Inter", Some("Inter"), None));
        assert!(c.substitution.is_none(), "{:?}", c.substitution);
        let c = book.choose(&FontRequest::from_names("NoSuchFont-Bold", None, None));
        let msg = c.substitution.expect("a substitution is reported");
        assert!(
            msg.contains("NoSuchFont-Bold") && msg.contains("Inter"),
            "{msg}"
        );
    }

    #[test]
    fn postscript_name_wins_and_loader_runs_once() {
        let book = FontBook::with_loader(|l| {
            let bold = std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/fonts/Inter-Bold.otf"
            ))
            .expect("fixture font");
            l.add(bold);
        });
        let c = book.choose(&FontRequest::from_names("Inter-Bold", Some("Inter"), None));
        assert!(c.substitution.is_none());
        let info = book.database().face(c.id).expect("face");
        assert_eq!(info.weight.0, 700);
        assert_eq!(book.database().len(), 2);
    }
}
