//! Walks every enum and every optional field of the Octopus spec
//! (`../shared/octopus-spec/octopus.bundled.json`) and fails on any value the renderer neither
//! honours nor reports, and on any field whose use is not recorded (`fields.rs`).
//!
//! Each enum is placed by a *site*: a small document with the value at one spot. A value is
//! honoured when its render differs from the site's baseline (the default value's render, or
//! the render without the feature), and reported when a diagnostic names the field or the
//! value. A made-up value must always be reported. An enum the spec gains later has no site
//! and fails the test until one is added (or it is listed as metadata, with the reason).

mod fields;
mod fields_text;
mod sites;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use octopus_render::{render_document, RenderConfig};
use serde_json::{json, Value};
use sites::{doc, site};
use support::*;

/// A value nobody defines, to check that unknown values are reported, not dropped.
const MADE_UP: &str = "NOT_IN_THE_SPEC";

/// Enums that mean nothing for the pixels, with why.
const METADATA: &[(&str, &str)] = &[
    (
        "$defs/Change/properties/subject",
        "component override plumbing: tests/reference designs",
    ),
    (
        "$defs/Change/properties/op",
        "component override plumbing: tests/reference designs",
    ),
    (
        "$defs/MetaOriginAdjustment/properties/type",
        "metadata: what Photoshop layer a shape came from",
    ),
    (
        "$defs/MetaOriginAdjustment/properties/adjustmentType",
        "metadata: the Photoshop adjustment kind",
    ),
    (
        "$defs/MetaOriginSmartObject/properties/type",
        "metadata: a Photoshop smart object's origin",
    ),
    (
        "$defs/Path/allOf/1/properties/meta/properties/sourceShape",
        "metadata: the tool's shape kind",
    ),
    (
        "$defs/LayerType",
        "the layer-type discriminator: every type has its own reference cases",
    ),
    (
        "$defs/EffectType",
        "the effect discriminator: walked as the effect site's `type`",
    ),
    (
        "$defs/FillType",
        "the fill discriminator: walked as the fill site's `type`",
    ),
    (
        "$defs/ImageFilterType",
        "the filter discriminator: walked as the filter site's `type`",
    ),
    (
        "$defs/PathType",
        "the path discriminator: walked as the path site's `type`",
    ),
];

/// Pixels and diagnostics (`kind path message`, lower case) of a document.
fn render(d: &Value) -> Result<(Vec<u8>, Vec<String>), String> {
    let bytes = d.to_string().into_bytes();
    render_document(&bytes, &RenderConfig::default(), assets())
        .map(|(img, diags)| {
            let notes = diags
                .iter()
                .map(|g| format!("{} {} {}", g.kind.as_str(), g.path, g.message).to_lowercase())
                .collect();
            (img.data, notes)
        })
        .map_err(|e| e.to_string())
}

/// The spec's enums of strings with more than one value, by schema path.
fn spec_enums() -> BTreeMap<String, Vec<String>> {
    let path = corpus().join("../octopus-spec/octopus.bundled.json");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: Value = serde_json::from_slice(&text).expect("the bundled spec is JSON");
    let mut out = BTreeMap::new();
    collect(&spec, String::new(), &mut out);
    out
}

