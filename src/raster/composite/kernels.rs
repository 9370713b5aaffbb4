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
const STEP: usize = 8;

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
#[multiversion(targets("x86_64+avx512f+avx512bw+avx2", "x86_64+avx2"))]
pub(crate) fn over_solid_rows(
    dst: &mut [u8],
    stride: usize,
    w: usize,
    src: [u8; 4],
    cov: Option<&[u8]>,
    op: u8,
) {
    if w == 0 {
        return;
    }
    for (r, row) in dst.chunks_mut(stride.max(w * 4)).enumerate() {
        let Some(span) = row.get_mut(..w * 4) else {
            return;
        };
        let c = cov.and_then(|c| c.get(r * w..(r + 1) * w));
        if cov.is_some() && c.is_none() {
            return;
        }
        over_solid_span(span, src, c, op);
    }
}

/// One row of [`over_solid_rows`], inlined into each target's version of its callers.
#[inline(always)]
fn over_solid_span(dst: &mut [u8], src: [u8; 4], cov: Option<&[u8]>, op: u8) {
    let Some(cov) = cov else {
        return over_solid_full(dst, src, op);
    };
    let opaque = op == 255 && src[3] == 255;
    let mut d_steps = dst.chunks_exact_mut(STEP * 4);
    let mut c_steps = cov.chunks_exact(STEP);
    for (d, c) in (&mut d_steps).zip(&mut c_steps) {
        let word = word8(c);
        if word == 0 {
            continue;
        }
        if opaque && word == u64::MAX {
            fill(d, src);
            continue;
        }
        let mut t = [0u16; STEP];
        for (t, &c) in t.iter_mut().zip(c) {
            *t = div255_16(c as u16 * op as u16);
        }
        over_step_solid(d, src, &t);
    }
    let s = widen(&src);
    for (px, &c) in d_steps
        .into_remainder()
        .chunks_exact_mut(4)
        .zip(c_steps.remainder())
    {
        if c != 0 {
            over_u8(px, &s, div255(c as u32 * op as u32));
        }
    }
}

/// [`over_solid_span`] with every pixel fully covered.
#[inline(always)]
fn over_solid_full(dst: &mut [u8], src: [u8; 4], op: u8) {
    if op == 0 {
        return;
    }
    if op == 255 && src[3] == 255 {
        return fill(dst, src);
    }
    let t = [op as u16; STEP];
    let mut steps = dst.chunks_exact_mut(STEP * 4);
    for d in &mut steps {
        over_step_solid(d, src, &t);
    }
    let s = widen(&src);
    for px in steps.into_remainder().chunks_exact_mut(4) {
        over_u8(px, &s, op as u32);
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
        over_solid_rows(&mut a, stride, w, src, Some(&cov), 200);
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
                        over_solid_rows(&mut a, n * 4, n, src, c, op);
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
