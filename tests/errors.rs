//! Bad input gives a clear error (JSON path, layer id) and never a panic; limits trip.

mod support;

use octopus_render::{render_document, Blame, DiagKind, Error, RenderConfig};

fn render(
    json: &str,
) -> Result<
    (
        octopus_render::raster::Image,
        Vec<octopus_render::Diagnostic>,
    ),
    Error,
> {
    render_document(json.as_bytes(), &RenderConfig::default(), support::assets())
}

fn err(json: &str) -> Error {
    match render(json) {
        Ok(_) => panic!("expected an error for {json}"),
        Err(e) => e,
    }
}

const HEAD: &str = r#"{"id":"d","dimensions":{"width":10,"height":10},"content":{"id":"root","type":"GROUP","layers":["#;

fn with_layers(layers: &str) -> String {
    format!("{HEAD}{layers}]}}}}")
}

#[test]
fn wrong_type_names_path_and_layer() {
    let e = err(&with_layers(
        r#"{"id":"a","type":"SHAPE","shape":{"fills":[{"type":"COLOR","color":{"r":1,"g":0,"b":0}}]}},
           {"id":"b","type":"SHAPE","shape":{"fills":[{"type":"COLOR","color":{"r":1,"g":"x","b":0,"a":1}}]}}"#,
    ));
    assert_eq!(e.blame(), Blame::Input);
    let msg = e.to_string();
    assert!(
        msg.contains("content.layers[1].shape.fills[0].color.g"),
        "{msg}"
    );
    assert!(msg.contains("layer id \"b\""), "{msg}");
}

#[test]
fn missing_payload_is_an_input_error() {
    let msg = err(&with_layers(
        r#"{"id":"m","type":"MASK_GROUP","layers":[]}"#,
    ))
    .to_string();
    assert!(
        msg.contains("content.layers[0]") && msg.contains("mask") && msg.contains("\"m\""),
        "{msg}"
    );
}

#[test]
fn malformed_path_data_names_the_layer() {
    let e = err(&with_layers(
        r#"{"id":"p","type":"SHAPE","shape":{"path":{"type":"PATH","geometry":"M0,0 L10"}}}"#,
    ));
    let msg = e.to_string();
    assert_eq!(e.blame(), Blame::Input);
    assert!(
        msg.contains("content.layers[0].shape.path.geometry") && msg.contains("\"p\""),
        "{msg}"
    );
}

