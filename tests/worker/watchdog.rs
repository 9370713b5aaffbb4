//! The liveness watchdog: a render that runs past its hard deadline fails `/livez`, so
//! Kubernetes restarts the pod; the job itself was already given back.

use std::time::Duration;

use super::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wedged_render_fails_liveness_until_it_ends() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("watchdog");
    let (q, broker) = (Queues::new("watchdog"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    // A 1 s budget: the hard deadline is 1 + 0.25 + 2 = 3.25 s. The injected sleep holds
    // the render thread for 8 s without checking the deadline, as a wedged render would.
    let w = spawn_worker(
        &q,
        &dir,
        &[
            ("OCTOPUS_FAULTS", "sleep-8:wedged".to_owned()),
            ("JOB_TIMEOUT_SECONDS", "1".to_owned()),
        ],
    );
    w.wait_ready(Duration::from_secs(20));
    let (_, m) = http_get(w.port, "/metrics").expect("metrics");
    assert!(
        m.contains("octopus_render_hard_deadline_seconds 3.25"),
        "{m}"
    );
    broker.publish(&q.render, &job("wedged", &doc, &out)).await;
    assert_eq!(http_get(w.port, "/livez").map(|r| r.0), Some(200));
    // The job loop stops waiting at the budget and escalates the job.
    assert!(
        eventually(Duration::from_secs(10), || http_get(w.port, "/metrics")
            .is_some_and(
                |(_, m)| m.contains("escalations_total{reason=\"deadline\"} 1")
            ))
        .await,
        "{}",
        w.log_text()
    );
    // Past 3.25 s the render is wedged.
    assert!(
        eventually(Duration::from_secs(6), || http_get(w.port, "/livez")
            .is_some_and(|(code, body)| code == 503 && body.contains("wedged")))
        .await,
        "{}",
        w.log_text()
    );
    let (_, m) = http_get(w.port, "/metrics").expect("metrics");
    let oldest = m
        .lines()
        .find_map(|l| l.strip_prefix("octopus_render_oldest_render_seconds "))
        .and_then(|v| v.parse::<f64>().ok())
        .expect("oldest render gauge");
    assert!(oldest > 3.25, "{oldest}");
    assert!(
        w.log_text().contains("failing liveness"),
        "{}",
        w.log_text()
    );
    // When the render thread comes back, the pod is live again.
    assert!(
        eventually(Duration::from_secs(10), || http_get(w.port, "/livez")
            .map(|r| r.0)
            == Some(200))
        .await,
        "{}",
        w.log_text()
    );
    assert_eq!(broker.ready(&q.fallback).await, 1, "escalated, not lost");
    assert!(outputs(&out).is_empty());
    broker.delete(&q).await;
}
