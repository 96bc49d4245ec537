//! Table artifacts: create, list, fetch (the caller's own only).

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use exporter_core::{ExportError, Table, Workbook};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{Artifact, ArtifactList, ArtifactType, ErrorBody, NewArtifact};
use crate::auth::AuthUser;
use crate::db::{ArtifactRow, now_millis};
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::storage::{Object, artifact_key};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(fetch))
}

/// Longest title, in characters.
const MAX_TITLE: usize = 500;

/// RFC 3339 time of Unix milliseconds.
pub fn rfc3339(millis: i64) -> String {
    let t = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(u64::try_from(millis).unwrap_or(0));
    humantime::format_rfc3339_millis(t).to_string()
}

/// An artifact's metadata (its table goes out through [`with_table`]).
fn view(row: &ArtifactRow) -> Artifact {
    Artifact {
        id: row.id.clone(),
        kind: crate::api::ArtifactType::from_db(&row.kind),
        title: row.title.clone(),
        created_at: rfc3339(row.created_at),
        data: None,
    }
}

/// The JSON body of `artifact` with `table` (its stored JSON text) as its
/// `data`, in three chunks: the table goes out as it is stored, neither
/// parsed nor copied.
fn with_table(artifact: &Artifact, table: Bytes) -> ApiResult<Body> {
    let mut head = serde_json::to_vec(artifact).map_err(ApiError::internal)?;
    // `data` is None, so skipped: the object ends in its closing brace,
    // which the table's member replaces.
    if head.pop() != Some(b'}') {
        return Err(ApiError::internal("an artifact is not a JSON object"));
    }
    head.extend_from_slice(b",\"data\":");
    let chunks = [Bytes::from(head), table, Bytes::from_static(b"}")];
    Ok(Body::from_stream(futures_util::stream::iter(
        chunks.map(Ok::<_, std::convert::Infallible>),
    )))
}

/// A 200/201 answer of an artifact with its table.
fn artifact_response(status: StatusCode, artifact: &Artifact, table: Bytes) -> ApiResult<Response> {
    Ok((
        status,
        [(header::CONTENT_TYPE, "application/json")],
        with_table(artifact, table)?,
    )
        .into_response())
}

/// The table of `row`, as the JSON text it was stored as: from storage,
/// or from the row for artifacts made before tables were kept there.
///
/// # Errors
///
/// 503 when storage cannot be read, 500 when the object is missing.
pub async fn table_text(state: &AppState, row: &ArtifactRow) -> ApiResult<Bytes> {
    let Some(key) = &row.data_key else {
        return Ok(Bytes::from(row.data.clone()));
    };
    match state.storage.get(key).await {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(ApiError::internal(format!(
            "artifact {}: its table {key} is missing from storage",
            row.id
        ))),
        Err(e) => {
            tracing::error!(error = %e, artifact_id = %row.id, "cannot read an artifact's table");
            state.metrics.storage_error("get");
            Err(ApiError::Unavailable("storage"))
        }
    }
}

/// Stores a table; it is checked as every export checks it, so a stored
/// table always exports. The body is read up to MAX_ARTIFACT_BYTES and the
/// table checked row by row up to MAX_ARTIFACT_CELLS (413 as soon as one
/// is passed), on the bounded pool for heavy work; the table is kept as
/// the JSON text it was sent as, in storage beside the exports.
#[utoipa::path(
    post, path = "/api/artifacts", tag = "artifacts",
    request_body = NewArtifact,
    responses(
        (status = 201, description = "Stored", body = Artifact),
        (status = 400, description = "Not JSON, or a title that cannot be stored (NUL, over 500 characters)", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 408, description = "The body stopped arriving", body = ErrorBody),
        (status = 413, description = "Over MAX_ARTIFACT_BYTES, or more cells than MAX_ARTIFACT_CELLS (`TOO_MANY_CELLS`)", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "Not a valid table (the message names the row and column), or a missing field", body = ErrorBody),
        (status = 429, description = "The per-user rate limit; `Retry-After` says when to retry", body = ErrorBody),
        (status = 503, description = "The database or storage is down (`Retry-After`)", body = ErrorBody),
        (status = 507, description = "Storage is full; nothing is stored (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("application/json")
                || (v.len() > 5 && v[v.len() - 5..].eq_ignore_ascii_case("+json"))
        });
    if !json {
        return Err(ApiError::UnsupportedMediaType(
            "send the body as JSON, with Content-Type: application/json".into(),
        ));
    }
    state
        .limiter
        .enforce(&state, &format!("artifacts:{user}"))
        .await?;
    let bytes =
        crate::extract::read_limited(&headers, body, state.config.max_artifact_bytes).await?;
    let max_cells = state.config.max_artifact_cells;
    let (kind, title, data) = state
        .heavy(move || parse_artifact(bytes, max_cells))
        .await??;
    let id = uuid::Uuid::now_v7().to_string();
    let data_key = artifact_key(&user, &id);
    // The table is stored first, verified, then its row: a row never names
    // a table that is not kept whole. (Kept out of the row, the table is
    // not copied by the database driver: 4.1x its size at the peak before.)
    let table = Bytes::from(data.into_bytes());
    let sha256: [u8; 32] = Sha256::digest(&table).into();
    let object = Object {
        key: &data_key,
        bytes: table.clone(),
        sha256,
        content_type: "application/json",
        file_name: "table.json",
    };
    if let Err(e) = state.storage.put(object).await {
        let full = crate::storage::is_full(&e);
        tracing::error!(error = %e, artifact_id = %id, full, "storage write failed");
        state.metrics.storage_error("put");
        return Err(ApiError::storage_write(&e));
    }
    let row = ArtifactRow {
        id,
        user_id: user,
        kind: kind.as_str().into(),
        title,
        data: String::new(),
        data_key: Some(data_key),
        created_at: now_millis(),
    };
    if let Err(e) = state.db.insert_artifact(&row).await {
        // No row, so no object: removed now, or by the sweep if storage
        // fails this too.
        if let Some(key) = &row.data_key
            && let Err(e) = state.storage.delete(key).await
        {
            tracing::warn!(error = %e, artifact_id = %row.id, "cannot remove the table of an artifact not recorded");
        }
        return Err(e.into());
    }
    artifact_response(StatusCode::CREATED, &view(&row), table)
}

