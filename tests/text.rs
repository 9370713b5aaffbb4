//! Text layout properties measured on rendered pixels, with the committed Inter fonts only:
//! alignment, wrapping, letter spacing, baselines, font choice and diagnostics. These
//! complement the reference images of `fixtures/render/text` with checks that state the
//! rule itself.

mod support;

use octopus_render::raster::Image;
use octopus_render::{render_document, DiagKind, Diagnostic, RenderConfig};
use serde_json::{json, Value};

/// Renders one text layer at the origin of a `w`×`h` frame.
fn render_text(text: Value, w: u32, h: u32) -> (Image, Vec<Diagnostic>) {
    let doc = json!({
        "id": "t", "type": "OCTOPUS_COMPONENT", "version": "3.1.1",
        "dimensions": {"width": w, "height": h},
        "content": {"id": "root", "type": "GROUP", "layers": [
            {"id": "text", "type": "TEXT", "transform": [1, 0, 0, 1, 0, 0], "text": text}
        ]}
    });
    render_document(
        doc.to_string().as_bytes(),
        &RenderConfig::default(),
        support::assets(),
    )
    .expect("renders")
}

fn text(value: &str, style: Value, extra: Value) -> Value {
    let mut style_all = json!({
        "font": {"postScriptName": "Inter-Regular", "family": "Inter"},
        "fontSize": 20,
        "fills": [{"type": "COLOR", "color": {"r": 0, "g": 0, "b": 0, "a": 1}}]
    });
    merge(&mut style_all, style);
    let mut t =
        json!({"value": value, "defaultStyle": style_all, "baselinePolicy": "OFFSET_ASCENDER"});
    merge(&mut t, extra);
    t
}

fn merge(a: &mut Value, b: Value) {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
}

/// Ink bounds (alpha > 64): x0, y0, x1, y1 exclusive.
fn ink(img: &Image) -> (u32, u32, u32, u32) {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for y in 0..img.height {
        for x in 0..img.width {
            if img.data[((y * img.width + x) * 4 + 3) as usize] > 64 {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x + 1);
                y1 = y1.max(y + 1);
            }
        }
    }
    assert!(x1 > 0, "no ink at all");
    (x0, y0, x1, y1)
}

fn ink_sum(img: &Image) -> u64 {
    img.data.chunks_exact(4).map(|p| p[3] as u64).sum()
}

#[test]
fn horizontal_alignment_places_lines_in_the_frame() {
    let frame = json!({"frame": {"mode": "FIXED", "size": {"width": 200, "height": 40}}});
    let at = |align: &str| {
        let mut extra = frame.clone();
        merge(&mut extra, json!({"horizontalAlign": align}));
        ink(&render_text(text("Middle", json!({}), extra), 200, 40).0)
    };
    let (l0, _, l1, _) = at("LEFT");
    let (c0, _, c1, _) = at("CENTER");
    let (r0, _, r1, _) = at("RIGHT");
    assert!(
        l0 <= 3,
        "left-aligned ink starts at the frame edge, got {l0}"
    );
    assert!(
        r1 >= 197,
        "right-aligned ink ends at the frame edge, got {r1}"
    );
    let centre = (c0 + c1) as i32;
    assert!(
        (centre - 200).abs() <= 3,
        "centred ink mid-point {}",
        centre / 2
    );
    assert_eq!(l1 - l0, c1 - c0, "alignment moves, never resizes, the line");
    assert_eq!(c1 - c0, r1 - r0);
}

#[test]
fn auto_height_wraps_within_the_width_and_auto_width_does_not() {
    let words = "several words that cannot fit on one line";
    let wrapped = text(
        words,
        json!({}),
        json!({"frame": {"mode": "AUTO_HEIGHT", "size": {"width": 120, "height": 10}}}),
    );
    let (img, _) = render_text(wrapped, 400, 200);
    let (_, y0, x1, y1) = ink(&img);
    assert!(x1 <= 121, "wrapped ink ends at {x1}, past the 120 px width");
    assert!(
        y1 - y0 > 3 * 20,
        "several lines expected, ink is {} tall",
        y1 - y0
    );
    let (img, _) = render_text(text(words, json!({}), json!({})), 600, 200);
    let (_, y0, x1, y1) = ink(&img);
    assert!(x1 > 300 && y1 - y0 < 30, "auto width keeps one line");
}

