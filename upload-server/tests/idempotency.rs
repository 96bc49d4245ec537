//! A 201 means the file is kept whole: what a retry with the same
//! Idempotency-Key gets in each state of the first attempt (completed,
//! still in flight, failed, abandoned), under concurrency, and what a full
//! store answers. Each on SQLite and PostgreSQL.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use exporter_core::Format;
use futures::StreamExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use upload_server::storage::{LocalStorage, Object, Storage};

mod common;
use common::app::{Backend, Server, TABLE, file, server};
use common::process::files;

on_both!(
    a_failed_attempt_is_retried_with_the_same_key,
    an_attempt_in_flight_is_409_with_retry_after,
    an_abandoned_attempt_is_settled_then_retried,
    concurrent_uploads_of_one_key_store_one_file,
    renders_replay_by_artifact_and_format,
    a_full_store_is_507_and_keeps_nothing,
    tables_are_kept_in_storage_byte_for_byte,
    artifacts_stored_in_their_row_still_work,
    an_artifact_not_kept_whole_is_not_recorded,
    orphan_tables_are_swept
);

/// Local storage that can be made to fail every write as full.
struct Switchable {
    inner: Arc<dyn Storage>,
    full: AtomicBool,
    /// Closes the database once a write has been stored (the database
    /// goes away between the object and its row).
    close_db_after_put: Option<sqlx::AnyPool>,
}

