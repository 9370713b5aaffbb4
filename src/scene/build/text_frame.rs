//! A text layer's frame: wrapping, alignment, the first baseline, and what overflows it.
//!
//! Input: a text payload and the document's origin. Output: the layout's [`Frame`], the
//! overflow policy to apply, and (when the text must be clipped to its frame) the text's
//! nodes wrapped in a group masked by the frame's rectangle. Guarantees: overflow applies to
//! FIXED frames only, as the spec says; `NO_OVERFLOW` clips exactly, except in documents
//! from Photoshop, whose paragraph boxes hide each line that does not fit whole (there the
//! spec's default reads as `CLIP_LINE`), and from Figma, which draws text past its box (there
//! it reads as `EXTEND_ALL`); an unknown policy is reported and read as the default.

use octopus_schema::{
    BaselinePolicy, FrameMode, HorizontalAlign, OverflowPolicy, Text, VerticalAlign,
};
use tiny_skia_path::{PathBuilder, Rect};

use super::context::Ctx;
use crate::diag::DiagKind;
use crate::scene::{
    BlendMode, Bounds, GroupNode, Mask, MaskFacet, Node, NodeKind, Origin, Paint, PaintKind,
    ShapeNode, Transform,
};
use crate::text::layout::{Align, Baseline, Frame, VAlign};
use crate::text::overflow::Overflow;

/// The layout frame of `text` and its overflow policy.
pub(super) fn frame_of(ctx: &mut Ctx, text: &Text) -> (Frame, Overflow) {
    let (mode, size) = match &text.frame {
        Some(f) => (f.mode, f.size),
        None => (FrameMode::AutoWidth, None),
    };
    let w = size.map(|d| d.width as f32).filter(|w| *w > 0.0);
    let h = size.map(|d| d.height as f32).filter(|h| *h > 0.0);
    let (wrap, height) = match mode {
        FrameMode::AutoWidth => (None, None),
        FrameMode::AutoHeight => (w, None),
        FrameMode::Fixed => (w, h),
        FrameMode::Unknown(m) => {
            ctx.report(
                DiagKind::UnknownValue,
                "text.frame.mode",
                format!("unknown frame mode {m:?}; laid out as AUTO_WIDTH"),
            );
            (None, None)
        }
    };
    let overflow = match (mode, w, h) {
        (FrameMode::Fixed, Some(_), Some(_)) => overflow_of(ctx, &text.overflow_policy),
        _ => Overflow::Visible,
    };
    let align = match &text.horizontal_align {
        HorizontalAlign::Center => Align::Center,
        HorizontalAlign::Right => Align::Right,
        HorizontalAlign::Justify => Align::Justify,
        HorizontalAlign::Left => Align::Left,
        HorizontalAlign::Unknown(v) => {
            report_unknown(ctx, "text", "horizontalAlign", v.as_str(), "LEFT");
            Align::Left
        }
    };
    let valign = match &text.vertical_align {
        VerticalAlign::Center => VAlign::Center,
        VerticalAlign::Bottom => VAlign::Bottom,
        VerticalAlign::Top => VAlign::Top,
        VerticalAlign::Unknown(v) => {
            report_unknown(ctx, "text", "verticalAlign", v.as_str(), "TOP");
            VAlign::Top
        }
    };
    let baseline = match &text.baseline_policy {
        BaselinePolicy::Set => Baseline::Set,
        BaselinePolicy::OffsetBearing => Baseline::Bearing,
        BaselinePolicy::OffsetAscender => Baseline::Ascender,
        BaselinePolicy::Center => {
            // How ODTR combines the centred baseline with its caret shift was never traced
            // (no corpus document uses it): drawn as OFFSET_ASCENDER, and said so.
            ctx.report(
                DiagKind::Approximated,
                "text.baselinePolicy",
                "baseline policy CENTER is drawn as OFFSET_ASCENDER".into(),
            );
            Baseline::Ascender
        }
        BaselinePolicy::Unknown(v) => {
            report_unknown(ctx, "text", "baselinePolicy", v.as_str(), "OFFSET_ASCENDER");
            Baseline::Ascender
        }
    };
    let frame = Frame {
        wrap,
        width: w,
        height,
        align,
        valign,
        baseline,
    };
    (frame, overflow)
}

/// Reports an unknown value of the text field `field` (under `at`) and what it is read as.
pub(super) fn report_unknown(ctx: &mut Ctx, at: &str, field: &str, value: &str, read_as: &str) {
    ctx.report(
        DiagKind::UnknownValue,
        &format!("{at}.{field}"),
        format!("unknown {field} {value:?}; read as {read_as}"),
    );
}

/// The overflow policy of a FIXED frame.
fn overflow_of(ctx: &mut Ctx, policy: &OverflowPolicy) -> Overflow {
    match policy {
        OverflowPolicy::NoOverflow => match ctx.opts.origin {
            Origin::Photoshop => Overflow::ClipLine,
            // Figma draws text past its fixed box (its converter writes no policy, so the
            // spec's default would clip what Figma shows).
            Origin::Figma => Overflow::Visible,
            _ => Overflow::Clip,
        },
        OverflowPolicy::ClipLine => Overflow::ClipLine,
        OverflowPolicy::ExtendLine => Overflow::ExtendLine,
        OverflowPolicy::ExtendAll => Overflow::Visible,
        OverflowPolicy::Unknown(p) => {
            ctx.report(
                DiagKind::UnknownValue,
                "text.overflowPolicy",
                format!("unknown overflow policy {p:?}; read as NO_OVERFLOW"),
            );
            overflow_of(ctx, &OverflowPolicy::NoOverflow)
        }
    }
}

/// `nodes` (the text's shapes) in a pass-through group masked by the frame's rectangle
/// (`w` x `h` in glyph space, which `glyph_to_layer` maps into the layer).
pub(super) fn clipped_to_frame(
    ctx: &Ctx,
    nodes: Vec<Node>,
    size: (f32, f32),
    glyph_to_layer: tiny_skia_path::Transform,
    abs: &Transform,
) -> Option<NodeKind> {
    let rect = Rect::from_xywh(0.0, 0.0, size.0, size.1)?;
    let body = PathBuilder::from_rect(rect).transform(glyph_to_layer)?;
    let bounds = Bounds::of_path(&body, abs);
    let frame = ShapeNode {
        transform: *abs,
        body: Some(body),
        even_odd: false,
        fills: vec![Paint {
            blend: BlendMode::Normal,
            kind: PaintKind::Solid([1.0, 1.0, 1.0, 1.0]),
        }],
        strokes: Vec::new(),
        pass_through: false,
        object_bounds: bounds,
        stroke_bounds: bounds,
    };
    let mask = Mask {
        node: Node {
            id: format!("{}#frame", ctx.layer_id().unwrap_or_default()),
            opacity: 1.0,
            blend: BlendMode::Normal,
            bounds,
            kind: NodeKind::Shape(frame),
            effects: Vec::new(),
        },
        facet: MaskFacet::Body,
        channels: [0.0, 0.0, 0.0, 1.0, 0.0],
    };
    Some(NodeKind::Group(GroupNode {
        isolated: false,
        children: nodes,
        mask: Some(Box::new(mask)),
    }))
}
