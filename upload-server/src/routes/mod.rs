//! Per-area routers, merged in one place, with the OpenAPI document they
//! describe.

pub mod artifacts;
mod assets;
pub mod exports;
mod health;

use axum::http::header;
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::api::ApiDoc;

/// The routes, and the OpenAPI document generated from them.
pub fn router(state: AppState) -> axum::Router {
    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(artifacts::router())
        .merge(exports::router())
        .merge(health::router())
        .merge(assets::router());
    if state.config.dev_login {
        api = api.merge(health::dev_router());
    }
    let (mut router, mut doc) = api.split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    // Rendered once; every request gets the same bytes.
    let json = bytes::Bytes::from(doc.to_json().unwrap_or_default());
    router = router.route(
        "/api/openapi.json",
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
    );
    router = router
        .merge(assets::font_router())
        .route("/metrics", get(metrics))
        // An unknown API path is a JSON 404, never the app's index.html.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { crate::error::ApiError::NotFound("route") }),
        );
    // JSON bodies (a 100,000-row table is about 10 MB) get the upload limit,
    // not axum's 2 MB default; raw uploads check it while streaming.
    let limit = usize::try_from(state.config.max_upload_bytes).unwrap_or(usize::MAX);
    router = router.layer(axum::extract::DefaultBodyLimit::max(limit));
    let dir = state.config.static_dir.clone();
    if dir.join("index.html").is_file() {
        // The single-page app: unknown paths get index.html.
        let spa = ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")));
        router = router.fallback_service(spa);
    }
    router.with_state(state)
}

/// `GET /metrics`: OpenMetrics text for Prometheus.
async fn metrics(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl axum::response::IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
}
