//! The job message: what a platform publishes to the render queue.
//!
//! Input: the bytes of an AMQP message body. Output: a validated [`Job`], or a reason why
//! the message is not a job (it then goes to the dead-letter queue at once). Guarantees:
//! the id is safe as an object name (so `<output>/<id>.png` cannot escape the output
//! prefix), and so is every output key (see `handoff/list.rs`); every URL has a supported
//! scheme and is in canonical form (see [`super::roots::canonical`]); every scale is finite
//! and positive.
//!
//! Version 1 of the format (JSON), one PNG at `<output>/<id>.png`:
//! ```json
//! {"version": 1, "id": "a1b2", "document": "s3://bucket/designs/a1b2/octopus-1-2.json",
//!  "assets": "s3://bucket/designs/a1b2/images/", "output": "s3://bucket/renders/",
//!  "scale": 2.0, "antialias": "figma", "origin": "FIGMA", "gradients": "srgb"}
//! ```
//! `version` defaults to 1, `assets` defaults to the document's folder, `scale` to 1,
//! `antialias` to `"exact"` (`"figma"` draws edges with Figma's sample positions, for
//! designs that came from Figma; the platform knows the origin from the manifest);
//! `origin` is the manifest's `origin.name` (`FIGMA`, `PHOTOSHOP`, ...; absent or unknown:
//! the spec's behaviour), which picks that tool's look where the Octopus leaves it open;
//! `gradients` overrides the colour space gradients mix in (`srgb`, `oklab`, `linear`;
//! absent: the origin's, Oklab for Photoshop).
//!
//! Version 2 has the same fields but `scale`, and a list of `outputs`, all rendered from one
//! download and one parse, each stored at `<output>/<key>` (see `handoff/list.rs`):
//! ```json
//! {"version": 2, "id": "a1b2", "document": "s3://bucket/designs/a1b2/octopus-1-2.json",
//!  "output": "s3://bucket/renders/a1b2/", "origin": "FIGMA", "antialias": "figma",
//!  "outputs": [{"key": "preview.png"}, {"key": "thumb.jpg", "fit": [320, 320]},
//!              {"key": "logo@2x.webp", "layer": "12:34", "scale": 2}]}
//! ```

use serde::Deserialize;

use super::error::JobError;
use super::roots::{as_folder, canonical};
use crate::handoff::{parse_outputs, NamedOutput, RawOutput};
use crate::handoff::{OutputSize, OutputSpec};
use crate::output::Encoding;
use crate::raster::Antialias;
use crate::scene::{GradientSpace, Origin};
use url::Url;

/// The newest format version this worker reads (it reads every version from 1).
pub const JOB_VERSION: u32 = 2;

/// URL schemes the worker can read and write.
pub const SCHEMES: [&str; 5] = ["file", "s3", "gs", "az", "memory"];

/// A render job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Caller's id; names the output.
    pub id: String,
    /// The Octopus document.
    pub document: Url,
    /// Prefix the document's bitmaps are under.
    pub assets: Url,
    /// Prefix the outputs are written under.
    pub output: Url,
    /// The images to store (version 1: one PNG, `<id>.png`).
    pub outputs: Vec<NamedOutput>,
    /// Anti-aliasing (`"figma"` for designs from Figma, default `"exact"`).
    pub antialias: Antialias,
    /// The design tool the document comes from.
    pub origin: Origin,
    /// The colour space gradients mix in (`None`: the origin's).
    pub gradients: Option<GradientSpace>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJob {
    #[serde(default = "one")]
    version: u32,
    id: String,
    document: String,
    #[serde(default)]
    assets: Option<String>,
    output: String,
    #[serde(default)]
    scale: Option<f64>,
    #[serde(default)]
    antialias: Option<String>,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    gradients: Option<String>,
    #[serde(default)]
    outputs: Option<Vec<RawOutput>>,
}

fn one() -> u32 {
    1
}

