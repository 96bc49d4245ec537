//! Exports: upload the bytes made in the browser, or have the server render
//! them; list, fetch with a fresh URL, delete; and the signed file download.

use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use exporter_core::{ExportOptions, Format, Table};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::artifacts::rfc3339;
use crate::AppState;
use crate::api::{ErrorBody, Export, ExportList, RenderRequest};
use crate::auth::AuthUser;
use crate::db::{ArtifactRow, ExportRow, now_millis};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::storage::key_for;
use crate::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(render))
        .routes(routes!(list))
        .routes(routes!(fetch, remove))
        .routes(routes!(file))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `pdf`, `docx` or `xlsx`.
    format: String,
}

fn parse_format(s: &str) -> ApiResult<Format> {
    s.parse::<Format>()
        .map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// A download name from the artifact title: no characters file systems or
/// headers refuse.
fn file_name(title: Option<&str>, format: &str) -> String {
    let base: String = title
        .unwrap_or("")
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    // Words of dots alone (`..`) go, and no name starts with a dot.
    let base = base
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c == '.'))
        .collect::<Vec<_>>()
        .join(" ");
    let base: String = base.trim_start_matches('.').chars().take(120).collect();
    format!(
        "{}.{format}",
        if base.is_empty() { "export" } else { &base }
    )
}

async fn view(state: &AppState, row: &ExportRow, title: Option<&str>) -> ApiResult<Export> {
    let url = if row.status == "completed" {
        let name = file_name(title, &row.format);
        Some(
            state
                .storage
                .download_url(&row.id, &row.storage_key, &name, state.config.url_ttl)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "cannot make a download URL");
                    state.metrics.storage_error("url");
                    ApiError::Unavailable("storage")
                })?,
        )
    } else {
        None
    };
    Ok(Export {
        id: row.id.clone(),
        artifact_id: row.artifact_id.clone(),
        format: row.format.clone(),
        url,
        status: row.status.clone(),
        created_at: rfc3339(row.created_at),
        size_bytes: row.size_bytes,
        sha256: row.sha256.clone(),
    })
}

/// Reads the body up to the limit: 413 at once on a larger Content-Length,
/// else as soon as the stream passes the limit (never buffering more).
async fn read_body(state: &AppState, headers: &HeaderMap, body: Body) -> ApiResult<Bytes> {
    let max = state.config.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(ApiError::PayloadTooLarge(max));
    }
    axum::body::to_bytes(body, usize::try_from(max).unwrap_or(usize::MAX))
        .await
        .map_err(|e| {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit");
            if too_large {
                ApiError::PayloadTooLarge(max)
            } else if e.to_string().contains("timeout") {
                ApiError::RequestTimeout
            } else {
                ApiError::BadRequest(format!("cannot read the upload: {e}"))
            }
        })
}

/// The idempotency key header, checked.
fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let s = v
                .to_str()
                .map_err(|_| ApiError::BadRequest("Idempotency-Key must be ASCII".into()))?;
            if s.is_empty() || s.len() > 200 {
                return Err(ApiError::BadRequest(
                    "Idempotency-Key must be 1 to 200 characters".into(),
                ));
            }
            Ok(Some(s.to_owned()))
        }
    }
}

/// The rate limit, except for a replay of an export that exists.
async fn limit(state: &AppState, user: &str, key: Option<&str>) -> ApiResult<()> {
    if let Some(k) = key
        && state.db.export_by_idempotency_key(user, k).await?.is_some()
    {
        return Ok(());
    }
    state.limiter.check(&state.db, user).await?.map_err(|wait| {
        state.metrics.rate_limited();
        ApiError::TooManyRequests(wait.as_secs())
    })
}

