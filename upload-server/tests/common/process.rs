//! The real server binary for tests that need a process (crash, limits):
//! a scratch directory, a free loopback port, the server on SQLite and
//! local storage there, and a wait until it is ready.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::http;

/// A fresh directory under the system temp dir.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A loopback port free right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts upload-server on `port`, keeping everything under `dir`, signing
/// with `secret`, with `extra` environment on top.
pub fn start(dir: &Path, port: u16, secret: &str, extra: &[(&str, &str)]) -> Child {
    start_with(
        Command::new(env!("CARGO_BIN_EXE_upload-server")),
        dir,
        port,
        secret,
        extra,
    )
}

/// [`start`], with at most `descriptors` open files (`ulimit -n`).
pub fn start_limited(
    dir: &Path,
    port: u16,
    secret: &str,
    extra: &[(&str, &str)],
    descriptors: u32,
) -> Child {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -n {descriptors} && exec \"$0\""))
        .arg(env!("CARGO_BIN_EXE_upload-server"));
    start_with(cmd, dir, port, secret, extra)
}

fn start_with(
    mut cmd: Command,
    dir: &Path,
    port: u16,
    secret: &str,
    extra: &[(&str, &str)],
) -> Child {
    cmd.env("BIND", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/db.sqlite", dir.display()),
        )
        .env("EXPORT_STORAGE_PATH", dir.join("files"))
        .env("EXPORT_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("AUTH_SECRET", secret)
        .env("STATIC_DIR", "/nonexistent")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // ROWPRESS_SERVER_LOG=FILE keeps the server's log, for debugging a test.
    if let Some(log) = std::env::var_os("ROWPRESS_SERVER_LOG")
        && let Ok(f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
    {
        cmd.stdout(Stdio::from(f));
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Waits until `/readyz` on `port` answers 200 (10 s at most).
pub async fn wait_ready(port: u16) {
    let host = format!("127.0.0.1:{port}");
    for _ in 0..200 {
        if matches!(http::request(&host, "GET", "/readyz", "", b"").await, Ok(r) if r.status == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

/// Every file under `dir`, recursively (none if it does not exist).
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(files(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}
