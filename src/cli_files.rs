//! Files the command line reads and writes: documents (or stdin), images written whole
//! through a temporary name (or to stdout), and safe file names.
//!
//! Input: paths, where `-` names stdin (a document) or stdout (an image). Output: the bytes
//! read, or the file written. Guarantees: a file is written under a temporary name beside
//! it and renamed only once the writer and the flush succeeded, so a failure never leaves a
//! truncated image (the temporary one is removed); stdout is written through one buffered
//! lock; a name made from an id holds only `A-Z a-z 0-9 - _ .`.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use octopus_render::{Error, Result};

/// True for the path `-` (stdin or stdout).
pub(crate) fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The document at `path`, or stdin for `-`.
pub(crate) fn read_document(path: &Path) -> Result<Vec<u8>> {
    if !is_std(path) {
        return fs::read(path).map_err(|e| Error::io(path, e));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("<stdin>", e))?;
    Ok(bytes)
}

/// Writes `out` with `write`: through a temporary file, or to stdout for `-`.
pub(crate) fn write_output<T>(
    out: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    if !is_std(out) {
        return write_through_temp(out, |w| write(w));
    }
    let mut w = BufWriter::new(std::io::stdout().lock());
    let r = write(&mut w)?;
    w.flush().map_err(|e| Error::io("<stdout>", e))?;
    Ok(r)
}

/// Writes `out` through a temporary name beside it, renamed once `write` and the flush
/// succeed, so a failure never leaves a truncated file (the temporary one is removed).
pub(crate) fn write_through_temp<T>(
    out: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> Result<T>,
) -> Result<T> {
    let tmp = temp_name(out);
    let file = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut writer = BufWriter::new(file);
    let written = write(&mut writer).and_then(|r| {
        writer.flush().map_err(|e| Error::io(&tmp, e))?;
        Ok(r)
    });
    drop(writer);
    match written {
        Ok(r) => {
            fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
            Ok(r)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn temp_name(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{}.tmp", std::process::id()));
    out.with_file_name(name)
}

/// A component or layer id as a safe file name (ids may contain `:` or `/`).
pub(crate) fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}
