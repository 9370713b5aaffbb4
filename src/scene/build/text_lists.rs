//! A text's list entries → marker styles and the list items layout reads.
//!
//! Input: a text payload and its merged character styles. Output: each drawable entry's
//! marker style appended to the merged styles (so its font is chosen, substituted and
//! reported like any other style's), then, once faces are assigned, layout's
//! [`ListItem`]s. Guarantees: an entry's `index` is read in the unit the text's style
//! ranges use; an entry whose index lies outside the text, or whose padding is not a
//! finite number, is reported and skipped (its paragraph is drawn unindented); a BULLETED
//! entry without marker text gets the spec's `●`, an EMPTY one no marker whatever its text;
//! an unknown type is reported and drawn as its marker text says; a hidden entry draws no
//! marker but keeps its indent. The marker style is the paragraph's first character's style
//! with the entry's style over it.

use std::collections::HashSet;

use octopus_schema::{ListType, Text};

use super::context::Ctx;
use super::text_frame::report_unknown;
use crate::diag::DiagKind;
use crate::text::layout::StyledChar;
use crate::text::lists::{paragraphs, ListItem};
use crate::text::style::{merge, FontSource, Styled};

/// A list entry ready for face assignment.
pub(super) struct Marker {
    paragraph: usize,
    indent: f32,
    /// Marker text and its trailing space (empty: no marker).
    text: String,
    /// Index of its merged style.
    style: usize,
}

impl Marker {
    /// The marker's characters with their style, for face assignment.
    pub(super) fn chars(&self) -> Vec<(char, usize)> {
        self.text.chars().map(|c| (c, self.style)).collect()
    }

    /// The layout item, given the marker's characters with faces.
    pub(super) fn item(&self, marker: Vec<StyledChar>) -> ListItem {
        ListItem {
            paragraph: self.paragraph,
            indent: self.indent,
            marker,
        }
    }
}

/// Reads `text.lists`, appending each entry's marker style to `styled`.
pub(super) fn markers(ctx: &mut Ctx, text: &Text, styled: &mut Styled) -> Vec<Marker> {
    let mut out: Vec<Marker> = Vec::with_capacity(text.lists.len());
    let mut marked = HashSet::new();
    if text.lists.is_empty() {
        return out;
    }
    // One table of paragraphs for all entries (their indices are read against the
    // starts the style ranges were read with), so many entries cost no more than one.
    let paragraph = paragraphs(&text.value);
    for (i, entry) in text.lists.iter().enumerate() {
        let at = format!("text.lists[{i}]");
        let Some(cp) = code_point_at(&styled.starts, entry.index) else {
            ctx.report(
                DiagKind::InvalidValue,
                &format!("{at}.index"),
                format!(
                    "list entry starts at {} outside the text; entry skipped",
                    entry.index
                ),
            );
            continue;
        };
        if !entry.padding_left.is_finite() {
            ctx.report(
                DiagKind::InvalidValue,
                &format!("{at}.paddingLeft"),
                "list entry padding is not a number; entry skipped".into(),
            );
            continue;
        }
        let paragraph = paragraph[cp];
        if !marked.insert(paragraph) {
            ctx.report(
                DiagKind::InvalidValue,
                &format!("{at}.index"),
                "a second list entry in one paragraph; the first one is drawn".into(),
            );
            continue;
        }
        let mut marker = match &entry.kind {
            ListType::Bulleted if entry.marker.is_empty() => "\u{25CF}".to_owned(),
            ListType::Empty => String::new(),
            ListType::Unknown(v) => {
                report_unknown(ctx, &at, "type", v.as_str(), "its marker text");
                entry.marker.clone()
            }
            _ => entry.marker.clone(),
        };
        if !entry.visible {
            marker.clear();
        }
        if !marker.is_empty() {
            marker.push(' ');
        }
        let base = styled.per_char.get(cp).copied().unwrap_or(0);
        let mut style = styled.styles[base].clone();
        if let Some(own) = &entry.style {
            merge(&mut style, own);
        }
        styled.styles.push(style);
        styled.font_source.push(FontSource::ListEntry(i));
        out.push(Marker {
            paragraph,
            indent: entry.padding_left.max(0.0) as f32,
            text: marker,
            style: styled.styles.len() - 1,
        });
    }
    // Layout looks items up by paragraph.
    out.sort_by_key(|m| m.paragraph);
    out
}

/// The code point at `index` (the first starting there or after); `None` outside the text
/// (its end counts: an entry there marks an empty last paragraph).
fn code_point_at(starts: &[u64], index: i64) -> Option<usize> {
    let index = u64::try_from(index).ok()?;
    let cp = starts.partition_point(|&s| s < index);
    (cp < starts.len()).then_some(cp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::style::{unit_starts, RangeUnit};

    #[test]
    fn indices_count_in_the_ranges_unit() {
        let v = "👍 a\u{2029}b";
        let cps = unit_starts(v, RangeUnit::CodePoints);
        let u16 = unit_starts(v, RangeUnit::Utf16);
        assert_eq!(code_point_at(&cps, 0), Some(0));
        assert_eq!(code_point_at(&cps, 4), Some(4));
        assert_eq!(code_point_at(&u16, 5), Some(4));
        assert_eq!(
            code_point_at(&cps, 5),
            Some(5),
            "the end marks an empty paragraph"
        );
        assert_eq!(code_point_at(&cps, 6), None);
        assert_eq!(code_point_at(&cps, -1), None);
    }
}
