//! The worker on S3: an in-process S3 server (`s3s-fs`, checking SigV4 signatures, over a
//! temporary directory) started by the test, behind a proxy that fails the first requests
//! with 503, or every request with 403. Nothing outside the project's own dependencies.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::harness::*;

/// The access key and secret the server checks signatures against.
const KEY: (&str, &str) = ("octopus-test", "octopus-test-secret");

/// Serves the S3 API over `root` (one folder per bucket) on a free port until the test's
/// runtime ends; returns the port.
async fn start_s3(root: &Path) -> u16 {
    use hyper_util::rt::TokioIo;
    use s3s::auth::SimpleAuth;
    use s3s::service::S3ServiceBuilder;

    std::fs::create_dir_all(root).expect("S3 root");
    let fs = s3s_fs::FileSystem::new(root).expect("S3 file system");
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(KEY.0, KEY.1));
    let service = builder.build();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("S3 port");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), service.clone());
            tokio::spawn(conn);
        }
    });
    port
}

/// What the proxy does with each new connection's first request.
#[derive(Clone, Copy)]
enum Mode {
    /// Answer 503 to the first `n` requests, then forward.
    FailFirst(usize),
    /// Answer 403 to everything.
    Deny,
}

/// A proxy in front of the S3 server; returns its port and the count of requests it refused.
async fn start_proxy(upstream: u16, mode: Mode) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy port");
    let port = listener.local_addr().expect("addr").port();
    let refused = Arc::new(AtomicUsize::new(0));
    let r = Arc::clone(&refused);
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(proxy_conn(conn, upstream, mode, Arc::clone(&r)));
        }
    });
    (port, refused)
}

async fn proxy_conn(mut conn: TcpStream, upstream: u16, mode: Mode, refused: Arc<AtomicUsize>) {
    // Read the request head before deciding.
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let refuse = match mode {
        Mode::Deny => Some("403 Forbidden"),
        Mode::FailFirst(n) if refused.load(Ordering::SeqCst) < n => Some("503 Service Unavailable"),
        Mode::FailFirst(_) => None,
    };
    if let Some(status) = refuse {
        refused.fetch_add(1, Ordering::SeqCst);
        let code = if status.starts_with("403") {
            "AccessDenied"
        } else {
            "SlowDown"
        };
        let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected</Message></Error>");
        let resp = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = conn.write_all(resp.as_bytes()).await;
        let _ = conn.shutdown().await;
        return;
    }
    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)).await else {
        return;
    };
    if up.write_all(&head).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut conn, &mut up).await;
}

fn s3_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_ACCESS_KEY_ID", KEY.0.into()),
        ("AWS_SECRET_ACCESS_KEY", KEY.1.into()),
        ("AWS_REGION", "us-east-1".into()),
    ]
}

/// Creates bucket `b` (a folder of the server's root) and uploads the showcase design as
/// `designs/doc.json` through the S3 API.
async fn bucket_with_design(root: &Path, port: u16, b: &str) -> Arc<dyn ObjectStore> {
    std::fs::create_dir_all(root.join(b)).expect("bucket");
    let mut builder = AmazonS3Builder::new().with_bucket_name(b);
    for (k, v) in s3_env(port) {
        builder = builder.with_config(k.to_ascii_lowercase().parse().expect("key"), v);
    }
    let store: Arc<dyn ObjectStore> = Arc::new(builder.build().expect("store"));
    let doc = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/designs/octopus-showcase.json"
    ))
    .expect("design");
    store
        .put(&StorePath::from("designs/doc.json"), PutPayload::from(doc))
        .await
        .expect("upload design");
    store
}

/// A worker's environment on the S3 endpoint at `port`, confined to the test bucket.
fn worker_env(port: u16) -> Vec<(&'static str, String)> {
    let mut env = s3_env(port);
    env.push(("INPUT_ROOTS", "s3://octo/designs/".into()));
    env.push(("OUTPUT_ROOTS", "s3://octo/renders/".into()));
    env
}

