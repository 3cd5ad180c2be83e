//! The aw-server REST client: bucket list, events in a range, category rules.
//!
//! Everything it does is bounded by one short time budget (1.5 s unless told otherwise): the
//! context is read while the person waits for their homepage, and a dead or hung aw-server must
//! cost no more than that. Only `GET` requests: we never write to the person's ActivityWatch.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use vrdndi_protocol::ContextEvent;

use crate::buckets::{pick, HostChoice, Picked};
use crate::categories::CategoryRules;
use crate::event::{BucketInfo, RawEvent, Span};
use crate::select::{self, Fetched};
use crate::Error;

/// aw-server's own default address.
pub const DEFAULT_URL: &str = "http://127.0.0.1:5600";
/// The whole read, all requests together, must fit in this.
pub const DEFAULT_BUDGET: Duration = Duration::from_millis(1500);
/// Most events read from one bucket for one context window (a day of 1 s window switches is
/// far below it); a guard against a pathological database, not a sampling rule.
const EVENT_LIMIT: u32 = 100_000;

/// A client for one aw-server.
#[derive(Debug, Clone)]
pub struct AwClient {
    base: Url,
    http: reqwest::Client,
    budget: Duration,
    host: HostChoice,
}

impl AwClient {
    /// A client for the server at `url` (e.g. `http://127.0.0.1:5600`), preferring this
    /// machine's buckets, with the default time budget.
    pub fn new(url: &str) -> Result<AwClient, Error> {
        let invalid = |reason: String| Error::InvalidUrl { url: url.to_owned(), reason };
        let mut base = Url::parse(url.trim()).map_err(|e| invalid(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(invalid("expected an http:// address".to_owned()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = build_http(DEFAULT_BUDGET).map_err(|e| invalid(e.to_string()))?;
        Ok(AwClient { base, http, budget: DEFAULT_BUDGET, host: HostChoice::this_machine() })
    }

    /// Bounds every read (all its requests together) by `budget`.
    pub fn with_budget(mut self, budget: Duration) -> AwClient {
        if let Ok(http) = build_http(budget) {
            self.http = http;
        }
        self.budget = budget;
        self
    }

    /// Reads this host's buckets instead of choosing one.
    pub fn with_host(mut self, host: HostChoice) -> AwClient {
        self.host = host;
        self
    }

    /// The server's address as given (without the trailing slash we add).
    pub fn url(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    pub fn budget(&self) -> Duration {
        self.budget
    }

    pub fn host(&self) -> &HostChoice {
        &self.host
    }

    /// Every bucket the server holds (`GET /api/0/buckets/`).
    pub async fn buckets(&self) -> Result<Vec<BucketInfo>, Error> {
        self.bounded(self.buckets_unbounded()).await
    }

    /// The events of one bucket that overlap `[start, end]`, clipped to it by the server
    /// (`GET /api/0/buckets/ID/events`).
    pub async fn events(&self, bucket: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Vec<RawEvent>, Error> {
        self.bounded(self.events_unbounded(bucket, Span::new(start, end))).await
    }

    /// The user's category rules when the server keeps them (`GET /api/0/settings/classes`,
    /// aw-server 0.13 and aw-server-rust); `None` when it does not (aw-server 0.12 answers 404).
    /// Rules that cannot be used are dropped silently here; see `CategoryRules::from_classes`.
    pub async fn category_rules(&self) -> Result<Option<CategoryRules>, Error> {
        self.bounded(self.rules_unbounded()).await
    }

    /// The context at `at` over the last `minutes`, oldest first (see `select`).
    pub async fn context_at(&self, at: DateTime<Utc>, minutes: u32) -> Result<Vec<ContextEvent>, Error> {
        let range = select::range(at, minutes)?;
        self.bounded(async {
            let (fetched, rules) = self.fetch(range).await?;
            Ok(select::build(&fetched, &rules, range))
        })
        .await
    }

    /// The buckets that would be read, and what they found.
    pub async fn picked(&self) -> Result<Picked, Error> {
        let buckets = self.buckets().await?;
        pick(&buckets, &self.host)
    }

    async fn fetch(&self, range: Span) -> Result<(Fetched, CategoryRules), Error> {
        let buckets = self.buckets_unbounded().await?;
        let picked = pick(&buckets, &self.host)?;
        let window = self.events_unbounded(&picked.window, range);
        let afk = async {
            match &picked.afk {
                Some(id) => self.events_unbounded(id, range).await.map(Some),
                None => Ok(None),
            }
        };
        let web = async {
            let mut all = Vec::with_capacity(picked.web.len());
            for bucket in &picked.web {
                all.push(self.events_unbounded(&bucket.id, range).await?);
            }
            Ok(all)
        };
        // Categories are a nicety: a server that fails to give them still gives the context.
        let rules = async { Ok(self.rules_unbounded().await.ok().flatten()) };
        let (window, afk, web, rules) = tokio::try_join!(window, afk, web, rules)?;
        Ok((Fetched { picked, window, afk, web }, rules.unwrap_or_default()))
    }

    async fn bounded<T>(&self, work: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
        tokio::time::timeout(self.budget, work).await.unwrap_or_else(|_| Err(Error::Timeout { url: self.url(), budget: self.budget }))
    }

    async fn buckets_unbounded(&self) -> Result<Vec<BucketInfo>, Error> {
        let by_id: BTreeMap<String, BucketInfo> = self.get_json("api/0/buckets/", &[]).await?;
        Ok(by_id.into_values().collect())
    }

    async fn events_unbounded(&self, bucket: &str, range: Span) -> Result<Vec<RawEvent>, Error> {
        let path = format!("api/0/buckets/{}/events", encode_segment(bucket));
        let query = [
            ("start", range.start.to_rfc3339_opts(SecondsFormat::Micros, true)),
            ("end", range.end.to_rfc3339_opts(SecondsFormat::Micros, true)),
            ("limit", EVENT_LIMIT.to_string()),
        ];
        self.get_json(&path, &query).await
    }

    async fn rules_unbounded(&self) -> Result<Option<CategoryRules>, Error> {
        match self.get_json::<serde_json::Value>("api/0/settings/classes", &[]).await {
            Ok(value) => {
                let (rules, _skipped) = CategoryRules::from_classes(&value);
                Ok((!rules.is_empty()).then_some(rules))
            }
            Err(Error::HttpStatus { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> Result<T, Error> {
        let url = self.base.join(path).map_err(|e| Error::InvalidUrl { url: self.url(), reason: e.to_string() })?;
        let response = self.http.get(url).query(query).send().await.map_err(|source| match source.is_timeout() {
            true => Error::Timeout { url: self.url(), budget: self.budget },
            false => Error::Unreachable { url: self.url(), source },
        })?;
        let status = response.status();
        if status != StatusCode::OK {
            return Err(Error::HttpStatus { url: self.url(), path: format!("/{path}"), status: status.as_u16() });
        }
        response.json().await.map_err(|source| Error::BadAnswer { url: self.url(), path: format!("/{path}"), source })
    }
}

fn build_http(budget: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder().connect_timeout(budget).timeout(budget).no_proxy().build()
}

/// Bucket ids are the watchers' own strings ("aw-watcher-window_My Laptop"): escape what a
/// path segment may not hold.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_normalised() {
        assert_eq!(AwClient::new("http://127.0.0.1:5600").expect("url").url(), "http://127.0.0.1:5600");
        assert_eq!(AwClient::new("http://h:1/aw/").expect("url").url(), "http://h:1/aw");
        assert!(matches!(AwClient::new("127.0.0.1:5600"), Err(Error::InvalidUrl { .. })));
        assert!(matches!(AwClient::new("ftp://x"), Err(Error::InvalidUrl { .. })));
    }

    #[test]
    fn bucket_ids_become_one_path_segment() {
        assert_eq!(encode_segment("aw-watcher-window_My Laptop/2"), "aw-watcher-window_My%20Laptop%2F2");
    }

    /// Serves fixed JSON by path prefix, one request per connection.
    async fn serve(routes: Vec<(&'static str, String)>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = routes
                    .iter()
                    .find(|(prefix, _)| path.starts_with(prefix))
                    .map_or(("404 Not Found", "{}".to_owned()), |(_, body)| ("200 OK", body.clone()));
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        url
    }

    #[tokio::test]
    async fn categories_from_a_server_that_keeps_them_are_applied() {
        // aw-server 0.12 (the one on PyPI, used by the integration tests) has no settings
        // endpoint, so aw-server-rust's answer to `GET /api/0/settings/classes` is served here.
        let url = serve(vec![
            (
                "/api/0/buckets/aw-watcher-window_h/events",
                r#"[{"id": 1, "timestamp": "2024-03-01T09:50:00+00:00", "duration": 300.0,
                    "data": {"app": "code", "title": "lib.rs - vrdndi - Visual Studio Code"}}]"#
                    .to_owned(),
            ),
            (
                "/api/0/buckets/",
                r#"{"aw-watcher-window_h": {"id": "aw-watcher-window_h", "type": "currentwindow",
                    "client": "aw-watcher-window", "hostname": "h", "last_updated": "2024-03-01T09:55:00+00:00"}}"#
                    .to_owned(),
            ),
            (
                "/api/0/settings/classes",
                r#"[{"id": 1, "name": ["Work", "Programming"], "rule": {"type": "regex", "regex": "Visual Studio Code|vim"},
                    "data": {"color": "blue"}}]"#
                    .to_owned(),
            ),
        ])
        .await;
        let client = AwClient::new(&url).expect("url");
        let at: DateTime<Utc> = "2024-03-01T10:00:00Z".parse().expect("time");
        let events = client.context_at(at, 60).await.expect("context");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].title, "lib.rs - vrdndi");
        assert_eq!(events[0].category, ["Work", "Programming"]);
        assert_eq!(client.category_rules().await.expect("rules").map(|r| r.len()), Some(1));
    }

    #[tokio::test]
    async fn a_closed_port_fails_fast() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let client = AwClient::new(&format!("http://127.0.0.1:{port}")).expect("url");
        let started = std::time::Instant::now();
        let err = client.buckets().await.expect_err("nothing listens there");
        assert!(matches!(err, Error::Unreachable { .. }), "{err}");
        assert!(started.elapsed() < DEFAULT_BUDGET);
    }

    #[tokio::test]
    async fn a_server_that_never_answers_costs_the_budget_and_no_more() {
        // Accepts connections and never replies: a hung aw-server.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let hold = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let budget = Duration::from_millis(300);
        let client = AwClient::new(&format!("http://127.0.0.1:{port}")).expect("url").with_budget(budget);
        let started = std::time::Instant::now();
        let err = client.context_at(Utc::now(), 60).await.expect_err("hung server");
        let took = started.elapsed();
        assert!(matches!(err, Error::Timeout { .. }), "{err}");
        assert!(took >= budget && took < budget + Duration::from_millis(400), "took {took:?}");
        hold.abort();
    }
}