/// Stores the bytes of a file made in the browser, after checking they
/// really are that format.
#[utoipa::path(
    post, path = "/api/artifacts/{id}/exports", tag = "exports",
    params(
        ("id" = String, Path, description = "Artifact id"),
        FormatQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 200 ASCII characters; the same key with the same bytes returns the same export (header `Idempotent-Replayed: true`), with other bytes 409"),
    ),
    request_body(
        description = "The file's bytes, with the format's Content-Type (or application/octet-stream)",
        content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/octet-stream"),
        )
    ),
    responses(
        (status = 201, description = "Stored (or replayed)", body = Export),
        (status = 400, description = "Unknown format or bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
        (status = 409, description = "The Idempotency-Key was used for other bytes", body = ErrorBody),
        (status = 413, description = "Larger than MAX_UPLOAD_BYTES", body = ErrorBody),
        (status = 415, description = "Content-Type does not match the format", body = ErrorBody),
        (status = 422, description = "The bytes are not a valid file of that format", body = ErrorBody),
        (status = 429, description = "The per-user rate limit; `Retry-After` says when to retry", body = ErrorBody),
        (status = 503, description = "Storage or the database is down; the row is left failed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn upload(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PathParams(artifact_id): PathParams<String>,
    QueryParams(query): QueryParams<FormatQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let started = Instant::now();
    let format = parse_format(&query.format)?;
    let artifact = state
        .db
        .artifact(&user, &artifact_id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence != format.mime_type() && essence != "application/octet-stream" {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type {essence:?} does not match format {format}; send {}",
            format.mime_type()
        )));
    }
    let key = idempotency_key(&headers)?;
    limit(&state, &user, key.as_deref()).await?;
    let bytes = read_body(&state, &headers, body).await?;
    validate::check(format, &bytes).map_err(|e| {
        state
            .metrics
            .export(format.extension(), "rejected", "upload");
        ApiError::Unprocessable(e)
    })?;
    store(
        &state, &user, &artifact, format, bytes, key, started, "upload",
    )
    .await
}

