//! Fetching a source's address: one HTTP client (reqwest over rustls) with a connection
//! timeout, a timeout between two pieces of the body and one for the whole transfer, at most
//! five redirects, and a size limit counted as the bytes arrive (after gzip, so a small
//! compressed body cannot grow past it). A network error, a timeout, a body cut short, a 5xx or a
//! 429 is tried again after a pause that doubles (`domain::sources::backoff_ms`); anything else
//! ends the fetch at once. The publisher's ETag and Last-Modified are sent back, so that a copy
//! that has not changed is a 304 and nothing is read.

use crate::domain::sources::{backoff_ms, retryable_status, MAX_ATTEMPTS};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// The limits of a fetch.
#[derive(Clone, Debug)]
pub struct Limits {
    pub connect: Duration,
    /// Without a byte for this long, the transfer is given up (and tried again).
    pub read: Duration,
    /// The whole transfer, body included.
    pub total: Duration,
    pub max_bytes: u64,
    /// The first pause before trying again.
    pub backoff_ms: u64,
    pub attempts: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connect: Duration::from_secs(15),
            read: Duration::from_secs(60),
            total: Duration::from_secs(30 * 60),
            // The consolidated DECP's tabular file is about 1 GB.
            max_bytes: 4 << 30,
            backoff_ms: 2_000,
            attempts: MAX_ATTEMPTS,
        }
    }
}

/// What the publisher said of the copy fetched last time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetch that ended well.
#[derive(Debug, PartialEq, Eq)]
pub enum Fetched {
    /// 304: nothing changed since `Validators`.
    NotModified,
    Body {
        bytes: u64,
        validators: Validators,
        /// The address it came from, after redirects.
        final_url: String,
    },
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("network: {0}")]
    Network(String),
    #[error("timed out")]
    Timeout,
    #[error("HTTP {0}")]
    Status(u16),
    #[error("larger than {0} bytes")]
    TooLarge(u64),
    #[error("body cut short: {got} of {expected} bytes")]
    Truncated { got: u64, expected: u64 },
    #[error("too many redirects")]
    Redirects,
    #[error("writing the copy: {0}")]
    Io(String),
}

impl FetchError {
    /// Whether trying again may help.
    pub fn retryable(&self) -> bool {
        match self {
            FetchError::Network(_) | FetchError::Timeout | FetchError::Truncated { .. } => true,
            FetchError::Status(s) => retryable_status(*s),
            FetchError::TooLarge(_) | FetchError::Redirects | FetchError::Io(_) => false,
        }
    }

    /// The i18n key of the admin page's message.
    pub fn key(&self) -> &'static str {
        match self {
            FetchError::Network(_) => "sources.error.network",
            FetchError::Timeout => "sources.error.timeout",
            FetchError::Status(_) => "sources.error.status",
            FetchError::TooLarge(_) => "sources.error.too_large",
            FetchError::Truncated { .. } => "sources.error.truncated",
            FetchError::Redirects => "sources.error.redirects",
            FetchError::Io(_) => "sources.error.io",
        }
    }
}

/// Where a body goes: memory (an API's page) or a file (a DECP file of a gigabyte).
pub enum Sink<'a> {
    Memory(&'a mut Vec<u8>),
    File(&'a mut tokio::fs::File),
}

impl Sink<'_> {
    async fn reset(&mut self) -> Result<(), FetchError> {
        match self {
            Sink::Memory(v) => {
                v.clear();
                Ok(())
            }
            Sink::File(f) => {
                use tokio::io::AsyncSeekExt;
                f.set_len(0).await.map_err(io)?;
                f.seek(std::io::SeekFrom::Start(0)).await.map_err(io)?;
                Ok(())
            }
        }
    }

    async fn write(&mut self, chunk: &[u8]) -> Result<(), FetchError> {
        match self {
            Sink::Memory(v) => {
                v.extend_from_slice(chunk);
                Ok(())
            }
            Sink::File(f) => f.write_all(chunk).await.map_err(io),
        }
    }

    async fn finish(&mut self) -> Result<(), FetchError> {
        match self {
            Sink::Memory(_) => Ok(()),
            Sink::File(f) => f.flush().await.map_err(io),
        }
    }
}

