//! Table artifacts: create, list, fetch (the caller's own only).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use exporter_core::Table;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::AuthUser;
use crate::db::{ArtifactRow, now_millis};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/artifacts", get(list).post(create))
        .route("/api/artifacts/{id}", get(fetch))
}

#[derive(Deserialize)]
pub struct NewArtifact {
    #[serde(rename = "type")]
    kind: String,
    title: Option<String>,
    data: Value,
}

/// RFC 3339 time of Unix milliseconds.
pub fn rfc3339(millis: i64) -> String {
    let t = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(u64::try_from(millis).unwrap_or(0));
    humantime::format_rfc3339_millis(t).to_string()
}

fn view(row: &ArtifactRow, with_data: bool) -> Value {
    let mut v = json!({"id": row.id, "type": row.kind, "title": row.title, "createdAt": rfc3339(row.created_at)});
    if with_data {
        v["data"] = serde_json::from_str(&row.data).unwrap_or(Value::Null);
    }
    v
}

async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Json(body): Json<NewArtifact>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if body.kind != "table" {
        return Err(ApiError::Unprocessable(format!(
            "artifact type {:?} is not supported; use \"table\"",
            body.kind
        )));
    }
    let data = body.data.to_string();
    // The same checks every export makes, so a stored table always exports.
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

async fn list(State(state): State<AppState>, AuthUser(user): AuthUser) -> ApiResult<Json<Value>> {
    let rows = state.db.artifacts(&user, 500).await?;
    Ok(Json(
        json!({"items": rows.iter().map(|r| view(r, false)).collect::<Vec<_>>()}),
    ))
}

async fn fetch(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let row = state
        .db
        .artifact(&user, &id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    Ok(Json(view(&row, true)))
}
