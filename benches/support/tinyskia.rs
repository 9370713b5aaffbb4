//! The peer benchmark's tiny-skia side: a usvg tree turned into tiny-skia drawing commands.
//!
//! Input: a usvg tree of what the generated scenes use (paths with solid or linear-gradient
//! fills, strokes, groups with opacity). Output: a [`SkiaScene`] whose paths, paints and
//! layer rectangles are prepared once, so a timed render is tiny-skia's own work: filling
//! and stroking into a pixmap, and each translucent group drawn into a layer pixmap the size
//! of its bounds (as resvg sizes them), then drawn back at the group's opacity.
//! Guarantees: anything else (images, text, clips, masks, filters) panics, so the benchmark
//! never times a scene with parts silently missing.

use resvg::tiny_skia::{
    Color, FillRule, GradientStop, IntRect, LinearGradient, Paint, Path, Pixmap, PixmapPaint,
    Shader, SpreadMode, Stroke, Transform,
};
use resvg::usvg;

/// One prepared drawing command.
enum Cmd {
    Fill(Path, Paint<'static>, FillRule, Transform),
    Stroke(Path, Paint<'static>, Stroke, Transform),
    /// Start a layer covering this rectangle of the canvas.
    Push(IntRect),
    /// Draw the top layer back at this opacity.
    Pop(f32),
}

/// A scene ready to be drawn by tiny-skia again and again.
pub(crate) struct SkiaScene {
    width: u32,
    height: u32,
    cmds: Vec<Cmd>,
}

impl SkiaScene {
    /// Prepares the commands of `tree`, `width` x `height` pixels.
    pub(crate) fn new(tree: &usvg::Tree, width: u32, height: u32) -> Self {
        let mut cmds = Vec::new();
        let canvas = IntRect::from_xywh(0, 0, width, height).expect("canvas size");
        group(tree.root(), canvas, &mut cmds);
        SkiaScene {
            width,
            height,
            cmds,
        }
    }

    /// A fresh target for [`SkiaScene::draw`].
    pub(crate) fn target(&self) -> Pixmap {
        Pixmap::new(self.width, self.height).expect("pixmap")
    }

    /// Clears `target` and draws the scene into it; returns its bytes.
    pub(crate) fn draw<'a>(&self, target: &'a mut Pixmap) -> &'a [u8] {
        target.fill(Color::TRANSPARENT);
        // The canvas, then one (pixmap, origin) per open layer.
        let mut layers: Vec<(Pixmap, i32, i32)> = Vec::new();
        for cmd in &self.cmds {
            let (pm, dx, dy) = match layers.last_mut() {
                Some((pm, x, y)) => (pm, *x, *y),
                None => (&mut *target, 0, 0),
            };
            let at = |t: &Transform| t.post_translate(-dx as f32, -dy as f32);
            match cmd {
                Cmd::Fill(path, paint, rule, t) => pm.fill_path(path, paint, *rule, at(t), None),
                Cmd::Stroke(path, paint, stroke, t) => {
                    pm.stroke_path(path, paint, stroke, at(t), None)
                }
                Cmd::Push(r) => {
                    let layer = Pixmap::new(r.width(), r.height()).expect("layer");
                    layers.push((layer, r.x(), r.y()));
                }
                Cmd::Pop(opacity) => {
                    let Some((layer, x, y)) = layers.pop() else {
                        continue;
                    };
                    let (below, bx, by) = match layers.last_mut() {
                        Some((pm, bx, by)) => (pm, *bx, *by),
                        None => (&mut *target, 0, 0),
                    };
                    let paint = PixmapPaint {
                        opacity: *opacity,
                        ..PixmapPaint::default()
                    };
                    below.draw_pixmap(
                        x - bx,
                        y - by,
                        layer.as_ref(),
                        &paint,
                        Transform::identity(),
                        None,
                    );
                }
            }
        }
        target.data()
    }
}

fn group(g: &usvg::Group, canvas: IntRect, cmds: &mut Vec<Cmd>) {
    assert!(
        g.clip_path().is_none() && g.mask().is_none() && g.filters().is_empty(),
        "the tiny-skia peer draws no clips, masks or filters"
    );
    let opacity = g.opacity().get();
    // Bounds grown by a pixel on each side for anti-aliasing, clipped to the canvas.
    let layer = (opacity < 1.0)
        .then(|| g.abs_layer_bounding_box().to_int_rect())
        .and_then(|r| IntRect::from_ltrb(r.left() - 1, r.top() - 1, r.right() + 1, r.bottom() + 1))
        .and_then(|r| r.intersect(&canvas));
    if let Some(r) = layer {
        cmds.push(Cmd::Push(r));
    }
    for node in g.children() {
        match node {
            usvg::Node::Group(child) => group(child, canvas, cmds),
            usvg::Node::Path(p) => path(p, cmds),
            _ => panic!("the tiny-skia peer draws paths and groups only"),
        }
    }
    if layer.is_some() {
        cmds.push(Cmd::Pop(opacity));
    }
}

fn path(p: &usvg::Path, cmds: &mut Vec<Cmd>) {
    let t = p.abs_transform();
    if let Some(fill) = p.fill() {
        let rule = match fill.rule() {
            usvg::FillRule::NonZero => FillRule::Winding,
            usvg::FillRule::EvenOdd => FillRule::EvenOdd,
        };
        let paint = paint(fill.paint(), fill.opacity().get());
        cmds.push(Cmd::Fill(p.data().clone(), paint, rule, t));
    }
    if let Some(s) = p.stroke() {
        let paint = paint(s.paint(), s.opacity().get());
        cmds.push(Cmd::Stroke(p.data().clone(), paint, s.to_tiny_skia(), t));
    }
}

fn paint(p: &usvg::Paint, opacity: f32) -> Paint<'static> {
    let shader = match p {
        usvg::Paint::Color(c) => Shader::SolidColor(rgba(*c, opacity)),
        usvg::Paint::LinearGradient(g) => {
            let stops = g
                .stops()
                .iter()
                .map(|s| {
                    GradientStop::new(
                        s.offset().get(),
                        rgba(s.color(), s.opacity().get() * opacity),
                    )
                })
                .collect();
            let spread = match g.spread_method() {
                usvg::SpreadMethod::Pad => SpreadMode::Pad,
                usvg::SpreadMethod::Reflect => SpreadMode::Reflect,
                usvg::SpreadMethod::Repeat => SpreadMode::Repeat,
            };
            LinearGradient::new(
                (g.x1(), g.y1()).into(),
                (g.x2(), g.y2()).into(),
                stops,
                spread,
                g.transform(),
            )
            .expect("a drawable gradient")
        }
        _ => panic!("the tiny-skia peer draws solid and linear-gradient paints only"),
    };
    Paint {
        shader,
        anti_alias: true,
        ..Paint::default()
    }
}

fn rgba(c: usvg::Color, opacity: f32) -> Color {
    let a = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    Color::from_rgba8(c.red, c.green, c.blue, a)
}
