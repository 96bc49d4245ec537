//! Liveness, readiness, and the development login.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// 200 when the database and storage answer, else 503 saying which does not.
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (db, storage) = tokio::join!(state.db.ping(), state.storage.ready());
    let status = if db && storage {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(json!({"database": db, "storage": storage})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DevLogin {
    user_id: String,
}

/// `POST /api/dev/login {"userId": "..."}`: a token without a password,
/// only when the server runs with --dev-login on a loopback address.
pub async fn dev_login(
    State(state): State<AppState>,
    Json(body): Json<DevLogin>,
) -> ApiResult<Json<Value>> {
    let token = state
        .keys
        .issue(&body.user_id, Duration::from_secs(12 * 3600))
        .map_err(ApiError::BadRequest)?;
    Ok(Json(json!({"token": token, "userId": body.user_id})))
}
