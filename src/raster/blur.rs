//! Blurs and morphology on 8-bit buffers: Gaussian approximated by three box passes.
//!
//! Input: an alpha (1 channel) or premultiplied RGBA (4 channels) buffer and a sigma or a
//! radius (morphology uses a round window). Output: the buffer blurred, dilated or eroded in place. Guarantees: cost is the
//! same whatever the radius (running sums); integer arithmetic, so a pixel's result depends
//! only on the inputs inside its window — never on where the buffer starts — which keeps
//! band rendering byte-identical; [`support`] tells how far a result reaches.

/// Box radii whose three successive passes approximate a Gaussian of `sigma`.
pub fn box_radii(sigma: f32) -> [usize; 3] {
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
pub fn support(radii: [usize; 3]) -> usize {
    radii.iter().sum()
}

/// Blurs `buf` (`channels` interleaved, `w × h`) with three box passes each way: each row,
/// then each column (rows first, then columns, each in `radii` order: the rounding of every
/// pass is part of the result).
pub fn blur(buf: &mut [u8], w: usize, h: usize, channels: usize, radii: [usize; 3]) {
    if w == 0 || h == 0 || channels == 0 || support(radii) == 0 {
        return;
    }
    let mut tmp = Vec::new();
    let mut sums = Vec::new();
    for row in buf.chunks_exact_mut(w * channels).take(h) {
        for r in radii {
            box_pass(row, &mut tmp, &mut sums, channels, r);
        }
    }
    // Columns: the same pass with whole rows as the elements, so every column slides at
    // once along contiguous memory.
    for r in radii {
        box_pass(
            &mut buf[..w * h * channels],
            &mut tmp,
            &mut sums,
            w * channels,
            r,
        );
    }
}

/// One box pass of radius `r` along `line`, whose elements are `lanes` interleaved values
/// (a pixel's channels, or a whole row); zero outside the line, rounding to nearest.
fn box_pass(line: &mut [u8], tmp: &mut Vec<u8>, sums: &mut Vec<u32>, lanes: usize, r: usize) {
    if r == 0 || lanes == 0 {
        return;
    }
    let n = line.len() / lanes;
    let div = Divider::new((2 * r + 1) as u32);
    tmp.clear();
    tmp.extend_from_slice(line);
    if lanes == 1 {
        return box_pass_single(line, tmp, div, r);
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

/// [`box_pass`] over single values (a row of alpha): the same sums without per-lane loops.
fn box_pass_single(line: &mut [u8], src: &[u8], div: Divider, r: usize) {
    let n = line.len();
    let mut sum: u32 = src[..(r + 1).min(n)].iter().map(|&v| v as u32).sum();
    for (i, out) in line.iter_mut().enumerate() {
        *out = div.round(sum) as u8;
        if i + r + 1 < n {
            sum += src[i + r + 1] as u32;
        }
        if i >= r {
            sum -= src[i - r] as u32;
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
    #[inline]
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

/// Grows (`r > 0`) or shrinks (`r < 0`) a 1-channel coverage buffer by `|r|` pixels with a
/// round (disk) window, so offsets of curved and cornered outlines stay round. Outside the
/// buffer counts as transparent. Cost: `O(w · h · r)` via one sliding max/min per disk row.
pub fn morph(buf: &mut [u8], w: usize, h: usize, r: i32) {
    if r == 0 || w == 0 || h == 0 {
        return;
    }
    let grow = r > 0;
    let r = r.unsigned_abs() as i64;
    let src = buf.to_vec();
    buf.fill(if grow { 0 } else { 255 });
    let mut ext = vec![0u8; w * h];
    let mut scratch = Scratch1d::default();
    let mut last_half = usize::MAX;
    // Rows dy and -dy share a half-width: compute each row's sliding extreme once per width.
    for dy in 0..=r {
        let half = ((r * r - dy * dy) as f64).sqrt().floor() as usize;
        if half != last_half {
            for y in 0..h {
                let row = &src[y * w..(y + 1) * w];
                let out = &mut ext[y * w..(y + 1) * w];
                if grow && row.iter().all(|&v| v == 0) {
                    out.fill(0);
                } else {
                    sliding_extreme(row, half, grow, out, &mut scratch);
                }
            }
            last_half = half;
        }
        for sign in if dy == 0 { &[1i64][..] } else { &[1, -1][..] } {
            for y in 0..h as i64 {
                let sy = y + sign * dy;
                let out = &mut buf[y as usize * w..(y as usize + 1) * w];
                if sy < 0 || sy >= h as i64 {
                    if !grow {
                        out.fill(0);
                    }
                    continue;
                }
                let line = &ext[sy as usize * w..(sy as usize + 1) * w];
                // Two loops rather than a branch per byte, so each vectorises.
                if grow {
                    out.iter_mut()
                        .zip(line)
                        .for_each(|(o, &v)| *o = (*o).max(v));
                } else {
                    out.iter_mut()
                        .zip(line)
                        .for_each(|(o, &v)| *o = (*o).min(v));
                }
            }
        }
    }
}

/// Reusable buffers of [`sliding_extreme`].
#[derive(Default)]
struct Scratch1d {
    padded: Vec<u8>,
    pre: Vec<u8>,
    suf: Vec<u8>,
}

/// Max (or min) over the window `[i - half, i + half]` of each position; outside is 0.
/// Van Herk / Gil-Werman: block prefix and suffix extremes, O(1) per position.
fn sliding_extreme(line: &[u8], half: usize, grow: bool, out: &mut [u8], sc: &mut Scratch1d) {
    let n = line.len();
    let k = 2 * half + 1;
    let pick = |a: u8, b: u8| if grow { a.max(b) } else { a.min(b) };
    // Padded with `half` zeros on both sides (transparent outside).
    sc.padded.clear();
    sc.padded.resize(half, 0);
    sc.padded.extend_from_slice(line);
    sc.padded.resize(n + 2 * half, 0);
    let m = sc.padded.len();
    sc.pre.resize(m, 0);
    sc.suf.resize(m, 0);
    let (p, pre, suf) = (&sc.padded, &mut sc.pre, &mut sc.suf);
    // Extremes from each block's start (pre) and to each block's end (suf), blocks of k.
    for (src, dst) in p.chunks(k).zip(pre.chunks_mut(k)) {
        let mut acc = src[0];
        for (d, &v) in dst.iter_mut().zip(src) {
            acc = pick(acc, v);
            *d = acc;
        }
    }
    for (src, dst) in p.chunks(k).zip(suf.chunks_mut(k)) {
        let mut acc = src[src.len() - 1];
        for (d, &v) in dst.iter_mut().zip(src).rev() {
            acc = pick(acc, v);
            *d = acc;
        }
    }
    for (i, o) in out.iter_mut().enumerate().take(n) {
        // Window in padded coordinates: [i, i + k - 1].
        *o = pick(suf[i], pre[i + k - 1]);
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
    fn disk_dilation_is_round() {
        let (w, h) = (21, 21);
        let mut buf = vec![0u8; w * h];
        buf[10 * w + 10] = 255;
        morph(&mut buf, w, h, 6);
        assert_eq!(buf[10 * w + 16], 255);
        assert_eq!(buf[16 * w + 10], 255);
        assert_eq!(
            buf[15 * w + 15],
            0,
            "the corner of the square window is outside the disk"
        );
        assert_eq!(buf[14 * w + 14], 255);
    }

    #[test]
    fn morph_grows_and_shrinks() {
        let mut buf = vec![0u8; 9];
        buf[4] = 255;
        morph(&mut buf, 3, 3, 1);
        assert_eq!(
            buf.iter().filter(|&&v| v == 255).count(),
            5,
            "a plus: the radius-1 disk"
        );
        morph(&mut buf, 3, 3, -1);
        assert_eq!(buf.iter().filter(|&&v| v == 255).count(), 1);
    }
}
