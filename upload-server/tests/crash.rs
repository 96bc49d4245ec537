//! Crash safety: the real server binary is killed (SIGKILL) in the middle of
//! a stream of uploads, then restarted; no `completed` row lacks its object
//! or has another's bytes, no partial or orphaned file is left, and every
//! upload that got a 201 survived.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_upload_loses_nothing_and_leaves_nothing_half_written() {
    let dir = scratch_dir("rowpress-crash");
    let port = free_port();
    let mut server = start(&dir, port, SECRET, &[]);
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
    let path = format!(
        "/api/artifacts/{}/exports?format=pdf",
        artifact["id"].as_str().unwrap()
    );

    // About 200 KB PDFs, each different.
    let pdfs: Vec<Vec<u8>> = (0..8)
        .map(|i| payload::pdf_of_at_least(200_000, i))
        .collect();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut clients = Vec::new();
    for pdf in pdfs {
        let (token, path, acknowledged) = (token.clone(), path.clone(), acknowledged.clone());
        clients.push(tokio::spawn(async move {
            loop {
                match request(port, "POST", &path, Some(&token), &pdf).await {
                    Ok((201, body)) => {
                        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                        acknowledged
                            .lock()
                            .unwrap()
                            .push(v["id"].as_str().unwrap().to_owned());
                    }
                    Ok(_) | Err(_) => return,
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

    let mut server = start(&dir, port, SECRET, &[]);
    wait_ready(port).await;
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
    for file in files(&root) {
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
