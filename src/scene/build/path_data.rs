//! A fast reader for the common path-data grammar.
//!
//! Input: SVG path data. Output: the outline fed to a tiny-skia `PathBuilder`, or `None`
//! when the data uses what this reader leaves to svgtypes: arcs, smooth curves, exponents,
//! and anything malformed (svgtypes then reads it again and words the error).
//! Guarantee: for every input it accepts, the builder receives exactly the calls that
//! svgtypes' `SimplifyingPathParser` segments would make, from the same `f64` values (the
//! same numbers, the same relative-coordinate sums, the same implicit moves after a close).
//!
//! Why: converters write every vector as path data, and a map of 150,000 polygons spent
//! two fifths of its scene building in svgtypes, which finds each number's extent and then
//! parses it again with the standard library.

use tiny_skia_path::PathBuilder;

/// Powers of ten that `f64` holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The last kind of segment given to the builder (svgtypes' `prev_simple_seg`).
#[derive(Clone, Copy, PartialEq)]
enum Last {
    None,
    Move,
    Draw,
    Close,
}

/// Reads `data` into `pb`; `None` when svgtypes must read it instead (`pb` is then partly
/// filled and must be discarded).
pub(super) fn read_path_data(data: &str, pb: &mut PathBuilder) -> Option<()> {
    let mut r = Reader {
        b: data.as_bytes(),
        i: 0,
    };
    let mut prev_cmd: Option<u8> = None;
    let (mut px, mut py, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut last = Last::None;
    loop {
        r.skip_spaces();
        let Some(&c) = r.b.get(r.i) else {
            return Some(());
        };
        let (cmd, implicit) = match prev_cmd {
            None if c == b'M' || c == b'm' => (c, false),
            None => return None,
            Some(_) if is_cmd(c) => (c, false),
            Some(p) if is_number_start(c) => match p {
                b'Z' | b'z' => return None,
                b'M' => (b'L', true),
                b'm' => (b'l', true),
                _ => (p, false),
            },
            Some(_) => return None,
        };
        if is_cmd(c) {
            r.i += 1;
        }
        let rel = cmd.is_ascii_lowercase();
        let lower = cmd.to_ascii_lowercase();
        // A close followed by anything but a move or a close starts a subpath where the
        // last one started.
        if last == Last::Close && !matches!(lower, b'm' | b'z') {
            pb.move_to(mx as f32, my as f32);
            last = Last::Move;
        }
        let (ox, oy) = if rel { (px, py) } else { (0.0, 0.0) };
        match lower {
            b'm' => {
                let (mut x, mut y) = (r.list_number()?, r.list_number()?);
                if rel {
                    (x, y) = if last == Last::Close {
                        (x + mx, y + my)
                    } else {
                        (x + px, y + py)
                    };
                }
                pb.move_to(x as f32, y as f32);
                (px, py, mx, my) = (x, y, x, y);
                last = Last::Move;
            }
            b'l' | b'h' | b'v' => {
                let (x, y) = match lower {
                    b'l' => {
                        let (x, y) = (r.list_number()?, r.list_number()?);
                        (add(x, ox, rel), add(y, oy, rel))
                    }
                    b'h' => (add(r.list_number()?, ox, rel), py),
                    _ => (px, add(r.list_number()?, oy, rel)),
                };
                pb.line_to(x as f32, y as f32);
                (px, py) = (x, y);
                last = Last::Draw;
            }
            b'c' => {
                let mut v = [0.0f64; 6];
                for (k, slot) in v.iter_mut().enumerate() {
                    *slot = add(r.list_number()?, if k % 2 == 0 { ox } else { oy }, rel);
                }
                let [x1, y1, x2, y2, x, y] = v.map(|c| c as f32);
                pb.cubic_to(x1, y1, x2, y2, x, y);
                (px, py) = (v[4], v[5]);
                last = Last::Draw;
            }
            b'q' => {
                let mut v = [0.0f64; 4];
                for (k, slot) in v.iter_mut().enumerate() {
                    *slot = add(r.list_number()?, if k % 2 == 0 { ox } else { oy }, rel);
                }
                let [x1, y1, x, y] = v.map(|c| c as f32);
                pb.quad_to(x1, y1, x, y);
                (px, py) = (v[2], v[3]);
                last = Last::Draw;
            }
            b'z' => {
                // Repeated closes give one.
                if last != Last::Close {
                    pb.close();
                    (px, py) = (mx, my);
                    last = Last::Close;
                }
            }
            // Smooth curves and arcs.
            _ => return None,
        }
        prev_cmd = Some(if implicit {
            if rel {
                b'm'
            } else {
                b'M'
            }
        } else {
            cmd
        });
    }
}

/// `v + origin` for a relative coordinate (svgtypes adds in `f64`, as here).
#[inline]
fn add(v: f64, origin: f64, rel: bool) -> f64 {
    if rel {
        v + origin
    } else {
        v
    }
}

fn is_cmd(c: u8) -> bool {
    matches!(
        c.to_ascii_lowercase(),
        b'm' | b'z' | b'l' | b'h' | b'v' | b'c' | b's' | b'q' | b't' | b'a'
    )
}

fn is_number_start(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'.' | b'-' | b'+')
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn skip_spaces(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A number, then spaces and at most one comma.
    fn list_number(&mut self) -> Option<f64> {
        let n = self.number()?;
        self.skip_spaces();
        if self.b.get(self.i) == Some(&b',') {
            self.i += 1;
        }
        Some(n)
    }

    /// A number as svgtypes delimits it (sign, digits, fraction; exponents are left to
    /// svgtypes), valued as `f64::from_str` values it: exactly, since a mantissa under
    /// 2^53 and a power of ten up to 10^22 are both exact and one division rounds
    /// correctly; longer mantissas go to `f64::from_str` itself.
    fn number(&mut self) -> Option<f64> {
        self.skip_spaces();
        let start = self.i;
        let negative = match self.b.get(self.i) {
            Some(b'-') => {
                self.i += 1;
                true
            }
            Some(b'+') => {
                self.i += 1;
                false
            }
            _ => false,
        };
        let mut mantissa = 0u64;
        let mut exact = true;
        let int_digits = self.digits(&mut mantissa, &mut exact);
        let mut frac_digits = 0;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            frac_digits = self.digits(&mut mantissa, &mut exact);
        }
        if int_digits + frac_digits == 0 || matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            return None;
        }
        if exact && mantissa <= 1 << 53 && frac_digits < POW10.len() {
            let v = mantissa as f64 / POW10[frac_digits];
            return Some(if negative { -v } else { v });
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        text.parse::<f64>().ok().filter(|v| v.is_finite())
    }

    /// Skips a run of digits, accumulating them into `mantissa` while it fits (`exact`
    /// clears when it does not); returns how many there were.
    fn digits(&mut self, mantissa: &mut u64, exact: &mut bool) -> usize {
        let start = self.i;
        while let Some(&c) = self.b.get(self.i) {
            if !c.is_ascii_digit() {
                break;
            }
            match mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add((c - b'0') as u64))
            {
                Some(m) => *mantissa = m,
                None => *exact = false,
            }
            self.i += 1;
        }
        self.i - start
    }
}

#[cfg(test)]
#[path = "path_data_tests.rs"]
mod tests;
