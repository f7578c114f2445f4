//! How many live streams may be open, per account and on this instance, and for how long an idle
//! one stays quiet: each open stream holds a connection and a task, so both are bounded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct LivePolicy {
    /// Streams one account may hold at once (a courier's phone with a second tab, a supervisor
    /// with the dashboard open on two screens).
    pub per_account: usize,
    /// Streams this instance holds at once.
    pub total: usize,
    /// An idle stream sends a comment this often, so proxies keep it and the client can tell a
    /// dead connection from a quiet one.
    pub heartbeat: Duration,
    /// How often a stream checks that its session is still open; a signed-out or expired session
    /// ends its streams within this time.
    pub recheck: Duration,
    /// A supervisor's stream gathers wakes this long before it speaks: a busy station syncs many
    /// times a second, and the dashboard needs reloading once.
    pub station_pause: Duration,
}

impl Default for LivePolicy {
    fn default() -> LivePolicy {
        LivePolicy {
            per_account: 4,
            total: 5_000,
            heartbeat: Duration::from_secs(15),
            recheck: Duration::from_secs(15),
            station_pause: Duration::from_secs(1),
        }
    }
}

#[derive(Default)]
struct Counts {
    per_account: HashMap<i64, usize>,
    total: usize,
}

/// The open streams, counted.
#[derive(Clone, Default)]
pub struct Slots {
    pub policy: LivePolicy,
    counts: Arc<Mutex<Counts>>,
}

/// One open stream's place; given back when the stream ends.
pub struct Slot {
    counts: Arc<Mutex<Counts>>,
    account_id: i64,
}

impl Slots {
    pub fn new(policy: LivePolicy) -> Slots {
        Slots {
            policy,
            counts: Arc::default(),
        }
    }

    /// A place for one more stream of this account, unless a limit is reached.
    pub fn take(&self, account_id: i64) -> Option<Slot> {
        let mut counts = self
            .counts
            .lock()
            .expect("the slots' lock is never poisoned");
        let held = counts.per_account.get(&account_id).copied().unwrap_or(0);
        if held >= self.policy.per_account || counts.total >= self.policy.total {
            return None;
        }
        counts.per_account.insert(account_id, held + 1);
        counts.total += 1;
        Some(Slot {
            counts: self.counts.clone(),
            account_id,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self
            .counts
            .lock()
            .expect("the slots' lock is never poisoned");
        counts.total -= 1;
        if let Some(held) = counts.per_account.get_mut(&self.account_id) {
            *held -= 1;
            if *held == 0 {
                counts.per_account.remove(&self.account_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_per_account_and_in_total_and_places_come_back() {
        let slots = Slots::new(LivePolicy {
            per_account: 2,
            total: 3,
            ..LivePolicy::default()
        });
        let a1 = slots.take(1).unwrap();
        let _a2 = slots.take(1).unwrap();
        assert!(slots.take(1).is_none(), "a third stream of one account");
        let _b1 = slots.take(2).unwrap();
        assert!(slots.take(3).is_none(), "a fourth stream in total");
        drop(a1);
        assert!(slots.take(1).is_some());
    }
}
