//! Component overrides (spec 3.6 `overrides`): changes applied to a referenced component's
//! layers before it is built.
//!
//! Input: the component document as a JSON value and the reference's overrides. Output: the
//! value with every applicable change made, and a message for each change that could not
//! be (the caller reports them). Guarantees: changes apply in order; a change never panics
//! or aborts the others; a target path that continues into a nested COMPONENT_REFERENCE is
//! handed to that reference as an override of its own, so nested instances work the same.
//!
//! Semantics (the spec leaves them open; these follow the reference renderer's editing
//! rules, docs/rendering.md §11): `target` is the path of layer ids from the component down, each id
//! searched below the previous one. Subjects: LAYER, SHAPE and TEXT take PROPERTY_CHANGE
//! (the values' fields replace the layer's, its `shape`'s or its `text`'s); FILL, STROKE and
//! EFFECT address `fills`/`strokes`/`effects[index]` with PROPERTY_CHANGE (merge), REPLACE
//! (`values.fill|stroke|effect`), INSERT (at `index`, or appended) and REMOVE; STROKE_FILL and
//! EFFECT_FILL address the stroke's `fill` and the overlay effect's `overlay`; the *_FILTER
//! subjects address that element's `filters[filterIndex]` with `values.filter`.

use octopus_schema::{Change, Override};
use serde_json::{Map, Value};

/// Applies `overrides` to `component` (a whole Octopus document); returns the problems.
pub(super) fn apply_overrides(component: &mut Value, overrides: &[Override]) -> Vec<String> {
    let mut problems = Vec::new();
    for (oi, ov) in overrides.iter().enumerate() {
        let Some(content) = component.get_mut("content") else {
            problems.push("the component has no content".into());
            return problems;
        };
        match find_target(content, &ov.target) {
            Target::Layer(layer) => {
                for (ci, ch) in ov.changes.iter().enumerate() {
                    if let Err(e) = apply_change(layer, ch) {
                        problems.push(format!("overrides[{oi}].changes[{ci}]: {e}"));
                    }
                }
            }
            Target::Nested(reference, rest) => {
                let nested = serde_json::json!({
                    "target": rest,
                    "changes": ov.changes.iter().map(change_json).collect::<Vec<_>>(),
                });
                match reference.as_object_mut() {
                    Some(obj) => match obj.entry("overrides").or_insert(Value::Array(Vec::new())) {
                        Value::Array(a) => a.push(nested),
                        _ => problems
                            .push(format!("overrides[{oi}]: nested `overrides` is not a list")),
                    },
                    None => problems.push(format!(
                        "overrides[{oi}]: nested reference is not an object"
                    )),
                }
            }
            Target::Missing => problems.push(format!(
                "overrides[{oi}]: no layer {:?} in the component",
                ov.target
            )),
        }
    }
    problems
}

enum Target<'a> {
    Layer(&'a mut Value),
    /// A nested component reference and the ids left for inside it.
    Nested(&'a mut Value, Vec<String>),
    Missing,
}

fn find_target<'a>(root: &'a mut Value, path: &[String]) -> Target<'a> {
    let Some((first, rest)) = path.split_first() else {
        return Target::Missing;
    };
    let Some(layer) = find_layer(root, first) else {
        return Target::Missing;
    };
    if rest.is_empty() {
        return Target::Layer(layer);
    }
    if layer.get("type").and_then(Value::as_str) == Some("COMPONENT_REFERENCE") {
        return Target::Nested(layer, rest.to_vec());
    }
    find_target(layer, rest)
}

/// Depth-first search for the layer `id` at or below `v` (children, mask).
fn find_layer<'a>(v: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    if v.get("id").and_then(Value::as_str) == Some(id) {
        return Some(v);
    }
    let obj = v.as_object_mut()?;
    let mut found = None;
    for (key, child) in obj.iter_mut() {
        match (key.as_str(), child) {
            ("mask", c @ Value::Object(_)) => found = find_layer(c, id),
            ("layers", Value::Array(items)) => {
                found = items.iter_mut().find_map(|c| find_layer(c, id));
            }
            _ => {}
        }
        if found.is_some() {
            break;
        }
    }
    found
}