/// Renders the artifact on the server with exporter-core and stores it: for
/// clients without WebAssembly.
#[utoipa::path(
    post, path = "/api/artifacts/export", tag = "exports",
    request_body = RenderRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "As for uploads")),
    responses(
        (status = 201, description = "Rendered and stored", body = Export),
        (status = 400, description = "Unknown format", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
        (status = 409, description = "The Idempotency-Key was used for other bytes", body = ErrorBody),
        (status = 422, description = "The table does not fit the format (the exporter's code and message)", body = ErrorBody),
        (status = 429, description = "The per-user rate limit; `Retry-After` says when to retry", body = ErrorBody),
        (status = 503, description = "Storage or the database is down", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn render(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RenderRequest>,
) -> ApiResult<Response> {
    let started = Instant::now();
    let format = parse_format(&req.format)?;
    let artifact = state
        .db
        .artifact(&user, &req.artifact_id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    let key = idempotency_key(&headers)?;
    limit(&state, &user, key.as_deref()).await?;
    let data = artifact.data.clone();
    // Rendering is CPU work: keep it off the async runtime's threads.
    let bytes = tokio::task::spawn_blocking(move || {
        let table = Table::from_json(&data)?;
        let created = i64::try_from(crate::auth::unix_now()).unwrap_or(0);
        exporter_core::export(&table, &ExportOptions::new(format).created_at(created))
    })
    .await
    .map_err(ApiError::internal)??;
    store(
        &state,
        &user,
        &artifact,
        format,
        Bytes::from(bytes),
        key,
        started,
        "server",
    )
    .await
}

/// Records the row (`processing`), stores the object, marks the row
/// `completed`: a row is never `completed` without its object, and a
/// failed store leaves it `failed`.
#[allow(clippy::too_many_arguments)]
async fn store(
    state: &AppState,
    user: &str,
    artifact: &ArtifactRow,
    format: Format,
    bytes: Bytes,
    idempotency_key: Option<String>,
    started: Instant,
    source: &'static str,
) -> ApiResult<Response> {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Some(key) = &idempotency_key
        && let Some(existing) = state.db.export_by_idempotency_key(user, key).await?
    {
        return replay(state, existing, &sha256, artifact, source).await;
    }
    let id = uuid::Uuid::now_v7().to_string();
    let storage_key = key_for(user, &id, format.extension());
    let now = now_millis();
    let row = ExportRow {
        id: id.clone(),
        artifact_id: artifact.id.clone(),
        user_id: user.to_owned(),
        format: format.extension().to_owned(),
        url: format!("/api/exports/{id}"),
        status: "processing".into(),
        storage_key: storage_key.clone(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: sha256.clone(),
        idempotency_key: idempotency_key.clone(),
        created_at: now,
        updated_at: now,
    };
    if !state.db.insert_export(&row).await? {
        // Another request with the same key won the race.
        let key = idempotency_key.unwrap_or_default();
        let existing = state
            .db
            .export_by_idempotency_key(user, &key)
            .await?
            .ok_or(ApiError::Conflict("Idempotency-Key is in use".into()))?;
        return replay(state, existing, &sha256, artifact, source).await;
    }
    let size = bytes.len();
    let name = file_name(artifact.title.as_deref(), format.extension());
    if let Err(e) = state
        .storage
        .put(&storage_key, bytes, format.mime_type(), &name)
        .await
    {
        tracing::error!(error = %e, export_id = %id, "storage write failed");
        state.metrics.storage_error("put");
        state.metrics.export(format.extension(), "failed", source);
        if let Err(db) = state.db.set_status(&id, "failed").await {
            tracing::error!(error = %db, export_id = %id, "cannot mark the export failed");
        }
        return Err(ApiError::Unavailable("storage"));
    }
    state.db.set_status(&id, "completed").await?;
    state
        .metrics
        .export(format.extension(), "completed", source);
    state.metrics.stored(
        format.extension(),
        u64::try_from(size).unwrap_or(u64::MAX),
        started.elapsed(),
        source,
    );
    let row = ExportRow {
        status: "completed".into(),
        ..row
    };
    tracing::info!(
        event = "artifact_exported",
        user = %user,
        artifact_id = %artifact.id,
        export_id = %id,
        format = %format,
        size_bytes = size,
        duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        source,
    );
    let body = view(state, &row, artifact.title.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The same key again: the same export if the bytes are the same, else 409.
async fn replay(
    state: &AppState,
    existing: ExportRow,
    sha256: &str,
    artifact: &ArtifactRow,
    source: &str,
) -> ApiResult<Response> {
    if existing.sha256 != sha256 || existing.artifact_id != artifact.id {
        return Err(ApiError::Conflict(
            "this Idempotency-Key was used for a different upload".into(),
        ));
    }
    state.metrics.export(&existing.format, "replayed", source);
    let body = view(state, &existing, artifact.title.as_deref()).await?;
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The artifact whose exports to list.
    artifact_id: String,
    /// Page size, 1 to 100 (default 20).
    limit: Option<i64>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// An artifact's export history, newest first, a page at a time.
#[utoipa::path(
    get, path = "/api/exports", tag = "exports",
    params(ListQuery),
    responses(
        (status = 200, description = "A page", body = ExportList),
        (status = 400, description = "A bad cursor", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<ExportList>> {
    let artifact = state
        .db
        .artifact(&user, &q.artifact_id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let after = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => {
            let (at, id) = c
                .split_once('_')
                .ok_or_else(|| ApiError::BadRequest("bad cursor".into()))?;
            Some((
                at.parse::<i64>()
                    .map_err(|_| ApiError::BadRequest("bad cursor".into()))?,
                id.to_owned(),
            ))
        }
    };
    let rows = state
        .db
        .exports(&user, &artifact.id, after, limit + 1)
        .await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    let mut items = Vec::new();
    for row in rows.iter().take(usize::try_from(limit).unwrap_or(0)) {
        items.push(view(&state, row, artifact.title.as_deref()).await?);
    }
    let next = if more {
        items
            .last()
            .and(rows.get(items.len() - 1))
            .map(|r| format!("{}_{}", r.created_at, r.id))
    } else {
        None
    };
    Ok(Json(ExportList {
        items,
        next_cursor: next,
    }))
}

/// An export's metadata with a fresh download URL.
#[utoipa::path(
    get, path = "/api/exports/{id}", tag = "exports",
    params(("id" = String, Path, description = "Export id")),
    responses(
        (status = 200, description = "The export", body = Export),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such export of the caller's", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn fetch(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Export>> {
    let row = state
        .db
        .export(&user, &id)
        .await?
        .ok_or(ApiError::NotFound("export"))?;
    let title = state
        .db
        .artifact(&user, &row.artifact_id)
        .await?
        .and_then(|a| a.title);
    Ok(Json(view(&state, &row, title.as_deref()).await?))
}

/// Deletes the object, then the row (so a row never points at nothing).
#[utoipa::path(
    delete, path = "/api/exports/{id}", tag = "exports",
    params(("id" = String, Path, description = "Export id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such export of the caller's", body = ErrorBody),
        (status = 503, description = "Storage is down; nothing was deleted", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn remove(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    let row = state
        .db
        .export(&user, &id)
        .await?
        .ok_or(ApiError::NotFound("export"))?;
    state.storage.delete(&row.storage_key).await.map_err(|e| {
        tracing::error!(error = %e, export_id = %id, "storage delete failed");
        state.metrics.storage_error("delete");
        ApiError::Unavailable("storage")
    })?;
    state.db.delete_export(&row.id).await?;
    state
        .metrics
        .deleted(u64::try_from(row.size_bytes).unwrap_or(0));
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// Unix seconds after which the URL is refused.
    expires: u64,
    /// HMAC-SHA256 over the storage key and `expires`, hex.
    sig: String,
}

/// The file of a local-storage export, for a valid signed URL only (as
/// handed out in `url`; no token needed). The storage key comes from the
/// database, never from the request; the response is an attachment that
/// can never render as a page on our origin.
#[utoipa::path(
    get, path = "/api/exports/{id}/file", tag = "exports",
    params(("id" = String, Path, description = "Export id"), FileQuery),
    responses(
        (status = 200, description = "The file, `Content-Disposition: attachment`",
            content(
                (Vec<u8> = "application/pdf"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 404, description = "Unknown, expired or wrongly signed (the same answer for each)", body = ErrorBody),
    )
)]
async fn file(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<FileQuery>,
) -> ApiResult<Response> {
    let local = state.storage.as_local().ok_or(ApiError::NotFound("file"))?;
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(ApiError::NotFound("file"));
    }
    let row = state
        .db
        .export_by_id(&id)
        .await?
        .ok_or(ApiError::NotFound("file"))?;
    if row.status != "completed" || !local.check_signature(&row.storage_key, q.expires, &q.sig) {
        return Err(ApiError::NotFound("file"));
    }
    let path = local.path(&row.storage_key).map_err(ApiError::internal)?;
    let file = tokio::fs::File::open(&path).await.map_err(|e| {
        tracing::error!(error = %e, export_id = %id, "completed export without its file");
        ApiError::NotFound("file")
    })?;
    let len = file.metadata().await.map_err(ApiError::internal)?.len();
    let format = parse_format(&row.format)?;
    let title =
        sqlx::query_scalar::<_, Option<String>>("SELECT title FROM artifacts WHERE id = $1")
            .bind(&row.artifact_id)
            .fetch_optional(&state.db.pool)
            .await?
            .flatten();
    let name = file_name(title.as_deref(), &row.format);
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let headers = [
        (header::CONTENT_TYPE, format.mime_type().to_owned()),
        (header::CONTENT_LENGTH, len.to_string()),
        (header::CONTENT_DISPOSITION, content_disposition(&name)),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox".to_owned(),
        ),
    ];
    Ok((headers, body).into_response())
}

/// `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// At start: finish or fail rows left `processing` by a crash, then remove
/// temporary files and objects no row names.
///
/// # Errors
///
/// When the database or storage cannot be read.
pub async fn recover(state: &AppState) -> Result<(), String> {
    let rows = state
        .db
        .processing()
        .await
        .map_err(|e| format!("cannot read exports: {e}"))?;
    for row in rows {
        let size = state
            .storage
            .size(&row.storage_key)
            .await
            .map_err(|e| format!("cannot read storage: {e}"))?;
        let status = if size == u64::try_from(row.size_bytes).ok() {
            "completed"
        } else {
            "failed"
        };
        if status == "failed" {
            state
                .storage
                .delete(&row.storage_key)
                .await
                .map_err(|e| format!("cannot clean storage: {e}"))?;
        }
        state
            .db
            .set_status(&row.id, status)
            .await
            .map_err(|e| format!("cannot update exports: {e}"))?;
        tracing::warn!(export_id = %row.id, status, "recovered an export left processing");
    }
    if let Some(local) = state.storage.as_local() {
        let db = state.db.clone();
        let removed = local
            .sweep(|key| {
                let db = db.clone();
                // On a database error keep the file: better an orphan than a lost object.
                async move { db.key_exists(&key).await.unwrap_or(true) }
            })
            .await
            .map_err(|e| format!("cannot sweep storage: {e}"))?;
        if removed > 0 {
            tracing::warn!(removed, "removed temporary and orphaned files");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_dispositions_are_safe() {
        assert_eq!(
            file_name(Some("Q3: sales/returns"), "pdf"),
            "Q3 sales returns.pdf"
        );
        assert_eq!(file_name(Some("../../etc/passwd"), "pdf"), "etc passwd.pdf");
        assert_eq!(file_name(None, "xlsx"), "export.xlsx");
        assert_eq!(
            content_disposition("Отчёт 1.pdf"),
            "attachment; filename=\"_____ 1.pdf\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%201.pdf"
        );
    }
}