/// Parses and validates a job message.
pub fn parse_job(body: &[u8]) -> Result<Job, JobError> {
    let raw: RawJob = serde_json::from_slice(body)?;
    if !(1..=JOB_VERSION).contains(&raw.version) {
        return Err(JobError::Version(raw.version));
    }
    check_id(&raw.id)?;
    let document = parse_url("document", &raw.document)?;
    if document.path().ends_with('/') {
        return Err(JobError::Location {
            field: "document",
            problem: "the URL names a folder, not a document".into(),
        });
    }
    let assets = match &raw.assets {
        Some(a) => as_folder(parse_url("assets", a)?),
        None => document.join(".").map_err(|e| JobError::Location {
            field: "document",
            problem: format!("no folder: {e}"),
        })?,
    };
    let output = as_folder(parse_url("output", &raw.output)?);
    let outputs = outputs_of(&raw)?;
    let antialias = match raw.antialias.as_deref() {
        None | Some("exact") => Antialias::Exact,
        Some("figma") => Antialias::Figma,
        Some(other) => return Err(JobError::Antialias(other.to_owned())),
    };
    let gradients = match raw.gradients.as_deref() {
        None => None,
        Some(name) => Some(
            GradientSpace::from_name(name).ok_or_else(|| JobError::Gradients(name.to_owned()))?,
        ),
    };
    Ok(Job {
        id: raw.id,
        document,
        assets,
        output,
        outputs,
        antialias,
        origin: raw
            .origin
            .as_deref()
            .map_or(Origin::Unknown, Origin::from_name),
        gradients,
    })
}

/// The outputs: version 1 names one PNG at its scale, version 2 lists them.
fn outputs_of(raw: &RawJob) -> Result<Vec<NamedOutput>, JobError> {
    if raw.version >= 2 {
        if raw.scale.is_some() {
            return Err(JobError::Outputs(
                "version 2 has no job-wide scale: each output has its own".into(),
            ));
        }
        return match &raw.outputs {
            Some(list) => parse_outputs(list.clone()).map_err(JobError::Outputs),
            None => Err(JobError::Outputs("version 2 needs `outputs`".into())),
        };
    }
    if raw.outputs.is_some() {
        return Err(JobError::Outputs(
            "`outputs` needs version 2 (version 1 renders one PNG)".into(),
        ));
    }
    let scale = raw.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0 && scale <= 64.0) {
        return Err(JobError::Scale(scale));
    }
    Ok(vec![NamedOutput {
        key: format!("{}.png", raw.id),
        spec: OutputSpec {
            layer: None,
            crop: Default::default(),
            size: OutputSize::Scale(scale as f32),
            encoding: Encoding::default(),
        },
    }])
}

/// Ids are 1-128 characters of `A-Z a-z 0-9 . _ -`, not starting with a dot.
fn check_id(id: &str) -> Result<(), JobError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(JobError::Id(id.to_owned()))
    }
}

fn parse_url(field: &'static str, s: &str) -> Result<Url, JobError> {
    let bad = |problem: String| JobError::Location { field, problem };
    let url = Url::parse(s).map_err(|e| bad(format!("{s:?} is not a URL: {e}")))?;
    if !SCHEMES.contains(&url.scheme()) {
        return Err(bad(format!(
            "scheme {:?} is not supported (use one of {})",
            url.scheme(),
            SCHEMES.join(", ")
        )));
    }
    // Canonical from the start (dot segments resolved; queries, credentials, empty
    // segments, backslashes refused), so every location derived from it is too.
    canonical(&url).map_err(bad)
}

impl Job {
    /// Where output `key` goes: `<output>/<key>` (keys are checked relative names).
    pub fn output_url(&self, key: &str) -> Url {
        let mut u = self.output.clone();
        let p = format!("{}{key}", u.path());
        u.set_path(&p);
        u
    }

    /// Every output's URL, in order.
    pub fn output_urls(&self) -> Vec<Url> {
        self.outputs
            .iter()
            .map(|o| self.output_url(&o.key))
            .collect()
    }

