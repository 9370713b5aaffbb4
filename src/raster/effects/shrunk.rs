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

/// A blurred RGBA buffer kept at the resolution it was blurred at: a wide blur keeps its
/// shrunk grid (a sixty-fourth of the pixels at most) and enlarges the rows asked for.
pub(crate) struct Blurred {
    /// Full-resolution pixels of `keep`, or the shrunk grid of the whole buffer.
    data: Vec<u8>,
    /// Size of the shrunk grid (unused at full resolution).
    gw: usize,
    gh: usize,
    /// Shrink factor; 1 at full resolution.
    f: usize,
    /// The part of the buffer that can be asked for.
    keep: IRect,
    /// For each column of `keep` (shrunk grids only): the grid cell to its left and the
    /// weight of the next one, worked out once rather than per pixel of every band.
    cols: Vec<(u32, u32)>,
}

/// Blurs `buf` (`w × h`, 4 channels) with three box passes of `radii` each way, shrinking
/// first when the blur is wide, and keeps what is needed for the pixels of `keep` (within
/// the buffer).
pub(crate) fn blur_rgba(
    buf: &mut [u8],
    w: usize,
    h: usize,
    radii: [usize; 3],
    keep: IRect,
    cancel: Option<&Cancel>,
) -> Blurred {
    let sigma = sigma_of(radii);
    let f = factor(radii, sigma);
    let keep = keep.intersect(&IRect::new(0, 0, w as i32, h as i32));
    if f <= 1 || w < 2 * f || h < 2 * f {
        blur_until(buf, w, h, 4, radii, cancel);
        let mut data = Vec::with_capacity(keep.width() * keep.height() * 4);
        for y in keep.y0..keep.y1 {
            let start = (y as usize * w + keep.x0 as usize) * 4;
            data.extend_from_slice(&buf[start..start + keep.width() * 4]);
        }
        return Blurred {
            data,
            gw: 0,
            gh: 0,
            f: 1,
            keep,
            cols: Vec::new(),
        };
    }
    let (gw, gh) = (w.div_ceil(f), h.div_ceil(f));
    let mut data = shrink(buf, w, h, f);
    let radii = box_radii(reduced_sigma(sigma, f));
    blur_until(&mut data, gw, gh, 4, radii, cancel);
    Blurred::shrunk(data, (gw, gh), f, keep)
}

impl Blurred {
    /// A shrunk grid of `grid` cells, each `f` pixels wide, of which `keep` can be asked for.
    fn shrunk(data: Vec<u8>, grid: (usize, usize), f: usize, keep: IRect) -> Blurred {
        let (gw, gh) = grid;
        let cols = (keep.x0..keep.x1)
            .map(|x| {
                let (cell, weight) = sample_at(x as usize, f, gw);
                (cell as u32, weight)
            })
            .collect();
        Blurred {
            data,
            gw,
            gh,
            f,
            keep,
            cols,
        }
    }

