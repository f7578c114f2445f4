//! The device queue and the sealed draft against a real browser's IndexedDB (wasm-bindgen-test in
//! headless Chromium).
#![cfg(target_arch = "wasm32")]

use doorstep_app::routes::courier::Draft;
use doorstep_app::storage::{clear_all, open, DraftStore, Outbox, PreferenceBook, Sealer};
use doorstep_core::preference::{StandingPreference, Wish};
use doorstep_core::sync::{Ack, Change, QueueState, RecordAck};
use doorstep_core::DeliveryRecord;
use uuid::Uuid;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn record(n: u128, revision: u32) -> DeliveryRecord {
    DeliveryRecord {
        revision,
        captured_at: doorstep_core::testing::CAPTURED_AT + n as i64,
        ..doorstep_core::testing::door_delivery(n as u64)
    }
}

/// The outbox of the database called `name`, with that database's sealing key.
async fn outbox_of(name: &str) -> Outbox {
    let db = open(name).await.unwrap();
    let sealer = Sealer::open(&db).await.unwrap();
    Outbox::new(db, sealer)
}

async fn fresh_outbox() -> (Outbox, String) {
    let name = format!("doorstep-test-{}", Uuid::new_v4());
    (outbox_of(&name).await, name)
}

/// Every stored value of the records store, as JSON text: what a copy of the disk would show.
async fn raw_records(name: &str) -> String {
    raw_store(name, "records").await
}

/// Every stored value of one object store of the database `name`, as JSON text.
async fn raw_store(name: &str, store: &str) -> String {
    let db = open(name).await.unwrap();
    let tx = db
        .transaction(&[store], idb::TransactionMode::ReadOnly)
        .unwrap();
    let values = tx
        .object_store(store)
        .unwrap()
        .get_all(None, None)
        .unwrap()
        .await
        .unwrap();
    values
        .iter()
        .map(|v| {
            js_sys::JSON::stringify(v)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        })
        .collect()
}

fn ack(n: u128, revision: u32, ack: Ack) -> RecordAck {
    RecordAck {
        id: Uuid::from_u128(n),
        revision,
        ack,
        received_at: 7,
    }
}

#[wasm_bindgen_test]
async fn a_saved_record_is_there_after_reopening_the_database() {
    let (outbox, name) = fresh_outbox().await;
    outbox.save(record(1, 1)).await.unwrap();
    drop(outbox);
    let reopened = outbox_of(&name).await;
    let entries = reopened.all().await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].record, record(1, 1));
    assert_eq!(entries[0].state, QueueState::Queued);
}

#[wasm_bindgen_test]
async fn pending_drains_oldest_first_and_acks_settle_records() {
    let (outbox, _) = fresh_outbox().await;
    for n in [3, 1, 2] {
        outbox.save(record(n, 1)).await.unwrap();
    }
    let order: Vec<_> = outbox
        .pending()
        .await
        .unwrap()
        .iter()
        .map(|e| e.record.id)
        .collect();
    assert_eq!(
        order,
        vec![Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)]
    );

    let rejected = Ack::Rejected {
        violations: vec![],
        message: "fix me".into(),
    };
    outbox
        .apply_acks(&[ack(1, 1, Ack::Stored), ack(2, 1, rejected)])
        .await
        .unwrap();
    let pending: Vec<_> = outbox
        .pending()
        .await
        .unwrap()
        .iter()
        .map(|e| e.record.id)
        .collect();
    assert_eq!(pending, vec![Uuid::from_u128(3)]);
    let all = outbox.all().await.unwrap();
    let state = |n| {
        all.iter()
            .find(|e| e.record.id == Uuid::from_u128(n))
            .unwrap()
            .state
            .clone()
    };
    assert_eq!(state(1), QueueState::Synced { received_at: 7 });
    assert_eq!(
        state(2),
        QueueState::NeedsAttention {
            message: "fix me".into()
        }
    );
}

