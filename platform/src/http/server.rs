//! The HTTP/1 server loop, with bounds that keep one client from taking the server's capacity:
//! - at most `max_connections` open connections, and `max_connections_per_client` from one
//!   address; beyond either, a short 503 with `Retry-After`, and the connection is closed;
//! - a request's headers must arrive within `header_timeout`, which also ends a keep-alive
//!   connection that stays idle that long;
//! - a request's body must keep arriving (at most `body_idle_timeout` between two chunks) and be
//!   complete within `body_deadline`.
//!
//! HTTP/2 is not offered: behind TLS a proxy speaks it to browsers, and hyper has no header
//! timeouts for it.

use std::{
    collections::HashMap,
    future::Future,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, extract::ConnectInfo};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::AsyncWriteExt,
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, watch},
};
use tower::ServiceExt;
use tower_http::timeout::{DeadlineBody, TimeoutBody};

/// The server's bounds (from the configuration).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    /// `None`: no limit per address (behind a proxy, every connection comes from the proxy).
    pub max_connections_per_client: Option<usize>,
    pub header_timeout: Duration,
    pub body_idle_timeout: Duration,
    pub body_deadline: Duration,
}

/// How long connections in flight may take to finish once shutdown begins.
const DRAIN: Duration = Duration::from_secs(30);
/// Refusals being written at once; beyond that a refused connection is simply closed.
const MAX_REFUSALS: usize = 256;

const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Length: 46\r\n\r\n\
The server is busy. Please try again shortly.\n";

/// The open connections, in all and per client address.
#[derive(Debug)]
struct Admission {
    open: Arc<Semaphore>,
    per_client: Mutex<HashMap<IpAddr, usize>>,
    limits: Limits,
}

/// One admitted connection; dropping it makes room for another.
struct Slot {
    admission: Arc<Admission>,
    client: IpAddr,
    _open: OwnedSemaphorePermit,
}

impl Admission {
    fn admit(self: &Arc<Self>, client: IpAddr) -> Option<Slot> {
        let open = self.open.clone().try_acquire_owned().ok()?;
        let mut per_client = self.per_client.lock().expect("admission lock");
        let count = per_client.get(&client).copied().unwrap_or(0);
        if self
            .limits
            .max_connections_per_client
            .is_some_and(|max| count >= max)
        {
            return None;
        }
        per_client.insert(client, count + 1);
        Some(Slot {
            admission: self.clone(),
            client,
            _open: open,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut per_client = self.admission.per_client.lock().expect("admission lock");
        if let Some(count) = per_client.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                per_client.remove(&self.client);
            }
        }
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then lets the
/// connections in flight finish (for at most half a minute).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let admission = Arc::new(Admission {
        open: Arc::new(Semaphore::new(limits.max_connections)),
        per_client: Mutex::default(),
        limits,
    });
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    pause_after(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = admission.admit(peer.ip()) else {
            metrics::counter!("http_connections_refused_total").increment(1);
            refuse(stream, &refusals);
            continue;
        };
        let service = hyper::service::service_fn({
            let router = router.clone();
            move |request: hyper::Request<Incoming>| {
                let mut request = request.map(|body| {
                    axum::body::Body::new(DeadlineBody::new(
                        limits.body_deadline,
                        TimeoutBody::new(limits.body_idle_timeout, body),
                    ))
                });
                request.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(request)
            }
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = async { stopping.wait_for(|stop| *stop).await.map(drop) } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let everyone = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(DRAIN, admission.open.acquire_many(everyone))
        .await
        .is_err()
    {
        tracing::warn!("connections still open after {DRAIN:?}; stopping anyway");
    }
}

/// Tells a connection beyond the bounds to come back later, without waiting on it long.
fn refuse(mut stream: TcpStream, refusals: &Arc<Semaphore>) {
    let Ok(permit) = refusals.clone().try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            stream.write_all(BUSY).await?;
            stream.shutdown().await
        })
        .await;
        drop(permit);
    });
}

/// After a failed accept: a connection that went away is nothing; anything else (out of file
/// descriptors) is worth a short pause rather than a busy loop.
async fn pause_after(error: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(%error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(max: usize, per_client: Option<usize>) -> Arc<Admission> {
        Arc::new(Admission {
            open: Arc::new(Semaphore::new(max)),
            per_client: Mutex::default(),
            limits: Limits {
                max_connections: max,
                max_connections_per_client: per_client,
                header_timeout: Duration::from_secs(1),
                body_idle_timeout: Duration::from_secs(1),
                body_deadline: Duration::from_secs(1),
            },
        })
    }

    #[test]
    fn connections_are_admitted_within_both_bounds_and_make_room_when_closed() {
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let admission = admission(3, Some(2));
        let first = admission.admit(a).unwrap();
        let _second = admission.admit(a).unwrap();
        assert!(admission.admit(a).is_none(), "two per client");
        let _third = admission.admit(b).unwrap();
        assert!(admission.admit(b).is_none(), "three in all");
        assert!(admission.admit(IpAddr::from([10, 0, 0, 3])).is_none());
        drop(first);
        let _fourth = admission.admit(a).unwrap();
        // Refused clients leave nothing behind; counts are exact.
        let counts = admission.per_client.lock().unwrap().clone();
        assert_eq!(counts, HashMap::from([(a, 2), (b, 1)]));
    }
}
