//! The server's connection guard: a cap on open connections, with a clear
//! `503` to the ones over it, and an idle timeout that closes a connection
//! on which nothing was read or written for a while (an idle or stalled
//! client). The header timeout ([`Limits::header`]) is kept by hyper, which
//! serves each connection ([`crate::server::serve_on`]).
//!
//! At the cap, a new connection does not simply lose to the ones already
//! open: the oldest connection that has not carried an authenticated API
//! request is closed to make room (a console sends one as soon as it
//! connects; a flood of idle or half-sent connections never does), else the
//! connection idle the longest, if it has been idle at least
//! [`Limits::evict_after`]. So a flood of connections cannot lock a real
//! client out, however fast it reconnects. Only when every open connection
//! is a busy console is the new one refused.
//!
//! Limits: a client that reads an answer (an event stream) slowly but
//! steadily keeps its connection until it is the idlest at the cap; one
//! that drips its headers is closed by the header timeout, however often
//! it sends a byte. Connections opened with a valid token are not told
//! apart from consoles: someone holding a token could fill the cap.

use futures_util::task::AtomicWaker;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Connection limits of the drill server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Open connections at most (SSE streams included); more get `503`.
    pub max_connections: usize,
    /// A connection with no bytes read or written for this long is closed.
    pub idle: Duration,
    /// At the cap, when every open connection has carried an authenticated
    /// API request, the one idle the longest is closed to make room for a
    /// new one if it has been idle at least this long.
    pub evict_after: Duration,
    /// A request's headers must arrive whole within this long of the
    /// server starting to wait for them (also the longest a kept-alive
    /// connection waits between requests); else the connection is closed.
    pub header: Duration,
}

impl Default for Limits {
    /// ASSUMPTIONS, each from the reason beside it, none measured on real
    /// drills: 512 connections (half the common limit of 1,024
    /// descriptors), 30 s idle (the SSE stream's keep-alive comes every
    /// 15 s), eviction of a connection idle 2 s when a new one finds the cap
    /// reached (a console polls or streams far more often than that while
    /// in use), 10 s for a request's headers (a browser sends them in one
    /// packet of a few hundred bytes; 10 s leaves room for a poor mobile
    /// link and is a third of hyper's own default of 30 s).
    fn default() -> Limits {
        Limits {
            max_connections: 512,
            idle: Duration::from_secs(30),
            evict_after: Duration::from_secs(2),
            header: Duration::from_secs(10),
        }
    }
}

/// What the listener and one open connection share: when it was last
/// active, and the request to close it.
struct Shared {
    /// Milliseconds since the listener's start of the last byte read or
    /// written.
    last_ms: AtomicU64,
    evicted: AtomicBool,
    /// Whether an authenticated API request came over it.
    served: AtomicBool,
    waker: AtomicWaker,
}

/// The open connections, by accept order.
#[derive(Default)]
struct Open {
    next: u64,
    conns: BTreeMap<u64, Arc<Shared>>,
}

/// A listener that keeps [`Limits`].
pub struct Guarded {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    limits: Limits,
    start: Instant,
    open: Arc<Mutex<Open>>,
}

