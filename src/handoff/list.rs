//! A list of named outputs, as a version 2 job's `outputs` and the CLI's `--outputs` give it.
//!
//! Input: the JSON array. Output: [`NamedOutput`]s, each a key (an object name under the
//! job's output prefix, or a path under the CLI's output folder) and an [`OutputSpec`] for
//! the renderer. Guarantees: 1 to
//! [`MAX_OUTPUTS`] outputs with distinct keys; every key is a relative object name that
//! cannot leave the output prefix (segments of `A-Z a-z 0-9 . _ - @`, none empty, none
//! starting with a dot); the format comes from `format` or the key's extension, and the two
//! must agree; a scale is finite in (0, 64], a fit names at least one positive bound; a
//! quality is 1-100 (it makes a WebP lossy); a background parses as a colour. Each error
//! names the output's index.
//!
//! One output (JSON):
//! ```json
//! {"key": "icons/logo@2x.webp", "layer": "12:34", "scale": 2,
//!  "format": "webp", "quality": 90, "background": "#ffffff", "fit": [320, 200]}
//! ```
//! `key` is required; `layer` absent renders the whole document; `crop` frames a layer by
//! what it paints (`"paint"`, the default) or by its own outlines (`"layer"`); `scale`
//! (default 1) and `fit` (`[width, height]`, either may be `null`) are exclusive.

use serde::Deserialize;

use super::{OutputSize, OutputSpec, MAX_OUTPUTS};
use crate::output::{parse_color, Encoding, Format};
use crate::scene::layer::Crop;

/// One image to store, and its name.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedOutput {
    /// Relative name under the output prefix or folder.
    pub key: String,
    /// What to render and how to encode it.
    pub spec: OutputSpec,
}

/// One entry of the list, as sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    key: String,
    #[serde(default)]
    layer: Option<String>,
    #[serde(default)]
    crop: Option<String>,
    #[serde(default)]
    scale: Option<f64>,
    #[serde(default)]
    fit: Option<(Option<u32>, Option<u32>)>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    quality: Option<u8>,
    #[serde(default)]
    background: Option<String>,
}

/// Reads and checks an output list; the error names the entry.
pub fn parse_outputs(raw: Vec<RawOutput>) -> Result<Vec<NamedOutput>, String> {
    if raw.is_empty() || raw.len() > MAX_OUTPUTS {
        return Err(format!(
            "{} outputs; a render makes 1 to {MAX_OUTPUTS}",
            raw.len()
        ));
    }
    let mut keys = std::collections::HashSet::new();
    raw.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let out = parse_output(r).map_err(|why| format!("outputs[{i}]: {why}"))?;
            if !keys.insert(out.key.clone()) {
                return Err(format!(
                    "outputs[{i}]: key {:?} is used by an earlier output",
                    out.key
                ));
            }
            Ok(out)
        })
        .collect()
}

fn parse_output(r: RawOutput) -> Result<NamedOutput, String> {
    check_key(&r.key)?;
    let from_key = r
        .key
        .rsplit_once('.')
        .and_then(|(_, ext)| Format::from_name(ext));
    let format = match (&r.format, from_key) {
        (Some(name), key_format) => {
            let f = Format::from_name(name)
                .ok_or_else(|| format!("format {name:?} is not png, jpeg or webp"))?;
            if key_format.is_some_and(|k| k != f) {
                return Err(format!(
                    "format {name:?} disagrees with the key {:?}",
                    r.key
                ));
            }
            f
        }
        (None, Some(f)) => f,
        (None, None) => {
            return Err(format!(
                "key {:?} has no image extension (.png, .jpg, .webp) and no format is given",
                r.key
            ))
        }
    };
    if let Some(q) = r.quality.filter(|q| !(1..=100).contains(q)) {
        return Err(format!("quality must be 1 to 100, got {q}"));
    }
    let quality = r.quality;
    let background = r.background.as_deref().map(parse_color).transpose()?;
    let size = match (r.scale, r.fit) {
        (Some(_), Some(_)) => return Err("scale and fit are exclusive".into()),
        (None, Some((width, height))) => {
            if width.unwrap_or(0) == 0 && height.unwrap_or(0) == 0
                || width == Some(0)
                || height == Some(0)
            {
                return Err("fit needs a positive width or height ([w, h], null for open)".into());
            }
            OutputSize::Fit { width, height }
        }
        (scale, None) => {
            let s = scale.unwrap_or(1.0);
            if !(s.is_finite() && s > 0.0 && s <= 64.0) {
                return Err(format!("scale must be in (0, 64], got {s}"));
            }
            OutputSize::Scale(s as f32)
        }
    };
    if r.layer
        .as_deref()
        .is_some_and(|l| l.is_empty() || l.len() > 1024)
    {
        return Err("layer must be a layer id of 1 to 1024 bytes".into());
    }
    let crop = match (r.crop.as_deref(), &r.layer) {
        (None, _) => Crop::Paint,
        (Some(_), None) => return Err("crop frames a layer: give `layer` too".into()),
        (Some(name), Some(_)) => Crop::from_name(name)
            .ok_or_else(|| format!("crop must be \"paint\" or \"layer\", got {name:?}"))?,
    };
    Ok(NamedOutput {
        key: r.key,
        spec: OutputSpec {
            layer: r.layer,
            crop,
            size,
            encoding: Encoding {
                format,
                quality,
                background,
            },
        },
    })
}

