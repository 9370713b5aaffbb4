//! The Octopus document root, `OctopusComponent` (S: `octopus-component.yaml`).
//!
//! Input: a whole document. Output: [`Document`]. Guarantee: only `id` is required, as in
//! the spec; a document without `content` parses (it renders as an empty frame).

use serde::Deserialize;

use crate::common::Dimensions;
use crate::layer::Layer;

/// One artboard or component (S: `OctopusComponent`).
#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    /// Equals the manifest component id.
    pub id: String,
    /// `OCTOPUS_COMPONENT` (formerly `ARTBOARD`).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Free-form format version ("3.1.1", "3.0.0-rc.5", ...).
    #[serde(default)]
    pub version: Option<String>,
    /// The render frame in design pixels.
    #[serde(default)]
    pub dimensions: Option<Dimensions>,
    /// The single root layer.
    #[serde(default)]
    pub content: Option<Layer>,
}

impl Document {
    /// The major format version, when `version` starts with a number.
    pub fn major_version(&self) -> Option<u32> {
        let v = self.version.as_deref()?;
        v.split(['.', '-']).next()?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_real_converters_parse() {
        for v in ["3.1.1", "3.0.0-webtoon-20230202", "3.0.0-rc.5", "3.6.0"] {
            let d: Document =
                serde_json::from_str(&format!(r#"{{"id":"a","version":"{v}"}}"#)).unwrap();
            assert_eq!(d.major_version(), Some(3));
        }
    }
}
