//! A minimal HTTP/1.1 client over a raw TCP connection (`Connection:
//! close`), shared by the tests that talk to a real server process and by
//! the load benchmark (`examples/load.rs` includes this file by path).
//! Raw, so the tests see exactly what goes over the wire and need no HTTP
//! client crate.
#![allow(dead_code)]

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What came back.
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The status line and headers, lower-cased.
    pub head: String,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

/// Sends one request to `host` (`127.0.0.1:PORT`); `headers` are complete
/// lines, each ending in `\r\n`.
pub async fn request(
    host: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &[u8],
) -> std::io::Result<Response> {
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
        body = dechunk(&body)?;
    }
    Ok(Response { status, head, body })
}

/// `GET` of an absolute `http://` URL (a download URL the server made).
pub async fn get(url: &str) -> std::io::Result<Response> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other(format!("not an http:// URL: {url}")))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    request(host, "GET", path, "", b"").await
}

/// The `Authorization` header line for a bearer token.
pub fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}\r\n")
}

fn dechunk(mut data: &[u8]) -> std::io::Result<Vec<u8>> {
    let bad = || std::io::Error::other("bad chunked body");
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
        let size = std::str::from_utf8(&data[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .ok_or_else(bad)?;
        if size == 0 {
            return Ok(out);
        }
        let chunk = data.get(end + 2..end + 2 + size).ok_or_else(bad)?;
        out.extend_from_slice(chunk);
        data = data.get(end + 4 + size..).ok_or_else(bad)?;
    }
}
