//! Property: whatever the order of creates, edits, lost requests, lost responses, server restarts
//! and duplicate deliveries, once the device can sync cleanly every record is on the server
//! exactly once, with its last revision. The device and server here follow the protocol's rules
//! from `doorstep_core::sync`; the real server is tested against the same cases in
//! `crates/server/tests/api.rs`.

use doorstep_core::sync::{decide, plan_batches, Ack, QueueState, RecordAck, StoredRevision};
use doorstep_core::Lang;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Step {
    Create,
    Edit(usize),
    /// A sync round; the request may be lost before the server commits, or the response after.
    Sync {
        lose_request: bool,
        lose_response: bool,
    },
    /// The server process restarts: only committed data survives (all of it, synchronously).
    ServerRestart,
    /// The network delivers the previous request a second time.
    DuplicateDelivery,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Create),
        2 => (0usize..32).prop_map(Step::Edit),
        4 => (any::<bool>(), any::<bool>())
            .prop_map(|(lose_request, lose_response)| Step::Sync { lose_request, lose_response }),
        1 => Just(Step::ServerRestart),
        1 => Just(Step::DuplicateDelivery),
    ]
}

#[derive(Debug, Clone)]
struct Revision {
    id: u32,
    revision: u32,
    content: String,
}

#[derive(Default)]
struct Server {
    /// (id, revision) → content: each stored revision exactly once, as the primary key ensures.
    revisions: BTreeMap<(u32, u32), String>,
    latest: BTreeMap<u32, u32>,
}

impl Server {
    fn receive(&mut self, batch: &[Revision]) -> Vec<RecordAck> {
        batch
            .iter()
            .map(|r| {
                let stored = self.latest.get(&r.id).map(|&latest| StoredRevision {
                    latest,
                    same_revision_fingerprint: self
                        .revisions
                        .get(&(r.id, r.revision))
                        .map(String::as_str),
                    owned_by_sender: true,
                });
                let ack = decide(stored, r.revision, &r.content, Lang::Zh);
                if ack == Ack::Stored {
                    assert!(self
                        .revisions
                        .insert((r.id, r.revision), r.content.clone())
                        .is_none());
                    let latest = self.latest.entry(r.id).or_insert(0);
                    *latest = (*latest).max(r.revision);
                }
                RecordAck {
                    id: uuid::Uuid::from_u128(u128::from(r.id)),
                    revision: r.revision,
                    ack,
                    received_at: 1,
                }
            })
            .collect()
    }
}

struct Device {
    records: Vec<(Revision, QueueState)>,
    last_request: Vec<Revision>,
}

impl Device {
    fn pending(&self) -> Vec<Revision> {
        self.records
            .iter()
            .filter(|(_, s)| s.is_pending())
            .map(|(r, _)| r.clone())
            .collect()
    }

    fn apply(&mut self, acks: &[RecordAck]) {
        for ack in acks {
            let id = ack.id.as_u128() as u32;
            let (record, state) = &mut self.records[id as usize];
            *state = state.after_ack(record.revision, ack);
        }
    }

    fn sync(&mut self, server: &mut Server, lose_request: bool, lose_response: bool) {
        let pending = self.pending();
        let sizes: Vec<usize> = pending.iter().map(|r| r.content.len()).collect();
        for range in plan_batches(&sizes, 3, 64) {
            let batch = pending[range].to_vec();
            self.last_request = batch.clone();
            if lose_request {
                return;
            }
            let acks = server.receive(&batch);
            if lose_response {
                return;
            }
            self.apply(&acks);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_record_arrives_exactly_once_with_its_last_revision(steps in prop::collection::vec(step(), 1..60)) {
        let mut server = Server::default();
        let mut device = Device { records: Vec::new(), last_request: Vec::new() };
        for step in steps {
            match step {
                Step::Create => {
                    let id = device.records.len() as u32;
                    let record = Revision { id, revision: 1, content: format!("{id}:1") };
                    device.records.push((record, QueueState::Queued));
                }
                Step::Edit(i) if !device.records.is_empty() => {
                    let index = i % device.records.len();
                    let (record, state) = &mut device.records[index];
                    record.revision += 1;
                    record.content = format!("{}:{}", record.id, record.revision);
                    *state = QueueState::Queued;
                }
                Step::Edit(_) => {}
                Step::Sync { lose_request, lose_response } => device.sync(&mut server, lose_request, lose_response),
                Step::ServerRestart => {}
                Step::DuplicateDelivery => {
                    let again = device.last_request.clone();
                    server.receive(&again);
                }
            }
        }
        // Back in signal: sync until nothing is pending (bounded: each round settles a batch).
        for _ in 0..device.records.len() + 1 {
            device.sync(&mut server, false, false);
        }
        prop_assert!(device.pending().is_empty());
        prop_assert_eq!(server.latest.len(), device.records.len());
        for (record, state) in &device.records {
            prop_assert_eq!(server.latest.get(&record.id), Some(&record.revision));
            prop_assert_eq!(server.revisions.get(&(record.id, record.revision)), Some(&record.content));
            let synced = matches!(state, QueueState::Synced { .. });
            prop_assert!(synced);
        }
    }
}
