//! Font directories: where the CLI and the worker find font files.
//!
//! Input: directories to scan (the user's `--fonts` first, then, unless disabled, the
//! system's). Output: a [`FontBook`] that reads them the first time text needs a font.
//! Guarantees: this is the only place fonts are read from disk; unreadable files and
//! directories are skipped (the book still ends with the embedded Inter); earlier
//! directories win when two files have the same PostScript name.

use std::path::{Path, PathBuf};

use crate::text::{FontBook, FontLoader};

/// Extensions of font files.
const FONT_EXTENSIONS: [&str; 4] = ["ttf", "otf", "ttc", "otc"];

/// The usual system font directories of Linux, macOS and Windows.
pub fn system_font_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![
        PathBuf::from("/usr/share/fonts"),
        PathBuf::from("/usr/local/share/fonts"),
        PathBuf::from("/Library/Fonts"),
        PathBuf::from("/System/Library/Fonts"),
        PathBuf::from("C:\\Windows\\Fonts"),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.insert(0, home.join(".fonts"));
        dirs.insert(0, home.join(".local/share/fonts"));
    }
    dirs
}

/// A book over `dirs` (scanned lazily, recursively, in order).
pub fn font_book(dirs: Vec<PathBuf>) -> FontBook {
    FontBook::with_loader(move |loader| {
        for dir in &dirs {
            load_dir(dir, loader, 0);
        }
    })
}

fn load_dir(dir: &Path, loader: &mut FontLoader, depth: usize) {
    // Deep trees are not font directories; stop runaway symlink loops too.
    if depth > 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            load_dir(&p, loader, depth + 1);
        } else if is_font_file(&p) {
            if let Ok(bytes) = std::fs::read(&p) {
                loader.add(bytes);
            }
        }
    }
}

fn is_font_file(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| FONT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::FontRequest;

    #[test]
    fn finds_fixture_fonts_by_postscript_name() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/fonts");
        let book = font_book(vec![dir]);
        for ps in ["Inter-Regular", "Inter-Bold", "Inter-Italic"] {
            let c = book.choose(&FontRequest::from_names(ps, None, None));
            assert!(c.substitution.is_none(), "{ps}: {:?}", c.substitution);
        }
        // No bold italic: CSS matching keeps the slant first (Inter-Italic) and says so.
        let c = book.choose(&FontRequest::from_names("Inter-BoldItalic", None, None));
        let info = book.database().face(c.id).expect("face");
        assert_eq!(info.post_script_name, "Inter-Italic");
        assert!(c.substitution.is_some() && !c.synthetic_italic);
    }
}
