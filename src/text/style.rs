//! Character styles: which style each character of a text layer has, and its case.
//!
//! Input: a text's `value`, `defaultStyle` and `styles` ranges. Output: the distinct merged
//! styles and, per character (code point), the index of its style; the characters after
//! `letterCase`. Guarantees: ranges apply in array order, a later range overriding only the
//! fields it sets; ranges outside the text are clipped; the index unit of the ranges is
//! detected per text (see [`RangeUnit`]).

use std::collections::HashMap;

use octopus_schema::{LetterCase, StyleRange, TextStyle};

/// What the range indices count. The spec does not say; the reference renderer reads
/// UTF-16 units while the Figma converter writes code points (the corpus has both kinds
/// of evidence), so a text whose ranges reach past its code points, or end exactly at its
/// UTF-16 length, is read as UTF-16; otherwise as code points. The two agree for text
/// without astral characters, which is nearly all text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeUnit {
    /// Unicode scalar values.
    CodePoints,
    /// UTF-16 code units.
    Utf16,
}

/// Where a merged style's font was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontSource {
    /// The default style.
    Default,
    /// The last range (index into `styles`) that set it.
    Range(usize),
    /// A list entry's marker style (index into `lists`).
    ListEntry(usize),
}

impl FontSource {
    /// The JSON path of the style that set the font.
    pub fn path(self) -> String {
        match self {
            FontSource::Default => "text.defaultStyle".to_owned(),
            FontSource::Range(ri) => format!("text.styles[{ri}].style"),
            FontSource::ListEntry(i) => format!("text.lists[{i}].style"),
        }
    }
}

/// Merged styles and the style of every character.
#[derive(Debug, Clone)]
pub struct Styled {
    /// Distinct styles; index 0 is the default style.
    pub styles: Vec<TextStyle>,
    /// For each merged style, where its font was set, for diagnostics' JSON paths.
    pub font_source: Vec<FontSource>,
    /// Style index per code point of `value`.
    pub per_char: Vec<usize>,
    /// How the ranges were read.
    pub unit: RangeUnit,
    /// Where each code point of `value` starts in `unit`, and the end: what list entries'
    /// indices are read against.
    pub starts: Vec<u64>,
}

/// Where each code point of `value` starts, counted in `unit`, and the total at the end.
pub fn unit_starts(value: &str, unit: RangeUnit) -> Vec<u64> {
    let mut out = Vec::with_capacity(value.len() + 1);
    let mut at = 0u64;
    for ch in value.chars() {
        out.push(at);
        at += match unit {
            RangeUnit::CodePoints => 1,
            RangeUnit::Utf16 => ch.len_utf16() as u64,
        };
    }
    out.push(at);
    out
}

/// Detects the unit of `ranges` over `value`.
pub fn range_unit(value: &str, ranges: &[StyleRange]) -> RangeUnit {
    let cps = value.chars().count() as u64;
    let units = value.encode_utf16().count() as u64;
    if cps == units {
        return RangeUnit::CodePoints;
    }
    let max_to = ranges
        .iter()
        .flat_map(|r| r.ranges.iter().map(|x| x.to))
        .max()
        .unwrap_or(0);
    if max_to > cps || max_to == units {
        RangeUnit::Utf16
    } else {
        RangeUnit::CodePoints
    }
}

/// Assigns a merged style to every character of `value`.
pub fn resolve_styles(value: &str, default: &TextStyle, ranges: &[StyleRange]) -> Styled {
    let unit = range_unit(value, ranges);
    let positions = unit_starts(value, unit);
    // Position of each code point in the ranges' unit (without the end).
    let starts = &positions[..positions.len() - 1];
    // Which ranges cover each character, in array order.
    let mut cover: Vec<Vec<usize>> = vec![Vec::new(); starts.len()];
    for (ri, r) in ranges.iter().enumerate() {
        for span in &r.ranges {
            let first = starts.partition_point(|&s| s < span.from);
            for (i, &s) in starts.iter().enumerate().skip(first) {
                if s >= span.to {
                    break;
                }
                if cover[i].last() != Some(&ri) {
                    cover[i].push(ri);
                }
            }
        }
    }
    let mut index: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut styles = vec![default.clone()];
    let mut font_source = vec![FontSource::Default];
    index.insert(Vec::new(), 0);
    let mut per_char = Vec::with_capacity(cover.len());
    for key in cover {
        let next = styles.len();
        let idx = *index.entry(key.clone()).or_insert(next);
        if idx == next {
            let mut s = default.clone();
            let mut src = FontSource::Default;
            for &ri in &key {
                if ranges[ri].style.font.is_some() {
                    src = FontSource::Range(ri);
                }
                merge(&mut s, &ranges[ri].style);
            }
            styles.push(s);
            font_source.push(src);
        }
        per_char.push(idx);
    }
    Styled {
        styles,
        font_source,
        per_char,
        unit,
        starts: positions,
    }
}

