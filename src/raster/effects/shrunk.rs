//! Wide blurs at reduced resolution: shrink, blur, enlarge.
//!
//! Input: a premultiplied RGBA buffer and the box radii of a three-pass blur (as
//! [`box_radii`] gives them). Output: the buffer blurred in place. Guarantees: radii
//! reaching fewer than [`WIDE_SUPPORT`] pixels blur at full resolution (exactly
//! [`blur`]); wider ones blur a copy shrunk by a whole factor (box average) with radii that
//! keep the same overall spread, then enlarge it bilinearly. A Gaussian that wide has no
//! detail finer than the shrunk grid, so the result stays within a few levels of the full
//! blur (tested) at a fraction of the cost: a 200 px background blur over a 1000 px square
//! costs a sixty-fourth of the full-resolution passes. Outside the buffer counts as
//! transparent, as in [`blur`]; the result depends only on the buffer, so callers that blur
//! one buffer per render (backdrops) stay band-independent.

use crate::raster::cancel::Cancel;
use crate::raster::effects::blur::{blur_until, box_radii};
use crate::raster::rect::IRect;

/// Supports (pixels) from which a blur runs at reduced resolution.
pub(crate) const WIDE_SUPPORT: usize = 24;

/// Most the resolution is reduced by, per axis.
const MAX_FACTOR: usize = 8;

/// Blurs `buf` (`w × h`, 4 channels) with three box passes of `radii` each way, shrinking
/// first when the blur is wide, and returns the pixels of `crop` (within the buffer).
pub(crate) fn blur_rgba_crop(
    buf: &mut [u8],
    w: usize,
    h: usize,
    radii: [usize; 3],
    crop: IRect,
    cancel: Option<&Cancel>,
) -> Vec<u8> {
    let sigma = sigma_of(radii);
    let f = factor(radii, sigma);
    let crop = crop.intersect(&IRect::new(0, 0, w as i32, h as i32));
    let mut out = vec![0u8; crop.width() * crop.height() * 4];
    if f <= 1 || w < 2 * f || h < 2 * f {
        blur_until(buf, w, h, 4, radii, cancel);
        for (y, row) in (crop.y0..crop.y1).zip(out.chunks_exact_mut(crop.width() * 4)) {
            let start = (y as usize * w + crop.x0 as usize) * 4;
            row.copy_from_slice(&buf[start..start + crop.width() * 4]);
        }
        return out;
    }
    let (sw, sh) = (w.div_ceil(f), h.div_ceil(f));
    let mut small = shrink(buf, w, h, f);
    blur_until(
        &mut small,
        sw,
        sh,
        4,
        box_radii(reduced_sigma(sigma, f)),
        cancel,
    );
    enlarge(&small, sw, sh, f, &mut out, crop);
    out
}

/// The standard deviation of three box passes (each of width `2r + 1`).
fn sigma_of(radii: [usize; 3]) -> f32 {
    let var: f32 = radii
        .iter()
        .map(|&r| {
            let width = (2 * r + 1) as f32;
            (width * width - 1.0) / 12.0
        })
        .sum();
    var.sqrt()
}

/// The shrink factor: 1 below [`WIDE_SUPPORT`], else about a quarter of sigma (the shrunk
/// blur keeps a sigma of about four cells, enough that the enlargement shows no facets).
fn factor(radii: [usize; 3], sigma: f32) -> usize {
    if radii.iter().sum::<usize>() < WIDE_SUPPORT {
        return 1;
    }
    ((sigma / 4.0) as usize).clamp(1, MAX_FACTOR)
}

/// The sigma to blur the shrunk copy with: what remains of `sigma` after the box average
/// (variance `(f² - 1) / 12`) and the bilinear enlargement (about `f² / 6`), in shrunk pixels.
fn reduced_sigma(sigma: f32, f: usize) -> f32 {
    let f = f as f32;
    let rest = sigma * sigma - (f * f - 1.0) / 12.0 - f * f / 6.0;
    rest.max(0.0).sqrt() / f
}

/// The average of each `f × f` block (pixels outside the buffer count as transparent).
fn shrink(buf: &[u8], w: usize, h: usize, f: usize) -> Vec<u8> {
    let (sw, sh) = (w.div_ceil(f), h.div_ceil(f));
    let mut sums = vec![0u32; sw * 4];
    let mut out = vec![0u8; sw * sh * 4];
    let area = (f * f) as u32;
    for (sy, out_row) in out.chunks_exact_mut(sw * 4).enumerate() {
        sums.fill(0);
        for y in sy * f..((sy + 1) * f).min(h) {
            let row = &buf[y * w * 4..(y + 1) * w * 4];
            for (block, s) in row.chunks(f * 4).zip(sums.chunks_exact_mut(4)) {
                for px in block.chunks_exact(4) {
                    for c in 0..4 {
                        s[c] += px[c] as u32;
                    }
                }
            }
        }
        for (o, s) in out_row.iter_mut().zip(&sums) {
            *o = ((s + area / 2) / area) as u8;
        }
    }
    out
}

/// Where full-resolution pixel `i` samples the shrunk grid: the cell to its left/top and
/// the weight (0..=256) of the next one.
fn sample_at(i: usize, f: usize, n: usize) -> (usize, u32) {
    // Centre of pixel i in shrunk units, minus half a cell: (i + 0.5) / f - 0.5, in 1/256ths.
    let pos = ((2 * i + 1) * 256) as i64 / (2 * f) as i64 - 128;
    if pos <= 0 {
        return (0, 0);
    }
    let cell = (pos / 256) as usize;
    if cell + 1 >= n {
        return (n - 1, 0);
    }
    (cell, (pos % 256) as u32)
}

