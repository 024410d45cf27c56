//! The third party's web site on loopback: the redirect target `/callback`, whose
//! request targets the listener hands to the test, so that the test sees the redirect
//! the browser followed; and `/frame?{url}`, a page of the site that frames `url`.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// How long a connection may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The redirect target's page: its script changes the title, which shows whether the
/// browser runs scripts.
const CALLBACK_PAGE: &str = "<!DOCTYPE html>\n<title>Callback</title>\n\
     <script>document.title = \"Callback (script ran)\";</script>\n\
     <p>Back at the application.</p>\n";

/// The site, listening on a loopback port of its own (an origin of its own).
pub struct ThirdPartySite {
    /// `http://127.0.0.1:{port}/callback`.
    pub callback_uri: String,
    /// `http://127.0.0.1:{port}`.
    origin: String,
    arrivals: mpsc::UnboundedReceiver<String>,
    task: tokio::task::JoinHandle<()>,
}

impl ThirdPartySite {
    /// Listens on a free loopback port.
    pub async fn start() -> ThirdPartySite {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the third party's site");
        let port = listener.local_addr().expect("a bound address").port();
        let (sender, arrivals) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sender = sender.clone();
                tokio::spawn(async move {
                    if let Some(target) = serve(stream).await {
                        let _ = sender.send(target);
                    }
                });
            }
        });
        ThirdPartySite {
            callback_uri: format!("http://127.0.0.1:{port}/callback"),
            origin: format!("http://127.0.0.1:{port}"),
            arrivals,
            task,
        }
    }

    /// The next `/callback` request target (path and query) the browser sent, waiting
    /// at most `timeout`.
    pub async fn next_callback(&mut self, timeout: Duration) -> String {
        match tokio::time::timeout(timeout, self.arrivals.recv()).await {
            Ok(Some(target)) => target,
            Ok(None) => panic!("the redirect target stopped listening"),
            Err(_) => {
                panic!("the browser did not arrive at the redirect target within {timeout:?}")
            }
        }
    }

    /// A page of this site that shows `url` in a frame.
    pub fn frame_url(&self, url: &str) -> String {
        let encoded =
            percent_encoding::utf8_percent_encode(url, percent_encoding::NON_ALPHANUMERIC);
        format!("{}/frame?{encoded}", self.origin)
    }

    /// Whether a `/callback` request arrived that [`ThirdPartySite::next_callback`] has
    /// not returned.
    pub fn has_unread(&mut self) -> bool {
        !self.arrivals.is_empty()
    }
}

impl Drop for ThirdPartySite {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request head and answers it: 200 with a page for `/callback…` (whose
/// request target is returned) and for `/frame?…`, 404 otherwise (the browser's
/// favicon request).
async fn serve(mut stream: TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 1024];
    let read = tokio::time::timeout(READ_TIMEOUT, async {
        while !head.windows(4).any(|window| window == b"\r\n\r\n") {
            let count = stream.read(&mut buffer).await.ok()?;
            if count == 0 || head.len() + count > MAX_HEAD {
                return None;
            }
            head.extend_from_slice(&buffer[..count]);
        }
        Some(())
    })
    .await;
    if !matches!(read, Ok(Some(()))) {
        return None;
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or_default()
        .to_owned();
    let is_callback = target == "/callback" || target.starts_with("/callback?");
    let (status, body) = if is_callback {
        ("200 OK", CALLBACK_PAGE.to_owned())
    } else if let Some(framed) = target.strip_prefix("/frame?") {
        ("200 OK", frame_page(framed))
    } else {
        ("404 Not Found", String::new())
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html;charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    is_callback.then_some(target)
}

/// A page framing the URL that `encoded` percent-encodes.
fn frame_page(encoded: &str) -> String {
    let src = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
    let src = src
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    format!(
        "<!DOCTYPE html>\n<title>Framing</title>\n\
         <iframe src=\"{src}\" width=\"800\" height=\"600\"></iframe>\n"
    )
}
