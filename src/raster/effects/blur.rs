//! Gaussian blur on 8-bit buffers, approximated by three box passes.
//!
//! Input: an alpha (1 channel) or premultiplied RGBA (4 channels) buffer and the box radii
//! of a sigma ([`box_radii`]). Output: the buffer blurred in place. Guarantees: cost is the
//! same whatever the radius (running sums); integer arithmetic, so a pixel's result depends
//! only on the inputs inside its window — never on where the buffer starts — which keeps
//! band rendering byte-identical; [`support`] tells how far a result reaches. The passes are
//! compiled for AVX2 and AVX-512BW too and pick the widest the CPU has at run time.

use multiversion::multiversion;

use crate::raster::cancel::Cancel;

/// Box radii whose three successive passes approximate a Gaussian of `sigma`.
pub(crate) fn box_radii(sigma: f32) -> [usize; 3] {
    if sigma.is_nan() || sigma <= 0.0 {
        return [0; 3];
    }
    // Widths from the standard "boxes for Gauss" derivation (n = 3 passes).
    let n = 3.0f32;
    let ideal = (12.0 * sigma * sigma / n + 1.0).sqrt();
    let mut wl = ideal.floor() as i64;
    if wl % 2 == 0 {
        wl -= 1;
    }
    let wu = wl + 2;
    let wlf = wl as f32;
    let m = ((12.0 * sigma * sigma - n * wlf * wlf - 4.0 * n * wlf - 3.0 * n) / (-4.0 * wlf - 4.0))
        .round() as i64;
    let mut out = [0usize; 3];
    for (i, r) in out.iter_mut().enumerate() {
        let w = if (i as i64) < m { wl } else { wu };
        *r = ((w.max(1) - 1) / 2) as usize;
    }
    out
}

/// How many pixels a three-pass blur with `radii` reaches.
pub(crate) fn support(radii: [usize; 3]) -> usize {
    radii.iter().sum()
}

/// Blurs `buf` (`channels` interleaved, `w × h`) with three box passes each way: each row,
/// then each column (rows first, then columns, each in `radii` order: the rounding of every
/// pass is part of the result).
#[cfg(test)]
pub(crate) fn blur(buf: &mut [u8], w: usize, h: usize, channels: usize, radii: [usize; 3]) {
    blur_until(buf, w, h, channels, radii, None);
}

/// Rows of a blur between two looks at the render's budget.
const ROWS_PER_CHECK: usize = 64;

/// [`blur`] that gives up once `cancel` says the render was cancelled (looked at every
/// [`ROWS_PER_CHECK`] rows and between column passes, so a blur of a hundred million pixels
/// stops within a pass): the buffer is then left half blurred, and the render it belongs to
/// is discarded. False when it gave up.
pub(crate) fn blur_until(
    buf: &mut [u8],
    w: usize,
    h: usize,
    channels: usize,
    radii: [usize; 3],
    cancel: Option<&Cancel>,
) -> bool {
    if w == 0 || h == 0 || channels == 0 || support(radii) == 0 {
        return true;
    }
    let stop = || cancel.is_some_and(Cancel::check);
    let mut tmp = Vec::new();
    let mut sums = Vec::new();
    for (i, row) in buf.chunks_exact_mut(w * channels).take(h).enumerate() {
        if i % ROWS_PER_CHECK == 0 && stop() {
            return false;
        }
        for r in radii {
            box_pass(row, &mut tmp, &mut sums, channels, r);
        }
    }
    // Columns: the same pass with whole rows as the elements, so every column slides at
    // once along contiguous memory.
    for r in radii {
        if stop() {
            return false;
        }
        box_pass(
            &mut buf[..w * h * channels],
            &mut tmp,
            &mut sums,
            w * channels,
            r,
        );
    }
    true
}

/// One box pass of radius `r` along `line`, whose elements are `lanes` interleaved values
/// (a pixel's channels, or a whole row); zero outside the line, rounding to nearest.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx2", "x86_64+avx2"))]
fn box_pass(line: &mut [u8], tmp: &mut Vec<u8>, sums: &mut Vec<u32>, lanes: usize, r: usize) {
    if r == 0 || lanes == 0 {
        return;
    }
    let n = line.len() / lanes;
    let div = Divider::new((2 * r + 1) as u32);
    tmp.clear();
    tmp.extend_from_slice(line);
    match lanes {
        1 => return box_pass_fixed::<1>(line, tmp, div, r),
        4 => return box_pass_fixed::<4>(line, tmp, div, r),
        _ => {}
    }
    let at = |i: usize| &tmp[i * lanes..(i + 1) * lanes];
    sums.clear();
    sums.resize(lanes, 0);
    for i in 0..(r + 1).min(n) {
        for (s, &v) in sums.iter_mut().zip(at(i)) {
            *s += v as u32;
        }
    }
    for (i, out) in line.chunks_exact_mut(lanes).enumerate() {
        for (o, &s) in out.iter_mut().zip(sums.iter()) {
            *o = div.round(s) as u8;
        }
        if i + r + 1 < n {
            for (s, &v) in sums.iter_mut().zip(at(i + r + 1)) {
                *s += v as u32;
            }
        }
        if i >= r {
            for (s, &v) in sums.iter_mut().zip(at(i - r)) {
                *s -= v as u32;
            }
        }
    }
}

