//! Where each enum of the spec goes: a small document per value (a *site*), and the value
//! (or the empty frame) its render is compared with.

use serde_json::{json, Value};

/// The frame every site draws in.
pub(crate) fn doc(layers: Value) -> Value {
    json!({"id": "walk", "type": "OCTOPUS_COMPONENT", "version": "3.1.1",
        "dimensions": {"width": 96, "height": 64},
        "content": {"id": "root", "type": "GROUP", "layers": layers}})
}

pub(crate) fn solid(r: f64, g: f64, b: f64, a: f64) -> Value {
    json!({"type": "COLOR", "color": {"r": r, "g": g, "b": b, "a": a}})
}

pub(crate) fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"type": "RECTANGLE", "rectangle": {"x0": x0, "y0": y0, "x1": x1, "y1": y1}})
}

pub(crate) fn shape(id: &str, path: Value, fills: Value, extra: Value) -> Value {
    let mut l = json!({"id": id, "type": "SHAPE", "shape": {"path": path, "fills": fills}});
    if let (Some(l), Some(extra)) = (l.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            if k == "strokes" || k == "fillRule" {
                l["shape"][k] = v.clone();
            } else {
                l.insert(k.clone(), v.clone());
            }
        }
    }
    l
}

/// A light and a dark half behind whatever a site draws (blend modes show on one or both).
pub(crate) fn backdrop() -> Vec<Value> {
    vec![
        shape(
            "light",
            rect(0.0, 0.0, 48.0, 64.0),
            json!([solid(0.95, 0.95, 0.9, 1.0)]),
            json!({}),
        ),
        shape(
            "dark",
            rect(48.0, 0.0, 96.0, 64.0),
            json!([solid(0.05, 0.1, 0.1, 1.0)]),
            json!({}),
        ),
    ]
}

pub(crate) fn stroke(position: &str, extra: Value) -> Value {
    let mut s = json!({"fill": solid(0.1, 0.1, 0.6, 1.0), "position": position, "thickness": 6,
        "lineJoin": "MITER", "lineCap": "BUTT", "style": "SOLID"});
    if let (Some(s), Some(extra)) = (s.as_object_mut(), extra.as_object()) {
        s.extend(extra.clone());
    }
    s
}

/// A text layer in a 60 x 30 FIXED frame; `text` and `style` fields are merged in.
pub(crate) fn text(value: &str, text_fields: Value, style_fields: Value) -> Value {
    let mut style = json!({"font": {"postScriptName": "Inter-Regular", "family": "Inter"},
        "fontSize": 14, "fills": [solid(0.1, 0.1, 0.2, 1.0)]});
    if let (Some(s), Some(extra)) = (style.as_object_mut(), style_fields.as_object()) {
        s.extend(extra.clone());
    }
    let mut t = json!({"value": value, "defaultStyle": style, "baselinePolicy": "OFFSET_ASCENDER",
        "frame": {"mode": "FIXED", "size": {"width": 60, "height": 30}}});
    if let (Some(t), Some(extra)) = (t.as_object_mut(), text_fields.as_object()) {
        t.extend(extra.clone());
    }
    json!({"id": "t", "type": "TEXT", "transform": [1, 0, 0, 1, 8, 8], "text": t})
}

/// A path with two overlapping squares (booleans) or one inside the other (fill rules).
fn two_squares(op: &str) -> Value {
    json!({"type": "COMPOUND", "op": op, "paths": [rect(10.0, 10.0, 40.0, 40.0), rect(25.0, 20.0, 60.0, 55.0)]})
}

