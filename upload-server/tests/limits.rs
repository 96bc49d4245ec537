//! Slow and oversized clients against the real server binary: a client
//! that never finishes its headers, one that stalls mid-body, and one that
//! sends too many header bytes are all cut off, and the server still
//! answers everyone else.

use std::io::{Read, Write};
use std::net::TcpStream;

use std::time::{Duration, Instant};

mod common;
use common::http;
use common::process::{free_port, scratch_dir, start, wait_ready};

/// Reads until the server closes or answers; what it sent and how long it took.
fn outcome(mut s: TcpStream) -> (String, Duration) {
    let t = Instant::now();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    (String::from_utf8_lossy(&buf).into_owned(), t.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_oversized_clients_are_cut_off() {
    let dir = scratch_dir("rowpress-limits");
    let port = free_port();
    let mut server = start(
        &dir,
        port,
        "limits-test-secret-value",
        &[
            ("HEADER_READ_TIMEOUT", "1s"),
            ("BODY_IDLE_TIMEOUT", "1s"),
            ("REQUEST_TIMEOUT", "3s"),
        ],
    );
    wait_ready(port).await;
    let host = format!("127.0.0.1:{port}");
    let token = upload_server::auth::Keys::from_secret(b"limits-test-secret-value")
        .issue("alice", Duration::from_secs(600))
        .unwrap();

    // Headers never finished (slowloris): the connection is closed after ~1 s.
    let h = host.clone();
    let slow_headers = std::thread::spawn(move || {
        let mut s = TcpStream::connect(&h).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
        outcome(s)
    });
    // Bodies that stall: refused after ~1 s of silence (an upload with a
    // JSON 408; a JSON request with axum's 400).
    let (h, auth) = (host.clone(), http::bearer(&token));
    let slow_json = std::thread::spawn(move || {
        let mut s = TcpStream::connect(&h).unwrap();
        s.write_all(
            format!("POST /api/artifacts HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"type\":")
                .as_bytes(),
        )
        .unwrap();
        outcome(s)
    });
    let artifact = http::request(
        &host,
        "POST",
        "/api/artifacts",
        &format!("{}Content-Type: application/json\r\n", http::bearer(&token)),
        br#"{"type":"table","data":{"headers":["a"],"rows":[["x"]]}}"#,
    )
    .await
    .unwrap()
    .json();
    let (h, auth) = (host.clone(), http::bearer(&token));
    let path = format!(
        "/api/artifacts/{}/exports?format=pdf",
        artifact["id"].as_str().unwrap()
    );
    let slow_upload = std::thread::spawn(move || {
        let mut s = TcpStream::connect(&h).unwrap();
        s.write_all(
            format!("POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/pdf\r\nContent-Length: 100000\r\n\r\n%PDF-1.7\n")
                .as_bytes(),
        )
        .unwrap();
        outcome(s)
    });
    // 100 KiB of headers: refused.
    let h = host.clone();
    let huge = std::thread::spawn(move || {
        let mut s = TcpStream::connect(&h).unwrap();
        let filler = "a".repeat(100 * 1024);
        let _ = s.write_all(
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {filler}\r\n\r\n").as_bytes(),
        );
        outcome(s)
    });
    // Meanwhile everyone else is served.
    let ok = http::request(&host, "GET", "/healthz", "", b"")
        .await
        .unwrap();
    assert_eq!(ok.status, 200);

    let (text, took) = slow_headers.join().unwrap();
    assert!(
        !text.contains(" 200 "),
        "slow headers were answered: {text}"
    );
    assert!(
        took < Duration::from_secs(5),
        "slow headers held the connection {took:?}"
    );
    let (text, took) = slow_json.join().unwrap();
    assert!(
        text.starts_with("HTTP/1.1 400") || text.starts_with("HTTP/1.1 408"),
        "stalled JSON: {text:?}"
    );
    assert!(took < Duration::from_secs(5), "stalled JSON: {took:?}");
    let (text, took) = slow_upload.join().unwrap();
    assert!(text.starts_with("HTTP/1.1 408"), "stalled upload: {text:?}");
    assert!(text.contains("REQUEST_TIMEOUT"), "{text}");
    assert!(took < Duration::from_secs(5), "stalled upload: {took:?}");
    let (text, _) = huge.join().unwrap();
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 431"),
        "huge headers: {}",
        &text[..text.len().min(200)]
    );
    // Nothing was half-written.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}/db.sqlite", dir.display()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM artifacts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 1, "only the complete request made an artifact");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "the stalled upload left no row");
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
