//! Layer effects as the renderer reads them: drop and inner shadows, overlays, effect
//! strokes, layer and background blurs.
//!
//! [`Effect`]s come in array order with parameters in design pixels (the renderer scales
//! them to output pixels, unrotated, as the reference does). Built by `build::effect`.

use super::{BlendMode, Paint, StrokeSide};

/// A shadow, in design pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct ShadowEffect {
    /// Offset of the shadow.
    pub offset: (f32, f32),
    /// Gaussian sigma of the blur.
    pub sigma: f32,
    /// Growth (drop) or shrink (inner) of the basis before blurring.
    pub spread: f32,
    /// Non-premultiplied colour.
    pub color: [f32; 4],
    /// Blend onto what is below.
    pub blend: BlendMode,
    /// The basis is the outline (BODY) rather than the painted layer.
    pub body_basis: bool,
}

/// One effect of a node.
#[derive(Debug, Clone)]
pub enum Effect {
    /// A shadow below the layer, knocked out where the layer is.
    DropShadow(ShadowEffect),
    /// A shadow inside the layer, above its fills.
    InnerShadow(ShadowEffect),
    /// The whole layer blurred (Figma layer blur), sigma in design pixels.
    LayerBlur(f32),
    /// What is behind the layer, blurred, shown through it (Figma background blur): drawn
    /// inside the layer's outline before its fills; sigma in design pixels.
    BackgroundBlur(f32),
    /// A fill painted over the layer, clipped by it, above the fills and below the strokes.
    Overlay(Paint),
    /// A raster stroke around the layer's alpha.
    Stroke(StrokeEffect),
}

/// A STROKE effect: a band of `width` along the edge of the basis alpha.
#[derive(Debug, Clone, PartialEq)]
pub struct StrokeEffect {
    /// Width in design pixels.
    pub width: f32,
    /// Which side of the edge.
    pub side: StrokeSide,
    /// Non-premultiplied colour.
    pub color: [f32; 4],
    /// Blend mode.
    pub blend: BlendMode,
}

impl Effect {
    /// How far from a pixel the effect reads to compute it, in design pixels: what its cost
    /// grows with (a background blur paints only inside the layer, but reads this far).
    pub fn extent(&self) -> f32 {
        match self {
            Effect::InnerShadow(s) => {
                s.offset.0.abs().max(s.offset.1.abs()) + 3.0 * s.sigma + s.spread.abs()
            }
            Effect::BackgroundBlur(sigma) => 3.0 * sigma,
            other => other.reach(),
        }
    }

    /// How far outside the layer this effect can paint, in design pixels.
    pub fn reach(&self) -> f32 {
        match self {
            Effect::DropShadow(s) => {
                s.offset.0.abs().max(s.offset.1.abs()) + 3.0 * s.sigma + s.spread.max(0.0)
            }
            Effect::InnerShadow(_) => 0.0,
            Effect::LayerBlur(sigma) => 3.0 * sigma,
            Effect::BackgroundBlur(_) => 0.0,
            Effect::Overlay(_) => 0.0,
            Effect::Stroke(s) => s.width,
        }
    }
}

/// True when the renderer's blur of `sigma` output pixels leaves nothing of a basis that
/// fits in `width × height` output pixels, so the blurred result is transparent everywhere.
///
/// Why this is exact rather than a guess: the raster blurs with three box passes per axis,
/// rows first, each rounding to whole levels (`raster/effects/blur.rs`), and the first box
/// radius is at least `sigma - 3` (`box_radii`; the slack covers `f32` rounding at large
/// sigmas). A row holds at most `255 × width` of alpha, so after the first row pass no value
/// exceeds `m = round(255 × width / (2r + 1))`, and averaging passes never raise it; a
/// column then holds at most `m × height`, which rounds to zero when it is at most `r`. Such
/// a blur costs time and memory with its reach but changes no pixel, so the scene drops it.
pub(crate) fn blur_vanishes(sigma: f32, width: f64, height: f64) -> bool {
    let fits = |v: f64| v.is_finite() && (0.0..1e9).contains(&v);
    if !sigma.is_finite() || !fits(width) || !fits(height) {
        return false;
    }
    let r = (sigma as f64 - 3.0).floor();
    if r < 1.0 {
        return false;
    }
    let r = r as u128;
    // Partial pixels at both ends of a run, and a margin for rounding the bounds.
    let (lx, ly) = (width.ceil() as u128 + 4, height.ceil() as u128 + 4);
    let row_max = (255 * lx + r) / (2 * r + 1);
    row_max * ly <= r
}

#[cfg(test)]
mod tests {
    use super::blur_vanishes;

    #[test]
    fn wide_blurs_of_small_layers_vanish() {
        // The 300-byte document: 100 x 100 with the largest sigma kept (10,000).
        assert!(blur_vanishes(10_000.0, 100.0, 100.0));
        // About eleven times the layer's size is where a blur stops leaving a level.
        assert!(!blur_vanishes(1_000.0, 100.0, 100.0));
        assert!(blur_vanishes(1_300.0, 100.0, 100.0));
        assert!(!blur_vanishes(10_000.0, 3_000.0, 3_000.0));
        assert!(!blur_vanishes(2.0, 0.0, 0.0));
        assert!(!blur_vanishes(f32::INFINITY, 1.0, 1.0));
        assert!(!blur_vanishes(10_000.0, f64::NAN, 1.0));
    }
}
