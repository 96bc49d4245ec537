//! Per-area routers, merged in one place, with the OpenAPI document they
//! describe.

pub mod artifacts;
mod assets;
pub mod exports;
mod health;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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
    router
        .layer(axum::middleware::from_fn_with_state(state.clone(), hygiene))
        .with_state(state)
}

/// The web app's Content-Security-Policy: its own scripts, workers and
/// connections only; WebAssembly compiled from the app's own `.wasm`
/// (`'wasm-unsafe-eval'`, not `'unsafe-eval'`); no inline script, no
/// plugin, no framing.
pub const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    worker-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
    font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// The API's: JSON renders nothing, in a frame or anywhere.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Headers every response carries, and the development server's refusal
/// of proxied requests.
async fn hygiene(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.config.dev_login && forwarded(req.headers()) {
        return crate::error::ApiError::Forbidden(
            "this server runs the development login and refuses proxied requests (Forwarded, X-Forwarded-*, Via)",
        )
        .into_response();
    }
    let api = req.uri().path().starts_with("/api/") || req.uri().path() == "/metrics";
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The file download sets its own (a sandbox); keep it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if api { API_CSP } else { APP_CSP }),
        );
    }
    // API answers carry signed URLs and private data: never cached.
    if api && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Whether a proxy forwarded the request.
fn forwarded(headers: &HeaderMap) -> bool {
    headers.keys().any(|name| {
        let n = name.as_str();
        n == "forwarded" || n == "via" || n.starts_with("x-forwarded-")
    })
}

/// `GET /metrics`: OpenMetrics text for Prometheus; with METRICS_TOKEN set,
/// for its bearer only.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let ok: bool = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes()).into();
        if !ok {
            return crate::error::ApiError::Unauthorized.into_response();
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}
