//! Faults injected under a stream of uploads on the real server binary,
//! each followed by the clients' retries with the same Idempotency-Keys, as
//! the web app's offline queue retries: the disk fills up then has room
//! again; PostgreSQL stops for ~10 s; s3s-fs is killed and restarted;
//! clients disconnect mid-body and right after their last byte. After each:
//! every 2xx was a `completed` export whose download has the upload's
//! SHA-256, every key ends up stored exactly once, no `completed` row lacks
//! its object, no temporary or orphaned file is left, and the server
//! recovered without a restart.
//!
//! Needs root (a tmpfs is mounted; PostgreSQL is stopped and started), as
//! CI runs. The faults are serialised: PostgreSQL is shared.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

mod common;
use common::http;
use common::process::{files, free_port, scratch_dir, start, wait_ready};
use common::{payload, s3fs};

const SECRET: &str = "faults-test-secret-value";

/// One fault at a time: they stop shared services.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn token() -> String {
    upload_server::auth::Keys::from_secret(SECRET.as_bytes())
        .issue("alice", Duration::from_secs(3600))
        .unwrap()
}

/// POSTs an upload with its key: status and JSON body (`Err` when the
/// connection failed).
async fn upload(port: u16, artifact: &str, key: &str, pdf: &[u8]) -> std::io::Result<(u16, Value)> {
    let headers = format!(
        "{}Content-Type: application/pdf\r\nIdempotency-Key: {key}\r\n",
        http::bearer(&token())
    );
    let path = format!("/api/artifacts/{artifact}/exports?format=pdf");
    let r = http::request(&format!("127.0.0.1:{port}"), "POST", &path, &headers, pdf).await?;
    Ok((r.status, r.json()))
}

async fn new_artifact(port: u16) -> String {
    let headers = format!(
        "{}Content-Type: application/json\r\n",
        http::bearer(&token())
    );
    let r = http::request(
        &format!("127.0.0.1:{port}"),
        "POST",
        "/api/artifacts",
        &headers,
        br#"{"type":"table","data":{"headers":["a"],"rows":[["x"]]}}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    r.json()["id"].as_str().unwrap().to_owned()
}

/// What the clients saw: each key's bytes' digest and the 201 it got.
#[derive(Default)]
struct Seen {
    /// key -> (sha256 of its bytes, the 201's body)
    stored: HashMap<String, (String, Value)>,
    /// Answers other than 201, by status (0: no answer).
    refused: HashMap<u16, u32>,
}

/// `clients` clients upload distinct ~100 KB PDFs, each under a key of its
/// own, retrying a key until it gets 201 (any 5xx, 409 IN_PROGRESS, 429 or
/// a dropped connection is retried after 200 ms; anything else fails the
/// test), while `fault` runs. New keys stop once `fault` is over; the run
/// ends when every key is stored, or fails after `patience`.
async fn uploads_through<F: std::future::Future<Output = ()>>(
    port: u16,
    artifact: &str,
    clients: usize,
    patience: Duration,
    fault: F,
) -> Seen {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pdfs: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..8)
            .map(|i| payload::pdf_of_at_least(100_000, i))
            .collect(),
    );
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (seen, stop, artifact, pdfs) = (
            seen.clone(),
            stop.clone(),
            artifact.to_owned(),
            pdfs.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let deadline = Instant::now() + patience;
            let mut i = 0u64;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let key = format!("c{c}-{i}");
                let pdf = &pdfs[(c + i as usize) % pdfs.len()];
                loop {
                    assert!(Instant::now() < deadline, "{key} never stored");
                    let status = match upload(port, &artifact, &key, pdf).await {
                        Ok((201, body)) => {
                            assert_eq!(body["status"], "completed", "{key}: {body}");
                            assert!(body["url"].is_string(), "{key}: {body}");
                            assert_eq!(body["sha256"], sha(pdf), "{key}");
                            seen.lock()
                                .unwrap()
                                .stored
                                .insert(key.clone(), (sha(pdf), body));
                            break;
                        }
                        Ok((status, body)) => {
                            let retry = status >= 500
                                || status == 429
                                || (status == 409 && body["error"]["code"] == "IN_PROGRESS");
                            assert!(retry, "{key}: {status} {body}");
                            status
                        }
                        Err(_) => 0,
                    };
                    *seen.lock().unwrap().refused.entry(status).or_default() += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                i += 1;
            }
        }));
    }
    fault.await;
    // A little more traffic on the recovered server, then the last retries.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for t in tasks {
        t.await.unwrap();
    }
    Arc::try_unwrap(seen).ok().unwrap().into_inner().unwrap()
}