#[test]
fn letter_spacing_adds_to_every_advance() {
    let width = |ls: f64| {
        let (img, _) = render_text(
            text("abcdefghij", json!({"letterSpacing": ls}), json!({})),
            400,
            40,
        );
        let (x0, _, x1, _) = ink(&img);
        (x1 - x0) as f64
    };
    let grown = width(4.0) - width(0.0);
    // Ten glyphs: nine gaps between the first and last ink.
    assert!(
        (grown - 36.0).abs() <= 1.5,
        "4 px spacing grew the ink by {grown}"
    );
}

#[test]
fn first_baseline_sits_one_ascender_below_the_top() {
    // Inter: ascender 0.96875 em, cap height 0.727 em; 'H' tops at asc − cap below the top.
    let (img, _) = render_text(text("H", json!({"fontSize": 100}), json!({})), 120, 140);
    let (_, y0, _, y1) = ink(&img);
    assert!((y0 as f64 - 24.2).abs() <= 1.5, "cap top at {y0}");
    assert!((y1 as f64 - 96.9).abs() <= 1.5, "baseline at {y1}");
    // An explicit line height centres the glyphs in the taller line (Figma's half leading).
    let (img, _) = render_text(
        text("H", json!({"fontSize": 100, "lineHeight": 200}), json!({})),
        120,
        240,
    );
    let (_, y0b, _, _) = ink(&img);
    let half_leading = (200.0 - 121.09) / 2.0;
    assert!((y0b as f64 - y0 as f64 - half_leading).abs() <= 1.5);
}

#[test]
fn bold_is_found_by_postscript_name_and_missing_fonts_are_reported() {
    let regular = render_text(text("Weight", json!({}), json!({})), 200, 40);
    let bold = render_text(
        text(
            "Weight",
            json!({"font": {"postScriptName": "Inter-Bold", "family": "Inter"}}),
            json!({}),
        ),
        200,
        40,
    );
    assert!(regular.1.is_empty() && bold.1.is_empty(), "{:?}", bold.1);
    assert!(ink_sum(&bold.0) as f64 > ink_sum(&regular.0) as f64 * 1.25);
    let missing = render_text(
        text(
            "Weight",
            json!({"font": {"postScriptName": "Nope-Regular", "family": "Nope"}}),
            json!({}),
        ),
        200,
        40,
    );
    let d: Vec<_> = missing
        .1
        .iter()
        .filter(|d| d.kind == DiagKind::MissingFont)
        .collect();
    assert_eq!(d.len(), 1, "{:?}", missing.1);
    assert!(d[0].message.contains("Nope-Regular") && d[0].path.ends_with("defaultStyle.font"));
    assert_eq!(d[0].layer_id.as_deref(), Some("text"));
    assert_eq!(
        ink_sum(&missing.0),
        ink_sum(&regular.0),
        "drawn with Inter instead"
    );
}

#[test]
fn style_ranges_colour_their_characters_only() {
    let t = text(
        "AAAA BBBB",
        json!({}),
        json!({"styles": [{"style": {"fills": [{"type": "COLOR", "color": {"r": 1, "g": 0, "b": 0, "a": 1}}]},
                           "ranges": [{"from": 5, "to": 9}]}]}),
    );
    let (img, _) = render_text(t, 200, 40);
    let (x0, _, x1, _) = ink(&img);
    let mid = (x0 + x1) / 2;
    let (mut red_left, mut red_right) = (0, 0);
    for (i, p) in img.data.chunks_exact(4).enumerate() {
        if p[3] > 200 && p[0] > 200 {
            if (i as u32 % img.width) < mid {
                red_left += 1;
            } else {
                red_right += 1;
            }
        }
    }
    assert_eq!(red_left, 0, "the first word stays black");
    assert!(red_right > 50, "the second word is red");
}

