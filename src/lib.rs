//! octopus-render: Octopus 3 design documents to PNG, fast.
//!
//! Data flows one way: [`octopus_schema`] parses and validates, [`scene`] builds the
//! normalised render tree, [`raster`] rasterises it in parallel bands, [`output`] encodes PNG.
//! The core does no I/O of its own: [`render`] works on bytes in memory; the CLI (and later
//! the worker) reads and writes files. Errors carry a [`Blame`] that decides what a caller
//! does with a failed job; features not rendered exactly leave [`Diagnostic`]s.

pub mod assets;
pub mod cost;
pub mod diag;
pub mod error;
pub mod fontdirs;
pub mod fuzzing;
pub mod handoff;
pub mod limits;
pub mod output;
pub mod procfs;
pub mod raster;
pub mod render;
pub mod scene;
#[cfg(feature = "bench-scenes")]
pub mod synth;
pub mod text;
#[cfg(feature = "worker")]
pub mod worker;

pub use assets::{AssetResolver, MemoryAssets, NoAssets};
pub use diag::{DiagKind, Diagnostic};
pub use error::{Blame, BudgetKind, Error, Result};
pub use limits::Limits;
pub use raster::Antialias;
pub use render::{
    load_scene, render_document, render_encoded_owned, render_png, render_png_owned,
    render_scene_encoded, RenderConfig, Rendered, StageTimes,
};
pub use text::FontBook;
