//! TEXT layers → filled and stroked glyph outlines.
//!
//! Input: a text payload, the layer's absolute transform and the font book the caller
//! supplied. Output: a shape node (one style) or a pass-through group of shape nodes (one
//! per distinct style), whose bodies are glyph outlines and decorations in layer space.
//! Guarantees: fonts are chosen along the book's documented chain and every substitution
//! is reported once per font and layer; a character no font has is drawn as the face's
//! missing-glyph box and reported; all of the style's fills and strokes are painted (the
//! reference renderer paints only a first solid fill).

use std::collections::HashMap;

use fontdb::ID;
use octopus_schema::{Ligatures, Text, TextStyle, Transform, Underline};
use rustybuzz::ttf_parser::Tag;
use rustybuzz::Feature;
use tiny_skia_path::{Path, PathBuilder};

use super::context::Ctx;
use super::paint::resolve_fill;
use super::shape::strokes_bounds;
use super::stroke::build_stroke;
use super::text_checks::check_style;
use super::text_frame::{clipped_to_frame, frame_of};
use super::text_lists;
use crate::diag::DiagKind;
use crate::error::Result;
use crate::scene::{BlendMode, Bounds, GroupNode, Node, NodeKind, ShapeNode};
use crate::text::layout::{self, LaidFace, LayoutStyle, StyledChar};
use crate::text::outline::{append_glyph, append_rect, SYNTHETIC_SLANT};
use crate::text::overflow;
use crate::text::style::{apply_case, resolve_styles};
use crate::text::{FontBook, FontRequest};

/// Size Figma and the spec use when a style has none.
const DEFAULT_FONT_SIZE: f64 = 12.0;

/// Faces loaded for one text layer, by book id.
struct Faces<'a> {
    book: &'a FontBook,
    ids: Vec<ID>,
    laid: Vec<LaidFace<'a>>,
    slots: HashMap<ID, Option<usize>>,
}

impl<'a> Faces<'a> {
    fn slot(&mut self, id: ID) -> Option<usize> {
        if let Some(s) = self.slots.get(&id) {
            return *s;
        }
        let slot = self
            .book
            .face_bytes(id)
            .and_then(|(data, index)| rustybuzz::Face::from_slice(data, index))
            .map(|face| {
                self.laid.push(LaidFace::new(face));
                self.ids.push(id);
                self.laid.len() - 1
            });
        self.slots.insert(id, slot);
        slot
    }

    fn has(&self, slot: usize, ch: char) -> bool {
        self.laid[slot].face.glyph_index(ch).is_some()
    }
}

/// Per merged style: its face slot, slant and layout settings.
struct StyleFace {
    slot: usize,
    slant: f32,
}

