//! A render that panics is an internal error: the worker catches it, the job goes round
//! again within the delivery limit (every give-back counted), then lands in the dead-letter
//! queue with its reason; the worker lives on and serves the next jobs.

use std::time::Duration;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_render_is_retried_then_dead_lettered_with_its_reason() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("panics");
    let (q, broker) = (Queues::new("panics"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    let env = [
        ("OCTOPUS_FAULTS", "panic:bug".to_owned()),
        ("DELIVERY_LIMIT", "3".to_owned()),
    ];
    let mut w = spawn_worker(&q, &dir, &env);
    w.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("bug", &doc, &out)).await;
    broker.publish(&q.render, &job("after", &doc, &out)).await;
    // Backoffs of 0.5 s and 1 s between the three attempts.
    let dead = broker.drain(&q.dead, 1, Duration::from_secs(30)).await;
    assert_eq!(dead.len(), 1, "log:\n{}", w.log_text());
    let (body, headers) = &dead[0];
    assert!(body.contains("\"bug\""), "{body}");
    assert!(headers.contains("render panicked"), "reason: {headers}");
    assert!(
        headers.contains("x-octopus-attempt=3"),
        "attempts: {headers}"
    );
    assert!(
        eventually(Duration::from_secs(20), || outputs(&out) == ["after.png"]).await,
        "outputs {:?}; log:\n{}",
        outputs(&out),
        w.log_text()
    );
    assert!(
        w.wait_exit(Duration::from_millis(100)).is_none(),
        "the worker died"
    );
    metrics_with(
        w.port,
        &["octopus_render_jobs_total{outcome=\"dead_lettered\"} 1"],
    )
    .await;
    broker.delete(&q).await;
}
