//! Diagnostics: what the renderer could not do exactly, without failing the render.
//!
//! Input: reports from the scene builder and the rasteriser. Output: a list of
//! [`Diagnostic`]s, each naming the layer id and JSON path. Guarantees: every feature that
//! is skipped or approximated leaves exactly one diagnostic per occurrence, so nothing
//! renders silently wrong; a hostile document cannot make the list unbounded: after
//! [`MAX_KEPT`] diagnostics or [`MAX_KEPT_BYTES`] of text, the rest are counted, and one
//! last diagnostic of kind [`DiagKind::Omitted`] says how many were left out.

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
    /// Diagnostics past the cap, counted but not kept (the last one of a list).
    Omitted,
}

/// Most diagnostics kept per render.
pub const MAX_KEPT: usize = 1000;

/// Most bytes of diagnostic text (messages and paths) kept per render.
pub const MAX_KEPT_BYTES: usize = 256 << 10;

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
            DiagKind::Omitted => "omitted",
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

/// Collects diagnostics, up to [`MAX_KEPT`] and [`MAX_KEPT_BYTES`].
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    bytes: usize,
    omitted: u64,
}

impl Diagnostics {
    /// Records one diagnostic, or counts it once the list is full.
    pub fn push(&mut self, kind: DiagKind, layer_id: Option<&str>, path: String, message: String) {
        let size = path.len() + message.len() + layer_id.map_or(0, str::len);
        if self.items.len() >= MAX_KEPT || self.bytes + size > MAX_KEPT_BYTES {
            self.omitted += 1;
            return;
        }
        self.bytes += size;
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

    /// Consumes the collector; when some were omitted, the last item says how many.
    pub fn into_vec(mut self) -> Vec<Diagnostic> {
        if self.omitted > 0 {
            self.items.push(Diagnostic {
                kind: DiagKind::Omitted,
                layer_id: None,
                path: "$".into(),
                message: format!(
                    "{} more diagnostics not kept (at most {MAX_KEPT} or {MAX_KEPT_BYTES} \
                     bytes are kept per render)",
                    self.omitted
                ),
            });
        }
        self.items
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.omitted == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_diagnostics_is_capped_and_counted() {
        let mut d = Diagnostics::default();
        for i in 0..MAX_KEPT + 500 {
            d.push(
                DiagKind::Unsupported,
                Some("l"),
                format!("$[{i}]"),
                "x".into(),
            );
        }
        let v = d.into_vec();
        assert_eq!(v.len(), MAX_KEPT + 1);
        assert_eq!(v[MAX_KEPT].kind, DiagKind::Omitted);
        assert!(
            v[MAX_KEPT].message.starts_with("500 more"),
            "{}",
            v[MAX_KEPT].message
        );
        let mut d = Diagnostics::default();
        for _ in 0..10 {
            d.push(
                DiagKind::Unsupported,
                None,
                "$".into(),
                "y".repeat(100 << 10),
            );
        }
        let v = d.into_vec();
        assert_eq!(
            v.len(),
            3,
            "two messages of 100 KiB fit, the rest are counted"
        );
        assert!(v[2].message.starts_with("8 more"));
    }
}
