//! What the renderer does with each optional field of the spec: a *use* per field.
//!
//! A field is `Drawn` when a small document renders differently with it than without it
//! (the test checks), `Reported` when setting it leaves a diagnostic that names it (the test
//! checks), `Enum` when the enum walk covers its values (the test checks it is an enum), and
//! `Elsewhere` when it does not change pixels or another test covers it, with the reason.

use serde_json::{json, Value};

use super::sites::{backdrop, doc, rect, shape, solid, stroke, text};

/// How one optional field is used.
pub(crate) enum Use {
    /// `base` with `value` set at the object `at` (a JSON pointer) draws differently than
    /// with the field removed there.
    Drawn(Value, &'static str, Value),
    /// Setting `value` at `at` in `base` is reported by a diagnostic naming the field.
    Reported(Value, &'static str, Value),
    /// An enum: the enum walk checks its values.
    Enum,
    /// Not drawn by design, or covered by another test; why.
    Elsewhere(&'static str),
}

/// The backdrop and one red square with a blue centred stroke (layer 2).
pub(crate) fn square(extra: Value) -> Value {
    let mut layers = backdrop();
    layers.push(shape(
        "s",
        rect(16.0, 12.0, 80.0, 52.0),
        json!([solid(0.8, 0.2, 0.2, 1.0)]),
        extra,
    ));
    doc(json!(layers))
}

const SQUARE: &str = "/content/layers/2";

pub(crate) fn plain_square() -> Value {
    square(json!({"strokes": [stroke("CENTER", json!({}))]}))
}

fn shadowed_square() -> Value {
    square(json!({"effects": [{"type": "DROP_SHADOW", "basis": "BODY",
        "shadow": {"offset": {"x": 4, "y": 4}, "blur": 3, "choke": 0,
        "color": {"r": 0, "g": 0, "b": 0, "a": 0.8}}}]}))
}

fn blurred_square(kind: &str) -> Value {
    square(json!({"effects": [{"type": kind, "blur": 3}]}))
}

fn path_square(path: Value) -> Value {
    let mut d = plain_square();
    d["content"]["layers"][2]["shape"]["path"] = path;
    d
}

fn filled_square(fill: Value) -> Value {
    let mut d = square(json!({}));
    d["content"]["layers"][2]["shape"]["fills"] = json!([fill]);
    d
}

fn gradient(stop0: Value) -> Value {
    json!({"type": "GRADIENT", "gradient": {"type": "LINEAR", "stops": [stop0,
        {"position": 1, "color": {"r": 1, "g": 1, "b": 1, "a": 1}}]},
        "positioning": {"layout": "FILL", "origin": "LAYER", "transform": [64, 0, 0, 40, 0, 0]}})
}

fn image_fill() -> Value {
    json!({"type": "IMAGE", "image": {"ref": {"type": "RESOURCE_REF", "value": "photo"}},
        "positioning": {"layout": "STRETCH", "origin": "LAYER", "transform": [64, 0, 0, 40, 0, 0]}})
}

fn with_filter() -> Value {
    let mut f = image_fill();
    f["filters"] = json!([{"type": "OPACITY_MULTIPLIER", "opacity": 0.3}]);
    filled_square(f)
}

/// A text layer at the top left (layer 0).
pub(crate) fn words(text_fields: Value, style_fields: Value) -> Value {
    doc(json!([text(
        "Ab 0 To\u{2029}Vo",
        text_fields,
        style_fields
    )]))
}

pub(crate) const TEXT: &str = "/content/layers/0/text";
pub(crate) const STYLE: &str = "/content/layers/0/text/defaultStyle";

fn mask_group() -> Value {
    let mask = shape(
        "m",
        rect(16.0, 8.0, 80.0, 56.0),
        json!([solid(1.0, 1.0, 1.0, 0.5)]),
        json!({}),
    );
    let content = shape(
        "c",
        rect(0.0, 0.0, 96.0, 64.0),
        json!([solid(0.2, 0.4, 0.9, 1.0)]),
        json!({}),
    );
    doc(
        json!([{"id": "mg", "type": "MASK_GROUP", "maskBasis": "BODY", "mask": mask,
        "layers": [content]}]),
    )
}

const META: &str = "metadata about the source tool; it never changes pixels";
const OVERRIDES: &str = "component overrides: tests/reference (components) replaces each \
    field of a change on the layer it names, and the layer's own fields are walked here";

/// The use of every optional field, by `$defs` name and property.
pub(crate) fn uses() -> Vec<(&'static str, &'static str, Use)> {
    use Use::*;
    let fs = || shadowed_square();
    vec![
        ("Change", "*", Elsewhere(OVERRIDES)),
        ("ChangeValues", "*", Elsewhere(OVERRIDES)),
        ("ComponentReferenceLayer", "overrides", Elsewhere(OVERRIDES)),
        ("CompoundPath", "op", Enum),
        (
            "CompoundPath",
            "geometry",
            Drawn(
                path_square(json!({"type": "COMPOUND", "op": "UNION",
                    "paths": [rect(16.0, 12.0, 80.0, 52.0)]})),
                "/content/layers/2/shape/path",
                json!("M0 0H20V20H0Z"),
            ),
        ),
        (
            "EffectBackgroundBlur",
            "filters",
            Reported(
                blurred_square("BACKGROUND_BLUR"),
                "/content/layers/2/effects/0",
                json!([{"type": "OPACITY_MULTIPLIER", "opacity": 0.5}]),
            ),
        ),
        (
            "EffectBlur",
            "filters",
            Reported(
                blurred_square("BLUR"),
                "/content/layers/2/effects/0",
                json!([{"type": "OPACITY_MULTIPLIER", "opacity": 0.5}]),
            ),
        ),
        (
            "EffectBoundedBlur",
            "filters",
            Reported(
                blurred_square("BOUNDED_BLUR"),
                "/content/layers/2/effects/0",
                json!([{"type": "OPACITY_MULTIPLIER", "opacity": 0.5}]),
            ),
        ),
        (
            "EffectGaussianBlur",
            "filters",
            Reported(
                blurred_square("GAUSSIAN_BLUR"),
                "/content/layers/2/effects/0",
                json!([{"type": "OPACITY_MULTIPLIER", "opacity": 0.5}]),
            ),
        ),
        (
            "EffectBase",
            "visible",
            Drawn(fs(), "/content/layers/2/effects/0", json!(false)),
        ),
        ("EffectBase", "blendMode", Enum),
        (
            "EffectDropShadow",
            "meta",
            Elsewhere("ShadowMeta: the converter already wrote a glow as this shadow"),
        ),
        (
            "EffectInnerShadow",
            "meta",
            Elsewhere("ShadowMeta: the converter already wrote a glow as this shadow"),
        ),
        (
            "ShadowMeta",
            "isGlow",
            Elsewhere("the converter already wrote the glow as the shadow it describes"),
        ),
        (
            "FillBase",
            "visible",
            Drawn(
                plain_square(),
                "/content/layers/2/shape/fills/0",
                json!(false),
            ),
        ),
        ("FillBase", "blendMode", Enum),
        (
            "FillImage",
            "filters",
            Drawn(
                with_filter(),
                "/content/layers/2/shape/fills/0",
                json!([{"type": "OPACITY_MULTIPLIER", "opacity": 0.3}]),
            ),
        ),
        (
            "FillPositioning",
            "transform",
            Drawn(
                filled_square(image_fill()),
                "/content/layers/2/shape/fills/0/positioning",
                json!([64, 0, 0, 40, 16, 12]),
            ),
        ),
        (
            "Font",
            "family",
            Drawn(
                words(
                    json!({}),
                    json!({"font": {"postScriptName": "Unknown-Face", "style": "Bold"}}),
                ),
                "/content/layers/0/text/defaultStyle/font",
                json!("Inter"),
            ),
        ),
        (
            "Font",
            "style",
            Drawn(
                words(
                    json!({}),
                    json!({"font": {"postScriptName": "Unknown", "family": "Inter"}}),
                ),
                "/content/layers/0/text/defaultStyle/font",
                json!("Bold"),
            ),
        ),
        (
            "Font",
            "syntheticPostScriptName",
            Elsewhere(
                "the PostScript name is looked up first either way; a made-up one that \
                 names no installed face falls through to family and style",
            ),
        ),
        ("GradientColorStop", "interpolation", Enum),
        (
            "GradientColorStop",
            "interpolationParameter",
            Drawn(
                filled_square(gradient(json!({"position": 0,
                    "color": {"r": 0, "g": 0, "b": 0, "a": 1}, "interpolation": "POWER"}))),
                "/content/layers/2/shape/fills/0/gradient/stops/0",
                json!(3),
            ),
        ),
        (
            "Image",
            "subsection",
            Drawn(
                filled_square(image_fill()),
                "/content/layers/2/shape/fills/0/image",
                json!({"x0": 0, "y0": 0, "x1": 2, "y1": 2}),
            ),
        ),
        (
            "ImageFilterBase",
            "visible",
            Drawn(
                with_filter(),
                "/content/layers/2/shape/fills/0/filters/0",
                json!(false),
            ),
        ),
        ("LayerBase", "name", Elsewhere("a label for people")),
        ("LayerBase", "meta", Elsewhere(META)),
        (
            "LayerBase",
            "visible",
            Drawn(plain_square(), SQUARE, json!(false)),
        ),
        (
            "LayerBase",
            "transform",
            Drawn(plain_square(), SQUARE, json!([1, 0, 0, 1, 5, 3])),
        ),
        (
            "LayerBase",
            "opacity",
            Drawn(plain_square(), SQUARE, json!(0.4)),
        ),
        ("LayerBase", "blendMode", Enum),
        (
            "LayerBase",
            "effects",
            Drawn(
                plain_square(),
                SQUARE,
                fs()["content"]["layers"][2]["effects"].clone(),
            ),
        ),
        ("LayerBase", "featureScale", Drawn(fs(), SQUARE, json!(3))),
        ("LayerMeta", "*", Elsewhere(META)),
        ("MetaOriginAdjustment", "adjustmentType", Elsewhere(META)),
        ("TransformMeta", "*", Elsewhere(META)),
        (
            "MaskGroupLayer",
            "maskChannels",
            Drawn(mask_group(), "/content/layers/0", json!([0, 0, 0, 0, 1])),
        ),
        // A version other than 3.x is reported (and read as 3.x).
        (
            "OctopusComponent",
            "version",
            Reported(plain_square(), "", json!("4.0.0")),
        ),
        (
            "OctopusComponent",
            "type",
            Elsewhere("OCTOPUS_COMPONENT is the only document type"),
        ),
        (
            "OctopusComponent",
            "dimensions",
            Drawn(plain_square(), "", json!({"width": 50, "height": 40})),
        ),
        (
            "OctopusComponent",
            "content",
            Drawn(plain_square(), "", plain_square()["content"].clone()),
        ),
        (
            "Path",
            "cornerRadii",
            Elsewhere(
                "per-vertex radii a PATH's geometry is already rounded by (as the \
                 reference renderer reads them)",
            ),
        ),
        ("Path", "meta", Elsewhere(META)),
        ("PathBase", "meta", Elsewhere(META)),
        (
            "PathBase",
            "transform",
            Drawn(
                plain_square(),
                "/content/layers/2/shape/path",
                json!([1, 0, 0, 1, 6, 0]),
            ),
        ),
        (
            "PathBase",
            "visible",
            Drawn(plain_square(), "/content/layers/2/shape/path", json!(false)),
        ),
        (
            "PathRectangle",
            "cornerRadius",
            Drawn(plain_square(), "/content/layers/2/shape/path", json!(10)),
        ),
    ]
    .into_iter()
    .chain(rectangle_and_shape())
    .chain(super::fields_text::text_fields())
    .chain(super::fields_text::stroke_fields())
    .collect()
}

fn rectangle_and_shape() -> Vec<(&'static str, &'static str, Use)> {
    use Use::*;
    let corners = "/content/layers/2/shape/path/rectangle";
    let sq = plain_square;
    vec![
        ("Rectangle", "x0", Drawn(sq(), corners, json!(16))),
        ("Rectangle", "y0", Drawn(sq(), corners, json!(12))),
        ("Rectangle", "x1", Drawn(sq(), corners, json!(80))),
        ("Rectangle", "y1", Drawn(sq(), corners, json!(52))),
        (
            "Shape",
            "path",
            Drawn(
                sq(),
                "/content/layers/2/shape",
                sq()["content"]["layers"][2]["shape"]["path"].clone(),
            ),
        ),
        ("Shape", "fillRule", Enum),
        (
            "Shape",
            "fills",
            Drawn(
                sq(),
                "/content/layers/2/shape",
                json!([solid(0.8, 0.2, 0.2, 1.0)]),
            ),
        ),
        (
            "Shape",
            "strokes",
            Drawn(
                sq(),
                "/content/layers/2/shape",
                json!([stroke("CENTER", json!({}))]),
            ),
        ),
    ]
}