#[test]
fn non_positive_dimensions_are_rejected() {
    let msg = err(r#"{"id":"d","dimensions":{"width":0,"height":10}}"#).to_string();
    assert!(msg.contains("dimensions"), "{msg}");
}

#[test]
fn invalid_json_is_an_input_error() {
    for bad in [
        "",
        "{",
        "[]",
        "null",
        r#"{"id":5}"#,
        r#"{"dimensions":{"width":1,"height":1}}"#,
    ] {
        assert_eq!(err(bad).blame(), Blame::Input, "{bad:?}");
    }
}

#[test]
fn unknown_values_are_diagnostics_not_errors() {
    let (_, diags) = render(&with_layers(
        r#"{"id":"u","type":"HOLOGRAM"},
           {"id":"s","type":"SHAPE","blendMode":"GLITTER","shape":{"path":{"type":"RECTANGLE","rectangle":{"x0":0,"y0":0,"x1":5,"y1":5}},
             "fills":[{"type":"NOISE"},{"type":"COLOR","color":{"r":1,"g":0,"b":0,"a":1}}]}}"#,
    ))
    .expect("renders");
    let unknown: Vec<_> = diags
        .iter()
        .filter(|d| d.kind == DiagKind::UnknownValue)
        .collect();
    assert_eq!(unknown.len(), 3, "{diags:?}");
    assert!(unknown
        .iter()
        .any(|d| d.layer_id.as_deref() == Some("u") && d.message.contains("HOLOGRAM")));
    assert!(unknown
        .iter()
        .any(|d| d.path == "content.layers[1].shape.fills[0].type"));
}

#[test]
fn unsupported_features_warn_with_layer_id() {
    let (_, diags) = render(&with_layers(
        r#"{"id":"t","type":"SHAPE","effects":[{"type":"BLUR","basis":"FILL","blur":2}],"shape":{}},
           {"id":"e","type":"SHAPE","effects":[{"type":"OTHER","basis":"FILL"}],"shape":{}},
           {"id":"g","type":"SHAPE","effects":[{"type":"OUTER_GLOW","basis":"FILL","glow":{"blur":2}}],"shape":{}}"#,
    ))
    .expect("renders");
    assert!(diags.iter().any(|d| d.kind == DiagKind::Unsupported
        && d.layer_id.as_deref() == Some("t")
        && d.path.ends_with("effects[0].basis")));
    assert!(diags.iter().any(|d| d.kind == DiagKind::Unsupported
        && d.layer_id.as_deref() == Some("e")
        && d.message.contains("OTHER")));
    // A glow without the shadow fields it needs is an invalid value, reported, not drawn.
    assert!(diags.iter().any(|d| d.kind == DiagKind::InvalidValue
        && d.layer_id.as_deref() == Some("g")
        && d.path.ends_with("effects[0].glow")));
}

#[test]
fn pixel_limit_trips() {
    let json = r#"{"id":"big","dimensions":{"width":100000,"height":100000}}"#;
    let e =
        render_document(json.as_bytes(), &RenderConfig::default(), support::assets()).unwrap_err();
    assert_eq!(e.blame(), Blame::Limits, "{e}");
    let small = RenderConfig {
        limits: octopus_render::Limits {
            output_pixels: 99,
            ..Default::default()
        },
        ..RenderConfig::default()
    };
    let e = render_document(
        br#"{"id":"d","dimensions":{"width":10,"height":10}}"#,
        &small,
        support::assets(),
    )
    .unwrap_err();
    assert_eq!(e.blame(), Blame::Limits);
    assert!(e.to_string().contains("10 x 10"), "{e}");
}

#[test]
fn path_segment_limit_trips() {
    let geometry: String = (0..200).map(|i| format!("L{i},{}", i % 7)).collect();
    let json = with_layers(&format!(
        r#"{{"id":"p","type":"SHAPE","shape":{{"path":{{"type":"PATH","geometry":"M0,0{geometry}"}}}}}}"#
    ));
    let cfg = RenderConfig {
        limits: octopus_render::Limits {
            path_segments: 100,
            ..Default::default()
        },
        ..RenderConfig::default()
    };
    let e = render_document(json.as_bytes(), &cfg, support::assets()).unwrap_err();
    assert_eq!(e.blame(), Blame::Limits, "{e}");
}

#[test]
fn layer_and_image_pixel_limits_trip() {
    let rect = |i: usize| {
        format!(
            r#"{{"id":"r{i}","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE","rectangle":{{"x0":0,"y0":0,"x1":5,"y1":5}}}}}}}}"#
        )
    };
    let json = with_layers(&(0..50).map(rect).collect::<Vec<_>>().join(","));
    let limits = |nodes, image_pixels| RenderConfig {
        limits: octopus_render::Limits {
            nodes,
            image_pixels,
            ..Default::default()
        },
        ..RenderConfig::default()
    };
    let e = render_document(json.as_bytes(), &limits(20, 1 << 20), support::assets()).unwrap_err();
    assert_eq!(e.blame(), Blame::Limits, "{e}");
    assert!(e.to_string().contains("20"), "{e}");
    // One bitmap over the per-image cap is skipped with a diagnostic; the render goes on.
    let mut assets = octopus_render::MemoryAssets::new();
    let mut png = Vec::new();
    let mut enc = png::Encoder::new(&mut png, 64, 64);
    enc.set_color(png::ColorType::Rgba);
    enc.write_header()
        .and_then(|mut w| w.write_image_data(&[255; 64 * 64 * 4]))
        .expect("png");
    assets.insert("big.png", png);
    let json = with_layers(
        r#"{"id":"i","type":"SHAPE","shape":{"path":{"type":"RECTANGLE","rectangle":{"x0":0,"y0":0,"x1":5,"y1":5}},"fills":[
            {"type":"IMAGE","image":{"ref":{"type":"PATH","value":"big"}},"positioning":{"layout":"FILL","origin":"LAYER"}}]}}"#,
    );
    let (_, diags) =
        render_document(json.as_bytes(), &limits(100, 1000), &assets).expect("renders");
    assert!(
        diags
            .iter()
            .any(|d| d.kind == DiagKind::InvalidValue
                && d.message.contains("exceeds the limit of 1000")),
        "{diags:?}"
    );
}

