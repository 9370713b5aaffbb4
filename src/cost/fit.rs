//! Fitting the cost model's CPU terms to measured renders.
//!
//! Input: [`Sample`]s (features and the measured CPU seconds of one render). Output: a
//! [`FitReport`]: the fitted [`CostModel`] and the ratio of actual to predicted time over
//! the samples. Guarantees: coefficients are never negative (a feature whose best weight
//! would be negative is dropped from the fit, one at a time); the error is weighted
//! relative to each render's time (with a floor, so millisecond renders do not dominate);
//! deterministic for the same samples.

use super::{CostFeatures, CostModel};

/// One measured render.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Its features.
    pub features: CostFeatures,
    /// Measured CPU seconds of the raster and encoding (one thread).
    pub cpu_seconds: f64,
}

/// The fitted model and how well it predicts the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    /// The model, memory terms as in `base`.
    pub model: CostModel,
    /// Actual over predicted time, sorted ascending, one per sample.
    pub ratios: Vec<f64>,
}

impl FitReport {
    /// The `q` quantile (0..=1) of actual over predicted time.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.ratios.is_empty() {
            return f64::NAN;
        }
        let i = ((self.ratios.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
        self.ratios[i]
    }
}

/// Renders faster than this weigh as if they took this long.
const TIME_FLOOR: f64 = 0.1;
const TERMS: usize = 10;

fn row(f: &CostFeatures) -> [f64; TERMS] {
    [
        1.0,
        f.frame_px(),
        f.paint_px,
        f.layer_px,
        f.effect_px,
        f.backdrop_px,
        f.segments,
        f.nodes,
        f.image_px,
        f.shaded_px,
    ]
}

fn with_terms(base: &CostModel, c: &[f64; TERMS]) -> CostModel {
    CostModel {
        fixed: c[0],
        frame_px: c[1],
        paint_px: c[2],
        layer_px: c[3],
        effect_px: c[4],
        backdrop_px: c[5],
        segment: c[6],
        node: c[7],
        image_px: c[8],
        shaded_px: c[9],
        ..*base
    }
}

/// Fits the CPU terms of `base` to `samples`.
pub fn fit(base: &CostModel, samples: &[Sample]) -> FitReport {
    let rows: Vec<([f64; TERMS], f64)> = samples
        .iter()
        .filter(|s| s.cpu_seconds.is_finite() && s.cpu_seconds > 0.0)
        .map(|s| {
            let w = 1.0 / s.cpu_seconds.max(TIME_FLOOR);
            (row(&s.features).map(|x| x * w), s.cpu_seconds * w)
        })
        .collect();
    // Columns scaled to unit norm, so features of 1e8 pixels and of 1 sit together.
    let mut norm = [0.0f64; TERMS];
    for (r, _) in &rows {
        for (n, x) in norm.iter_mut().zip(r) {
            *n += x * x;
        }
    }
    let norm = norm.map(|n| if n > 0.0 { n.sqrt() } else { 0.0 });
    let mut active: Vec<bool> = norm.iter().map(|&n| n > 0.0).collect();
    let mut c = [0.0; TERMS];
    loop {
        let solved = solve_active(&rows, &norm, &active);
        match worst_negative(&solved, &active) {
            Some(i) => active[i] = false,
            None => {
                c = solved;
                break;
            }
        }
        if !active.iter().any(|&a| a) {
            break;
        }
    }
    let model = with_terms(base, &c);
    let mut ratios: Vec<f64> = samples
        .iter()
        .map(|s| s.cpu_seconds / model.cpu_seconds(&s.features).max(1e-9))
        .collect();
    ratios.sort_by(f64::total_cmp);
    FitReport { model, ratios }
}

fn worst_negative(c: &[f64; TERMS], active: &[bool]) -> Option<usize> {
    (0..TERMS)
        .filter(|&i| active[i] && c[i] < 0.0)
        .min_by(|&a, &b| c[a].total_cmp(&c[b]))
}

/// Least squares over the active columns (normal equations, Gaussian elimination with
/// partial pivoting); inactive and singular terms are zero.
fn solve_active(
    rows: &[([f64; TERMS], f64)],
    norm: &[f64; TERMS],
    active: &[bool],
) -> [f64; TERMS] {
    let idx: Vec<usize> = (0..TERMS).filter(|&i| active[i]).collect();
    let k = idx.len();
    let mut a = vec![vec![0.0f64; k + 1]; k];
    for (r, y) in rows {
        let x: Vec<f64> = idx.iter().map(|&i| r[i] / norm[i]).collect();
        for p in 0..k {
            for q in 0..k {
                a[p][q] += x[p] * x[q];
            }
            a[p][k] += x[p] * y;
        }
    }
    let mut out = [0.0; TERMS];
    for col in 0..k {
        let Some(piv) = (col..k).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))
        else {
            return out;
        };
        if a[piv][col].abs() < 1e-12 {
            continue;
        }
        a.swap(col, piv);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let m = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x -= m * p;
                }
            }
        }
    }
    for (p, &i) in idx.iter().enumerate() {
        if a[p][p].abs() >= 1e-12 {
            out[i] = a[p][k] / a[p][p] / norm[i];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(paint: f64, effect: f64, nodes: f64) -> CostFeatures {
        CostFeatures {
            width: 100.0,
            height: 100.0,
            paint_px: paint,
            effect_px: effect,
            nodes,
            ..CostFeatures::default()
        }
    }

    #[test]
    fn recovers_known_coefficients() {
        let truth = CostModel {
            fixed: 0.001,
            frame_px: 1e-8,
            paint_px: 2e-9,
            layer_px: 0.0,
            effect_px: 3e-8,
            backdrop_px: 0.0,
            segment: 0.0,
            node: 1e-6,
            image_px: 0.0,
            shaded_px: 0.0,
            ..CostModel::FITTED
        };
        let samples: Vec<Sample> = (1..40)
            .map(|i| {
                let i = i as f64;
                let f = sample(1e6 * i, 5e5 * (i % 7.0), 100.0 * (i % 5.0 + 1.0));
                let f = CostFeatures {
                    width: 100.0 * (i % 3.0 + 1.0),
                    ..f
                };
                Sample {
                    features: f,
                    cpu_seconds: truth.cpu_seconds(&f),
                }
            })
            .collect();
        let r = fit(&CostModel::FITTED, &samples);
        for (got, want) in [
            (r.model.paint_px, truth.paint_px),
            (r.model.effect_px, truth.effect_px),
            (r.model.node, truth.node),
        ] {
            assert!((got - want).abs() <= want * 1e-3, "{got} vs {want}");
        }
        assert!((r.quantile(0.5) - 1.0).abs() < 1e-3);
        assert!(r.model.layer_px >= 0.0 && r.model.segment >= 0.0);
    }

    #[test]
    fn no_coefficient_is_negative() {
        // Time falls as paint grows: the best unconstrained weight would be negative.
        let samples: Vec<Sample> = (1..10)
            .map(|i| Sample {
                features: sample(1e6 * i as f64, 0.0, 10.0),
                cpu_seconds: 1.0 / i as f64,
            })
            .collect();
        let r = fit(&CostModel::FITTED, &samples);
        assert!(
            r.model.paint_px >= 0.0 && r.model.fixed >= 0.0,
            "{:?}",
            r.model
        );
    }
}
