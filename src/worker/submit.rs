//! `octopus-render submit`: publish one render job, for trying a worker out and for scripts.
//!
//! Input: the job's fields as flags (`--outputs` makes it a version 2 job with several
//! outputs) and the broker URL. Output: the message on the render queue, confirmed by the
//! broker; exit 0 only then. With `--wait`, the job's final result (see `report.rs`) on
//! stdout once a worker publishes it: exit 0 when it is `done`, 4 when it was
//! dead-lettered, 5 when none came in time. Guarantees: the message is validated with the
//! worker's own parser first, so what is submitted is a job the worker accepts; it is
//! persistent, so a broker restart keeps it; the result queue is bound before the job is
//! published, so a fast result is not missed.

use std::process::ExitCode;

use clap::Args;
use lapin::options::ConfirmSelectOptions;
use lapin::{BasicProperties, Connection, ConnectionProperties};

use super::job::parse_job;
use super::queue::publish_confirmed;
use super::submit_wait::ResultWaiter;

/// `submit` flags.
#[derive(Debug, Clone, Args)]
pub struct SubmitArgs {
    /// Broker URL.
    #[arg(
        long,
        env = "AMQP_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f"
    )]
    pub amqp_url: String,
    /// Queue to publish to.
    #[arg(long, env = "RENDER_QUEUE", default_value = "render.normal")]
    pub queue: String,
    /// Job id (names the output `<output>/<id>.png`).
    #[arg(long)]
    pub id: String,
    /// Document URL (file://, s3://, gs://, az://).
    #[arg(long)]
    pub document: String,
    /// Output prefix URL.
    #[arg(long)]
    pub output: String,
    /// Assets prefix URL (default: the document's folder).
    #[arg(long)]
    pub assets: Option<String>,
    /// Output pixels per design pixel (version 1 jobs: without `--outputs`).
    #[arg(long, default_value_t = 1.0, conflicts_with = "outputs")]
    pub scale: f64,
    /// The outputs, as the JSON array of a version 2 job:
    /// `[{"key":"preview.png"},{"key":"logo@2x.webp","layer":"12:34","scale":2}]`.
    #[arg(long)]
    pub outputs: Option<String>,
    /// Wait for the job's final result and print it (needs the workers' results exchange).
    #[arg(long)]
    pub wait: bool,
    /// Seconds `--wait` waits.
    #[arg(long, default_value_t = 600.0)]
    pub wait_seconds: f64,
    /// The results exchange `--wait` listens on.
    #[arg(long, env = "RESULTS_EXCHANGE", default_value = "render.results")]
    pub results_exchange: String,
    /// Anti-aliasing: `exact`, or `figma` for designs that came from Figma.
    #[arg(long, default_value = "exact")]
    pub antialias: String,
    /// The design tool the document comes from (the manifest's `origin.name`: `FIGMA`,
    /// `PHOTOSHOP`, ...), for that tool's look where the Octopus leaves it open.
    #[arg(long)]
    pub origin: Option<String>,
    /// The colour space gradients mix in (`srgb`, `oklab`, `linear`; default: the origin's).
    #[arg(long)]
    pub gradients: Option<String>,
}

/// Builds, checks and publishes the job.
pub fn run(args: SubmitArgs) -> ExitCode {
    let mut msg = serde_json::json!({
        "version": 1,
        "id": args.id,
        "document": args.document,
        "output": args.output,
        "antialias": args.antialias,
    });
    match &args.outputs {
        None => msg["scale"] = args.scale.into(),
        Some(list) => match serde_json::from_str::<serde_json::Value>(list) {
            Ok(v) => {
                msg["version"] = 2.into();
                msg["outputs"] = v;
            }
            Err(e) => {
                eprintln!("error: --outputs is not JSON: {e}");
                return ExitCode::from(2);
            }
        },
    }
    if let Some(a) = &args.assets {
        msg["assets"] = serde_json::Value::String(a.clone());
    }
    for (field, value) in [("origin", &args.origin), ("gradients", &args.gradients)] {
        if let Some(v) = value {
            msg[field] = serde_json::Value::String(v.clone());
        }
    }
    let body = msg.to_string().into_bytes();
    if let Err(e) = parse_job(&body) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(publish(&args, &body)) {
        Ok(None) => {
            println!("{}", String::from_utf8_lossy(&body));
            ExitCode::SUCCESS
        }
        Ok(Some(result)) => {
            println!("{result}");
            match result["outcome"].as_str() {
                Some("done") => ExitCode::SUCCESS,
                _ => ExitCode::from(4),
            }
        }
        Err(SubmitError::NoResult(why)) => {
            eprintln!("error: {why}");
            ExitCode::from(5)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Publishes the job; with `--wait`, returns its final result.
async fn publish(args: &SubmitArgs, body: &[u8]) -> Result<Option<serde_json::Value>, SubmitError> {
    let conn = Connection::connect(&args.amqp_url, ConnectionProperties::default())
        .await
        .map_err(SubmitError::Connect)?;
    let sent = async {
        let ch = conn.create_channel().await?;
        let waiter = match args.wait {
            true => Some(ResultWaiter::bind(&ch, &args.results_exchange, &args.id).await?),
            false => None,
        };
        ch.confirm_select(ConfirmSelectOptions::default()).await?;
        publish_confirmed(&ch, &args.queue, body, &BasicProperties::default(), &[])
            .await
            .map_err(SubmitError::Publish)?;
        match waiter {
            Some(w) => w.final_result(args.wait_seconds).await.map(Some),
            None => Ok(None),
        }
    };
    let result = sent.await;
    if let Err(e) = conn.close(200, "submitted".into()).await {
        tracing::debug!(error = %e, "closing the connection after submitting");
    }
    result
}

/// Why a job could not be submitted.
#[derive(Debug, thiserror::Error)]
pub(super) enum SubmitError {
    /// The broker is not reachable.
    #[error("cannot connect to the broker: {0}")]
    Connect(lapin::Error),
    /// The channel failed.
    #[error("{0}")]
    Channel(#[from] lapin::Error),
    /// The broker did not take the message.
    #[error("{0} (start a worker first: it declares the queues)")]
    Publish(super::error::PublishError),
    /// `--wait` saw no final result.
    #[error("{0}")]
    NoResult(String),
}