/// Builds the node kind of a text layer.
pub(super) fn build_text(
    ctx: &mut Ctx,
    text: &Text,
    abs: &Transform,
    parent: &Transform,
    fills_direct: bool,
) -> Result<Option<NodeKind>> {
    let book = ctx.font_book();
    let mut styled = resolve_styles(&text.value, &text.default_style, &text.styles);
    let markers = text_lists::markers(ctx, text, &mut styled);
    let mut faces = Faces {
        book,
        ids: Vec::new(),
        laid: Vec::new(),
        slots: HashMap::new(),
    };
    let Some(style_faces) = choose_faces(ctx, &styled, &mut faces) else {
        ctx.report(
            DiagKind::MissingAsset,
            "text",
            "no usable font in the font book; text not drawn".into(),
        );
        return Ok(None);
    };
    let chars = apply_case(&text.value, &styled.per_char, &styled.styles);
    let chars = assign_faces(ctx, &chars, &style_faces, &mut faces);
    let items: Vec<_> = markers
        .iter()
        .map(|m| m.item(assign_faces(ctx, &m.chars(), &style_faces, &mut faces)))
        .collect();
    let lstyles: Vec<LayoutStyle> = styled
        .styles
        .iter()
        .zip(&style_faces)
        .map(|(s, sf)| layout_style(s, &faces.laid[sf.slot]))
        .collect();
    let mut seen = Vec::new();
    for (si, (st, sf)) in styled.styles.iter().zip(&style_faces).enumerate() {
        let lf = &faces.laid[sf.slot];
        let font = faces
            .book
            .database()
            .face(faces.ids[sf.slot])
            .map(|f| f.post_script_name.clone())
            .unwrap_or_default();
        let asked: Vec<Tag> = lstyles[si].features.iter().map(|f| f.tag).collect();
        let source = styled.font_source[si];
        check_style(ctx, (si, source), st, &lf.face, &font, &asked, &mut seen);
    }
    let (frame, overflow) = frame_of(ctx, text);
    let mut laid = layout::layout(&chars, &lstyles, &faces.laid, &frame, &items);
    let size = (frame.width.unwrap_or(0.0), frame.height.unwrap_or(0.0));
    let clip = overflow::apply(&mut laid, overflow, size.0, size.1);
    let bodies = outlines(&laid, &styled.styles, &lstyles, &style_faces, &faces.laid);
    let glyph_to_layer = to_skia(&text.transform);
    let mut nodes = Vec::new();
    for (si, pb) in bodies.into_iter().enumerate() {
        let Some(body) = pb.finish().and_then(|p| p.transform(glyph_to_layer)) else {
            continue;
        };
        let path = if si == 0 {
            "text.defaultStyle".to_owned()
        } else {
            format!("text.styles(style {si})")
        };
        ctx.enter(path);
        let shape = paint_shape(ctx, body, &styled.styles[si], abs, parent, fills_direct);
        ctx.leave();
        if let Some(shape) = shape? {
            nodes.push(shape);
        }
    }
    let nodes: Vec<Node> = nodes
        .into_iter()
        .enumerate()
        .map(|(i, s)| Node {
            id: format!("{}#style{i}", ctx.layer_id().unwrap_or_default()),
            opacity: 1.0,
            blend: BlendMode::Normal,
            bounds: s.layer_bounds(true),
            kind: NodeKind::Shape(s),
            effects: Vec::new(),
        })
        .collect();
    if clip && !nodes.is_empty() {
        return Ok(clipped_to_frame(ctx, nodes, size, glyph_to_layer, abs));
    }
    Ok(match nodes.len() {
        0 => None,
        1 => nodes.into_iter().next().map(|n| n.kind),
        _ => Some(NodeKind::Group(GroupNode {
            isolated: false,
            children: nodes,
            mask: None,
        })),
    })
}

/// Picks a face for every merged style, reporting substitutions once per font.
fn choose_faces(
    ctx: &mut Ctx,
    styled: &crate::text::style::Styled,
    faces: &mut Faces,
) -> Option<Vec<StyleFace>> {
    let mut reported: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(styled.styles.len());
    for (si, st) in styled.styles.iter().enumerate() {
        let font = st.font.clone().unwrap_or_default();
        let req = FontRequest::from_names(
            &font.post_script_name,
            font.family.as_deref(),
            font.style.as_deref(),
        );
        let choice = faces.book.choose(&req);
        if let Some(msg) = &choice.substitution {
            if !reported.contains(msg) {
                let field = format!("{}.font", styled.font_source[si].path());
                ctx.report(DiagKind::MissingFont, &field, msg.clone());
                reported.push(msg.clone());
            }
        }
        let slot = faces.slot(choice.id)?;
        out.push(StyleFace {
            slot,
            slant: if choice.synthetic_italic {
                SYNTHETIC_SLANT
            } else {
                0.0
            },
        });
    }
    Some(out)
}

