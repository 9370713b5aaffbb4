//! Text layout: styled characters → shaped glyphs on lines, placed in the text frame.
//!
//! Input: the characters of a text layer, each with a style and a face (fallback already
//! resolved), the faces, and the frame and alignment settings. Output: glyphs with pen
//! positions in glyph space (y down, origin at the frame's top left, or on the first
//! baseline for `SET`), and decoration rectangles. Guarantees: deterministic; every
//! character lands on exactly one line; no allocation per glyph beyond the output.
//!
//! Model (Figma's, which the Figma converter's documents come from): hard lines at
//! U+2029, U+2028, CR and LF; greedy wrapping at Unicode line-break opportunities (UAX #14)
//! when the frame has a width; each line is as tall as its largest line height, with the
//! glyphs' ascent + descent centred in it (half leading above and below); trailing spaces
//! hang past the frame edge.

use rustybuzz::{Direction, Face, Feature, UnicodeBuffer};

use super::bidi;
use super::frame::first_baseline_shift;
pub use super::frame::{Align, Baseline, Frame, VAlign};
use super::lists::{ends_paragraph, ListItem};
use unicode_linebreak::{linebreaks, BreakOpportunity};

/// A loaded face with the metrics layout needs (font units).
pub struct LaidFace<'a> {
    /// The shaping face.
    pub face: Face<'a>,
    /// Units per em.
    pub upem: f32,
    /// Ascender (positive, up).
    pub ascender: f32,
    /// Descender (positive, down).
    pub descender: f32,
    /// Line gap.
    pub line_gap: f32,
}

impl<'a> LaidFace<'a> {
    /// Reads the metrics of `face`.
    pub fn new(face: Face<'a>) -> Self {
        let upem = face.units_per_em().max(1) as f32;
        LaidFace {
            upem,
            ascender: face.ascender() as f32,
            descender: -(face.descender() as f32),
            line_gap: face.line_gap() as f32,
            face,
        }
    }
}

/// Per-style settings layout needs.
#[derive(Debug, Clone)]
pub struct LayoutStyle {
    /// Font size in pixels (already scaled for sub/superscript).
    pub size: f32,
    /// Baseline shift in pixels, up positive (superscript).
    pub rise: f32,
    /// Explicit line height in pixels, if any.
    pub line_height: Option<f32>,
    /// Pixels added after every glyph.
    pub letter_spacing: f32,
    /// OpenType features for shaping (kerning, ligatures, explicit).
    pub features: Vec<Feature>,
}

/// One character to lay out.
#[derive(Debug, Clone, Copy)]
pub struct StyledChar {
    /// The character.
    pub ch: char,
    /// Index into the styles.
    pub style: usize,
    /// Index into the faces.
    pub face: usize,
}

/// A glyph placed on its line.
#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    /// Glyph id in its face.
    pub id: u16,
    /// Face index.
    pub face: usize,
    /// Style index.
    pub style: usize,
    /// Pen position x (left of the glyph origin), glyph space.
    pub x: f32,
    /// Baseline y, glyph space, y down.
    pub y: f32,
    /// Index of the first character of its cluster.
    pub char_index: usize,
    /// Advance in pixels including letter spacing.
    pub advance: f32,
    /// The glyph draws a space (it may hang past the frame and stretches when justified).
    pub blank: bool,
    /// Its character's bidirectional embedding level (odd: right to left).
    pub level: u8,
}

/// A line of laid-out glyphs.
#[derive(Debug, Clone)]
pub struct Line {
    /// Range into [`Laid::glyphs`].
    pub glyphs: std::ops::Range<usize>,
    /// Baseline y.
    pub baseline: f32,
    /// Width without trailing spaces.
    pub width: f32,
    /// The line's largest ascent above the baseline.
    pub ascent: f32,
    /// The line's largest descent below the baseline.
    pub descent: f32,
}

