//! The progress bar of runs that write several files (a manifest, `--layer`, `--outputs`).
//!
//! Input: how many files a run writes, then each one as it is written. Output: a bar on
//! stderr (done, total, elapsed, the last file) while stderr is a terminal and the run is not
//! `--quiet`; nothing otherwise, so logs and pipes see only the plain lines. Guarantee: the
//! messages printed through [`Progress::line`] appear above the bar, never torn by it.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` files, drawn only when stderr is a terminal and `quiet` is off.
    pub(crate) fn new(total: usize, quiet: bool) -> Progress {
        if quiet || total < 2 || !std::io::stderr().is_terminal() {
            return Progress::none();
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {wide_msg}")
        {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// No bar: lines go straight to stderr.
    pub(crate) fn none() -> Progress {
        Progress { bar: None }
    }

    /// Prints `text` on stderr, above the bar.
    pub(crate) fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    /// Counts one file written (or failed), naming it.
    pub(crate) fn advance(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(name.to_owned());
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