/// [`box_pass`] along a line of `N`-value elements (a row of alpha, `N = 1`, or of RGBA
/// pixels, `N = 4`): the sums in one fixed-size array, which the compiler keeps in a
/// register (the general per-lane loops cost several times more per pixel).
#[inline(always)]
fn box_pass_fixed<const N: usize>(line: &mut [u8], src: &[u8], div: Divider, r: usize) {
    let n = line.len() / N;
    let at = |i: usize| -> [u32; N] {
        // One bounds check per element, then fixed-size reads.
        let p = &src[i * N..i * N + N];
        std::array::from_fn(|c| p[c] as u32)
    };
    let mut sum = [0u32; N];
    for i in 0..(r + 1).min(n) {
        let p = at(i);
        for c in 0..N {
            sum[c] += p[c];
        }
    }
    for (i, out) in line.chunks_exact_mut(N).enumerate() {
        for c in 0..N {
            out[c] = div.round(sum[c]) as u8;
        }
        if i + r + 1 < n {
            let p = at(i + r + 1);
            for c in 0..N {
                sum[c] += p[c];
            }
        }
        if i >= r {
            let p = at(i - r);
            for c in 0..N {
                sum[c] -= p[c];
            }
        }
    }
}

/// Division by a window width, rounded to nearest, as a multiply and shift (a hardware
/// divide per channel per pixel was most of a blur's time).
#[derive(Clone, Copy)]
struct Divider {
    d: u32,
    /// `ceil(2^32 / d)`: exact for every dividend below `2^32 / d`.
    m: u64,
}

impl Divider {
    fn new(d: u32) -> Divider {
        Divider {
            d,
            m: (1u64 << 32).div_ceil(d as u64),
        }
    }

    /// `(s + d / 2) / d` for sums of a window of bytes (`s <= 255 * d`).
    #[inline(always)]
    fn round(self, s: u32) -> u32 {
        let x = s + self.d / 2;
        // Exact while x * d < 2^32, which holds for byte sums of windows under 4,096 wide.
        if self.d < 4096 {
            ((x as u64 * self.m) >> 32) as u32
        } else {
            x / self.d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divider_matches_division() {
        for d in [1u32, 3, 5, 7, 99, 255, 1001, 4095, 4097] {
            let div = Divider::new(d);
            let top = 255 * d;
            for s in (0..=top)
                .step_by(((top / 5000).max(1)) as usize)
                .chain([top])
            {
                assert_eq!(div.round(s), (s + d / 2) / d, "{s} / {d}");
            }
        }
    }

    #[test]
    fn radii_grow_with_sigma() {
        assert_eq!(box_radii(0.0), [0, 0, 0]);
        let small = support(box_radii(2.0));
        let big = support(box_radii(20.0));
        assert!(small < big && big <= 3 * 20 + 3, "{small} {big}");
    }

    #[test]
    fn blur_preserves_mass_and_spreads() {
        let (w, h) = (41, 41);
        let mut buf = vec![0u8; w * h];
        for y in 15..26 {
            for x in 15..26 {
                buf[y * w + x] = 255;
            }
        }
        let before: u32 = buf.iter().map(|&v| v as u32).sum();
        blur(&mut buf, w, h, 1, box_radii(3.0));
        let after: u32 = buf.iter().map(|&v| v as u32).sum();
        assert!(
            (before as i64 - after as i64).abs() < before as i64 / 50,
            "{before} {after}"
        );
        assert!(buf[20 * w + 10] > 0 && buf[20 * w + 20] > 200);
    }

    #[test]
    fn result_does_not_depend_on_buffer_start() {
        let line: Vec<u8> = (0..64).map(|i| ((i * 37) % 256) as u8).collect();
        let radii = box_radii(2.5);
        let reach = support(radii);
        let mut a = line.clone();
        blur(&mut a, 64, 1, 1, radii);
        let mut b = line[5..].to_vec();
        blur(&mut b, 59, 1, 1, radii);
        for x in (5 + reach)..(64 - reach) {
            assert_eq!(a[x], b[x - 5], "at {x}");
        }
    }

    #[test]
    fn blurs_the_scene_drops_leave_nothing() {
        // The scene drops a blur when `blur_vanishes` says so: check that the three passes
        // really leave nothing of a solid square, at the threshold and beyond it.
        let side = 10usize;
        let first = (1..4000)
            .map(|s| s as f32)
            .find(|&s| crate::scene::effect::blur_vanishes(s, side as f64, side as f64))
            .unwrap_or(0.0);
        assert!(first > 20.0, "{first}");
        // A solid `side` square blurred with `sigma`, on a buffer wide enough for it all.
        let blurred = |sigma: f32| {
            let radii = box_radii(sigma);
            let (n, at) = (side + 2 * support(radii) + 2, support(radii) + 1);
            let mut buf = vec![0u8; n * n];
            for y in at..at + side {
                buf[y * n + at..y * n + at + side].fill(255);
            }
            blur(&mut buf, n, n, 1, radii);
            buf
        };
        for sigma in [first, first + 1.0, first * 1.5] {
            assert!(
                blurred(sigma).iter().all(|&v| v == 0),
                "sigma {sigma} left pixels"
            );
        }
        // Well below it, what the rule keeps, the blur leaves some level.
        assert!(blurred(first / 3.0).iter().any(|&v| v > 0));
    }
}
