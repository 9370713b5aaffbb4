//! Hand-off jobs: a preview, a thumbnail and layer assets at 1x/2x/3x in PNG, JPEG and WebP
//! from one job on the normal tier, each stored and each equal to what the CLI renders; one
//! result per job on the results exchange; `submit --wait` prints the final result.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::harness::*;

const BIN: &str = env!("CARGO_BIN_EXE_octopus-render");

fn handoff_outputs() -> serde_json::Value {
    serde_json::json!([
        {"key": "preview.png"},
        {"key": "thumb.jpg", "fit": [160, 160], "quality": 80},
        {"key": "assets/donut.png", "layer": "donut", "scale": 1},
        {"key": "assets/donut@2x.jpg", "layer": "donut", "scale": 2, "background": "#ffffff"},
        {"key": "assets/donut@3x.webp", "layer": "donut", "scale": 3}
    ])
}

fn v2_job(id: &str, doc: &Path, out: &Path, outputs: serde_json::Value) -> Vec<u8> {
    serde_json::json!({
        "version": 2, "id": id,
        "document": format!("file://{}", doc.display()),
        "output": format!("file://{}/{id}/", out.display()),
        "outputs": outputs,
    })
    .to_string()
    .into_bytes()
}

/// What the CLI writes for `args` (a whole render or one layer), read back.
fn cli_render(doc: &Path, dir: &Path, args: &[&str], file: &str) -> Vec<u8> {
    let st = Command::new(BIN)
        .arg("render")
        .arg(doc)
        .arg("-o")
        .arg(dir.join(file))
        .args(args)
        .arg("--quiet")
        .status()
        .expect("cli runs");
    assert!(st.success(), "cli {args:?}");
    std::fs::read(dir.join(file)).expect("cli output")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handoff_job_stores_every_output_and_publishes_one_result() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("handoff");
    let (q, broker) = (Queues::new("handoff"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    let w = spawn_worker(&q, &dir, &[]);
    w.wait_ready(Duration::from_secs(20));
    let mut results = broker.listen_results(&q.results).await;
    broker
        .publish(&q.render, &v2_job("h1", &doc, &out, handoff_outputs()))
        .await;
    let got = next_results(&mut results, 1, Duration::from_secs(30)).await;
    assert_eq!(got.len(), 1, "one result; log:\n{}", w.log_text());
    let r = &got[0];
    assert_eq!(r["version"], 1);
    assert_eq!(r["id"], "h1");
    assert_eq!(r["outcome"], "done", "{r}");
    assert_eq!(r["tier"], "normal", "within the normal tier's budget");
    assert_eq!(r["reason"], serde_json::Value::Null);
    let outputs = r["outputs"].as_array().expect("outputs");
    let keys: Vec<&str> = outputs.iter().filter_map(|o| o["key"].as_str()).collect();
    assert_eq!(
        keys,
        [
            "preview.png",
            "thumb.jpg",
            "assets/donut.png",
            "assets/donut@2x.jpg",
            "assets/donut@3x.webp"
        ]
    );
    for o in outputs {
        let path = out.join("h1").join(o["key"].as_str().expect("key"));
        let bytes = std::fs::read(&path).expect("stored");
        assert_eq!(o["bytes"], bytes.len(), "{o}");
        assert_eq!(o["url"], format!("file://{}", path.display()));
        let img = image::load_from_memory(&bytes).expect("decodes");
        assert_eq!(
            (o["width"].clone(), o["height"].clone()),
            (img.width().into(), img.height().into())
        );
    }
    assert_eq!(outputs[1]["format"], "jpeg");
    assert!(outputs[1]["width"].as_u64().is_some_and(|w| w <= 160));
    assert_eq!(
        outputs[4]["width"],
        3 * outputs[2]["width"].as_u64().expect("w")
    );
    // The same bytes as the CLI renders, output by output.
    let h1 = out.join("h1");
    let cli = dir.join("cli");
    std::fs::create_dir_all(&cli).expect("dir");
    assert_eq!(
        std::fs::read(h1.join("preview.png")).expect("preview"),
        cli_render(&doc, &cli, &[], "preview.png")
    );
    assert_eq!(
        std::fs::read(h1.join("thumb.jpg")).expect("thumb"),
        cli_render(
            &doc,
            &cli,
            &["--width", "160", "--height", "160", "--quality", "80"],
            "thumb.jpg"
        )
    );
    let st = Command::new(BIN)
        .arg("render")
        .arg(&doc)
        .args([
            "--layer", "donut", "--scale", "3", "--format", "webp", "--quiet", "-o",
        ])
        .arg(cli.join("layers"))
        .status()
        .expect("cli runs");
    assert!(st.success());
    assert_eq!(
        std::fs::read(h1.join("assets/donut@3x.webp")).expect("donut"),
        std::fs::read(cli.join("layers/doc-donut@3x.webp")).expect("cli layer")
    );
    assert!(
        r["cost"]["predicted_cpu_seconds"]
            .as_f64()
            .is_some_and(|c| c > 0.0),
        "{r}"
    );
    assert!(r["timings"]["fetch"].as_f64().is_some(), "{r}");
    assert!(
        r["timings"]["total"].as_f64().is_some_and(|t| t > 0.0),
        "{r}"
    );
    metrics_with(w.port, &["octopus_render_results_total{status=\"ok\"} 1"]).await;
    broker.delete(&q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_wait_prints_the_final_result() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("submit-wait");
    let (q, broker) = (Queues::new("submitwait"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    let w = spawn_worker(&q, &dir, &[]);
    w.wait_ready(Duration::from_secs(20));
    let _worker = w;
    let submit = |id: &str, outputs: &str| {
        Command::new(BIN)
            .args(["submit", "--wait", "--wait-seconds", "60", "--id", id])
            .args(["--queue", &q.render, "--results-exchange", &q.results])
            .arg("--document")
            .arg(format!("file://{}", doc.display()))
            .arg("--output")
            .arg(format!("file://{}/", out.display()))
            .args(["--outputs", outputs])
            .env("AMQP_URL", amqp_url())
            .output()
            .expect("submit runs")
    };
    let ok = submit(
        "s1",
        r#"[{"key":"s1/a.png"},{"key":"s1/b@2x.webp","layer":"button","scale":2}]"#,
    );
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let r: serde_json::Value = serde_json::from_str(text.trim()).expect("the result");
    assert_eq!(r["outcome"], "done");
    assert_eq!(r["outputs"].as_array().map(Vec::len), Some(2));
    assert!(out.join("s1/b@2x.webp").exists());
    let bad = submit("s2", r#"[{"key":"s2.png","layer":"no-such-layer"}]"#);
    let text = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(4), "{text}");
    let r: serde_json::Value = serde_json::from_str(text.trim()).expect("the result");
    assert_eq!(r["outcome"], "dead_lettered");
    assert_eq!(r["blame"], "input");
    assert!(
        r["reason"]
            .as_str()
            .is_some_and(|s| s.contains("no-such-layer")),
        "{r}"
    );
    assert!(!out.join("s2.png").exists(), "nothing stored");
    let dead = broker.drain(&q.dead, 1, Duration::from_secs(10)).await;
    assert_eq!(dead.len(), 1, "the job itself is in the dead-letter queue");
    broker.delete(&q).await;
}
