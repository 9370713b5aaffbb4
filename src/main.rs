//! The `octopus-render` command line.
//!
//! Input: arguments, document and manifest files. Output: PNG, JPEG or WebP files (or stdout), warnings on stderr, an
//! exit code by blame (0 ok, 1 I/O or internal, 2 usage, 3 invalid input, 4 limits,
//! 5 unsupported). Guarantee: a bad document never panics; it exits non-zero with the JSON
//! path and layer id of the problem.

mod cli;
mod cli_args;
mod cli_assets;
mod cli_files;
mod cli_image;
mod cli_outputs;
mod cli_progress;
mod cli_render;
mod cost_cmd;

use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
