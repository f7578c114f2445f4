//! The API calls tests make, signed in with a bearer token; a failed call panics naming the
//! call, the status and the body, so the test's output says what the server answered.

use doorstep_core::sync::SyncRequest;
use doorstep_core::DeliveryRecord;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The server at one base address.
#[derive(Clone)]
pub struct Api {
    /// `http://127.0.0.1:<port>`.
    base: String,
    http: reqwest::Client,
}

impl Api {
    /// The server at `base`: a [`crate::Server`]'s, or one a benchmark serves in its own process.
    pub fn new(base: impl Into<String>) -> Api {
        let http = reqwest::Client::builder()
            // No idle connections kept: one to a server killed since would fail the next call.
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        Api {
            base: base.into(),
            http,
        }
    }

    /// The same server, called from another loopback address (`127.x.y.z`): as from another
    /// client, for limits kept per address.
    pub fn from_address(&self, address: std::net::Ipv4Addr) -> Api {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .local_address(std::net::IpAddr::V4(address))
            .build()
            .unwrap();
        Api {
            base: self.base.clone(),
            http,
        }
    }

    /// A recipient's answer on a consent link's page (`choice=locker`, …), as its form posts it;
    /// panics unless the page takes it.
    pub async fn answer_link(&self, link_token: &str, choice: &str) {
        let status = self
            .http
            .post(self.url(&format!("/c/{link_token}")))
            .form(&[("choice", choice)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("answer on /c/…: {e}"))
            .status();
        assert!(
            status.is_success() || status.is_redirection(),
            "answer on /c/…: {status}"
        );
    }

    /// The full URL of a path (`/api/v1/records` → `http://127.0.0.1:<port>/api/v1/records`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let credentials = serde_json::json!({ "username": username, "password": password });
        let request = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&credentials);
        let what = format!("sign-in of {username}");
        let answer: Value = answer(&what, request).await;
        match answer["token"].as_str() {
            Some(token) => token.to_string(),
            None => panic!("{what}: no token in {answer}"),
        }
    }

    /// GETs `path` with `token` and parses the JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        let request = self.http.get(self.url(path)).bearer_auth(token);
        answer(&format!("GET {path}"), request).await
    }

    /// POSTs `body` as JSON to `path` with `token` and parses the JSON answer.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &impl Serialize,
    ) -> T {
        let request = self.http.post(self.url(path)).bearer_auth(token).json(body);
        answer(&format!("POST {path}"), request).await
    }

    /// POSTs `bytes` as they are (a file upload, such as a manifest) to `path` with `token` and
    /// parses the JSON answer.
    pub async fn upload<T: DeserializeOwned>(&self, path: &str, token: &str, bytes: &[u8]) -> T {
        let request = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec());
        answer(&format!("POST {path}"), request).await
    }

    /// PUTs a photo's bytes as a courier's device does; the status, for the caller to judge
    /// (404 until the record naming the photo has synced).
    pub async fn put_photo(&self, token: &str, bytes: &[u8]) -> u16 {
        let id = doorstep_core::proof::PhotoId::of(bytes);
        self.http
            .put(self.url(&format!("/api/v1/photos/{id}")))
            .bearer_auth(token)
            .header("content-type", "image/jpeg")
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap_or_else(|e| panic!("PUT photo {id}: {e}"))
            .status()
            .as_u16()
    }

    /// GETs `path` with `token` and returns the bytes of a successful answer.
    pub async fn get_bytes(&self, path: &str, token: &str) -> Vec<u8> {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status();
        assert!(status.is_success(), "GET {path}: {status}");
        response.bytes().await.unwrap().to_vec()
    }

    /// One sync as a courier's device makes it: `records` up, the changes after `cursor` down.
    pub async fn sync<T: DeserializeOwned>(
        &self,
        token: &str,
        cursor: i64,
        records: Vec<DeliveryRecord>,
    ) -> T {
        let body = SyncRequest {
            cursor,
            records,
            device: None,
        };
        self.post("/api/v1/sync", token, &body).await
    }

    /// Every record the supervisor's list shows, newest first, following its pages.
    pub async fn records(&self, token: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let mut path = "/api/v1/records?limit=200".to_string();
            if let Some(cursor) = &before {
                path.push_str(&format!("&before={cursor}"));
            }
            let page: Value = self.get(&path, token).await;
            all.extend(page["records"].as_array().unwrap().iter().cloned());
            match page["next"].as_str() {
                Some(next) => before = Some(next.to_string()),
                None => return all,
            }
        }
    }

    /// How many records the supervisor's list shows, after checking that none is there twice.
    pub async fn records_stored_once(&self, token: &str) -> usize {
        let seen: Vec<String> = self
            .records(token)
            .await
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
        assert_eq!(seen.len(), unique.len(), "no record stored twice");
        seen.len()
    }
}

/// Sends `request`; its JSON answer, or a panic naming `what`, the status and the body.
async fn answer<T: DeserializeOwned>(what: &str, request: reqwest::RequestBuilder) -> T {
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = response.status();
    let body = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{what}: {status}, body unreadable: {e}"));
    assert!(status.is_success(), "{what}: {status} {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{what}: {status} {body}: {e}"))
}
