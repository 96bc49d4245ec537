//! A 201 means the file is kept whole: what a retry with the same
//! Idempotency-Key gets in each state of the first attempt (completed,
//! still in flight, failed, abandoned), under concurrency, and what a full
//! store answers. Each on SQLite and PostgreSQL.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use exporter_core::Format;
use futures::StreamExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use upload_server::storage::{LocalStorage, Object, Storage};

mod common;
use common::app::{Backend, Server, file, path_of, server};
use common::process::files;

on_both!(
    a_failed_attempt_is_retried_with_the_same_key,
    an_attempt_in_flight_is_409_with_retry_after,
    an_abandoned_attempt_is_settled_then_retried,
    concurrent_uploads_of_one_key_store_one_file,
    renders_replay_by_artifact_and_format,
    a_full_store_is_507_and_keeps_nothing
);

/// Local storage that can be made to fail every write as full.
struct Switchable {
    inner: Arc<dyn Storage>,
    full: AtomicBool,
}

#[async_trait]
impl Storage for Switchable {
    async fn put(&self, object: Object<'_>) -> io::Result<()> {
        if self.full.load(Ordering::SeqCst) {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
        }
        self.inner.put(object).await
    }
    async fn delete(&self, key: &str) -> io::Result<()> {
        self.inner.delete(key).await
    }
    async fn size(&self, key: &str) -> io::Result<Option<u64>> {
        self.inner.size(key).await
    }
    async fn download_url(
        &self,
        export_id: &str,
        key: &str,
        file_name: &str,
        ttl: Duration,
    ) -> io::Result<String> {
        self.inner
            .download_url(export_id, key, file_name, ttl)
            .await
    }
    async fn ready(&self) -> bool {
        !self.full.load(Ordering::SeqCst) && self.inner.ready().await
    }
    fn as_local(&self) -> Option<&LocalStorage> {
        self.inner.as_local()
    }
}

/// The server with its storage behind a switch.
async fn switchable(backend: Backend, extra: &[&str]) -> (Server, Arc<Switchable>) {
    let mut s = server(backend, extra).await;
    let switch = Arc::new(Switchable {
        inner: s.state.storage.clone(),
        full: AtomicBool::new(false),
    });
    s.state.storage = switch.clone();
    s.app = upload_server::app(s.state.clone());
    (s, switch)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every `completed` row's file is there with its SHA-256, and no file is
/// there without a row or left temporary.
async fn assert_no_lie(s: &Server) {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT status, storage_key, sha256 FROM exports")
            .fetch_all(&s.state.db.pool)
            .await
            .unwrap();
    let root = s.dir.join("files");
    for (status, key, digest) in &rows {
        let path = root.join(key);
        if status == "completed" {
            assert_eq!(&sha(&std::fs::read(&path).unwrap()), digest, "{key}");
        } else {
            assert!(!path.exists(), "a {status} row has a file: {key}");
        }
    }
    for f in files(&root) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "temporary file left: {f:?}");
        let key = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            rows.iter().any(|(_, k, _)| *k == key),
            "a file without a row: {key}"
        );
    }
}

async fn key_rows(s: &Server, key: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM exports WHERE idempotency_key = $1")
        .bind(key)
        .fetch_one(&s.state.db.pool)
        .await
        .unwrap()
}

