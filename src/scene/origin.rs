//! The design tool a document was converted from.
//!
//! Input: the manifest's `origin.name` (`FIGMA`, `PHOTOSHOP`, `ILLUSTRATOR`, `XD`). Output:
//! an [`Origin`] that picks the tool's own look where the Octopus leaves it open
//! (Photoshop's paragraph boxes hide the lines that do not fit, for example).
//! Guarantees: an unknown or missing name is [`Origin::Unknown`], which follows the spec
//! alone.

/// The design tool a document was converted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Not known: the spec's behaviour everywhere.
    #[default]
    Unknown,
    /// Figma.
    Figma,
    /// Adobe Photoshop.
    Photoshop,
    /// Adobe Illustrator.
    Illustrator,
    /// Adobe XD.
    Xd,
}

impl Origin {
    /// The origin the manifest names (`origin.name`), case-insensitively.
    pub fn from_name(name: &str) -> Origin {
        match name.trim().to_ascii_uppercase().as_str() {
            "FIGMA" => Origin::Figma,
            "PHOTOSHOP" => Origin::Photoshop,
            "ILLUSTRATOR" => Origin::Illustrator,
            "XD" => Origin::Xd,
            _ => Origin::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_manifests_write_them() {
        assert_eq!(Origin::from_name("PHOTOSHOP"), Origin::Photoshop);
        assert_eq!(Origin::from_name("figma"), Origin::Figma);
        assert_eq!(Origin::from_name("SKETCH"), Origin::Unknown);
    }
}
