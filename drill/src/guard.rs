//! The server's connection guard: a cap on open connections, with a clear
//! `503` to the ones over it, and an idle timeout that closes a connection
//! on which nothing was read or written for a while (an idle or stalled
//! client, or one that never finishes its headers).
//!
//! Limits: a slow client that sends a byte just inside every timeout keeps
//! its connection; connections over the cap are refused, not queued.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
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
}

impl Default for Limits {
    /// 512 connections (half the common limit of 1,024 descriptors), 30 s
    /// idle (the SSE stream's keep-alive comes every 15 s).
    fn default() -> Limits {
        Limits {
            max_connections: 512,
            idle: Duration::from_secs(30),
        }
    }
}

/// A listener that keeps [`Limits`].
pub struct Guarded {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    limits: Limits,
}

impl Guarded {
    /// Guard `inner` with `limits`.
    pub fn new(inner: TcpListener, limits: Limits) -> Guarded {
        Guarded {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections)),
            limits,
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
            match self.permits.clone().try_acquire_owned() {
                Ok(permit) => {
                    return (
                        GuardedStream {
                            io: stream,
                            _permit: permit,
                            idle: self.limits.idle,
                            timer: Box::pin(tokio::time::sleep(self.limits.idle)),
                        },
                        addr,
                    );
                }
                Err(_) => {
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
/// and fails with `TimedOut` once idle too long.
pub struct GuardedStream {
    io: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
}

impl GuardedStream {
    fn active(&mut self) {
        let at = Instant::now() + self.idle;
        self.timer.as_mut().reset(at);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.timer.as_mut().poll(cx).is_ready()
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
