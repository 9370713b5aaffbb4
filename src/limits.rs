//! The limits one render is held to, in one value.
//!
//! Input: nothing (defaults), or a tier's figures from the worker, or `--max-pixels` from the
//! CLI. Output: [`Limits`], read by the parser's caller (document bytes), the scene builder
//! (path segments, nodes, decoded image pixels per image and in all, effect reach) and the rasteriser (output
//! pixels). Guarantee: every check happens before the allocation it protects, and a document
//! over any limit fails with [`crate::Error::Limit`] (blame `Limits`: the worker escalates it
//! to a bigger tier) naming the limit and where it was exceeded.

/// What one render may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document JSON, in bytes.
    pub document_bytes: usize,
    /// Most output pixels (width times height at the render scale).
    pub output_pixels: u64,
    /// Most path segments in the whole document.
    pub path_segments: usize,
    /// Most layers in the whole document (component instances included).
    pub nodes: usize,
    /// Most pixels of one decoded bitmap (or rasterised SVG image); a larger one is skipped
    /// with a diagnostic.
    pub image_pixels: u64,
    /// Most pixels of all the bitmaps one render decodes (4 bytes each, held for the whole
    /// render), checked from each image's header before it is decoded.
    pub decoded_pixels: u64,
    /// How far one layer's effects may reach beyond it, in output pixels (a blur or shadow
    /// wider than this is over the limit: its cost grows with the reach).
    pub effect_reach: u32,
}

impl Limits {
    /// The defaults of the command line and of [`crate::RenderConfig`]: a local render on a
    /// workstation, generous but bounded.
    pub const DEFAULT: Limits = Limits {
        document_bytes: 512 << 20,
        output_pixels: 1 << 28,
        path_segments: 20_000_000,
        nodes: 2_000_000,
        image_pixels: 100_000_000,
        decoded_pixels: 500_000_000,
        effect_reach: 4096,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
