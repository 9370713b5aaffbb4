//! Where a group's content can be: per row, the merged x-intervals of its children's rects.
//!
//! Input: the pixel rects of a group's children and the region being drawn. Output: for any
//! row, the disjoint, sorted spans that some child rect covers. Guarantee: every pixel a
//! child can change lies in a span (children change only pixels inside their rect), so an
//! offscreen group buffer needs clearing and compositing only there: a group of scattered
//! cards over a whole screen costs its cards, not the screen.

use crate::raster::rect::IRect;

/// The children's rects clipped to a region, sorted by left edge.
#[derive(Debug, Default)]
pub(crate) struct Occupancy {
    rects: Vec<IRect>,
    spans: Vec<(i32, i32)>,
}

impl Occupancy {
    /// Collects `rects` clipped to `region`.
    pub(crate) fn new(rects: impl Iterator<Item = IRect>, region: IRect) -> Occupancy {
        let mut rects: Vec<IRect> = rects
            .map(|r| r.intersect(&region))
            .filter(|r| !r.is_empty())
            .collect();
        rects.sort_by_key(|r| r.x0);
        Occupancy {
            rects,
            spans: Vec::new(),
        }
    }

    /// The merged spans `(x0, x1)` of row `y`, left to right, disjoint and not touching.
    pub(crate) fn row(&mut self, y: i32) -> &[(i32, i32)] {
        self.spans.clear();
        for r in &self.rects {
            if y < r.y0 || y >= r.y1 {
                continue;
            }
            match self.spans.last_mut() {
                Some(last) if r.x0 <= last.1 => last.1 = last.1.max(r.x1),
                _ => self.spans.push((r.x0, r.x1)),
            }
        }
        &self.spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_and_touching_rects_merge_per_row() {
        let region = IRect::new(0, 0, 100, 10);
        let mut s = Occupancy::new(
            [
                IRect::new(50, 0, 60, 5),
                IRect::new(10, 2, 20, 8),
                IRect::new(15, 0, 30, 3),
                IRect::new(30, 1, 40, 2),
                IRect::new(90, 0, 120, 10),
            ]
            .into_iter(),
            region,
        );
        assert_eq!(s.row(0), &[(15, 30), (50, 60), (90, 100)]);
        assert_eq!(s.row(1), &[(15, 40), (50, 60), (90, 100)]);
        assert_eq!(s.row(2), &[(10, 30), (50, 60), (90, 100)]);
        assert_eq!(s.row(6), &[(10, 20), (90, 100)]);
        assert_eq!(s.row(9), &[(90, 100)]);
    }
}
