//! Exports: upload the bytes made in the browser, or have the server render
//! them; list, fetch with a fresh URL, delete; and the signed file download.

use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use exporter_core::{ExportOptions, Format, Workbook};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::artifacts::rfc3339;
use crate::AppState;
use crate::api::{ErrorBody, Export, ExportList, RenderRequest};
use crate::auth::AuthUser;
use crate::db::{ArtifactRow, ExportRow, ExportSource, ExportStatus, now_millis};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::naming::{content_disposition, file_name};
use crate::storage::{Object, key_for};
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
    /// The file's format.
    #[param(inline)]
    format: crate::api::ExportFormat,
}

fn parse_format(s: &str) -> ApiResult<Format> {
    s.parse::<Format>()
        .map_err(|e| ApiError::BadRequest(e.to_string()))
}

async fn view(state: &AppState, row: &ExportRow, title: Option<&str>) -> ApiResult<Export> {
    let url = if row.status == ExportStatus::Completed {
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
        format: parse_format(&row.format)
            .map_err(|_| {
                ApiError::internal(format!("export {} has format {:?}", row.id, row.format))
            })?
            .into(),
        url,
        status: row.status,
        source: row.source,
        created_at: rfc3339(row.created_at),
        size_bytes: row.size_bytes,
        sha256: row.sha256.clone(),
        // Written by this server as a JSON array of strings; anything else
        // (a hand-edited row) shows as no warnings rather than a 500.
        warnings: row
            .warnings
            .as_deref()
            .and_then(|w| serde_json::from_str(w).ok())
            .unwrap_or_default(),
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
            if s.is_empty() || s.len() > 200 || !s.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ApiError::BadRequest(
                    "Idempotency-Key must be 1 to 200 visible ASCII characters".into(),
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
    state.limiter.enforce(state, user).await
}

/// Stores the bytes of a file made in the browser, after checking they
/// really are that format.
#[utoipa::path(
    post, path = "/api/artifacts/{id}/exports", tag = "exports",
    params(
        ("id" = String, Path, description = "Artifact id"),
        FormatQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 200 visible ASCII characters. The same key again: the same bytes of a `completed` export replay it (header `Idempotent-Replayed: true`), other bytes are 409 `CONFLICT`; an attempt still in flight is 409 `IN_PROGRESS` with `Retry-After`; after a `failed` attempt the new bytes are a fresh attempt", pattern = "^[!-~]{1,200}$"),
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
        (status = 201, description = "Stored whole (size and SHA-256 checked against the stored copy), or replayed", body = Export),
        (status = 400, description = "Unknown format or bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
        (status = 408, description = "The body stopped arriving", body = ErrorBody),
        (status = 409, description = "`CONFLICT`: the Idempotency-Key was used for other bytes; `IN_PROGRESS`: an upload with this key is still being stored (`Retry-After`)", body = ErrorBody),
        (status = 413, description = "Larger than MAX_UPLOAD_BYTES", body = ErrorBody),
        (status = 415, description = "Content-Type does not match the format", body = ErrorBody),
        (status = 422, description = "The bytes are not a valid file of that format", body = ErrorBody),
        (status = 429, description = "The per-user rate limit; `Retry-After` says when to retry", body = ErrorBody),
        (status = 503, description = "Storage or the database is down; nothing is stored (`Retry-After`)", body = ErrorBody),
        (status = 507, description = "Storage is full; nothing is stored (`Retry-After`)", body = ErrorBody),
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
    let format = query.format.core();
    let artifact_id = crate::extract::parse_id(&artifact_id, "artifact")?;
    let artifact = state
        .db
        .artifact(&user, &artifact_id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Media types are case-insensitive (RFC 9110 8.3.1).
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(format.mime_type())
        && !essence.eq_ignore_ascii_case("application/octet-stream")
    {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type {essence:?} does not match format {format}; send {}",
            format.mime_type()
        )));
    }
    let key = idempotency_key(&headers)?;
    limit(&state, &user, key.as_deref()).await?;
    let bytes = crate::extract::read_limited(&headers, body, state.config.max_upload_bytes).await?;
    let new = NewExport {
        user,
        artifact,
        format,
        source: ExportSource::Upload,
        key,
        started,
        warnings: Vec::new(),
    };
    // Every byte has arrived: from here the upload is finished (validated,
    // stored or refused) even if the client goes away meanwhile, so its
    // retry finds it settled.
    detached(&state, move |state| async move {
        let checked = bytes.clone();
        state
            .heavy(move || validate::check(format, &checked))
            .await?
            .map_err(|e| {
                state
                    .metrics
                    .export(format.extension(), "rejected", "upload");
                ApiError::Unprocessable(e)
            })?;
        commit(&state, new, bytes).await
    })
    .await
}

/// Runs `work` in a task of its own and waits for it: a client that
/// disconnects (which drops this request's future) does not cancel it
/// halfway, which used to leave a row `processing` and a temporary file
/// behind.
async fn detached<F, Fut>(state: &AppState, work: F) -> ApiResult<Response>
where
    F: FnOnce(AppState) -> Fut,
    Fut: std::future::Future<Output = ApiResult<Response>> + Send + 'static,
{
    tokio::spawn(work(state.clone()))
        .await
        .map_err(ApiError::internal)?
}

/// Renders the artifact on the server with exporter-core and stores it: for
/// clients without WebAssembly.
#[utoipa::path(
    post, path = "/api/artifacts/export", tag = "exports",
    request_body = RenderRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "As for uploads, except that a `completed` export of the same artifact and format is replayed (a render's bytes differ by their creation time)", pattern = "^[!-~]{1,200}$")),
    responses(
        (status = 201, description = "Rendered and stored", body = Export),
        (status = 400, description = "Bad Idempotency-Key, or a body that is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
        (status = 409, description = "`CONFLICT`: the Idempotency-Key was used for another export; `IN_PROGRESS`: one with this key is being stored (`Retry-After`)", body = ErrorBody),
        (status = 413, description = "The rendered file would be larger than MAX_UPLOAD_BYTES, or the body is", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "The table does not fit the format (the exporter's code and message), or the body lacks a field", body = ErrorBody),
        (status = 429, description = "The per-user rate limit; `Retry-After` says when to retry", body = ErrorBody),
        (status = 503, description = "Storage or the database is down (`Retry-After`)", body = ErrorBody),
        (status = 507, description = "Storage is full (`Retry-After`)", body = ErrorBody),
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
    let format = req.format.core();
    let artifact_id = crate::extract::parse_id(&req.artifact_id, "artifact")?;
    let artifact = state
        .db
        .artifact(&user, &artifact_id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    let key = idempotency_key(&headers)?;
    let mut new = NewExport {
        user,
        artifact,
        format,
        source: ExportSource::Server,
        key,
        started,
        warnings: Vec::new(),
    };
    // A render already made under this key is replayed without rendering.
    if let Some(key) = &new.key
        && let Some(replayed) = prior_attempt(&state, &new, key, None).await?
    {
        return Ok(replayed);
    }
    limit(&state, &new.user, new.key.as_deref()).await?;
    let data = super::artifacts::table_text(&state, &new.artifact).await?;
    detached(&state, move |state| async move {
        let max = state.config.max_upload_bytes;
        // Rendering is CPU work: on the bounded blocking pool, never on the
        // async runtime's threads.
        let render_state = state.clone();
        let out = state
            .heavy(move || {
                let text = std::str::from_utf8(&data).map_err(ApiError::internal)?;
                // A table is a workbook of one, exported as the table.
                let book = Workbook::from_json(text)?;
                let created = i64::try_from(crate::auth::unix_now()).unwrap_or(0);
                let mut options = ExportOptions::new(format).created_at(created);
                if format == Format::Pdf {
                    // The fonts its text needs, as the web app embeds them.
                    for font in super::assets::fonts_for(&render_state, &book) {
                        options = options.font(font);
                    }
                }
                Ok::<_, ApiError>(exporter_core::export_workbook(
                    book,
                    &options,
                    &mut |_, _| {},
                )?)
            })
            .await??;
        new.warnings = out.warnings.iter().map(ToString::to_string).collect();
        new.warnings.extend(out.more_warnings_line());
        let bytes = out.bytes;
        // Renders are held to the limit uploads are held to.
        if bytes.len() as u64 > max {
            return Err(ApiError::PayloadTooLarge(max));
        }
        commit(&state, new, Bytes::from(bytes)).await
    })
    .await
}

/// What a request to create an export brings.
struct NewExport {
    user: String,
    artifact: ArtifactRow,
    format: Format,
    source: ExportSource,
    key: Option<String>,
    started: Instant,
    /// What a render kept another way than given.
    warnings: Vec<String>,
}

/// Records the row (`processing`), stores the object (verified), moves the
/// row to `completed`: a row is never `completed` without its whole object,
/// and a failed store leaves it `failed` with no object.
async fn commit(state: &AppState, new: NewExport, bytes: Bytes) -> ApiResult<Response> {
    let sha256: [u8; 32] = Sha256::digest(&bytes).into();
    let sha_hex = hex::encode(sha256);
    if let Some(key) = &new.key
        && let Some(replayed) = prior_attempt(state, &new, key, Some(&sha_hex)).await?
    {
        return Ok(replayed);
    }
    let format = new.format;
    let id = uuid::Uuid::now_v7().to_string();
    let storage_key = key_for(&new.user, &id, format.extension());
    let now = now_millis();
    let row = ExportRow {
        id: id.clone(),
        artifact_id: new.artifact.id.clone(),
        user_id: new.user.clone(),
        format: format.extension().to_owned(),
        url: format!("/api/exports/{id}"),
        status: ExportStatus::Processing,
        storage_key: storage_key.clone(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: sha_hex.clone(),
        idempotency_key: new.key.clone(),
        created_at: now,
        updated_at: now,
        source: new.source,
        warnings: (!new.warnings.is_empty())
            .then(|| serde_json::to_string(&new.warnings))
            .transpose()
            .map_err(ApiError::internal)?,
    };
    if !state.db.insert_export(&row).await? {
        // Another request with the same key got in first: answer as its
        // state says (in flight: 409 with Retry-After).
        let key = new.key.as_deref().unwrap_or_default();
        return match prior_attempt(state, &new, key, Some(&sha_hex)).await? {
            Some(replayed) => Ok(replayed),
            None => Err(ApiError::InProgress),
        };
    }
    let size = bytes.len();
    let source = new.source.as_str();
    let name = file_name(new.artifact.title.as_deref(), format.extension());
    let object = Object {
        key: &storage_key,
        bytes,
        sha256,
        content_type: format.mime_type(),
        file_name: &name,
    };
    if let Err(e) = state.storage.put(object).await {
        let full = crate::storage::is_full(&e);
        tracing::error!(error = %e, export_id = %id, full, "storage write failed");
        state.metrics.storage_error("put");
        state.metrics.export(format.extension(), "failed", source);
        // A PUT whose answer was lost may have stored the object: remove it
        // (retried in the background while storage is down).
        discard(state, &id, &storage_key);
        if let Err(db) = state
            .db
            .transition(&id, ExportStatus::Processing, ExportStatus::Failed)
            .await
        {
            tracing::error!(error = %db, export_id = %id, "cannot mark the export failed yet");
            fail_later(state, &id);
        }
        return Err(ApiError::storage_write(&e));
    }
    let settled = match transition_patiently(state, &id, ExportStatus::Completed).await {
        Ok(true) => ExportStatus::Completed,
        // The sweeper settled it first (a PROCESSING_TIMEOUT shorter than
        // this write): trust the row, not this request.
        Ok(false) => state
            .db
            .export_by_id(&id)
            .await?
            .map_or(ExportStatus::Failed, |r| r.status),
        Err(e) => {
            // Not known to be completed, and the database stayed away: the
            // object goes, and the row is failed as soon as it can be.
            tracing::error!(error = %e, export_id = %id, "cannot mark the export completed");
            discard(state, &id, &storage_key);
            fail_later(state, &id);
            return Err(ApiError::from(e));
        }
    };
    if settled != ExportStatus::Completed {
        tracing::warn!(export_id = %id, "the export was settled failed while it was stored");
        discard(state, &id, &storage_key);
        return Err(ApiError::Unavailable("storage"));
    }
    state
        .metrics
        .export(format.extension(), "completed", source);
    state.metrics.stored(
        format.extension(),
        u64::try_from(size).unwrap_or(u64::MAX),
        new.started.elapsed(),
        source,
    );
    let row = ExportRow {
        status: ExportStatus::Completed,
        ..row
    };
    tracing::info!(
        event = "artifact_exported",
        user = %new.user,
        artifact_id = %new.artifact.id,
        export_id = %id,
        format = %format,
        size_bytes = size,
        duration_ms = u64::try_from(new.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        source,
    );
    let body = view(state, &row, new.artifact.title.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// How long a request that has stored its object waits for the database to
/// record it `completed` (the client's 201 waits with it).
const DB_PATIENCE: Duration = Duration::from_secs(15);

/// How long the background keeps trying to fail a row, or to remove an
/// object, that could not be settled during its request.
const BACKGROUND_PATIENCE: Duration = Duration::from_secs(600);

/// `processing` -> `to`, retried while the database is unreachable, for
/// up to [`DB_PATIENCE`].
async fn transition_patiently(state: &AppState, id: &str, to: ExportStatus) -> sqlx::Result<bool> {
    let deadline = Instant::now() + DB_PATIENCE;
    let mut wait = Duration::from_millis(100);
    loop {
        match state.db.transition(id, ExportStatus::Processing, to).await {
            Err(e) if Instant::now() + wait < deadline => {
                tracing::warn!(error = %e, export_id = %id, "database unavailable; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
            other => return other,
        }
    }
}

/// Marks `processing` export `id` failed in the background, retrying
/// until the database answers, so a retry with its key is not told it is
/// in progress until PROCESSING_TIMEOUT.
fn fail_later(state: &AppState, id: &str) {
    let (state, id) = (state.clone(), id.to_owned());
    tokio::spawn(async move {
        let deadline = Instant::now() + BACKGROUND_PATIENCE;
        while Instant::now() < deadline {
            match state
                .db
                .transition(&id, ExportStatus::Processing, ExportStatus::Failed)
                .await
            {
                Ok(_) => return,
                Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
        tracing::error!(export_id = %id, "gave up marking the export failed; the sweeper will");
    });
}

/// Removes the object of export `id` that must not be kept, retrying in
/// the background while storage is down.
fn discard(state: &AppState, id: &str, key: &str) {
    let (state, id, key) = (state.clone(), id.to_owned(), key.to_owned());
    tokio::spawn(async move {
        let deadline = Instant::now() + BACKGROUND_PATIENCE;
        loop {
            match state.storage.delete(&key).await {
                Ok(()) => return,
                Err(e) if Instant::now() >= deadline => {
                    tracing::error!(error = %e, export_id = %id, "gave up removing an object that must not be kept");
                    return;
                }
                Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
    });
}

/// What an earlier attempt with Idempotency-Key `key` means for this one:
/// `Some` answer when it decides the request (a replay, a 409), `None` when
/// this request is a fresh attempt (no earlier one, or it failed and its
/// key was freed). `sha256` is the hex digest of an upload's bytes (`None`
/// for a render, compared by artifact and format instead).
async fn prior_attempt(
    state: &AppState,
    new: &NewExport,
    key: &str,
    sha256: Option<&str>,
) -> ApiResult<Option<Response>> {
    // Each turn settles one state; three are enough for failed -> freed.
    for _ in 0..3 {
        let Some(row) = state.db.export_by_idempotency_key(&new.user, key).await? else {
            return Ok(None);
        };
        match row.status {
            ExportStatus::Completed => {
                let same = row.artifact_id == new.artifact.id
                    && row.source == new.source
                    && match new.source {
                        ExportSource::Upload => sha256.is_none_or(|s| s == row.sha256),
                        ExportSource::Server => row.format == new.format.extension(),
                    };
                if !same {
                    return Err(ApiError::Conflict(
                        "this Idempotency-Key was used for a different export".into(),
                    ));
                }
                return replay(state, &row, &new.artifact).await.map(Some);
            }
            ExportStatus::Processing => {
                let timeout =
                    i64::try_from(state.config.processing_timeout.as_millis()).unwrap_or(i64::MAX);
                if now_millis().saturating_sub(row.updated_at) < timeout {
                    return Err(ApiError::InProgress);
                }
                // Abandoned by an instance that died: settle it as the
                // sweeper would, then look again.
                crate::sweep::settle(state, &row)
                    .await
                    .map_err(ApiError::internal)?;
            }
            ExportStatus::Failed => {
                // A fresh attempt: free the key (one retry wins; the others
                // find its new row and wait).
                state.db.release_key(&row.id).await?;
            }
        }
    }
    Err(ApiError::InProgress)
}

/// The original 201 of a `completed` export, marked as a replay.
async fn replay(state: &AppState, row: &ExportRow, artifact: &ArtifactRow) -> ApiResult<Response> {
    state
        .metrics
        .export(&row.format, "replayed", row.source.as_str());
    let body = view(state, row, artifact.title.as_deref()).await?;
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
        (status = 400, description = "A bad cursor, limit or artifactId parameter", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such artifact of the caller's", body = ErrorBody),
        (status = 503, description = "The database or storage is down (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<ExportList>> {
    let artifact_id = crate::extract::parse_id(&q.artifact_id, "artifact")?;
    let artifact = state
        .db
        .artifact(&user, &artifact_id)
        .await?
        .ok_or(ApiError::NotFound("artifact"))?;
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let after = crate::extract::parse_cursor(q.cursor.as_deref())?;
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
        (status = 503, description = "The database or storage is down (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn fetch(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Export>> {
    let id = crate::extract::parse_id(&id, "export")?;
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
        (status = 503, description = "Storage or the database is down; nothing was deleted (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn remove(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    let id = crate::extract::parse_id(&id, "export")?;
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
        (status = 400, description = "`expires` or `sig` missing or malformed", body = ErrorBody),
        (status = 404, description = "Unknown, expired or wrongly signed (the same answer for each)", body = ErrorBody),
        (status = 503, description = "The database is down (`Retry-After`)", body = ErrorBody),
    )
)]
async fn file(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<FileQuery>,
) -> ApiResult<Response> {
    let local = state.storage.as_local().ok_or(ApiError::NotFound("file"))?;
    let id = crate::extract::parse_id(&id, "file")?;
    let row = state
        .db
        .export_by_id(&id)
        .await?
        .ok_or(ApiError::NotFound("file"))?;
    if row.status != ExportStatus::Completed
        || !local.check_signature(&row.storage_key, q.expires, &q.sig)
    {
        return Err(ApiError::NotFound("file"));
    }
    let path = local.path(&row.storage_key).map_err(ApiError::internal)?;
    let file = tokio::fs::File::open(&path).await.map_err(|e| {
        tracing::error!(error = %e, export_id = %id, "completed export without its file");
        ApiError::NotFound("file")
    })?;
    let len = file.metadata().await.map_err(ApiError::internal)?.len();
    let format = parse_format(&row.format)?;
    let title = state.db.artifact_title(&row.artifact_id).await?;
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