    /// The URL of an asset named `key` (a bare file name) under the assets prefix, or an
    /// error when the key would leave the prefix.
    pub fn asset_url(&self, key: &str) -> Result<Url, JobError> {
        if !crate::assets::is_file_name(key) {
            return Err(JobError::AssetKey(key.to_owned()));
        }
        // Pushed as one segment, so the key is a literal name: `%2e%2e` stays a file
        // called that (encoded as `%252e%252e`), never the folder above.
        let mut u = self.assets.clone();
        u.path_segments_mut()
            .map_err(|()| JobError::AssetKey(key.to_owned()))?
            .pop_if_empty()
            .push(key);
        Ok(u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_minimal_job_with_defaults() {
        let j =
            parse_job(br#"{"id":"j1","document":"file:///d/x/doc.json","output":"s3://b/out"}"#)
                .expect("job");
        assert_eq!(j.assets.as_str(), "file:///d/x/");
        assert_eq!(j.output_urls()[0].as_str(), "s3://b/out/j1.png");
        assert_eq!(j.outputs[0].spec.size, OutputSize::Scale(1.0));
        assert_eq!(j.antialias, Antialias::Exact);
        assert_eq!(j.origin, Origin::Unknown);
        assert_eq!(j.asset_url("abc").expect("key").as_str(), "file:///d/x/abc");
        let j = parse_job(
            br#"{"id":"j1","document":"file:///d/doc.json","output":"s3://b/","origin":"PHOTOSHOP"}"#,
        )
        .expect("job");
        assert_eq!(j.origin, Origin::Photoshop);
        assert_eq!(j.gradients, None);
        let j = parse_job(
            br#"{"id":"j1","document":"file:///d/doc.json","output":"s3://b/","gradients":"oklab"}"#,
        )
        .expect("job");
        assert_eq!(j.gradients, Some(GradientSpace::Oklab));
    }

    #[test]
    fn rejects_what_is_not_a_job() {
        for (body, want) in [
            (&br#"{"id":"j"}"#[..], "not a job"),
            (
                br#"{"version":3,"id":"j","document":"s3://b/d.json","output":"s3://b/"}"#,
                "version 3",
            ),
            (
                br#"{"version":2,"id":"j","document":"s3://b/d.json","output":"s3://b/"}"#,
                "needs `outputs`",
            ),
            (
                br#"{"version":2,"id":"j","document":"s3://b/d.json","output":"s3://b/","scale":2,"outputs":[{"key":"a.png"}]}"#,
                "each output has its own",
            ),
            (
                br#"{"id":"j","document":"s3://b/d.json","output":"s3://b/","outputs":[{"key":"a.png"}]}"#,
                "needs version 2",
            ),
            (
                br#"{"id":"../x","document":"s3://b/d.json","output":"s3://b/"}"#,
                "id",
            ),
            (
                br#"{"id":"j","document":"http://b/d.json","output":"s3://b/"}"#,
                "scheme",
            ),
            (
                br#"{"id":"j","document":"s3://b/d.json","output":"s3://b/","scale":0}"#,
                "scale",
            ),
            (
                br#"{"id":"j","document":"s3://b/d.json","output":"s3://b/","extra":1}"#,
                "unknown field",
            ),
            (b"\xff\xfe", "not a job"),
        ] {
            let e = parse_job(body).expect_err("rejected");
            assert!(e.to_string().contains(want), "{e} should mention {want}");
        }
    }

    #[test]
    fn version_2_lists_outputs_under_the_prefix() {
        let j = parse_job(
            br#"{"version":2,"id":"j","document":"s3://b/d.json","output":"s3://b/r/j",
                 "outputs":[{"key":"preview.png"},{"key":"icons/logo@2x.webp","layer":"1:2","scale":2}]}"#,
        )
        .expect("job");
        let urls: Vec<String> = j.output_urls().iter().map(|u| u.to_string()).collect();
        assert_eq!(
            urls,
            ["s3://b/r/j/preview.png", "s3://b/r/j/icons/logo@2x.webp"]
        );
        assert_eq!(j.outputs[1].spec.layer.as_deref(), Some("1:2"));
    }

    #[test]
    fn reads_the_antialiasing() {
        let body = |aa: &str| {
            format!(
                r#"{{"id":"j","document":"s3://b/d.json","output":"s3://b/","antialias":"{aa}"}}"#
            )
        };
        let j = parse_job(body("figma").as_bytes()).expect("job");
        assert_eq!(j.antialias, Antialias::Figma);
        let e = parse_job(body("msaa").as_bytes()).expect_err("unknown mode");
        assert!(e.to_string().contains("antialias"), "{e}");
        let e = parse_job(
            br#"{"id":"j","document":"s3://b/d.json","output":"s3://b/","gradients":"hsv"}"#,
        )
        .expect_err("unknown space");
        assert!(e.to_string().contains("gradients"), "{e}");
    }

    #[test]
    fn asset_keys_cannot_escape_the_prefix() {
        let j = parse_job(br#"{"id":"j","document":"s3://b/d/doc.json","output":"s3://b/o"}"#)
            .expect("job");
        for bad in ["../secret", "a/b", "..", ""] {
            assert!(j.asset_url(bad).is_err(), "{bad}");
        }
        // Found by the `job` fuzz target: an encoded dot-dot is a name, not the parent.
        let u = j.asset_url("%2e%2e").expect("a name");
        assert_eq!(u.as_str(), "s3://b/d/%252e%252e");
        // Also found by fuzzing: a query or an empty segment is refused, not half-read.
        for doc in [
            "s3://desig//ns?/a/d.json",
            "s3://b/d.json?x",
            "s3://b//d.json",
        ] {
            let body = format!(r#"{{"id":"j","document":"{doc}","output":"s3://b/o"}}"#);
            assert!(parse_job(body.as_bytes()).is_err(), "{doc}");
        }
    }
}