#[wasm_bindgen_test]
async fn an_ack_for_an_older_revision_leaves_the_newer_edit_queued() {
    let (outbox, _) = fresh_outbox().await;
    outbox.save(record(1, 1)).await.unwrap();
    outbox.save(record(1, 2)).await.unwrap();
    outbox.apply_acks(&[ack(1, 1, Ack::Stored)]).await.unwrap();
    let entries = outbox.all().await.unwrap();
    assert_eq!(
        entries.len(),
        1,
        "one entry per record, holding its latest revision"
    );
    assert_eq!(entries[0].record.revision, 2);
    assert_eq!(entries[0].state, QueueState::Queued);
}

#[wasm_bindgen_test]
async fn marking_attention_keeps_the_record() {
    let (outbox, _) = fresh_outbox().await;
    outbox.save(record(1, 1)).await.unwrap();
    outbox
        .mark_attention(&[Uuid::from_u128(1).to_string()], "too large")
        .await
        .unwrap();
    let entries = outbox.all().await.unwrap();
    assert_eq!(
        entries[0].state,
        QueueState::NeedsAttention {
            message: "too large".into()
        }
    );
    assert_eq!(entries[0].record, record(1, 1));
}

#[wasm_bindgen_test]
async fn the_preference_book_keeps_and_withdraws_wishes() {
    let book = PreferenceBook::new(
        open(&format!("doorstep-test-{}", Uuid::new_v4()))
            .await
            .unwrap(),
    );
    let mut wish = StandingPreference {
        id: Uuid::from_u128(1),
        recipient_key: "k".into(),
        wish: Wish::Locker { bank: "3".into() },
        stated_at: 1,
        withdrawn_at: None,
    };
    book.put(&wish).await.unwrap();
    assert_eq!(book.all().await.unwrap(), vec![wish.clone()]);
    wish.withdrawn_at = Some(2);
    book.put(&wish).await.unwrap();
    assert_eq!(book.all().await.unwrap(), vec![wish]);
}

#[wasm_bindgen_test]
async fn pruning_removes_only_acknowledged_records_of_past_days() {
    let (outbox, _) = fresh_outbox().await;
    for n in 1..=3 {
        outbox.save(record(n, 1)).await.unwrap();
    }
    outbox
        .apply_acks(&[ack(1, 1, Ack::Stored), ack(3, 1, Ack::Stored)])
        .await
        .unwrap();
    // Record 3 was captured at the cutoff itself: it is "today" and stays.
    let cutoff = record(3, 1).captured_at;
    assert_eq!(outbox.prune(cutoff, &[]).await.unwrap(), 1);
    let left: Vec<_> = outbox
        .all()
        .await
        .unwrap()
        .iter()
        .map(|e| e.record.id)
        .collect();
    assert_eq!(
        left,
        vec![Uuid::from_u128(3), Uuid::from_u128(2)],
        "unsynced record 2 is never pruned"
    );
}

#[wasm_bindgen_test]
async fn supervisor_notes_arrive_once_on_their_record() {
    let (outbox, _) = fresh_outbox().await;
    outbox.save(record(1, 1)).await.unwrap();
    let note = Change::SupervisorNote {
        record_id: Uuid::from_u128(1),
        note: "请放门口".into(),
        at: 9,
        reviewed_flag: None,
    };
    let elsewhere = Change::SupervisorNote {
        record_id: Uuid::from_u128(99),
        note: "x".into(),
        at: 9,
        reviewed_flag: None,
    };
    outbox
        .apply_changes(&[note.clone(), elsewhere])
        .await
        .unwrap();
    outbox.apply_changes(&[note]).await.unwrap();
    let entries = outbox.all().await.unwrap();
    assert_eq!(
        entries.len(),
        1,
        "a note for a record not on the device adds nothing"
    );
    assert_eq!(entries[0].notes.len(), 1);
    assert_eq!(entries[0].notes[0].note, "请放门口");
    assert_eq!(
        entries[0].state,
        QueueState::Queued,
        "a note does not change the sync state"
    );
}

