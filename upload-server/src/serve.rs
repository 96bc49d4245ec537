//! The HTTP server loop: axum's router on hyper, with the limits a public
//! service needs so a slow or malicious client cannot hold a connection or
//! a worker forever (a connection that says nothing, headers too slow or
//! too large, a body that stalls, a request too long, a response nobody
//! reads, a connection idle too long, more connections than descriptors:
//! see `conns`), and graceful shutdown: on the signal, stop accepting and
//! let requests in flight finish.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::Config;
use crate::conns::{self, GuardedBody, Limits, Registry, Watched};

/// Header bytes a client may send (request line and headers).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// How long shutdown waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// Adds the request and body timeouts to `app`.
pub fn with_timeouts(app: Router, config: &Config) -> Router {
    app.layer(RequestBodyTimeoutLayer::new(config.body_idle_timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
///
/// # Errors
///
/// Never in practice: accept errors (too many open files) are logged and
/// retried.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    config: &Config,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = with_timeouts(app, config);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_buf_size(MAX_HEADER_BYTES)
        // A client that sends its whole request and closes (or half-closes)
        // its side still has the request finished: without this hyper drops
        // the handler at the EOF, mid-way, whenever it sees it first.
        .half_close(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(MAX_HEADER_BYTES).unwrap_or(u32::MAX))
        .keep_alive_interval(Some(Duration::from_secs(30)));
    let limit = conns::descriptor_limit();
    let max = config
        .max_connections
        .unwrap_or_else(|| conns::default_max(limit));
    tracing::info!(max_connections = max, descriptors = ?limit, "connection cap");
    let registry = Registry::new(Limits {
        first_byte: config.header_read_timeout,
        idle: config.keepalive_timeout,
        write: config.write_timeout,
        max,
    });
    let reaper = {
        let registry = registry.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            loop {
                tick.tick().await;
                registry.reap();
            }
        })
    };
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Some(conn) = registry.admit() else {
                    // Every connection is busy: this one is closed at once.
                    tracing::warn!(max, "connection cap reached; refusing a connection");
                    continue;
                };
                let watched = conn.clone();
                let app = app.clone();
                let service = tower::service_fn(move |req: Request<Incoming>| {
                    let guard = watched.begin();
                    let call = app.clone().oneshot(req.map(Body::new));
                    async move {
                        let res = call.await?;
                        Ok::<_, std::convert::Infallible>(
                            res.map(|b| Body::new(GuardedBody::new(b, guard))),
                        )
                    }
                });
                let io = TokioIo::new(Watched::new(stream, conn.clone()));
                let served = builder
                    .serve_connection_with_upgrades(io, TowerToHyperService::new(service))
                    .into_owned();
                let served = graceful.watch(served);
                let (registry, close) = (registry.clone(), conn.closed());
                tokio::spawn(async move {
                    tokio::select! {
                        ended = served => {
                            if let Err(e) = ended {
                                tracing::debug!(error = %e, "connection ended with an error");
                            }
                        }
                        () = close.cancelled() => {}
                    }
                    registry.remove(&conn);
                });
            }
            () = &mut shutdown => break,
        }
    }
    reaper.abort();
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {DRAIN:?}; exiting");
    }
    Ok(())
}
