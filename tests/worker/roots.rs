//! Storage roots with the real broker: every way out of the roots a job or a design's
//! manifest can try is dead-lettered with its reason, nothing outside is read or written,
//! and a job inside the roots still renders.

use std::path::Path;
use std::time::Duration;

use super::harness::*;

/// A job message with raw location strings (no path handling: the escapes are the point).
fn raw_job(id: &str, document: &str, output: &str) -> Vec<u8> {
    serde_json::json!({"id": id, "document": document, "output": output})
        .to_string()
        .into_bytes()
}

/// The components fixture in `dir`, with the manifest's location of `button` replaced.
fn design_with_button_at(dir: &Path, location: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs/components");
    std::fs::create_dir_all(dir).expect("design dir");
    for name in [
        "octopus-screen.json",
        "octopus-button.json",
        "octopus-icon.json",
    ] {
        std::fs::copy(src.join(name), dir.join(name)).expect("copy");
    }
    let manifest = std::fs::read_to_string(src.join("octopus-manifest.json")).expect("manifest");
    let edited = manifest.replace("\"octopus-button.json\"", &format!("{location:?}"));
    assert!(
        manifest.contains("\"octopus-button.json\""),
        "the fixture names the button"
    );
    std::fs::write(dir.join("octopus-manifest.json"), edited).expect("write manifest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_escape_from_the_roots_is_dead_lettered_and_nothing_outside_is_touched() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("roots");
    let (inside, outside, out) = (dir.join("in"), dir.join("secret"), dir.join("out"));
    for d in [&inside, &outside, &out] {
        std::fs::create_dir_all(d).expect("dir");
    }
    design(&inside);
    design(&outside);
    // The outside copy of the button is what an escaping manifest would read.
    design_with_button_at(&outside.join("lib"), "octopus-button.json");
    let secret = outside.display().to_string();
    let (i, o) = (inside.display().to_string(), out.display().to_string());
    let escapes = [
        (
            "dotdot",
            format!("file://{i}/../secret/doc.json"),
            format!("file://{o}/"),
        ),
        (
            "encoded",
            format!("file://{i}/%2e%2e/secret/doc.json"),
            format!("file://{o}/"),
        ),
        (
            "encoded-upper",
            format!("file://{i}/%2E%2E/secret/doc.json"),
            format!("file://{o}/"),
        ),
        (
            "backslash",
            format!("file://{i}\\..\\secret\\doc.json"),
            format!("file://{o}/"),
        ),
        (
            "other-root",
            format!("file://{secret}/doc.json"),
            format!("file://{o}/"),
        ),
        (
            "output-outside",
            format!("file://{i}/doc.json"),
            format!("file://{secret}/"),
        ),
        (
            "output-dotdot",
            format!("file://{i}/doc.json"),
            format!("file://{o}/%2e%2e/secret/"),
        ),
    ];
    design_with_button_at(
        &inside.join("url"),
        &format!("file://{secret}/lib/octopus-button.json"),
    );
    design_with_button_at(
        &inside.join("up"),
        "%2e%2e/%2e%2e/secret/lib/octopus-button.json",
    );
    design_with_button_at(
        &inside.join("bs"),
        "..\\..\\secret\\lib\\octopus-button.json",
    );
    let manifests = ["url", "up", "bs"];

    let q = Queues::new("roots");
    let broker = Broker::connect().await;
    let env = [
        ("INPUT_ROOTS", format!("file://{i}/")),
        ("OUTPUT_ROOTS", format!("file://{o}/")),
    ];
    let w = spawn_worker(&q, &dir, &env);
    w.wait_ready(Duration::from_secs(20));
    for (id, doc, output) in &escapes {
        broker.publish(&q.render, &raw_job(id, doc, output)).await;
    }
    for m in manifests {
        let doc = format!("file://{i}/{m}/octopus-screen.json");
        broker
            .publish(
                &q.render,
                &raw_job(&format!("manifest-{m}"), &doc, &format!("file://{o}/")),
            )
            .await;
    }
    broker
        .publish(
            &q.render,
            &raw_job(
                "good",
                &format!("file://{i}/doc.json"),
                &format!("file://{o}/"),
            ),
        )
        .await;

    let want = escapes.len() + manifests.len();
    let dead = broker.drain(&q.dead, want, Duration::from_secs(30)).await;
    assert_eq!(dead.len(), want, "log:\n{}", w.log_text());
    for (body, headers) in &dead {
        let id = serde_json::from_str::<serde_json::Value>(body).expect("job")["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let why = if id.starts_with("manifest-") {
            "invalid manifest: component \"button\""
        } else {
            "refused"
        };
        assert!(headers.contains(why), "{id}: {headers}");
        println!(
            "{id}: {}",
            headers
                .split("; ")
                .find(|h| h.starts_with("x-octopus-reason"))
                .unwrap_or(headers)
        );
    }
    assert!(
        eventually(Duration::from_secs(20), || outputs(&out) == ["good.png"]).await,
        "the job inside the roots renders; log:\n{}",
        w.log_text()
    );
    let written: Vec<String> = outputs(&outside)
        .into_iter()
        .filter(|n| n.ends_with(".png"))
        .collect();
    assert!(
        written.is_empty(),
        "written outside the output root: {written:?}"
    );
    assert_eq!(broker.ready(&q.render).await, 0);
    broker.delete(&q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_without_roots_refuses_to_start() {
    let dir = temp_dir("noroots");
    let q = Queues::new("noroots");
    for (var, value) in [
        ("INPUT_ROOTS", ""),
        ("OUTPUT_ROOTS", ""),
        ("INPUT_ROOTS", "file:///"),
    ] {
        let mut w = spawn_worker(&q, &dir, &[(var, value.to_owned())]);
        let code = w.wait_exit(Duration::from_secs(20));
        assert_eq!(code, Some(2), "{var}={value:?}; log:\n{}", w.log_text());
        assert!(w.log_text().contains(var), "{}", w.log_text());
    }
}