impl Guarded {
    /// Guard `inner` with `limits`.
    pub fn new(inner: TcpListener, limits: Limits) -> Guarded {
        Guarded {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections)),
            limits,
            start: Instant::now(),
            open: Arc::default(),
        }
    }

    /// Ask one connection to close to make room: the oldest that has not
    /// yet carried an authenticated API request (a console sends its first
    /// one as soon as it connects; a flood never does), else the one idle
    /// the longest if it has been idle for [`Limits::evict_after`]. Whether
    /// one was asked.
    fn evict_one(&self) -> bool {
        let now = self.start.elapsed().as_millis() as u64;
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let live = || {
            open.conns
                .values()
                .filter(|c| !c.evicted.load(Ordering::Relaxed))
        };
        // By accept order: the first is the oldest.
        if let Some(c) = live().find(|c| !c.served.load(Ordering::Relaxed)) {
            c.evicted.store(true, Ordering::Relaxed);
            c.waker.wake();
            return true;
        }
        let idlest = live().min_by_key(|c| c.last_ms.load(Ordering::Relaxed));
        match idlest {
            Some(c)
                if now.saturating_sub(c.last_ms.load(Ordering::Relaxed))
                    >= self.limits.evict_after.as_millis() as u64 =>
            {
                c.evicted.store(true, Ordering::Relaxed);
                c.waker.wake();
                true
            }
            _ => false,
        }
    }

    fn stream(&self, io: TcpStream, permit: OwnedSemaphorePermit) -> GuardedStream {
        let shared = Arc::new(Shared {
            last_ms: AtomicU64::new(self.start.elapsed().as_millis() as u64),
            evicted: AtomicBool::new(false),
            served: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        });
        let id = {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            let id = open.next;
            open.next += 1;
            open.conns.insert(id, shared.clone());
            id
        };
        GuardedStream {
            io,
            _permit: permit,
            idle: self.limits.idle,
            timer: Box::pin(tokio::time::sleep(self.limits.idle)),
            start: self.start,
            id,
            shared,
            open: self.open.clone(),
        }
    }
}

/// The refusal sent to a connection over the cap.
fn refusal(cap: usize) -> Vec<u8> {
    let body = format!("{{\"error\":\"too many connections (at most {cap}); try again shortly\"}}");
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 5\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl axum::serve::Listener for Guarded {
    type Io = GuardedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (GuardedStream, SocketAddr) {
        loop {
            let (mut stream, addr) = match self.inner.accept().await {
                Ok(x) => x,
                Err(_) => {
                    // Out of descriptors or a reset: wait, do not spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let mut permit = self.permits.clone().try_acquire_owned().ok();
            if permit.is_none() && self.evict_one() {
                // The evicted connection gives its place back once its
                // task sees the request, within milliseconds.
                let wait = self.permits.clone().acquire_owned();
                permit = tokio::time::timeout(Duration::from_secs(1), wait)
                    .await
                    .ok()
                    .and_then(Result::ok);
            }
            match permit {
                Some(permit) => return (self.stream(stream, permit), addr),
                None => {
                    let bytes = refusal(self.limits.max_connections);
                    tokio::spawn(async move {
                        let write = async {
                            stream.write_all(&bytes).await?;
                            stream.shutdown().await
                        };
                        let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
                    });
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// An accepted connection: holds its place under the cap until dropped,
/// and fails with `TimedOut` once idle too long or asked to make room.
pub struct GuardedStream {
    io: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    start: Instant,
    id: u64,
    shared: Arc<Shared>,
    open: Arc<Mutex<Open>>,
}

/// Marks a connection as carrying authenticated API requests: at the cap,
/// connections without the mark make room first.
#[derive(Clone)]
pub struct Served(Arc<Shared>);

impl Served {
    /// An authenticated API request came over the connection.
    pub fn mark(&self) {
        self.0.served.store(true, Ordering::Relaxed);
    }
}

impl GuardedStream {
    /// The handle that marks this connection as served.
    pub fn served(&self) -> Served {
        Served(self.shared.clone())
    }

    fn active(&mut self) {
        let now = Instant::now();
        self.timer.as_mut().reset(now + self.idle);
        let ms = now.saturating_duration_since(self.start).as_millis() as u64;
        self.shared.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Idle too long, or asked to close to make room (registering for the
    /// wake-up that request sends).
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.shared.waker.register(cx.waker());
        self.shared.evicted.load(Ordering::Relaxed) || self.timer.as_mut().poll(cx).is_ready()
    }
}

impl Drop for GuardedStream {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.conns.remove(&self.id);
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "idle connection closed")
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.active();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write(cx, buf) {
            Poll::Ready(r) => {
                if matches!(r, Ok(n) if n > 0) {
                    self.active();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