#[wasm_bindgen_test]
async fn personal_fields_are_sealed_at_rest_and_opened_for_the_app() {
    let (outbox, name) = fresh_outbox().await;
    outbox.save(record(1, 1)).await.unwrap();
    let raw = raw_records(&name).await;
    for personal in ["13812345634", "愚园路", "1203", "张三"] {
        assert!(
            !raw.contains(personal),
            "{personal} is stored in clear: {raw}"
        );
    }
    assert!(
        raw.contains("SF0000000000001"),
        "the waybill stays searchable"
    );
    let opened = outbox_of(&name).await.all().await.unwrap();
    assert_eq!(opened[0].record, record(1, 1));
    assert_eq!(opened[0].sealed, None);
}

#[wasm_bindgen_test]
async fn a_senders_id_number_is_sealed_and_leaves_the_device_once_synced() {
    let (outbox, name) = fresh_outbox().await;
    let pickup = doorstep_core::testing::picked_up(7);
    outbox.save(pickup.clone()).await.unwrap();
    let raw = raw_records(&name).await;
    for personal in [doorstep_core::testing::SAMPLE_ID, "19491231", "李四"] {
        assert!(!raw.contains(personal), "{personal} in clear: {raw}");
    }
    assert_eq!(outbox.all().await.unwrap()[0].record, pickup);
    outbox.apply_acks(&[ack(7, 1, Ack::Stored)]).await.unwrap();
    let kept = outbox_of(&name).await.all().await.unwrap();
    assert_eq!(kept[0].record.sender_identity, None);
    assert_eq!(
        kept[0].record.inspection, pickup.inspection,
        "the rest stays"
    );
    assert!(!raw_records(&name).await.contains("sealed_sender\":{"));
}

#[wasm_bindgen_test]
async fn a_wiped_device_holds_nothing_and_seals_with_a_new_key() {
    let (outbox, name) = fresh_outbox().await;
    outbox.save(record(1, 1)).await.unwrap();
    clear_all(&open(&name).await.unwrap()).await.unwrap();
    let after = outbox_of(&name).await;
    assert!(after.all().await.unwrap().is_empty());
    after.save(record(2, 1)).await.unwrap();
    assert_eq!(
        outbox_of(&name).await.all().await.unwrap()[0].record,
        record(2, 1)
    );
}

/// The draft store of the database called `name`, with that database's sealing key.
async fn drafts_of(name: &str) -> DraftStore {
    let db = open(name).await.unwrap();
    let sealer = Sealer::open(&db).await.unwrap();
    DraftStore::new(db, sealer)
}

fn typed_draft() -> Draft {
    let recipient = doorstep_core::testing::door_delivery(1).recipient.unwrap();
    Draft {
        waybill: "SF1234567890123".into(),
        name: recipient.name.unwrap(),
        phone: recipient.phone,
        address: recipient.address,
        ..Draft::default()
    }
}

#[wasm_bindgen_test]
async fn the_draft_is_sealed_at_rest_restored_on_reopening_and_wiped() {
    let name = format!("doorstep-test-{}", Uuid::new_v4());
    drafts_of(&name).await.save(&typed_draft()).await.unwrap();
    let raw = raw_store(&name, "drafts").await;
    assert!(raw.contains("sealed"), "the draft is stored: {raw}");
    for personal in ["13812345634", "张三", "愚园路", "1203", "SF1234567890123"] {
        assert!(
            !raw.contains(personal),
            "{personal} is stored in clear: {raw}"
        );
    }
    let restored: Option<Draft> = drafts_of(&name).await.load().await.unwrap();
    assert_eq!(restored, Some(typed_draft()));

    clear_all(&open(&name).await.unwrap()).await.unwrap();
    assert_eq!(raw_store(&name, "drafts").await, "");
    let after: Option<Draft> = drafts_of(&name).await.load().await.unwrap();
    assert_eq!(after, None);
}
