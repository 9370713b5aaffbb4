//! Text settings the renderer cannot honour as written: each is reported, none dropped in
//! silence.
//!
//! Input: a text layer's merged styles, the faces chosen for them, and the OpenType
//! features their settings ask for. Output: diagnostics (once per font and feature in a
//! layer). Guarantees: an unknown value of a style's enums (`ligatures`, `underline`,
//! `letterCase`) is reported with what it is read as; a feature the face does not have
//! (SMALL_CAPS without `smcp`, ALL ligatures without `dlig`, a document's own `features`)
//! is reported, since asking for it changes nothing.

use octopus_schema::{LetterCase, Ligatures, TextStyle, Underline};
use rustybuzz::ttf_parser::Tag;
use rustybuzz::Face;

use super::context::Ctx;
use super::text_frame::report_unknown;
use crate::diag::DiagKind;
use crate::text::style::FontSource;

/// The JSON path of merged style `si` (0 is the default style).
fn style_path(si: usize, font_source: FontSource) -> String {
    match (si, font_source) {
        (_, FontSource::Default) if si > 0 => format!("text.styles(style {si})"),
        (_, source) => source.path(),
    }
}

/// Reports the unknown enum values of a style and the features its face lacks.
pub(super) fn check_style(
    ctx: &mut Ctx,
    (si, source): (usize, FontSource),
    style: &TextStyle,
    face: &Face<'_>,
    font: &str,
    asked: &[Tag],
    seen: &mut Vec<String>,
) {
    let path = style_path(si, source);
    let unknown = [
        match &style.ligatures {
            Some(Ligatures::Unknown(v)) => Some(("ligatures", v.as_str(), "STANDARD")),
            _ => None,
        },
        match &style.underline {
            Some(Underline::Unknown(v)) => Some(("underline", v.as_str(), "NONE")),
            _ => None,
        },
        match &style.letter_case {
            Some(LetterCase::Unknown(v)) => Some(("letterCase", v.as_str(), "NONE")),
            _ => None,
        },
    ];
    for (field, value, read_as) in unknown.into_iter().flatten() {
        report_unknown(ctx, &path, field, value, read_as);
    }
    let has = |tag: &Tag| {
        let tables = face.tables();
        [tables.gsub, tables.gpos]
            .into_iter()
            .flatten()
            .any(|t| t.features.into_iter().any(|f| f.tag == *tag))
    };
    let missing: Vec<String> = asked
        .iter()
        .filter(|t| !has(t))
        .map(|t| t.to_string())
        .collect();
    if missing.is_empty() {
        return;
    }
    // Which setting asked for the missing features.
    let by = |tag: &str| match tag {
        "liga" | "clig" if style.ligatures == Some(Ligatures::None) => "ligatures NONE",
        "dlig" if style.ligatures == Some(Ligatures::All) => "ligatures ALL",
        "smcp" if style.letter_case == Some(LetterCase::SmallCaps) => {
            "letterCase SMALL_CAPS (drawn as written)"
        }
        "kern" => "kerning false",
        _ => "features",
    };
    let mut settings: Vec<&str> = missing.iter().map(|t| by(t)).collect();
    settings.dedup();
    let message = format!(
        "font {font:?} has no OpenType feature {} (asked for by {}); asking changes nothing",
        missing.join(", "),
        settings.join(", ")
    );
    // Styles that differ in other ways often share a font and its settings: say it once.
    if !seen.contains(&message) {
        ctx.report(DiagKind::Approximated, &path, message.clone());
        seen.push(message);
    }
}
