//! Load benchmark (bounded, loopback only): N clients upload ~200 KB PDFs to
//! a running upload-server for a fixed time, then every acknowledged upload
//! is checked: its row is `completed` and its file (fetched through its
//! download URL) has the same SHA-256. Prints uploads/s and latencies.
//!
//! ```sh
//! scripts/bench-load.sh   # starts the servers and runs this against each
//! cargo run --release -p upload-server --example load -- PORT TOKEN ARTIFACT_ID [CLIENTS] [SECONDS]
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use exporter_core::{Cell, ExportOptions, Format, Table, export};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn request(
    host: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut data = &body[..];
        while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap_or("0").trim(), 16)
                    .unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&data[end + 2..end + 2 + size]);
            data = &data[end + 4 + size..];
        }
        body = out;
    }
    Ok((status, body))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [port, token, artifact] = [0, 1, 2].map(|i| {
        args.get(i)
            .cloned()
            .expect("usage: load PORT TOKEN ARTIFACT_ID [CLIENTS] [SECONDS]")
    });
    let clients: usize = args.get(3).map_or(32, |s| s.parse().unwrap());
    let seconds: u64 = args.get(4).map_or(30, |s| s.parse().unwrap());
    let host = Arc::new(format!("127.0.0.1:{port}"));
    let rows = (0..1500)
        .map(|r| {
            vec![Cell::from(format!(
                "row {r} with a little text to fill the line"
            ))]
        })
        .collect();
    let pdf = Arc::new(
        export(
            &Table::new(vec!["a".into()], rows).unwrap(),
            &ExportOptions::new(Format::Pdf),
        )
        .unwrap(),
    );
    let sha = hex::encode(Sha256::digest(pdf.as_slice()));
    let path = Arc::new(format!("/api/artifacts/{artifact}/exports?format=pdf"));
    let headers = Arc::new(format!(
        "Authorization: Bearer {token}\r\nContent-Type: application/pdf\r\n"
    ));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (host, path, headers, pdf) = (host.clone(), path.clone(), headers.clone(), pdf.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            let mut failures = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                match request(&host, "POST", &path, &headers, &pdf).await {
                    Ok((201, body)) => {
                        let v: serde_json::Value =
                            serde_json::from_slice(&body).unwrap_or_default();
                        done.push((t.elapsed(), v["id"].as_str().unwrap_or_default().to_owned()));
                    }
                    _ => failures += 1,
                }
            }
            (done, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut ids = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (done, f) = t.await.unwrap();
        failures += f;
        for (l, id) in done {
            latencies.push(l);
            ids.push(id);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    println!(
        "{} uploads of {} bytes by {clients} clients in {elapsed:.1} s: {:.0} uploads/s, p50 {:.1} ms, p99 {:.1} ms, {failures} failed",
        ids.len(),
        pdf.len(),
        ids.len() as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );

    // Nothing lost: every 201 has a completed row and its bytes.
    let auth = format!("Authorization: Bearer {token}\r\n");
    let mut lost = 0;
    for chunk in ids.chunks(16) {
        let checks = chunk.iter().map(|id| {
            let (host, auth, id, sha) = (host.clone(), auth.clone(), id.clone(), sha.clone());
            tokio::spawn(async move {
                let Ok((200, meta)) =
                    request(&host, "GET", &format!("/api/exports/{id}"), &auth, b"").await
                else {
                    return false;
                };
                let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap_or_default();
                let Some(url) = meta["url"].as_str() else {
                    return false;
                };
                let rest = url.split_once("://").map_or(url, |(_, r)| r);
                let (file_host, file_path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                let Ok((200, bytes)) = request(file_host, "GET", file_path, "", b"").await else {
                    return false;
                };
                meta["status"] == "completed" && hex::encode(Sha256::digest(&bytes)) == sha
            })
        });
        for ok in futures::future::join_all(checks).await {
            if !ok.unwrap_or(false) {
                lost += 1;
            }
        }
    }
    println!("verified {} uploads: {lost} lost or corrupted", ids.len());
    if lost > 0 {
        std::process::exit(1);
    }
}
