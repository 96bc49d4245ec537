//! Load benchmark (bounded, loopback only): N clients upload ~200 KB PDFs to
//! a running upload-server for a fixed time, then every acknowledged upload
//! is checked: its row is `completed` and its file (fetched through its
//! download URL) has the same SHA-256. Prints uploads/s and latencies.
//!
//! ```sh
//! scripts/bench-load.sh   # starts the servers and runs this against each
//! cargo run --release -p upload-server --example load -- PORT[,PORT...] TOKEN ARTIFACT_ID [CLIENTS] [SECONDS]
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

#[path = "../tests/common/http.rs"]
mod http;
#[path = "../tests/common/payload.rs"]
mod payload;

/// Status and body of one request to `host`.
async fn request(
    host: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let r = http::request(host, method, path, headers, body).await?;
    Ok((r.status, r.body))
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
    // PORT may list several instances (`3001,3002`): clients are spread
    // over them round-robin, and every upload is verified through the first.
    let hosts: Vec<Arc<String>> = port
        .split(',')
        .map(|p| Arc::new(format!("127.0.0.1:{p}")))
        .collect();
    let host = hosts[0].clone();
    let pdf = Arc::new(payload::pdf_of_at_least(200_000, 1));
    let sha = hex::encode(Sha256::digest(pdf.as_slice()));
    let path = Arc::new(format!("/api/artifacts/{artifact}/exports?format=pdf"));
    let headers = Arc::new(format!(
        "Authorization: Bearer {token}\r\nContent-Type: application/pdf\r\n"
    ));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let host = hosts[client % hosts.len()].clone();
        let (path, headers, pdf) = (path.clone(), headers.clone(), pdf.clone());
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
        "{} uploads of {} bytes by {clients} clients to {} instance(s) in {elapsed:.1} s: {:.0} uploads/s, p50 {:.1} ms, p99 {:.1} ms, {failures} failed",
        ids.len(),
        pdf.len(),
        hosts.len(),
        ids.len() as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );

    // Nothing lost: every 201 has a completed row and its bytes.
    let auth = http::bearer(&token);
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
