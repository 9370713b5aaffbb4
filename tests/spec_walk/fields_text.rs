//! The uses of text and stroke fields (see `fields.rs`).

use serde_json::json;

use super::fields::{plain_square, square, words, Use, STYLE, TEXT};
use super::sites::{solid, stroke};

pub(crate) fn text_fields() -> Vec<(&'static str, &'static str, Use)> {
    use Use::*;
    let w = || words(json!({}), json!({}));
    let red = json!([solid(0.9, 0.1, 0.1, 1.0)]);
    vec![
        (
            "Text",
            "styles",
            Drawn(
                w(),
                TEXT,
                json!([{"style": {"fontSize": 20}, "ranges": [{"from": 0, "to": 2}]}]),
            ),
        ),
        (
            "Text",
            "transform",
            Drawn(w(), TEXT, json!([1, 0, 0, 1, 4, 3])),
        ),
        (
            "Text",
            "frame",
            Drawn(
                w(),
                TEXT,
                json!({"mode": "FIXED", "size": {"width": 20, "height": 40}}),
            ),
        ),
        (
            "Text",
            "lists",
            Drawn(
                w(),
                TEXT,
                json!([{"type": "BULLETED", "marker": "•", "index": 0,
                "style": {}, "paddingLeft": 12, "listIndent": 0}]),
            ),
        ),
        ("Text", "horizontalAlign", Enum),
        ("Text", "verticalAlign", Enum),
        ("Text", "overflowPolicy", Enum),
        (
            "TextFrame",
            "size",
            Drawn(
                words(json!({"frame": {"mode": "AUTO_HEIGHT"}}), json!({})),
                "/content/layers/0/text/frame",
                json!({"width": 20, "height": 10}),
            ),
        ),
        (
            "TextStyle",
            "font",
            Drawn(w(), STYLE, json!({"postScriptName": "Inter-Bold"})),
        ),
        ("TextStyle", "fontSize", Drawn(w(), STYLE, json!(20))),
        ("TextStyle", "lineHeight", Drawn(w(), STYLE, json!(26))),
        ("TextStyle", "letterSpacing", Drawn(w(), STYLE, json!(2))),
        ("TextStyle", "kerning", Drawn(w(), STYLE, json!(false))),
        (
            "TextStyle",
            "features",
            Drawn(w(), STYLE, json!([{"tag": "zero", "value": 1}])),
        ),
        ("TextStyle", "ligatures", Enum),
        ("TextStyle", "underline", Enum),
        ("TextStyle", "linethrough", Drawn(w(), STYLE, json!(true))),
        ("TextStyle", "superscript", Drawn(w(), STYLE, json!(true))),
        ("TextStyle", "subscript", Drawn(w(), STYLE, json!(true))),
        ("TextStyle", "letterCase", Enum),
        ("TextStyle", "fills", Drawn(w(), STYLE, red)),
        (
            "TextStyle",
            "strokes",
            Drawn(
                w(),
                STYLE,
                json!([stroke("OUTSIDE", json!({"thickness": 1}))]),
            ),
        ),
    ]
}

pub(crate) fn stroke_fields() -> Vec<(&'static str, &'static str, Use)> {
    use Use::*;
    let at = "/content/layers/2/shape/strokes/0";
    let dashed = || {
        square(
            json!({"strokes": [stroke("CENTER", json!({"style": "DASHED", "dashing": [6, 4]}))]}),
        )
    };
    // A stroke with its own outline: a square with a square hole of the same winding.
    let own = || {
        square(json!({"strokes": [stroke("CENTER", json!({"path":
            {"type": "PATH", "geometry": "M20 14H70V50H20Z M30 20H60V44H30Z"}}))]}))
    };
    vec![
        (
            "VectorStroke",
            "visible",
            Drawn(plain_square(), at, json!(false)),
        ),
        (
            "VectorStroke",
            "miterLimit",
            Drawn(plain_square(), at, json!(1)),
        ),
        (
            "VectorStroke",
            "dashing",
            Drawn(
                square(json!({"strokes": [stroke("CENTER", json!({"style": "DASHED"}))]})),
                at,
                json!([6, 4]),
            ),
        ),
        ("VectorStroke", "dashOffset", Drawn(dashed(), at, json!(3))),
        (
            "VectorStroke",
            "path",
            Drawn(
                plain_square(),
                at,
                json!({"type": "PATH", "geometry": "M4 4H30V30H4Z"}),
            ),
        ),
        (
            "VectorStroke",
            "fillRule",
            Drawn(own(), at, json!("NON_ZERO")),
        ),
    ]
}
