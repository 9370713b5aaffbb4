//! Download caps with the real broker: a normal worker reads each object's size before
//! downloading it, and a job over a cap (one object, the job's total, the lookups) leaves
//! for the fallback queue with the cap it passed, having fetched nothing over it.

use std::path::Path;
use std::time::Duration;

use super::harness::*;

/// A document with one image-filled rectangle per key.
fn doc_with_images(keys: &[String]) -> String {
    let layers: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            format!(
                r#"{{"id":"l{i}","type":"SHAPE","shape":{{"path":{{"type":"RECTANGLE","rectangle":{{"x0":0,"y0":0,"x1":5,"y1":5}}}},"fills":[{{"type":"IMAGE","image":{{"ref":{{"type":"PATH","value":"{k}"}}}},"positioning":{{"layout":"FILL","origin":"LAYER"}}}}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"id":"d","dimensions":{{"width":10,"height":10}},"content":{{"id":"root","type":"GROUP","layers":[{}]}}}}"#,
        layers.join(",")
    )
}

/// A sparse file of `mb` MiB: its size is real, its blocks are not written.
fn sparse(path: &Path, mb: u64) {
    let f = std::fs::File::create(path).expect("create");
    f.set_len(mb << 20).expect("set_len");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_over_a_cap_escalate_before_they_are_fetched() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("caps");
    let (input, out) = (dir.join("in"), dir.join("out"));
    for d in [&input, &out] {
        std::fs::create_dir_all(d).expect("dir");
    }
    let key = |k: &str| vec![k.to_owned()];
    std::fs::write(input.join("one-big.json"), doc_with_images(&key("big"))).expect("doc");
    sparse(&input.join("big.png"), 70);
    let abc: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    std::fs::write(input.join("three.json"), doc_with_images(&abc)).expect("doc");
    for k in &abc {
        sparse(&input.join(format!("{k}.png")), 50);
    }
    let missing: Vec<String> = (0..700).map(|i| format!("m{i}")).collect();
    std::fs::write(input.join("lookups.json"), doc_with_images(&missing)).expect("doc");
    sparse(&input.join("huge-doc.json"), 20);

    let q = Queues::new("caps");
    let broker = Broker::connect().await;
    let w = spawn_worker(&q, &dir, &[]);
    w.wait_ready(Duration::from_secs(20));
    let cases = [
        ("one-big", "over the cap of 67108864 bytes for one object"),
        ("three", "left of the job's 134217728 in all"),
        ("lookups", "looked up more than 4000 objects"),
        (
            "huge-doc",
            "document is 20971520 bytes, over the limit of 16777216",
        ),
    ];
    for (name, _) in cases {
        let job = job(name, &input.join(format!("{name}.json")), &out);
        broker.publish(&q.render, &job).await;
    }
    let escalated = broker
        .drain(&q.fallback, cases.len(), Duration::from_secs(30))
        .await;
    assert_eq!(escalated.len(), cases.len(), "log:\n{}", w.log_text());
    for (name, why) in cases {
        let found = escalated
            .iter()
            .find(|(body, _)| body.contains(&format!("\"id\":\"{name}\"")));
        let Some((_, headers)) = found else {
            panic!("{name} was not escalated: {escalated:?}");
        };
        assert!(headers.contains(why), "{name}: {headers}");
    }
    assert!(
        outputs(&out).is_empty(),
        "nothing rendered: {:?}",
        outputs(&out)
    );
    assert_eq!(broker.ready(&q.dead).await, 0);
    broker.delete(&q).await;
}