fn change_json(c: &Change) -> Value {
    let mut m = Map::new();
    m.insert("subject".into(), c.subject.clone().into());
    m.insert("op".into(), c.op.clone().into());
    if let Some(i) = c.index {
        m.insert("index".into(), i.into());
    }
    if let Some(i) = c.filter_index {
        m.insert("filterIndex".into(), i.into());
    }
    m.insert("values".into(), Value::Object(c.values.clone()));
    Value::Object(m)
}

fn apply_change(layer: &mut Value, ch: &Change) -> Result<(), String> {
    let op = ch.op.as_str();
    match ch.subject.as_str() {
        "LAYER" => merge_into(layer, &ch.values, op),
        "SHAPE" => merge_into(field(layer, "shape")?, &ch.values, op),
        "TEXT" => merge_into(field(layer, "text")?, &ch.values, op),
        "FILL" => list_change(fills_of(layer)?, ch, "fill"),
        "STROKE" => list_change(array(field(layer, "shape")?, "strokes")?, ch, "stroke"),
        "EFFECT" => list_change(array(layer, "effects")?, ch, "effect"),
        "STROKE_FILL" => {
            let stroke = element(array(field(layer, "shape")?, "strokes")?, ch.index)?;
            sub_change(stroke, "fill", ch)
        }
        "EFFECT_FILL" => {
            let effect = element(array(layer, "effects")?, ch.index)?;
            sub_change(effect, "overlay", ch)
        }
        "FILL_FILTER" => {
            let fill = element(fills_of(layer)?, ch.index)?;
            list_change_at(array(fill, "filters")?, ch, "filter", ch.filter_index)
        }
        "STROKE_FILL_FILTER" => {
            let stroke = element(array(field(layer, "shape")?, "strokes")?, ch.index)?;
            let fill = field(stroke, "fill")?;
            list_change_at(array(fill, "filters")?, ch, "filter", ch.filter_index)
        }
        "EFFECT_FILL_FILTER" => {
            let effect = element(array(layer, "effects")?, ch.index)?;
            let fill = field(effect, "overlay")?;
            list_change_at(array(fill, "filters")?, ch, "filter", ch.filter_index)
        }
        other => Err(format!("unknown override subject {other:?}")),
    }
}

/// The fills of a shape layer, or of a text layer's default style.
fn fills_of(layer: &mut Value) -> Result<&mut Vec<Value>, String> {
    if layer.get("text").is_some() {
        let style = field(field(layer, "text")?, "defaultStyle")?;
        return array(style, "fills");
    }
    array(field(layer, "shape")?, "fills")
}

fn field<'a>(v: &'a mut Value, key: &str) -> Result<&'a mut Value, String> {
    v.get_mut(key)
        .filter(|x| x.is_object())
        .ok_or_else(|| format!("the target has no `{key}`"))
}

fn array<'a>(v: &'a mut Value, key: &str) -> Result<&'a mut Vec<Value>, String> {
    let obj = v.as_object_mut().ok_or("the target is not an object")?;
    match obj.entry(key).or_insert(Value::Array(Vec::new())) {
        Value::Array(a) => Ok(a),
        _ => Err(format!("`{key}` is not a list")),
    }
}

fn element(list: &mut [Value], index: Option<usize>) -> Result<&mut Value, String> {
    let i = index.ok_or("the change needs an `index`")?;
    let n = list.len();
    list.get_mut(i)
        .ok_or_else(|| format!("index {i} is out of range (the list has {n})"))
}

fn merge_into(target: &mut Value, values: &Map<String, Value>, op: &str) -> Result<(), String> {
    if op != "PROPERTY_CHANGE" {
        return Err(format!("{op} is not defined for this subject"));
    }
    let obj = target
        .as_object_mut()
        .ok_or("the target is not an object")?;
    for (k, v) in values {
        obj.insert(k.clone(), v.clone());
    }
    Ok(())
}

fn list_change(list: &mut Vec<Value>, ch: &Change, key: &str) -> Result<(), String> {
    list_change_at(list, ch, key, ch.index)
}

