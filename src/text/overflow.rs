//! Text that overflows a FIXED frame: which lines show, and whether the rest is clipped.
//!
//! Input: laid-out lines (baselines, ascents and descents in glyph space, the frame's top
//! at y = 0) and the frame's size. Output: the lines the policy hides removed, and whether
//! what is left must still be clipped to the frame. Guarantees: lines are kept from the
//! top while they qualify, so a hidden line never leaves a visible one below it; a line
//! that fits to within half a pixel of the frame counts as fitting (frames are often measured
//! to exactly the text's height, and the float sums of line heights can pass it by a hair).

use super::layout::Laid;

/// How far past the frame a line may reach and still count as inside it, in pixels.
const SLACK: f32 = 0.5;

/// What happens to text outside a FIXED frame (the spec's `overflowPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overflow {
    /// `EXTEND_ALL`, and every frame that is not FIXED: everything shows.
    #[default]
    Visible,
    /// `EXTEND_LINE`: lines show down to the last one that at least partly fits.
    ExtendLine,
    /// `CLIP_LINE`: lines show down to the last one that fits entirely (Photoshop's
    /// paragraph boxes hide the lines that do not fit this way).
    ClipLine,
    /// `NO_OVERFLOW`: the text is clipped to the frame exactly.
    Clip,
}

/// Drops the lines `policy` hides in a `width` x `height` frame; returns true when what is
/// left still crosses the frame and must be clipped to it.
pub fn apply(laid: &mut Laid, policy: Overflow, width: f32, height: f32) -> bool {
    let keep = match policy {
        Overflow::Visible => return false,
        Overflow::ExtendLine | Overflow::Clip => laid
            .lines
            .iter()
            .take_while(|l| l.baseline - l.ascent < height - SLACK)
            .count(),
        Overflow::ClipLine => laid
            .lines
            .iter()
            .take_while(|l| l.baseline + l.descent <= height + SLACK)
            .count(),
    };
    let end = laid
        .lines
        .get(keep)
        .map_or(laid.glyphs.len(), |l| l.glyphs.start);
    laid.lines.truncate(keep);
    laid.glyphs.truncate(end);
    policy == Overflow::Clip && crosses(laid, width, height)
}

/// True when a line reaches above or below the frame, or a drawn glyph past its sides.
fn crosses(laid: &Laid, width: f32, height: f32) -> bool {
    let vertical = laid
        .lines
        .iter()
        .any(|l| l.baseline - l.ascent < -SLACK || l.baseline + l.descent > height + SLACK);
    let horizontal = laid
        .glyphs
        .iter()
        .any(|g| !g.blank && (g.x < -SLACK || g.x + g.advance > width + SLACK));
    vertical || horizontal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::layout::{Glyph, Line};

    /// Five lines 50 px apart (ascent 40, descent 10), one glyph each, 100 px wide.
    fn five_lines() -> Laid {
        let mut laid = Laid::default();
        for i in 0..5 {
            let baseline = 40.0 + 50.0 * i as f32;
            laid.glyphs.push(Glyph {
                id: 1,
                face: 0,
                style: 0,
                x: 0.0,
                y: baseline,
                char_index: i,
                advance: 100.0,
                blank: false,
                level: 0,
            });
            laid.lines.push(Line {
                glyphs: i..i + 1,
                baseline,
                width: 100.0,
                ascent: 40.0,
                descent: 10.0,
            });
        }
        laid
    }

    #[test]
    fn each_policy_keeps_its_lines() {
        // A 120 px frame: lines 1 and 2 fit (0..50, 50..100), line 3 (100..150) only partly.
        for (policy, lines, clip) in [
            (Overflow::Visible, 5, false),
            (Overflow::ExtendLine, 3, false),
            (Overflow::ClipLine, 2, false),
            (Overflow::Clip, 3, true),
        ] {
            let mut laid = five_lines();
            let clipped = apply(&mut laid, policy, 100.0, 120.0);
            assert_eq!(laid.lines.len(), lines, "{policy:?}");
            assert_eq!(laid.glyphs.len(), lines, "{policy:?}");
            assert_eq!(clipped, clip, "{policy:?}");
        }
    }

    #[test]
    fn text_inside_its_frame_needs_no_clip() {
        let mut laid = five_lines();
        assert!(!apply(&mut laid, Overflow::Clip, 100.0, 250.2));
        assert_eq!(laid.lines.len(), 5);
        // A glyph past the right side is clipped.
        let mut laid = five_lines();
        laid.glyphs[0].advance = 130.0;
        assert!(apply(&mut laid, Overflow::Clip, 100.0, 250.0));
    }
}
