//! List items of a text: which paragraph each marks, how far its lines are indented and
//! the marker drawn before its first line.
//!
//! Input: a text's `value`. Output: the paragraph of each character ([`paragraphs`]) and the [`ListItem`] layout reads. Guarantees:
//! paragraphs are counted the way layout counts them (U+2029, LF, CR, with CR LF one
//! break; U+2028 breaks a line inside a paragraph), so the two always agree, whatever
//! letter case does to the characters in between.
//!
//! Model (docs/rendering.md §10.5): `paddingLeft` is the distance from the frame's left edge
//! to the item's text, on every line of the paragraph (a hanging indent); the marker, in
//! its own style and followed by a space, ends where the first line's text begins.

use super::layout::StyledChar;

/// One list item, as layout reads it.
#[derive(Debug, Clone)]
pub struct ListItem {
    /// Index of the paragraph it marks (0 is the text's first).
    pub paragraph: usize,
    /// Indent of every line of the paragraph, in pixels.
    pub indent: f32,
    /// The marker's characters, trailing space included (empty: no marker).
    pub marker: Vec<StyledChar>,
}

/// True for the characters that end a paragraph (U+2028 ends only a line).
pub fn ends_paragraph(c: char) -> bool {
    matches!(c, '\u{2029}' | '\n' | '\r')
}

/// The paragraph of every code point of `value`, and one more entry for its end (the last
/// paragraph), in one pass.
pub fn paragraphs(value: &str) -> Vec<usize> {
    let mut out = Vec::with_capacity(value.len() + 1);
    let mut paragraph = 0;
    let mut prev = '\0';
    for c in value.chars() {
        out.push(paragraph);
        // CR LF is one break: the LF after a CR does not start another paragraph.
        if ends_paragraph(c) && !(c == '\n' && prev == '\r') {
            paragraph += 1;
        }
        prev = c;
    }
    out.push(paragraph);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_counted_as_layout_counts_them() {
        let v = "one\u{2029}two\u{2028}still two\r\nthree\nfour";
        let p = paragraphs(v);
        let at = |needle: &str| p[v[..v.find(needle).expect("in text")].chars().count()];
        assert_eq!(p[0], 0);
        assert_eq!(at("two"), 1);
        assert_eq!(at("still"), 1, "U+2028 breaks a line only");
        assert_eq!(at("three"), 2, "CR LF is one break");
        assert_eq!(at("four"), 3);
        assert_eq!(p.len(), v.chars().count() + 1);
        assert_eq!(p[p.len() - 1], 3);
    }
}