/// The result of layout.
#[derive(Debug, Clone, Default)]
pub struct Laid {
    /// Every glyph, line by line.
    pub glyphs: Vec<Glyph>,
    /// The lines.
    pub lines: Vec<Line>,
}

struct RawLine {
    glyphs: Vec<Glyph>,
    /// Style of the line when it has no glyphs (an empty paragraph).
    empty_style: usize,
    empty_face: usize,
    last_of_paragraph: bool,
    /// Left indent of a list item's lines.
    indent: f32,
    /// A list marker's glyphs (first line of a list item only), pens from 0.
    marker: Vec<Glyph>,
}

/// Lays `chars` out in `frame`; `items` (sorted by paragraph, one per paragraph) indent
/// their paragraphs and put markers before them.
pub fn layout(
    chars: &[StyledChar],
    styles: &[LayoutStyle],
    faces: &[LaidFace],
    frame: &Frame,
    items: &[ListItem],
) -> Laid {
    let mut raw = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let (mut paragraph, mut opens_paragraph) = (0, true);
    while i <= chars.len() {
        let hard = i == chars.len() || is_hard_break(chars[i].ch);
        if hard {
            let seg = &chars[start..i];
            let line = HardLine {
                chars: seg,
                text: seg.iter().map(|c| c.ch).collect(),
                offset: start,
            };
            let glyphs = shape_segment(&line, styles, faces);
            let (style, face) = match chars.get(i).or(chars.get(i.wrapping_sub(1))) {
                Some(c) => (c.style, c.face),
                None => (0, 0),
            };
            let item = items
                .binary_search_by_key(&paragraph, |it| it.paragraph)
                .ok()
                .map(|k| &items[k]);
            let indent = item.map_or(0.0, |it| it.indent);
            let first = raw.len();
            let width = frame.wrap.map(|w| (w - indent).max(0.0));
            wrap(&line, glyphs, width, style, face, &mut raw);
            for r in &mut raw[first..] {
                r.indent = indent;
            }
            if let Some(it) = item.filter(|_| opens_paragraph) {
                raw[first].marker = shape_marker(it, start, styles, faces);
            }
            opens_paragraph = i == chars.len() || ends_paragraph(chars[i].ch);
            paragraph += opens_paragraph as usize;
            // CR LF counts as one break.
            if i + 1 < chars.len() && chars[i].ch == '\r' && chars[i + 1].ch == '\n' {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    place(raw, styles, faces, frame)
}

/// The characters between two hard breaks (text made once for shaper, bidi and breaker).
struct HardLine<'a> {
    chars: &'a [StyledChar],
    text: String,
    /// Index of the first character in the layer's text.
    offset: usize,
}

fn is_hard_break(c: char) -> bool {
    matches!(c, '\u{2029}' | '\u{2028}' | '\n' | '\r')
}

/// A list item's marker shaped on its own, each glyph standing for the paragraph's first
/// character `at` (the marker has no characters of the text).
fn shape_marker(
    item: &ListItem,
    at: usize,
    styles: &[LayoutStyle],
    faces: &[LaidFace],
) -> Vec<Glyph> {
    let line = HardLine {
        chars: &item.marker,
        text: item.marker.iter().map(|c| c.ch).collect(),
        offset: 0,
    };
    let mut glyphs = shape_segment(&line, styles, faces);
    for g in &mut glyphs {
        g.char_index = at;
    }
    glyphs
}

/// Shapes one hard line, run by run (a run keeps one style and face).
fn shape_segment(line: &HardLine<'_>, styles: &[LayoutStyle], faces: &[LaidFace]) -> Vec<Glyph> {
    let (seg, offset) = (line.chars, line.offset);
    let mut out = Vec::with_capacity(seg.len());
    let levels = bidi::levels(&line.text);
    let level = |i: usize| levels.as_ref().map_or(0, |l| l[i]);
    let mut run_start = 0;
    while run_start < seg.len() {
        let (style, face) = (seg[run_start].style, seg[run_start].face);
        let lv = level(run_start);
        let mut run_end = run_start + 1;
        while run_end < seg.len()
            && seg[run_end].style == style
            && seg[run_end].face == face
            && level(run_end) == lv
        {
            run_end += 1;
        }
        let text: String = seg[run_start..run_end].iter().map(|c| c.ch).collect();
        // Byte offset in the run string → character index in the text.
        let mut char_at = Vec::with_capacity(text.len() + 1);
        for (ci, ch) in text.chars().enumerate() {
            char_at.extend(std::iter::repeat_n(offset + run_start + ci, ch.len_utf8()));
        }
        let st = &styles[style];
        let lf = &faces[face];
        let mut buf = UnicodeBuffer::new();
        buf.push_str(&text);
        buf.guess_segment_properties();
        // The run's direction is its level's, whatever the script (digits in Arabic text
        // are left to right, Latin inside an RTL embedding is not).
        let rtl = lv % 2 == 1;
        buf.set_direction(if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        let shaped = rustybuzz::shape(&lf.face, &st.features, buf);
        let k = st.size / lf.upem;
        let first = out.len();
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            let char_index = char_at
                .get(info.cluster as usize)
                .copied()
                .unwrap_or(offset);
            let blank = seg
                .get(char_index - offset)
                .is_some_and(|c| c.ch.is_whitespace());
            out.push(Glyph {
                id: info.glyph_id as u16,
                face,
                style,
                x: pos.x_offset as f32 * k,
                y: -(pos.y_offset as f32 * k) - st.rise,
                char_index,
                advance: pos.x_advance as f32 * k + st.letter_spacing,
                blank,
                level: lv,
            });
        }
        if rtl {
            // The shaper gives a right-to-left run in visual order: back to logical order
            // for line breaking (`bidi::reorder` turns each line around again).
            out[first..].reverse();
        }
        run_start = run_end;
    }
    out
}

/// Breaks a hard line's glyphs into lines no wider than `width` where UAX #14 allows.
fn wrap(
    line: &HardLine<'_>,
    glyphs: Vec<Glyph>,
    width: Option<f32>,
    style: usize,
    face: usize,
    out: &mut Vec<RawLine>,
) {
    let (seg, offset, text) = (line.chars, line.offset, &line.text);
    let mut allowed = vec![false; seg.len() + 1];
    let mut byte_to_char = vec![0; text.len() + 1];
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        byte_to_char[bi] = ci;
    }
    byte_to_char[text.len()] = seg.len();
    for (bi, op) in linebreaks(text) {
        if op == BreakOpportunity::Allowed {
            allowed[byte_to_char[bi]] = true;
        }
    }
    let mut lines: Vec<Vec<Glyph>> = vec![Vec::new()];
    let mut pen = 0.0f32;
    let mut last_break: Option<usize> = None;
    for g in glyphs {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && allowed[g.char_index - offset] {
            last_break = Some(line.len());
        }
        let fits = match width {
            Some(w) => g.blank || pen + g.advance <= w + 0.01,
            None => true,
        };
        if !fits {
            if let Some(b) = last_break.filter(|&b| b > 0) {
                let rest = line.split_off(b);
                pen = rest.iter().map(|g| g.advance).sum();
                lines.push(rest);
                last_break = None;
            }
        }
        pen += g.advance;
        lines.last_mut().expect("one line at least").push(g);
    }
    let n = lines.len();
    for (i, glyphs) in lines.into_iter().enumerate() {
        out.push(RawLine {
            glyphs,
            empty_style: style,
            empty_face: face,
            last_of_paragraph: i + 1 == n,
            indent: 0.0,
            marker: Vec::new(),
        });
    }
}

/// Vertical metrics of a line: ascent, descent and height in pixels.
fn line_metrics(line: &RawLine, styles: &[LayoutStyle], faces: &[LaidFace]) -> (f32, f32, f32) {
    let mut asc = 0.0f32;
    let mut desc = 0.0f32;
    let mut height = 0.0f32;
    let mut visit = |style: usize, face: usize| {
        let (st, f) = (&styles[style], &faces[face]);
        let k = st.size / f.upem;
        asc = asc.max(f.ascender * k + st.rise);
        desc = desc.max(f.descender * k - st.rise);
        let natural = (f.ascender + f.descender + f.line_gap) * k;
        height = height.max(st.line_height.unwrap_or(natural));
    };
    if line.glyphs.is_empty() {
        visit(line.empty_style, line.empty_face);
    }
    for g in line.glyphs.iter().chain(&line.marker) {
        visit(g.style, g.face);
    }
    (asc, desc, height)
}

/// Positions lines vertically and glyphs horizontally.
fn place(mut raw: Vec<RawLine>, styles: &[LayoutStyle], faces: &[LaidFace], frame: &Frame) -> Laid {
    let mut laid = Laid::default();
    let mut top = 0.0f32;
    let widths: Vec<f32> = raw.iter().map(content_width).collect();
    let box_w = frame.width.unwrap_or_else(|| {
        let indented = raw.iter().zip(&widths).map(|(l, w)| w + l.indent);
        indented.fold(0.0, f32::max)
    });
    for line in raw
        .iter_mut()
        .filter(|l| l.glyphs.iter().any(|g| g.level > 0))
    {
        bidi::reorder(&mut line.glyphs);
    }
    for (line, &w) in raw.iter().zip(&widths) {
        let (asc, desc, height) = line_metrics(line, styles, faces);
        let baseline = top + (height - (asc + desc)) / 2.0 + asc;
        top += height;
        let (pen, extra_per_space) = start_x(line, w, box_w - line.indent, frame.align);
        let mut pen = pen + line.indent;
        let first = laid.glyphs.len();
        // The marker (and its space) ends where the item's text begins.
        let mut marker_pen = pen - line.marker.iter().map(|g| g.advance).sum::<f32>();
        for g in &line.marker {
            laid.glyphs.push(Glyph {
                x: g.x + marker_pen,
                y: g.y + baseline,
                ..*g
            });
            marker_pen += g.advance;
        }
        for g in &line.glyphs {
            let mut g = *g;
            let adv = g.advance;
            g.x += pen;
            g.y += baseline;
            pen += adv;
            if extra_per_space > 0.0 && g.blank {
                pen += extra_per_space;
            }
            laid.glyphs.push(g);
        }
        laid.lines.push(Line {
            glyphs: first..laid.glyphs.len(),
            baseline,
            width: w,
            ascent: asc,
            descent: desc,
        });
    }
    let shift = first_baseline_shift(&laid, top, styles, faces, frame);
    for g in &mut laid.glyphs {
        g.y += shift;
    }
    for l in &mut laid.lines {
        l.baseline += shift;
    }
    laid
}

/// Width of a line without its trailing spaces.
fn content_width(line: &RawLine) -> f32 {
    let mut w: f32 = line.glyphs.iter().map(|g| g.advance).sum();
    for g in line.glyphs.iter().rev() {
        if !g.blank {
            break;
        }
        w -= g.advance;
    }
    w.max(0.0)
}

/// Where a line's pen starts, and extra advance per space for justification.
fn start_x(line: &RawLine, w: f32, box_w: f32, align: Align) -> (f32, f32) {
    match align {
        Align::Left => (0.0, 0.0),
        Align::Center => ((box_w - w) / 2.0, 0.0),
        Align::Right => (box_w - w, 0.0),
        Align::Justify => {
            if line.last_of_paragraph {
                return (0.0, 0.0);
            }
            let trailing = line.glyphs.iter().rev().take_while(|g| g.blank).count();
            let inner = line.glyphs.len() - trailing;
            let spaces = line.glyphs[..inner].iter().filter(|g| g.blank).count();
            if spaces == 0 || box_w <= w {
                (0.0, 0.0)
            } else {
                (0.0, (box_w - w) / spaces as f32)
            }
        }
    }
}
