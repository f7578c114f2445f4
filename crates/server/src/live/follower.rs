//! One open stream: what it follows, when it speaks and when it ends.

use super::hub::Topic;
use super::slots::Slot;
use crate::clock::now_ms;
use crate::state::AppState;
use axum::response::sse::Event;
use futures_util::Stream;
use std::convert::Infallible;
use tokio::sync::watch;
use tokio::time::{interval_at, Instant, Interval, MissedTickBehavior};

/// One event of the stream, as its lines frame it; the OpenAPI document's schema of an event.
#[derive(utoipa::ToSchema)]
pub struct LiveEvent {
    /// `changes` (a courier's) or `station` (a supervisor's).
    event: &'static str,
    /// A courier's newest change id, or the server time of a station's event: sent back as
    /// `Last-Event-ID` when reconnecting.
    id: String,
    /// The same as `id`.
    data: String,
}

impl LiveEvent {
    fn new(event: &'static str, id: i64) -> LiveEvent {
        LiveEvent {
            event,
            id: id.to_string(),
            data: id.to_string(),
        }
    }

    fn into_sse(self) -> Event {
        Event::default()
            .event(self.event)
            .id(self.id)
            .data(self.data)
    }
}

pub struct Follower {
    state: AppState,
    topic: Topic,
    token_hash: String,
    wakes: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
    recheck: Interval,
    /// A courier's stream: the newest change id the client has been told of.
    told: Option<i64>,
    /// Speak before the first wake: a courier's stream says where the feed stands, a
    /// supervisor's that the page may have missed something while it was away.
    speak_first: bool,
    _slot: Slot,
}

impl Follower {
    /// Subscribes before anything is read, so a commit in between still wakes the stream.
    /// `last_event_id` is the event the client saw last, sent again when it reconnects.
    pub fn new(
        state: AppState,
        topic: Topic,
        token_hash: String,
        last_event_id: Option<i64>,
        slot: Slot,
    ) -> Follower {
        let wakes = state.db.live.subscribe(topic);
        let closing = state.db.live.closing();
        let every = state.live.policy.recheck;
        let mut recheck = interval_at(Instant::now() + every, every);
        recheck.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let speak_first = match topic {
            Topic::Courier(_) => true,
            Topic::Station(_) => last_event_id.is_some(),
        };
        Follower {
            state,
            topic,
            token_hash,
            wakes,
            closing,
            recheck,
            told: last_event_id,
            speak_first,
            _slot: slot,
        }
    }

    pub fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> {
        futures_util::stream::unfold(self, |mut follower| async move {
            let event = follower.next().await?;
            Some((Ok(event), follower))
        })
    }

    /// The next event, or `None` when the stream ends: its session closed, the server shuts
    /// down, or the database failed (the client reconnects).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if std::mem::take(&mut self.speak_first) {
                match self.event().await {
                    Ok(Some(event)) => return Some(event),
                    Ok(None) => continue,
                    Err(error) => return self.failed(&error),
                }
            }
            let woken = tokio::select! {
                woken = self.wakes.changed() => {
                    woken.ok()?;
                    true
                }
                _ = self.closing.wait_for(|closing| *closing) => return None,
                _ = self.recheck.tick() => false,
            };
            if woken {
                if let Topic::Station(_) = self.topic {
                    tokio::time::sleep(self.state.live.policy.station_pause).await;
                    self.wakes.mark_unchanged();
                }
                self.speak_first = true;
                continue;
            }
            match crate::session::still_open(&self.state, &self.token_hash).await {
                Ok(true) => {}
                Ok(false) => return None,
                Err(error) => return self.failed(&error),
            }
        }
    }

    fn failed(&self, error: &sqlx::Error) -> Option<Event> {
        tracing::warn!(%error, "a live stream ends on a database error");
        None
    }

    async fn event(&mut self) -> Result<Option<Event>, sqlx::Error> {
        match self.topic {
            Topic::Courier(courier_id) => {
                let latest = crate::changes::latest(&self.state.db.pool, courier_id).await?;
                if self.told.is_some_and(|told| latest <= told) {
                    return Ok(None);
                }
                self.told = Some(latest);
                Ok(Some(LiveEvent::new("changes", latest).into_sse()))
            }
            Topic::Station(_) => Ok(Some(LiveEvent::new("station", now_ms()).into_sse())),
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        // The receiver goes first, so the hub sees whether anyone still follows the topic.
        drop(std::mem::replace(&mut self.wakes, watch::channel(0).1));
        self.state.db.live.release(self.topic);
    }
}
