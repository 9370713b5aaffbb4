//! The worker's test harness: the real RabbitMQ on 127.0.0.1:5672 (a missing broker fails
//! the tests, never skips them), worker child processes, unique queue names per test and
//! `file://` stores in temporary directories.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions,
    QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};

/// The broker the tests use (override with TEST_AMQP_URL).
pub(crate) fn amqp_url() -> String {
    std::env::var("TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// Tests share one broker (and one restarts it), so they run one at a time.
pub(crate) static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Queue names unique to one test.
#[derive(Debug, Clone)]
pub(crate) struct Queues {
    pub render: String,
    pub fallback: String,
    pub dead: String,
    /// The results exchange.
    pub results: String,
}

impl Queues {
    pub(crate) fn new(test: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let base = format!("test.{test}.{}.{n}", std::process::id());
        Queues {
            render: format!("{base}.normal"),
            fallback: format!("{base}.fallback"),
            dead: format!("{base}.dead"),
            results: format!("{base}.results"),
        }
    }
}

/// A connection and a confirming channel to the broker.
pub(crate) struct Broker {
    pub conn: Connection,
    pub ch: Channel,
}

impl Broker {
    /// Connects; panics with a clear message when RabbitMQ is not running.
    pub(crate) async fn connect() -> Self {
        let url = amqp_url();
        let conn = Connection::connect(&url, ConnectionProperties::default())
            .await
            .unwrap_or_else(|e| {
                panic!("RabbitMQ is required at {url} for the worker tests (start it with `rabbitmq-server -detached`): {e}")
            });
        let ch = conn.create_channel().await.expect("channel");
        ch.confirm_select(ConfirmSelectOptions::default())
            .await
            .expect("confirms");
        Broker { conn, ch }
    }

    /// Publishes a message and waits for the broker's confirm.
    pub(crate) async fn publish(&self, queue: &str, body: &[u8]) {
        self.ch
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions::default(),
                body,
                BasicProperties::default().with_delivery_mode(2),
            )
            .await
            .expect("publish")
            .await
            .expect("confirm");
    }

    /// Ready messages in `queue` (declared passively: the worker declared it).
    pub(crate) async fn ready(&self, queue: &str) -> u32 {
        let ch = self.conn.create_channel().await.expect("channel");
        let q = ch
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .expect("queue exists");
        let _ = ch.close(200, "ok".into()).await;
        q.message_count()
    }

    /// Takes every message of `queue` (acking them): bodies and headers as text.
    pub(crate) async fn drain(
        &self,
        queue: &str,
        expect: usize,
        within: Duration,
    ) -> Vec<(String, String)> {
        let ch = self.conn.create_channel().await.expect("channel");
        let mut consumer = ch
            .basic_consume(
                queue.into(),
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("consume");
        let mut out = Vec::new();
        let deadline = Instant::now() + within;
        while out.len() < expect {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(Some(Ok(d))) = tokio::time::timeout(left, consumer.next()).await else {
                break;
            };
            let headers = d
                .properties
                .headers()
                .as_ref()
                .map(|h| {
                    h.inner()
                        .iter()
                        .map(|(k, v)| format!("{}={}", k.as_str(), value_text(v)))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            out.push((String::from_utf8_lossy(&d.data).into_owned(), headers));
            d.ack(BasicAckOptions::default()).await.expect("ack");
        }
        let _ = ch.close(200, "ok".into()).await;
        out
    }

    /// A private queue bound to every result on `exchange` (declared by a ready worker).
    pub(crate) async fn listen_results(&self, exchange: &str) -> lapin::Consumer {
        let ch = self.conn.create_channel().await.expect("channel");
        let opts = QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..QueueDeclareOptions::default()
        };
        let q = ch
            .queue_declare("".into(), opts, FieldTable::default())
            .await
            .expect("results queue");
        ch.queue_bind(
            q.name().clone(),
            exchange.into(),
            "#".into(),
            Default::default(),
            FieldTable::default(),
        )
        .await
        .expect("bind to the results exchange");
        ch.basic_consume(
            q.name().clone(),
            "".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("consume results")
    }

    /// Deletes the test's queues.
    pub(crate) async fn delete(&self, q: &Queues) {
        for name in [&q.render, &q.fallback, &q.dead] {
            let ch = self.conn.create_channel().await.expect("channel");
            let _ = ch
                .queue_delete(name.as_str().into(), QueueDeleteOptions::default())
                .await;
        }
        let ch = self.conn.create_channel().await.expect("channel");
        let _ = ch
            .exchange_delete(q.results.as_str().into(), Default::default())
            .await;
    }
}

/// A header value as text (nested tables and arrays recursively).
pub(crate) fn value_text(v: &AMQPValue) -> String {
    match v {
        AMQPValue::LongString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        AMQPValue::ShortString(s) => s.as_str().to_owned(),
        AMQPValue::FieldArray(a) => a
            .as_slice()
            .iter()
            .map(value_text)
            .collect::<Vec<_>>()
            .join(","),
        AMQPValue::FieldTable(t) => t
            .inner()
            .iter()
            .map(|(k, v)| format!("{}={}", k.as_str(), value_text(v)))
            .collect::<Vec<_>>()
            .join(","),
        other => format!("{other:?}"),
    }
}

/// A free TCP port on localhost.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A worker child process.
pub(crate) struct Worker {
    pub child: Child,
    pub port: u16,
    pub log: PathBuf,
}

/// Starts a worker on `q` with extra environment. Its storage roots are `dir` for input
/// and output unless `env` sets `INPUT_ROOTS` / `OUTPUT_ROOTS`.
pub(crate) fn spawn_worker(q: &Queues, dir: &Path, env: &[(&str, String)]) -> Worker {
    spawn_wrapped(q, dir, env, &[])
}

/// [`spawn_worker`] with the worker started by `wrapper` (a program and its arguments, to
/// which the worker's path and `worker` are appended), such as `unshare ...`.
pub(crate) fn spawn_wrapped(
    q: &Queues,
    dir: &Path,
    env: &[(&str, String)],
    wrapper: &[String],
) -> Worker {
    let port = free_port();
    static N: AtomicUsize = AtomicUsize::new(0);
    let log = dir.join(format!("worker-{}.log", N.fetch_add(1, Ordering::SeqCst)));
    let file = std::fs::File::create(&log).expect("log file");
    let bin = env!("CARGO_BIN_EXE_octopus-render");
    let mut cmd = match wrapper.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    cmd.arg("worker")
        .env("AMQP_URL", format!("{}?heartbeat=5", amqp_url()))
        .env("RENDER_QUEUE", &q.render)
        .env("FALLBACK_QUEUE", &q.fallback)
        .env("DEAD_LETTER_QUEUE", &q.dead)
        .env("RESULTS_EXCHANGE", &q.results)
        .env("METRICS_ADDR", format!("127.0.0.1:{port}"))
        .env("GRACE_SECONDS", "5")
        .env("INPUT_ROOTS", format!("file://{}/", dir.display()))
        .env("OUTPUT_ROOTS", format!("file://{}/", dir.display()))
        .stdout(Stdio::null())
        .stderr(file);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("start worker");
    Worker { child, port, log }
}

impl Worker {
    /// Waits until /readyz answers 200.
    pub(crate) fn wait_ready(&self, within: Duration) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if http_get(self.port, "/readyz").map(|r| r.0) == Some(200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "worker not ready within {within:?}; log:\n{}",
            self.log_text()
        );
    }

    /// Sends a signal by name (TERM, INT, KILL).
    pub(crate) fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "kill -{sig} failed");
    }

    /// Waits for exit; returns the status code, or None if still running.
    pub(crate) fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking HTTP GET on localhost: status and body.
pub(crate) fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

/// Waits (up to 10 s) until the worker's `/metrics` holds every one of `lines`, then
/// returns the text; panics with the last text otherwise. Workers count a job after its
/// effect (the output stored, the dead-letter confirmed), so a test that has just seen
/// the effect may read the counters a moment before they move.
pub(crate) async fn metrics_with(port: u16, lines: &[&str]) -> String {
    let mut last = String::new();
    let ok = eventually(Duration::from_secs(10), || {
        last = http_get(port, "/metrics").map(|r| r.1).unwrap_or_default();
        lines.iter().all(|l| last.contains(l))
    })
    .await;
    assert!(ok, "metrics lack one of {lines:?}:\n{last}");
    last
}

/// A fresh temporary directory for one test.
pub(crate) fn temp_dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("octopus-worker-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A small design document (the showcase fixture) copied to `dir/doc.json`.
pub(crate) fn design(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs/octopus-showcase.json");
    let dst = dir.join("doc.json");
    std::fs::copy(&src, &dst).expect("copy design");
    dst
}

/// A job message.
pub(crate) fn job(id: &str, doc: &Path, out: &Path) -> Vec<u8> {
    serde_json::json!({
        "version": 1,
        "id": id,
        "document": format!("file://{}", doc.display()),
        "output": format!("file://{}/", out.display()),
    })
    .to_string()
    .into_bytes()
}

/// The next `n` results from `results` (parsed), waiting up to `within`.
pub(crate) async fn next_results(
    results: &mut lapin::Consumer,
    n: usize,
    within: Duration,
) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + within;
    let mut out = Vec::new();
    while out.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Some(Ok(d))) = tokio::time::timeout(left, results.next()).await else {
            break;
        };
        out.push(serde_json::from_slice(&d.data).expect("a result is JSON"));
    }
    out
}

/// Waits until `cond` holds or the time is up.
pub(crate) async fn eventually(within: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cond()
}

/// PNG files in `dir`, by name.
pub(crate) fn outputs(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Ready and unacknowledged messages of every queue, from `rabbitmqctl` (the AMQP passive
/// declare reports only ready ones).
pub(crate) fn queue_counts() -> std::collections::HashMap<String, (u32, u32)> {
    let out = std::process::Command::new("rabbitmqctl")
        .args([
            "list_queues",
            "-q",
            "--no-table-headers",
            "name",
            "messages_ready",
            "messages_unacknowledged",
        ])
        .output()
        .expect("rabbitmqctl runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let name = f.next()?.to_owned();
            let ready = f.next()?.parse().ok()?;
            let unacked = f.next()?.parse().ok()?;
            Some((name, (ready, unacked)))
        })
        .collect()
}
