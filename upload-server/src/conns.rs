//! Open connections, watched: what each has done, so the server can close
//! the ones that hold a descriptor and do nothing (issue #11: a thousand
//! sockets that never sent a byte exhausted the descriptors, a download to
//! a client that stopped reading was served forever, an idle h2c
//! connection stayed open), and make room under a cap.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_util::sync::CancellationToken;

/// What one connection has done.
pub struct Conn {
    id: u64,
    accepted: Instant,
    /// The client sent at least one byte.
    spoke: AtomicBool,
    /// Requests whose response (body included) is not finished.
    inflight: AtomicUsize,
    /// Milliseconds after `accepted` when the last response finished.
    last_done: AtomicU64,
    /// Milliseconds after `accepted` since a write has been waiting for
    /// the client to read (0: none waiting).
    stalled_since: AtomicU64,
    close: CancellationToken,
}

impl Conn {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.accepted.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// A request begins; its guard ends it when dropped (after the last
    /// byte of its response body, or when the response is dropped).
    pub fn begin(self: &Arc<Conn>) -> RequestGuard {
        self.inflight.fetch_add(1, Ordering::SeqCst);
        RequestGuard(self.clone())
    }

    /// Cancelled when the connection is to be closed.
    pub fn closed(&self) -> CancellationToken {
        self.close.clone()
    }
}

/// Marks a request of a connection finished when dropped.
pub struct RequestGuard(Arc<Conn>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.last_done.store(self.0.now_ms(), Ordering::SeqCst);
        self.0.inflight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The limits connections are held to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Longest a connection may stay silent after it is accepted.
    pub first_byte: Duration,
    /// Longest a connection may stay open with no request in flight.
    pub idle: Duration,
    /// Longest a write may wait for the client to read.
    pub write: Duration,
    /// Most connections open at once.
    pub max: usize,
}

/// Every open connection.
pub struct Registry {
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    next: AtomicU64,
    limits: Limits,
}

