//! Per-area routers, merged in one place.

pub mod artifacts;
pub mod exports;
mod health;

use axum::Router;
use axum::routing::post;
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

pub fn router(state: AppState) -> Router {
    let mut api = Router::new()
        .merge(artifacts::router())
        .merge(exports::router())
        .merge(health::router());
    if state.config.dev_login {
        api = api.route("/api/dev/login", post(health::dev_login));
    }
    let dir = state.config.static_dir.clone();
    if dir.join("index.html").is_file() {
        // The single-page app: unknown paths get index.html.
        let spa = ServeDir::new(&dir).not_found_service(ServeFile::new(dir.join("index.html")));
        api = api.fallback_service(spa);
    }
    api.with_state(state)
}