#[async_trait]
impl Storage for Switchable {
    async fn put(&self, object: Object<'_>) -> io::Result<()> {
        if self.full.load(Ordering::SeqCst) {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
        }
        self.inner.put(object).await?;
        if let Some(pool) = &self.close_db_after_put {
            pool.close().await;
        }
        Ok(())
    }
    async fn get(&self, key: &str) -> io::Result<Option<Bytes>> {
        self.inner.get(key).await
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
        close_db_after_put: None,
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
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT data_key FROM artifacts WHERE data_key IS NOT NULL")
            .fetch_all(&s.state.db.pool)
            .await
            .unwrap();
    for f in files(&root) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "temporary file left: {f:?}");
        let key = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            rows.iter().any(|(_, k, _)| *k == key) || tables.contains(&key),
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
    let (_, _, got) = s.download(body["url"].as_str().unwrap()).await;
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
    assert_eq!(files(&s.dir.join("files/exports")).len(), 1);
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

/// `POST /api/artifacts` with `body` as it is (not re-serialised).
async fn post_raw(s: &Server, user: &str, body: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::post("/api/artifacts")
        .header(header::AUTHORIZATION, format!("Bearer {}", s.token(user)))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let (status, _, bytes) = s.call(req).await;
    (status, bytes)
}

/// The `data` member of a raw artifact body, as text.
fn data_text(body: &[u8]) -> String {
    type Members = std::collections::HashMap<String, Box<serde_json::value::RawValue>>;
    let mut members: Members = serde_json::from_slice(body).unwrap();
    assert!(members.contains_key("id") && members.contains_key("createdAt"));
    members.remove("data").unwrap().get().to_owned()
}

async fn tables_are_kept_in_storage_byte_for_byte(backend: Backend) {
    let s = server(backend, &[]).await;
    // Spacing, escapes and non-ASCII text that a re-serialisation would change.
    let table =
        r#"{ "headers" : ["Name","N"],  "rows": [["\u00e9t\u00e9 שלום", 1.50], ["\"q\"", 2e3]] }"#;
    let (status, body) = post_raw(
        &s,
        "alice",
        &format!("{{\"type\":\"table\",\"data\":{table}}}"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(data_text(&body), table);
    let id = serde_json::from_slice::<Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The row names the object; the table is not in the row.
    let (data, key): (String, String) =
        sqlx::query_as("SELECT data, data_key FROM artifacts WHERE id = $1")
            .bind(&id)
            .fetch_one(&s.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (data.as_str(), key.clone()),
        ("", format!("artifacts/alice/{id}.json"))
    );
    assert_eq!(
        std::fs::read_to_string(s.dir.join("files").join(&key)).unwrap(),
        table
    );
    let req = Request::get(format!("/api/artifacts/{id}"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token("alice")),
        )
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = s.call(req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(data_text(&body), table);
    // Another user still gets 404; the list carries no tables.
    let (status, _) = s
        .json("GET", &format!("/api/artifacts/{id}"), Some("bob"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = s.json("GET", "/api/artifacts", Some("alice"), None).await;
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert!(list["items"][0].get("data").is_none(), "{list}");
    // The server renders from the stored table.
    let (status, export) = s.render("alice", &id, "xlsx").await;
    assert_eq!(status, StatusCode::CREATED, "{export}");
    assert_eq!(export["status"], "completed");
    assert_no_lie(&s).await;
    s.finish().await;
}

async fn artifacts_stored_in_their_row_still_work(backend: Backend) {
    let s = server(backend, &[]).await;
    // An artifact as made before tables were kept in storage.
    let table = r#"{"headers":["Old"],"rows":[["kept in the row"]]}"#;
    sqlx::query("INSERT INTO artifacts (id, user_id, type, title, data, created_at) VALUES ($1, 'alice', 'table', 'Old', $2, 1)")
        .bind("01900000-0000-7000-8000-000000000001")
        .bind(table)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
    let req = Request::get("/api/artifacts/01900000-0000-7000-8000-000000000001")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token("alice")),
        )
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = s.call(req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data_text(&body), table);
    let (status, export) = s
        .render("alice", "01900000-0000-7000-8000-000000000001", "pdf")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{export}");
    assert_eq!(export["status"], "completed");
    s.finish().await;
}

async fn artifact_rows(s: &Server) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM artifacts")
        .fetch_one(&s.state.db.pool)
        .await
        .unwrap()
}

async fn an_artifact_not_kept_whole_is_not_recorded(backend: Backend) {
    let body = json!({"type": "table", "data": TABLE()}).to_string();
    // A full store: 507, no row, no file.
    let (s, switch) = switchable(backend, &[]).await;
    switch.full.store(true, Ordering::SeqCst);
    let (status, answer) = post_raw(&s, "alice", &body).await;
    assert_eq!(
        status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(artifact_rows(&s).await, 0);
    assert!(files(&s.dir.join("files")).is_empty());
    // A broken store (its directory is a file): 503, no row.
    switch.full.store(false, Ordering::SeqCst);
    let root = s.dir.join("files");
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::write(&root, b"not a directory").unwrap();
    let (status, _) = post_raw(&s, "alice", &body).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(artifact_rows(&s).await, 0);
    std::fs::remove_file(&root).unwrap();
    s.finish().await;

    // The database goes away between the object and its row: the answer is
    // an error and the object is removed.
    let mut s = server(backend, &[]).await;
    let pool = s.state.db.pool.clone();
    s.state.storage = Arc::new(Switchable {
        inner: s.state.storage.clone(),
        full: AtomicBool::new(false),
        close_db_after_put: Some(pool),
    });
    s.app = upload_server::app(s.state.clone());
    let (status, answer) = post_raw(&s, "alice", &body).await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let left = files(&s.dir.join("files"));
    assert!(left.is_empty(), "{left:?}");
    s.finish().await;
}

async fn orphan_tables_are_swept(backend: Backend) {
    let s = server(backend, &[]).await;
    let kept = s.artifact("alice").await;
    let dir = s.dir.join("files/artifacts/alice");
    let orphan = dir.join("01900000-0000-7000-8000-0000000000ff.json");
    std::fs::write(&orphan, b"{}").unwrap();
    let fresh = dir.join("01900000-0000-7000-8000-0000000000fe.json");
    std::fs::write(&fresh, b"{}").unwrap();
    // Older than any request can be: the orphan, and the kept table.
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    for path in [&orphan, &dir.join(format!("{kept}.json"))] {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let report = upload_server::sweep::sweep_once(&s.state).await.unwrap();
    assert_eq!(report.strays, 1, "{report:?}");
    assert!(!orphan.exists());
    // A write in flight (young) and a table with its row stay.
    assert!(fresh.exists());
    let (status, _) = s
        .json(
            "GET",
            &format!("/api/artifacts/{kept}"),
            Some("alice"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    s.finish().await;
}
