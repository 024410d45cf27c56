//! The HTTP/1.1 server loop ([`serve`]).

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Sleep;

/// How long responses in progress may take to finish once the server stops.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The bounds of [`serve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServeLimits {
    /// Connections served at once; more wait in the listen backlog until one ends.
    pub connections: usize,
    /// How long a client may take to send a request's headers, from the moment the
    /// connection is ready for them: after it opens, and after each response on a
    /// kept-alive connection, so this is also the longest idle keep-alive.
    pub header_read_timeout: Duration,
    /// How long a response may wait for the client to take more of it before the
    /// connection is dropped.
    pub write_timeout: Duration,
}

impl ServeLimits {
    /// At most `connections` at once, `header_read_timeout` for each request's headers
    /// (and for an idle connection), `write_timeout` for a client to take more of a
    /// response.
    ///
    /// ```
    /// use std::time::Duration;
    /// let limits = espi_serve::ServeLimits::new(64, Duration::from_secs(5), Duration::from_secs(30));
    /// assert_eq!(limits.connections, 64);
    /// ```
    pub fn new(
        connections: usize,
        header_read_timeout: Duration,
        write_timeout: Duration,
    ) -> ServeLimits {
        ServeLimits {
            connections,
            header_read_timeout,
            write_timeout,
        }
    }
}

/// A listening socket on `address` (port 0: any free port), with `SO_REUSEADDR`; when
/// `send_buffer` is given, its accepted connections' kernel send buffer is that many
/// bytes (they inherit it) instead of the system's autotuning, which on Linux lets a
/// client that never reads take up to `net.ipv4.tcp_wmem`'s maximum (4 MiB by
/// default) of each response.
pub fn listen(address: SocketAddr, send_buffer: Option<usize>) -> io::Result<TcpListener> {
    let socket = match address {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    if let Some(bytes) = send_buffer {
        socket.set_send_buffer_size(u32::try_from(bytes).unwrap_or(u32::MAX))?;
    }
    socket.bind(address)?;
    socket.listen(1024)
}

/// Serves `app` on `listener` within `limits` until `stop` resolves, then lets the
/// responses in progress finish for [`SHUTDOWN_GRACE`] at most.
///
/// It is an HTTP/1.1 server loop with the bounds a server facing hostile clients needs
/// ([`ServeLimits`]), which `axum::serve` does not offer:
///
/// - at most `connections` connections are served at once; more wait in the listen
///   backlog until one ends;
/// - a client has `header_read_timeout` to send a request's headers, counted from the
///   moment the connection is ready for them: after it opens and after each response,
///   so an idle kept-alive connection is closed after that long too (hyper's header
///   timer; a slowloris client trickling a header gets no more);
/// - a response that waits `write_timeout` for the client to take more of it ends the
///   connection, so a client that never reads holds its connection
///   for that long and no longer;
/// - request bodies are read by the handlers that want them, after authentication,
///   bounded in size and in the pause between their pieces ([`read_body`](crate::read_body)).
///
/// Nothing here blocks a thread: a handler that writes its response as the client
/// takes it (a streamed body) makes a stalled client cost its connection's memory and
/// nothing shared. On shutdown, idle connections close at once and responses in
/// progress get [`SHUTDOWN_GRACE`] to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let places = Arc::new(Semaphore::new(limits.connections.max(1)));
    let (closing, closed) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        let place = tokio::select! {
            place = Arc::clone(&places).acquire_owned() => place,
            () = &mut stop => break,
        };
        let Ok(place) = place else { break };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!("accepting a connection failed: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // Without TCP_NODELAY a small response waits ~40 ms for the client's delayed ACK.
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set: {error}");
        }
        let io = TokioIo::new(WriteTimeout::new(tcp, limits.write_timeout));
        let service = TowerToHyperService::new(app.clone());
        let mut closed = closed.clone();
        let header_read_timeout = limits.header_read_timeout;
        connections.spawn(async move {
            let _place = place;
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .keep_alive(true);
            let connection = builder.serve_connection(io, service);
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = closed.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                tracing::debug!("a connection ended with an error: {error}");
            }
        });
        while connections.try_join_next().is_some() {}
    }
    let _ = closing.send(true);
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::debug!(
            "{} connections still busy after {SHUTDOWN_GRACE:?}: dropped",
            connections.len()
        );
        connections.abort_all();
    }
    Ok(())
}

/// A TCP stream whose writes fail with [`io::ErrorKind::TimedOut`] once one has waited
/// `limit` for the peer to take more.
struct WriteTimeout {
    inner: TcpStream,
    limit: Duration,
    /// Started when a write first had to wait; cleared by progress.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl WriteTimeout {
    /// `inner` with writes bounded by `limit`.
    fn new(inner: TcpStream, limit: Duration) -> WriteTimeout {
        WriteTimeout {
            inner,
            limit,
            waiting: None,
        }
    }

    /// The outcome of a write attempt: progress clears the timer, waiting starts it
    /// (or fails once it has run out).
    fn timed<T>(
        &mut self,
        context: &mut Context<'_>,
        attempt: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if attempt.is_ready() {
            self.waiting = None;
            return attempt;
        }
        let limit = self.limit;
        let timer = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        ready!(timer.as_mut().poll(context));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("the client took nothing of the response for {limit:?}"),
        )))
    }
}

impl AsyncRead for WriteTimeout {
    fn poll_read(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(context, buffer)
    }
}

impl AsyncWrite for WriteTimeout {
    fn poll_write(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let attempt = Pin::new(&mut this.inner).poll_write(context, data);
        this.timed(context, attempt)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let attempt = Pin::new(&mut this.inner).poll_write_vectored(context, data);
        this.timed(context, attempt)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let attempt = Pin::new(&mut this.inner).poll_flush(context);
        this.timed(context, attempt)
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(context)
    }
}
