//! The peer benchmark's vello_cpu side: a usvg tree turned into vello_cpu drawing commands.
//!
//! Input: a usvg tree of what the generated scenes use (paths with solid or linear-gradient
//! fills, strokes, groups with opacity). Output: a [`VelloScene`] whose commands are prepared
//! once (paths as kurbo `BezPath`s, paints resolved), so that a timed render is vello_cpu's
//! own work only: encoding the commands into strips, then rasterising them into a pixmap, as
//! our raster timing covers our scan conversion and compositing. Guarantees: anything the
//! conversion does not know (images, text, clips, masks, filters) panics, so the benchmark
//! never times a scene with parts silently missing.

use resvg::usvg;
use vello_cpu::color::{AlphaColor, Srgb};
use vello_cpu::kurbo::{Affine, BezPath, Cap, Join, Stroke};
use vello_cpu::peniko::{ColorStop, Extend, Fill, Gradient};
use vello_cpu::{PaintType, Pixmap, RenderContext, RenderSettings, Resources};

/// A path with its paint and transforms, as a fill and a stroke both need them.
struct Painted {
    path: BezPath,
    paint: PaintType,
    paint_transform: Affine,
    transform: Affine,
}

impl Painted {
    /// Sets the context's transform and paint for this path.
    fn apply(&self, ctx: &mut RenderContext) {
        ctx.set_transform(self.transform);
        ctx.set_paint_transform(self.paint_transform);
        ctx.set_paint(self.paint.clone());
    }
}

/// One prepared drawing command.
enum Cmd {
    Fill(Painted, Fill),
    Stroke(Painted, Stroke),
    PushOpacity(f32),
    Pop,
}

/// A scene ready to be drawn by vello_cpu again and again.
pub(crate) struct VelloScene {
    width: u16,
    height: u16,
    cmds: Vec<Cmd>,
}

/// A vello_cpu context and its target, made once per thread count (the multi-threaded
/// context starts its worker threads when made, not per render).
pub(crate) struct VelloRenderer {
    ctx: RenderContext,
    resources: Resources,
    target: Pixmap,
}

impl VelloScene {
    /// Prepares the commands of `tree`, `width` x `height` pixels.
    pub(crate) fn new(tree: &usvg::Tree, width: u32, height: u32) -> Self {
        let mut cmds = Vec::new();
        group(tree.root(), &mut cmds);
        VelloScene {
            width: u16::try_from(width).expect("vello_cpu takes 16-bit sizes"),
            height: u16::try_from(height).expect("vello_cpu takes 16-bit sizes"),
            cmds,
        }
    }

    /// A renderer for this scene: `threads` 0 is vello_cpu's single-threaded dispatcher,
    /// otherwise that many worker threads beside the calling one.
    pub(crate) fn renderer(&self, threads: u16) -> VelloRenderer {
        let settings = RenderSettings {
            num_threads: threads,
            ..RenderSettings::default()
        };
        VelloRenderer {
            ctx: RenderContext::new_with(self.width, self.height, settings),
            resources: Resources::new(),
            target: Pixmap::new(self.width, self.height),
        }
    }

    /// Draws the scene into the renderer's pixmap; returns the pixmap's bytes (premultiplied
    /// RGBA8), so the work cannot be optimised away.
    pub(crate) fn draw<'a>(&self, r: &'a mut VelloRenderer) -> &'a [u8] {
        let ctx = &mut r.ctx;
        ctx.reset();
        for cmd in &self.cmds {
            match cmd {
                Cmd::Fill(p, rule) => {
                    p.apply(ctx);
                    ctx.set_fill_rule(*rule);
                    ctx.fill_path(&p.path);
                }
                Cmd::Stroke(p, stroke) => {
                    p.apply(ctx);
                    ctx.set_stroke(stroke.clone());
                    ctx.stroke_path(&p.path);
                }
                Cmd::PushOpacity(o) => ctx.push_opacity_layer(*o),
                Cmd::Pop => ctx.pop_layer(),
            }
        }
        ctx.flush();
        ctx.render(&mut r.target, &mut r.resources);
        r.target.data_as_u8_slice()
    }
}