#[test]
fn a_character_no_font_has_is_reported() {
    let (_, diags) = render_text(text("ok \u{1F600}", json!({}), json!({})), 100, 40);
    assert!(
        diags
            .iter()
            .any(|d| d.kind == DiagKind::MissingFont && d.message.contains("U+1F600")),
        "{diags:?}"
    );
}

/// Leftmost column in rows `y0..y1` whose pixel passes `pick`.
fn first_column(img: &Image, (y0, y1): (u32, u32), pick: impl Fn(&[u8]) -> bool) -> Option<u32> {
    (y0..y1)
        .flat_map(|y| (0..img.width).map(move |x| (x, y)))
        .filter(|&(x, y)| pick(&img.data[((y * img.width + x) * 4) as usize..][..4]))
        .map(|(x, _)| x)
        .min()
}

#[test]
fn list_items_hang_their_lines_at_the_padding_with_the_marker_before_the_first() {
    let red = json!([{"type": "COLOR", "color": {"r": 1, "g": 0, "b": 0, "a": 1}}]);
    let t = text(
        "item that wraps here\u{2029}plain",
        json!({"lineHeight": 30}),
        json!({
            "frame": {"mode": "AUTO_HEIGHT", "size": {"width": 150, "height": 10}},
            "lists": [{"type": "BULLETED", "marker": "\u{25CF}", "index": 0,
                       "style": {"fills": red}, "paddingLeft": 40, "listIndent": 0}]
        }),
    );
    let (img, diags) = render_text(t, 200, 120);
    assert!(diags.is_empty(), "{diags:?}");
    let black = |p: &[u8]| p[3] > 128 && p[0] < 60;
    let red = |p: &[u8]| p[3] > 128 && p[0] > 200 && p[1] < 60;
    let text_x = first_column(&img, (0, 30), black).expect("first line");
    let marker_x = first_column(&img, (0, 30), red).expect("a red marker");
    let wrapped_x = first_column(&img, (30, 60), black).expect("the item wraps");
    let plain_x = first_column(&img, (60, 90), black).expect("the plain paragraph");
    assert!((40..44).contains(&text_x), "item text starts at {text_x}");
    assert!(
        (40..44).contains(&wrapped_x),
        "wrapped line starts at {wrapped_x}"
    );
    assert!(
        marker_x + 8 < text_x,
        "marker at {marker_x} before the text"
    );
    assert!(plain_x <= 3, "a paragraph without entry is not indented");
    assert!(
        first_column(&img, (30, 120), red).is_none(),
        "one marker only"
    );
}

#[test]
fn a_list_entry_outside_the_text_is_reported_with_its_path() {
    let t = text(
        "short",
        json!({}),
        json!({"lists": [{"type": "NUMBERED", "marker": "1.", "index": 99, "style": {},
                          "paddingLeft": 20, "listIndent": 0}]}),
    );
    let (img, diags) = render_text(t, 100, 40);
    assert!(ink(&img).0 <= 3, "the text is drawn unindented");
    assert!(
        diags
            .iter()
            .any(|d| d.kind == DiagKind::InvalidValue && d.path.ends_with("text.lists[0].index")),
        "{diags:?}"
    );
}

#[test]
fn bidirectional_controls_steer_order_and_are_neither_drawn_nor_reported() {
    let plain = render_text(text("abc fed", json!({}), json!({})), 160, 40).0;
    let (img, diags) = render_text(
        text("abc \u{202E}def\u{202C}", json!({}), json!({})),
        160,
        40,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        img.data, plain.data,
        "RLO ... PDF reverses the run, and draws nothing else"
    );
}
