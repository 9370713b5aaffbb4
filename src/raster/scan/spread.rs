//! One row of one segment: its signed height spread over the accumulation cells it crosses.
//!
//! Input: the segment's left and right x within the row (relative to the region), its
//! signed height `d` and its rise per column. Output: additions to the row's cells (the
//! region's width and two spare cells on the right) whose prefix sum is the exact area
//! coverage of the row. Guarantees: the cells' additions sum to `d` (within rounding), and
//! depend only on the segment and the row, never on the region's height, so bands agree.

use crate::raster::scan::lesser;

/// Distributes a segment within one row (`d` = signed height) over the cells it crosses,
/// and returns the first and last cell it changed. Parts left of the region count fully
/// for its first cell; parts right of it do not count.
#[inline(always)]
pub(super) fn add_span(
    cells: &mut [f32],
    w: usize,
    xa: f32,
    xb: f32,
    d: f32,
    dydx: f32,
) -> Option<(usize, usize)> {
    let (mut xl, mut xr) = if xa < xb { (xa, xb) } else { (xb, xa) };
    let wf = w as f32;
    if xr <= 0.0 {
        cells[0] += d;
        return Some((0, 0));
    }
    if xl >= wf {
        return None;
    }
    let span = xr - xl;
    let mut d = d;
    if xl < 0.0 {
        let left = d * (-xl / span);
        cells[0] += left;
        d -= left;
        xl = 0.0;
    }
    if xr > wf {
        d *= (wf - xl) / (xr - xl);
        xr = wf;
    }
    spread(cells, xl, xr, d, dydx)
}

/// Distributes a segment's signed height `d` over the cells between `xl` and `xr`
/// (`0 <= xl <= xr <= w`; `dydx` is the segment's rise per column, unsigned): each cell
/// gets the part of `d` above it, split between the cell and the next by where that part's
/// mean x lies. Returns the first and last cell changed (or one more).
#[inline(always)]
pub(super) fn spread(
    cells: &mut [f32],
    xl: f32,
    xr: f32,
    d: f32,
    dydx: f32,
) -> Option<(usize, usize)> {
    // `xl >= 0`, where truncation is the floor. Indices stay `i32` until they index: a
    // float-to-`usize` cast (and back) costs a dozen instructions on x86-64, `i32` one.
    let i0 = xl as i32;
    let f0 = i0 as f32;
    let first = i0 as usize;
    if xr - f0 <= 2.0 {
        if let Some(three) = cells.get_mut(first..first + 3) {
            two_cells(three, xl, xr, f0, d, dydx);
            return Some((first, first + 2));
        }
    }
    if xr - f0 <= 1.0 {
        // Within the last cell (its right neighbour is the row's spare cell).
        let m = 0.5 * (xl + xr) - f0;
        if let Some([a, b]) = cells.get_mut(first..first + 2) {
            *a += d * (1.0 - m);
            *b += d * m;
        }
        return Some((first, first + 1));
    }
    let per_x = d / (xr - xl);
    let mut x = xl;
    // The left edge of the current cell, as a float: the same value `j as f32` would be.
    let mut left = f0;
    // What the last cell passed on to the next, kept in a register rather than stored and
    // read straight back.
    let mut carry = 0.0;
    let mut last = first;
    let mut rest = cells[first..].iter_mut();
    for cell in rest.by_ref() {
        let right = left + 1.0;
        let next = if right < xr { right } else { xr };
        let part = per_x * (next - x);
        let m = 0.5 * (x + next) - left;
        *cell += carry + part * (1.0 - m);
        carry = part * m;
        x = next;
        left = right;
        if x >= xr {
            break;
        }
        last += 1;
    }
    last += 1;
    if let Some(cell) = rest.next() {
        *cell += carry;
    }
    Some((first, last))
}

/// A segment within two cells of `f0` (`xr <= f0 + 2`) spread over the three cells from
/// `f0` without a branch: which of the two shapes a row takes is a coin toss along a map's
/// outlines, and a mispredicted branch cost more than the whole row. The segment splits at
/// the first cell's right edge (or its own end, when it stays in the cell); the part right
/// of the split is the rise over that width, at most all of `d`. Within one cell that part
/// is zero, and the result is the one-cell formula exactly.
#[inline(always)]
fn two_cells(cells: &mut [f32], xl: f32, xr: f32, f0: f32, d: f32, dydx: f32) {
    let right = f0 + 1.0;
    let split = if xr < right { xr } else { right };
    let tail = lesser((xr - split) * dydx, d.abs()).copysign(d);
    let head = d - tail;
    let m0 = 0.5 * (xl + split) - f0;
    let m1 = 0.5 * (split + xr) - right;
    if let [a, b, c] = cells {
        *a += head * (1.0 - m0);
        *b += head * m0 + tail * (1.0 - m1);
        *c += tail * m1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_cell_rows_match_the_exact_split() {
        // One cell: the one-cell formula to the bit. Two cells: the exact split, within
        // rounding, and the whole height handed out.
        let mut next = crate::raster::scan::unit_floats(0x2545_f491);
        for _ in 0..10_000 {
            let xl = 3.0 + 0.999 * next();
            let xr = xl + 1.9 * next() * next();
            let d = if next() < 0.5 { -next() } else { next() };
            let dydx = (d.abs() / (xr - xl)).min(f32::MAX);
            let mut fast = [0.0f32; 8];
            two_cells(&mut fast[3..6], xl, xr, 3.0, d, dydx);
            let mut slow = [0.0f32; 8];
            if xr <= 4.0 {
                let m = 0.5 * (xl + xr) - 3.0;
                slow[3] = d * (1.0 - m);
                slow[4] = d * m;
                assert_eq!(fast, slow, "{xl} {xr} {d}");
            } else {
                // The exact areas: the height splits at x = 4 in proportion to the widths.
                let per_x = d / (xr - xl);
                let (part, part1) = (per_x * (4.0 - xl), per_x * (xr - 4.0));
                let (m0, m1) = (0.5 * (xl + 4.0) - 3.0, 0.5 * (4.0 + xr) - 4.0);
                slow[3] = part * (1.0 - m0);
                slow[4] = part * m0 + part1 * (1.0 - m1);
                slow[5] = part1 * m1;
                for (f, s) in fast.iter().zip(slow) {
                    assert!((f - s).abs() < 1e-5, "{xl} {xr} {d}: {fast:?} {slow:?}");
                }
                assert!((fast.iter().sum::<f32>() - d).abs() < 1e-6);
            }
        }
    }
}
