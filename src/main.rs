//! The `octopus-render` command line.
//!
//! Input: arguments, document and manifest files. Output: PNG files, warnings on stderr, an
//! exit code by blame (0 ok, 1 I/O or internal, 2 usage, 3 invalid input, 4 limits,
//! 5 unsupported). Guarantee: a bad document never panics; it exits non-zero with the JSON
//! path and layer id of the problem.

mod cli;
mod cli_assets;
mod cli_image;
mod cli_layers;
mod cost_cmd;

use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