impl Registry {
    /// An empty registry under `limits`.
    pub fn new(limits: Limits) -> Arc<Registry> {
        Arc::new(Registry {
            conns: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            limits,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.conns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Registers a new connection, making room under the cap first: the
    /// oldest connection that never spoke is closed, else the oldest idle
    /// one; `None` (refuse the newcomer) when every connection is busy.
    pub fn admit(&self) -> Option<Arc<Conn>> {
        let mut conns = self.lock();
        if conns.len() >= self.limits.max {
            let victim = conns
                .values()
                .filter(|c| !c.spoke.load(Ordering::SeqCst))
                .min_by_key(|c| c.accepted)
                .or_else(|| {
                    conns
                        .values()
                        .filter(|c| c.inflight.load(Ordering::SeqCst) == 0)
                        .min_by_key(|c| c.accepted)
                })
                .map(|c| c.id)?;
            if let Some(c) = conns.remove(&victim) {
                c.close.cancel();
            }
        }
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let conn = Arc::new(Conn {
            id,
            accepted: Instant::now(),
            spoke: AtomicBool::new(false),
            inflight: AtomicUsize::new(0),
            last_done: AtomicU64::new(1),
            stalled_since: AtomicU64::new(0),
            close: CancellationToken::new(),
        });
        conns.insert(id, conn.clone());
        Some(conn)
    }

    /// Forgets a connection that ended.
    pub fn remove(&self, conn: &Conn) {
        self.lock().remove(&conn.id);
    }

    /// Closes the connections past a limit; how many.
    pub fn reap(&self) -> usize {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let mut conns = self.lock();
        let doomed: Vec<u64> = conns
            .values()
            .filter(|c| {
                let now = c.now_ms();
                let silent = !c.spoke.load(Ordering::SeqCst) && now > ms(self.limits.first_byte);
                let idle = c.inflight.load(Ordering::SeqCst) == 0
                    && now.saturating_sub(c.last_done.load(Ordering::SeqCst))
                        > ms(self.limits.idle);
                let stalled = match c.stalled_since.load(Ordering::SeqCst) {
                    0 => false,
                    since => now.saturating_sub(since) > ms(self.limits.write),
                };
                silent || idle || stalled
            })
            .map(|c| c.id)
            .collect();
        for id in &doomed {
            if let Some(c) = conns.remove(id) {
                c.close.cancel();
            }
        }
        doomed.len()
    }
}

/// A socket that tells its [`Conn`] when the client speaks and when a
/// write waits for the client to read.
pub struct Watched<S> {
    inner: S,
    conn: Arc<Conn>,
}

impl<S> Watched<S> {
    /// Watches `inner` for `conn`.
    pub fn new(inner: S, conn: Arc<Conn>) -> Watched<S> {
        Watched { inner, conn }
    }

    fn wrote(&self, poll: &Poll<io::Result<usize>>) {
        match poll {
            Poll::Pending => {
                let _ = self.conn.stalled_since.compare_exchange(
                    0,
                    self.conn.now_ms(),
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                );
            }
            Poll::Ready(_) => self.conn.stalled_since.store(0, Ordering::SeqCst),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.conn.spoke.store(true, Ordering::SeqCst);
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.wrote(&poll);
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.wrote(&poll);
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A response body that ends its request (a [`RequestGuard`]) when it is
/// finished or dropped.
pub struct GuardedBody {
    inner: axum::body::Body,
    _guard: RequestGuard,
}

impl GuardedBody {
    /// `inner`, ending `guard`'s request with it.
    pub fn new(inner: axum::body::Body, guard: RequestGuard) -> GuardedBody {
        GuardedBody {
            inner,
            _guard: guard,
        }
    }
}

impl http_body::Body for GuardedBody {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The descriptor limit of this process (its soft RLIMIT_NOFILE).
pub fn descriptor_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// The default cap on connections: three quarters of the descriptors left
/// after 64 for the database, files and the runtime, at most 10,000.
pub fn default_max(limit: Option<u64>) -> usize {
    limit.map_or(10_000, |n| {
        usize::try_from(n.saturating_sub(64) / 4 * 3)
            .unwrap_or(10_000)
            .clamp(16, 10_000)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max: usize) -> Limits {
        Limits {
            first_byte: Duration::from_millis(50),
            idle: Duration::from_millis(50),
            write: Duration::from_millis(50),
            max,
        }
    }

    #[test]
    fn the_cap_closes_the_silent_first_then_the_idle_never_the_busy() {
        let r = Registry::new(limits(2));
        let silent = r.admit().unwrap();
        let busy = r.admit().unwrap();
        busy.spoke.store(true, Ordering::SeqCst);
        let _request = busy.begin();
        let third = r.admit().unwrap();
        assert!(silent.close.is_cancelled());
        assert!(!busy.close.is_cancelled());
        third.spoke.store(true, Ordering::SeqCst);
        let _r3 = third.begin();
        assert!(r.admit().is_none(), "every connection busy: refused");
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn silent_idle_and_stalled_connections_are_reaped() {
        let r = Registry::new(limits(100));
        let silent = r.admit().unwrap();
        let idle = r.admit().unwrap();
        idle.spoke.store(true, Ordering::SeqCst);
        drop(idle.begin());
        let stalled = r.admit().unwrap();
        stalled.spoke.store(true, Ordering::SeqCst);
        let _download = stalled.begin();
        stalled.stalled_since.store(1, Ordering::SeqCst);
        let busy = r.admit().unwrap();
        busy.spoke.store(true, Ordering::SeqCst);
        let _upload = busy.begin();
        std::thread::sleep(Duration::from_millis(120));
        assert_eq!(r.reap(), 3);
        assert!(silent.close.is_cancelled() && idle.close.is_cancelled());
        assert!(stalled.close.is_cancelled());
        assert!(!busy.close.is_cancelled());
    }

    #[test]
    fn the_default_cap_leaves_room_for_the_server_itself() {
        assert_eq!(default_max(Some(1024)), 720);
        assert_eq!(default_max(Some(1_000_000)), 10_000);
        assert_eq!(default_max(None), 10_000);
    }
}