/// Where each enum's values go: the document for a value, and the baseline (the value whose
/// render the others are compared with; `None`: the document without the feature).
pub(crate) type Site = (fn(&str) -> Value, Option<&'static str>);

pub(crate) fn site(key: &str) -> Option<Site> {
    Some(match key {
        "$defs/BlendMode" => (
            |v| {
                let child = shape(
                    "c",
                    rect(16.0, 8.0, 80.0, 56.0),
                    json!([solid(0.9, 0.3, 0.1, 1.0)]),
                    json!({"blendMode": "MULTIPLY"}),
                );
                let g = json!({"id": "g", "type": "GROUP", "blendMode": v, "layers": [child]});
                let mut l = backdrop();
                l.push(g);
                doc(json!(l))
            },
            Some("NORMAL"),
        ),
        "$defs/BooleanOp" => (
            |v| {
                doc(json!([shape(
                    "b",
                    two_squares(v),
                    json!([solid(0.2, 0.4, 0.8, 1.0)]),
                    json!({})
                )]))
            },
            Some("UNION"),
        ),
        "$defs/EffectBasis" => (
            |v| {
                doc(json!([shape(
                    "s",
                    rect(16.0, 12.0, 64.0, 44.0),
                    json!([solid(0.9, 0.5, 0.1, 0.4)]),
                    json!({"strokes": [stroke("OUTSIDE", json!({}))], "effects": [{"type": "DROP_SHADOW", "basis": v,
                    "shadow": {"offset": {"x": 6, "y": 6}, "blur": 4, "choke": 0, "color": {"r": 0, "g": 0, "b": 0, "a": 0.8}}}]})
                )]))
            },
            Some("BODY"),
        ),
        "$defs/FillPositioning/properties/layout" => (
            |v| {
                doc(json!([shape(
                    "i",
                    rect(8.0, 8.0, 88.0, 56.0),
                    json!([{"type": "IMAGE",
                "image": {"ref": {"type": "RESOURCE_REF", "value": "photo"}},
                "positioning": {"layout": v, "origin": "LAYER", "transform": [40, 0, 0, 30, 0, 0]}}]),
                    json!({})
                )]))
            },
            Some("STRETCH"),
        ),
        "$defs/FillPositioning/properties/origin" => (
            |v| {
                let fill = json!({"type": "GRADIENT", "gradient": {"type": "LINEAR", "stops": [
                    {"position": 0, "color": {"r": 1, "g": 0, "b": 0, "a": 1}},
                    {"position": 1, "color": {"r": 0, "g": 0, "b": 1, "a": 1}}]},
                    "positioning": {"layout": "FILL", "origin": v, "transform": [40, 0, 0, 40, 0, 0]}});
                let s = shape(
                    "s",
                    rect(0.0, 0.0, 60.0, 40.0),
                    json!([fill]),
                    json!({"transform": [1, 0, 0, 1, 30, 16]}),
                );
                doc(
                    json!([{"id": "g", "type": "GROUP", "transform": [1, 0, 0, 1, -20, -8], "layers": [s]}]),
                )
            },
            Some("LAYER"),
        ),
        "$defs/FillRule" => (
            |v| {
                let p = json!({"type": "PATH", "geometry": "M8,8H88V56H8Z M24,20H72V44H24Z"});
                doc(json!([shape(
                    "f",
                    p,
                    json!([solid(0.2, 0.6, 0.3, 1.0)]),
                    json!({"fillRule": v})
                ),]))
            },
            Some("NON_ZERO"),
        ),
        "$defs/GradientColorStop/properties/interpolation" => (
            |v| {
                let fill = json!({"type": "GRADIENT", "gradient": {"type": "LINEAR", "stops": [
                    {"position": 0, "color": {"r": 0, "g": 0, "b": 0, "a": 1}, "interpolation": v, "interpolationParameter": 3},
                    {"position": 1, "color": {"r": 1, "g": 1, "b": 1, "a": 1}}]},
                    "positioning": {"layout": "FILL", "origin": "LAYER", "transform": [80, 0, 0, 48, 0, 0]}});
                doc(json!([shape(
                    "s",
                    rect(0.0, 0.0, 80.0, 48.0),
                    json!([fill]),
                    json!({"transform": [1, 0, 0, 1, 8, 8]})
                )]))
            },
            Some("LINEAR"),
        ),
        "$defs/GradientType" => (
            |v| {
                let fill = json!({"type": "GRADIENT", "gradient": {"type": v, "stops": [
                    {"position": 0, "color": {"r": 1, "g": 0.8, "b": 0, "a": 1}},
                    {"position": 1, "color": {"r": 0, "g": 0.2, "b": 1, "a": 1}}]},
                    "positioning": {"layout": "FILL", "origin": "LAYER", "transform": [40, 0, 0, 24, 40, 24]}});
                doc(json!([shape(
                    "s",
                    rect(0.0, 0.0, 96.0, 64.0),
                    json!([fill]),
                    json!({})
                )]))
            },
            Some("LINEAR"),
        ),
        "$defs/ImageRef/properties/type" => (
            |v| {
                let fill = json!({"type": "IMAGE", "image": {"ref": {"type": v, "value": "photo.png"}},
                    "positioning": {"layout": "STRETCH", "origin": "LAYER", "transform": [80, 0, 0, 48, 0, 0]}});
                doc(json!([shape(
                    "i",
                    rect(0.0, 0.0, 80.0, 48.0),
                    json!([fill]),
                    json!({"transform": [1, 0, 0, 1, 8, 8]})
                )]))
            },
            None,
        ),
        "$defs/MaskBasis" => (
            |v| {
                let mask = shape(
                    "m",
                    rect(20.0, 12.0, 76.0, 52.0),
                    json!([solid(1.0, 1.0, 1.0, 0.5)]),
                    json!({"strokes": [stroke("OUTSIDE", json!({}))]}),
                );
                let content = shape(
                    "c",
                    rect(0.0, 0.0, 96.0, 64.0),
                    json!([solid(0.8, 0.2, 0.3, 1.0)]),
                    json!({}),
                );
                doc(
                    json!([{"id": "mg", "type": "MASK_GROUP", "maskBasis": v, "mask": mask, "layers": [content]}]),
                )
            },
            Some("BODY"),
        ),
        "$defs/Stroke/properties/position" => (
            |v| {
                doc(json!([shape(
                    "s",
                    rect(24.0, 16.0, 72.0, 48.0),
                    json!([solid(0.9, 0.9, 0.2, 1.0)]),
                    json!({"strokes": [stroke(v, json!({}))]})
                )]))
            },
            Some("CENTER"),
        ),
        "$defs/VectorStroke/allOf/1/properties/style" => (
            |v| {
                doc(json!([shape(
                    "s",
                    rect(24.0, 16.0, 72.0, 48.0),
                    json!([]),
                    json!({"strokes": [stroke("CENTER", json!({"style": v, "thickness": 2}))]})
                )]))
            },
            Some("SOLID"),
        ),
        "$defs/VectorStroke/allOf/1/properties/lineJoin" => (
            |v| {
                doc(json!([shape(
                    "s",
                    json!({"type": "PATH", "geometry": "M10,54L48,10L86,54"}),
                    json!([]),
                    json!({"strokes": [stroke("CENTER", json!({"lineJoin": v, "thickness": 10}))]})
                )]))
            },
            Some("MITER"),
        ),
        "$defs/VectorStroke/allOf/1/properties/lineCap" => (
            |v| {
                doc(json!([shape(
                    "s",
                    json!({"type": "PATH", "geometry": "M24,32L72,32"}),
                    json!([]),
                    json!({"strokes": [stroke("CENTER", json!({"lineCap": v, "thickness": 12}))]})
                )]))
            },
            Some("BUTT"),
        ),
        "$defs/Text/properties/horizontalAlign" => (
            |v| {
                doc(json!([text(
                    "Wrap me into lines",
                    json!({"horizontalAlign": v}),
                    json!({})
                )]))
            },
            Some("LEFT"),
        ),
        "$defs/Text/properties/verticalAlign" => (
            |v| doc(json!([text("Hi", json!({"verticalAlign": v}), json!({}))])),
            Some("TOP"),
        ),
        "$defs/Text/properties/baselinePolicy" => (
            |v| {
                doc(json!([text(
                    "Hxg",
                    json!({"baselinePolicy": v}),
                    json!({"lineHeight": 26})
                )]))
            },
            Some("OFFSET_ASCENDER"),
        ),
        "$defs/Text/properties/overflowPolicy" => (
            |v| {
                doc(json!([text(
                    "One\u{2029}Two\u{2029}Three",
                    json!({"overflowPolicy": v}),
                    json!({"lineHeight": 12})
                )]))
            },
            Some("NO_OVERFLOW"),
        ),
        "$defs/TextFrame/properties/mode" => (
            |v| {
                doc(json!([text(
                    "Wrap me into lines",
                    json!({"frame": {"mode": v, "size": {"width": 40, "height": 20}}}),
                    json!({})
                )]))
            },
            Some("FIXED"),
        ),
        "$defs/TextListEntry/properties/type" => (
            |v| {
                doc(json!([text(
                    "Item",
                    json!({"lists": [{"type": v, "marker": "•", "index": 1, "paddingLeft": 10, "listIndent": 1}]}),
                    json!({})
                )]))
            },
            Some("EMPTY"),
        ),
        "$defs/TextStyle/properties/ligatures" => (
            |v| {
                doc(json!([text(
                    "fi !?",
                    json!({}),
                    json!({"ligatures": v, "fontSize": 20})
                )]))
            },
            Some("STANDARD"),
        ),
        "$defs/TextStyle/properties/underline" => (
            |v| doc(json!([text("Under", json!({}), json!({"underline": v}))])),
            Some("NONE"),
        ),
        "$defs/TextStyle/properties/letterCase" => (
            |v| {
                doc(json!([text(
                    "mIxed words",
                    json!({}),
                    json!({"letterCase": v})
                )]))
            },
            Some("NONE"),
        ),
        _ => return None,
    })
}
