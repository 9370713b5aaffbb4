//! The band planner: horizontal bands rendered in parallel into disjoint slices.
//!
//! Input: a [`PreparedScene`] scene, a band height and a chunk of rows. Output: those rows of the
//! image, premultiplied RGBA8. Guarantees: each band owns a disjoint `&mut` slice of the
//! chunk (`par_chunks_mut`), so no locking; a band draws only the nodes whose pixel bounds
//! touch it; the same closure runs sequentially or in parallel, and because every pixel's
//! value depends only on the scene and that pixel's coordinates, the bytes are identical for
//! any thread count and band height.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::raster::cancel::Cancel;
use crate::raster::composite::surface::Surface;
use crate::raster::draw::draw_indexed;
use crate::raster::draw::scratch::Scratch;
use crate::raster::prepare::PreparedScene;
use crate::raster::rect::IRect;

/// Renders rows `y0..y0 + chunk.len() / (4 · width)` into `chunk`, band by band;
/// `zeroed` says the chunk is already transparent (a fresh allocation need not be cleared
/// again, a reused chunk buffer must be).
pub(super) fn render_rows(
    prep: &PreparedScene,
    pool: &ScratchPool,
    band_height: usize,
    y0: u32,
    chunk: &mut [u8],
    zeroed: bool,
    cancel: &Arc<Cancel>,
) {
    let row_bytes = prep.width as usize * 4;
    if row_bytes == 0 {
        return;
    }
    let band_bytes = band_height.max(1) * row_bytes;
    // Scratch memory is pooled across bands and chunks: fresh pages cost more than drawing.
    chunk
        .par_chunks_mut(band_bytes)
        .enumerate()
        .for_each(|(i, band)| {
            // A cancelled render starts no more bands (the caller reports the cancellation).
            if cancel.check() {
                return;
            }
            let mut sc = take_scratch(pool);
            sc.backdrops = Some(prep.backdrops.clone());
            sc.wide = Some(prep.wide.clone());
            sc.cancel = Some(Arc::clone(cancel));
            let top = y0 as i32 + (i * band_height.max(1)) as i32;
            if !zeroed {
                band.fill(0);
            }
            render_band(prep, &mut sc, top, band);
            give_scratch(pool, sc);
        });
}

/// Scratch buffers shared by the bands of renders.
pub(super) type ScratchPool = Mutex<Vec<Scratch>>;

/// The process-wide pool: renders reuse the buffers of earlier ones (fresh pages cost a
/// page fault and a clear each, more than drawing into warm memory).
static SHARED: ScratchPool = Mutex::new(Vec::new());

/// Most bytes one pooled scratch keeps between renders; a scratch grown past it by an
/// unusually wide group is dropped instead, so an outlier job does not pin its memory.
const KEEP_BYTES: usize = 32 << 20;

/// The process-wide scratch pool.
pub(super) fn shared_pool() -> &'static ScratchPool {
    &SHARED
}