#[test]
fn bad_scale_is_rejected() {
    let cfg = RenderConfig {
        scale: 0.0,
        ..RenderConfig::default()
    };
    assert!(render_document(
        br#"{"id":"d","dimensions":{"width":10,"height":10}}"#,
        &cfg,
        support::assets()
    )
    .is_err());
}

#[test]
fn hostile_numbers_do_not_panic() {
    let cases = [
        r#"{"id":"t","type":"SHAPE","transform":[1e308,0,0,1e308,1e308,0],"shape":{"path":{"type":"RECTANGLE","rectangle":{"x0":0,"y0":0,"x1":5,"y1":5}},"fills":[{"type":"COLOR","color":{"r":1,"g":0,"b":0,"a":1}}]}}"#,
        r#"{"id":"t","type":"SHAPE","shape":{"path":{"type":"PATH","geometry":"M0,0 C1e30,1e30 -1e30,5 3,3Z"},"fills":[{"type":"COLOR","color":{"r":9,"g":-3,"b":0,"a":1}}]}}"#,
        r#"{"id":"t","type":"SHAPE","shape":{"path":{"type":"RECTANGLE","rectangle":{"x0":0,"y0":0,"x1":5,"y1":5},"cornerRadius":-4},"fills":[{"type":"GRADIENT","gradient":{"type":"RADIAL","stops":[{"position":0.5,"color":{"r":1,"g":0,"b":0,"a":1}}]},"positioning":{"layout":"FILL","origin":"LAYER","transform":[0,0,0,0,0,0]}}]}}"#,
        r#"{"id":"t","type":"SHAPE","shape":{"path":{"type":"PATH","geometry":"M0,0L5,5"},"strokes":[{"thickness":1e20,"position":"CENTER","fill":{"type":"COLOR","color":{"r":0,"g":0,"b":0,"a":1}},"style":"DASHED","dashing":[0.000001,0.000001],"lineJoin":"MITER","lineCap":"BUTT"}]}}"#,
    ];
    for c in cases {
        let json = with_layers(c);
        let result = std::panic::catch_unwind(|| render(&json));
        assert!(result.is_ok(), "panicked on {c}");
    }
}

#[test]
fn mutated_documents_never_panic() {
    // Deterministic byte mutations of a fixture: every outcome must be Ok or Err, never a panic.
    let base = std::fs::read(support::root().join("fixtures/render/masks/body-embed.json"))
        .expect("fixture");
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..400 {
        let mut doc = base.clone();
        for _ in 0..3 {
            let i = (next() % doc.len() as u64) as usize;
            doc[i] = b"0123456789-.eE,{}[]\":aZ "[(next() % 24) as usize];
        }
        let result = std::panic::catch_unwind(|| {
            render_document(&doc, &RenderConfig::default(), support::assets())
        });
        assert!(
            result.is_ok(),
            "panicked on mutated input:\n{}",
            String::from_utf8_lossy(&doc)
        );
    }
}

#[test]
fn missing_and_corrupt_images_are_diagnostics() {
    let mut assets = octopus_render::MemoryAssets::new();
    assets.insert("broken.png", b"\x89PNG not really".to_vec());
    let json = with_layers(
        r#"{"id":"i","type":"SHAPE","shape":{"path":{"type":"RECTANGLE","rectangle":{"x0":0,"y0":0,"x1":5,"y1":5}},"fills":[
            {"type":"IMAGE","image":{"ref":{"type":"RESOURCE_REF","value":"absent"}},"positioning":{"layout":"FILL","origin":"LAYER","transform":[5,0,0,5,0,0]}},
            {"type":"IMAGE","image":{"ref":{"type":"RESOURCE_REF","value":"broken"}},"positioning":{"layout":"FILL","origin":"LAYER","transform":[5,0,0,5,0,0]}}]}}"#,
    );
    let (_, diags) =
        render_document(json.as_bytes(), &RenderConfig::default(), &assets).expect("renders");
    assert!(
        diags
            .iter()
            .any(|d| d.kind == DiagKind::MissingAsset && d.message.contains("absent")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d.kind == DiagKind::InvalidValue && d.message.contains("broken")),
        "{diags:?}"
    );
}

