//! HTTP and input hygiene: the headers every response carries, the
//! development login that cannot leak into production, ids and text that a
//! database cannot store answered 4xx (never 500), media types compared
//! case-insensitively, pages of artifacts, limits on events and metrics.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use exporter_core::Format;
use serde_json::{Value, json};

mod common;
use common::app::{Backend, TABLE, file, server};

on_both!(
    ids_and_text_a_database_cannot_store_are_4xx,
    artifacts_come_in_pages
);

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let s = server(Backend::Sqlite, &[]).await;
    for (uri, api) in [
        ("/healthz", false),
        ("/api/artifacts", true),
        ("/api/openapi.json", true),
        ("/api/nothing-here", true),
    ] {
        let mut req = Request::get(uri);
        if api {
            req = req.header(
                header::AUTHORIZATION,
                format!("Bearer {}", s.token("alice")),
            );
        }
        let (_, h, _) = s.call(req.body(Body::empty()).unwrap()).await;
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{uri}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        if api {
            assert_eq!(h[header::CACHE_CONTROL], "no-store", "{uri}");
            assert!(csp.starts_with("default-src 'none'"), "{uri}: {csp}");
        } else {
            assert!(csp.contains("'wasm-unsafe-eval'"), "{uri}: {csp}");
            assert!(!csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"));
        }
    }
    s.finish().await;
}

#[tokio::test]
async fn the_dev_login_cannot_leak_into_production() {
    // The harness gives every server the same AUTH_SECRET.
    let dev = server(Backend::Sqlite, &["--dev-login"]).await;
    let login = |forwarded: Option<(&str, &str)>| {
        let mut req =
            Request::post("/api/dev/login").header(header::CONTENT_TYPE, "application/json");
        if let Some((k, v)) = forwarded {
            req = req.header(k, v);
        }
        req.body(Body::from(json!({"userId": "alice"}).to_string()))
            .unwrap()
    };
    // Through a proxy on the same host: refused, whatever the header.
    for h in [
        ("x-forwarded-for", "203.0.113.9"),
        ("x-forwarded-host", "rowpress.example.com"),
        ("forwarded", "for=203.0.113.9"),
        ("via", "1.1 proxy"),
    ] {
        let (status, _, body) = dev.call(login(Some(h))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{h:?}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "FORBIDDEN");
    }
    let (status, _, body) = dev.call(login(None)).await;
    assert_eq!(status, StatusCode::OK);
    let token = serde_json::from_slice::<Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = |token: &str| {
        Request::get("/api/artifacts")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(dev.call(list(&token)).await.0, StatusCode::OK);
    // A production server on the same secret: the dev token is worthless.
    let prod = server(Backend::Sqlite, &[]).await;
    assert_eq!(prod.call(list(&token)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(prod.call(login(None)).await.0, StatusCode::NOT_FOUND);
    // Its own tokens work on both.
    let real = prod.token("alice");
    assert_eq!(prod.call(list(&real)).await.0, StatusCode::OK);
    assert_eq!(dev.call(list(&real)).await.0, StatusCode::OK);
    dev.finish().await;
    prod.finish().await;
}

async fn ids_and_text_a_database_cannot_store_are_4xx(backend: Backend) {
    let s = server(backend, &[]).await;
    let artifact = s.artifact("alice").await;
    let auth = format!("Bearer {}", s.token("alice"));
    let get = |uri: String| {
        Request::get(uri)
            .header(header::AUTHORIZATION, &auth)
            .body(Body::empty())
            .unwrap()
    };
    for (uri, want) in [
        ("/api/artifacts/a%00b".to_owned(), StatusCode::NOT_FOUND),
        ("/api/exports/%00".to_owned(), StatusCode::NOT_FOUND),
        (
            format!("/api/exports?artifactId={artifact}&cursor=1_%00"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/exports?artifactId=%00".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/artifacts?cursor=%00".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, _, body) = s.call(get(uri.clone())).await;
        assert_eq!(status, want, "{uri}: {}", String::from_utf8_lossy(&body));
    }
    let (status, body) = s
        .json(
            "POST",
            "/api/artifacts",
            Some("alice"),
            Some(json!({"type": "table", "title": "a\u{0}b", "data": TABLE()})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("NUL"));
    let (status, body) = s
        .json(
            "POST",
            "/api/artifacts/export",
            Some("alice"),
            Some(json!({"artifactId": "\u{0}", "format": "pdf"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // Media types are case-insensitive.
    let (status, body) = s
        .upload(
            "alice",
            &artifact,
            "pdf",
            "APPLICATION/PDF",
            file(Format::Pdf),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    s.finish().await;
}

async fn artifacts_come_in_pages(backend: Backend) {
    let s = server(backend, &[]).await;
    let mut made = Vec::new();
    for _ in 0..5 {
        made.push(s.artifact("alice").await);
    }
    made.reverse(); // newest first
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/api/artifacts?limit=2&cursor={c}"),
            None => "/api/artifacts?limit=2".to_owned(),
        };
        let (status, page) = s.json("GET", &uri, Some("alice"), None).await;
        assert_eq!(status, StatusCode::OK);
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, made);
    s.finish().await;
}

#[tokio::test]
async fn events_and_artifacts_are_rate_limited_and_metrics_can_need_a_token() {
    let s = server(
        Backend::Sqlite,
        &[
            "--events-rate-limit-per-minute",
            "2",
            "--rate-limit-per-minute",
            "2",
            "--metrics-token",
            "scrape-me",
        ],
    )
    .await;
    let event = json!({"event": "artifact_exported", "type": "table", "format": "pdf",
        "artifactId": "a1", "durationMs": 1});
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            s.json("POST", "/api/events", Some("alice"), Some(event.clone()))
                .await
                .0,
        );
    }
    assert_eq!(
        statuses,
        [
            StatusCode::NO_CONTENT,
            StatusCode::NO_CONTENT,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let body = json!({"type": "table", "data": TABLE()});
        statuses.push(
            s.json("POST", "/api/artifacts", Some("bob"), Some(body))
                .await
                .0,
        );
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let metrics = |auth: Option<&str>| {
        let mut req = Request::get("/metrics");
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        req.body(Body::empty()).unwrap()
    };
    assert_eq!(s.call(metrics(None)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        s.call(metrics(Some("Bearer wrong"))).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call(metrics(Some("Bearer scrape-me"))).await.0,
        StatusCode::OK
    );
    s.finish().await;
}
