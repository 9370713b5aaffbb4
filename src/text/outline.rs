//! Glyph outlines: a face's glyph → a path in glyph space.
//!
//! Input: a face, a glyph id, the pen position, the font scale and an optional slant.
//! Output: the outline appended to a path builder. Guarantees: quadratic and cubic
//! (CFF) outlines are kept as curves; a glyph without an outline (space) adds nothing.

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use tiny_skia_path::PathBuilder;

/// The slant of synthetic italics (about 12 degrees), as in most renderers.
pub const SYNTHETIC_SLANT: f32 = 0.21;

/// Maps font units to glyph space: `x = pen_x + k·(u + slant·v)`, `y = pen_y − k·v`.
struct Place<'a> {
    out: &'a mut PathBuilder,
    pen_x: f32,
    pen_y: f32,
    k: f32,
    slant: f32,
}

impl Place<'_> {
    fn map(&self, u: f32, v: f32) -> (f32, f32) {
        (
            self.pen_x + self.k * (u + self.slant * v),
            self.pen_y - self.k * v,
        )
    }
}

impl OutlineBuilder for Place<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.map(x, y);
        self.out.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.map(x, y);
        self.out.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.map(x1, y1);
        let (x, y) = self.map(x, y);
        self.out.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.map(x1, y1);
        let (x2, y2) = self.map(x2, y2);
        let (x, y) = self.map(x, y);
        self.out.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.out.close();
    }
}

/// Appends glyph `id` of `face` at pen (`x`, `y`) with `k` pixels per font unit.
pub fn append_glyph(
    face: &rustybuzz::ttf_parser::Face,
    id: u16,
    (x, y): (f32, f32),
    k: f32,
    slant: f32,
    out: &mut PathBuilder,
) {
    let mut place = Place {
        out,
        pen_x: x,
        pen_y: y,
        k,
        slant,
    };
    face.outline_glyph(GlyphId(id), &mut place);
}

/// Appends an axis-aligned rectangle (decorations).
pub fn append_rect(out: &mut PathBuilder, x0: f32, y0: f32, x1: f32, y1: f32) {
    if x1 > x0 && y1 > y0 {
        out.move_to(x0, y0);
        out.line_to(x1, y0);
        out.line_to(x1, y1);
        out.line_to(x0, y1);
        out.close();
    }
}