/// Every stored key's download has its bytes; the database has one
/// `completed` row per key and none `processing`; with local storage, every
/// file belongs to a `completed` row with its digest and none is temporary.
async fn assert_kept(port: u16, db_url: &str, files_root: Option<&Path>, seen: &Seen) {
    for (key, (digest, body)) in &seen.stored {
        let id = body["id"].as_str().unwrap();
        let headers = http::bearer(&token());
        let meta = http::request(
            &format!("127.0.0.1:{port}"),
            "GET",
            &format!("/api/exports/{id}"),
            &headers,
            b"",
        )
        .await
        .unwrap();
        assert_eq!(meta.status, 200, "{key}");
        let got = http::get(meta.json()["url"].as_str().unwrap()).await;
        let got = match got {
            Ok(r) => r,
            // A presigned S3 URL is not http://127.0.0.1 in every setup; the
            // object itself is checked below then.
            Err(e) => panic!("{key}: cannot download: {e}"),
        };
        assert_eq!(got.status, 200, "{key}");
        assert_eq!(&sha(&got.body), digest, "{key}: the download differs");
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(db_url).await.unwrap();
    // Rows settled in the background settle within seconds.
    let mut rows: Vec<(String, String, String, String, Option<String>)> = Vec::new();
    for _ in 0..50 {
        rows =
            sqlx::query_as("SELECT id, status, storage_key, sha256, idempotency_key FROM exports")
                .fetch_all(&pool)
                .await
                .unwrap();
        if rows.iter().all(|r| r.1 != "processing") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT data_key FROM artifacts WHERE data_key IS NOT NULL")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert!(
        rows.iter().all(|r| r.1 != "processing"),
        "rows left processing"
    );
    for key in seen.stored.keys() {
        let held: Vec<_> = rows
            .iter()
            .filter(|r| r.4.as_deref() == Some(key))
            .collect();
        assert_eq!(held.len(), 1, "{key}");
        assert_eq!(held[0].1, "completed", "{key}");
    }
    if let Some(root) = files_root {
        for f in files(root) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.ends_with(".tmp"), "temporary file left: {f:?}");
            let key = f.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if key.starts_with("artifacts/") {
                assert!(tables.contains(&key), "a table no artifact names: {key}");
                continue;
            }
            let row = rows.iter().find(|r| r.2 == key);
            let row = row.unwrap_or_else(|| panic!("orphan file {key}"));
            assert_eq!(row.1, "completed", "a file for a {} row: {key}", row.1);
            assert_eq!(sha(&std::fs::read(&f).unwrap()), row.3, "{key}");
        }
    }
}

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A tmpfs mounted on a directory, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        run(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                dir.to_str().unwrap(),
            ],
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_never_acknowledges_a_file_then_recovers() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = scratch_dir("rowpress-full-disk");
    let disk = Tmpfs::mount(&dir.join("files"), "1m");
    let port = free_port();
    // Not ready below 300 KB free: about three uploads' worth.
    let mut server = start(&dir, port, SECRET, &[("STORAGE_MIN_FREE", "300000")]);
    wait_ready(port).await;
    let artifact = new_artifact(port).await;
    let host = format!("127.0.0.1:{port}");

    // Fill the disk: uploads until the first 507.
    let mut stored = Vec::new();
    let mut full_at = None;
    for i in 0..20u64 {
        let pdf = payload::pdf_of_at_least(100_000, i);
        let key = format!("fill-{i}");
        let (status, body) = upload(port, &artifact, &key, &pdf).await.unwrap();
        match status {
            201 => stored.push((key, body, sha(&pdf))),
            507 => {
                assert_eq!(body["error"]["code"], "STORAGE_FULL");
                full_at = Some((key, pdf));
                break;
            }
            other => panic!("{other}: {body}"),
        }
    }
    let (full_key, full_pdf) = full_at.expect("the 1 MiB disk never filled");
    assert!(stored.len() >= 5, "only {} stored", stored.len());
    let ready = http::request(&host, "GET", "/readyz", "", b"")
        .await
        .unwrap();
    assert_eq!(ready.status, 503, "not ready while full");
    assert!(ready.head.contains("retry-after:"));
    // Every 201 is whole.
    for (_, body, digest) in &stored {
        let got = http::get(body["url"].as_str().unwrap()).await.unwrap();
        assert_eq!(&sha(&got.body), digest);
    }
    // Space back: delete three exports through the API.
    for (_, body, _) in stored.drain(..3) {
        let id = body["id"].as_str().unwrap();
        let r = http::request(
            &host,
            "DELETE",
            &format!("/api/exports/{id}"),
            &http::bearer(&token()),
            b"",
        )
        .await
        .unwrap();
        assert_eq!(r.status, 204);
    }
    let ready = http::request(&host, "GET", "/readyz", "", b"")
        .await
        .unwrap();
    assert_eq!(ready.status, 200, "ready again without a restart");
    // The refused upload, retried with its key, is stored now.
    let (status, body) = upload(port, &artifact, &full_key, &full_pdf).await.unwrap();
    assert_eq!(status, 201, "{body}");
    stored.push((full_key, body, sha(&full_pdf)));
    let seen = Seen {
        stored: stored.into_iter().map(|(k, b, d)| (k, (d, b))).collect(),
        refused: HashMap::new(),
    };
    let db = format!("sqlite://{}/db.sqlite", dir.display());
    assert_kept(port, &db, Some(&dir.join("files")), &seen).await;
    server.kill().unwrap();
    server.wait().unwrap();
    drop(disk);
    let _ = std::fs::remove_dir_all(&dir);
}