/// Gives every character a face that has it: its style's, else the first fallback that
/// does; characters nobody has keep their style's face (drawn as its missing-glyph box).
fn assign_faces(
    ctx: &mut Ctx,
    chars: &[(char, usize)],
    style_faces: &[StyleFace],
    faces: &mut Faces,
) -> Vec<StyledChar> {
    let mut fallback_ids: Option<Vec<ID>> = None;
    let mut found: HashMap<char, Option<usize>> = HashMap::new();
    let mut out = Vec::with_capacity(chars.len());
    for &(ch, style) in chars {
        let own = style_faces[style].slot;
        let face = if ch.is_control() || ch.is_whitespace() || faces.has(own, ch) {
            own
        } else {
            let slot = *found.entry(ch).or_insert_with(|| {
                let ids = fallback_ids.get_or_insert_with(|| faces.book.fallbacks());
                for &id in ids.iter() {
                    match faces.slot(id) {
                        Some(s) if faces.has(s, ch) => return Some(s),
                        _ => {}
                    }
                }
                None
            });
            match slot {
                Some(s) => s,
                None => {
                    if !is_format_char(ch) {
                        ctx.report(
                            DiagKind::MissingFont,
                            "text.value",
                            format!(
                                "no font has a glyph for {ch:?} (U+{:04X}); drawn as a missing-glyph box",
                                ch as u32
                            ),
                        );
                    }
                    own
                }
            }
        };
        out.push(StyledChar { ch, style, face });
    }
    out
}

