//! Gradient lookup tables: a gradient's stops sampled at [`LUT_SIZE`] evenly spaced
//! positions.
//!
//! Input: the stops (in any order, with optional easing) and the colour space they mix in.
//! Output: premultiplied float entries ([`build_lut`]) or the same entries rounded to bytes
//! ([`build_lut8`]). Guarantees: each entry is the colour the stops give at its position
//! (the walk over stop pairs finds the pair a search from the start finds), and a byte
//! entry is the float entry rounded as [`to_u8`] rounds it, so both tables draw the same.

use multiversion::multiversion;

use crate::raster::composite::blend::ColorF;
use crate::raster::composite::gradient_space::mix;
use crate::raster::composite::paint::premultiply;
#[cfg(doc)]
use crate::raster::composite::paint::to_u8;
use crate::scene::{GradientSpace, GradientStop};

/// Entries of a gradient lookup table (finer than the reference's 256 to avoid banding).
pub(super) const LUT_SIZE: usize = 1024;

/// The byte table: [`build_lut`]'s entries, rounded as [`to_u8`] rounds them.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx2", "x86_64+avx2"))]
pub(super) fn build_lut8(stops: &[GradientStop], space: GradientSpace, lut8: &mut [[u8; 4]]) {
    build_lut(stops, space, |k, c| {
        if let Some(entry) = lut8.get_mut(k) {
            *entry = c.map(byte_of);
        }
    });
}

/// One channel as [`to_u8`] rounds it, without the float-to-integer cast whose saturation
/// and NaN fix-ups cost more than the rest of a table entry: `max` first turns NaN into 0,
/// the rounded value is then a whole number within 0..=255, and adding 2^23 moves it into
/// the low bits of the mantissa exactly.
#[inline(always)]
fn byte_of(v: f32) -> u8 {
    #[expect(clippy::manual_clamp, reason = "clamp keeps NaN, max turns it into 0")]
    let x = (v.max(0.0).min(1.0) * 255.0 + 0.5).floor();
    (x + 8_388_608.0).to_bits() as u8
}

/// Samples the stops at `LUT_SIZE` evenly spaced positions, handing each premultiplied
/// entry to `put` with its index, in rising order. The positions rise, so the pair of stops
/// around each one is found by walking on from the last entry's pair (the same pair, and so
/// the same colour, [`stop_color`] finds by searching from the start).
///
/// Built per gradient per render, entry by entry it cost a small document a tenth of its
/// time. So the entries go in runs over which [`color_from`] takes one branch: a run
/// mixing one pair of stops in sRGB without easing is a straight loop of the same
/// operations, in the same order, that `color_from` makes (the same bytes).
#[inline(always)]
pub(super) fn build_lut(
    stops: &[GradientStop],
    space: GradientSpace,
    mut put: impl FnMut(usize, ColorF),
) {
    let t_of = |i: usize| i as f32 / (LUT_SIZE - 1) as f32;
    let (mut pair, mut i) = (0, 0);
    while i < LUT_SIZE {
        while walks_on(stops, pair, t_of(i)) {
            pair += 1;
        }
        let end = run_end(stops, pair, i, t_of);
        match plain_mix(stops, pair, t_of(i), space) {
            Some((a, b)) => {
                let span = b.position - a.position;
                for k in i..end {
                    let u = (t_of(k) - a.position) / span;
                    let at = |ch: usize| a.color[ch] + (b.color[ch] - a.color[ch]) * u;
                    put(k, premultiply([at(0), at(1), at(2), at(3)]));
                }
            }
            None => {
                for k in i..end {
                    put(k, premultiply(color_from(stops, pair, t_of(k), space)));
                }
            }
        }
        i = end;
    }
}

/// The end of the run of entries from `i` that keep the stop pair `pair` (the walk in
/// [`build_lut`] would not move on) and take the same branch of [`color_from`].
fn run_end(stops: &[GradientStop], pair: usize, i: usize, t_of: impl Fn(usize) -> f32) -> usize {
    let (Some(first), Some(last)) = (stops.first(), stops.last()) else {
        return LUT_SIZE;
    };
    let side = |t: f32| (t <= first.position, t >= last.position);
    let start = side(t_of(i));
    (i + 1..LUT_SIZE)
        .find(|&k| side(t_of(k)) != start || walks_on(stops, pair, t_of(k)))
        .unwrap_or(LUT_SIZE)
}

/// Whether the entry at `t` lies past the pair of stops starting at `pair` (the walk of
/// [`build_lut`] moves on to the next pair).
#[inline]
fn walks_on(stops: &[GradientStop], pair: usize, t: f32) -> bool {
    pair + 2 < stops.len() && t > stops[pair + 1].position
}