/// PostgreSQL, stopped while this lives, started again when it is dropped
/// (even when the test fails).
struct PostgresStopped;

fn pg_cluster(action: &str) {
    let version = std::fs::read_dir("/etc/postgresql")
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    run(
        "pg_ctlcluster",
        &[
            "--skip-systemctl-redirect",
            version.to_str().unwrap(),
            "main",
            action,
        ],
    );
}

impl PostgresStopped {
    fn stop() -> PostgresStopped {
        pg_cluster("stop");
        PostgresStopped
    }
}

impl Drop for PostgresStopped {
    fn drop(&mut self) {
        pg_cluster("start");
        for _ in 0..100 {
            if std::net::TcpStream::connect("127.0.0.1:5432").is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_for_ten_seconds_loses_nothing() {
    let _one = ONE_AT_A_TIME.lock().await;
    let name = format!("rowpress_faults_{}", uuid::Uuid::new_v4().simple());
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let dir = scratch_dir("rowpress-pg-down");
    let port = free_port();
    let mut server = start(&dir, port, SECRET, &[("DATABASE_URL", &url)]);
    wait_ready(port).await;
    let artifact = new_artifact(port).await;
    let host = format!("127.0.0.1:{port}");
    let seen = uploads_through(port, &artifact, 4, Duration::from_secs(90), async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let stopped = PostgresStopped::stop();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let ready = http::request(&host, "GET", "/readyz", "", b"")
            .await
            .unwrap();
        assert_eq!(ready.status, 503, "not ready without its database");
        tokio::time::sleep(Duration::from_secs(8)).await;
        drop(stopped);
        // Ready again without a restart.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = http::request(&host, "GET", "/readyz", "", b"")
                .await
                .unwrap();
            if ready.status == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "never ready again");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    assert!(seen.stored.len() >= 8, "only {} stored", seen.stored.len());
    assert!(
        seen.refused.keys().any(|s| *s == 503 || *s == 0),
        "the outage was never seen: {:?}",
        seen.refused
    );
    assert_kept(port, &url, Some(&dir.join("files")), &seen).await;
    eprintln!(
        "postgres down 10 s: {} keys stored, refusals {:?}",
        seen.stored.len(),
        seen.refused
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let admin = sqlx::AnyPool::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_killed_and_restarted_mid_stream_loses_nothing() {
    let _one = ONE_AT_A_TIME.lock().await;
    let mut s3 = s3fs::S3::start();
    let dir = scratch_dir("rowpress-s3-down");
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{}", s3.port);
    let mut server = start(
        &dir,
        port,
        SECRET,
        &[
            ("STORAGE_BACKEND", "s3"),
            ("AWS_S3_BUCKET", "exports-bucket"),
            ("AWS_REGION", "us-east-1"),
            ("S3_ENDPOINT", &endpoint),
            ("S3_FORCE_PATH_STYLE", "true"),
            ("AWS_ACCESS_KEY_ID", s3fs::ACCESS),
            ("AWS_SECRET_ACCESS_KEY", s3fs::SECRET),
        ],
    );
    wait_ready(port).await;
    let artifact = new_artifact(port).await;
    let host = format!("127.0.0.1:{port}");
    let seen = uploads_through(port, &artifact, 4, Duration::from_secs(90), async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        s3.stop();
        tokio::time::sleep(Duration::from_secs(3)).await;
        let ready = http::request(&host, "GET", "/readyz", "", b"")
            .await
            .unwrap();
        assert_eq!(ready.status, 503, "not ready without its bucket");
        s3.restart();
    })
    .await;
    assert!(seen.stored.len() >= 8, "only {} stored", seen.stored.len());
    assert_kept(
        port,
        &format!("sqlite://{}/db.sqlite", dir.display()),
        None,
        &seen,
    )
    .await;
    // The bucket holds exactly the completed exports' objects.
    tokio::time::sleep(Duration::from_secs(2)).await; // background removals
    let objects = files(&s3.dir.join("exports-bucket"))
        .into_iter()
        .filter(|f| {
            !f.to_string_lossy().contains(".s3s") && !f.to_string_lossy().contains("/artifacts/")
        })
        .count();
    assert_eq!(
        objects,
        seen.stored.len(),
        "orphans or losses in the bucket"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_disconnect_leave_nothing_behind() {
    use tokio::io::AsyncWriteExt;
    let dir = scratch_dir("rowpress-disconnect");
    let port = free_port();
    let mut server = start(&dir, port, SECRET, &[]);
    wait_ready(port).await;
    let artifact = new_artifact(port).await;
    let host = format!("127.0.0.1:{port}");
    let pdf = payload::pdf_of_at_least(400_000, 7);
    let head = |key: &str| {
        format!(
            "POST /api/artifacts/{artifact}/exports?format=pdf HTTP/1.1\r\nHost: x\r\n{}Content-Type: application/pdf\r\nIdempotency-Key: {key}\r\nContent-Length: {}\r\n\r\n",
            http::bearer(&token()),
            pdf.len()
        )
    };
    // Half the body, then gone: nothing is recorded or kept.
    let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
    s.write_all(head("half").as_bytes()).await.unwrap();
    s.write_all(&pdf[..pdf.len() / 2]).await.unwrap();
    drop(s);
    // The whole body, then gone before the answer: the export is finished
    // all the same (not left `processing` with a temporary file).
    let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
    s.write_all(head("whole").as_bytes()).await.unwrap();
    s.write_all(&pdf).await.unwrap();
    drop(s);
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}/db.sqlite", dir.display());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut rows: Vec<(String, Option<String>)> = Vec::new();
    // Finished in the background: within seconds even on a loaded machine.
    for _ in 0..100 {
        rows = sqlx::query_as("SELECT status, idempotency_key FROM exports")
            .fetch_all(&pool)
            .await
            .unwrap();
        if rows.iter().any(|r| r.0 == "completed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    pool.close().await;
    assert_eq!(rows, [("completed".to_owned(), Some("whole".to_owned()))]);
    let left: Vec<_> = files(&dir.join("files/exports"));
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(!left[0].to_string_lossy().ends_with(".tmp"));
    // The client's retry gets the stored export.
    let (status, body) = upload(port, &artifact, "whole", &pdf).await.unwrap();
    assert_eq!(status, 201);
    assert_eq!(body["sha256"], sha(&pdf));
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
