//! Follows the server's live feed (`GET /api/v1/live`, server-sent events): hands each event to
//! the page as it arrives and connects again after a drop, resuming with `Last-Event-ID`. Read
//! with `fetch` because `EventSource` cannot send a courier's bearer token.

use crate::api;
use futures_util::future::{select, Either};
use gloo_timers::future::sleep;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// One event of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    /// `changes` (a courier's feed) or `station` (a supervisor's).
    pub name: String,
    pub id: Option<String>,
}

/// Longer silence than this, while the server beats every 15 s, means the connection is dead.
const SILENCE: Duration = Duration::from_secs(40);

/// Follows the feed for as long as `token` gives one (empty for a supervisor's cookie session),
/// calling `on_event` for each event; returns once `token` gives none. Between connections it
/// waits 2, 4, 8, then 16 s.
pub async fn follow(token: impl Fn() -> Option<String>, on_event: impl Fn(LiveEvent)) {
    let mut last_id = None;
    let mut failures = 0u32;
    let mut signed_in_as = None;
    while let Some(current) = token() {
        // Another session (signed out and in again): its feed has ids of its own.
        if signed_in_as.as_ref() != Some(&current) {
            last_id = None;
            signed_in_as = Some(current.clone());
        }
        if let Ok(body) = api::live(&current, last_id.as_deref()).await {
            if read(body, &token, &mut last_id, &on_event).await {
                failures = 0;
            }
        }
        failures = (failures + 1).min(4);
        sleep(Duration::from_secs(1 << failures)).await;
    }
}

/// Reads events until the stream ends, goes silent or `token` gives none; whether anything came.
async fn read(
    body: web_sys::ReadableStream,
    token: &impl Fn() -> Option<String>,
    last_id: &mut Option<String>,
    on_event: &impl Fn(LiveEvent),
) -> bool {
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut pending = Vec::new();
    let mut heard = false;
    loop {
        let chunk = select(JsFuture::from(reader.read()), sleep(SILENCE)).await;
        let bytes = match chunk {
            Either::Left((Ok(result), _)) => chunk_bytes(&result),
            _ => None,
        };
        let Some(bytes) = bytes.filter(|_| token().is_some()) else {
            let _ = reader.cancel();
            return heard;
        };
        heard = true;
        pending.extend_from_slice(&bytes);
        while let Some(event) = next_event(&mut pending) {
            if event.id.is_some() {
                last_id.clone_from(&event.id);
            }
            on_event(event);
        }
    }
}

/// The bytes of one `read()` result; `None` once the stream is done.
fn chunk_bytes(result: &wasm_bindgen::JsValue) -> Option<Vec<u8>> {
    let field = |name: &str| js_sys::Reflect::get(result, &name.into()).ok();
    if field("done")?.is_truthy() {
        return None;
    }
    Some(js_sys::Uint8Array::new(&field("value")?).to_vec())
}

/// Takes the next whole block off `pending` while there is one; a heartbeat (comments only) is
/// passed over.
fn next_event(pending: &mut Vec<u8>) -> Option<LiveEvent> {
    loop {
        let end = pending.windows(2).position(|w| w == b"\n\n")?;
        let block: Vec<u8> = pending.drain(..end + 2).collect();
        let mut event = LiveEvent {
            name: String::new(),
            id: None,
        };
        for line in String::from_utf8_lossy(&block).lines() {
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => event.name = value.to_string(),
                "id" => event.id = Some(value.to_string()),
                _ => {}
            }
        }
        if !event.name.is_empty() {
            return Some(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_whole_and_heartbeats_passed_over() {
        let mut pending = b":\n\nevent: changes\nid: 41\ndata: 41\n\nevent: sta".to_vec();
        assert_eq!(
            next_event(&mut pending),
            Some(LiveEvent {
                name: "changes".into(),
                id: Some("41".into())
            })
        );
        assert_eq!(next_event(&mut pending), None, "half an event waits");
        pending.extend_from_slice(b"tion\ndata: 1\n\n");
        assert_eq!(next_event(&mut pending).unwrap().name, "station");
        assert!(pending.is_empty());
    }
}
