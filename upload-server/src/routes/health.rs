//! Liveness, readiness, and the development login.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{DevLogin, ErrorBody, Health, Readiness, Token};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// The development login's router (only mounted with --dev-login).
pub fn dev_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dev_login))
}

/// 200 while the process serves.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "Alive", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// 200 when the database and storage answer, else 503 saying which does not.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "The database or storage does not answer", body = Readiness),
    ))]
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let (db, storage) = tokio::join!(state.db.ping(), state.storage.ready());
    let status = if db && storage {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            database: db,
            storage,
        }),
    )
}

/// A token without a password, only when the server runs with --dev-login
/// on a loopback address.
#[utoipa::path(post, path = "/api/dev/login", tag = "health",
    request_body = DevLogin,
    responses(
        (status = 200, description = "A token for the user", body = Token),
        (status = 400, description = "An unusable user id", body = ErrorBody),
    ))]
async fn dev_login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<DevLogin>,
) -> ApiResult<Json<Token>> {
    let token = state
        .keys
        .issue(&body.user_id, Duration::from_secs(12 * 3600))
        .map_err(ApiError::BadRequest)?;
    Ok(Json(Token {
        token,
        user_id: body.user_id,
    }))
}
