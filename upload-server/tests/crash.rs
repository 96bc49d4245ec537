//! Crash safety: the real server binary is killed (SIGKILL) in the middle of
//! a stream of uploads, then restarted; no `completed` row lacks its object
//! or has another's bytes, no partial or orphaned file is left, and every
//! upload that got a 201 survived. And the gentle end: on SIGTERM the
//! server stops taking connections but finishes the upload in flight.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};

mod common;
use common::process::{files, free_port, scratch_dir, start, wait_ready};
use common::{http, payload};

const SECRET: &str = "crash-test-secret-value";

/// One request to the server on `port`: status and body.
async fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let content_type = if path.contains("format=pdf") {
        "application/pdf"
    } else {
        "application/json"
    };
    let headers = format!(
        "{}Content-Type: {content_type}\r\n",
        token.map(http::bearer).unwrap_or_default()
    );
    let r = http::request(&format!("127.0.0.1:{port}"), method, path, &headers, body).await?;
    Ok((r.status, r.body))
}

/// An upload of `pdf` under Idempotency-Key `key`: status and body.
async fn keyed(
    port: u16,
    path: &str,
    token: &str,
    key: &str,
    pdf: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let headers = format!(
        "{}Content-Type: application/pdf\r\nIdempotency-Key: {key}\r\n",
        http::bearer(token)
    );
    let r = http::request(&format!("127.0.0.1:{port}"), "POST", path, &headers, pdf).await?;
    Ok((r.status, r.body))
}

/// A server on a scratch directory, alice's token and an artifact of hers.
struct Started {
    dir: std::path::PathBuf,
    port: u16,
    server: std::process::Child,
    token: String,
    artifact: String,
}

