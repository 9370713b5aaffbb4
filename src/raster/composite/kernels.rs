//! Row kernels: source-over of whole spans of premultiplied RGBA8 pixels.
//!
//! Input: a destination span, a source (one colour or a row of colours), optional coverage
//! bytes and an opacity weight. Output: the span composited. Guarantees: every pixel gets
//! exactly the value of the scalar formula in [`super::pixel8`] (`round(v / 255)` rounding),
//! so results never depend on how a row is cut into steps; the kernels only add shortcuts
//! for the common runs (coverage all 0: untouched; all 255 with an opaque source: copied) and
//! run the rest in 16-bit lanes, which the compiler vectorises.
//!
//! Each public kernel is compiled for the baseline and again for AVX2 and AVX-512BW, and
//! picks the widest the CPU has at run time (`multiversion`), so one portable binary runs
//! the wide vectors; integer lanes give the same bytes at every width.

use multiversion::multiversion;

use crate::raster::composite::pixel8::{div255, over_u8, widen};

/// Pixels per step.
pub(crate) const STEP: usize = 8;

/// `round(v / 255)` in 16-bit lanes, for `v <= 255 * 255`.
#[inline(always)]
fn div255_16(v: u16) -> u16 {
    let v = v + 128;
    (v + (v >> 8)) >> 8
}

/// Source-over of one premultiplied colour under `cov` (or full coverage) at weight `op`
/// (0..255): per pixel `t = round(c · op / 255)`, then `d = s·t + d·(1 − sa·t)`.
///
/// Over the rows of a rectangle, `w` pixels each: row `r` starts at byte
/// `r · stride` of `dst`, under coverage `cov[r · w..(r + 1) · w]`. One dispatch for every
/// row: a map's shapes are a few pixels wide, and a call per row cost more than its pixels.
///
/// `room` (at least `w`) is how many pixels from each row's start belong to the same row of
/// the same surface: a row's last partial step then runs as a whole vector step whose extra
/// pixels get weight 0, which rewrites them unchanged (`round(d · 255 / 255) = d`). A map's
/// rows are 4 to 8 pixels wide, so without it nearly every pixel took the scalar path.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx2", "x86_64+avx2"))]
pub(crate) fn over_solid_rows(
    dst: &mut [u8],
    stride: usize,
    (w, room): (usize, usize),
    src: [u8; 4],
    cov: Option<&[u8]>,
    op: u8,
) {
    if w == 0 {
        return;
    }
    let room = room.max(w);
    let mut covs = cov.map(|c| c.chunks_exact(w));
    for row in dst.chunks_mut(stride.max(room * 4)) {
        let c = match covs.as_mut().map(Iterator::next) {
            Some(None) => return,
            Some(c) => c,
            None => None,
        };
        let end = (room * 4).min(row.len());
        if end < w * 4 {
            return;
        }
        over_solid_span(&mut row[..end], w, src, c, op);
    }
}

/// One row of [`over_solid_rows`] (`dst` holds its room), inlined into each target's
/// version of its callers.
#[inline(always)]
fn over_solid_span(dst: &mut [u8], w: usize, src: [u8; 4], cov: Option<&[u8]>, op: u8) {
    let whole = w / STEP * STEP;
    let (body, tail) = dst.split_at_mut(whole * 4);
    let opaque = op == 255 && src[3] == 255;
    let rest = w - whole;
    let Some(cov) = cov else {
        if op == 0 {
            return;
        }
        if opaque {
            return fill(&mut dst[..w * 4], src);
        }
        let t = [op as u16; STEP];
        for d in body.chunks_exact_mut(STEP * 4) {
            over_step_solid(d, src, &t);
        }
        let mut t = [0u16; STEP];
        t[..rest].fill(op as u16);
        return over_tail(tail, rest, src, &t);
    };
    for (d, c) in body.chunks_exact_mut(STEP * 4).zip(cov.chunks_exact(STEP)) {
        let word = word8(c);
        if word == 0 {
            continue;
        }
        if opaque && word == u64::MAX {
            fill(d, src);
            continue;
        }
        over_step_solid(d, src, &weights(c, op));
    }
    if rest > 0 {
        let word = partial_word8(cov, whole, rest);
        if word != 0 {
            over_tail(tail, rest, src, &weights(&word.to_le_bytes(), op));
        }
    }
}

/// The `n` bytes (1 to 7) of `b` from `at` as a little-endian word, zero above them: one load
/// when eight bytes are there (a byte copy onto the stack read back as a word stalls on
/// store forwarding, which cost a fifth of the kernel).
#[inline(always)]
fn partial_word8(b: &[u8], at: usize, n: usize) -> u64 {
    let mask = u64::MAX >> (64 - 8 * n);
    match b.get(at..at + 8) {
        Some(eight) => word8(eight) & mask,
        None => b[at..at + n]
            .iter()
            .rev()
            .fold(0u64, |w, &c| (w << 8) | c as u64),
    }
}

/// The weights `round(c · op / 255)` of one step's coverage bytes.
#[inline(always)]
fn weights(c: &[u8], op: u8) -> [u16; STEP] {
    let mut t = [0u16; STEP];
    for (t, &c) in t.iter_mut().zip(c) {
        *t = div255_16(c as u16 * op as u16);
    }
    t
}

