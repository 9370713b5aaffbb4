//! Several outputs from one parse: each equals the same image rendered on its own, in the
//! order asked; fits stay within their bounds; an unknown layer or a budget the outputs
//! together exceed is refused before any output is produced.

use octopus_render::handoff::{render_outputs, OutputSize, OutputSpec, Produced};
use octopus_render::output::{Encoding, Format};
use octopus_render::render::load_scene_owned;
use octopus_render::scene::layer::layer_scene;
use octopus_render::worker::Tier;
use octopus_render::{render_scene_encoded, Error, NoAssets, RenderConfig};

fn showcase() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/designs/octopus-showcase.json"
    );
    std::fs::read(path).expect("fixture")
}

fn spec(layer: Option<&str>, size: OutputSize, format: Format) -> OutputSpec {
    OutputSpec {
        layer: layer.map(str::to_owned),
        crop: Default::default(),
        size,
        encoding: Encoding {
            format,
            ..Encoding::default()
        },
    }
}

/// The hand-off set: a preview, a thumbnail, and one layer at 1x, 2x and 3x in each format.
fn handoff_specs() -> Vec<OutputSpec> {
    let fit = OutputSize::Fit {
        width: Some(160),
        height: Some(160),
    };
    vec![
        spec(None, OutputSize::Scale(1.0), Format::Png),
        spec(None, fit, Format::Jpeg),
        spec(Some("donut"), OutputSize::Scale(1.0), Format::Png),
        spec(Some("donut"), OutputSize::Scale(2.0), Format::Jpeg),
        spec(Some("donut"), OutputSize::Scale(3.0), Format::Webp),
        spec(Some("button"), OutputSize::Scale(2.0), Format::Png),
    ]
}

/// The same output rendered on its own: its own parse and scene at its scale.
fn alone(spec: &OutputSpec, scale: f32) -> Vec<u8> {
    let cfg = RenderConfig {
        scale,
        ..RenderConfig::default()
    };
    let scene = load_scene_owned(showcase(), &cfg, &NoAssets).expect("scene");
    let target = match &spec.layer {
        Some(id) => layer_scene(&scene, id).expect("layer"),
        None => scene,
    };
    let mut out = Vec::new();
    render_scene_encoded(&target, &cfg, &spec.encoding, &mut out).expect("render");
    out
}

#[test]
fn every_output_equals_the_same_image_rendered_alone() {
    let specs = handoff_specs();
    let mut produced: Vec<Produced> = Vec::new();
    render_outputs(
        showcase(),
        &RenderConfig::default(),
        &NoAssets,
        &specs,
        |p| {
            produced.push(p);
            Ok(())
        },
    )
    .expect("outputs");
    assert_eq!(produced.len(), specs.len());
    // Grouped by scale (one scene each), otherwise in the order asked.
    let order: Vec<usize> = produced.iter().map(|p| p.index).collect();
    assert_eq!(order, [0, 2, 1, 3, 5, 4]);
    for p in &produced {
        let s = &specs[p.index];
        assert_eq!(p.bytes, alone(s, p.scale), "output {}", p.index);
        let img = image::load_from_memory(&p.bytes).expect("decodes");
        assert_eq!(
            (img.width(), img.height()),
            (p.rendered.width, p.rendered.height)
        );
    }
    let thumb = produced.iter().find(|p| p.index == 1).expect("thumbnail");
    let (w, h) = (thumb.rendered.width, thumb.rendered.height);
    assert!(w <= 160 && h <= 160 && (w == 160 || h == 160), "{w} x {h}");
    let donut = |i: usize| produced.iter().find(|p| p.index == i).expect("donut");
    assert_eq!(donut(3).rendered.width, 2 * donut(2).rendered.width);
    assert_eq!(donut(4).rendered.width, 3 * donut(2).rendered.width);
}

#[test]
fn an_unknown_layer_is_refused_before_any_output() {
    let mut specs = handoff_specs();
    specs.push(spec(Some("no-such"), OutputSize::Scale(1.0), Format::Png));
    let mut calls = 0;
    let e = render_outputs(
        showcase(),
        &RenderConfig::default(),
        &NoAssets,
        &specs,
        |_| {
            calls += 1;
            Ok(())
        },
    )
    .expect_err("unknown layer");
    assert_eq!(calls, 0, "nothing produced");
    assert!(
        matches!(&e, Error::Invalid { layer_id: Some(id), .. } if id == "no-such"),
        "{e}"
    );
}

#[test]
fn a_deadline_already_past_is_reported_as_the_deadline() {
    // A job that reaches its outputs after its time is up (a long parse, a slow asset
    // fetch) stops before any output, as a deadline, not as a predicted overrun.
    let mut cfg = Tier::Normal.budget().render_config();
    if let Some(c) = cfg.cost.as_mut() {
        c.probe = || Some(40 << 20);
    }
    cfg.deadline = Some(std::time::Instant::now());
    let mut calls = 0;
    let one = spec(None, OutputSize::Scale(1.0), Format::Png);
    let r = render_outputs(showcase(), &cfg, &NoAssets, &[one], |_| {
        calls += 1;
        Ok(())
    });
    let e = r.expect_err("past its deadline");
    assert_eq!(calls, 0, "{e}");
    assert_eq!(e.limit_label(), Some("deadline"), "{e}");
}

#[test]
fn the_budget_covers_the_outputs_together() {
    // Each of these fits the normal tier's time on its own; twenty of them at 8x do not.
    let one = spec(None, OutputSize::Scale(8.0), Format::Png);
    let mut cfg = Tier::Normal.budget().render_config();
    if let Some(c) = cfg.cost.as_mut() {
        c.probe = || Some(40 << 20);
        // A machine 30 times slower than the one the model was fitted on.
        c.model = c.model.scaled(30.0);
    }
    let run = |specs: &[OutputSpec]| {
        let mut calls = 0;
        let r = render_outputs(showcase(), &cfg, &NoAssets, specs, |_| {
            calls += 1;
            Ok(())
        });
        (r, calls)
    };
    let (alone, _) = run(std::slice::from_ref(&one));
    let single = alone
        .expect("one output fits")
        .prediction
        .expect("predicted");
    let many: Vec<OutputSpec> = (0..20).map(|_| one.clone()).collect();
    let (r, calls) = run(&many);
    let e = r.expect_err("twenty do not fit");
    assert_eq!(calls, 0, "refused before any output: {e}");
    assert_eq!(e.limit_label(), Some("predicted_time"), "{e}");
    assert!(single.cpu_seconds > 0.0);
}
