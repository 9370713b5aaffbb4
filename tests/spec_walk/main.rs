//! Walks every enum of the Octopus spec (`../shared/octopus-spec/octopus.bundled.json`) and
//! fails on any value the renderer neither honours nor reports.
//!
//! Each enum is placed by a *site*: a small document with the value at one spot. A value is
//! honoured when its render differs from the site's baseline (the default value's render, or
//! the render without the feature), and reported when a diagnostic names the field or the
//! value. A made-up value must always be reported. An enum the spec gains later has no site
//! and fails the test until one is added (or it is listed as metadata, with the reason).

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