#[test]
fn component_references_report_missing_components_cycles_and_bad_overrides() {
    let reference = |id: &str, target: &str| {
        format!(
            r#"{{"id":"r-{id}","type":"COMPONENT_REFERENCE","componentId":"{id}",
                "overrides":[{{"target":["{target}"],"changes":[{{"subject":"LAYER","op":"PROPERTY_CHANGE","values":{{"opacity":0.5}}}}]}}]}}"#
        )
    };
    let component = |id: &str, inner: &str| {
        format!(
            r#"{{"id":"{id}","dimensions":{{"width":10,"height":10}},"content":{{"id":"{id}-root","type":"GROUP","layers":[{inner}]}}}}"#
        )
    };
    let mut assets = octopus_render::MemoryAssets::new();
    // a → b → a: a cycle; b's override targets a layer that does not exist.
    assets.insert_component("a", component("a", &reference("b", "nowhere")).into_bytes());
    assets.insert_component("b", component("b", &reference("a", "a-root")).into_bytes());
    let host = component(
        "host",
        &format!("{},{}", reference("a", "r-b"), reference("zzz", "x")),
    );
    let (_, diags) =
        render_document(host.as_bytes(), &RenderConfig::default(), &assets).expect("renders");
    let has = |kind: DiagKind, layer: &str, words: &str| {
        diags.iter().any(|d| {
            d.kind == kind && d.layer_id.as_deref() == Some(layer) && d.message.contains(words)
        })
    };
    assert!(
        has(DiagKind::MissingAsset, "r-zzz", "\"zzz\""),
        "{diags:#?}"
    );
    assert!(
        has(DiagKind::InvalidValue, "r-a", "references itself"),
        "{diags:#?}"
    );
    assert!(has(DiagKind::InvalidValue, "r-b", "nowhere"), "{diags:#?}");
}

#[test]
fn a_passed_deadline_stops_the_render_with_a_limits_error() {
    // 300 layers: the scene builder checks the clock every 256.
    let layers: Vec<String> = (0..300)
        .map(|i| format!(r#"{{"id":"s{i}","type":"SHAPE","shape":{{"path":{{"type":"PATH","geometry":"M0,0h10v10z"}}}}}}"#))
        .collect();
    let json = with_layers(&layers.join(","));
    let cfg = RenderConfig {
        deadline: Some(std::time::Instant::now()),
        ..RenderConfig::default()
    };
    let e = render_document(json.as_bytes(), &cfg, support::assets()).unwrap_err();
    assert_eq!(e.blame(), Blame::Limits, "{e}");
    assert!(e.to_string().contains("time budget"), "{e}");
    let mut png = Vec::new();
    let e =
        octopus_render::render_png(json.as_bytes(), &cfg, support::assets(), &mut png).unwrap_err();
    assert_eq!(e.blame(), Blame::Limits);
}

#[test]
fn a_deadline_passing_during_the_raster_stops_it_and_one_not_reached_changes_nothing() {
    use octopus_render::raster::{self, RasterOptions};
    let layers: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"id":"s{i}","type":"SHAPE","effects":[{{"type":"DROP_SHADOW","basis":"BODY","shadow":{{"offset":{{"x":2,"y":2}},"blur":6,"choke":0,"color":{{"r":0,"g":0,"b":0,"a":0.5}}}}}}],"shape":{{"path":{{"type":"PATH","geometry":"M{x},{y}h30v30z"}},"fills":[{{"type":"COLOR","color":{{"r":1,"g":0,"b":0,"a":1}}}}]}}}}"#, x = (i * 7) % 300, y = (i * 13) % 300))
        .collect();
    let json = format!(
        r#"{{"id":"d","dimensions":{{"width":400,"height":400}},"content":{{"id":"root","type":"GROUP","layers":[{}]}}}}"#,
        layers.join(",")
    );
    let scene = octopus_render::render::load_scene(
        json.as_bytes(),
        &RenderConfig::default(),
        support::assets(),
    )
    .expect("scene");
    let passed = RasterOptions {
        deadline: Some(std::time::Instant::now()),
        ..RasterOptions::default()
    };
    let e = raster::render(&scene, &passed).unwrap_err();
    assert_eq!(e.blame(), Blame::Limits, "{e}");
    assert!(e.to_string().contains("time budget"), "{e}");
    let plain = raster::render(&scene, &RasterOptions::default()).expect("render");
    let later = RasterOptions {
        deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(3600)),
        band_height: 16,
        ..RasterOptions::default()
    };
    let timed = raster::render(&scene, &later).expect("render");
    assert!(
        plain.data == timed.data,
        "a deadline not reached changes no byte"
    );
}