/// Keys are relative object names: `/`-separated segments of `A-Z a-z 0-9 . _ - @`, none
/// empty or starting with a dot, 1-512 bytes in all.
fn check_key(key: &str) -> Result<(), String> {
    let segment_ok = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    };
    if !key.is_empty() && key.len() <= 512 && key.split('/').all(segment_ok) {
        Ok(())
    } else {
        Err(format!(
            "key {key:?} must be a relative name: '/'-separated segments of A-Z, a-z, 0-9, \
             '.', '_', '-', '@', none empty or starting with '.'"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Vec<NamedOutput>, String> {
        let raw: Vec<RawOutput> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        parse_outputs(raw)
    }

    #[test]
    fn reads_formats_sizes_and_layers() {
        let outs = parse(
            r##"[{"key":"preview.png"},
                {"key":"thumb.jpg","fit":[320,null],"quality":70,"background":"#000"},
                {"key":"a/logo@2x","layer":"12:34","scale":2,"format":"webp"}]"##,
        )
        .expect("outputs");
        assert_eq!(outs[0].spec.size, OutputSize::Scale(1.0));
        assert_eq!(outs[0].spec.encoding, Encoding::default());
        assert_eq!(
            outs[1].spec.size,
            OutputSize::Fit {
                width: Some(320),
                height: None
            }
        );
        assert_eq!(outs[1].spec.encoding.format, Format::Jpeg);
        assert_eq!(outs[1].spec.encoding.quality, Some(70));
        assert_eq!(outs[1].spec.encoding.background, Some([0, 0, 0, 255]));
        assert_eq!(outs[2].spec.layer.as_deref(), Some("12:34"));
        assert_eq!(outs[2].spec.encoding.format, Format::Webp);
        assert_eq!(outs[2].key, "a/logo@2x");
    }

    #[test]
    fn refuses_what_would_go_wrong_and_names_the_output() {
        for (json, want) in [
            ("[]", "1 to"),
            (r#"[{"key":"../x.png"}]"#, "outputs[0]: key"),
            (r#"[{"key":"a//x.png"}]"#, "relative name"),
            (r#"[{"key":"/x.png"}]"#, "relative name"),
            (
                r#"[{"key":"x.png"},{"key":"x.png"}]"#,
                "outputs[1]: key \"x.png\" is used",
            ),
            (r#"[{"key":"x.gif"}]"#, "no image extension"),
            (r#"[{"key":"x.png","format":"jpeg"}]"#, "disagrees"),
            (r#"[{"key":"x","format":"tiff"}]"#, "not png"),
            (r#"[{"key":"x.png","scale":0}]"#, "scale"),
            (r#"[{"key":"x.png","scale":2,"fit":[1,1]}]"#, "exclusive"),
            (r#"[{"key":"x.png","fit":[null,null]}]"#, "positive"),
            (r#"[{"key":"x.png","fit":[0,10]}]"#, "positive"),
            (r#"[{"key":"x.jpg","quality":0}]"#, "quality"),
            (r#"[{"key":"x.jpg","background":"teal"}]"#, "colour"),
            (r#"[{"key":"x.png","layer":""}]"#, "layer"),
            (r#"[{"key":"x.png","crop":"layer"}]"#, "give `layer`"),
            (
                r#"[{"key":"x.png","layer":"a","crop":"box"}]"#,
                "crop must be",
            ),
            (r#"[{"key":"x.png","size":3}]"#, "unknown field"),
        ] {
            let e = parse(json).expect_err(json);
            assert!(e.contains(want), "{json}: {e} should mention {want}");
        }
        let many = format!(
            "[{}]",
            (0..=MAX_OUTPUTS)
                .map(|i| format!(r#"{{"key":"{i}.png"}}"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert!(parse(&many).is_err());
    }
}
