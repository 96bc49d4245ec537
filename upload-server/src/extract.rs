//! axum's JSON body, query string and path extractors, with their
//! rejections answered like every other error of the API
//! (`{"error": {"code", "message"}}`, the same status axum would give)
//! instead of axum's plain-text bodies, which a client parsing our errors
//! could not read.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

/// A JSON request body (`axum::Json`).
pub struct JsonBody<T>(pub T);

/// The query string (`axum::extract::Query`).
pub struct QueryParams<T>(pub T);

/// Path parameters (`axum::extract::Path`).
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(json_rejected(&rejection, state.config.max_upload_bytes)),
        }
    }
}

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| QueryParams(q.0))
            .map_err(|r: QueryRejection| ApiError::BadRequest(message(&r.body_text())))
    }
}

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PathParams(p.0))
            .map_err(|r: PathRejection| {
                if r.status().is_server_error() {
                    ApiError::internal(r.body_text())
                } else {
                    ApiError::BadRequest(message(&r.body_text()))
                }
            })
    }
}

/// An id from a path, query or body, parsed at the edge: ids are UUIDs, so
/// anything else (a NUL byte, `../`, 5,000 characters) names nothing and is
/// a 404 without reaching the database (PostgreSQL refuses NUL in text,
/// which was a 500). Returns the canonical spelling.
///
/// # Errors
///
/// [`ApiError::NotFound`] with `what`.
pub fn parse_id(id: &str, what: &'static str) -> Result<String, ApiError> {
    uuid::Uuid::try_parse(id)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| ApiError::NotFound(what))
}

/// Reads a body up to `max` bytes: 413 at once on a larger Content-Length,
/// else as soon as the stream passes the limit (never buffering more); 408
/// when it stops arriving.
///
/// # Errors
///
/// [`ApiError::PayloadTooLarge`], [`ApiError::RequestTimeout`], or
/// [`ApiError::BadRequest`] when the stream breaks.
pub async fn read_limited(
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
    max: u64,
) -> Result<bytes::Bytes, ApiError> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(ApiError::PayloadTooLarge(max));
    }
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    // The declared length is allocated once (a growing buffer doubles, and
    // copies, its way up: up to 3x a large body at the peak).
    let mut out = Vec::with_capacity(declared.map_or(0, |n| usize::try_from(n).unwrap_or(0)));
    let mut body = body;
    while let Some(frame) = http_body_util::BodyExt::frame(&mut body).await {
        let frame = frame.map_err(|e| {
            if e.to_string().contains("timeout") {
                ApiError::RequestTimeout
            } else {
                ApiError::BadRequest(format!("cannot read the body: {e}"))
            }
        })?;
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers
        };
        if out.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(max));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(bytes::Bytes::from(out))
}

/// A page cursor, `{created_at}_{id}` as the previous page handed it out.
///
/// # Errors
///
/// [`ApiError::BadRequest`] for anything else (NUL included).
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<(i64, String)>, ApiError> {
    match cursor {
        None | Some("") => Ok(None),
        Some(c) => {
            let bad = || ApiError::BadRequest("bad cursor".into());
            let (at, id) = c.split_once('_').ok_or_else(bad)?;
            let at = at.parse::<i64>().map_err(|_| bad())?;
            let id = uuid::Uuid::try_parse(id).map_err(|_| bad())?;
            Ok(Some((at, id.hyphenated().to_string())))
        }
    }
}

fn json_rejected(rejection: &JsonRejection, limit: u64) -> ApiError {
    let text = message(&rejection.body_text());
    match rejection.status() {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(
            "send the body as JSON, with Content-Type: application/json".into(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(limit),
        // Valid JSON of the wrong shape (a missing or mistyped field).
        StatusCode::UNPROCESSABLE_ENTITY => ApiError::Unprocessable(text),
        status if status.is_server_error() => ApiError::internal(text),
        _ => ApiError::BadRequest(text),
    }
}

/// axum's text as one of our messages: one line, lower-case first letter.
fn message(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut chars = line.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "the request could not be read".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::message;

    #[test]
    fn messages_are_one_lower_case_line() {
        assert_eq!(
            message("Failed to parse the request body as JSON: key must be a string\nmore"),
            "failed to parse the request body as JSON: key must be a string"
        );
        assert_eq!(message(""), "the request could not be read");
    }
}