fn collect(v: &Value, at: String, out: &mut BTreeMap<String, Vec<String>>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(values)) = m.get("enum") {
                let names: Vec<String> = values
                    .iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect();
                if names.len() > 1 {
                    out.insert(at.clone(), names);
                }
            }
            for (k, x) in m {
                let next = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}/{k}")
                };
                collect(x, next, out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                collect(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The field name an enum sits at (`$defs/Text/properties/overflowPolicy` -> `overflowpolicy`).
fn field(key: &str) -> String {
    if key.contains("TextListEntry") {
        // An entry's `type` is reported under its list path (`text.lists[0].type`).
        return "lists".into();
    }
    key.rsplit('/').next().unwrap_or(key).to_lowercase()
}

#[test]
fn every_spec_enum_value_is_honoured_or_reported() {
    let mut failures = Vec::new();
    let mut walked = 0;
    for (key, values) in spec_enums() {
        if METADATA.iter().any(|(k, _)| *k == key)
            || key.ends_with("/properties/type") && values.len() < 2
        {
            continue;
        }
        let Some((make, baseline)) = site(&key) else {
            if !key.contains("/allOf/") || !key.ends_with("/type") {
                failures.push(format!(
                    "{key}: no site places this enum (add one to tests/spec_walk.rs)"
                ));
            }
            continue;
        };
        let base = match baseline {
            Some(b) => render(&make(b)),
            None => render(&doc(json!([]))),
        };
        let (base_px, _) = match base {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{key}: the baseline does not render: {e}"));
                continue;
            }
        };
        let name = field(&key);
        for v in values.iter().map(String::as_str).chain([MADE_UP]) {
            if Some(v) == baseline {
                continue;
            }
            walked += 1;
            let (px, notes) = match render(&make(v)) {
                Ok(r) => r,
                // A refusal names what it refuses: that is a report.
                Err(e) if e.to_lowercase().contains(&v.to_lowercase()) => continue,
                Err(e) => {
                    failures.push(format!("{key} = {v}: fails without naming it: {e}"));
                    continue;
                }
            };
            let lower = v.to_lowercase();
            let reported = notes
                .iter()
                .any(|n| n.contains(&lower) || n.contains(&name));
            let honoured = px != base_px;
            if v == MADE_UP && !reported {
                failures.push(format!(
                    "{key}: an unknown value is not reported ({notes:?})"
                ));
            } else if !(honoured || reported) {
                failures.push(format!(
                    "{key} = {v}: renders like {baseline:?} and nothing is reported"
                ));
            }
        }
    }
    println!("{walked} values walked");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The spec's optional fields: `($defs name, property)`, with the property's schema.
fn spec_optional_fields() -> BTreeMap<(String, String), Value> {
    let path = corpus().join("../octopus-spec/octopus.bundled.json");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: Value = serde_json::from_slice(&text).expect("the bundled spec is JSON");
    let mut out = BTreeMap::new();
    for (name, def) in spec["$defs"].as_object().into_iter().flatten() {
        let mut parts = vec![def];
        parts.extend(def["allOf"].as_array().into_iter().flatten());
        for part in parts {
            let required: Vec<&str> = part["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (prop, schema) in part["properties"].as_object().into_iter().flatten() {
                if !required.contains(&prop.as_str()) {
                    out.insert((name.clone(), prop.clone()), schema.clone());
                }
            }
        }
    }
    out
}

/// True when a property's schema is an enum, directly or through one `$ref`.
fn is_enum(schema: &Value, spec_defs: &Value) -> bool {
    if schema.get("enum").is_some() {
        return true;
    }
    let target = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/$defs/"));
    target.is_some_and(|t| spec_defs[t].get("enum").is_some())
}

/// `base` with `prop` set to `value` (or removed) in the object at `at`.
fn patched(base: &Value, at: &str, prop: &str, value: Option<&Value>) -> Value {
    let mut d = base.clone();
    let Some(obj) = d.pointer_mut(at).and_then(Value::as_object_mut) else {
        panic!("no object at {at} in the site for {prop}");
    };
    match value {
        Some(v) => obj.insert(prop.to_owned(), v.clone()),
        None => obj.remove(prop),
    };
    d
}

#[test]
fn every_optional_spec_field_is_drawn_reported_or_explained() {
    let path = corpus().join("../octopus-spec/octopus.bundled.json");
    let spec: Value = serde_json::from_slice(&std::fs::read(&path).expect("spec")).expect("JSON");
    let uses = fields::uses();
    let mut failures = Vec::new();
    let fields = spec_optional_fields();
    for ((def, prop), schema) in &fields {
        let found = uses
            .iter()
            .find(|(d, p, _)| d == def && (p == prop || *p == "*"));
        let Some((_, _, usage)) = found else {
            failures.push(format!(
                "{def}.{prop}: no use recorded (add it to tests/spec_walk/fields.rs)"
            ));
            continue;
        };
        match usage {
            fields::Use::Enum if !is_enum(schema, &spec["$defs"]) => {
                failures.push(format!("{def}.{prop}: recorded as an enum, but is not one"));
            }
            fields::Use::Drawn(base, at, value) => {
                let with = render(&patched(base, at, prop, Some(value)));
                let without = render(&patched(base, at, prop, None));
                match (with, without) {
                    (Ok((a, _)), Ok((b, _))) if a != b => {}
                    (Ok((_, notes)), Ok(_)) => failures.push(format!(
                        "{def}.{prop}: draws the same with and without ({notes:?})"
                    )),
                    (a, b) => failures.push(format!(
                        "{def}.{prop}: does not render: {:?} / {:?}",
                        a.err(),
                        b.err()
                    )),
                }
            }
            fields::Use::Reported(base, at, value) => {
                let lower = prop.to_lowercase();
                match render(&patched(base, at, prop, Some(value))) {
                    Ok((_, notes)) if notes.iter().any(|n| n.contains(&lower)) => {}
                    other => failures.push(format!("{def}.{prop}: not reported: {other:?}")),
                }
            }
            fields::Use::Elsewhere(why) if why.trim().is_empty() => {
                failures.push(format!("{def}.{prop}: no reason given"));
            }
            _ => {}
        }
    }
    for (def, prop, _) in &uses {
        if *prop != "*" && !fields.contains_key(&(def.to_string(), prop.to_string())) {
            failures.push(format!("{def}.{prop}: recorded, but not an optional field"));
        }
    }
    println!("{} optional fields walked", fields.len());
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
