//! Liveness, readiness, and the development login.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{DevLogin, ErrorBody, Health, Readiness, Token};
use crate::auth::TokenKind;
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

/// 200 when the database answers and storage can take a write (enough
/// free space, and the last write succeeded or a probe write does now),
/// else 503 saying which cannot, with `Retry-After`.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "The database does not answer or storage cannot take a write (`Retry-After`)", body = Readiness),
    ))]
async fn readyz(State(state): State<AppState>) -> Response {
    let (db, storage) = tokio::join!(state.db.ping(), state.storage.ready());
    let status = if db && storage {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut response = (
        status,
        Json(Readiness {
            database: db,
            storage,
        }),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

/// A token without a password, only when the server runs with --dev-login
/// on a loopback address, and never through a proxy. The token is signed
/// with a key of its own: a server without --dev-login refuses it, even
/// with the same AUTH_SECRET.
#[utoipa::path(post, path = "/api/dev/login", tag = "health",
    request_body = DevLogin,
    responses(
        (status = 200, description = "A token for the user", body = Token),
        (status = 400, description = "An unusable user id or a body that is not JSON", body = ErrorBody),
        (status = 403, description = "The request came through a proxy (`Forwarded`, `X-Forwarded-*` or `Via`)", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "The body lacks `userId`", body = ErrorBody),
    ))]
async fn dev_login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<DevLogin>,
) -> ApiResult<Json<Token>> {
    let token = state
        .keys
        .issue_kind(
            TokenKind::Dev,
            &body.user_id,
            Duration::from_secs(12 * 3600),
        )
        .map_err(ApiError::BadRequest)?;
    Ok(Json(Token {
        token,
        user_id: body.user_id,
    }))
}