/// Joiners, variation selectors and bidirectional controls: they steer shaping or
/// ordering and are never drawn (the shaper hides these default-ignorables).
fn is_format_char(ch: char) -> bool {
    matches!(ch as u32,
        0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

/// Layout settings of a style on its face.
fn layout_style(s: &TextStyle, face: &LaidFace) -> LayoutStyle {
    let mut size = s.font_size.unwrap_or(DEFAULT_FONT_SIZE).max(0.0) as f32;
    let mut rise = 0.0;
    let upem = face.upem;
    let script = if s.superscript == Some(true) {
        Some((face.face.superscript_metrics(), 1.0, 0.34))
    } else if s.subscript == Some(true) {
        Some((face.face.subscript_metrics(), -1.0, 0.14))
    } else {
        None
    };
    if let Some((metrics, sign, default_rise)) = script {
        let (scale, r) = match metrics {
            Some(m) if m.y_size > 0 => (m.y_size as f32 / upem, m.y_offset as f32 / upem),
            _ => (0.65, default_rise),
        };
        rise = sign * r.abs() * size;
        size *= scale;
    }
    let mut features = Vec::new();
    let mut set = |tag: &[u8; 4], on: bool| {
        features.push(Feature::new(Tag::from_bytes(tag), on as u32, ..));
    };
    if s.kerning == Some(false) {
        set(b"kern", false);
    }
    match s.ligatures.as_ref() {
        Some(Ligatures::None) => {
            set(b"liga", false);
            set(b"clig", false);
        }
        Some(Ligatures::All) => set(b"dlig", true),
        _ => {}
    }
    if s.letter_case == Some(octopus_schema::LetterCase::SmallCaps) {
        set(b"smcp", true);
    }
    for f in s.features.iter().flatten() {
        if let Ok(bytes) = <[u8; 4]>::try_from(f.tag.as_bytes()) {
            features.push(Feature::new(
                Tag::from_bytes(&bytes),
                f.value.clamp(0, u32::MAX as i64) as u32,
                ..,
            ));
        }
    }
    LayoutStyle {
        size,
        rise,
        line_height: s.line_height.filter(|h| *h > 0.0).map(|h| h as f32),
        letter_spacing: s.letter_spacing.unwrap_or(0.0) as f32,
        features,
    }
}

/// Frame settings from the text payload.
/// Glyph outlines and decorations, one path builder per merged style.
fn outlines(
    laid: &layout::Laid,
    styles: &[TextStyle],
    lstyles: &[LayoutStyle],
    style_faces: &[StyleFace],
    faces: &[LaidFace],
) -> Vec<PathBuilder> {
    let mut out: Vec<PathBuilder> = styles.iter().map(|_| PathBuilder::new()).collect();
    for g in &laid.glyphs {
        let lf = &faces[g.face];
        let k = lstyles[g.style].size / lf.upem;
        let slant = style_faces[g.style].slant;
        append_glyph(&lf.face, g.id, (g.x, g.y), k, slant, &mut out[g.style]);
    }
    for line in &laid.lines {
        let glyphs = &laid.glyphs[line.glyphs.clone()];
        let mut i = 0;
        while i < glyphs.len() {
            let style = glyphs[i].style;
            let mut j = i;
            while j < glyphs.len() && glyphs[j].style == style {
                j += 1;
            }
            // Decorations span the run without its trailing spaces.
            let mut end = j;
            while end > i && glyphs[end - 1].blank {
                end -= 1;
            }
            if end > i {
                let pen0 = glyphs[i].x;
                let last = &glyphs[end - 1];
                let x1 = last.x + last.advance;
                decorate(
                    &styles[style],
                    &lstyles[style],
                    &faces[glyphs[i].face],
                    (pen0, x1, line.baseline),
                    &mut out[style],
                );
            }
            i = j;
        }
    }
    out
}

/// Underline and strike-through rectangles of one run.
fn decorate(
    s: &TextStyle,
    ls: &LayoutStyle,
    lf: &LaidFace,
    (x0, x1, baseline): (f32, f32, f32),
    out: &mut PathBuilder,
) {
    let k = ls.size / lf.upem;
    let (upos, uthick) = lf
        .face
        .underline_metrics()
        .map(|m| (m.position as f32 * k, m.thickness as f32 * k))
        .unwrap_or((-0.1 * ls.size, 0.06 * ls.size));
    let uthick = uthick.max(0.5);
    match s.underline.as_ref() {
        Some(Underline::Single) => {
            append_rect(out, x0, baseline - upos, x1, baseline - upos + uthick);
        }
        Some(Underline::Double) => {
            let y = baseline - upos;
            append_rect(out, x0, y, x1, y + uthick);
            append_rect(out, x0, y + 2.0 * uthick, x1, y + 3.0 * uthick);
        }
        _ => {}
    }
    if s.linethrough == Some(true) {
        let (spos, sthick) = lf
            .face
            .strikeout_metrics()
            .map(|m| (m.position as f32 * k, m.thickness as f32 * k))
            .unwrap_or((0.3 * ls.size, uthick));
        let y = baseline - ls.rise - spos;
        append_rect(out, x0, y, x1, y + sthick.max(0.5));
    }
}

/// A shape node painting `body` with the style's fills and strokes.
fn paint_shape(
    ctx: &mut Ctx,
    body: Path,
    style: &TextStyle,
    abs: &Transform,
    parent: &Transform,
    fills_direct: bool,
) -> Result<Option<ShapeNode>> {
    let mut fills = Vec::new();
    for (i, f) in style.fills.iter().flatten().enumerate() {
        ctx.enter_at("fills", i);
        fills.extend(resolve_fill(ctx, f, abs, parent));
        ctx.leave();
    }
    let mut strokes = Vec::new();
    for (i, s) in style.strokes.iter().flatten().enumerate() {
        ctx.enter_at("strokes", i);
        let built = build_stroke(ctx, s, Some(&body), abs, parent);
        ctx.leave();
        strokes.extend(built?);
    }
    if fills.is_empty() && strokes.is_empty() {
        return Ok(None);
    }
    let object_bounds = Bounds::of_path(&body, abs);
    let stroke_bounds = strokes_bounds(&strokes, &object_bounds, abs);
    Ok(Some(ShapeNode {
        transform: *abs,
        body: Some(body),
        even_odd: false,
        fills,
        strokes,
        pass_through: fills_direct,
        object_bounds,
        stroke_bounds,
    }))
}

fn to_skia(t: &Transform) -> tiny_skia_path::Transform {
    let [a, b, c, d, e, f] = t.0.map(|v| v as f32);
    tiny_skia_path::Transform::from_row(a, b, c, d, e, f)
}
