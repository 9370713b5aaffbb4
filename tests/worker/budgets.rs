//! The normal tier against the generated outliers: every job that will not fit leaves for
//! the fallback tier within 2 s of its delivery, with its reason, and the worker's peak
//! resident memory stays under the normal tier's budget throughout.

use std::path::Path;
use std::time::Duration;

use octopus_render::synth::{outlier, OUTLIERS};

use crate::harness::*;

/// Writes outlier `name` and its bitmaps into `dir/name/`; returns the document's path.
fn write_outlier(dir: &Path, name: &str) -> std::path::PathBuf {
    let o = outlier(name).expect("known outlier");
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).expect("folder");
    for (key, png) in &o.images {
        std::fs::write(folder.join(format!("{key}.png")), png).expect("image");
    }
    let doc = folder.join("doc.json");
    std::fs::write(&doc, &o.octopus).expect("document");
    doc
}

/// `VmHWM` of a process, in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    let kib: u64 = line[6..]
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .expect("a number");
    kib * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outliers_leave_the_normal_tier_at_once_and_memory_stays_in_budget() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("outliers");
    let (q, broker) = (Queues::new("outliers"), Broker::connect().await);
    let out = dir.join("out");
    let docs: Vec<(&str, std::path::PathBuf)> = OUTLIERS
        .iter()
        .map(|n| (*n, write_outlier(&dir, n)))
        .collect();
    let small = design(&dir);
    // The normal tier's defaults: 20 s, 500 MB, 0.5 CPU nominal.
    let w = spawn_worker(&q, &dir, &[]);
    w.wait_ready(Duration::from_secs(20));
    for (name, doc) in &docs {
        broker.publish(&q.render, &job(name, doc, &out)).await;
    }
    broker.publish(&q.render, &job("small", &small, &out)).await;
    // Fits: the small design, the deep nesting, the blur that leaves nothing and the stack
    // of background blurs (linear since they share a canvas); everything else is escalated.
    let fits = [
        "backdrop-stack.png",
        "blur-1e7.png",
        "deep-nesting.png",
        "small.png",
    ];
    let escalated = OUTLIERS.len() + 1 - fits.len();
    let moved = broker
        .drain(&q.fallback, escalated, Duration::from_secs(60))
        .await;
    assert_eq!(moved.len(), escalated, "log:\n{}", w.log_text());
    assert!(
        eventually(Duration::from_secs(30), || outputs(&out) == fits).await,
        "outputs {:?}; log:\n{}",
        outputs(&out),
        w.log_text()
    );
    for (body, headers) in &moved {
        assert!(headers.contains("x-octopus-reason="), "{body}: {headers}");
        println!("escalated {body}\n  {headers}");
    }
    // Every escalation within 2 s of its delivery (the worker logs each job's seconds).
    let log = w.log_text();
    for line in log.lines().filter(|l| l.contains("\"job settled\"")) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON log line");
        let seconds = v["seconds"].as_f64().expect("seconds");
        if v["outcome"] == "escalated" {
            assert!(seconds < 2.0, "escalated after {seconds} s: {line}");
        }
    }
    for l in w.log_text().lines().filter(|l| l.contains("settled")) {
        println!("LOG {l}");
    }
    let peak = peak_rss(w.child.id());
    println!("worker peak resident memory: {} MB", peak >> 20);
    assert!(
        peak < 500 << 20,
        "peak {} MB over the normal budget",
        peak >> 20
    );
    metrics_with(
        w.port,
        &[
            "octopus_render_escalations_total{reason=\"predicted_time\"}",
            "octopus_render_escalations_total{reason=\"limit\"}",
            "octopus_render_cost_ratio_count 4",
        ],
    )
    .await;
    broker.delete(&q).await;
}