fn s3_job(id: &str, b: &str) -> Vec<u8> {
    serde_json::json!({"id": id, "document": format!("s3://{b}/designs/doc.json"), "output": format!("s3://{b}/renders/")})
        .to_string()
        .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_503s_are_retried_and_403_fails_fast() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("s3");
    let root = dir.join("s3");
    let s3 = start_s3(&root).await;
    let store = bucket_with_design(&root, s3, "octo").await;
    let broker = Broker::connect().await;

    // 503 three times, then success: object_store's retries carry the job through.
    let (flaky, refused) = start_proxy(s3, Mode::FailFirst(3)).await;
    let q = Queues::new("s3flaky");
    let w = spawn_worker(&q, &dir, &worker_env(flaky));
    w.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &s3_job("flaky", "octo")).await;
    let path = StorePath::from("renders/flaky.png");
    let deadline = Instant::now() + Duration::from_secs(30);
    let png = loop {
        if let Ok(r) = store.get(&path).await {
            break r.bytes().await.expect("bytes");
        }
        assert!(
            Instant::now() < deadline,
            "no output; log:\n{}",
            w.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(&png[1..4], b"PNG");
    assert_eq!(
        refused.load(Ordering::SeqCst),
        3,
        "the proxy refused three requests"
    );
    assert_eq!(broker.ready(&q.dead).await, 0);
    drop(w);
    broker.delete(&q).await;

    // 403: permanent, dead-lettered at once with the reason, no retries.
    let (denied, refused) = start_proxy(s3, Mode::Deny).await;
    let q = Queues::new("s3denied");
    let w = spawn_worker(&q, &dir, &worker_env(denied));
    w.wait_ready(Duration::from_secs(20));
    let t0 = Instant::now();
    broker.publish(&q.render, &s3_job("denied", "octo")).await;
    let dead = broker.drain(&q.dead, 1, Duration::from_secs(20)).await;
    let took = t0.elapsed();
    assert_eq!(dead.len(), 1, "log:\n{}", w.log_text());
    assert!(dead[0].1.contains("access denied"), "{}", dead[0].1);
    assert_eq!(refused.load(Ordering::SeqCst), 1, "a 403 is not retried");
    println!("403: dead-lettered {took:?} after publishing");
    assert!(took < Duration::from_secs(5));
    metrics_with(
        w.port,
        &["octopus_render_storage_errors_total{kind=\"permanent\"} 1"],
    )
    .await;

    // Locations outside the roots: dead-lettered without a single request to S3.
    let before = refused.load(Ordering::SeqCst);
    for (id, doc, out) in [
        (
            "bucket",
            "s3://secret/designs/doc.json",
            "s3://octo/renders/",
        ),
        (
            "up",
            "s3://octo/designs/../private/doc.json",
            "s3://octo/renders/",
        ),
        (
            "encoded",
            "s3://octo/designs/%2e%2e/private/doc.json",
            "s3://octo/renders/",
        ),
        (
            "slash",
            "s3://octo/designs/x/..%2f..%2fprivate/doc.json",
            "s3://octo/renders/",
        ),
        (
            "backslash",
            "s3://octo/designs/..\\private/doc.json",
            "s3://octo/renders/",
        ),
        ("output", "s3://octo/designs/doc.json", "s3://octo/designs/"),
    ] {
        let body = serde_json::json!({"id": id, "document": doc, "output": out}).to_string();
        broker.publish(&q.render, body.as_bytes()).await;
    }
    let dead = broker.drain(&q.dead, 6, Duration::from_secs(20)).await;
    assert_eq!(dead.len(), 6, "log:\n{}", w.log_text());
    for (body, headers) in &dead {
        // Outside a root ("refused"), or not a canonical location at all: the job parser
        // refuses an encoded '/' or a backslash before the roots are consulted.
        let why = ["refused: ", "is not accepted"];
        assert!(why.iter().any(|w| headers.contains(w)), "{body}: {headers}");
    }
    assert_eq!(
        refused.load(Ordering::SeqCst),
        before,
        "a location outside the roots reached S3"
    );
    broker.delete(&q).await;
}
