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

/// ~2,000 connections that never send a byte, against a server limited to
/// 1,024 descriptors: it keeps answering `/healthz` in under a second (the
/// oldest silent connections make room under the cap, and each is closed
/// after HEADER_READ_TIMEOUT anyway); a download nobody reads is cut after
/// WRITE_TIMEOUT; an idle HTTP/2 connection is closed after
/// KEEPALIVE_TIMEOUT.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_stalled_downloads_and_idle_h2c_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // This process holds 2,000 sockets: lift its own soft limit.
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    rustix::process::setrlimit(
        rustix::process::Resource::Nofile,
        rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        },
    )
    .unwrap();
    let dir = scratch_dir("rowpress-conns");
    let port = free_port();
    let secret = "conns-test-secret-value";
    let mut server = common::process::start_limited(
        &dir,
        port,
        secret,
        &[
            ("HEADER_READ_TIMEOUT", "2s"),
            ("WRITE_TIMEOUT", "1s"),
            ("KEEPALIVE_TIMEOUT", "2s"),
            ("RATE_LIMIT_PER_MINUTE", "0"),
        ],
        1024,
    );
    wait_ready(port).await;
    let host = format!("127.0.0.1:{port}");

    // A 6 MB file to download (a PDF may end in whitespace).
    let token = upload_server::auth::Keys::from_secret(secret.as_bytes())
        .issue("alice", Duration::from_secs(600))
        .unwrap();
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
    let mut big = common::hostile::ours(exporter_core::Format::Pdf);
    big.extend(std::iter::repeat_n(b' ', 6_000_000));
    let up = http::request(
        &host,
        "POST",
        &format!(
            "/api/artifacts/{}/exports?format=pdf",
            artifact["id"].as_str().unwrap()
        ),
        &format!("{}Content-Type: application/pdf\r\n", http::bearer(&token)),
        &big,
    )
    .await
    .unwrap();
    assert_eq!(up.status, 201, "{}", String::from_utf8_lossy(&up.body));
    let url = up.json()["url"].as_str().unwrap().to_owned();

    // 2,000 silent sockets.
    let mut idle = Vec::new();
    for _ in 0..2000 {
        if let Ok(s) = tokio::net::TcpStream::connect(&host).await {
            idle.push(s);
        }
    }
    assert!(idle.len() >= 1900, "only {} connected", idle.len());
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let t = Instant::now();
        let r = tokio::time::timeout(
            Duration::from_secs(5),
            http::request(&host, "GET", "/healthz", "", b""),
        )
        .await
        .expect("healthz answered within 5 s")
        .unwrap();
        assert_eq!(r.status, 200);
        slowest = slowest.max(t.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(slowest < Duration::from_secs(1), "healthz took {slowest:?}");
    // The server closed every silent socket it took (at the cap or after
    // the header timeout): each reads EOF (or was reset).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut closed = 0;
    for s in &mut idle {
        let mut b = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_millis(20), s.read(&mut b)).await;
        if let Ok(Ok(0) | Err(_)) = read {
            closed += 1;
        }
    }
    drop(idle);
    eprintln!("silent sockets closed by the server: {closed}; slowest healthz {slowest:?}");
    assert!(
        closed >= 1900,
        "only {closed} of the silent sockets were closed"
    );

    // A download nobody reads: cut after the write timeout, short of its length.
    let path = &url[url.find("/api/").unwrap()..];
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let mut s = sock.connect(host.parse().unwrap()).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut got)).await;
    assert!(read.is_ok(), "the stalled download was never closed");
    assert!(
        got.len() < big.len(),
        "the whole file arrived: {}",
        got.len()
    );

    // HTTP/2 with prior knowledge, then nothing: closed after the idle timeout.
    let mut h2 = tokio::net::TcpStream::connect(&host).await.unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    let t = Instant::now();
    let mut sink = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(10), h2.read_to_end(&mut sink)).await;
    assert!(ended.is_ok(), "the idle h2c connection stayed open");
    assert!(
        t.elapsed() >= Duration::from_secs(1),
        "closed too soon: {:?}",
        t.elapsed()
    );
    assert!(!sink.is_empty(), "the server spoke HTTP/2 (its SETTINGS)");

    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
