//! Font names to a font request: family, weight, width and slant.
//!
//! Input: an Octopus font reference (`postScriptName`, `family`, `style`). Output: a
//! [`FontRequest`]. Guarantees: pure and deterministic; the PostScript name is read the
//! way foundries write it (`Family-StyleVendor`: `Arial-BoldMT`, `Helvetica-LightOblique`,
//! `AvenirNext-DemiBold`, `TimesNewRomanPSMT`), and it wins where the other fields
//! disagree with it. Photoshop's converter writes the PostScript name into `family` and
//! `"Regular"` into `style` whatever the face (`Arial-BoldMT` / `Arial-BoldMT` / `Regular`);
//! Figma's writes a real family and a synthetic PostScript name built from it, so both
//! agree there.

use fontdb::Stretch;

/// What a font reference asks for, read from its names.
#[derive(Debug, Clone, PartialEq)]
pub struct FontRequest {
    /// PostScript name.
    pub post_script: String,
    /// Family name.
    pub family: String,
    /// Weight, 100..900.
    pub weight: u16,
    /// Width (normal, condensed, expanded...).
    pub stretch: Stretch,
    /// Italic or oblique.
    pub italic: bool,
}

/// Weight, width and slant read from a style name.
#[derive(Debug, Clone, Copy, PartialEq)]
struct StyleName {
    weight: u16,
    stretch: Stretch,
    italic: bool,
}

impl StyleName {
    fn is_regular(&self) -> bool {
        self.weight == 400 && self.stretch == Stretch::Normal && !self.italic
    }
}

impl FontRequest {
    /// Reads a request from an Octopus font reference (see the module docs for which
    /// field wins).
    pub fn from_names(post_script: &str, family: Option<&str>, style: Option<&str>) -> Self {
        let (ps_family, ps_style) = split_post_script(post_script);
        let ps_named = parse_style_name(ps_style);
        let family = family.map(str::trim).filter(|f| !f.is_empty());
        let style = style.map(str::trim).filter(|s| !s.is_empty());
        let (family, named) = match family {
            // The family field holds a PostScript name: read that name instead, and its
            // style (the style field next to it is a placeholder).
            Some(f) if looks_like_post_script(f, post_script) => {
                let (fam, sty) = split_post_script(f);
                let named = parse_style_name(sty);
                let named = match style {
                    Some(s) if named.is_regular() => parse_style_name(s),
                    _ => named,
                };
                (fam.to_owned(), named)
            }
            Some(f) => {
                let named = match style.map(parse_style_name) {
                    // A plain "Regular" beside a PostScript name that names a bold or
                    // italic face: the PostScript name names the face that was used.
                    Some(n) if n.is_regular() => ps_named,
                    Some(n) => n,
                    None => ps_named,
                };
                (f.to_owned(), named)
            }
            None => (ps_family.to_owned(), ps_named),
        };
        FontRequest {
            post_script: post_script.to_owned(),
            family,
            weight: named.weight,
            stretch: named.stretch,
            italic: named.italic,
        }
    }
}

/// True when a `family` field is a PostScript name: the reference's own, or any name of
/// the `Family-Style` form (a real family name has spaces, not a hyphen and no style).
fn looks_like_post_script(family: &str, post_script: &str) -> bool {
    normalise(family) == normalise(post_script)
        || (!family.contains(' ')
            && (family.contains('-') || strip_vendor_suffix(family) != family))
}

/// `Arial-BoldItalicMT` → (`Arial`, `BoldItalic`); `TimesNewRomanPSMT` → (`TimesNewRoman`, ``).
fn split_post_script(name: &str) -> (&str, &str) {
    match name.split_once('-') {
        Some((f, s)) => (strip_vendor_suffix(f), strip_vendor_suffix(s)),
        None => (strip_vendor_suffix(name), ""),
    }
}

/// "ArialMT" → "Arial", "TimesNewRomanPSMT" → "TimesNewRoman", "BoldMT" → "Bold".
pub(super) fn strip_vendor_suffix(name: &str) -> &str {
    for suffix in ["PSMT", "MT", "PS"] {
        if let Some(s) = name.strip_suffix(suffix) {
            if !s.is_empty() {
                return s;
            }
        }
    }
    name
}