/// Bilinear enlargement of the shrunk copy over `crop` of the full-resolution grid, into
/// `out` (`crop`'s pixels, row by row).
fn enlarge(small: &[u8], sw: usize, sh: usize, f: usize, out: &mut [u8], crop: IRect) {
    let cols: Vec<(usize, u32)> = (crop.x0..crop.x1)
        .map(|x| sample_at(x as usize, f, sw))
        .collect();
    let row_bytes = crop.width() * 4;
    // Rows mix vertically first (one mix per shrunk cell, not per output pixel), then each
    // pixel mixes two cells horizontally: the same sums as the 2-D weights, in two steps.
    let mut mixed = vec![0u32; sw * 4];
    for (y, row) in (crop.y0..crop.y1).zip(out.chunks_exact_mut(row_bytes.max(1))) {
        let (cy, wy) = sample_at(y as usize, f, sh);
        let ny = (cy + 1).min(sh - 1);
        let top = &small[cy * sw * 4..(cy + 1) * sw * 4];
        let bottom = &small[ny * sw * 4..(ny + 1) * sw * 4];
        for ((m, &t), &b) in mixed.iter_mut().zip(top).zip(bottom) {
            *m = t as u32 * (256 - wy) + b as u32 * wy;
        }
        for (px, &(cx, wx)) in row.chunks_exact_mut(4).zip(&cols) {
            let nx = (cx + 1).min(sw - 1);
            for c in 0..4 {
                let v = mixed[cx * 4 + c] * (256 - wx) + mixed[nx * 4 + c] * wx;
                px[c] = ((v + (1 << 15)) >> 16) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::effects::blur::blur;

    fn disc(w: usize, h: usize) -> Vec<u8> {
        let mut buf = vec![0u8; w * h * 4];
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f32 - w as f32 * 0.4, y as f32 - h as f32 * 0.6);
                if dx * dx + dy * dy < (w as f32 * 0.2).powi(2) {
                    buf[(y * w + x) * 4..(y * w + x) * 4 + 4].copy_from_slice(&[200, 40, 90, 255]);
                }
            }
        }
        buf
    }

    #[test]
    fn narrow_blurs_are_the_full_resolution_blur() {
        let radii = box_radii(3.0);
        assert!(radii.iter().sum::<usize>() < WIDE_SUPPORT);
        let (mut a, mut b) = (disc(60, 50), disc(60, 50));
        let a = blur_rgba_crop(&mut a, 60, 50, radii, IRect::new(0, 0, 60, 50), None);
        blur(&mut b, 60, 50, 4, radii);
        assert_eq!(a, b);
    }

    #[test]
    fn wide_blurs_stay_close_to_the_full_resolution_blur() {
        for sigma in [12.0, 40.0, 100.0] {
            let radii = box_radii(sigma);
            let (w, h) = (301, 257);
            let (mut fast, mut full) = (disc(w, h), disc(w, h));
            let fast = blur_rgba_crop(
                &mut fast,
                w,
                h,
                radii,
                IRect::new(0, 0, w as i32, h as i32),
                None,
            );
            blur(&mut full, w, h, 4, radii);
            let diffs: Vec<i32> = fast
                .iter()
                .zip(&full)
                .map(|(a, b)| (*a as i32 - *b as i32).abs())
                .collect();
            let worst = diffs.iter().copied().max().unwrap_or(0);
            let mean = diffs.iter().sum::<i32>() as f64 / diffs.len() as f64;
            // Both are approximations of one Gaussian (three boxes each, rounded to bytes
            // after every pass): they differ by a few levels at most, under one on average.
            assert!(
                worst <= 6 && mean < 1.0,
                "sigma {sigma}: worst difference {worst}, mean {mean:.2}"
            );
        }
    }

    #[test]
    fn flat_colour_stays_flat_inside() {
        let (w, h) = (200, 200);
        let mut buf = [10u8, 20, 30, 40].repeat(w * h);
        let centre = blur_rgba_crop(
            &mut buf,
            w,
            h,
            box_radii(30.0),
            IRect::new(90, 95, 110, 100),
            None,
        );
        // Far from the transparent outside, the colour is unchanged.
        assert_eq!(centre.len(), 20 * 5 * 4);
        assert!(centre.chunks_exact(4).all(|p| p == [10, 20, 30, 40]));
    }

    #[test]
    fn a_crop_is_that_part_of_the_whole() {
        let (w, h) = (240, 200);
        let radii = box_radii(50.0);
        let whole = blur_rgba_crop(
            &mut disc(w, h),
            w,
            h,
            radii,
            IRect::new(0, 0, w as i32, h as i32),
            None,
        );
        let crop = IRect::new(31, 17, 150, 90);
        let part = blur_rgba_crop(&mut disc(w, h), w, h, radii, crop, None);
        for (i, y) in (crop.y0..crop.y1).enumerate() {
            let start = (y as usize * w + crop.x0 as usize) * 4;
            let row = &part[i * crop.width() * 4..(i + 1) * crop.width() * 4];
            assert_eq!(row, &whole[start..start + crop.width() * 4], "row {y}");
        }
    }

    #[test]
    fn samples_stay_inside_the_grid() {
        for f in 1..=MAX_FACTOR {
            for n in [1, 2, 5] {
                for i in 0..n * f {
                    let (cell, wt) = sample_at(i, f, n);
                    assert!(cell < n && wt <= 256, "f {f} n {n} i {i}");
                }
            }
        }
    }
}
