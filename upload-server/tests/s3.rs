//! The S3 backend against a real S3-compatible server (s3s-fs, which checks
//! SigV4 signatures): upload through the API, fetch the presigned URL over
//! HTTP, compare bytes; tampered and expired URLs are refused.

use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use clap::Parser;
use exporter_core::{ExportOptions, Format, Table, export};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use upload_server::{AppState, Config, app};

mod common;
use common::http;
use common::s3fs::{ACCESS, S3, SECRET};

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: Config,
}

async fn server(s3: &S3, extra: &[&str]) -> (axum::Router, AppState, PathBuf) {
    let dir =
        std::env::temp_dir().join(format!("rowpress-s3-api-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let endpoint = format!("http://127.0.0.1:{}", s3.port);
    let db = format!("sqlite://{}/db.sqlite", dir.display());
    let data = dir.display().to_string();
    let mut args = vec![
        "test",
        "--database-url",
        &db,
        "--data-dir",
        &data,
        "--auth-secret",
        "test-secret-of-some-length",
        "--storage-backend",
        "s3",
        "--aws-s3-bucket",
        "exports-bucket",
        "--aws-region",
        "us-east-1",
        "--s3-endpoint",
        &endpoint,
        "--s3-force-path-style",
        "--aws-access-key-id",
        ACCESS,
        "--aws-secret-access-key",
        SECRET,
        "--static-dir",
        "/nonexistent",
    ];
    args.extend_from_slice(extra);
    let state = AppState::build(Args::parse_from(args).config)
        .await
        .unwrap();
    (app(state.clone()), state, dir)
}

async fn call(
    app: &axum::Router,
    state: &AppState,
    method: &str,
    uri: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let token = state.keys.issue("alice", Duration::from_secs(600)).unwrap();
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A GET of a URL the server handed out: status, head (lower-case), body.
async fn http_get(url: &str) -> (u16, String, Vec<u8>) {
    let r = http::get(url).await.unwrap();
    (r.status, r.head, r.body)
}

fn pdf() -> Vec<u8> {
    let t =
        Table::from_json(r#"{"title": "Отчёт Q3", "headers": ["a"], "rows": [["x"]]}"#).unwrap();
    export(
        &t,
        &ExportOptions::new(Format::Pdf)
            .font(std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").unwrap()),
    )
    .unwrap()
}

async fn artifact(app: &axum::Router, state: &AppState) -> String {
    let data =
        json!({"type": "table", "data": {"title": "Отчёт Q3", "headers": ["a"], "rows": [["x"]]}});
    let (status, body) = call(
        app,
        state,
        "POST",
        "/api/artifacts",
        "application/json",
        data.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn upload_presign_fetch_delete() {
    let s3 = S3::start();
    let (app, state, dir) = server(&s3, &[]).await;
    let id = artifact(&app, &state).await;
    let bytes = pdf();
    let (status, export) = call(
        &app,
        &state,
        "POST",
        &format!("/api/artifacts/{id}/exports?format=pdf"),
        "application/pdf",
        bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{export}");
    let url = export["url"].as_str().unwrap();
    assert!(url.contains("X-Amz-Signature="), "{url}");
    assert!(url.contains("X-Amz-Expires=3600"), "{url}");
    let (code, head, got) = http_get(url).await;
    assert_eq!(code, 200, "{head}");
    assert_eq!(got, bytes);
    assert!(head.contains("content-disposition: attachment;"), "{head}");

    // Tampered: another signature, another key, a longer expiry.
    let sig_at = url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let mut tampered = url.to_owned();
    let flipped = if &url[sig_at..=sig_at] == "0" {
        "1"
    } else {
        "0"
    };
    tampered.replace_range(sig_at..=sig_at, flipped);
    assert_eq!(http_get(&tampered).await.0, 403);
    assert_eq!(http_get(&url.replace(".pdf?", ".docx?")).await.0, 403);
    assert_eq!(
        http_get(&url.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"))
            .await
            .0,
        403
    );

    // A fresh URL on each request; delete removes the object.
    let export_id = export["id"].as_str().unwrap();
    let (_, meta) = call(
        &app,
        &state,
        "GET",
        &format!("/api/exports/{export_id}"),
        "application/json",
        Vec::new(),
    )
    .await;
    assert_eq!(http_get(meta["url"].as_str().unwrap()).await.0, 200);
    let (status, _) = call(
        &app,
        &state,
        "DELETE",
        &format!("/api/exports/{export_id}"),
        "application/json",
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        state
            .storage
            .size(&format!("exports/alice/{export_id}.pdf"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(http_get(url).await.0, 404);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn expired_urls_are_refused() {
    let s3 = S3::start();
    let (app, state, dir) = server(&s3, &["--url-ttl", "1s"]).await;
    let id = artifact(&app, &state).await;
    let (_, export) = call(
        &app,
        &state,
        "POST",
        &format!("/api/artifacts/{id}/exports?format=pdf"),
        "application/pdf",
        pdf(),
    )
    .await;
    let url = export["url"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(http_get(&url).await.0, 403);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn storage_down_is_503_and_the_row_failed() {
    let mut s3 = S3::start();
    let (app, state, dir) = server(&s3, &[]).await;
    let id = artifact(&app, &state).await;
    let (status, _) = call(
        &app,
        &state,
        "GET",
        "/readyz",
        "application/json",
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    s3.stop();
    let (status, body) = call(
        &app,
        &state,
        "POST",
        &format!("/api/artifacts/{id}/exports?format=pdf"),
        "application/pdf",
        pdf(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let statuses: Vec<String> = sqlx::query_scalar("SELECT status FROM exports")
        .fetch_all(&state.db.pool)
        .await
        .unwrap();
    assert_eq!(statuses, ["failed"]);
    let (status, _) = call(
        &app,
        &state,
        "GET",
        "/readyz",
        "application/json",
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let _ = std::fs::remove_dir_all(dir);
}