async fn a_failed_attempt_is_retried_with_the_same_key(backend: Backend) {
    let (s, switch) = switchable(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let pdf = file(Format::Pdf);
    switch.full.store(true, Ordering::SeqCst);
    let (status, body) = s
        .upload_pdf("alice", &artifact, pdf.clone(), Some("k-1"))
        .await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{body}");
    // The retry of the web app's queue, once the store has room again: a
    // fresh attempt, not a 201 for the failed one.
    switch.full.store(false, Ordering::SeqCst);
    let (status, body) = s
        .upload_pdf("alice", &artifact, pdf.clone(), Some("k-1"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "completed");
    let (_, _, got) = s
        .call(
            Request::get(path_of(body["url"].as_str().unwrap()))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(sha(&got), sha(&pdf));
    assert_eq!(key_rows(&s, "k-1").await, 1, "one row holds the key");
    // And again: the completed one, replayed.
    let (status, again) = s
        .upload_pdf("alice", &artifact, pdf.clone(), Some("k-1"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["id"], body["id"]);
    // Other bytes under a completed key: 409, never a 201.
    let (status, conflict) = s
        .upload(
            "alice",
            &artifact,
            "xlsx",
            Format::Xlsx.mime_type(),
            file(Format::Xlsx),
            Some("k-1"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["error"]["code"], "CONFLICT");
    assert_no_lie(&s).await;
    s.finish().await;
}

/// A row `processing` under the key, as a request in flight leaves it.
async fn in_flight(s: &Server, artifact: &str, key: &str, updated_at: i64) {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query("INSERT INTO exports (id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, idempotency_key, created_at, updated_at) VALUES ($1, $2, 'alice', 'pdf', '/x', 'processing', $3, 10, 'x', $4, $5, $5)")
        .bind(&id)
        .bind(artifact)
        .bind(format!("exports/alice/{id}.pdf"))
        .bind(key)
        .bind(updated_at)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
}

async fn an_attempt_in_flight_is_409_with_retry_after(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    in_flight(&s, &artifact, "k-2", upload_server::db::now_millis()).await;
    let req = Request::post(format!("/api/artifacts/{artifact}/exports?format=pdf"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token("alice")),
        )
        .header(header::CONTENT_TYPE, "application/pdf")
        .header("idempotency-key", "k-2")
        .body(Body::from(file(Format::Pdf)))
        .unwrap();
    let (status, headers, body) = s.call(req).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "IN_PROGRESS");
    assert_eq!(headers[header::RETRY_AFTER], "1");
    s.finish().await;
}

async fn an_abandoned_attempt_is_settled_then_retried(backend: Backend) {
    let s = server(backend, &["--processing-timeout", "1s"]).await;
    let artifact = s.artifact("alice").await;
    // Left `processing` by an instance that died long ago, its object never written.
    in_flight(&s, &artifact, "k-3", 1).await;
    let pdf = file(Format::Pdf);
    let (status, body) = s
        .upload_pdf("alice", &artifact, pdf.clone(), Some("k-3"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["sha256"], sha(&pdf));
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM exports ORDER BY created_at")
            .fetch_all(&s.state.db.pool)
            .await
            .unwrap();
    assert_eq!(statuses, ["failed", "completed"]);
    assert_eq!(key_rows(&s, "k-3").await, 1);
    assert_no_lie(&s).await;
    s.finish().await;
}

async fn concurrent_uploads_of_one_key_store_one_file(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let pdf = file(Format::Pdf);
    let token = s.token("alice");
    let requests = (0..12).map(|_| {
        let app = s.app.clone();
        let req = Request::post(format!("/api/artifacts/{artifact}/exports?format=pdf"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/pdf")
            .header("idempotency-key", "k-4")
            .body(Body::from(pdf.clone()))
            .unwrap();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let res = app.oneshot(req).await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&body).unwrap())
        }
    });
    let results: Vec<(StatusCode, Value)> = futures::stream::iter(requests)
        .buffer_unordered(12)
        .collect()
        .await;
    let mut ids = std::collections::HashSet::new();
    for (status, body) in &results {
        match *status {
            // Every 2xx is the whole, completed file.
            StatusCode::CREATED => {
                assert_eq!(body["status"], "completed", "{body}");
                assert!(body["url"].is_string());
                ids.insert(body["id"].as_str().unwrap().to_owned());
            }
            StatusCode::CONFLICT => assert_eq!(body["error"]["code"], "IN_PROGRESS"),
            other => panic!("{other}: {body}"),
        }
    }
    assert!(ids.len() <= 1, "{ids:?}");
    assert_eq!(key_rows(&s, "k-4").await, 1);
    assert_eq!(files(&s.dir.join("files")).len(), 1);
    assert_no_lie(&s).await;
    s.finish().await;
}

async fn renders_replay_by_artifact_and_format(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let render = |format: &str| {
        Request::post("/api/artifacts/export")
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", s.token("alice")),
            )
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", "r-1")
            .body(Body::from(
                json!({"artifactId": artifact, "format": format}).to_string(),
            ))
            .unwrap()
    };
    let (status, _, first) = s.call(render("xlsx")).await;
    assert_eq!(status, StatusCode::CREATED);
    // A second later the render's bytes differ (their creation time): still
    // the same export.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, headers, again) = s.call(render("xlsx")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["idempotent-replayed"], "true");
    let (first, again): (Value, Value) = (
        serde_json::from_slice(&first).unwrap(),
        serde_json::from_slice(&again).unwrap(),
    );
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["source"], "server");
    let (status, _, _) = s.call(render("pdf")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    s.finish().await;
}

async fn a_full_store_is_507_and_keeps_nothing(backend: Backend) {
    let (s, switch) = switchable(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    switch.full.store(true, Ordering::SeqCst);
    let req = Request::post(format!("/api/artifacts/{artifact}/exports?format=pdf"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token("alice")),
        )
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from(file(Format::Pdf)))
        .unwrap();
    let (status, headers, body) = s.call(req).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    assert!(headers.contains_key(header::RETRY_AFTER));
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "STORAGE_FULL");
    let (status, headers, _) = s
        .call(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(headers.contains_key(header::RETRY_AFTER));
    let statuses: Vec<String> = sqlx::query_scalar("SELECT status FROM exports")
        .fetch_all(&s.state.db.pool)
        .await
        .unwrap();
    assert_eq!(statuses, ["failed"]);
    assert_no_lie(&s).await;
    s.finish().await;
}
