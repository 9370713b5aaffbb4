//! Every document of the shared corpus (`../shared/corpus`, 64 real converter outputs)
//! parses, builds and renders without error or panic, at scale 1 and at 0.5, and the only
//! diagnostics left are substituted fonts (the corpus names proprietary fonts we do not
//! ship) and the images absent from the corpus (`squid-loom/octopus-6-4.json`).

mod support;

use octopus_render::{render_document, DiagKind, RenderConfig};
use support::*;

#[test]
fn every_corpus_document_renders() {
    let docs = corpus_documents();
    assert_eq!(docs.len(), 64, "the corpus should hold 64 documents");
    let mut failures = Vec::new();
    let mut unknown = Vec::new();
    for doc in &docs {
        let json = std::fs::read(doc).expect("read corpus document");
        for scale in [1.0, 0.5] {
            let cfg = RenderConfig {
                scale,
                ..RenderConfig::default()
            };
            let result =
                std::panic::catch_unwind(|| render_document(&json, &cfg, support::assets()));
            match result {
                Ok(Ok((img, diags))) => {
                    assert_eq!(img.data.len(), img.width as usize * img.height as usize * 4);
                    let absent_images = doc.ends_with("squid-loom/octopus-6-4.json");
                    unknown.extend(
                        diags
                            .into_iter()
                            .filter(|d| match d.kind {
                                DiagKind::MissingFont => false,
                                DiagKind::MissingAsset => !absent_images,
                                _ => true,
                            })
                            .map(|d| format!("{}: {d}", doc.display())),
                    );
                }
                Ok(Err(e)) => failures.push(format!("{} (scale {scale}): {e}", doc.display())),
                Err(_) => failures.push(format!("{} (scale {scale}): panicked", doc.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} renders failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        unknown.is_empty(),
        "every corpus feature should render, yet:\n{}",
        unknown.join("\n")
    );
    println!(
        "{} corpus documents rendered at scales 1 and 0.5",
        docs.len()
    );
}

#[test]
fn every_corpus_manifest_parses() {
    let mut files = Vec::new();
    walk(&corpus(), &mut files);
    let manifests: Vec<_> = files
        .iter()
        .filter(|p| p.ends_with("octopus-manifest.json"))
        .collect();
    assert!(!manifests.is_empty());
    for m in manifests {
        let bytes = std::fs::read(m).expect("read manifest");
        let parsed = octopus_schema::parse_manifest(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", m.display()));
        for c in &parsed.components {
            let doc = m.parent().expect("manifest dir").join(c.document_path());
            assert!(
                doc.is_file(),
                "{}: component {} has no document at {}",
                m.display(),
                c.id,
                doc.display()
            );
        }
    }
}