fn take_scratch(pool: &ScratchPool) -> Scratch {
    pool.lock()
        .map(|mut p| p.pop())
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn give_scratch(pool: &ScratchPool, mut sc: Scratch) {
    sc.backdrops = None;
    sc.wide = None;
    sc.cancel = None;
    if sc.retained_bytes() > KEEP_BYTES {
        return;
    }
    if let Ok(mut p) = pool.lock() {
        p.push(sc);
    }
}

/// Renders one band starting at absolute row `top` onto `band` (transparent or not).
pub(super) fn render_band(prep: &PreparedScene, sc: &mut Scratch, top: i32, band: &mut [u8]) {
    let rows = band.len() / (prep.width as usize * 4);
    let rect = IRect::new(0, top, prep.width as i32, top + rows as i32);
    let mut surface = Surface { data: band, rect };
    sc.raster.pattern = prep.pattern;
    draw_indexed(sc, &prep.nodes, &prep.rows, &mut surface, rect);
}

/// The band height to use: the requested one, or for 0: with effects, one that keeps the
/// rows re-rendered around them (twice the largest margin) small next to the band itself;
/// for a map (see [`is_map`]) one band per thread, within [`MAP_MAX_BAND_BYTES`]; else
/// [`PLAIN_BAND_BYTES`] of rows.
pub(crate) fn band_height(prep: &PreparedScene, height: u32, requested: usize) -> usize {
    if requested > 0 {
        return requested;
    }
    let margin = prep.max_margin().max(0) as usize;
    if margin > 0 {
        return (margin * 4).clamp(128, 512);
    }
    let row_bytes = (prep.width as usize * 4).max(1);
    if !is_map(prep.long_list_rows(MAP_MIN_NODES)) {
        return plain_rows(row_bytes);
    }
    let most = (MAP_MAX_BAND_BYTES / row_bytes).max(128);
    let threads = rayon::current_num_threads().max(1);
    (height as usize).div_ceil(threads).clamp(128, most)
}

/// Bytes of pixels in a band of a scene without effects: every node that crosses the band
/// composites into its rows, which stay in a core's L2 cache at this size (on `synth big`,
/// 8000 px wide, 16 or 32 rows a band ran 5-15% faster than 128 at one thread, and two
/// threads gave 1.9-2.0x instead of 1.8x; on `typical`, 1440 px wide, 64 to 128 rows were
/// best; a map keeps one band per thread, see [`is_map`]).
const PLAIN_BAND_BYTES: usize = 512 << 10;

/// Fewest rows of a band without effects: each band visits the row index of every long
/// list and the lines of every outline crossing it, so very wide frames take bands taller
/// than their bytes alone would ask.
const PLAIN_MIN_ROWS: usize = 16;

/// Most rows of a band without effects: narrow frames still split into bands for threads.
const PLAIN_MAX_ROWS: usize = 128;

/// The rows of a band without effects whose rows are `row_bytes` long.
fn plain_rows(row_bytes: usize) -> usize {
    (PLAIN_BAND_BYTES / row_bytes.max(1)).clamp(PLAIN_MIN_ROWS, PLAIN_MAX_ROWS)
}

/// Top-level lists at least this long can be maps: their prepared outlines (a few hundred
/// bytes a node) no longer fit in the caches.
const MAP_MIN_NODES: usize = 16_384;

/// Most rows a map's node spans on average.
const MAP_MAX_MEAN_ROWS: i64 = 32;

/// Largest band of a map, in bytes of pixels (also the streamed chunk, so it bounds memory).
const MAP_MAX_BAND_BYTES: usize = 16 << 20;

/// True for a scene of many small nodes (a map, a scatter plot): each band draws a sparse
/// subset of the node list, so short bands read the prepared outlines out of memory at
/// scattered addresses; one band per thread reads them in order, and the prefetcher keeps
/// up (measured on `synth worldmap`, one thread: 8-17% faster; on scenes of large
/// overlapping shapes, short bands that stay in cache are faster).
fn is_map(rows: &[[i32; 2]]) -> bool {
    if rows.len() < MAP_MIN_NODES {
        return false;
    }
    let spanned: i64 = rows.iter().map(|r| i64::from(r[1] - r[0]).max(0)).sum();
    spanned <= MAP_MAX_MEAN_ROWS * rows.len() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_bands_fit_the_cache_within_their_row_limits() {
        // 8000 px (`big`): the floor; 1440 px (`typical`): within the bytes; narrow: the cap.
        assert_eq!(plain_rows(8000 * 4), PLAIN_MIN_ROWS);
        let typical = plain_rows(1440 * 4);
        assert!(
            typical * 1440 * 4 <= PLAIN_BAND_BYTES && typical > 64,
            "{typical}"
        );
        assert_eq!(plain_rows(300 * 4), PLAIN_MAX_ROWS);
        assert_eq!(plain_rows(0), PLAIN_MAX_ROWS);
    }

    #[test]
    fn many_short_nodes_make_a_map() {
        let small = vec![[10, 19]; MAP_MIN_NODES];
        assert!(is_map(&small));
        // Too few nodes, or nodes too tall on average (large overlapping shapes).
        assert!(!is_map(&small[1..]));
        let mut tall = small.clone();
        tall[0] = [0, 10 + 32 * MAP_MIN_NODES as i32];
        assert!(!is_map(&tall));
        // Empty rows (nodes outside the canvas) count as nothing.
        assert!(is_map(&vec![[50, 40]; MAP_MIN_NODES]));
    }
}