    /// Bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.data.len()
    }

    /// Writes the pixels of row `y`, columns `x0..x1` (buffer coordinates, inside `keep`)
    /// into `out` (4 bytes per pixel). Enlarged rows are bilinear mixes of the grid, the same
    /// for every caller, so bands that ask for different rows agree.
    pub(crate) fn span(&self, y: usize, x0: usize, x1: usize, out: &mut [u8]) {
        let k = self.keep;
        if self.f <= 1 {
            let kw = k.width();
            let start = ((y - k.y0 as usize) * kw + (x0 - k.x0 as usize)) * 4;
            out.copy_from_slice(&self.data[start..start + (x1 - x0) * 4]);
            return;
        }
        let (gw, f) = (self.gw, self.f);
        let (cy, wy) = sample_at(y, f, self.gh);
        let ny = (cy + 1).min(self.gh - 1);
        // The row mixes vertically first, once per grid cell the span reads, then each
        // pixel mixes two cells horizontally: the same sums as the 2-D weights.
        let first = sample_at(x0, f, gw).0;
        let last = (sample_at(x1.saturating_sub(1).max(x0), f, gw).0 + 1).min(gw - 1);
        let top = &self.data[(cy * gw + first) * 4..(cy * gw + last + 1) * 4];
        let bottom = &self.data[(ny * gw + first) * 4..(ny * gw + last + 1) * 4];
        let mixed: Vec<u32> = top
            .iter()
            .zip(bottom)
            .map(|(&t, &b)| t as u32 * (256 - wy) + b as u32 * wy)
            .collect();
        let cols = &self.cols[x0 - k.x0 as usize..x1 - k.x0 as usize];
        for (px, &(cx, wx)) in out.chunks_exact_mut(4).zip(cols) {
            let cx = cx as usize;
            let nx = (cx + 1).min(gw - 1);
            let (a, b) = ((cx - first) * 4, (nx - first) * 4);
            // Fixed-size pixels: one vector operation per pixel instead of four lanes.
            let (Ok(l), Ok(r), Ok(px)) = (
                <&[u32; 4]>::try_from(&mixed[a..a + 4]),
                <&[u32; 4]>::try_from(&mixed[b..b + 4]),
                <&mut [u8; 4]>::try_from(px),
            ) else {
                continue;
            };
            for c in 0..4 {
                let v = l[c] * (256 - wx) + r[c] * wx;
                px[c] = ((v + (1 << 15)) >> 16) as u8;
            }
        }
    }
}

/// A blur too wide to render at full resolution: `content` (`cw × ch` RGBA, transparent
/// around it) is shrunk by about a quarter of sigma (no upper bound: the grid keeps a sigma
/// of about four cells whatever the radius) onto a grid padded by the blur's reach, blurred
/// there and kept. The result covers `content` grown by the returned padding on each side
/// (in full-resolution pixels); ask it for rows with [`Blurred::span`]. Cost and memory
/// follow the content's area and the cell count, not the radius.
pub(crate) fn blur_wide(
    content: &[u8],
    cw: usize,
    ch: usize,
    radii: [usize; 3],
    cancel: Option<&Cancel>,
) -> (Blurred, usize) {
    let sigma = sigma_of(radii);
    let f = ((sigma / 4.0) as usize).max(1);
    let pad = super::blur::support(radii).div_ceil(f) * f;
    let (gw, gh) = ((cw + 2 * pad).div_ceil(f), (ch + 2 * pad).div_ceil(f));
    // Block sums in 64 bits: a block of f² bytes passes 32 bits from f = 4,105.
    let mut sums = vec![0u64; gw * gh * 4];
    for (y, row) in content.chunks_exact(cw * 4).take(ch).enumerate() {
        let cell_row = (y + pad) / f * gw;
        for (x, px) in row.chunks_exact(4).enumerate() {
            let cell = (cell_row + (x + pad) / f) * 4;
            for (s, &v) in sums[cell..cell + 4].iter_mut().zip(px) {
                *s += v as u64;
            }
        }
    }
    let area = (f * f) as u64;
    let mut data: Vec<u8> = sums
        .iter()
        .map(|&s| ((s + area / 2) / area) as u8)
        .collect();
    drop(sums);
    blur_until(
        &mut data,
        gw,
        gh,
        4,
        box_radii(reduced_sigma(sigma, f)),
        cancel,
    );
    let keep = IRect::new(0, 0, (gw * f) as i32, (gh * f) as i32);
    (Blurred::shrunk(data, (gw, gh), f, keep), pad)
}

/// [`blur_rgba`], then the pixels of `crop`, row by row.
#[cfg(test)]
fn blur_rgba_crop(
    buf: &mut [u8],
    w: usize,
    h: usize,
    radii: [usize; 3],
    crop: IRect,
    cancel: Option<&Cancel>,
) -> Vec<u8> {
    let b = blur_rgba(buf, w, h, radii, crop, cancel);
    let k = b.keep;
    let mut out = vec![0u8; k.width() * k.height() * 4];
    for (y, row) in (k.y0..k.y1).zip(out.chunks_exact_mut(k.width() * 4)) {
        b.span(y as usize, k.x0 as usize, k.x1 as usize, row);
    }
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