fn list_change_at(
    list: &mut Vec<Value>,
    ch: &Change,
    key: &str,
    index: Option<usize>,
) -> Result<(), String> {
    let value = || {
        ch.values
            .get(key)
            .cloned()
            .ok_or_else(|| format!("{} needs `values.{key}`", ch.op))
    };
    match ch.op.as_str() {
        "PROPERTY_CHANGE" => {
            let mut values = ch.values.clone();
            values.remove(key);
            merge_into(element(list, index)?, &values, "PROPERTY_CHANGE")
        }
        "REPLACE" => {
            let v = value()?;
            *element(list, index)? = v;
            Ok(())
        }
        "INSERT" => {
            let v = value()?;
            match index {
                Some(i) if i <= list.len() => list.insert(i, v),
                Some(i) => {
                    return Err(format!(
                        "index {i} is out of range (the list has {})",
                        list.len()
                    ))
                }
                None => list.push(v),
            }
            Ok(())
        }
        "REMOVE" => {
            element(list, index)?;
            list.remove(index.unwrap_or(0));
            Ok(())
        }
        other => Err(format!("unknown override op {other:?}")),
    }
}

/// A change to an object-valued field (a stroke's `fill`, an overlay's fill).
fn sub_change(parent: &mut Value, key: &str, ch: &Change) -> Result<(), String> {
    match ch.op.as_str() {
        "PROPERTY_CHANGE" => {
            let mut values = ch.values.clone();
            values.remove("fill");
            merge_into(field(parent, key)?, &values, "PROPERTY_CHANGE")
        }
        "REPLACE" => {
            let v = ch
                .values
                .get("fill")
                .cloned()
                .ok_or("REPLACE needs `values.fill`")?;
            let obj = parent
                .as_object_mut()
                .ok_or("the target is not an object")?;
            obj.insert(key.to_owned(), v);
            Ok(())
        }
        other => Err(format!("{other} is not defined for this subject")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component() -> Value {
        serde_json::json!({"content": {"id": "root", "type": "GROUP", "layers": [
            {"id": "bg", "type": "SHAPE", "shape": {"fills": [{"type": "COLOR", "color": {"r": 1, "g": 0, "b": 0, "a": 1}}]}},
            {"id": "label", "type": "TEXT", "text": {"value": "Button", "defaultStyle": {"fills": []}}},
            {"id": "inner", "type": "COMPONENT_REFERENCE", "componentId": "icon"}
        ]}})
    }

    fn ov(json: &str) -> Vec<Override> {
        serde_json::from_str(json).expect("overrides")
    }

    #[test]
    fn applies_layer_text_fill_changes_and_reports_bad_ones() {
        let mut c = component();
        let problems = apply_overrides(
            &mut c,
            &ov(r#"[
            {"target": ["label"], "changes": [{"subject": "TEXT", "op": "PROPERTY_CHANGE", "values": {"value": "OK"}}]},
            {"target": ["bg"], "changes": [
                {"subject": "FILL", "op": "PROPERTY_CHANGE", "index": 0, "values": {"visible": false}},
                {"subject": "FILL", "op": "INSERT", "values": {"fill": {"type": "COLOR", "color": {"r": 0, "g": 0, "b": 1, "a": 1}}}},
                {"subject": "LAYER", "op": "PROPERTY_CHANGE", "values": {"opacity": 0.5}},
                {"subject": "FILL", "op": "REMOVE", "index": 7}]},
            {"target": ["nope"], "changes": []}
        ]"#),
        );
        let layers = &c["content"]["layers"];
        assert_eq!(layers[1]["text"]["value"], "OK");
        assert_eq!(layers[0]["shape"]["fills"][0]["visible"], false);
        assert_eq!(layers[0]["shape"]["fills"][1]["color"]["b"], 1);
        assert_eq!(layers[0]["opacity"], 0.5);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("index 7") && problems[1].contains("nope"));
    }

    #[test]
    fn paths_into_nested_references_become_their_overrides() {
        let mut c = component();
        let problems = apply_overrides(
            &mut c,
            &ov(r#"[{"target": ["inner", "glyph"],
            "changes": [{"subject": "LAYER", "op": "PROPERTY_CHANGE", "values": {"visible": false}}]}]"#),
        );
        assert!(problems.is_empty());
        let nested = &c["content"]["layers"][2]["overrides"][0];
        assert_eq!(nested["target"][0], "glyph");
        assert_eq!(nested["changes"][0]["values"]["visible"], false);
    }
}
