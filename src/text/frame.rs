//! Where a text's lines go: the frame's width and height, alignment and first-baseline rule.
//!
//! Input: settings the scene builder fills from the text payload. Output: the values
//! [`super::layout::layout`] reads, and the vertical shift that applies the baseline rule
//! and vertical alignment to laid-out lines.

use super::layout::{Laid, LaidFace, LayoutStyle};

/// Frame and alignment.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Wrap width, when the frame wraps.
    pub wrap: Option<f32>,
    /// Width lines are aligned in (None: the widest line).
    pub width: Option<f32>,
    /// Height for vertical alignment (FIXED frames only).
    pub height: Option<f32>,
    /// Horizontal alignment.
    pub align: Align,
    /// Vertical alignment inside `height`.
    pub valign: VAlign,
    /// Where the first baseline goes.
    pub baseline: Baseline,
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
    /// Spaces stretched to fill all but each paragraph's last line.
    Justify,
}

/// Vertical alignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VAlign {
    /// Top.
    Top,
    /// Centre.
    Center,
    /// Bottom.
    Bottom,
}

/// First-baseline rule (docs/rendering.md §10.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Baseline {
    /// Line boxes from the frame top, glyphs centred in each.
    Ascender,
    /// The first baseline sits at the first line's highest glyph top.
    Bearing,
    /// The first baseline is the origin.
    Set,
}

/// The vertical shift that applies the baseline policy and vertical alignment.
pub(super) fn first_baseline_shift(
    laid: &Laid,
    text_h: f32,
    styles: &[LayoutStyle],
    faces: &[LaidFace],
    frame: &Frame,
) -> f32 {
    let Some(first) = laid.lines.first() else {
        return 0.0;
    };
    match frame.baseline {
        Baseline::Set => -first.baseline,
        Baseline::Bearing => {
            let bearing = laid.glyphs[first.glyphs.clone()]
                .iter()
                .filter_map(|g| {
                    let f = &faces[g.face];
                    let bb = f
                        .face
                        .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(g.id))?;
                    Some(bb.y_max as f32 * styles[g.style].size / f.upem)
                })
                .fold(0.0f32, f32::max);
            bearing - first.baseline + valign_offset(frame, text_h)
        }
        Baseline::Ascender => valign_offset(frame, text_h),
    }
}

fn valign_offset(frame: &Frame, text_h: f32) -> f32 {
    match (frame.height, frame.valign) {
        (Some(h), VAlign::Center) => (h - text_h) / 2.0,
        (Some(h), VAlign::Bottom) => h - text_h,
        _ => 0.0,
    }
}