/// Lower case without spaces, hyphens or underscores: "Times New Roman" = "TimesNewRoman".
pub(super) fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Weight, width and slant from a style name such as "Bold Italic", "SemiBold",
/// "CondensedBold", "SemiboldIt".
fn parse_style_name(style: &str) -> StyleName {
    let s = normalise(style);
    let italic = s.contains("italic") || s.contains("oblique") || s.ends_with("it");
    // Longer names first so "semibold" is not read as "bold", "semicondensed" as
    // "condensed".
    const WEIGHTS: &[(&str, u16)] = &[
        ("extralight", 200),
        ("ultralight", 200),
        ("semilight", 350),
        ("semibold", 600),
        ("demibold", 600),
        ("extrabold", 800),
        ("ultrabold", 800),
        ("extrablack", 900),
        ("hairline", 100),
        ("thin", 100),
        ("light", 300),
        ("medium", 500),
        ("demi", 600),
        ("bold", 700),
        ("heavy", 900),
        ("black", 900),
    ];
    const WIDTHS: &[(&str, Stretch)] = &[
        ("ultracondensed", Stretch::UltraCondensed),
        ("extracondensed", Stretch::ExtraCondensed),
        ("semicondensed", Stretch::SemiCondensed),
        ("ultraexpanded", Stretch::UltraExpanded),
        ("extraexpanded", Stretch::ExtraExpanded),
        ("semiexpanded", Stretch::SemiExpanded),
        ("condensed", Stretch::Condensed),
        ("compressed", Stretch::Condensed),
        ("narrow", Stretch::Condensed),
        ("cond", Stretch::Condensed),
        ("expanded", Stretch::Expanded),
        ("extended", Stretch::Expanded),
        ("wide", Stretch::Expanded),
    ];
    let weight = WEIGHTS
        .iter()
        .find(|(k, _)| s.contains(k))
        .map_or(400, |(_, w)| *w);
    let stretch = WIDTHS
        .iter()
        .find(|(k, _)| s.contains(k))
        .map_or(Stretch::Normal, |(_, w)| *w);
    StyleName {
        weight,
        stretch,
        italic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (postScriptName, family, style).
    type Names = (&'static str, Option<&'static str>, Option<&'static str>);
    /// (family, weight, width, italic).
    type Wanted = (&'static str, u16, Stretch, bool);

    /// Names as the converters write them (the corpus's own, and the foundries' habits):
    /// (postScriptName, family, style) → (family, weight, width, italic).
    #[test]
    fn real_converter_names() {
        use Stretch::*;
        let table: &[(Names, Wanted)] = &[
            // Photoshop: the PostScript name in `family`, "Regular" in `style`.
            (
                ("Arial-BoldMT", Some("Arial-BoldMT"), Some("Regular")),
                ("Arial", 700, Normal, false),
            ),
            (
                ("ArialMT", Some("ArialMT"), Some("Regular")),
                ("Arial", 400, Normal, false),
            ),
            (
                ("Avenir-Black", Some("Avenir-Black"), Some("Regular")),
                ("Avenir", 900, Normal, false),
            ),
            // Photoshop's converter with a real family and no style.
            (
                ("Arial-BoldMT", Some("Arial"), None),
                ("Arial", 700, Normal, false),
            ),
            (
                ("Arial-BoldItalicMT", Some("Arial"), None),
                ("Arial", 700, Normal, true),
            ),
            (
                ("Arial-ItalicMT", Some("Arial"), None),
                ("Arial", 400, Normal, true),
            ),
            (
                ("TimesNewRomanPSMT", Some("Times New Roman"), None),
                ("Times New Roman", 400, Normal, false),
            ),
            // A family with a "Regular" style beside a PostScript name of a bold face.
            (
                ("Arial-BoldMT", Some("Arial"), Some("Regular")),
                ("Arial", 700, Normal, false),
            ),
            // Figma: synthetic PostScript names agree with the family and style.
            (
                ("AvenirNext-Medium", Some("Avenir Next"), None),
                ("Avenir Next", 500, Normal, false),
            ),
            (
                ("Inter", Some("Inter"), Some("Medium Italic")),
                ("Inter", 500, Normal, true),
            ),
            (
                ("Urbanist-SemiBold", Some("Urbanist"), None),
                ("Urbanist", 600, Normal, false),
            ),
            // PostScript names alone.
            (
                ("Helvetica-LightOblique", None, None),
                ("Helvetica", 300, Normal, true),
            ),
            (
                ("AvenirNext-DemiBold", None, None),
                ("AvenirNext", 600, Normal, false),
            ),
            (
                ("HelveticaNeue-CondensedBold", None, None),
                ("HelveticaNeue", 700, Condensed, false),
            ),
            (
                ("MyriadPro-SemiboldIt", None, None),
                ("MyriadPro", 600, Normal, true),
            ),
            (
                ("TimesNewRomanPSMT", None, None),
                ("TimesNewRoman", 400, Normal, false),
            ),
            (
                ("Arial-BoldItalicMT", None, None),
                ("Arial", 700, Normal, true),
            ),
        ];
        for &((ps, family, style), (want_family, weight, stretch, italic)) in table {
            let r = FontRequest::from_names(ps, family, style);
            assert_eq!(
                (r.family.as_str(), r.weight, r.stretch, r.italic),
                (want_family, weight, stretch, italic),
                "{ps} / {family:?} / {style:?}"
            );
        }
    }
}