/// The last `n < STEP` pixels of a row at weights `t` (zero past `n`): one vector step when
/// the row has room for it, else pixel by pixel.
#[inline(always)]
fn over_tail(tail: &mut [u8], n: usize, src: [u8; 4], t: &[u16; STEP]) {
    if n == 0 {
        return;
    }
    if let Some(step) = tail.get_mut(..STEP * 4) {
        return over_step_solid(step, src, t);
    }
    let s = widen(&src);
    for (px, &t) in tail.chunks_exact_mut(4).zip(&t[..n]) {
        if t != 0 {
            over_u8(px, &s, t as u32);
        }
    }
}

/// Source-over of a row of premultiplied colours (`src[i]` onto pixel `i`) under `cov` at
/// weight `op`.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx2", "x86_64+avx2"))]
pub(crate) fn over_row(dst: &mut [u8], src: &[[u8; 4]], cov: Option<&[u8]>, op: u8) {
    let n = src.len().min(dst.len() / 4);
    let whole = n / STEP * STEP;
    for i in (0..whole).step_by(STEP) {
        let mut t = [op as u16; STEP];
        if let Some(cov) = cov {
            let c = &cov[i..i + STEP];
            if word8(c) == 0 {
                continue;
            }
            for (t, &c) in t.iter_mut().zip(c) {
                *t = div255_16(c as u16 * op as u16);
            }
        }
        let s = src[i..i + STEP].as_flattened();
        over_step(&mut dst[i * 4..(i + STEP) * 4], s, &t);
    }
    for i in whole..n {
        let c = cov.map_or(255, |c| c[i] as u32);
        if c != 0 {
            over_u8(
                &mut dst[i * 4..i * 4 + 4],
                &widen(&src[i]),
                div255(c * op as u32),
            );
        }
    }
}

/// Source-over of a premultiplied pixel buffer (`src`, same layout as `dst`) at weight `op`;
/// transparent source runs are skipped.
#[multiversion(targets("x86_64+avx512f+avx512bw+avx2", "x86_64+avx2"))]
pub(crate) fn over_pixels(dst: &mut [u8], src: &[u8], op: u8) {
    if op == 0 {
        return;
    }
    let mut d_steps = dst.chunks_exact_mut(STEP * 4);
    let mut s_steps = src.chunks_exact(STEP * 4);
    let t = [op as u16; STEP];
    for (d, s) in (&mut d_steps).zip(&mut s_steps) {
        // Word by word: four compares instead of a byte loop.
        if s.chunks_exact(8).all(|w| word8(w) == 0) {
            continue;
        }
        if op == 255 && s.chunks_exact(8).all(|w| word8(w) & ALPHAS == ALPHAS) {
            d.copy_from_slice(s);
            continue;
        }
        over_step(d, s, &t);
    }
    for (d, s) in d_steps
        .into_remainder()
        .chunks_exact_mut(4)
        .zip(s_steps.remainder().chunks_exact(4))
    {
        if s.iter().any(|&v| v != 0) {
            over_u8(d, &widen(s), op as u32);
        }
    }
}

/// The alpha bytes of two RGBA pixels in a little-endian word.
const ALPHAS: u64 = 0xFF00_0000_FF00_0000;

