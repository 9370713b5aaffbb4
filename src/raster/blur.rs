//! Blurs and morphology on 8-bit buffers: Gaussian approximated by three box passes.
//!
//! Input: an alpha (1 channel) or premultiplied RGBA (4 channels) buffer and a sigma or a
//! radius. Output: the buffer blurred, dilated or eroded in place. Guarantees: cost is the
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
/// square window (an approximation of the round offset of the outline).
pub fn morph(buf: &mut [u8], w: usize, h: usize, r: i32) {
    if r == 0 || w == 0 || h == 0 {
        return;
    }
    let grow = r > 0;
    let r = r.unsigned_abs() as usize;
    let pick = |a: u8, b: u8| if grow { a.max(b) } else { a.min(b) };
    let mut line = Vec::new();
    let mut tmp = Vec::new();
    let run = |line: &mut Vec<u8>, tmp: &mut Vec<u8>| {
        tmp.clear();
        tmp.extend_from_slice(line);
        for i in 0..line.len() {
            // Outside the buffer counts as transparent.
            let mut v = if !grow && (i < r || i + r >= tmp.len()) {
                0
            } else {
                tmp[i]
            };
            for &t in &tmp[i.saturating_sub(r)..(i + r + 1).min(tmp.len())] {
                v = pick(v, t);
            }
            line[i] = v;
        }
    };
    for y in 0..h {
        line.clear();
        line.extend_from_slice(&buf[y * w..(y + 1) * w]);
        run(&mut line, &mut tmp);
        buf[y * w..(y + 1) * w].copy_from_slice(&line);
    }
    for x in 0..w {
        line.clear();
        line.extend((0..h).map(|y| buf[y * w + x]));
        run(&mut line, &mut tmp);
        for (y, v) in line.iter().enumerate() {
            buf[y * w + x] = *v;
        }
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
    fn morph_grows_and_shrinks() {
        let mut buf = vec![0u8; 9];
        buf[4] = 255;
        morph(&mut buf, 3, 3, 1);
        assert!(buf.iter().all(|&v| v == 255));
        morph(&mut buf, 3, 3, -1);
        assert_eq!(buf.iter().filter(|&&v| v == 255).count(), 1);
    }
}
