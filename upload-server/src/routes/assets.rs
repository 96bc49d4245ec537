//! Fonts for the web app's PDFs, and the client's telemetry events.

use std::path::PathBuf;

use exporter_core::FontScript;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, routing::get};
use tower::ServiceExt;
use tower_http::services::ServeFile;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ClientEvent, ErrorBody};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams};

/// A group of scripts and its fonts: (file name, Debian's path), regular
/// then bold.
type Family = (FontScript, [(&'static str, &'static str); 2]);

/// The fonts served, by the group of scripts the core names
/// (`scripts_needed`): a regular and a bold face each (the bold draws the
/// headers), with where Debian installs it (packages fonts-dejavu-core,
/// fonts-noto-core, fonts-noto-cjk).
const FAMILIES: [Family; 6] = [
    (
        FontScript::Arabic,
        [
            (
                "NotoSansArabic-Regular.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
            ),
            (
                "NotoSansArabic-Bold.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf",
            ),
        ],
    ),
    (
        FontScript::Hebrew,
        [
            (
                "NotoSansHebrew-Regular.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
            ),
            (
                "NotoSansHebrew-Bold.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansHebrew-Bold.ttf",
            ),
        ],
    ),
    (
        FontScript::Devanagari,
        [
            (
                "NotoSansDevanagari-Regular.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
            ),
            (
                "NotoSansDevanagari-Bold.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Bold.ttf",
            ),
        ],
    ),
    (
        FontScript::Thai,
        [
            (
                "NotoSansThai-Regular.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
            ),
            (
                "NotoSansThai-Bold.ttf",
                "/usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf",
            ),
        ],
    ),
    (
        FontScript::Other,
        [
            (
                "DejaVuSans.ttf",
                "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            ),
            (
                "DejaVuSans-Bold.ttf",
                "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
            ),
        ],
    ),
    (
        FontScript::Cjk,
        [
            (
                "NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            ),
            (
                "NotoSansCJK-Bold.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
            ),
        ],
    ),
];

/// The fonts a server-side PDF of `book` needs (`scripts_needed`), read
/// from where `/fonts/` serves them, in chain order, each regular face
/// followed by its bold (which draws the headers): the same fonts the web
/// app embeds. A font that is not installed is left out (its characters
/// are then drawn as a replacement, with a warning; headers without their
/// bold are stroked).
pub fn fonts_for(state: &AppState, book: &exporter_core::Workbook) -> Vec<Vec<u8>> {
    exporter_core::scripts_needed(book.sheets(), book.title())
        .into_iter()
        .filter_map(|script| FAMILIES.iter().find(|(group, _)| *group == script))
        .flat_map(|(_, faces)| faces)
        .filter_map(|(name, _)| font_path(state, name))
        .filter_map(|path| std::fs::read(path).ok())
        .collect()
}

/// `/fonts/{name}` (outside the OpenAPI document: static files).
pub fn font_router() -> Router<AppState> {
    Router::new().route("/fonts/{name}", get(font))
}

/// The telemetry endpoint.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(event))
}

/// Where font `name` is, if it is one we serve and it is installed.
pub fn font_path(state: &AppState, name: &str) -> Option<PathBuf> {
    let (_, system) = FAMILIES
        .iter()
        .flat_map(|(_, faces)| faces)
        .find(|(n, _)| *n == name)?;
    state
        .config
        .fonts_dir
        .iter()
        .map(|d| d.join(name))
        .chain(std::iter::once(PathBuf::from(system)))
        .find(|p| p.is_file())
}

async fn font(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
    req: Request,
) -> Response {
    let Some(path) = font_path(&state, &name) else {
        return ApiError::NotFound("font").into_response();
    };
    let content_type = if name.ends_with(".ttc") {
        "font/collection"
    } else {
        "font/ttf"
    };
    match ServeFile::new_with_mime(path, &content_type.parse().expect("a MIME type"))
        .oneshot(req)
        .await
    {
        Ok(res) => {
            let mut res = res.into_response();
            // A day: the service worker keeps its own copy for offline use.
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            res
        }
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// Records a client-side event as one structured log line. Accepted:
/// `artifact_exported`, for exports made in the browser (their upload may
/// come much later, or never for a download-only export).
#[utoipa::path(
    post, path = "/api/events", tag = "exports",
    request_body = ClientEvent,
    responses(
        (status = 204, description = "Logged"),
        (status = 400, description = "A bad field, or a body that is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 413, description = "Larger than the JSON limit", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "An unknown event or format, or a missing field", body = ErrorBody),
        (status = 429, description = "More events than EVENTS_RATE_LIMIT_PER_MINUTE (`Retry-After`)", body = ErrorBody),
        (status = 503, description = "The database is down (`Retry-After`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn event(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    JsonBody(e): JsonBody<ClientEvent>,
) -> ApiResult<StatusCode> {
    state
        .events_limiter
        .enforce(&state, &format!("events:{user}"))
        .await?;
    let short = |s: &str, what: &str| {
        if s.len() > 200 {
            Err(ApiError::BadRequest(format!("{what} is over 200 bytes")))
        } else {
            Ok(())
        }
    };
    short(&e.artifact_id, "artifactId")?;
    tracing::info!(
        event = "artifact_exported",
        source = "client",
        user = %user,
        artifact_id = %e.artifact_id,
        artifact_type = e.kind.as_str(),
        format = e.format.core().extension(),
        duration_ms = e.duration_ms,
        rows = e.rows,
        size_bytes = e.size_bytes,
        offline = e.offline,
    );
    Ok(StatusCode::NO_CONTENT)
}
