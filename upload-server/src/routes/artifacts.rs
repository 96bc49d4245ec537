//! Table artifacts: create, list, fetch (the caller's own only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use exporter_core::Table;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{Artifact, ArtifactList, ErrorBody, NewArtifact};
use crate::auth::AuthUser;
use crate::db::{ArtifactRow, now_millis};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(fetch))
}

/// RFC 3339 time of Unix milliseconds.
pub fn rfc3339(millis: i64) -> String {
    let t = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(u64::try_from(millis).unwrap_or(0));
    humantime::format_rfc3339_millis(t).to_string()
}

fn view(row: &ArtifactRow, with_data: bool) -> Artifact {
    Artifact {
        id: row.id.clone(),
        kind: row.kind.clone(),
        title: row.title.clone(),
        created_at: rfc3339(row.created_at),
        data: with_data.then(|| serde_json::from_str(&row.data).unwrap_or(Value::Null)),
    }
}

/// Stores a table; it is checked as every export checks it, so a stored
/// table always exports.
#[utoipa::path(
    post, path = "/api/artifacts", tag = "artifacts",
    request_body = NewArtifact,
    responses(
        (status = 201, description = "Stored", body = Artifact),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "Not a valid table; the message names the row and column", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    JsonBody(body): JsonBody<NewArtifact>,
) -> ApiResult<(StatusCode, Json<Artifact>)> {
    if body.kind != "table" {
        return Err(ApiError::Unprocessable(format!(
            "artifact type {:?} is not supported; use \"table\"",
            body.kind
        )));
    }
    let data = body.data.to_string();
    Table::from_json(&data)?;
    let title = body.title.or_else(|| {
        body.data
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let row = ArtifactRow {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user,
        kind: body.kind,
        title,
        data,
        created_at: now_millis(),
    };
    state.db.insert_artifact(&row).await?;
    Ok((StatusCode::CREATED, Json(view(&row, true))))
}

/// The caller's artifacts, newest first, without their tables.
#[utoipa::path(
    get, path = "/api/artifacts", tag = "artifacts",
    responses(
        (status = 200, description = "At most 500", body = ArtifactList),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<ArtifactList>> {
    let rows = state.db.artifacts(&user, 500).await?;
    Ok(Json(ArtifactList {
        items: rows.iter().map(|r| view(r, false)).collect(),
    }))
}

/// One of the caller's artifacts, with its table.
#[utoipa::path(
    get, path = "/api/artifacts/{id}", tag = "artifacts",
    params(("id" = String, Path, description = "Artifact id")),
    responses(
        (status = 200, description = "The artifact", body = Artifact),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn fetch(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Artifact>> {
    let row = state
        .db
        .artifact(&user, &id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    Ok(Json(view(&row, true)))
}
