//! Wakes from other server instances: every write transaction on PostgreSQL sends its wakes with
//! `pg_notify` (delivered only if it commits), and each instance listens on one connection and
//! passes them to its own streams.

use super::hub::{Hub, Wake};
use sqlx::postgres::PgListener;
use std::time::Duration;

/// The notification channel every instance listens on.
pub const CHANNEL: &str = "doorstep_live";

/// The most bytes of wake codes one notification carries (PostgreSQL's limit is 8,000).
pub const PAYLOAD_BYTES: usize = 7_000;

/// Listens on [`CHANNEL`] and returns once listening, so a stream that starts after it misses no
/// commit; the listening goes on in a task of its own.
pub async fn start(url: &str, hub: Hub) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => notification
                    .payload()
                    .split(' ')
                    .filter_map(Wake::from_code)
                    .for_each(|wake| hub.send(wake)),
                // The connection dropped and is made again: notifications in between are lost,
                // so every stream looks again.
                Ok(None) => hub.send(Wake::Everyone),
                Err(error) => {
                    tracing::warn!(%error, "listening for live changes failed; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    hub.send(Wake::Everyone);
                }
            }
        }
    });
    Ok(())
}

/// The wakes as notification payloads of at most [`PAYLOAD_BYTES`] each.
pub fn payloads(wakes: &[Wake]) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current = String::new();
    for wake in wakes {
        let code = wake.code();
        if !current.is_empty() && current.len() + 1 + code.len() > PAYLOAD_BYTES {
            payloads.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&code);
    }
    if !current.is_empty() {
        payloads.push(current);
    }
    payloads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::hub::Topic;

    #[test]
    fn many_wakes_are_cut_into_payloads_postgresql_accepts() {
        let wakes: Vec<Wake> = (0..5_000)
            .map(|id| Wake::Topic(Topic::Courier(id)))
            .collect();
        let cut = payloads(&wakes);
        assert!(cut.len() > 1);
        assert!(cut.iter().all(|p| p.len() <= PAYLOAD_BYTES));
        let back: Vec<Wake> = cut
            .iter()
            .flat_map(|p| p.split(' ').filter_map(Wake::from_code))
            .collect();
        assert_eq!(back, wakes);
        assert!(payloads(&[]).is_empty());
    }
}
