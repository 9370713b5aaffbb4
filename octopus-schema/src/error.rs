//! Path-aware parse errors.
//!
//! Input: bytes that failed to deserialise. Output: a [`ParseError`] naming the JSON path
//! (`content.layers[3].shape.fills[0].color`), the innermost layer id on that path, and the
//! line and column. Guarantee: building the error never panics, even on invalid JSON; the
//! path tracking and the layer id lookup re-read the input only on the error path, so
//! success costs nothing extra.

use std::fmt;

/// Why a document or manifest could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// JSON path of the offending value, `.` for the root.
    pub path: String,
    /// Id of the innermost layer on `path`, when it could be found.
    pub layer_id: Option<String>,
    /// What is wrong (serde's message, without the position).
    pub message: String,
    /// 1-based line of the error, 0 when unknown.
    pub line: usize,
    /// 1-based column of the error, 0 when unknown.
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        if let Some(id) = &self.layer_id {
            write!(f, " (layer id {id:?})")?;
        }
        if self.line > 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Deserialises `bytes` as `T`, turning failures into a [`ParseError`].
///
/// Valid input is read once without tracking the JSON path (tracking costs about a third
/// of the parse); only a failure is read again with tracking to say where it went wrong.
pub fn parse_with_path<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ParseError> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(_) => parse_tracking_path(bytes),
    }
}

/// Deserialises `bytes` as `T` while tracking the JSON path, for the error.
fn parse_tracking_path<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let layer_id = innermost_layer_id(bytes, &path);
        from_json_error(&inner, elide(&path), layer_id)
    })?;
    de.end()
        .map_err(|e| from_json_error(&e, ".".into(), None))?;
    Ok(value)
}

fn from_json_error(e: &serde_json::Error, path: String, layer_id: Option<String>) -> ParseError {
    ParseError {
        message: strip_position(&e.to_string()),
        line: e.line(),
        column: e.column(),
        path,
        layer_id,
    }
}

/// A path of more than 16 steps (a document nested as deep as the parser allows) as its
/// first and last 6 steps and a count of those between, so a message stays readable.
fn elide(path: &str) -> String {
    const KEEP: usize = 6;
    let steps: Vec<&str> = path.split('.').collect();
    if steps.len() <= 16 {
        return path.to_owned();
    }
    format!(
        "{}.<{} more levels>.{}",
        steps[..KEEP].join("."),
        steps.len() - 2 * KEEP,
        steps[steps.len() - KEEP..].join(".")
    )
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// Walks `path` through the input and returns the id of the deepest layer object on it.
fn innermost_layer_id(bytes: &[u8], path: &str) -> Option<String> {
    let root: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let mut node = &root;
    let mut found = None;
    for step in split_path(path) {
        node = match step {
            Step::Key(k) => node.get(k)?,
            Step::Index(i) => node.get(i)?,
        };
        if let Some(id) = layer_id_of(node) {
            found = Some(id.to_owned());
        }
    }
    found
}

/// A layer is an object with a string `id` and a string `type` other than the root's.
fn layer_id_of(v: &serde_json::Value) -> Option<&str> {
    let kind = v.get("type")?.as_str()?;
    if kind == "OCTOPUS_COMPONENT" {
        return None;
    }
    v.get("id")?.as_str()
}

#[cfg(test)]
mod elide_tests {
    #[test]
    fn deep_paths_keep_both_ends() {
        let deep = vec!["layers[0]"; 100].join(".");
        let short = super::elide(&format!("content.{deep}.id"));
        assert_eq!(
            short,
            "content.layers[0].layers[0].layers[0].layers[0].layers[0].<90 more levels>.\
             layers[0].layers[0].layers[0].layers[0].layers[0].id"
        );
        assert_eq!(super::elide("a.b[1].c"), "a.b[1].c");
    }
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Splits `a.b[3].c` into steps; keys containing `.` or `[` are not produced by the model.
fn split_path(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            steps.push(Step::Key(key));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                steps.push(Step::Index(i));
            }
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Document;

    #[test]
    fn error_names_path_and_layer() {
        let doc = br#"{"id":"d","content":{"id":"root","type":"GROUP","layers":[
            {"id":"a","type":"SHAPE","shape":{"fills":[{"type":"COLOR","color":{"r":"red","g":0,"b":0,"a":1}}]}}]}}"#;
        let e = parse_with_path::<Document>(doc).unwrap_err();
        assert_eq!(e.path, "content.layers[0].shape.fills[0].color.r");
        assert_eq!(e.layer_id.as_deref(), Some("a"));
        assert!(e.line >= 1);
        assert!(e.to_string().contains("layer id \"a\""), "{e}");
    }

    #[test]
    fn invalid_json_is_an_error_without_layer() {
        let e = parse_with_path::<Document>(b"{\"id\": ").unwrap_err();
        assert_eq!(e.layer_id, None);
    }

    #[test]
    fn trailing_garbage_is_rejected() {
        assert!(parse_with_path::<Document>(br#"{"id":"d"} x"#).is_err());
    }

    #[test]
    fn a_top_level_non_object_says_what_it_found() {
        for (json, found) in [
            (&b"[]"[..], "an array"),
            (b" \n null", "null"),
            (b"42", "a number"),
            (b"\"doc\"", "a string"),
        ] {
            let e = crate::parse_document(json).unwrap_err();
            assert_eq!(e.path, ".");
            let msg = e.to_string();
            assert!(
                msg.contains("must be a JSON object") && msg.contains(found),
                "{msg}"
            );
        }
        assert!(crate::parse_manifest(b"[1]").is_err());
    }
}
