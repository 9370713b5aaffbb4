//! Each generated outlier lands where the cost model says, on each tier: refused by a cap,
//! escalated on a prediction, or accepted; and the accepted ones that are cheap enough to
//! render here do render within the tier's budget, under its memory guard.

use std::sync::Arc;
use std::time::{Duration, Instant};

use octopus_render::cost::CostFeatures;
use octopus_render::render::{load_scene_owned, plan, render_scene_png};
use octopus_render::synth::{outlier, OUTLIERS};
use octopus_render::worker::config::Budget;
use octopus_render::worker::Tier;
use octopus_render::{FontBook, MemoryAssets};

// The worker's allocator: the memory checks read the process's resident memory, and the
// system allocator keeps what the generators free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn assets(images: Vec<(String, Vec<u8>)>) -> MemoryAssets {
    let mut a = MemoryAssets::new();
    a.set_fonts(Arc::new(FontBook::new()));
    for (key, png) in images {
        a.insert(key, png);
    }
    a
}

/// Where `name` lands on a tier: `fits`, or the label of the limit that refuses it.
/// What a fresh worker holds before its first job: the prediction is checked against this,
/// not against this test process, whose other test renders at the same time.
fn fresh_worker() -> Option<u64> {
    Some(40 << 20)
}

fn lands(name: &str, budget: &Budget) -> (&'static str, Option<CostFeatures>) {
    let o = outlier(name).expect("known");
    let mut cfg = budget.render_config();
    if let Some(cost) = cfg.cost.as_mut() {
        cost.probe = fresh_worker;
    }
    let scene = match load_scene_owned(o.octopus.into_bytes(), &cfg, &assets(o.images)) {
        Ok(s) => s,
        Err(e) => return (e.limit_label().unwrap_or("error"), None),
    };
    match plan(&scene, &cfg) {
        Ok(p) => ("fits", Some(p.features)),
        Err(e) => {
            println!("{name}: {e}");
            (e.limit_label().unwrap_or("error"), None)
        }
    }
}

#[test]
fn outliers_land_where_the_model_predicts() {
    let normal = Tier::Normal.budget();
    let fallback = Tier::Fallback.budget();
    let want = [
        ("worldmap-300k", "limit", "fits"),
        ("canvas-20k", "limit", "fits"),
        ("blur-stack", "predicted_time", "fits"),
        ("backdrop-stack", "fits", "fits"),
        ("images", "limit", "fits"),
        ("deep-nesting", "fits", "fits"),
        ("blur-1e7", "fits", "fits"),
    ];
    assert_eq!(want.len(), OUTLIERS.len());
    for (name, on_normal, on_fallback) in want {
        let (n, f) = lands(name, &normal);
        let (fb, _) = lands(name, &fallback);
        println!("{name}: normal {n}, fallback {fb}; {f:?}");
        assert_eq!((n, fb), (on_normal, on_fallback), "{name}");
    }
}

#[test]
fn accepted_outliers_render_within_the_fallback_budget() {
    let fallback = Tier::Fallback.budget();
    for name in ["deep-nesting", "images", "worldmap-300k", "blur-1e7"] {
        let o = outlier(name).expect("known");
        let cfg = fallback.render_config();
        let t = Instant::now();
        let scene = load_scene_owned(o.octopus.into_bytes(), &cfg, &assets(o.images)).expect(name);
        let mut png = Vec::new();
        let r = render_scene_png(&scene, &cfg, &mut png).expect(name);
        let took = t.elapsed();
        let p = r.prediction.expect("checked against the budget");
        println!(
            "{name}: {took:?}, predicted {:.2} s of CPU, {} MB to render",
            p.cpu_seconds,
            p.raster_bytes as u64 >> 20
        );
        assert!(took < fallback.time, "{name} took {took:?}");
        assert!(
            took < Duration::from_secs_f64(p.cpu_seconds * 4.0 + 5.0),
            "{name}"
        );
        assert_eq!(&png[1..4], b"PNG");
    }
}
