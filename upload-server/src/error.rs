//! One error type for every handler: a stable JSON body, the right status,
//! and never internal detail (SQL, paths) sent to the client; that goes to
//! the log.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No valid bearer token.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// Refused whoever asks (a proxied request to a development server, a
    /// wrong metrics token).
    #[error("{0}")]
    Forbidden(&'static str),
    /// Missing, or another user's (never 403, so ids cannot be probed).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A malformed request.
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed but unacceptable content (wrong file format, bad table).
    #[error("{0}")]
    Unprocessable(String),
    /// An export error from the core, with its code.
    #[error("{message}")]
    Export {
        /// The core's stable code.
        code: &'static str,
        /// The core's one-line message.
        message: String,
    },
    /// The body is larger than allowed.
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(u64),
    /// A table with more cells than a stored artifact may hold.
    #[error("{0}")]
    TooManyCells(String),
    /// The Content-Type does not match the format.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The same idempotency key with different content.
    #[error("{0}")]
    Conflict(String),
    /// An export with the same idempotency key is still being stored.
    #[error("an export with this Idempotency-Key is still being stored; retry shortly")]
    InProgress,
    /// Storage is full; nothing was stored.
    #[error("storage is full; nothing was stored, try again later")]
    InsufficientStorage,
    /// The client stopped sending the body.
    #[error("the request body stopped arriving")]
    RequestTimeout,
    /// The per-user rate limit; retry after this many seconds.
    #[error("too many exports; try again in {0} s")]
    TooManyRequests(u64),
    /// Storage or the database is unreachable; the detail is logged.
    #[error("{0} is unavailable; try again later")]
    Unavailable(&'static str),
    /// A bug or an unexpected failure; the detail is logged, not sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable(_) | ApiError::Export { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::PayloadTooLarge(_) | ApiError::TooManyCells(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Conflict(_) | ApiError::InProgress => StatusCode::CONFLICT,
            ApiError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code in the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "UNAUTHORIZED",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::BadRequest(_) => "BAD_REQUEST",
            ApiError::Unprocessable(_) => "UNPROCESSABLE",
            ApiError::Export { code, .. } => code,
            ApiError::PayloadTooLarge(_) => "PAYLOAD_TOO_LARGE",
            ApiError::TooManyCells(_) => "TOO_MANY_CELLS",
            ApiError::UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::InProgress => "IN_PROGRESS",
            ApiError::InsufficientStorage => "STORAGE_FULL",
            ApiError::TooManyRequests(_) => "RATE_LIMITED",
            ApiError::RequestTimeout => "REQUEST_TIMEOUT",
            ApiError::Unavailable(_) => "UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    /// Seconds a client should wait before retrying, for the errors that
    /// are worth a retry (sent as `Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests(secs) => Some(*secs),
            ApiError::InProgress => Some(1),
            ApiError::Unavailable(_) => Some(5),
            ApiError::InsufficientStorage => Some(60),
            _ => None,
        }
    }

    /// Logs `detail` and returns an error that does not show it.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(detail.to_string())
    }
}

impl ApiError {
    /// The answer to a storage write that failed: 507 when the store is
    /// full (a retry needs room), else 503.
    pub fn storage_write(e: &std::io::Error) -> ApiError {
        if crate::storage::is_full(e) {
            ApiError::InsufficientStorage
        } else {
            ApiError::Unavailable("storage")
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> ApiError {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                tracing::error!(error = %err, "database unavailable");
                ApiError::Unavailable("the database")
            }
            other => ApiError::internal(format!("database: {other}")),
        }
    }
}

impl From<exporter_core::ExportError> for ApiError {
    fn from(err: exporter_core::ExportError) -> ApiError {
        ApiError::Export {
            code: err.code(),
            message: err.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let body = Json(json!({"error": {"code": self.code(), "message": self.to_string()}}));
        let mut response = (status, body).into_response();
        if let Some(secs) = self.retry_after()
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
