//! What a document needs besides itself: the images and components it references.
//!
//! Input: document JSON bytes. Output: [`References`], image keys and component ids in
//! first-seen order without repeats. Guarantees: one parse for both kinds; a document that
//! is not JSON has none (the render reports why); never panics on any input.

/// What a document needs besides itself.
#[derive(Debug, Default)]
pub struct References {
    /// Image keys (`image.ref.value` anywhere), first-seen order, no repeats.
    pub images: Vec<String>,
    /// Component ids of COMPONENT_REFERENCE layers, first-seen order, no repeats.
    pub components: Vec<String>,
}

/// Both kinds of reference of a document, from one parse. A document that is not JSON has
/// none (the render reports why).
pub fn references(json: &[u8]) -> References {
    let mut out = References::default();
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(json) else {
        return out;
    };
    let push = |list: &mut Vec<String>, s: Option<&str>| {
        if let Some(s) = s {
            if !list.iter().any(|k| k == s) {
                list.push(s.to_owned());
            }
        }
    };
    let mut stack = vec![&v];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(m) => {
                let image = m
                    .get("image")
                    .and_then(|i| i.get("ref"))
                    .and_then(|r| r.get("value"));
                push(&mut out.images, image.and_then(|s| s.as_str()));
                if m.get("type").and_then(|t| t.as_str()) == Some("COMPONENT_REFERENCE") {
                    push(
                        &mut out.components,
                        m.get("componentId").and_then(|s| s.as_str()),
                    );
                }
                stack.extend(m.values());
            }
            serde_json::Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    out
}

/// The image keys a document references (see [`references`]).
pub fn image_refs(json: &[u8]) -> Vec<String> {
    references(json).images
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_image_references_anywhere() {
        let json = br#"{"content": {"layers": [
            {"shape": {"fills": [{"type": "IMAGE", "image": {"ref": {"type": "PATH", "value": "a"}}}]}},
            {"mask": {"shape": {"fills": [{"image": {"ref": {"value": "b"}}}]}}},
            {"text": {"defaultStyle": {"fills": [{"image": {"ref": {"value": "a"}}}]}}}]}}"#;
        let mut refs = image_refs(json);
        refs.sort();
        assert_eq!(refs, ["a", "b"]);
        assert!(image_refs(b"not json").is_empty());
    }
}
