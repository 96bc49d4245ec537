//! A server through its router (`tower::ServiceExt::oneshot`) on a scratch
//! directory and a fresh database, SQLite or PostgreSQL: the harness of the
//! API tests.
#![allow(dead_code)]

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use clap::Parser;
use exporter_core::{ExportOptions, Format, Table, export};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use upload_server::{AppState, Config, app};

#[derive(Parser)]
pub struct Args {
    #[command(flatten)]
    pub config: Config,
}

#[derive(Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A server on a scratch directory and a fresh database; dropped at the end.
pub struct Server {
    pub app: Router,
    pub state: AppState,
    pub dir: PathBuf,
    pub pg_name: Option<String>,
}

pub const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub async fn server(backend: Backend, extra: &[&str]) -> Server {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("rowpress-api-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let (url, pg_name) = match backend {
        Backend::Sqlite => (format!("sqlite://{}/db.sqlite", dir.display()), None),
        Backend::Postgres => {
            let name = format!("rowpress_test_{id}");
            let admin = admin().await;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("PostgreSQL on 127.0.0.1:5432 (scripts/setup.sh starts it)");
            (
                format!("postgres://postgres@127.0.0.1:5432/{name}"),
                Some(name),
            )
        }
    };
    let storage = dir.join("files");
    let mut args = vec![
        "test".to_owned(),
        "--database-url".into(),
        url,
        "--export-storage-path".into(),
        storage.display().to_string(),
        "--auth-secret".into(),
        "test-secret-of-some-length".into(),
        "--data-dir".into(),
        dir.display().to_string(),
        "--static-dir".into(),
        dir.join("no-www").display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let config = Args::parse_from(args).config;
    let state = AppState::build(config).await.unwrap();
    Server {
        app: app(state.clone()),
        state,
        dir,
        pg_name,
    }
}

pub async fn admin() -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(PG_ADMIN)
        .await
        .expect("PostgreSQL on 127.0.0.1:5432")
}

impl Server {
    pub fn token(&self, user: &str) -> String {
        self.state
            .keys
            .issue(user, std::time::Duration::from_secs(600))
            .unwrap()
    }

    pub async fn call(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, body)
    }

    pub async fn json(
        &self,
        method: &str,
        uri: &str,
        user: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(u) = user {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.token(u)));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let (status, _, bytes) = self.call(req).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn upload(
        &self,
        user: &str,
        artifact: &str,
        format: &str,
        content_type: &str,
        bytes: Vec<u8>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = Request::post(format!("/api/artifacts/{artifact}/exports?format={format}"))
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", self.token(user)),
            )
            .header(header::CONTENT_TYPE, content_type);
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let (status, _, body) = self.call(req.body(Body::from(bytes)).unwrap()).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// `upload` of a PDF with its content type.
    pub async fn upload_pdf(
        &self,
        user: &str,
        artifact: &str,
        bytes: Vec<u8>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        self.upload(user, artifact, "pdf", "application/pdf", bytes, key)
            .await
    }

    /// `GET` of a download URL the server gave (its path, through the router).
    pub async fn download(&self, url: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        self.call(Request::get(path_of(url)).body(Body::empty()).unwrap())
            .await
    }

    /// `POST /api/artifacts/export`: `user` has the server render
    /// `artifact` as `format`.
    pub async fn render(&self, user: &str, artifact: &str, format: &str) -> (StatusCode, Value) {
        self.json(
            "POST",
            "/api/artifacts/export",
            Some(user),
            Some(json!({"artifactId": artifact, "format": format})),
        )
        .await
    }

    /// `POST /api/artifacts`: `user` stores `data` as an artifact of
    /// `kind` (`table`, `sheet`).
    pub async fn create_artifact(
        &self,
        user: &str,
        kind: &str,
        data: Value,
    ) -> (StatusCode, Value) {
        self.json(
            "POST",
            "/api/artifacts",
            Some(user),
            Some(json!({"type": kind, "data": data})),
        )
        .await
    }

    /// A table artifact of `user` (TABLE()), its id.
    pub async fn artifact(&self, user: &str) -> String {
        let (status, body) = self.create_artifact(user, "table", TABLE()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// A second instance on the same database and storage, as behind a
    /// load balancer.
    pub async fn sibling(&self) -> Server {
        let state = AppState::build(self.state.config.as_ref().clone())
            .await
            .unwrap();
        Server {
            app: app(state.clone()),
            state,
            dir: self.dir.clone(),
            pg_name: None,
        }
    }

    pub async fn export_count(&self) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM exports")
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    pub async fn finish(self) {
        self.state.db.pool.close().await;
        if let Some(name) = self.pg_name {
            let admin = admin().await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await
                .unwrap();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[allow(non_snake_case)]
pub fn TABLE() -> Value {
    json!({"title": "Quarterly sales", "headers": ["Order", "Qty"], "rows": [["A-1", 3], ["A-2", null]]})
}

pub fn file(format: Format) -> Vec<u8> {
    let table = Table::from_json(&TABLE().to_string()).unwrap();
    export(
        &table,
        &ExportOptions::new(format).created_at(1_700_000_000),
    )
    .unwrap()
}

pub fn path_of(url: &str) -> String {
    url.split_once("://")
        .map(|(_, rest)| &rest[rest.find('/').unwrap()..])
        .unwrap()
        .to_owned()
}

/// Runs each named `async fn(Backend)` as two tests, on SQLite and on
/// PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() { super::$name($crate::common::app::Backend::Sqlite).await }
            #[tokio::test]
            async fn postgres() { super::$name($crate::common::app::Backend::Postgres).await }
        }
    )*};
}
