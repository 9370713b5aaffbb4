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

/// Blurs `buf` (`channels` interleaved, `w × h`) with three box passes each way.
pub fn blur(buf: &mut [u8], w: usize, h: usize, channels: usize, radii: [usize; 3]) {
    if w == 0 || h == 0 || support(radii) == 0 {
        return;
    }
    let mut line = Vec::new();
    let mut tmp = Vec::new();
    for y in 0..h {
        let row = &mut buf[y * w * channels..(y + 1) * w * channels];
        for c in 0..channels {
            line.clear();
            line.extend(row.iter().skip(c).step_by(channels).copied());
            for r in radii {
                box_pass(&mut line, &mut tmp, r);
            }
            for (x, v) in line.iter().enumerate() {
                row[x * channels + c] = *v;
            }
        }
    }
    for x in 0..w {
        for c in 0..channels {
            line.clear();
            line.extend((0..h).map(|y| buf[(y * w + x) * channels + c]));
            for r in radii {
                box_pass(&mut line, &mut tmp, r);
            }
            for (y, v) in line.iter().enumerate() {
                buf[(y * w + x) * channels + c] = *v;
            }
        }
    }
}

/// One box pass of radius `r` with zero outside the line, rounding to nearest.
fn box_pass(line: &mut [u8], tmp: &mut Vec<u8>, r: usize) {
    if r == 0 {
        return;
    }
    let n = line.len();
    let win = (2 * r + 1) as u32;
    tmp.clear();
    tmp.extend_from_slice(line);
    let mut sum: u32 = tmp[..(r + 1).min(n)].iter().map(|&v| v as u32).sum();
    for (i, out) in line.iter_mut().enumerate() {
        *out = ((sum + win / 2) / win) as u8;
        if i + r + 1 < n {
            sum += tmp[i + r + 1] as u32;
        }
        if i >= r {
            sum -= tmp[i - r] as u32;
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
                for (o, &v) in out.iter_mut().zip(line) {
                    *o = if grow { (*o).max(v) } else { (*o).min(v) };
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
    for i in 0..m {
        pre[i] = if i % k == 0 {
            p[i]
        } else {
            pick(pre[i - 1], p[i])
        };
    }
    for i in (0..m).rev() {
        suf[i] = if i == m - 1 || (i + 1) % k == 0 {
            p[i]
        } else {
            pick(suf[i + 1], p[i])
        };
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