async fn started(prefix: &str) -> Started {
    let dir = scratch_dir(prefix);
    let port = free_port();
    let server = start(&dir, port, SECRET, &[("RATE_LIMIT_PER_MINUTE", "0")]);
    wait_ready(port).await;
    let token = upload_server::auth::Keys::from_secret(SECRET.as_bytes())
        .issue("alice", Duration::from_secs(600))
        .unwrap();
    let (status, body) = request(
        port,
        "POST",
        "/api/artifacts",
        Some(&token),
        br#"{"type":"table","data":{"headers":["a"],"rows":[["x"]]}}"#,
    )
    .await
    .unwrap();
    assert_eq!(status, 201);
    let artifact: serde_json::Value = serde_json::from_slice(&body).unwrap();
    Started {
        dir,
        port,
        server,
        token,
        artifact: artifact["id"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_upload_loses_nothing_and_leaves_nothing_half_written() {
    let Started {
        dir,
        port,
        mut server,
        token,
        artifact,
    } = started("rowpress-crash").await;
    let path = format!("/api/artifacts/{artifact}/exports?format=pdf");

    // About 200 KB PDFs, each different.
    let pdfs: Vec<Vec<u8>> = (0..8)
        .map(|i| payload::pdf_of_at_least(200_000, i))
        .collect();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    // Keys whose request the kill cut off, with their bytes: retried after.
    let unanswered = Arc::new(Mutex::new(Vec::<(String, Vec<u8>)>::new()));
    let mut clients = Vec::new();
    for (c, pdf) in pdfs.into_iter().enumerate() {
        let (token, path, acknowledged, unanswered) = (
            token.clone(),
            path.clone(),
            acknowledged.clone(),
            unanswered.clone(),
        );
        clients.push(tokio::spawn(async move {
            for i in 0.. {
                let key = format!("c{c}-{i}");
                match keyed(port, &path, &token, &key, &pdf).await {
                    Ok((201, body)) => {
                        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                        acknowledged
                            .lock()
                            .unwrap()
                            .push(v["id"].as_str().unwrap().to_owned());
                    }
                    Ok(_) | Err(_) => {
                        unanswered.lock().unwrap().push((key, pdf));
                        return;
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for c in clients {
        c.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 5,
        "only {} uploads before the kill",
        acknowledged.len()
    );

    let mut server = start(&dir, port, SECRET, &[("RATE_LIMIT_PER_MINUTE", "0")]);
    wait_ready(port).await;
    // The clients retry what the kill cut off, with the same keys: each is
    // stored (a fresh attempt, or the replay of one finished before the
    // kill), and its download is its bytes.
    let unanswered = unanswered.lock().unwrap().clone();
    assert!(!unanswered.is_empty());
    for (key, pdf) in &unanswered {
        let (status, body) = keyed(port, &path, &token, key, pdf).await.unwrap();
        assert_eq!(status, 201, "{key}: {}", String::from_utf8_lossy(&body));
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["sha256"], hex::encode(Sha256::digest(pdf)), "{key}");
        let got = http::get(v["url"].as_str().unwrap()).await.unwrap();
        assert_eq!(got.body, *pdf, "{key}");
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}/db.sqlite", dir.display()))
        .await
        .unwrap();
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT id, status, storage_key, sha256 FROM exports")
            .fetch_all(&pool)
            .await
            .unwrap();
    let root = dir.join("files");
    for (id, status, key, sha) in &rows {
        assert_ne!(status, "processing", "{id} still processing after restart");
        if status == "completed" {
            let bytes = std::fs::read(root.join(key))
                .unwrap_or_else(|_| panic!("completed {id} has no object"));
            assert_eq!(
                &hex::encode(Sha256::digest(&bytes)),
                sha,
                "{id}: object differs from its row"
            );
        }
    }
    for id in &acknowledged {
        assert!(
            rows.iter().any(|(r, s, _, _)| r == id && s == "completed"),
            "acknowledged upload {id} was lost"
        );
    }
    // Exports only (the artifacts' tables live under artifacts/).
    for file in files(&root.join("exports")) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "partial file left: {name}");
        let id = name.split('.').next().unwrap();
        assert!(
            rows.iter().any(|(r, s, _, _)| r == id && s == "completed"),
            "orphan file {name}"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_upload_in_flight_finish() {
    use std::io::{Read, Write};

    let Started {
        dir,
        port,
        mut server,
        token,
        artifact,
    } = started("rowpress-sigterm").await;
    let pdf = payload::pdf_of_at_least(100_000, 7);

    // Headers and half the body, then SIGTERM, then the rest of the body.
    let mut upload = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "POST /api/artifacts/{artifact}/exports?format=pdf HTTP/1.1\r\nHost: x\r\n{}Content-Type: application/pdf\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        http::bearer(&token),
        pdf.len()
    );
    upload.write_all(head.as_bytes()).unwrap();
    upload.write_all(&pdf[..pdf.len() / 2]).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(500)).await;

    // No new connection is served while the upload drains.
    let newcomer = http::request(&format!("127.0.0.1:{port}"), "GET", "/healthz", "", b"").await;
    assert!(
        newcomer.is_err() || newcomer.as_ref().is_ok_and(|r| r.status == 0),
        "a new request was served after SIGTERM"
    );
    assert!(
        server.try_wait().unwrap().is_none(),
        "exited with an upload in flight"
    );

    upload.write_all(&pdf[pdf.len() / 2..]).unwrap();
    let mut answer = Vec::new();
    upload
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    upload.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let sha = hex::encode(Sha256::digest(&pdf));
    assert!(answer.contains(&sha), "{answer}");

    // Then it exits by itself, cleanly, with the file and its row in place.
    let mut exit = None;
    for _ in 0..100 {
        exit = server.try_wait().unwrap();
        if exit.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(exit.is_some_and(|e| e.success()), "exit: {exit:?}");
    let stored = files(&dir.join("files/exports"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(std::fs::read(&stored[0]).unwrap(), pdf);
    let _ = std::fs::remove_dir_all(&dir);
}