/// Eight bytes as one word (little-endian), so a step's shortcut tests are one compare
/// instead of a byte loop that exits early.
#[inline(always)]
fn word8(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// Writes `src` to every pixel.
#[inline(always)]
fn fill(dst: &mut [u8], src: [u8; 4]) {
    for px in dst.chunks_exact_mut(4) {
        px.copy_from_slice(&src);
    }
}

/// One step of [`over_solid_rows`]: `t[i]` is pixel `i`'s weight.
#[inline(always)]
fn over_step_solid(d: &mut [u8], src: [u8; 4], t: &[u16; STEP]) {
    over_step(d, [src; STEP].as_flattened(), t);
}

/// One step of source-over: pixel `i` (bytes `4i..4i + 4` of `src`) at weight `t[i]`, in
/// 16-bit lanes (flat lane loops, which the compiler turns into a few vector instructions).
#[inline(always)]
fn over_step(d: &mut [u8], src: &[u8], t: &[u16; STEP]) {
    let (Ok(d), Ok(src)) = (
        <&mut [u8; STEP * 4]>::try_from(d),
        <&[u8; STEP * 4]>::try_from(src),
    ) else {
        return;
    };
    let mut tt = [0u16; STEP * 4];
    for (i, v) in tt.iter_mut().enumerate() {
        *v = t[i >> 2];
    }
    let mut s = [0u16; STEP * 4];
    for i in 0..STEP * 4 {
        s[i] = div255_16(src[i] as u16 * tt[i]);
    }
    let mut keep = [0u16; STEP * 4];
    for i in 0..STEP * 4 {
        keep[i] = 255 - s[i | 3];
    }
    for i in 0..STEP * 4 {
        d[i] = (s[i] + div255_16(d[i] as u16 * keep[i])) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator of bytes.
    fn bytes(seed: u32, n: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                // Bias towards the shortcut values 0 and 255.
                match x % 5 {
                    0 => 0,
                    1 => 255,
                    _ => (x >> 8) as u8,
                }
            })
            .collect()
    }

    /// Premultiplied pixels (colour never above alpha).
    fn pixels(seed: u32, n: usize) -> Vec<u8> {
        let mut v = bytes(seed, n * 4);
        for p in v.chunks_exact_mut(4) {
            for j in 0..3 {
                p[j] = p[j].min(p[3]);
            }
        }
        v
    }

    fn scalar_solid(dst: &mut [u8], src: [u8; 4], cov: Option<&[u8]>, op: u8) {
        for (i, px) in dst.chunks_exact_mut(4).enumerate() {
            let c = cov.map_or(255, |c| c[i] as u32);
            over_u8(px, &widen(&src), div255(c * op as u32));
        }
    }

    #[test]
    fn rows_of_a_rectangle_leave_the_bytes_between_them() {
        let (w, h, stride) = (5usize, 3usize, 9 * 4);
        let dst = pixels(7, (h - 1) * 9 + w);
        let cov = bytes(8, w * h);
        let src = [40, 80, 120, 200];
        let mut a = dst.clone();
        over_solid_rows(&mut a, stride, (w, w), src, Some(&cov), 200);
        for r in 0..h {
            let row = r * stride..r * stride + w * 4;
            let mut b = dst[row.clone()].to_vec();
            scalar_solid(&mut b, src, Some(&cov[r * w..(r + 1) * w]), 200);
            assert_eq!(&a[row.clone()], &b[..], "row {r}");
            if r + 1 < h {
                assert_eq!(a[row.end..row.end + 16], dst[row.end..row.end + 16]);
            }
        }
    }

    #[test]
    fn partial_steps_run_whole_in_the_room_and_leave_it_unchanged() {
        // Rows of 1 to 20 pixels in a surface 24 wide: each row's last partial step runs
        // as a whole step when the row has room, and must give the scalar bytes inside
        // the rectangle and leave every other byte as it was.
        let (sw, h) = (24usize, 3usize);
        let src = [40, 80, 120, 200];
        for w in 1..=20 {
            for x0 in [0, sw - w, (sw - w) / 2] {
                let room = (sw - x0).min(w.next_multiple_of(STEP));
                let surface = pixels(w as u32, sw * h);
                let cov = bytes(w as u32 + 50, w * h);
                for (c, op) in [(Some(&cov[..]), 255), (Some(&cov[..]), 99), (None, 99)] {
                    let mut a = surface.clone();
                    let first = x0 * 4;
                    let end = first + (h - 1) * sw * 4 + room * 4;
                    over_solid_rows(&mut a[first..end], sw * 4, (w, room), src, c, op);
                    let mut b = surface.clone();
                    for r in 0..h {
                        let row = (r * sw + x0) * 4..(r * sw + x0 + w) * 4;
                        let c = c.map(|c| &c[r * w..(r + 1) * w]);
                        scalar_solid(&mut b[row], src, c, op);
                    }
                    assert_eq!(a, b, "w {w} x0 {x0} op {op}");
                }
            }
        }
    }

    #[test]
    fn kernels_match_the_scalar_formula() {
        for seed in 1..40u32 {
            let n = 3 + seed as usize * 3;
            let dst = pixels(seed, n);
            let cov = bytes(seed + 100, n);
            let row = pixels(seed + 200, n);
            let src: [u8; 4] = pixels(seed + 300, 1).try_into().unwrap();
            for op in [0u8, 1, 128, 254, 255] {
                for src in [src, [10, 20, 30, 255], [0, 0, 0, 0]] {
                    for c in [None, Some(&cov[..])] {
                        let (mut a, mut b) = (dst.clone(), dst.clone());
                        over_solid_rows(&mut a, n * 4, (n, n), src, c, op);
                        scalar_solid(&mut b, src, c, op);
                        assert_eq!(a, b, "solid seed {seed} op {op} src {src:?}");
                    }
                }
                let colours: Vec<[u8; 4]> = row
                    .chunks_exact(4)
                    .map(|p| [p[0], p[1], p[2], p[3]])
                    .collect();
                for c in [None, Some(&cov[..])] {
                    let (mut a, mut b) = (dst.clone(), dst.clone());
                    over_row(&mut a, &colours, c, op);
                    for (i, px) in b.chunks_exact_mut(4).enumerate() {
                        let c = c.map_or(255, |c| c[i] as u32);
                        over_u8(px, &widen(&colours[i]), div255(c * op as u32));
                    }
                    assert_eq!(a, b, "row seed {seed} op {op}");
                }
                let (mut a, mut b) = (dst.clone(), dst.clone());
                over_pixels(&mut a, &row, op);
                for (px, s) in b.chunks_exact_mut(4).zip(row.chunks_exact(4)) {
                    over_u8(px, &widen(s), op as u32);
                }
                assert_eq!(a, b, "pixels seed {seed} op {op}");
            }
        }
    }
}
