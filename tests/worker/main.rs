//! The worker against the real RabbitMQ (127.0.0.1:5672) with the worker as a child
//! process: nothing lost under `kill -9`, poison jobs dead-lettered after the delivery
//! limit, clean SIGTERM, broker restarts, a wedged render, and S3 storage errors (through
//! an in-process S3 server and a fault-injecting proxy). A missing broker fails these tests
//! loudly.

mod budgets;
mod caps;
mod handoff;
mod harness;
mod panics;
mod readonly;
mod roots;
mod s3;
mod watchdog;

use std::time::{Duration, Instant};

use harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renders_a_job_and_dead_letters_a_bad_message_at_once() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("basic");
    let (q, broker) = (Queues::new("basic"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    let w = spawn_worker(&q, &dir, &[]);
    w.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("first", &doc, &out)).await;
    broker.publish(&q.render, b"{\"id\": 42}").await;
    assert!(
        eventually(Duration::from_secs(20), || outputs(&out) == ["first.png"]).await,
        "no output; log:\n{}",
        w.log_text()
    );
    let png = std::fs::read(out.join("first.png")).expect("output");
    assert_eq!(&png[1..4], b"PNG");
    let dead = broker.drain(&q.dead, 1, Duration::from_secs(10)).await;
    assert_eq!(dead.len(), 1, "the bad message is dead-lettered");
    assert!(
        dead[0].1.contains("invalid job"),
        "reason header: {}",
        dead[0].1
    );
    metrics_with(
        w.port,
        &[
            "octopus_render_jobs_total{outcome=\"done\"} 1",
            "octopus_render_jobs_total{outcome=\"dead_lettered\"} 1",
        ],
    )
    .await;
    assert_eq!(http_get(w.port, "/livez").map(|r| r.0), Some(200));
    assert!(
        w.log_text().contains("\"job_id\":\"first\""),
        "JSON logs carry the job id"
    );
    broker.delete(&q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_jobs_survive_five_kill_9s() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("kill9");
    let (q, broker) = (Queues::new("kill9"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    // Each job takes ~0.2 s so kills land mid-job.
    let ids: Vec<String> = (0..50).map(|i| format!("job-{i:02}")).collect();
    let faults: Vec<String> = ids.iter().map(|id| format!("sleep-0.2:{id}")).collect();
    let env = [
        ("OCTOPUS_FAULTS", faults.join(",")),
        ("CONCURRENCY", "2".to_owned()),
        ("DELIVERY_LIMIT", "20".to_owned()),
    ];
    let mut workers = [spawn_worker(&q, &dir, &env), spawn_worker(&q, &dir, &env)];
    // Jobs a killed normal worker held go to the fallback tier on their redelivery.
    let fallback_env = [
        env[0].clone(),
        env[1].clone(),
        env[2].clone(),
        ("TIER", "fallback".to_owned()),
    ];
    let mut fallback = spawn_worker(&q, &dir, &fallback_env);
    for w in workers.iter().chain([&fallback]) {
        w.wait_ready(Duration::from_secs(20));
    }
    for id in &ids {
        broker.publish(&q.render, &job(id, &doc, &out)).await;
    }
    // Five kills at random moments of random workers (seed printed to replay a failure).
    let mut seed = std::process::id() as u64 ^ 0x9e37_79b9_7f4a_7c15;
    println!("kill -9 schedule seed: {seed}");
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        seed >> 33
    };
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(300 + next() % 700)).await;
        let victim = (next() % 2) as usize;
        workers[victim].signal("KILL");
        let _ = workers[victim].wait_exit(Duration::from_secs(5));
        workers[victim] = spawn_worker(&q, &dir, &env);
    }
    let want: Vec<String> = ids.iter().map(|id| format!("{id}.png")).collect();
    let done = eventually(Duration::from_secs(90), || {
        outputs(&out)
            .into_iter()
            .filter(|n| n.ends_with(".png"))
            .collect::<Vec<_>>()
            == want
    })
    .await;
    assert!(done, "outputs: {:?}", outputs(&out));
    // Every output exactly once: the names are the ids, so a duplicate would be a
    // second write of the same file; check the bytes are one render.
    let first = std::fs::read(out.join("job-00.png")).expect("output");
    for n in &want {
        assert_eq!(std::fs::read(out.join(n)).expect("output"), first, "{n}");
    }
    let (_, m) = http_get(fallback.port, "/metrics").expect("metrics");
    let escalated = m
        .lines()
        .find(|l| l.starts_with("octopus_render_jobs_total{outcome=\"done\"}"))
        .unwrap_or("none");
    println!("rendered by the fallback tier after a kill: {escalated}");
    for w in workers.iter_mut().chain([&mut fallback]) {
        // The last worker respawned may still be starting when the jobs are done: a TERM
        // before its handler is installed would kill it (exit by signal, not 0).
        w.wait_ready(Duration::from_secs(30));
        w.signal("TERM");
        let code = w.wait_exit(Duration::from_secs(10));
        assert_eq!(code, Some(0), "{}", w.log_text());
    }
    assert_eq!(broker.ready(&q.render).await, 0, "render queue empty");
    assert_eq!(broker.ready(&q.fallback).await, 0, "fallback queue empty");
    assert_eq!(broker.ready(&q.dead).await, 0, "nothing dead-lettered");
    broker.delete(&q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_kills_a_normal_worker_moves_to_fallback_then_dead_letters() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("poison");
    let (q, broker) = (Queues::new("poison"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    let env = [
        ("OCTOPUS_FAULTS", "abort:poison".to_owned()),
        ("DELIVERY_LIMIT", "3".to_owned()),
    ];
    let fallback_env = [env[0].clone(), env[1].clone(), ("TIER", "fallback".into())];
    broker_declares(&q, &dir, &env).await;
    broker.publish(&q.render, &job("poison", &doc, &out)).await;
    for i in 0..10 {
        broker
            .publish(&q.render, &job(&format!("good-{i}"), &doc, &out))
            .await;
    }
    // Supervisors as Kubernetes would be: restart each worker whenever it dies.
    let mut normal = spawn_worker(&q, &dir, &env);
    let mut fallback = spawn_worker(&q, &dir, &fallback_env);
    let (mut normal_deaths, mut fallback_deaths) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut dead = Vec::new();
    while Instant::now() < deadline && (outputs(&out).len() < 10 || dead.is_empty()) {
        if let Some(code) = normal.wait_exit(Duration::from_millis(50)) {
            assert_ne!(code, 2, "refused to start:\n{}", normal.log_text());
            normal_deaths += 1;
            normal = spawn_worker(&q, &dir, &env);
        }
        if let Some(code) = fallback.wait_exit(Duration::from_millis(50)) {
            assert_ne!(code, 2, "refused to start:\n{}", fallback.log_text());
            fallback_deaths += 1;
            fallback = spawn_worker(&q, &dir, &fallback_env);
        }
        if dead.is_empty() {
            dead = broker.drain(&q.dead, 1, Duration::from_millis(10)).await;
        }
    }
    assert_eq!(outputs(&out).len(), 10, "good jobs: {:?}", outputs(&out));
    assert_eq!(
        normal_deaths, 1,
        "the job that killed a normal worker went to the fallback tier on its redelivery"
    );
    assert!(
        fallback_deaths >= 2,
        "the fallback tier tried it again: {fallback_deaths} deaths"
    );
    assert_eq!(dead.len(), 1);
    assert!(dead[0].0.contains("\"poison\""));
    assert!(
        dead[0].1.contains("delivery_limit"),
        "x-death says why: {}",
        dead[0].1
    );
    assert!(
        dead[0].1.contains("ended without a result"),
        "the escalation reason travels with it: {}",
        dead[0].1
    );
    broker.delete(&q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_the_escalation_confirm_and_the_ack_leaves_one_output() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("confirm-crash");
    let (q, broker) = (Queues::new("confirm-crash"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    // Over the normal budget (1 s), so it escalates; the worker dies after the confirm.
    let faults = "sleep-2:heavy,abort-after-forward:heavy".to_owned();
    let mut normal = spawn_worker(
        &q,
        &dir,
        &[
            ("OCTOPUS_FAULTS", faults),
            ("JOB_TIMEOUT_SECONDS", "1".to_owned()),
        ],
    );
    normal.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("heavy", &doc, &out)).await;
    assert!(
        normal.wait_exit(Duration::from_secs(20)).is_some(),
        "the fault killed the worker"
    );
    assert!(
        eventually(Duration::from_secs(10), || queue_counts().get(&q.fallback)
            == Some(&(1, 0)))
        .await,
        "the escalation was confirmed before the crash"
    );
    // The original is redelivered to a normal worker (no fault now) and a fallback worker
    // takes the escalated copy.
    let normal = spawn_worker(&q, &dir, &[("JOB_TIMEOUT_SECONDS", "1".to_owned())]);
    let fallback = spawn_worker(&q, &dir, &[("TIER", "fallback".to_owned())]);
    normal.wait_ready(Duration::from_secs(20));
    fallback.wait_ready(Duration::from_secs(20));
    assert!(
        eventually(Duration::from_secs(30), || {
            let counts = queue_counts();
            outputs(&out) == ["heavy.png"]
                && counts.get(&q.render) == Some(&(0, 0))
                && counts.get(&q.fallback) == Some(&(0, 0))
        })
        .await,
        "outputs {:?}\nnormal:\n{}\nfallback:\n{}",
        outputs(&out),
        normal.log_text(),
        fallback.log_text()
    );
    assert_eq!(broker.ready(&q.dead).await, 0, "nothing dead-lettered");
    broker.delete(&q).await;
}

/// Starts and stops a worker once so the queues exist before the test publishes.
async fn broker_declares(q: &Queues, dir: &std::path::Path, env: &[(&str, String)]) {
    let mut w = spawn_worker(q, dir, env);
    w.wait_ready(Duration::from_secs(20));
    w.signal("TERM");
    assert_eq!(w.wait_exit(Duration::from_secs(10)), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_short_jobs_and_requeues_long_ones_at_once() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("sigterm");
    let (q, broker) = (Queues::new("sigterm"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    let faults = ("OCTOPUS_FAULTS", "sleep-1:short,sleep-60:long".to_owned());
    // A short job finishes within the grace period and is acked.
    // Its budget (4 s) ends within the grace period (5 s), so it may finish.
    let mut w = spawn_worker(
        &q,
        &dir,
        &[
            faults.clone(),
            ("GRACE_SECONDS", "5".into()),
            ("JOB_TIMEOUT_SECONDS", "4".into()),
        ],
    );
    w.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("short", &doc, &out)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    w.signal("TERM");
    assert_eq!(
        w.wait_exit(Duration::from_secs(6)),
        Some(0),
        "{}",
        w.log_text()
    );
    assert_eq!(outputs(&out), ["short.png"]);
    assert_eq!(broker.ready(&q.render).await, 0);
    // A long one (budget 20 s, grace 1 s) is requeued at once; a second worker gets it.
    let mut w = spawn_worker(&q, &dir, &[faults.clone(), ("GRACE_SECONDS", "1".into())]);
    w.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("long", &doc, &out)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let other = spawn_worker(&q, &dir, &[]);
    other.wait_ready(Duration::from_secs(20));
    let t0 = Instant::now();
    w.signal("TERM");
    // The signal arrives asynchronously: readiness must drop (or the worker be gone)
    // well before the job's 60 s or the 1 s grace period end.
    let dropped = eventually(Duration::from_millis(500), || {
        http_get(w.port, "/readyz").map(|r| r.0) != Some(200)
    })
    .await;
    let code = w.wait_exit(Duration::from_secs(4));
    let exited = t0.elapsed();
    assert_eq!(code, Some(0), "{}", w.log_text());
    assert!(dropped, "readiness drops at once");
    assert!(
        eventually(Duration::from_secs(20), || outputs(&out)
            .contains(&"long.png".to_owned()))
        .await,
        "the long job was not redelivered; log:\n{}",
        other.log_text()
    );
    let redelivered = t0.elapsed();
    println!("SIGTERM: exit after {exited:?}, job re-rendered by another worker {redelivered:?} after the signal");
    assert!(
        redelivered < Duration::from_secs(3),
        "redelivery took {redelivered:?}"
    );
    broker.delete(&q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_restart_mid_job_loses_nothing() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("restart");
    let (q, broker) = (Queues::new("restart"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    let w = spawn_worker(&q, &dir, &[("OCTOPUS_FAULTS", "sleep-2:mid".to_owned())]);
    w.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("mid", &doc, &out)).await;
    drop(broker);
    tokio::time::sleep(Duration::from_millis(500)).await;
    rabbitmqctl("stop_app");
    assert!(
        eventually(Duration::from_secs(10), || http_get(w.port, "/readyz")
            .map(|r| r.0)
            == Some(503))
        .await,
        "readiness drops while the broker is away"
    );
    rabbitmqctl("start_app");
    w.wait_ready(Duration::from_secs(60));
    let broker = Broker::connect().await;
    broker.publish(&q.render, &job("after", &doc, &out)).await;
    assert!(
        eventually(Duration::from_secs(60), || outputs(&out)
            == ["after.png", "mid.png"])
        .await,
        "outputs {:?}; log:\n{}",
        outputs(&out),
        w.log_text()
    );
    assert_eq!(broker.ready(&q.render).await, 0);
    broker.delete(&q).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_over_the_normal_budget_escalates_to_the_fallback_tier() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("escalate");
    let (q, broker) = (Queues::new("escalate"), Broker::connect().await);
    let out = dir.join("out");
    let doc = design(&dir);
    // The normal worker's budget is 1 s and this job takes 2.5 s there: the worker's hard
    // stop (the deadline and a second's grace) comes half a second before the render would
    // come back and report its own check (at 2 s the two raced).
    let normal = spawn_worker(
        &q,
        &dir,
        &[
            ("OCTOPUS_FAULTS", "sleep-2.5:heavy".to_owned()),
            ("JOB_TIMEOUT_SECONDS", "1".to_owned()),
        ],
    );
    let fallback = spawn_worker(&q, &dir, &[("TIER", "fallback".to_owned())]);
    normal.wait_ready(Duration::from_secs(20));
    fallback.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("heavy", &doc, &out)).await;
    assert!(
        eventually(Duration::from_secs(30), || outputs(&out) == ["heavy.png"]).await,
        "normal:\n{}\nfallback:\n{}",
        normal.log_text(),
        fallback.log_text()
    );
    metrics_with(
        normal.port,
        &["octopus_render_escalations_total{reason=\"deadline\"} 1"],
    )
    .await;
    metrics_with(
        fallback.port,
        &["octopus_render_jobs_total{outcome=\"done\"} 1"],
    )
    .await;
    assert_eq!(broker.ready(&q.fallback).await, 0);
    assert_eq!(broker.ready(&q.dead).await, 0);
    broker.delete(&q).await;
}

fn rabbitmqctl(cmd: &str) {
    let st = std::process::Command::new("rabbitmqctl")
        .arg(cmd)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("rabbitmqctl is needed to restart the broker");
    assert!(st.success(), "rabbitmqctl {cmd} failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn component_references_are_fetched_through_the_manifest() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("components");
    let (q, broker) = (Queues::new("components"), Broker::connect().await);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs/components");
    let design = dir.join("design");
    std::fs::create_dir_all(&design).expect("design dir");
    for name in [
        "octopus-manifest.json",
        "octopus-screen.json",
        "octopus-button.json",
        "octopus-icon.json",
    ] {
        std::fs::copy(src.join(name), design.join(name)).expect("copy");
    }
    let out = dir.join("out");
    let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fonts");
    let w = spawn_worker(&q, &dir, &[("FONT_DIRS", fonts.display().to_string())]);
    w.wait_ready(Duration::from_secs(20));
    broker
        .publish(
            &q.render,
            &job("screen", &design.join("octopus-screen.json"), &out),
        )
        .await;
    assert!(
        eventually(Duration::from_secs(20), || outputs(&out) == ["screen.png"]).await,
        "{}",
        w.log_text()
    );
    // Same pixels as the reference render (which had the components in memory).
    let decode = |p: &std::path::Path| {
        let mut r = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(p).expect("png"),
        ))
        .read_info()
        .expect("png");
        let mut buf = vec![0; r.output_buffer_size().expect("size")];
        r.next_frame(&mut buf).expect("frame");
        buf
    };
    assert!(
        decode(&out.join("screen.png")) == decode(&src.join("octopus-screen.png")),
        "the worker's render differs from the reference; log:\n{}",
        w.log_text()
    );
    assert!(!w.log_text().contains("not available"), "{}", w.log_text());
    broker.delete(&q).await;
}
