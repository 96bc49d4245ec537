//! The HTTP API through the router itself (`tower::ServiceExt::oneshot`),
//! each test against SQLite and against PostgreSQL (a fresh database each).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use exporter_core::Format;
use futures::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use upload_server::{AppState, app};

mod common;
use common::app::{Backend, TABLE, file, path_of, server};
use common::process::files;

on_both!(
    auth_is_required,
    artifacts_are_private,
    upload_list_download_delete,
    idempotent_replays,
    bad_uploads_store_nothing,
    signed_urls_refuse_tampering,
    server_renders,
    storage_failure_leaves_failed_row,
    crash_leftovers_are_swept,
    concurrent_uploads,
    retention_and_stale_sweeps,
    rate_limit_answers_429,
    rate_limit_is_exact_under_concurrency,
    hostile_input_tried_and_counted,
    retention_retries_a_failed_delete,
    tables_with_columns_and_records,
    server_renders_keep_their_warnings,
    sheet_artifacts_hold_workbooks
);

async fn auth_is_required(backend: Backend) {
    let s = server(backend, &[]).await;
    let (status, body) = s.json("GET", "/api/artifacts", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "UNAUTHORIZED");
    let req = Request::get("/api/artifacts")
        .header(header::AUTHORIZATION, "Bearer not.a.token")
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.call(req).await.0, StatusCode::UNAUTHORIZED);
    let other = upload_server::auth::Keys::from_secret(b"another-secret-entirely")
        .issue("alice", std::time::Duration::from_secs(60))
        .unwrap();
    let req = Request::get("/api/artifacts")
        .header(header::AUTHORIZATION, format!("Bearer {other}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.call(req).await.0, StatusCode::UNAUTHORIZED);
    let expired = s
        .state
        .keys
        .issue("alice", std::time::Duration::ZERO)
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let req = Request::get("/api/artifacts")
        .header(header::AUTHORIZATION, format!("Bearer {expired}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.call(req).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        s.json("GET", "/api/artifacts", Some("alice"), None).await.0,
        StatusCode::OK
    );
    // The dev login is off unless enabled.
    assert_eq!(
        s.json("POST", "/api/dev/login", None, Some(json!({"userId": "x"})))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    s.finish().await;
}

async fn artifacts_are_private(backend: Backend) {
    let s = server(backend, &[]).await;
    let id = s.artifact("alice").await;
    let (status, body) = s
        .json("GET", &format!("/api/artifacts/{id}"), Some("alice"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"], TABLE());
    assert_eq!(body["title"], "Quarterly sales");
    assert_eq!(
        s.json("GET", &format!("/api/artifacts/{id}"), Some("bob"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = s.json("GET", "/api/artifacts", Some("bob"), None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let (status, body) = s
        .create_artifact(
            "alice",
            "table",
            json!({"headers": ["a"], "rows": [[1, 2]]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "ROW_TOO_LONG");
    assert_eq!(
        s.upload_pdf("bob", &id, file(Format::Pdf), None).await.0,
        StatusCode::NOT_FOUND
    );
    s.finish().await;
}

async fn upload_list_download_delete(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let mut ids = Vec::new();
    for format in Format::ALL {
        let bytes = file(format);
        let (status, body) = s
            .upload(
                "alice",
                &artifact,
                format.extension(),
                format.mime_type(),
                bytes.clone(),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["status"], "completed");
        assert_eq!(body["sizeBytes"], bytes.len());
        assert_eq!(body["format"], format.extension());
        let url = body["url"].as_str().unwrap();
        let (status, headers, got) = s.download(url).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(got, bytes);
        assert_eq!(headers[header::CONTENT_TYPE], format.mime_type());
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"Quarterly sales.")
        );
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let (_, page) = s
        .json(
            "GET",
            &format!("/api/exports?artifactId={artifact}&limit=2"),
            Some("alice"),
            None,
        )
        .await;
    let first: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(first, [ids[3].as_str(), ids[2].as_str()], "newest first");
    let cursor = page["nextCursor"].as_str().unwrap();
    let (_, page) = s
        .json(
            "GET",
            &format!("/api/exports?artifactId={artifact}&limit=3&cursor={cursor}"),
            Some("alice"),
            None,
        )
        .await;
    let rest: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(rest, [ids[1].as_str(), ids[0].as_str()]);
    assert!(page["nextCursor"].is_null());
    let (status, meta) = s
        .json(
            "GET",
            &format!("/api/exports/{}", ids[0]),
            Some("alice"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(meta["url"].as_str().unwrap().contains("sig="));
    assert_eq!(
        s.json(
            "GET",
            &format!("/api/exports/{}", ids[0]),
            Some("bob"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.json(
            "DELETE",
            &format!("/api/exports/{}", ids[0]),
            Some("bob"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let url = meta["url"].as_str().unwrap().to_owned();
    assert_eq!(
        s.json(
            "DELETE",
            &format!("/api/exports/{}", ids[0]),
            Some("alice"),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.json(
            "GET",
            &format!("/api/exports/{}", ids[0]),
            Some("alice"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(s.download(&url).await.0, StatusCode::NOT_FOUND);
    let key = format!("exports/alice/{}.pdf", ids[0]);
    assert!(!s.dir.join("files").join(key).exists(), "the file is gone");
    s.finish().await;
}

async fn idempotent_replays(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let pdf = file(Format::Pdf);
    let (a, first) = s
        .upload_pdf("alice", &artifact, pdf.clone(), Some("key-1"))
        .await;
    let (b, again) = s
        .upload_pdf("alice", &artifact, pdf.clone(), Some("key-1"))
        .await;
    assert_eq!((a, b), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first["id"], again["id"]);
    let (c, body) = s
        .upload(
            "alice",
            &artifact,
            "docx",
            Format::Docx.mime_type(),
            file(Format::Docx),
            Some("key-1"),
        )
        .await;
    assert_eq!(c, StatusCode::CONFLICT, "{body}");
    assert_eq!(s.export_count().await, 1);
    s.finish().await;
}

async fn bad_uploads_store_nothing(backend: Backend) {
    let s = server(backend, &["--max-upload-bytes", "8000"]).await;
    let artifact = s.artifact("alice").await;
    let pdf = file(Format::Pdf);
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode)> = vec![
        (
            "pdf",
            "application/pdf",
            pdf[..pdf.len() / 2].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "pdf",
            "application/pdf",
            b"%PDF-1.7\n<html><script>alert(1)</script></html>".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "xlsx",
            Format::Xlsx.mime_type(),
            file(Format::Docx),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "pdf",
            "application/pdf",
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "pdf",
            "text/html",
            pdf.clone(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "pdf",
            "application/pdf",
            vec![b'%'; 9000],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "odt",
            "application/pdf",
            pdf.clone(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (format, content_type, bytes, expected) in cases {
        let (status, body) = s
            .upload("alice", &artifact, format, content_type, bytes, None)
            .await;
        assert_eq!(status, expected, "{format} {content_type}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    assert_eq!(s.export_count().await, 0);
    let files = files(&s.dir.join("files/exports"));
    assert!(files.is_empty(), "{files:?}");
    s.finish().await;
}

async fn signed_urls_refuse_tampering(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let (_, a) = s
        .upload_pdf("alice", &artifact, file(Format::Pdf), None)
        .await;
    let (_, b) = s
        .upload(
            "alice",
            &artifact,
            "xlsx",
            Format::Xlsx.mime_type(),
            file(Format::Xlsx),
            None,
        )
        .await;
    let url_a = path_of(a["url"].as_str().unwrap());
    let id_b = b["id"].as_str().unwrap();
    let id_a = a["id"].as_str().unwrap();
    let (expires, sig) = {
        let q = url_a.split_once('?').unwrap().1;
        let mut parts = q.split('&').map(|p| p.split_once('=').unwrap().1);
        (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
        )
    };
    let past = upload_server::auth::unix_now() - 10;
    let key_a = format!("exports/alice/{id_a}.pdf");
    let expired_sig = s.state.keys.sign_download(&key_a, past);
    let bad = [
        format!(
            "/api/exports/{id_a}/file?expires={expires}&sig={}",
            "0".repeat(64)
        ),
        format!(
            "/api/exports/{id_a}/file?expires={}&sig={sig}",
            expires.parse::<u64>().unwrap() + 1
        ),
        format!("/api/exports/{id_b}/file?expires={expires}&sig={sig}"),
        format!("/api/exports/{id_a}/file?expires={past}&sig={expired_sig}"),
        format!("/api/exports/..%2f..%2fdb.sqlite/file?expires={expires}&sig={sig}"),
        format!("/api/exports/{id_a}/file"),
    ];
    for uri in bad {
        let status = s
            .call(Request::get(&uri).body(Body::empty()).unwrap())
            .await
            .0;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{uri} gave {status}"
        );
    }
    assert_eq!(
        s.call(Request::get(&url_a).body(Body::empty()).unwrap())
            .await
            .0,
        StatusCode::OK
    );
    s.finish().await;
}

async fn server_renders(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    for format in ["pdf", "docx", "xlsx"] {
        let (status, body) = s.render("alice", &artifact, format).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, _, bytes) = s.download(body["url"].as_str().unwrap()).await;
        upload_server::validate::check(format.parse().unwrap(), &bytes).unwrap();
    }
    let (status, _) = s.render("bob", &artifact, "pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    s.finish().await;
}

async fn storage_failure_leaves_failed_row(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    // Storage breaks: its directory becomes a file.
    let root = s.dir.join("files");
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::write(&root, b"not a directory").unwrap();
    let (status, body) = s
        .upload_pdf("alice", &artifact, file(Format::Pdf), None)
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        !body["error"]["message"].as_str().unwrap().contains('/'),
        "no paths leak: {body}"
    );
    let statuses: Vec<String> = sqlx::query_scalar("SELECT status FROM exports")
        .fetch_all(&s.state.db.pool)
        .await
        .unwrap();
    assert_eq!(statuses, ["failed"]);
    let (status, _) = s.json("GET", "/readyz", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    s.finish().await;
}

async fn crash_leftovers_are_swept(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let (_, kept) = s
        .upload_pdf("alice", &artifact, file(Format::Pdf), None)
        .await;
    // What a crash can leave: a row still processing with no object, a
    // temporary file, and an object no row names.
    let pool = &s.state.db.pool;
    sqlx::query("INSERT INTO exports (id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, created_at, updated_at) VALUES ('11111111-1111-7111-8111-111111111111', $1, 'alice', 'pdf', '/x', 'processing', 'exports/alice/11111111-1111-7111-8111-111111111111.pdf', 10, 'x', 1, 1)")
        .bind(&artifact)
        .execute(pool)
        .await
        .unwrap();
    let user_dir = s.dir.join("files/exports/alice");
    std::fs::write(user_dir.join(".half.pdf.123.tmp"), b"half").unwrap();
    std::fs::write(
        user_dir.join("22222222-2222-7222-8222-222222222222.pdf"),
        b"orphan",
    )
    .unwrap();
    // Restart on the same database and storage.
    let config = (*s.state.config).clone();
    let restarted = AppState::build(config).await.unwrap();
    let statuses: Vec<(String, String)> =
        sqlx::query_as("SELECT id, status FROM exports ORDER BY id")
            .fetch_all(&restarted.db.pool)
            .await
            .unwrap();
    assert!(
        statuses.contains(&(
            "11111111-1111-7111-8111-111111111111".into(),
            "failed".into()
        )),
        "{statuses:?}"
    );
    assert!(statuses.contains(&(kept["id"].as_str().unwrap().into(), "completed".into())));
    let mut left: Vec<String> = files(&user_dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [format!("{}.pdf", kept["id"].as_str().unwrap())]);
    restarted.db.pool.close().await;
    s.finish().await;
}

/// An upload of `pdf` to `artifact`, for tests that send many at once.
fn pdf_request(artifact: &str, token: &str, pdf: Vec<u8>, key: Option<&str>) -> Request<Body> {
    let mut req = Request::post(format!("/api/artifacts/{artifact}/exports?format=pdf"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/pdf");
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.body(Body::from(pdf)).unwrap()
}

async fn concurrent_uploads(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let pdf = file(Format::Pdf);
    let uploads = (0..32).map(|i| {
        let app = s.app.clone();
        let token = s.token("alice");
        let (artifact, pdf) = (artifact.clone(), pdf.clone());
        tokio::spawn(async move {
            let req = pdf_request(&artifact, &token, pdf, Some(&format!("k{i}")));
            let res = app.oneshot(req).await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        })
    });
    for result in futures::future::join_all(uploads).await {
        let (status, body) = result.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert_eq!(s.export_count().await, 32);
    s.finish().await;
}

/// 24 uploads of one user at once, spread over two instances on one
/// database, with a limit of 5 a minute: exactly 5 are stored. The bucket
/// is taken by one atomic statement, so no two requests spend one token.
async fn rate_limit_is_exact_under_concurrency(backend: Backend) {
    let s = server(backend, &["--rate-limit-per-minute", "5"]).await;
    let other = s.sibling().await;
    let artifact = s.artifact("alice").await;
    let pdf = file(Format::Pdf);
    let uploads = (0..24).map(|i| {
        let app = if i % 2 == 0 {
            s.app.clone()
        } else {
            other.app.clone()
        };
        let token = s.token("alice");
        let (artifact, pdf) = (artifact.clone(), pdf.clone());
        tokio::spawn(async move {
            let req = pdf_request(&artifact, &token, pdf, None);
            app.oneshot(req).await.unwrap().status()
        })
    });
    let mut statuses = std::collections::BTreeMap::new();
    for result in futures::future::join_all(uploads).await {
        *statuses.entry(result.unwrap().as_u16()).or_insert(0) += 1;
    }
    assert_eq!(
        statuses,
        std::collections::BTreeMap::from([(201, 5), (429, 19)])
    );
    assert_eq!(s.export_count().await, 5);
    other.state.db.pool.close().await;
    s.finish().await;
}

/// Every key of `value` is a property of the named schema, and every
/// required property is in `value`: the document describes what is sent.
fn assert_matches_schema(doc: &Value, schema: &str, value: &Value) {
    let s = &doc["components"]["schemas"][schema];
    let props = s["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {schema} has no properties: {s}"));
    let obj = value.as_object().unwrap();
    for key in obj.keys() {
        assert!(props.contains_key(key), "{schema} lacks {key}");
    }
    for req in s["required"].as_array().unwrap() {
        assert!(
            obj.contains_key(req.as_str().unwrap()),
            "{schema} requires {req}, not sent"
        );
    }
}

#[tokio::test]
async fn openapi_describes_the_api() {
    let s = server(Backend::Sqlite, &[]).await;
    let (status, doc) = s.json("GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let expected = [
        ("/api/artifacts", "get"),
        ("/api/artifacts", "post"),
        ("/api/artifacts/{id}", "get"),
        ("/api/artifacts/{id}/exports", "post"),
        ("/api/artifacts/export", "post"),
        ("/api/exports", "get"),
        ("/api/exports/{id}", "get"),
        ("/api/exports/{id}", "delete"),
        ("/api/exports/{id}/file", "get"),
        ("/api/events", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    let mut listed = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            assert!(
                expected.contains(&(path.as_str(), method.as_str())),
                "undocumented-by-test operation {method} {path}"
            );
            listed += 1;
        }
    }
    assert_eq!(listed, expected.len(), "{paths:?}");
    // Without --dev-login the login is neither served nor documented.
    assert!(!paths.contains_key("/api/dev/login"));
    let upload = &doc["paths"]["/api/artifacts/{id}/exports"]["post"];
    assert_eq!(upload["security"][0]["bearer"], json!([]));
    for status in ["201", "409", "413", "415", "422", "503"] {
        assert!(upload["responses"][status].is_object(), "upload {status}");
    }
    assert!(doc["paths"]["/api/exports/{id}/file"]["get"]["security"].is_null());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    // What the server really sends fits the documented schemas.
    let (_, artifact) = s.create_artifact("alice", "table", TABLE()).await;
    assert_matches_schema(&doc, "Artifact", &artifact);
    let id = artifact["id"].as_str().unwrap();
    let (_, export) = s.upload_pdf("alice", id, file(Format::Pdf), None).await;
    assert_matches_schema(&doc, "Export", &export);
    let (_, page) = s
        .json(
            "GET",
            &format!("/api/exports?artifactId={id}"),
            Some("alice"),
            None,
        )
        .await;
    assert_matches_schema(&doc, "ExportList", &page);
    let (_, err) = s
        .json("GET", "/api/artifacts/nope", Some("alice"), None)
        .await;
    assert_matches_schema(&doc, "ErrorBody", &err);
    assert_matches_schema(&doc, "ErrorDetail", &err["error"]);
    s.finish().await;

    let s = server(Backend::Sqlite, &["--dev-login"]).await;
    let (_, doc) = s.json("GET", "/api/openapi.json", None, None).await;
    assert!(doc["paths"]["/api/dev/login"]["post"].is_object());
    s.finish().await;
}

#[tokio::test]
async fn fonts_are_served_and_nothing_else() {
    let s = server(Backend::Sqlite, &[]).await;
    // A regular and a bold font per group of scripts the core names
    // (scripts_needed); no other installed font.
    let mut served = 0;
    for dir in ["truetype/dejavu", "truetype/noto", "opentype/noto"] {
        for entry in std::fs::read_dir(format!("/usr/share/fonts/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            let wanted = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].contains(&name.as_str())
                || ["Arabic", "Hebrew", "Devanagari", "Thai"].iter().any(|s| {
                    name == format!("NotoSans{s}-Regular.ttf")
                        || name == format!("NotoSans{s}-Bold.ttf")
                })
                || ["NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"].contains(&name.as_str());
            let (status, headers, body) = s
                .call(
                    Request::get(format!("/fonts/{name}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            if !wanted {
                assert_eq!(status, StatusCode::NOT_FOUND, "{name}");
                continue;
            }
            assert_eq!(status, StatusCode::OK, "{name}");
            let kind = if name.ends_with(".ttc") {
                "font/collection"
            } else {
                "font/ttf"
            };
            assert_eq!(headers[header::CONTENT_TYPE], kind);
            assert!(body == std::fs::read(&path).unwrap(), "{name}");
            served += 1;
        }
    }
    assert_eq!(served, 12);
    for path in [
        "/fonts/DejaVuSans-Oblique.ttf",
        "/fonts/..%2F..%2Fetc%2Fpasswd",
        "/fonts/%2Fetc%2Fpasswd",
        "/fonts/../Cargo.toml",
    ] {
        let (status, _, _) = s
            .call(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    s.finish().await;
}

#[tokio::test]
async fn server_pdfs_embed_the_fonts_their_scripts_need() {
    // Rendered on the server, a table in six scripts gets the fonts the
    // web app would fetch (the core's scripts_needed): no character is
    // missing, so the render has no warning.
    let s = server(Backend::Sqlite, &[]).await;
    let data = json!({"title": "Отчёт", "headers": ["city", "n"],
        "rows": [["القاهرة", 1], ["ירושלים", 2], ["मुंबई", 3], ["กรุงเทพ", 4], ["東京", 5]]});
    let (status, body) = s.create_artifact("alice", "table", data).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, export) = s.render("alice", body["id"].as_str().unwrap(), "pdf").await;
    assert_eq!(status, StatusCode::CREATED, "{export}");
    assert_eq!(export["warnings"], json!([]));
    let (status, _, pdf) = s.download(export["url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let path = std::env::temp_dir().join(format!("rowpress-scripts-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let fonts = String::from_utf8_lossy(&out.stdout);
    for name in [
        "DejaVuSans",
        "NotoSansArabic",
        "NotoSansHebrew",
        "NotoSansDevanagari",
        "NotoSansThai",
        "NotoSansCJK",
    ] {
        assert!(fonts.contains(name), "{name} in {fonts}");
    }
    // The header is drawn in DejaVu's bold face, not stroked.
    assert!(fonts.contains("DejaVuSans-Bold"), "{fonts}");
    s.finish().await;
}

#[tokio::test]
async fn client_events_are_checked() {
    let s = server(Backend::Sqlite, &[]).await;
    let good = json!({"event": "artifact_exported", "type": "table", "format": "pdf",
        "artifactId": "a1", "durationMs": 120, "rows": 3, "sizeBytes": 1000, "offline": true});
    let (status, _) = s
        .json("POST", "/api/events", None, Some(good.clone()))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s
        .json("POST", "/api/events", Some("alice"), Some(good.clone()))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mut bad = good.clone();
    bad["event"] = json!("something_else");
    let (status, body) = s
        .json("POST", "/api/events", Some("alice"), Some(bad))
        .await;
    // Outside the enums the OpenAPI document names: the wrong shape.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut bad = good;
    bad["format"] = json!("html");
    let (status, _) = s
        .json("POST", "/api/events", Some("alice"), Some(bad))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    s.finish().await;
}

/// Requests axum's extractors refuse (bad JSON, a body of the wrong shape,
/// no JSON content type, a missing query parameter, a body over the limit)
/// get the API's JSON error with the right status, not axum's plain text.
#[tokio::test]
async fn malformed_requests_get_json_errors() {
    let s = server(
        Backend::Sqlite,
        &["--max-upload-bytes", "1000", "--max-artifact-bytes", "1000"],
    )
    .await;
    let artifact = s.artifact("alice").await;
    let auth = format!("Bearer {}", s.token("alice"));
    let post = |uri: &str, content_type: Option<&str>, body: Vec<u8>| {
        let mut req = Request::post(uri).header(header::AUTHORIZATION, &auth);
        if let Some(t) = content_type {
            req = req.header(header::CONTENT_TYPE, t);
        }
        req.body(Body::from(body)).unwrap()
    };
    let cases = [
        (
            post(
                "/api/artifacts",
                Some("application/json"),
                b"{bad json".to_vec(),
            ),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "failed to parse the request body as JSON",
        ),
        (
            post(
                "/api/artifacts",
                Some("application/json"),
                br#"{"type":"table"}"#.to_vec(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNPROCESSABLE",
            "missing field `data`",
        ),
        (
            post("/api/artifacts", None, b"{}".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type: application/json",
        ),
        (
            post(
                "/api/artifacts/export",
                Some("application/json"),
                br#"{"artifactId": 5, "format": "pdf"}"#.to_vec(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNPROCESSABLE",
            "artifactId",
        ),
        (
            post(
                "/api/artifacts",
                Some("application/json"),
                format!(
                    r#"{{"type":"table","data":{{"headers":["a"],"rows":[["{}"]]}}}}"#,
                    "x".repeat(2000)
                )
                .into_bytes(),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "larger than 1000 bytes",
        ),
        (
            post(
                &format!("/api/artifacts/{artifact}/exports"),
                Some("application/pdf"),
                file(Format::Pdf),
            ),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "missing field `format`",
        ),
        (
            Request::get("/api/exports?limit=many")
                .header(header::AUTHORIZATION, &auth)
                .body(Body::empty())
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "limit",
        ),
    ];
    for (req, status, code, words) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let (got, headers, body) = s.call(req).await;
        assert_eq!(got, status, "{what}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{what}");
        let body: Value =
            serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{what}: not JSON"));
        assert_eq!(body["error"]["code"], code, "{what}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{what}: {message}");
        assert!(
            !message.contains('\n') && message.starts_with(char::is_lowercase),
            "{what}: {message}"
        );
    }
    assert_eq!(s.export_count().await, 0);
    s.finish().await;
}

async fn retention_and_stale_sweeps(backend: Backend) {
    let s = server(backend, &["--export-retention-days", "30"]).await;
    let artifact = s.artifact("alice").await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let (status, body) = s
            .upload_pdf("alice", &artifact, file(Format::Pdf), None)
            .await;
        assert_eq!(status, StatusCode::CREATED);
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    // Three are 40 days old.
    let day = 86_400_000_i64;
    for id in &ids[..3] {
        sqlx::query("UPDATE exports SET created_at = created_at - $1 WHERE id = $2")
            .bind(40 * day)
            .bind(id)
            .execute(&s.state.db.pool)
            .await
            .unwrap();
    }
    // Two left processing an hour ago by a dead instance: one object whole, one missing.
    for (id, whole) in [(&ids[3], true), (&ids[4], false)] {
        sqlx::query(
            "UPDATE exports SET status = 'processing', created_at = created_at - $1 WHERE id = $2",
        )
        .bind(3_600_000_i64)
        .bind(id)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
        if !whole {
            let row = s.state.db.export_by_id(id).await.unwrap().unwrap();
            s.state.storage.delete(&row.storage_key).await.unwrap();
        }
    }
    let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM exports ORDER BY id")
        .fetch_all(&s.state.db.pool)
        .await
        .unwrap();
    // Two sweepers at once (as every instance runs one) do the work once.
    let (a, b) = tokio::join!(
        upload_server::sweep::sweep_once(&s.state),
        upload_server::sweep::sweep_once(&s.state)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.deleted + b.deleted, 3, "{a:?} {b:?}");
    assert_eq!(a.settled + b.settled, 2, "{a:?} {b:?}");
    let left: Vec<(String, String)> = sqlx::query_as("SELECT id, status FROM exports ORDER BY id")
        .fetch_all(&s.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        left,
        [
            (ids[3].clone(), "completed".to_owned()),
            (ids[4].clone(), "failed".to_owned())
        ]
    );
    // The expired objects are gone; the whole one stays.
    let mut present = 0;
    for key in &keys {
        if s.state.storage.size(key).await.unwrap().is_some() {
            present += 1;
        }
    }
    assert_eq!(present, 1);
    let (status, _) = s
        .json(
            "GET",
            &format!("/api/exports/{}", ids[0]),
            Some("alice"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, metrics) = {
        let (st, _, body) = s
            .call(Request::get("/metrics").body(Body::empty()).unwrap())
            .await;
        (st, String::from_utf8(body).unwrap())
    };
    assert!(
        metrics.contains("rowpress_retention_deleted_exports_total 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("rowpress_stale_processing_exports_total 2"),
        "{metrics}"
    );
    // A second sweep finds nothing.
    let again = upload_server::sweep::sweep_once(&s.state).await.unwrap();
    assert_eq!(again, upload_server::sweep::SweepReport::default());
    s.finish().await;
}

async fn rate_limit_answers_429(backend: Backend) {
    let s = server(backend, &["--rate-limit-per-minute", "2"]).await;
    let artifact = s.artifact("alice").await;
    let pdf = file(Format::Pdf);
    for key in ["k1", "k2"] {
        let (status, _) = s
            .upload_pdf("alice", &artifact, pdf.clone(), Some(key))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let req = Request::post(format!("/api/artifacts/{artifact}/exports?format=pdf"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token("alice")),
        )
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from(pdf.clone()))
        .unwrap();
    let (status, headers, body) = s.call(req).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((29..=30).contains(&wait), "Retry-After {wait}");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    // Another instance on the same database sees the same empty bucket:
    // behind a load balancer the limit is per user, not per instance.
    let other = s.sibling().await;
    let (status, _) = other
        .upload_pdf("alice", &artifact, pdf.clone(), Some("k3"))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    other.state.db.pool.close().await;
    // A replay is not a new export and is not limited; another user is not.
    let (status, _) = s
        .upload_pdf("alice", &artifact, pdf.clone(), Some("k1"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let bobs = s.artifact("bob").await;
    let (status, _) = s.upload_pdf("bob", &bobs, pdf, None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(s.export_count().await, 3);
    let (_, _, metrics) = s
        .call(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    let metrics = String::from_utf8(metrics).unwrap();
    assert!(
        metrics.contains("rowpress_rate_limited_total 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"rowpress_exports_total{format="pdf",status="completed",source="upload"} 3"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"rowpress_exports_total{format="pdf",status="replayed",source="upload"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("rowpress_upload_duration_seconds_count{format=\"pdf\"} 3"),
        "{metrics}"
    );
    s.finish().await;
}

#[tokio::test]
async fn large_tables_are_accepted_as_artifacts() {
    // 100,000 rows is about 4 MB of JSON: over axum's 2 MB default.
    let s = server(Backend::Sqlite, &[]).await;
    let rows: Vec<Value> = (0..100_000)
        .map(|i| json!([format!("row {i}"), i]))
        .collect();
    let (status, body) = s
        .create_artifact(
            "alice",
            "table",
            json!({"headers": ["a", "b"], "rows": rows}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    s.finish().await;
}

/// A zip with these (name, bytes) entries, deflated.
fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Every attack of issue #6's list, each tried against the router and
/// counted: it must be refused with the right status, store no file, and
/// leave no row. `cargo test -p upload-server --test api hostile -- --nocapture`
/// prints the table recorded in docs/reliability.md.
async fn hostile_input_tried_and_counted(backend: Backend) {
    let s = server(backend, &["--max-upload-bytes", "200000"]).await;
    let artifact = s.artifact("alice").await;
    let (_, good) = s
        .upload_pdf("alice", &artifact, file(Format::Pdf), None)
        .await;
    let good_id = good["id"].as_str().unwrap().to_owned();
    let good_url = path_of(good["url"].as_str().unwrap());
    let (_, other) = s
        .upload(
            "alice",
            &artifact,
            "xlsx",
            Format::Xlsx.mime_type(),
            file(Format::Xlsx),
            None,
        )
        .await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    let rows_before = s.export_count().await;
    let files_before = files(&s.dir.join("files/exports")).len();
    let mut tally: Vec<(&str, String, StatusCode, bool)> = Vec::new();

    // Auth.
    let now = upload_server::auth::unix_now();
    let b64 = |v: &Value| {
        use std::fmt::Write;
        let raw = v.to_string();
        let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = raw.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.write_char(table[((n >> (18 - 6 * i)) & 63) as usize] as char)
                    .unwrap();
            }
        }
        out
    };
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&json!({"sub": "alice", "exp": now + 600, "iat": now}))
    );
    let alg_hs512_forged = format!(
        "{}.{}.{}",
        b64(&json!({"alg": "HS512", "typ": "JWT"})),
        b64(&json!({"sub": "alice", "exp": now + 600})),
        "A".repeat(86)
    );
    let wrong_secret = upload_server::auth::Keys::from_secret(b"another-secret-entirely")
        .issue("alice", std::time::Duration::from_secs(60))
        .unwrap();
    let expired = s
        .state
        .keys
        .issue("alice", std::time::Duration::ZERO)
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let auth_cases: Vec<(&str, Option<String>)> = vec![
        ("missing Authorization", None),
        ("Basic scheme", Some("Basic YWxpY2U6cGFzcw==".into())),
        ("Bearer without token", Some("Bearer ".into())),
        ("malformed token", Some("Bearer not.a.token".into())),
        ("wrong secret", Some(format!("Bearer {wrong_secret}"))),
        ("expired", Some(format!("Bearer {expired}"))),
        ("alg: none", Some(format!("Bearer {alg_none}"))),
        (
            "alg: HS512, forged",
            Some(format!("Bearer {alg_hs512_forged}")),
        ),
    ];
    for (name, header_value) in auth_cases {
        let mut req = Request::get(format!("/api/artifacts/{artifact}"));
        if let Some(v) = &header_value {
            req = req.header(header::AUTHORIZATION, v.as_str());
        }
        let (status, _, body) = s.call(req.body(Body::empty()).unwrap()).await;
        let text = String::from_utf8_lossy(&body);
        let leaks = text.contains("secret")
            || text.contains("alice")
            || text.contains("jwt") && text.contains("Invalid");
        tally.push((
            "auth",
            name.into(),
            status,
            status == StatusCode::UNAUTHORIZED && !leaks,
        ));
    }
    let (status, _) = s
        .json(
            "GET",
            &format!("/api/artifacts/{artifact}"),
            Some("mallory"),
            None,
        )
        .await;
    tally.push((
        "auth",
        "another user's artifact".into(),
        status,
        status == StatusCode::NOT_FOUND,
    ));
    let (status, _) = s
        .json(
            "DELETE",
            &format!("/api/exports/{good_id}"),
            Some("mallory"),
            None,
        )
        .await;
    tally.push((
        "auth",
        "another user's export (delete)".into(),
        status,
        status == StatusCode::NOT_FOUND,
    ));

    // Paths of the signed download.
    let q = good_url.split_once('?').unwrap().1.to_owned();
    let past = now - 10;
    let other_key = format!("exports/alice/{other_id}.xlsx");
    let other_sig = s.state.keys.sign_download(&other_key, now + 600);
    let expired_sig = s
        .state
        .keys
        .sign_download(&format!("exports/alice/{good_id}.pdf"), past);
    let long = "a".repeat(5000);
    let path_cases = vec![
        ("../", format!("/api/exports/../../db.sqlite/file?{q}")),
        (
            "%2e%2e%2f",
            format!("/api/exports/%2e%2e%2f%2e%2e%2fdb.sqlite/file?{q}"),
        ),
        (
            "double-encoded",
            format!("/api/exports/%252e%252e%252fdb.sqlite/file?{q}"),
        ),
        (
            "backslashes",
            format!("/api/exports/..%5C..%5Cdb.sqlite/file?{q}"),
        ),
        (
            "absolute path",
            format!("/api/exports/%2Fetc%2Fpasswd/file?{q}"),
        ),
        (
            "NUL byte",
            format!("/api/exports/{good_id}%00.pdf/file?{q}"),
        ),
        ("over-long id", format!("/api/exports/{long}/file?{q}")),
        (
            "signature of another key",
            format!(
                "/api/exports/{good_id}/file?expires={}&sig={other_sig}",
                now + 600
            ),
        ),
        (
            "expired signature",
            format!("/api/exports/{good_id}/file?expires={past}&sig={expired_sig}"),
        ),
        ("no signature", format!("/api/exports/{good_id}/file")),
        ("font ../", "/fonts/..%2F..%2Fetc%2Fpasswd".to_owned()),
    ];
    for (name, uri) in path_cases {
        let (status, _, body) = s
            .call(Request::get(&uri).body(Body::empty()).unwrap())
            .await;
        let refused = (status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST)
            && !String::from_utf8_lossy(&body).contains("%PDF");
        tally.push(("path", name.into(), status, refused));
    }

    // Uploads.
    let pdf = file(Format::Pdf);
    let bomb = zip_of(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("xl/workbook.xml", vec![b' '; 50 * 1024 * 1024]),
    ]);
    let traversal = zip_of(&[
        ("[Content_Types].xml", br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_vec()),
        ("xl/workbook.xml", b"<workbook/>".to_vec()),
        ("../../evil.sh", b"rm -rf /".to_vec()),
    ]);
    let fake_trailer = |markup: &str| {
        let body = format!("%PDF-1.7\n{markup}\n");
        let at = body.len();
        format!("{body}xref\n0 1\n0000000000 65535 f \ntrailer\n<<>>\nstartxref\n{at}\n%%EOF\n")
            .into_bytes()
    };
    let hostile = common::hostile::files();
    let mut upload_cases: Vec<(&str, &str, &str, Vec<u8>, StatusCode)> = hostile
        .into_iter()
        .map(|(name, format, bytes)| {
            (
                name,
                format.extension(),
                format.mime_type(),
                bytes,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        })
        .collect();
    upload_cases.extend(vec![
        (
            "truncated PDF",
            "pdf",
            "application/pdf",
            pdf[..pdf.len() / 2].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "HTML with a PDF header",
            "pdf",
            "application/pdf",
            fake_trailer("<html><script>alert(1)</script></html>"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "SVG with a PDF header",
            "pdf",
            "application/pdf",
            fake_trailer("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "zip bomb as XLSX",
            "xlsx",
            Format::Xlsx.mime_type(),
            bomb,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "zip with ../ entries",
            "xlsx",
            Format::Xlsx.mime_type(),
            traversal,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "DOCX renamed XLSX",
            "xlsx",
            Format::Xlsx.mime_type(),
            file(Format::Docx),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "XLSX sent as DOCX",
            "docx",
            Format::Docx.mime_type(),
            file(Format::Xlsx),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "empty body",
            "pdf",
            "application/pdf",
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "HTML content type",
            "pdf",
            "text/html",
            pdf.clone(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "unknown format",
            "html",
            "application/pdf",
            pdf.clone(),
            StatusCode::BAD_REQUEST,
        ),
    ]);
    for (name, format, content_type, bytes, expected) in upload_cases {
        let (status, _) = s
            .upload("alice", &artifact, format, content_type, bytes, None)
            .await;
        tally.push(("upload", name.into(), status, status == expected));
    }
    // Larger than the limit, sent slowly in small pieces with no length:
    // refused once the limit is passed, without reading the rest.
    let pulled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = pulled.clone();
    let chunks = futures::stream::iter(0..100).then(move |_| {
        let counter = counter.clone();
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'%'; 10_000]))
        }
    });
    let req = Request::post(format!("/api/artifacts/{artifact}/exports?format=pdf"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", s.token("alice")),
        )
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from_stream(chunks))
        .unwrap();
    let (status, _, _) = s.call(req).await;
    let pulled = pulled.load(std::sync::atomic::Ordering::SeqCst);
    tally.push((
        "upload",
        format!("over the limit, sent slowly (stopped after {pulled} of 100 pieces)"),
        status,
        status == StatusCode::PAYLOAD_TOO_LARGE && pulled < 30,
    ));

    let rows_lost_or_added = (s.export_count().await - rows_before).abs();
    let files_added = files(&s.dir.join("files/exports")).len() as i64 - files_before as i64;
    println!("| Category | Attack | Status | Refused |");
    println!("|---|---|---:|---|");
    for (cat, name, status, ok) in &tally {
        println!(
            "| {cat} | {name} | {} | {} |",
            status.as_u16(),
            if *ok { "yes" } else { "NO" }
        );
    }
    let refused = tally.iter().filter(|t| t.3).count();
    println!(
        "attacks tried: {}, refused: {refused}, rows added or lost: {rows_lost_or_added}, files added: {files_added}",
        tally.len()
    );
    for (cat, name, status, ok) in &tally {
        assert!(ok, "{cat}: {name} was not refused properly ({status})");
    }
    assert_eq!(rows_lost_or_added, 0);
    assert_eq!(files_added, 0);
    // And the real file still downloads.
    let (status, _, _) = s
        .call(Request::get(&good_url).body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    s.finish().await;
}

async fn retention_retries_a_failed_delete(backend: Backend) {
    let s = server(backend, &["--export-retention-days", "1"]).await;
    let artifact = s.artifact("alice").await;
    let (_, e) = s
        .upload_pdf("alice", &artifact, file(Format::Pdf), None)
        .await;
    let id = e["id"].as_str().unwrap().to_owned();
    sqlx::query("UPDATE exports SET created_at = created_at - $1")
        .bind(2 * 86_400_000_i64)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
    // Storage breaks: its directory is moved away and a file put in its place.
    let root = s.dir.join("files");
    let aside = s.dir.join("files-aside");
    std::fs::rename(&root, &aside).unwrap();
    std::fs::write(&root, b"not a directory").unwrap();
    let r = upload_server::sweep::sweep_once(&s.state).await.unwrap();
    assert_eq!((r.deleted, r.retry), (0, 1));
    // The row stays, marked failed: no URL is handed out for it any more.
    let (status, body) = s
        .json("GET", &format!("/api/exports/{id}"), Some("alice"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "failed");
    assert!(body["url"].is_null());
    // Within the claim's lease no other sweeper takes it.
    let r = upload_server::sweep::sweep_once(&s.state).await.unwrap();
    assert_eq!((r.deleted, r.retry), (0, 0));
    // Storage is back and the lease has run out: the next sweep finishes the job.
    std::fs::remove_file(&root).unwrap();
    std::fs::rename(&aside, &root).unwrap();
    sqlx::query("UPDATE exports SET updated_at = updated_at - $1")
        .bind(11 * 60_000_i64)
        .execute(&s.state.db.pool)
        .await
        .unwrap();
    let r = upload_server::sweep::sweep_once(&s.state).await.unwrap();
    assert_eq!((r.deleted, r.retry), (1, 0));
    assert_eq!(s.export_count().await, 0);
    let exports = root.join("exports");
    assert!(files(&exports).is_empty(), "{:?}", files(&exports));
    s.finish().await;
}

#[tokio::test]
async fn the_dev_login_has_no_rate_limit() {
    let s = server(
        Backend::Sqlite,
        &["--dev-login", "--rate-limit-per-minute", "1"],
    )
    .await;
    let artifact = s.artifact("alice").await;
    for _ in 0..3 {
        let (status, _) = s
            .upload_pdf("alice", &artifact, file(Format::Pdf), None)
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    s.finish().await;
}

#[tokio::test]
async fn unknown_api_paths_are_json_404_even_with_the_app_served() {
    let s = server(Backend::Sqlite, &[]).await;
    // Serve a stand-in app from the static directory.
    let www = s.dir.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    let mut config = (*s.state.config).clone();
    config.static_dir = www;
    let state = AppState {
        config: std::sync::Arc::new(config),
        ..s.state.clone()
    };
    let app = app(state);
    let get = |uri: &str| {
        let app = app.clone();
        let req = Request::get(uri).body(Body::empty()).unwrap();
        async move {
            let res = app.oneshot(req).await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let (status, body) = get("/api/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("\"NOT_FOUND\""), "{body}");
    let (status, body) = get("/some/app/route").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<title>app</title>"));
    let (status, _) = get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    s.finish().await;
}

/// Every hostile file is refused by the validator itself (the API test
/// above sends those within its upload limit), and a well-formed file of
/// the same construction passes, so the refusals are for what each holds.
#[test]
fn the_validator_refuses_every_hostile_file() {
    use common::hostile;
    use upload_server::validate::check;
    for (name, format, bytes) in hostile::files() {
        let reason = check(format, &bytes).expect_err(name);
        assert!(!reason.contains('\n'), "{name}: {reason}");
        eprintln!("{name}: {reason}");
    }
    check(Format::Pdf, &hostile::pdf_with("", "", &[])).unwrap();
    check(Format::Xlsx, &hostile::repack(Format::Xlsx, &[])).unwrap();
    // 990 entries of 1 MiB, 1.1 MB packed, ~1 GiB expanded.
    let mut entries: Vec<(String, Vec<u8>)> = (0..990)
        .map(|i| (format!("xl/media/z{i}.xml"), vec![0u8; 1 << 20]))
        .collect();
    entries.push(("xl/workbook.xml".into(), b"<workbook/>".to_vec()));
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    assert!(check(Format::Xlsx, &hostile::zip_of(&refs)).is_err());
}

/// Files Rowpress makes pass the validator: fonts embedded, many pages,
/// every format, empty tables.
#[test]
fn every_file_rowpress_makes_passes_the_validator() {
    use exporter_core::{ExportOptions, Table, export};
    let rows: Vec<Value> = (0..3000)
        .map(|i| json!([format!("Строка {i} 表 {i}"), i, i % 2 == 0, null]))
        .collect();
    let tables = [
        json!({"headers": [], "rows": []}),
        json!({"title": "Отчёт 表", "headers": ["Имя", "n", "ok", "x"], "rows": rows}),
        TABLE(),
    ];
    let fonts = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ];
    let mut checked = 0;
    for table in &tables {
        let t = Table::from_json(&table.to_string()).unwrap();
        for format in Format::ALL {
            let mut options = ExportOptions::new(format).created_at(1_700_000_000);
            for f in fonts {
                options =
                    options.font(std::fs::read(f).expect("fonts-dejavu-core, fonts-noto-cjk"));
            }
            let bytes = export(&t, &options).unwrap();
            upload_server::validate::check(format, &bytes)
                .unwrap_or_else(|e| panic!("{format}: {e}"));
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

async fn tables_with_columns_and_records(backend: Backend) {
    let s = server(backend, &[]).await;
    let data = json!({
        "title": "Invoices",
        "columns": [{"header": "Invoice", "key": "id", "width": 20}, {"header": "Amount", "key": "amount", "align": "right"}],
        "rows": [{"id": "INV-1", "amount": 2825.78}, {"amount": 3}, ["INV-3", 4]]
    });
    let (status, body) = s.create_artifact("alice", "table", data.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["title"], "Invoices");
    assert_eq!(body["data"], data);
    let id = body["id"].as_str().unwrap();
    let (status, export) = s.render("alice", id, "xlsx").await;
    assert_eq!(status, StatusCode::CREATED, "{export}");
    // A key no column has is refused before anything is stored.
    let (status, body) = s
        .create_artifact(
            "alice",
            "table",
            json!({"columns": [{"header": "A", "key": "a"}], "rows": [{"a": 1}, {"b": 2}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "UNKNOWN_KEY");
    assert_eq!(
        body["error"]["message"],
        "row 2: \"b\" is not the key of any column; add a column with that key, or remove it from the row"
    );
    let (_, list) = s.json("GET", "/api/artifacts", Some("alice"), None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    s.finish().await;
}

/// Migration 0006 rebuilds SQLite's `exports` table to let CSV in: rows
/// written before it are all still there, with every column.
#[tokio::test]
async fn the_csv_migration_keeps_every_export() {
    use sqlx::migrate::Migrator;
    sqlx::any::install_default_drivers();
    let dir = std::env::temp_dir().join(format!("rowpress-migrate-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.display());
    {
        let mut migrator = Migrator::new(std::path::Path::new("migrations/sqlite"))
            .await
            .unwrap();
        migrator.migrations = migrator
            .migrations
            .iter()
            .filter(|m| m.version < 6)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        sqlx::query("INSERT INTO artifacts (id, user_id, type, title, data, created_at) VALUES ('a1', 'alice', 'table', 'T', '{}', 1)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO exports (id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, idempotency_key, created_at, updated_at, source) VALUES ('e1', 'a1', 'alice', 'xlsx', '/api/exports/e1', 'completed', 'exports/alice/e1.xlsx', 42, 'ab', 'k1', 5, 6, 'server')")
            .execute(&pool)
            .await
            .unwrap();
        let csv = sqlx::query("INSERT INTO exports (id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, created_at, updated_at) VALUES ('e2', 'a1', 'alice', 'csv', '/u', 'completed', 'k', 1, 'ab', 1, 1)")
            .execute(&pool)
            .await;
        assert!(csv.is_err(), "csv was refused before 0006");
        pool.close().await;
    }
    let db = upload_server::db::Db::connect(&url).await.unwrap();
    let row: (String, String, String, i64, Option<String>, i64, i64, String) = sqlx::query_as(
        "SELECT id, format, status, size_bytes, idempotency_key, created_at, updated_at, source FROM exports",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "e1".into(),
            "xlsx".into(),
            "completed".into(),
            42,
            Some("k1".into()),
            5,
            6,
            "server".into()
        )
    );
    sqlx::query("INSERT INTO exports (id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, created_at, updated_at) VALUES ('e2', 'a1', 'alice', 'csv', '/u', 'completed', 'k', 1, 'ab', 1, 1)")
        .execute(&db.pool)
        .await
        .unwrap();
    // The unique key of the idempotency index came back too.
    let dup = sqlx::query("INSERT INTO exports (id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, idempotency_key, created_at, updated_at) VALUES ('e3', 'a1', 'alice', 'pdf', '/u', 'completed', 'k', 1, 'ab', 'k1', 1, 1)")
        .execute(&db.pool)
        .await;
    assert!(dup.is_err());
    // 0008 widened the artifact types in place: `sheet` goes in, other
    // types are still refused, and no export went with the old schema.
    sqlx::query("INSERT INTO artifacts (id, user_id, type, title, data, created_at) VALUES ('a2', 'alice', 'sheet', 'S', '{}', 1)")
        .execute(&db.pool)
        .await
        .unwrap();
    let bogus = sqlx::query("INSERT INTO artifacts (id, user_id, type, title, data, created_at) VALUES ('a3', 'alice', 'doc2', 'S', '{}', 1)")
        .execute(&db.pool)
        .await;
    assert!(bogus.is_err());
    let (exports,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM exports")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(exports, 2);
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    db.pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every connection of the pool sees the schema the migrations left: 0008
/// widens a CHECK constraint in place, which a SQLite connection open
/// during the migration kept checking against the old text (8 concurrent
/// inserts of a `sheet` failed in the first round before migrations got a
/// connection of their own).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_connection_sees_the_migrated_schema() {
    for round in 0..10 {
        let dir = std::env::temp_dir().join(format!("rowpress-schema-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.display());
        let db = upload_server::db::Db::connect(&url).await.unwrap();
        let inserts = (0..8).map(|i| {
            let pool = db.pool.clone();
            tokio::spawn(async move {
                sqlx::query(&format!("INSERT INTO artifacts (id, user_id, type, title, data, created_at) VALUES ('a{i}', 'alice', 'sheet', 'S', '{{}}', 1)"))
                    .execute(&pool)
                    .await
                    .map(drop)
            })
        });
        for insert in futures::future::join_all(inserts).await {
            insert
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

async fn server_renders_keep_their_warnings(backend: Backend) {
    let s = server(backend, &[]).await;
    // Sent as JSON text: the integer beyond 2^53 keeps its digits.
    let req = Request::post("/api/artifacts")
        .header(header::AUTHORIZATION, format!("Bearer {}", s.token("alice")))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"type": "table", "data": {"headers": ["id", "n"], "rows": [["a", 12345678901234567890]]}}"#,
        ))
        .unwrap();
    let (status, _, body) = s.call(req).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = serde_json::from_slice::<Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, export) = s.render("alice", &id, "xlsx").await;
    assert_eq!(status, StatusCode::CREATED, "{export}");
    let expected = json!([
        "row 1, column 2: the integer 12345678901234567890 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text"
    ]);
    assert_eq!(export["warnings"], expected);
    let (_, again) = s
        .json(
            "GET",
            &format!("/api/exports/{}", export["id"].as_str().unwrap()),
            Some("alice"),
            None,
        )
        .await;
    assert_eq!(again["warnings"], expected);
    // PDF holds the digits; an upload carries none.
    let (_, pdf) = s.render("alice", &id, "pdf").await;
    assert_eq!(pdf["warnings"], json!([]));
    let (_, uploaded) = s.upload_pdf("alice", &id, file(Format::Pdf), None).await;
    assert_eq!(uploaded["warnings"], json!([]));
    s.finish().await;
}

/// A `sheet` artifact holds a workbook: checked sheet by sheet as it is
/// stored (faults name the sheet), rendered through the same core (one
/// worksheet each in XLSX, warnings naming the sheet), refused as CSV.
async fn sheet_artifacts_hold_workbooks(backend: Backend) {
    let s = server(backend, &[]).await;
    let data = json!({
        "title": "Year 2024",
        "sheets": [
            {"name": "Sales", "headers": ["Order", "Qty"], "rows": [["A-1", 3]]},
            {"name": "Ids", "headers": ["id"], "rows": [[1], [2]]}
        ]
    });
    let (status, body) = s.create_artifact("alice", "sheet", data.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (&body["type"], &body["title"], &body["data"]),
        (&json!("sheet"), &json!("Year 2024"), &data)
    );
    let id = body["id"].as_str().unwrap().to_owned();
    let (_, list) = s.json("GET", "/api/artifacts", Some("alice"), None).await;
    assert_eq!(list["items"][0]["type"], "sheet");
    for format in ["xlsx", "pdf", "docx"] {
        let (status, export) = s.render("alice", &id, format).await;
        assert_eq!(status, StatusCode::CREATED, "{export}");
        let (_, _, bytes) = s.download(export["url"].as_str().unwrap()).await;
        upload_server::validate::check(format.parse().unwrap(), &bytes).unwrap();
        if format == "xlsx" {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let sheets = (0..zip.len())
                .filter(|&i| {
                    zip.by_index(i)
                        .unwrap()
                        .name()
                        .is_ok_and(|n| n.starts_with("xl/worksheets/sheet"))
                })
                .count();
            assert_eq!(sheets, 2);
        }
    }
    let (status, export) = s.render("alice", &id, "csv").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{export}");
    assert_eq!(export["error"]["code"], "INVALID_OPTION");
    // Warnings name their sheet.
    let req = Request::post("/api/artifacts")
        .header(header::AUTHORIZATION, format!("Bearer {}", s.token("alice")))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"type": "sheet", "data": {"sheets": [{"headers": ["a"], "rows": [[1]]}, {"headers": ["id"], "rows": [[12345678901234567890]]}]}}"#,
        ))
        .unwrap();
    let (status, _, body) = s.call(req).await;
    assert_eq!(status, StatusCode::CREATED);
    let big = serde_json::from_slice::<Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, export) = s.render("alice", &big, "xlsx").await;
    assert_eq!(
        export["warnings"],
        json!([
            "sheet 2, row 1, column 1: the integer 12345678901234567890 is beyond 2^53, which Excel's numbers cannot hold exactly; written as text"
        ])
    );
    // Faults name the sheet, and nothing is stored.
    for (data, code, message) in [
        (
            json!({"sheets": [{"headers": ["a"], "rows": []}, {"headers": ["b"], "rows": [[1, 2]]}]}),
            "ROW_TOO_LONG",
            "sheet 2: row 1 has 2 cells but there are only 1 headers",
        ),
        (
            json!({"sheets": []}),
            "INVALID_WORKBOOK",
            "the workbook has no sheets; give at least one table in `sheets`",
        ),
    ] {
        let (status, body) = s.create_artifact("alice", "sheet", data).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            (
                body["error"]["code"].as_str(),
                body["error"]["message"].as_str()
            ),
            (Some(code), Some(message))
        );
    }
    // Nothing was stored for them.
    let (_, list) = s.json("GET", "/api/artifacts", Some("alice"), None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    s.finish().await;
}
