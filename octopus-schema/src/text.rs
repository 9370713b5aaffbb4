//! Text layers' payload: value, styles, style ranges, frame and alignment (S: `texts/*.yaml`).
//!
//! Input: the JSON of `Text`. Output: typed values with the spec's defaults. Guarantee:
//! `value` and `defaultStyle` are required; `baselinePolicy` (required by the spec, absent in
//! some converter output) defaults to SET as in the reference renderer.

use serde::Deserialize;

use crate::common::{yes, Dimensions, Transform};
use crate::enums::{
    BaselinePolicy, FrameMode, HorizontalAlign, LetterCase, Ligatures, ListType, OverflowPolicy,
    Underline, VerticalAlign,
};
use crate::fill::Fill;
use crate::shape::VectorStroke;

/// A text layer's payload (S: `texts/text.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Text {
    /// The characters; U+2029 separates paragraphs, U+2028 forces a line break.
    pub value: String,
    /// Style of characters no range covers.
    pub default_style: TextStyle,
    /// Style overrides on character ranges, later ones win.
    #[serde(default)]
    pub styles: Vec<StyleRange>,
    /// Glyph space to layer space.
    #[serde(default)]
    pub transform: Transform,
    /// Frame sizing.
    #[serde(default)]
    pub frame: Option<TextFrame>,
    /// List markers.
    #[serde(default)]
    pub lists: Vec<TextListEntry>,
    /// Horizontal alignment.
    #[serde(default = "left")]
    pub horizontal_align: HorizontalAlign,
    /// Vertical alignment (FIXED frames).
    #[serde(default = "top")]
    pub vertical_align: VerticalAlign,
    /// First-baseline rule.
    #[serde(default = "set")]
    pub baseline_policy: BaselinePolicy,
    /// Overflow handling (FIXED frames).
    #[serde(default = "no_overflow")]
    pub overflow_policy: OverflowPolicy,
}

fn left() -> HorizontalAlign {
    HorizontalAlign::Left
}
fn top() -> VerticalAlign {
    VerticalAlign::Top
}
fn set() -> BaselinePolicy {
    BaselinePolicy::Set
}
fn no_overflow() -> OverflowPolicy {
    OverflowPolicy::NoOverflow
}

/// A font reference (S: `texts/font.yaml`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Font {
    /// PostScript name (possibly synthetic).
    #[serde(default)]
    pub post_script_name: String,
    /// Family name.
    #[serde(default)]
    pub family: Option<String>,
    /// Style name.
    #[serde(default)]
    pub style: Option<String>,
    /// True when `post_script_name` was made up by the converter.
    #[serde(default)]
    pub synthetic_post_script_name: bool,
}

/// Character style (S: `texts/style.yaml`); every field optional so ranges can override parts.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TextStyle {
    /// Font face.
    #[serde(default)]
    pub font: Option<Font>,
    /// Size in pixels.
    #[serde(default)]
    pub font_size: Option<f64>,
    /// Baseline distance in pixels; 0 means "from the font".
    #[serde(default)]
    pub line_height: Option<f64>,
    /// Extra advance per glyph in pixels.
    #[serde(default)]
    pub letter_spacing: Option<f64>,
    /// Kerning on (spec default true).
    #[serde(default)]
    pub kerning: Option<bool>,
    /// OpenType features.
    #[serde(default)]
    pub features: Option<Vec<OpenTypeFeature>>,
    /// Ligature setting.
    #[serde(default)]
    pub ligatures: Option<Ligatures>,
    /// Underline.
    #[serde(default)]
    pub underline: Option<Underline>,
    /// Strike-through.
    #[serde(default)]
    pub linethrough: Option<bool>,
    /// Superscript.
    #[serde(default)]
    pub superscript: Option<bool>,
    /// Subscript.
    #[serde(default)]
    pub subscript: Option<bool>,
    /// Case transform.
    #[serde(default)]
    pub letter_case: Option<LetterCase>,
    /// Glyph fills.
    #[serde(default)]
    pub fills: Option<Vec<Fill>>,
    /// Glyph strokes.
    #[serde(default)]
    pub strokes: Option<Vec<VectorStroke>>,
}

/// An OpenType feature setting.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenTypeFeature {
    /// Four-letter tag.
    pub tag: String,
    /// Value (0 off, 1 on, or an alternate index).
    pub value: i64,
}

/// A style applied to character ranges (S: `texts/style-range.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct StyleRange {
    /// The overriding style.
    pub style: TextStyle,
    /// Half-open index ranges into `value`.
    pub ranges: Vec<TextRange>,
}

/// A half-open range `[from, to)`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct TextRange {
    /// First index.
    pub from: u64,
    /// One past the last index.
    pub to: u64,
}

/// Text frame (S: `texts/frame.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct TextFrame {
    /// AUTO_WIDTH, AUTO_HEIGHT or FIXED.
    pub mode: FrameMode,
    /// Frame size (FIXED: the box; AUTO_HEIGHT: the wrap width).
    #[serde(default)]
    pub size: Option<Dimensions>,
}

/// A list marker entry (S: `texts/text-list-entry.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextListEntry {
    /// BULLETED, NUMBERED or EMPTY.
    #[serde(rename = "type")]
    pub kind: ListType,
    /// Marker text.
    #[serde(default)]
    pub marker: String,
    /// Index of the paragraph.
    #[serde(default)]
    pub index: i64,
    /// Marker style.
    #[serde(default)]
    pub style: Option<TextStyle>,
    /// Left padding.
    #[serde(default)]
    pub padding_left: f64,
    /// Indent.
    #[serde(default)]
    pub list_indent: f64,
    /// Visible.
    #[serde(default = "yes")]
    pub visible: bool,
}
