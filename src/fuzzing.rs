//! The bodies of the fuzz targets (`fuzz/`), shared with the regression test that replays
//! the committed corpus (`tests/fuzz_regressions.rs`).
//!
//! Input: arbitrary bytes. Output: nothing; each function panics only when a property the
//! crate promises is broken (a panic anywhere inside is exactly that). Guarantees: each run
//! is small and bounded: documents are rendered on a canvas of at most 256 x 256 pixels with
//! tight limits and no images, so a fuzzer explores parsing and geometry, not big canvases.

use crate::limits::Limits;
use crate::{render_document, NoAssets, RenderConfig};

/// Limits of a fuzzed render: small enough for thousands of runs a second.
const FUZZ_LIMITS: Limits = Limits {
    document_bytes: 1 << 20,
    output_pixels: 256 * 256,
    path_segments: 20_000,
    nodes: 2_000,
    image_pixels: 1 << 16,
    decoded_pixels: 1 << 18,
    effect_reach: 256,
};

/// Document bytes -> scene -> raster -> PNG on a small canvas: any input either renders
/// or returns an error with a blame; none panics.
pub fn document(data: &[u8]) {
    let cfg = RenderConfig {
        limits: FUZZ_LIMITS,
        deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(5)),
        ..RenderConfig::default()
    };
    match render_document(data, &cfg, &NoAssets) {
        Ok(r) => {
            let (w, h) = (r.0.width as u64, r.0.height as u64);
            assert!(
                w * h <= FUZZ_LIMITS.output_pixels,
                "{w} x {h} over the limit"
            );
        }
        Err(e) => {
            // Every error names its blame and says something.
            let _ = e.blame();
            assert!(!e.to_string().is_empty());
        }
    }
}

/// Manifest bytes: parsed or refused; every component's document path is computed.
pub fn manifest(data: &[u8]) {
    if let Ok(m) = octopus_schema::parse_manifest(data) {
        for c in &m.components {
            let _ = c.document_path();
        }
    }
}

/// Job message bytes: parsed or refused; a parsed job's locations are checked against
/// roots, and canonical forms are stable (normalising twice changes nothing) and never
/// keep a dot segment, a backslash or an encoded slash.
#[cfg(feature = "worker")]
pub fn job(data: &[u8]) {
    use crate::worker::job::parse_job;
    use crate::worker::roots::{canonical, Access, Roots};
    let Ok(job) = parse_job(data) else {
        return;
    };
    let roots = Roots::parse(&["s3://designs/a/".into()], &["s3://renders/a/".into()]);
    let Ok(roots) = roots else {
        panic!("fixed roots parse");
    };
    let outputs = job.output_urls();
    for out in &outputs {
        // Every output key stays under the output prefix, whatever the job says.
        let c = canonical(out).unwrap_or_else(|e| panic!("output {out} not canonical: {e}"));
        assert!(
            c.as_str().starts_with(job.output.as_str()),
            "{c} leaves {}",
            job.output
        );
    }
    let inputs = [(&job.document, Access::Read), (&job.assets, Access::Read)];
    let outs = outputs.iter().map(|u| (u, Access::Write));
    for (url, access) in inputs.into_iter().chain(outs) {
        let _ = roots.check(url, access);
        if let Ok(c) = canonical(url) {
            assert_eq!(canonical(&c).as_ref(), Ok(&c), "canonical is stable: {url}");
            let path = c.path().to_ascii_lowercase();
            for bad in ["/../", "/./", "\\", "%2f", "%5c"] {
                assert!(!path.contains(bad), "{bad:?} kept in {c}");
            }
            assert!(!path.ends_with("/..") && !path.ends_with("/."), "{c}");
        }
    }
    for key in ["a", "../a", "a/b", "%2e%2e", "..\\a"] {
        if let Ok(u) = job.asset_url(key) {
            assert!(
                u.path().starts_with(job.assets.path()),
                "{key} leaves the prefix"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_targets_take_their_seed_shapes() {
        document(br#"{"type":"ARTBOARD","id":"a","dimensions":{"width":10,"height":10}}"#);
        document(b"[[[[");
        manifest(br#"{"components":[{"id":"x"}]}"#);
        #[cfg(feature = "worker")]
        job(br#"{"id":"j","document":"s3://designs/a/%2e%2e/d.json","output":"s3://r/"}"#);
    }
}
