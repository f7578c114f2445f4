//! This instance's fan-out of wakes to its open live streams: one watch channel per topic, made
//! when the first stream subscribes and dropped with the last, so a wake touches only the streams
//! it concerns and many wakes before a stream runs collapse into one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// What a stream follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// One courier's change feed (`device_changes`).
    Courier(i64),
    /// Anything a station's supervisors see on the dashboard and the device list.
    Station(i64),
}

/// Something changed for a topic, or (after a lost PostgreSQL notification) possibly for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Wake {
    Topic(Topic),
    Everyone,
}

impl Wake {
    /// The word carried in a PostgreSQL notification.
    pub fn code(self) -> String {
        match self {
            Wake::Topic(Topic::Courier(id)) => format!("c{id}"),
            Wake::Topic(Topic::Station(id)) => format!("s{id}"),
            Wake::Everyone => "*".into(),
        }
    }

    pub fn from_code(code: &str) -> Option<Wake> {
        if code == "*" {
            return Some(Wake::Everyone);
        }
        let (kind, id) = code.split_at_checked(1)?;
        let id = id.parse().ok()?;
        match kind {
            "c" => Some(Wake::Topic(Topic::Courier(id))),
            "s" => Some(Wake::Topic(Topic::Station(id))),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct Hub {
    topics: Arc<Mutex<HashMap<Topic, watch::Sender<u64>>>>,
    /// Set once the server shuts down: every stream ends so the graceful shutdown can finish.
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub {
            topics: Arc::default(),
            closing: watch::channel(false).0,
        }
    }
}

impl Hub {
    pub fn subscribe(&self, topic: Topic) -> watch::Receiver<u64> {
        let mut topics = self
            .topics
            .lock()
            .expect("the hub's lock is never poisoned");
        topics
            .entry(topic)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    /// Forgets a topic nobody follows any more; called after a stream dropped its receiver.
    pub fn release(&self, topic: Topic) {
        let mut topics = self
            .topics
            .lock()
            .expect("the hub's lock is never poisoned");
        if topics.get(&topic).is_some_and(|s| s.receiver_count() == 0) {
            topics.remove(&topic);
        }
    }

    pub fn send(&self, wake: Wake) {
        let topics = self
            .topics
            .lock()
            .expect("the hub's lock is never poisoned");
        let bump = |sender: &watch::Sender<u64>| sender.send_modify(|n| *n = n.wrapping_add(1));
        match wake {
            Wake::Topic(topic) => topics.get(&topic).into_iter().for_each(bump),
            Wake::Everyone => topics.values().for_each(bump),
        }
    }

    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_strangers_are_refused() {
        for wake in [
            Wake::Topic(Topic::Courier(7)),
            Wake::Topic(Topic::Station(12)),
            Wake::Everyone,
        ] {
            assert_eq!(Wake::from_code(&wake.code()), Some(wake));
        }
        for bad in ["", "c", "x1", "c1x", "s-"] {
            assert_eq!(Wake::from_code(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn a_wake_reaches_its_topic_only_and_the_last_stream_frees_it() {
        let hub = Hub::default();
        let mut courier = hub.subscribe(Topic::Courier(1));
        let station = hub.subscribe(Topic::Station(1));
        hub.send(Wake::Topic(Topic::Courier(1)));
        hub.send(Wake::Topic(Topic::Courier(2)));
        assert!(courier.has_changed().unwrap());
        assert!(!station.has_changed().unwrap());
        courier.mark_unchanged();
        hub.send(Wake::Everyone);
        assert!(courier.has_changed().unwrap() && station.has_changed().unwrap());
        drop(courier);
        hub.release(Topic::Courier(1));
        assert_eq!(hub.topics.lock().unwrap().len(), 1);
    }
}
