//! Morphology on 1-channel coverage: growing or shrinking an outline's coverage with a round
//! window (shadow spread, effect strokes).
//!
//! Input: a coverage buffer and a signed radius. Output: the buffer dilated (`r > 0`) or
//! eroded (`r < 0`) in place. Guarantees: a disk window, so offsets of curved and cornered
//! outlines stay round; outside the buffer counts as transparent; each result depends only
//! on the inputs inside its window, so bands agree byte for byte.

/// Grows (`r > 0`) or shrinks (`r < 0`) a 1-channel coverage buffer by `|r|` pixels with a
/// round (disk) window, so offsets of curved and cornered outlines stay round. Outside the
/// buffer counts as transparent. Cost: `O(w · h · r)` via one sliding max/min per disk row.
pub(crate) fn morph(buf: &mut [u8], w: usize, h: usize, r: i32) {
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
