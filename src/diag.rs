//! Diagnostics: what the renderer could not do exactly, without failing the render.
//!
//! Input: reports from the scene builder and the rasteriser. Output: a list of
//! [`Diagnostic`]s, each naming the layer id and JSON path. Guarantee: every feature that
//! is skipped or approximated leaves exactly one diagnostic per occurrence, so nothing
//! renders silently wrong.

use std::fmt;

/// What kind of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagKind {
    /// A feature this build does not render yet; the element was skipped.
    Unsupported,
    /// An enum value or type name unknown to the spec revision implemented here.
    UnknownValue,
    /// A value out of its valid range, replaced by a safe one.
    InvalidValue,
    /// An asset (image, font) that could not be found.
    MissingAsset,
    /// The result differs from the reference in a documented way.
    Approximated,
    /// A font that is not in the font book: another was drawn in its place, or a
    /// character no font has was drawn as a missing-glyph box.
    MissingFont,
}

impl DiagKind {
    /// Short stable name used in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagKind::Unsupported => "unsupported",
            DiagKind::UnknownValue => "unknown-value",
            DiagKind::InvalidValue => "invalid-value",
            DiagKind::MissingAsset => "missing-asset",
            DiagKind::Approximated => "approximated",
            DiagKind::MissingFont => "missing-font",
        }
    }
}

/// One report about one element of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// What kind of problem.
    pub kind: DiagKind,
    /// Id of the layer concerned, when there is one.
    pub layer_id: Option<String>,
    /// JSON path of the element.
    pub path: String,
    /// Human-readable explanation.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.kind.as_str())?;
        if let Some(id) = &self.layer_id {
            write!(f, "layer {id:?}: ")?;
        }
        write!(f, "{} (at {})", self.message, self.path)
    }
}

/// Collects diagnostics.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records one diagnostic.
    pub fn push(&mut self, kind: DiagKind, layer_id: Option<&str>, path: String, message: String) {
        self.items.push(Diagnostic {
            kind,
            layer_id: layer_id.map(str::to_owned),
            path,
            message,
        });
    }

    /// All diagnostics in the order they were found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Consumes the collector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
