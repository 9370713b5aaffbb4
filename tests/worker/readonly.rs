//! The worker as the manifests run it: not root, on a read-only root filesystem, with only
//! its output folder writable (`runAsNonRoot`, `readOnlyRootFilesystem` in `k8s/`). The
//! worker runs in its own mount namespace (`unshare -m`) where `/` is remounted read-only;
//! as root the test also drops to uid 10001 (`setpriv`), as the image's `USER 10001` does;
//! as another user, `unshare -rm` keeps that user.

use std::time::Duration;

use super::harness::*;

/// Remounts `/` read-only except the folder given first, then runs the rest.
const READ_ONLY: &str =
    r#"mount --bind "$1" "$1" && mount -o remount,bind,ro / && shift && exec "$@""#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_root_worker_on_a_read_only_root_filesystem_renders_a_job() {
    let _serial = SERIAL.lock().await;
    let dir = temp_dir("readonly");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("out dir");
    let doc = design(&dir);
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .expect("id -u");
    let as_root = String::from_utf8_lossy(&root.stdout).trim() == "0";
    let mut wrapper: Vec<String> = if as_root {
        vec!["unshare".into(), "-m".into()]
    } else {
        vec!["unshare".into(), "-rm".into()]
    };
    wrapper.extend(["sh".into(), "-c".into(), READ_ONLY.into(), "sh".into()]);
    wrapper.push(out.display().to_string());
    if as_root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        wrapper.extend(
            [
                "setpriv",
                "--reuid=10001",
                "--regid=10001",
                "--clear-groups",
            ]
            .map(String::from),
        );
    }
    let q = Queues::new("readonly");
    let broker = Broker::connect().await;
    let w = spawn_wrapped(&q, &dir, &[], &wrapper);
    w.wait_ready(Duration::from_secs(20));
    broker.publish(&q.render, &job("ro", &doc, &out)).await;
    assert!(
        eventually(Duration::from_secs(20), || outputs(&out) == ["ro.png"]).await,
        "no output; log:\n{}",
        w.log_text()
    );
    if as_root {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(out.join("ro.png")).expect("output");
        assert_eq!(meta.uid(), 10001, "written by the unprivileged user");
    }
    // The process that rendered is the worker itself (unshare, sh and setpriv exec it):
    // its root mount is read-only and, as root, it runs as 10001.
    let pid = w.child.id();
    let mounts = std::fs::read_to_string(format!("/proc/{pid}/mountinfo")).expect("mountinfo");
    let root_mount = mounts
        .lines()
        .find(|l| l.split(' ').nth(4) == Some("/"))
        .expect("a root mount");
    let options = root_mount.split(' ').nth(5).unwrap_or_default();
    assert!(
        options.split(',').any(|o| o == "ro"),
        "root mounted {options}"
    );
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let uid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .unwrap_or_default();
    if as_root {
        assert!(uid.split_whitespace().nth(1) == Some("10001"), "{uid}");
    }
    assert_eq!(broker.ready(&q.dead).await, 0, "{}", w.log_text());
    broker.delete(&q).await;
}