/// Overrides the fields of `base` that `over` sets.
pub fn merge(base: &mut TextStyle, over: &TextStyle) {
    macro_rules! take {
        ($($f:ident),*) => { $( if over.$f.is_some() { base.$f = over.$f.clone(); } )* };
    }
    take!(
        font,
        font_size,
        line_height,
        letter_spacing,
        kerning,
        features,
        ligatures,
        underline,
        linethrough,
        superscript,
        subscript,
        letter_case,
        fills,
        strokes
    );
}

/// Applies each character's letter case; a character may become several (ß → SS), each
/// keeping its style. SMALL_CAPS is left to the font's `smcp` feature by the caller.
pub fn apply_case(value: &str, per_char: &[usize], styles: &[TextStyle]) -> Vec<(char, usize)> {
    let mut out = Vec::with_capacity(per_char.len());
    let mut word_start = true;
    for (ch, &si) in value.chars().zip(per_char) {
        match styles[si].letter_case.as_ref().unwrap_or(&LetterCase::None) {
            LetterCase::Uppercase => out.extend(ch.to_uppercase().map(|c| (c, si))),
            LetterCase::Lowercase => out.extend(ch.to_lowercase().map(|c| (c, si))),
            LetterCase::TitleCase if word_start => out.extend(ch.to_uppercase().map(|c| (c, si))),
            _ => out.push((ch, si)),
        }
        word_start = ch.is_whitespace() || ch == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(json: &str) -> Vec<StyleRange> {
        serde_json::from_str(json).expect("ranges")
    }

    #[test]
    fn later_ranges_override_only_what_they_set() {
        let default: TextStyle =
            serde_json::from_str(r#"{"fontSize": 10, "letterSpacing": 1}"#).expect("style");
        let ranges = range(
            r#"[{"style": {"fontSize": 20}, "ranges": [{"from": 0, "to": 3}]},
                {"style": {"letterSpacing": 5}, "ranges": [{"from": 2, "to": 4}]}]"#,
        );
        let s = resolve_styles("abcde", &default, &ranges);
        let sizes: Vec<_> = s
            .per_char
            .iter()
            .map(|&i| {
                (
                    s.styles[i].font_size.unwrap_or(0.0),
                    s.styles[i].letter_spacing.unwrap_or(0.0),
                )
            })
            .collect();
        assert_eq!(
            sizes,
            [
                (20.0, 1.0),
                (20.0, 1.0),
                (20.0, 5.0),
                (10.0, 5.0),
                (10.0, 1.0)
            ]
        );
    }

    #[test]
    fn detects_code_point_and_utf16_ranges() {
        // "👍 Emojito 🤣": 11 code points, 13 UTF-16 units.
        let text = "👍 Emojito 🤣";
        let cp =
            range(r#"[{"style": {}, "ranges": [{"from": 0, "to": 1}, {"from": 1, "to": 11}]}]"#);
        assert_eq!(range_unit(text, &cp), RangeUnit::CodePoints);
        let u16 = range(r#"[{"style": {}, "ranges": [{"from": 2, "to": 13}]}]"#);
        assert_eq!(range_unit(text, &u16), RangeUnit::Utf16);
        let s = resolve_styles(text, &TextStyle::default(), &u16);
        assert_eq!(s.per_char[0], 0, "the emoji (units 0..2) keeps the default");
        assert_eq!(s.per_char[1], 1);
    }

    #[test]
    fn cases_change_characters_not_styles() {
        let styles: Vec<TextStyle> = vec![
            serde_json::from_str(r#"{"letterCase": "UPPERCASE"}"#).expect("style"),
            serde_json::from_str(r#"{"letterCase": "TITLE_CASE"}"#).expect("style"),
        ];
        let out = apply_case("straße ab", &[0, 0, 0, 0, 0, 0, 1, 1, 1], &styles);
        let s: String = out.iter().map(|c| c.0).collect();
        assert_eq!(s, "STRASSE Ab");
        assert!(out[..7].iter().all(|c| c.1 == 0));
    }
}
