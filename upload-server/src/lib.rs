//! Rowpress's upload server: receives files exported in the browser (or
//! renders them with exporter-core), stores them on local disk or S3,
//! records each in the `exports` table and hands out download URLs.
//!
//! `main.rs` only parses the configuration and serves [`app`]; tests call
//! the router directly.

pub mod api;
pub mod auth;
pub mod config;
pub mod conns;
pub mod db;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod naming;
pub mod ratelimit;
mod routes;
pub mod s3;
pub mod serve;
pub mod storage;
pub mod sweep;
pub mod validate;

use std::sync::Arc;

use axum::Router;

pub use config::{Config, StorageBackend};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// The database.
    pub db: db::Db,
    /// Where files go.
    pub storage: Arc<dyn storage::Storage>,
    /// Token and URL keys.
    pub keys: auth::Keys,
    /// What `/metrics` reports.
    pub metrics: Arc<metrics::Metrics>,
    /// The per-user limit on export and artifact creation (its state is in
    /// the database).
    pub limiter: ratelimit::RateLimiter,
    /// The per-user limit on telemetry events.
    pub events_limiter: ratelimit::RateLimiter,
    /// Permits for CPU-heavy work (parsing tables, validating and rendering
    /// files): one per core, so such work queues instead of starving the
    /// async runtime and each other.
    pub heavy: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Connects the database, sets up storage and sweeps what a crash left.
    ///
    /// # Errors
    ///
    /// A one-line reason the server cannot start.
    pub async fn build(config: Config) -> Result<AppState, String> {
        config.check()?;
        let keys = auth::Keys::from_secret(&config.secret()?);
        let db = db::Db::connect(&config.database_url()).await?;
        let storage: Arc<dyn storage::Storage> = match config.storage_backend {
            StorageBackend::Local => {
                let path = config.export_storage_path();
                Arc::new(
                    storage::LocalStorage::new(
                        &path,
                        &config.export_base_url,
                        keys.clone(),
                        config.storage_min_free,
                    )
                    .map_err(|e| format!("cannot use {}: {e}", path.display()))?,
                )
            }
            StorageBackend::S3 => Arc::new(s3::S3Storage::new(&config).await?),
        };
        let (config_dev_login, rate_limit) = (config.dev_login, config.rate_limit_per_minute);
        let events_limiter = ratelimit::RateLimiter::new(config.events_rate_limit_per_minute);
        if config.dev_login {
            tracing::warn!(
                "--dev-login is on: POST /api/dev/login hands out tokens without a password; \
                 its tokens work on this server only, and proxied requests are refused. \
                 Never use it in production."
            );
        }
        let state = AppState {
            config: Arc::new(config),
            db,
            storage,
            keys,
            metrics: Arc::new(metrics::Metrics::new()),
            limiter: ratelimit::RateLimiter::new(if config_dev_login { 0 } else { rate_limit }),
            events_limiter,
            heavy: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
        };
        sweep::recover(&state).await?;
        Ok(state)
    }

    /// Runs CPU-heavy `work` on the blocking pool once a permit of
    /// [`AppState::heavy`] is free, keeping it off the async runtime.
    ///
    /// # Errors
    ///
    /// [`error::ApiError::Internal`] if `work` panicked.
    pub async fn heavy<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let permit = self
            .heavy
            .clone()
            .acquire_owned()
            .await
            .map_err(error::ApiError::internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(error::ApiError::internal)
    }
}

/// The whole HTTP API (and the static front end, when built).
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