/// Reads `{type, title?, data}` and checks `data` as a table (or, for a
/// `sheet`, a workbook) without building it: the type, the title, and the
/// data's JSON text cut out of `bytes` in place (no second copy).
fn parse_artifact(
    bytes: bytes::Bytes,
    max_cells: usize,
) -> ApiResult<(ArtifactType, Option<String>, String)> {
    // The messages of the other JSON bodies (axum's `Json`).
    let body: NewArtifact<'_> = serde_json::from_slice(&bytes).map_err(|e| {
        if e.is_data() {
            ApiError::Unprocessable(format!(
                "failed to deserialize the JSON body into the target type: {e}"
            ))
        } else {
            ApiError::BadRequest(format!("failed to parse the request body as JSON: {e}"))
        }
    })?;
    let shape_title = match body.kind {
        ArtifactType::Table => Table::check_json(body.data.get(), max_cells).map(|s| s.title),
        ArtifactType::Sheet => Workbook::check_json(body.data.get(), max_cells).map(|s| s.title),
    };
    let shape_title = shape_title.map_err(|e| match e {
        ExportError::TooManyCells { .. } => ApiError::TooManyCells(e.to_string()),
        other => ApiError::from(other),
    })?;
    let kind = body.kind;
    let title = body.title.or(shape_title);
    if let Some(t) = &title {
        if t.contains('\0') {
            return Err(ApiError::BadRequest(
                "title must not contain NUL (U+0000)".into(),
            ));
        }
        if t.chars().count() > MAX_TITLE {
            return Err(ApiError::BadRequest(format!(
                "title is over {MAX_TITLE} characters"
            )));
        }
    }
    let start = body.data.get().as_ptr() as usize - bytes.as_ptr() as usize;
    let end = start + body.data.get().len();
    let mut text = Vec::from(bytes);
    text.truncate(end);
    text.drain(..start);
    let text = String::from_utf8(text).map_err(ApiError::internal)?;
    Ok((kind, title, text))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1 to 500 (default 100).
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The caller's artifacts, newest first, without their tables, a page at a
/// time.
#[utoipa::path(
    get, path = "/api/artifacts", tag = "artifacts",
    params(ListQuery),
    responses(
        (status = 200, description = "A page", body = ArtifactList),
        (status = 400, description = "A bad cursor or limit", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 503, description = "The database is down (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<ArtifactList>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let after = crate::extract::parse_cursor(q.cursor.as_deref())?;
    let mut rows = state.db.artifacts(&user, after, limit + 1).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if more {
        rows.last().map(|r| format!("{}_{}", r.created_at, r.id))
    } else {
        None
    };
    let items = rows.into_iter().map(|r| view(&r)).collect();
    Ok(Json(ArtifactList { items, next_cursor }))
}

/// One of the caller's artifacts, with its table.
#[utoipa::path(
    get, path = "/api/artifacts/{id}", tag = "artifacts",
    params(("id" = String, Path, description = "Artifact id")),
    responses(
        (status = 200, description = "The artifact", body = Artifact),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
        (status = 503, description = "The database or storage is down (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn fetch(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let id = crate::extract::parse_id(&id, "artifact")?;
    let row = state
        .db
        .artifact(&user, &id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    let table = table_text(&state, &row).await?;
    artifact_response(StatusCode::OK, &view(&row), table)
}
