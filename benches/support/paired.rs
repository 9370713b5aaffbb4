//! Paired timing of our raster against vello_cpu, one thread each: the two renders
//! alternate, and each pair gives one ratio.
//!
//! Input: two render closures and a round count. Output: the median of each side's times
//! and the median of the per-pair ratios. Why: on a shared virtual machine the speed drifts
//! by a third within minutes, so two criterion blocks measured a minute apart can disagree
//! by more than the difference being measured; renders a few hundred milliseconds apart see
//! the same machine. Guarantees: both sides run the same number of times, each warmed up
//! once first; nothing is printed here.

use std::sync::Mutex;
use std::time::Instant;

/// One scene's paired result.
#[derive(Debug, Clone)]
pub(crate) struct Paired {
    /// Scene name.
    pub scene: &'static str,
    /// Median of our times, ms.
    pub ours_ms: f64,
    /// Median of the peer's times, ms.
    pub peer_ms: f64,
    /// Median over the pairs of peer time / our time (above 1: ours is faster).
    pub ratio: f64,
    /// Pairs timed.
    pub rounds: usize,
}

/// Results of this run, in scene order.
pub(crate) static RESULTS: Mutex<Vec<Paired>> = Mutex::new(Vec::new());

/// Times `ours` and `peer` alternately `rounds` times (after one warm-up each).
pub(crate) fn measure(
    scene: &'static str,
    rounds: usize,
    mut ours: impl FnMut(),
    mut peer: impl FnMut(),
) -> Paired {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64() * 1e3
    };
    time(&mut ours);
    time(&mut peer);
    let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        // Alternate which side goes first, so neither always follows the other.
        let (x, y) = if round % 2 == 0 {
            let x = time(&mut ours);
            (x, time(&mut peer))
        } else {
            let y = time(&mut peer);
            (time(&mut ours), y)
        };
        a.push(x);
        b.push(y);
        r.push(y / x);
    }
    Paired {
        scene,
        ours_ms: median(&mut a),
        peer_ms: median(&mut b),
        ratio: median(&mut r),
        rounds: rounds.max(1),
    }
}

/// The median of `v` (not empty).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// The results as a Markdown table, or nothing when no scene was paired.
pub(crate) fn print() {
    let results = RESULTS.lock().map(|r| r.clone()).unwrap_or_default();
    if results.is_empty() {
        return;
    }
    let mut out = String::from(
        "\n| scene, paired (one thread) | ours | vello_cpu | vello_cpu / ours | pairs |\n|---|---:|---:|---:|---:|",
    );
    for p in &results {
        out += &format!(
            "\n| `{}` | {:.1} ms | {:.1} ms | {:.2} | {} |",
            p.scene, p.ours_ms, p.peer_ms, p.ratio, p.rounds
        );
    }
    println!("{out}\n\nOurs and vello_cpu rendered alternately; medians of each side and of the per-pair ratios.");
}