fn group(g: &usvg::Group, cmds: &mut Vec<Cmd>) {
    assert!(
        g.clip_path().is_none() && g.mask().is_none() && g.filters().is_empty(),
        "the vello peer draws no clips, masks or filters"
    );
    let layer = g.opacity().get() < 1.0;
    if layer {
        cmds.push(Cmd::PushOpacity(g.opacity().get()));
    }
    for node in g.children() {
        match node {
            usvg::Node::Group(child) => group(child, cmds),
            usvg::Node::Path(p) => path(p, cmds),
            _ => panic!("the vello peer draws paths and groups only"),
        }
    }
    if layer {
        cmds.push(Cmd::Pop);
    }
}

fn path(p: &usvg::Path, cmds: &mut Vec<Cmd>) {
    let transform = affine(p.abs_transform());
    let bez = bezpath(p.data());
    if let Some(fill) = p.fill() {
        let (paint, paint_transform) = paint(fill.paint(), fill.opacity().get());
        let rule = match fill.rule() {
            usvg::FillRule::NonZero => Fill::NonZero,
            usvg::FillRule::EvenOdd => Fill::EvenOdd,
        };
        let painted = Painted {
            path: bez.clone(),
            paint,
            paint_transform,
            transform,
        };
        cmds.push(Cmd::Fill(painted, rule));
    }
    if let Some(s) = p.stroke() {
        assert!(s.dasharray().is_none(), "the vello peer draws no dashes");
        let (paint, paint_transform) = paint(s.paint(), s.opacity().get());
        let mut stroke = Stroke::new(f64::from(s.width().get()));
        stroke.miter_limit = f64::from(s.miterlimit().get());
        stroke.join = match s.linejoin() {
            usvg::LineJoin::Miter | usvg::LineJoin::MiterClip => Join::Miter,
            usvg::LineJoin::Round => Join::Round,
            usvg::LineJoin::Bevel => Join::Bevel,
        };
        let cap = match s.linecap() {
            usvg::LineCap::Butt => Cap::Butt,
            usvg::LineCap::Round => Cap::Round,
            usvg::LineCap::Square => Cap::Square,
        };
        (stroke.start_cap, stroke.end_cap) = (cap, cap);
        let painted = Painted {
            path: bez,
            paint,
            paint_transform,
            transform,
        };
        cmds.push(Cmd::Stroke(painted, stroke));
    }
}

fn paint(p: &usvg::Paint, opacity: f32) -> (PaintType, Affine) {
    match p {
        usvg::Paint::Color(c) => (rgba(*c, opacity).into(), Affine::IDENTITY),
        usvg::Paint::LinearGradient(g) => {
            let stops: Vec<ColorStop> = g
                .stops()
                .iter()
                .map(|s| {
                    (
                        s.offset().get(),
                        rgba(s.color(), s.opacity().get() * opacity),
                    )
                        .into()
                })
                .collect();
            let extend = match g.spread_method() {
                usvg::SpreadMethod::Pad => Extend::Pad,
                usvg::SpreadMethod::Reflect => Extend::Reflect,
                usvg::SpreadMethod::Repeat => Extend::Repeat,
            };
            let mut grad = Gradient::new_linear(
                (f64::from(g.x1()), f64::from(g.y1())),
                (f64::from(g.x2()), f64::from(g.y2())),
            )
            .with_stops(stops.as_slice());
            grad.extend = extend;
            (grad.into(), affine(g.transform()))
        }
        _ => panic!("the vello peer draws solid and linear-gradient paints only"),
    }
}

fn rgba(c: usvg::Color, opacity: f32) -> AlphaColor<Srgb> {
    let a = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    AlphaColor::from_rgba8(c.red, c.green, c.blue, a)
}

fn affine(t: usvg::Transform) -> Affine {
    Affine::new([t.sx, t.ky, t.kx, t.sy, t.tx, t.ty].map(f64::from))
}

fn bezpath(data: &usvg::tiny_skia_path::Path) -> BezPath {
    use usvg::tiny_skia_path::PathSegment;
    let mut b = BezPath::new();
    let pt = |p: usvg::tiny_skia_path::Point| (f64::from(p.x), f64::from(p.y));
    for seg in data.segments() {
        match seg {
            PathSegment::MoveTo(p) => b.move_to(pt(p)),
            PathSegment::LineTo(p) => b.line_to(pt(p)),
            PathSegment::QuadTo(p1, p) => b.quad_to(pt(p1), pt(p)),
            PathSegment::CubicTo(p1, p2, p) => b.curve_to(pt(p1), pt(p2), pt(p)),
            PathSegment::Close => b.close_path(),
        }
    }
    b
}
