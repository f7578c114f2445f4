//! Turns at SQLite's one writer: first come, first served within a lane, and a small write (a
//! courier's few records, a recipient's answer, a session) before the big batches waiting, so
//! it waits for at most the batch being written rather than for every batch queued before it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Which queue a writer waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Small,
    /// A sync batch of many records, a manifest import: worth waiting behind small writes.
    Batch,
}

/// Small writes that may pass waiting batches in a row; then one batch goes, so a steady stream
/// of small writes never starves them.
const SMALL_IN_A_ROW: u32 = 8;

#[derive(Default)]
struct Queues {
    held: bool,
    small: VecDeque<oneshot::Sender<()>>,
    batch: VecDeque<oneshot::Sender<()>>,
    small_in_a_row: u32,
}

#[derive(Default)]
pub struct Turns {
    queues: Mutex<Queues>,
}

/// The writer is this holder's until it is dropped.
pub struct Turn {
    turns: Arc<Turns>,
}

/// A writer still waiting: if it is given up (its request dropped) after its turn came, the turn
/// passes on instead of being lost.
struct Waiting {
    turns: Arc<Turns>,
    given: Option<oneshot::Receiver<()>>,
}

impl Turns {
    pub async fn take(self: &Arc<Turns>, lane: Lane) -> Turn {
        let given = {
            let mut queues = self.queues();
            if !queues.held {
                queues.held = true;
                return Turn {
                    turns: self.clone(),
                };
            }
            let (sender, given) = oneshot::channel();
            match lane {
                Lane::Small => queues.small.push_back(sender),
                Lane::Batch => queues.batch.push_back(sender),
            }
            given
        };
        let mut waiting = Waiting {
            turns: self.clone(),
            given: Some(given),
        };
        if let Some(given) = waiting.given.as_mut() {
            // A sender is only ever dropped after sending: the turn has come.
            let _ = given.await;
        }
        waiting.given = None;
        Turn {
            turns: self.clone(),
        }
    }

    fn queues(&self) -> std::sync::MutexGuard<'_, Queues> {
        self.queues
            .lock()
            .expect("the turns' lock is never poisoned")
    }

    /// Gives the writer to the next waiter still there, or frees it.
    fn pass(&self) {
        let mut queues = self.queues();
        loop {
            let batch_due = queues.small_in_a_row >= SMALL_IN_A_ROW && !queues.batch.is_empty();
            let next = if batch_due {
                None
            } else {
                queues.small.pop_front()
            };
            let next = match next {
                Some(small) => {
                    queues.small_in_a_row += 1;
                    Some(small)
                }
                None => {
                    queues.small_in_a_row = 0;
                    queues
                        .batch
                        .pop_front()
                        .or_else(|| queues.small.pop_front())
                }
            };
            match next {
                Some(waiter) => {
                    if waiter.send(()).is_ok() {
                        return;
                    }
                }
                None => {
                    queues.held = false;
                    return;
                }
            }
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.turns.pass();
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(mut given) = self.given.take() {
            given.close();
            if given.try_recv().is_ok() {
                self.turns.pass();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Queues `lanes` behind a held turn, one at a time so their order is known, and returns the
    /// order in which they got the writer.
    async fn order(lanes: &[Lane]) -> Vec<usize> {
        let turns = Arc::new(Turns::default());
        let held = turns.take(Lane::Batch).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (n, lane) in lanes.iter().copied().enumerate() {
            let (turns, order) = (turns.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = turns.take(lane).await;
                order.lock().unwrap().push(n);
            }));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        order
    }

    #[tokio::test]
    async fn small_writes_pass_waiting_batches_in_their_own_order() {
        use Lane::*;
        assert_eq!(order(&[Batch, Small, Batch, Small]).await, vec![1, 3, 0, 2]);
    }

    #[tokio::test]
    async fn a_stream_of_small_writes_lets_a_batch_through() {
        let mut lanes = vec![Lane::Batch];
        lanes.extend([Lane::Small; 10]);
        let order = order(&lanes).await;
        let batch_at = order.iter().position(|&n| n == 0).unwrap();
        assert_eq!(batch_at, SMALL_IN_A_ROW as usize, "{order:?}");
    }

    #[tokio::test]
    async fn a_waiter_given_up_does_not_keep_the_writer() {
        let turns = Arc::new(Turns::default());
        let held = turns.take(Lane::Batch).await;
        let waiting = tokio::spawn({
            let turns = turns.clone();
            async move { turns.take(Lane::Small).await }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        waiting.abort();
        let _ = waiting.await;
        drop(held);
        let taken = tokio::time::timeout(Duration::from_secs(1), turns.take(Lane::Batch)).await;
        assert!(taken.is_ok(), "the writer is free again");
    }
}