fn io(e: std::io::Error) -> FetchError {
    FetchError::Io(e.to_string())
}

/// The client and its limits; cheap to clone (reqwest's client is shared).
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    pub limits: Limits,
}

impl Fetcher {
    pub fn new(limits: Limits, user_agent: &str) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .connect_timeout(limits.connect)
            .read_timeout(limits.read)
            .timeout(limits.total)
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(user_agent)
            .gzip(true)
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        Ok(Fetcher { client, limits })
    }

    /// Fetches `url` into `sink`, asking again on a passing failure, telling `progress` the
    /// bytes received (and the announced length). Returns what ended it and how many tries it
    /// took.
    pub async fn fetch(
        &self,
        url: &str,
        validators: &Validators,
        sink: &mut Sink<'_>,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    ) -> (Result<Fetched, FetchError>, u32) {
        self.with_retries(url, None, validators, sink, progress)
            .await
    }

    /// POSTs the JSON `body` to `url` (a search API), into `sink`, with the same retries.
    pub async fn post_json(
        &self,
        url: &str,
        body: &str,
        sink: &mut Sink<'_>,
    ) -> (Result<Fetched, FetchError>, u32) {
        self.with_retries(url, Some(body), &Validators::default(), sink, &|_, _| {})
            .await
    }

    async fn with_retries(
        &self,
        url: &str,
        body: Option<&str>,
        validators: &Validators,
        sink: &mut Sink<'_>,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    ) -> (Result<Fetched, FetchError>, u32) {
        let mut attempt = 1;
        loop {
            let result = self.once(url, body, validators, sink, progress).await;
            match result {
                Err(e) if e.retryable() && attempt < self.limits.attempts => {
                    attempt += 1;
                    let pause = backoff_ms(self.limits.backoff_ms, attempt);
                    tracing::info!("fetching {url}: {e}; try {attempt} in {pause} ms");
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
                other => return (other, attempt),
            }
        }
    }

    async fn once(
        &self,
        url: &str,
        body: Option<&str>,
        validators: &Validators,
        sink: &mut Sink<'_>,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    ) -> Result<Fetched, FetchError> {
        use reqwest::header;
        sink.reset().await?;
        let mut request = match body {
            None => self.client.get(url),
            Some(json) => self
                .client
                .post(url)
                .header(header::CONTENT_TYPE, "application/json")
                .body(json.to_string()),
        };
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, date);
        }
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        let expected = response.content_length();
        // A declared length is only trusted for the refusal; the count below is what holds.
        if expected.is_some_and(|n| n > self.limits.max_bytes) {
            return Err(FetchError::TooLarge(self.limits.max_bytes));
        }
        let header_text = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(300).collect::<String>())
        };
        let validators = Validators {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
        };
        let final_url = response.url().to_string();
        let mut got: u64 = 0;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    got += chunk.len() as u64;
                    if got > self.limits.max_bytes {
                        return Err(FetchError::TooLarge(self.limits.max_bytes));
                    }
                    sink.write(&chunk).await?;
                    progress(got, expected);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(match expected {
                        Some(expected) if got < expected && !e.is_timeout() => {
                            FetchError::Truncated { got, expected }
                        }
                        _ => classify(e),
                    })
                }
            }
        }
        if let Some(expected) = expected.filter(|n| got < *n) {
            return Err(FetchError::Truncated { got, expected });
        }
        sink.finish().await?;
        Ok(Fetched::Body {
            bytes: got,
            validators,
            final_url,
        })
    }
}

fn classify(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_redirect() {
        FetchError::Redirects
    } else {
        // reqwest's text names the cause (connection refused, DNS, TLS…) without the address's
        // query string; the chain of sources says what hyper saw.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        FetchError::Network(text.chars().take(300).collect())
    }
}
