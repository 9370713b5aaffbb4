//! The names of enum values this crate does not know, interned.
//!
//! Input: a string from the JSON that no open enum variant matches. Output: an
//! [`UnknownName`], two bytes, that reads back as the string. Guarantees: the same string
//! always gives the same name; memory stays bounded whatever the input (at most
//! [`MAX_NAMES`] distinct names of at most [`MAX_LEN`] bytes are kept for the life of the
//! process; later distinct ones read back as [`OVERFLOW`]).
//!
//! Why interned: a document of a hundred thousand layers holds a dozen enum values per
//! layer. Carried as a `String`, each open enum takes 24 bytes; as a two-byte id, the enums
//! shrink to two bytes and a layer's stroke from 256 bytes to about half of that.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

/// Most distinct unknown names kept.
pub(crate) const MAX_NAMES: usize = 1024;
/// Longest name kept, in bytes (longer ones are cut at a character boundary).
pub(crate) const MAX_LEN: usize = 64;
/// What a name reads back as once [`MAX_NAMES`] are taken.
pub(crate) const OVERFLOW: &str = "(an unknown value; too many distinct ones to name)";

/// An enum value's name from the document that the spec revision here does not define.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnknownName(u16);

#[derive(Default)]
struct Table {
    names: Vec<&'static str>,
    ids: HashMap<&'static str, u16>,
}

impl Table {
    /// The id of `s`, added while fewer than `cap` names are kept; `u16::MAX` after.
    fn intern(&mut self, s: &str, cap: usize) -> u16 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        if self.names.len() >= cap.min(u16::MAX as usize) {
            return u16::MAX;
        }
        // Leaked on purpose: at most MAX_NAMES * MAX_LEN bytes for the process's life.
        let kept: &'static str = Box::leak(s.to_owned().into_boxed_str());
        let id = self.names.len() as u16;
        self.names.push(kept);
        self.ids.insert(kept, id);
        id
    }

    fn name(&self, id: u16) -> &'static str {
        self.names.get(id as usize).copied().unwrap_or(OVERFLOW)
    }
}

fn table() -> &'static Mutex<Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE.get_or_init(Mutex::default)
}

impl UnknownName {
    /// The name of `s` (cut to `MAX_LEN` = 64 bytes).
    pub fn new(s: &str) -> UnknownName {
        let mut end = s.len().min(MAX_LEN);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        // A poisoned lock only means another thread panicked mid-insert; the table itself
        // is consistent (each insert is one push and one map entry).
        let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
        UnknownName(t.intern(&s[..end], MAX_NAMES))
    }

    /// The name as the document spelled it.
    pub fn as_str(&self) -> &'static str {
        table()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .name(self.0)
    }
}

impl fmt::Debug for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for UnknownName {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for UnknownName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_repeat() {
        let a = UnknownName::new("HYPER_BLEND");
        let b = UnknownName::new("HYPER_BLEND");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "HYPER_BLEND");
        assert_eq!(format!("{a:?}"), "\"HYPER_BLEND\"");
        assert_ne!(a, UnknownName::new("OTHER_BLEND"));
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary() {
        let long = "é".repeat(MAX_LEN);
        let n = UnknownName::new(&long);
        assert!(n.as_str().len() <= MAX_LEN);
        assert!(long.starts_with(n.as_str()));
    }

    #[test]
    fn a_table_is_bounded() {
        // A table of its own: the process-wide one is shared with the other tests.
        let mut t = Table::default();
        let ids: Vec<u16> = (0..5).map(|i| t.intern(&format!("v{i}"), 3)).collect();
        assert_eq!(ids, [0, 1, 2, u16::MAX, u16::MAX]);
        assert_eq!(t.intern("v1", 3), 1);
        assert_eq!(t.name(2), "v2");
        assert_eq!(t.name(u16::MAX), OVERFLOW);
    }
}
