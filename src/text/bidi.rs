//! Bidirectional text (UAX #9): embedding levels per character, and lines put in display
//! order.
//!
//! Input: a hard line's text (levels), then a laid line's glyphs in logical order, each with
//! its character's level (reordering). Output: levels per character (`None` for text that
//! is left-to-right throughout, the common case, which then costs nothing more), and the
//! glyphs in visual order. Guarantees: levels come from the `unicode-bidi` crate (the
//! paragraph direction from the first strong character); reordering is rule L2 (from the
//! highest level down to the lowest odd one, every run at that level or above is reversed);
//! a line's trailing spaces keep the paragraph end (rule L1), so they still hang.

use unicode_bidi::ParagraphBidiInfo;

use super::layout::Glyph;

/// The embedding level of each character of `text`, or `None` when all of it is
/// left-to-right.
pub(super) fn levels(text: &str) -> Option<Vec<u8>> {
    let info = ParagraphBidiInfo::new(text, None);
    if info.is_pure_ltr {
        return None;
    }
    Some(
        text.char_indices()
            .map(|(b, _)| info.levels[b].number())
            .collect(),
    )
}

/// Puts a line's glyphs (logical order) in visual order, trailing spaces left at the end.
pub(super) fn reorder(glyphs: &mut [Glyph]) {
    let end = glyphs.len() - glyphs.iter().rev().take_while(|g| g.blank).count();
    let line = &mut glyphs[..end];
    let (Some(high), Some(low_odd)) = (
        line.iter().map(|g| g.level).max(),
        line.iter().map(|g| g.level).filter(|l| l % 2 == 1).min(),
    ) else {
        return;
    };
    for level in (low_odd..=high).rev() {
        let mut i = 0;
        while i < line.len() {
            if line[i].level < level {
                i += 1;
                continue;
            }
            let start = i;
            while i < line.len() && line[i].level >= level {
                i += 1;
            }
            line[start..i].reverse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(char_index: usize, level: u8, blank: bool) -> Glyph {
        Glyph {
            id: 0,
            face: 0,
            style: 0,
            x: 0.0,
            y: 0.0,
            char_index,
            advance: 1.0,
            blank,
            level,
        }
    }

    #[test]
    fn hebrew_inside_english_is_reversed_in_place() {
        // "ab אבג cd": the Hebrew word (level 1) reads right to left between LTR words.
        let text = "ab \u{5d0}\u{5d1}\u{5d2} cd";
        let lv = levels(text).expect("mixed text");
        assert_eq!(lv, vec![0, 0, 0, 1, 1, 1, 0, 0, 0]);
        let mut line: Vec<Glyph> = lv
            .iter()
            .enumerate()
            .map(|(i, &l)| glyph(i, l, i == 2 || i == 6))
            .collect();
        reorder(&mut line);
        let order: Vec<usize> = line.iter().map(|g| g.char_index).collect();
        assert_eq!(order, vec![0, 1, 2, 5, 4, 3, 6, 7, 8]);
    }

    #[test]
    fn an_rtl_paragraph_runs_right_to_left_with_its_numbers_left_to_right() {
        // "אב 12": an RTL paragraph (level 1) with a number (level 2).
        let text = "\u{5d0}\u{5d1} 12";
        let lv = levels(text).expect("rtl text");
        assert_eq!(lv, vec![1, 1, 1, 2, 2]);
        let mut line: Vec<Glyph> = lv
            .iter()
            .enumerate()
            .map(|(i, &l)| glyph(i, l, i == 2))
            .collect();
        reorder(&mut line);
        let order: Vec<usize> = line.iter().map(|g| g.char_index).collect();
        assert_eq!(order, vec![3, 4, 2, 1, 0]);
        assert!(levels("plain English").is_none());
    }
}