/// The pair of stops to mix plainly (sRGB, no easing, a positive span) when [`color_from`]
/// at `t` would, else `None`.
fn plain_mix(
    stops: &[GradientStop],
    pair: usize,
    t: f32,
    space: GradientSpace,
) -> Option<(&GradientStop, &GradientStop)> {
    let (first, last) = (stops.first()?, stops.last()?);
    if space != GradientSpace::Srgb || t <= first.position || t >= last.position {
        return None;
    }
    let (a, b) = (&stops[pair], &stops[pair + 1]);
    (b.position - a.position > 0.0 && a.power == 0.0).then_some((a, b))
}

/// Colour at `t`: end stops clamp; between stops, optional power easing, then linear mix.
#[cfg(test)]
fn stop_color(stops: &[GradientStop], t: f32) -> [f32; 4] {
    let pair = stops
        .windows(2)
        .position(|p| t <= p[1].position)
        .unwrap_or(stops.len().saturating_sub(2));
    color_from(stops, pair, t, GradientSpace::Srgb)
}

/// [`stop_color`] (mixing in `space`) when the first pair whose end is at or after `t` (or
/// the last pair) is known to start at index `pair`.
#[inline]
fn color_from(stops: &[GradientStop], pair: usize, t: f32, space: GradientSpace) -> [f32; 4] {
    let (Some(first), Some(last)) = (stops.first(), stops.last()) else {
        return [0.0; 4];
    };
    if t <= first.position {
        return first.color;
    }
    if t >= last.position {
        return last.color;
    }
    let (a, b) = (&stops[pair], &stops[pair + 1]);
    let span = b.position - a.position;
    if span <= 0.0 {
        return b.color;
    }
    let mut u = (t - a.position) / span;
    if a.power > 0.0 {
        u = u.powf(a.power);
    } else if a.power < 0.0 {
        u = 1.0 - (1.0 - u).powf(-a.power);
    }
    mix(a.color, b.color, u, space)
}

/// A stop without easing, for the tests.
#[cfg(test)]
pub(super) fn stop(position: f32, color: [f32; 4]) -> GradientStop {
    GradientStop {
        position,
        color,
        power: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::composite::paint::to_u8;

    #[test]
    fn stops_clamp_and_interpolate_straight_alpha() {
        let stops = [
            stop(0.25, [1.0, 0.0, 0.0, 1.0]),
            stop(0.75, [0.0, 0.0, 1.0, 0.0]),
        ];
        assert_eq!(stop_color(&stops, 0.0), [1.0, 0.0, 0.0, 1.0]);
        assert_eq!(stop_color(&stops, 1.0), [0.0, 0.0, 1.0, 0.0]);
        let mid = stop_color(&stops, 0.5);
        assert!((mid[0] - 0.5).abs() < 1e-6 && (mid[3] - 0.5).abs() < 1e-6);
    }

    #[test]
    fn the_table_walk_finds_the_stops_the_search_finds() {
        let eased = |position, power| GradientStop {
            position,
            color: [position, 1.0 - position, 0.5, 0.25 + position / 2.0],
            power,
        };
        let sets = [
            vec![],
            vec![eased(0.4, 0.0)],
            vec![eased(0.0, 0.0), eased(1.0, 0.0)],
            vec![
                eased(0.1, 2.0),
                eased(0.1, 0.0),
                eased(0.5, -1.5),
                eased(0.9, 0.0),
            ],
            // Out of order: the walk and the search must still agree.
            vec![
                eased(0.0, 0.0),
                eased(0.8, 0.0),
                eased(0.3, 0.0),
                eased(1.0, 0.0),
            ],
        ];
        for stops in sets {
            let mut lut = Vec::new();
            build_lut(&stops, GradientSpace::Srgb, |k, c| {
                assert_eq!(k, lut.len(), "entries in order");
                lut.push(c);
            });
            assert_eq!(lut.len(), LUT_SIZE);
            for (i, c) in lut.iter().enumerate() {
                let t = i as f32 / (LUT_SIZE - 1) as f32;
                assert_eq!(*c, premultiply(stop_color(&stops, t)), "{stops:?} at {i}");
            }
        }
    }

    #[test]
    fn table_bytes_round_as_to_u8() {
        let mut vs = vec![
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -0.0,
            0.0,
            1.0,
            2.0,
        ];
        // Exact ties (k + 0.5 after scaling) and their neighbours, then a dense sweep.
        for k in 0..=256 {
            let v = (k as f32 - 0.5) / 255.0;
            vs.extend([v, v.next_up(), v.next_down()]);
        }
        vs.extend((0..200_000).map(|i| i as f32 / 199_999.0 * 1.2 - 0.1));
        for v in vs {
            assert_eq!(byte_of(v), to_u8([v; 4])[0], "v = {v:e}");
        }
    }
}
