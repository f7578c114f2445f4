//! The day's manifest (issue 20): import in every encoding, bad rows and bad files, re-import,
//! concurrent confirmation, moves through the change feed, paging a big day, coverage, and a
//! record for a parcel moved away meanwhile.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{record, TestServer};
use doorstep_core::assignment::{AssignResult, ParcelView};
use doorstep_core::coverage::{Bucket, CoverageReport};
use doorstep_core::manifest::{Column, ManifestPreview, Problem};
use doorstep_core::sync::Change;
use doorstep_core::testing::{placed_in_locker, CAPTURED_AT};
use doorstep_core::{ConsentChannel, Outcome};
use doorstep_server::admin::{self, NewAccount};
use doorstep_server::auth::Role;
use doorstep_server::seed::DEMO_STATION;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The Shanghai day of the sample records' capture.
const DAY: &str = "2023-11-15";
const HEADER: &str = "waybill,phone,address,courier,due,area";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn waybill(n: u64) -> String {
    format!("SF{n:013}")
}

/// A manifest row for the sample record `n`.
fn row(n: u64, courier: &str) -> String {
    format!(
        "{},13812345634,愚园路1088弄5号楼2单元{n}室,{courier},,",
        waybill(n)
    )
}

fn csv(rows: &[String]) -> String {
    let mut text = format!("{HEADER}\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text
}

/// Uploads a file, as a preview or (with `confirm`) to store it.
async fn upload(
    server: &TestServer,
    bytes: Vec<u8>,
    content_type: &str,
    confirm: Option<&str>,
) -> (StatusCode, Value) {
    send(server, Body::from(bytes), content_type, confirm).await
}

/// Sends a CSV body in pieces, without announcing its length, as a browser's chunked upload does.
async fn upload_pieces(
    server: &TestServer,
    pieces: Vec<Result<Vec<u8>, std::io::Error>>,
    confirm: Option<&str>,
) -> (StatusCode, Value) {
    let body = Body::from_stream(futures_util::stream::iter(pieces));
    send(server, body, "text/csv", confirm).await
}

async fn send(
    server: &TestServer,
    body: Body,
    content_type: &str,
    confirm: Option<&str>,
) -> (StatusCode, Value) {
    let mut uri = format!("/api/v1/manifests?day={DAY}");
    if let Some(fingerprint) = confirm {
        uri.push_str(&format!("&confirm={fingerprint}"));
    }
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", server.supervisor),
        )
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .unwrap();
    let response = server.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn preview(server: &TestServer, text: &str) -> ManifestPreview {
    let (status, body) = upload(server, text.as_bytes().to_vec(), "text/csv", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

/// Previews and confirms a CSV file.
async fn import(server: &TestServer, text: &str) -> ManifestPreview {
    let first = preview(server, text).await;
    let (status, body) = upload(
        server,
        text.as_bytes().to_vec(),
        "text/csv",
        Some(&first.fingerprint),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let stored: ManifestPreview = serde_json::from_value(body).unwrap();
    assert!(stored.stored);
    stored
}

/// A second courier of the demo station, signed in.
async fn add_courier(server: &TestServer, username: &str) -> String {
    let password = admin::create_account(
        &server.db,
        &NewAccount {
            station: DEMO_STATION,
            username,
            display_name: "李师傅",
            staff_no: "SH-0300",
            role: Role::Courier,
        },
    )
    .await
    .unwrap();
    server.login(username, &password).await
}

async fn get<T: serde::de::DeserializeOwned>(server: &TestServer, uri: &str) -> T {
    let (status, body) = server
        .send(Method::GET, uri, Some(&server.supervisor), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    serde_json::from_value(body).unwrap()
}

async fn assign(server: &TestServer, body: Value) -> (StatusCode, Value) {
    server
        .send(
            Method::POST,
            "/api/v1/parcels/assign",
            Some(&server.supervisor),
            Some(body.to_string()),
        )
        .await
}

fn assigned(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::ParcelAssigned { parcel } => Some(parcel.parcel.waybill.as_str().to_string()),
            _ => None,
        })
        .collect()
}

fn withdrawn(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::ParcelWithdrawn { waybill } => Some(waybill.as_str().to_string()),
            _ => None,
        })
        .collect()
}

fn delivered(n: u64) -> doorstep_core::DeliveryRecord {
    let mut record = record(u128::from(n));
    record.outcome = Some(Outcome::DeliveredToRecipient);
    record.outcome_at = Some(CAPTURED_AT + 60_000);
    record
}

fn xlsx(rows: &[(u64, &str)]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, name) in ["运单号", "手机号", "收件地址", "快递员", "应送达日期"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    for (i, (n, courier)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, waybill(*n)).unwrap();
        // Typed as a number, as spreadsheets do with phone numbers.
        sheet.write_number(r, 1, 13812345634.0).unwrap();
        sheet
            .write_string(r, 2, format!("愚园路1088弄5号楼2单元{n}室"))
            .unwrap();
        sheet.write_string(r, 3, *courier).unwrap();
        let due = ExcelDateTime::from_ymd(2023, 11, 15).unwrap();
        sheet.write_datetime_with_format(r, 4, &due, &date).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[tokio::test]
async fn utf8_with_and_without_bom_gbk_and_xlsx_read_alike() {
    let server = TestServer::start().await;
    let text = csv(&[row(1, "courier"), row(2, "courier")]);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let files = [
        (text.clone().into_bytes(), "text/csv"),
        ([b"\xEF\xBB\xBF", text.as_bytes()].concat(), "text/csv"),
        (gbk.into_owned(), "application/octet-stream"),
        (xlsx(&[(1, "courier"), (2, "courier")]), XLSX),
    ];
    for (bytes, content_type) in files {
        let (status, body) = upload(&server, bytes, content_type, None).await;
        assert_eq!(status, StatusCode::OK, "{content_type}: {body}");
        let preview: ManifestPreview = serde_json::from_value(body).unwrap();
        assert_eq!(
            (preview.added, preview.problem_count),
            (2, 0),
            "{content_type}: {:?}",
            preview.problems
        );
        assert!(!preview.stored);
    }
    // The XLSX's numeric phone and date cells survive: stored, its parcels read back whole.
    let file = xlsx(&[(1, "courier"), (2, "courier")]);
    let (_, body) = upload(&server, file.clone(), XLSX, None).await;
    let fingerprint = body["fingerprint"].as_str().unwrap().to_string();
    let (status, body) = upload(&server, file, XLSX, Some(&fingerprint)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let parcels: Vec<ParcelView> = get(&server, &format!("/api/v1/parcels?day={DAY}")).await;
    assert_eq!(parcels.len(), 2);
    assert_eq!(parcels[0].due.map(|d| d.to_string()).as_deref(), Some(DAY));
    assert_eq!(parcels[0].recipient.phone, "138******34");
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM manifest_imports")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "previews store nothing");
}

#[tokio::test]
async fn every_bad_row_is_named_and_the_good_rows_still_import() {
    let server = TestServer::start().await;
    let text = csv(&[
        row(1, "courier"),
        "SF12,13812345634,愚园路1号,courier,,".into(),
        format!("{},12345,愚园路1号,courier,,", waybill(3)),
        format!("{},13812345634,,courier,,", waybill(4)),
        format!("{},13812345634,愚园路1号,courier,soon,", waybill(5)),
        format!("{},13812345634,愚园路1号,wang,,", waybill(6)),
        format!("{},13812345634,愚园路1号,,,", waybill(7)),
        row(1, "courier"),
        format!("{},,愚园路1号,courier,,", waybill(9)),
    ]);
    let preview = preview(&server, &text).await;
    let found: Vec<(u32, Option<Column>, Problem)> = preview
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.problem))
        .collect();
    assert_eq!(
        found,
        vec![
            (3, Some(Column::Waybill), Problem::BadWaybill),
            (4, Some(Column::Phone), Problem::BadPhone),
            (5, Some(Column::Address), Problem::NoAddress),
            (6, Some(Column::Due), Problem::BadDate),
            (7, Some(Column::Courier), Problem::UnknownCourier),
            (8, Some(Column::Courier), Problem::NoAssignee),
            (9, Some(Column::Waybill), Problem::DuplicateWaybill),
            (10, Some(Column::Phone), Problem::NoPhone),
        ]
    );
    assert_eq!(
        preview.problems[4].message,
        "courier: No courier of this station has this username"
    );
    assert_eq!(
        (preview.rows, preview.added, preview.problem_count),
        (9, 1, 8)
    );
    let stored = import(&server, &text).await;
    assert_eq!(stored.added, 1);
}

#[tokio::test]
async fn files_that_are_not_manifests_are_refused_whole() {
    let server = TestServer::start().await;
    let cases: Vec<(Vec<u8>, &str, StatusCode, &str)> = vec![
        (
            b"%PDF-1.7 ...".to_vec(),
            "application/octet-stream",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a CSV or XLSX",
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec(),
            "application/vnd.ms-excel",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a CSV or XLSX",
        ),
        (
            b"\x81\x20\xFE\xFF,\xFF".to_vec(),
            "text/csv",
            StatusCode::UNPROCESSABLE_ENTITY,
            "encoding is unreadable",
        ),
        (
            b"city,zone\nshanghai,7\n".to_vec(),
            "text/csv",
            StatusCode::UNPROCESSABLE_ENTITY,
            "No header row",
        ),
        (
            b"waybill,phone\nSF1,138\n".to_vec(),
            "text/csv",
            StatusCode::UNPROCESSABLE_ENTITY,
            "line 1: address: A required column",
        ),
        (
            format!("{HEADER}\n").into_bytes(),
            "text/csv",
            StatusCode::UNPROCESSABLE_ENTITY,
            "holds no parcels",
        ),
        (
            csv(&[row(1, "courier")]).into_bytes(),
            "application/json",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a CSV or XLSX",
        ),
        (
            vec![b'a'; 33 * 1024 * 1024],
            "text/csv",
            StatusCode::PAYLOAD_TOO_LARGE,
            "over the size limit (32 MiB)",
        ),
    ];
    for (bytes, content_type, want, message) in cases {
        let (status, body) = upload(&server, bytes, content_type, None).await;
        assert_eq!(status, want, "{body}");
        let said = body["error"]["message"].as_str().unwrap_or_default();
        assert!(said.contains(message), "{said}");
    }

    // A file whose every row is bad previews its problems and cannot be stored.
    let all_bad = csv(&["SF1,1,x,courier,,".into(), "SF2,2,y,courier,,".into()]);
    let preview = preview(&server, &all_bad).await;
    assert_eq!((preview.added, preview.problem_count), (0, 2));
    let (status, body) = upload(
        &server,
        all_bad.into_bytes(),
        "text/csv",
        Some(&preview.fingerprint),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn reimport_changes_nothing_and_a_correction_only_its_rows_never_a_finished_parcel() {
    let server = TestServer::start().await;
    let rows: Vec<String> = (1..=3).map(|n| row(n, "courier")).collect();
    let first = import(&server, &csv(&rows)).await;
    assert_eq!(first.added, 3);
    server.sync(vec![delivered(2)]).await;
    let changes_before = changes_count(&server).await;

    let again = import(&server, &csv(&rows)).await;
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 3));
    assert_eq!(changes_count(&server).await, changes_before);

    let mut corrected = rows.clone();
    corrected[0] = corrected[0].replace("单元1室", "单元101室");
    corrected[1] = corrected[1].replace("单元2室", "单元202室");
    let stored = import(&server, &csv(&corrected)).await;
    assert_eq!(
        (stored.added, stored.changed, stored.unchanged, stored.kept),
        (0, 1, 1, 1)
    );
    let payload = |n: u64| {
        let db = server.db.clone();
        async move {
            let (payload,): (String,) =
                sqlx::query_as("SELECT payload FROM parcels WHERE waybill = $1")
                    .bind(waybill(n))
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            payload
        }
    };
    assert!(payload(1).await.contains("101"));
    assert!(
        !payload(2).await.contains("202"),
        "a delivered parcel stays"
    );
}

#[tokio::test]
async fn a_file_that_breaks_off_or_outgrows_the_limit_unannounced_stores_nothing() {
    let server = TestServer::start().await;
    let text = csv(&(1..=50).map(|n| row(n, "courier")).collect::<Vec<_>>());
    let fingerprint = preview(&server, &text).await.fingerprint;
    let (head, _) = text.as_bytes().split_at(text.len() / 2);
    let broken = vec![
        Ok(head.to_vec()),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "the phone lost its signal",
        )),
    ];
    let (status, body) = upload_pieces(&server, broken, Some(&fingerprint)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let said = body["error"]["message"].as_str().unwrap_or_default();
    assert!(said.contains("did not arrive whole"), "{said}");

    let piece = vec![b'a'; 1024 * 1024];
    let oversized = (0..33).map(|_| Ok(piece.clone())).collect();
    let (status, body) = upload_pieces(&server, oversized, None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    let (parcels,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM parcels")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    assert_eq!((parcels, changes_count(&server).await), (0, 0));
    // The whole file, sent again, still stores under the first preview.
    let (status, body) =
        upload_pieces(&server, vec![Ok(text.into_bytes())], Some(&fingerprint)).await;
    assert_eq!(
        (status, body["added"].as_u64()),
        (StatusCode::OK, Some(50)),
        "{body}"
    );
}

async fn changes_count(server: &TestServer) -> i64 {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM device_changes")
        .fetch_one(&server.db.pool)
        .await
        .unwrap();
    count
}

#[tokio::test]
async fn two_confirmations_of_one_preview_store_once() {
    let server = TestServer::start().await;
    let text = csv(&(1..=50).map(|n| row(n, "courier")).collect::<Vec<_>>());
    let first = preview(&server, &text).await;
    let confirm = || {
        upload(
            &server,
            text.clone().into_bytes(),
            "text/csv",
            Some(&first.fingerprint),
        )
    };
    let ((a, _), (b, body)) = tokio::join!(confirm(), confirm());
    let mut statuses = [a, b];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{body}");
    let (status, body) = upload(
        &server,
        text.into_bytes(),
        "text/csv",
        Some(&first.fingerprint),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"]["message"],
        "the day's parcels changed since the preview; preview again"
    );
    assert_eq!(changes_count(&server).await, 50);
}

#[tokio::test]
async fn parcels_reach_only_their_courier_and_moves_travel_through_the_feed() {
    let server = TestServer::start().await;
    let li = add_courier(&server, "li").await;
    import(
        &server,
        &csv(&[
            row(1, "courier"),
            row(2, "courier"),
            row(3, "li"),
            row(4, "courier"),
        ]),
    )
    .await;
    let wang = server.sync(vec![]).await;
    assert_eq!(
        assigned(&wang.changes),
        [waybill(1), waybill(2), waybill(4)]
    );
    let first_li = server.sync_as(&li, 0, vec![]).await;
    assert_eq!(assigned(&first_li.changes), [waybill(3)]);

    // Parcel 4 is delivered: a move leaves it where it is.
    server.sync_from(wang.cursor, vec![delivered(4)]).await;
    let (status, body) = assign(
        &server,
        serde_json::json!({"day": DAY, "waybills": [waybill(1), waybill(3), waybill(4)], "courier": "li"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let result: AssignResult = serde_json::from_value(body).unwrap();
    assert_eq!((result.moved, result.kept), (1, 2));
    let wang_after = server.sync_from(wang.cursor, vec![]).await;
    assert_eq!(withdrawn(&wang_after.changes), [waybill(1)]);
    assert!(assigned(&wang_after.changes).is_empty());
    let li_after = server.sync_as(&li, first_li.cursor, vec![]).await;
    assert_eq!(assigned(&li_after.changes), [waybill(1)]);
    assert!(withdrawn(&li_after.changes).is_empty());

    // A whole compound goes back; an unknown courier is refused.
    let (status, body) = assign(
        &server,
        serde_json::json!({"day": DAY, "compound": "愚园路1088弄", "courier": "courier"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["moved"], 2, "{body}");
    let (status, body) = assign(
        &server,
        serde_json::json!({"day": DAY, "waybills": [waybill(2)], "courier": "nobody"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // A re-import that names another courier moves the parcel the same way.
    import(&server, &csv(&[row(2, "li")])).await;
    let li_last = server.sync_as(&li, li_after.cursor, vec![]).await;
    assert!(assigned(&li_last.changes).contains(&waybill(2)));
    let wang_last = server.sync_from(wang_after.cursor, vec![]).await;
    assert!(withdrawn(&wang_last.changes).contains(&waybill(2)));
}

#[tokio::test]
async fn a_big_day_arrives_in_pages_with_more() {
    let server = TestServer::start().await;
    let rows: Vec<String> = (1..=1_200).map(|n| row(n, "courier")).collect();
    import(&server, &csv(&rows)).await;
    let mut cursor = 0;
    let mut received = Vec::new();
    let mut pages = Vec::new();
    loop {
        let page = server.sync_from(cursor, vec![]).await;
        received.extend(assigned(&page.changes));
        pages.push((page.changes.len(), page.more));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, [(500, true), (500, true), (200, false)]);
    received.sort();
    received.dedup();
    assert_eq!(received.len(), 1_200);
}

#[tokio::test]
async fn coverage_accounts_for_every_parcel() {
    let server = TestServer::start().await;
    let li = add_courier(&server, "li").await;
    let mut rows: Vec<String> = (1..=5).map(|n| row(n, "courier")).collect();
    // Parcel 5 was due the day before.
    rows[4] = rows[4].replace("courier,,", "courier,2023-11-14,");
    import(&server, &csv(&rows)).await;
    let mut failed = record(3);
    failed.outcome = Some(Outcome::FailedAttempt {
        reason: "无人".into(),
    });
    failed.outcome_at = Some(CAPTURED_AT + 60_000);
    server
        .sync(vec![
            delivered(1),
            placed_in_locker(record(2), ConsentChannel::PhoneCall),
            failed,
            delivered(5),
        ])
        .await;
    // Not on the manifest: unplanned, counted for the courier who recorded it.
    server.sync_as(&li, 0, vec![delivered(99)]).await;

    let report: CoverageReport = get(&server, &format!("/api/v1/coverage?day={DAY}")).await;
    let s = &report.station;
    assert!(report.past_cutoff);
    assert_eq!(
        (s.assigned, s.door, s.locker, s.failed, s.no_outcome),
        (5, 2, 1, 1, 1)
    );
    assert_eq!((s.late, s.unaccounted, s.unplanned), (1, 1, 1));
    let couriers: Vec<(&str, u32, u32)> = report
        .per_courier
        .iter()
        .map(|c| {
            (
                c.courier.as_str(),
                c.coverage.assigned,
                c.coverage.unplanned,
            )
        })
        .collect();
    assert_eq!(couriers, [("courier", 5, 0), ("li", 0, 1)]);

    // The dashboard's daily rate counts the parcel no record accounts for against it.
    let start = doorstep_core::day::Day::parse(DAY).unwrap().start_ms();
    let end = start + doorstep_core::day::DAY_MS;
    let dashboard: doorstep_core::api::Dashboard =
        get(&server, &format!("/api/v1/dashboard?from={start}&to={end}")).await;
    let day = &dashboard.per_day[0];
    assert_eq!(
        (dashboard.per_day.len(), day.records, day.unrecorded),
        (1, 5, 1)
    );
    // The parcel without a record counts against the day's rate.
    assert_eq!(
        day.compliance_permille(),
        (day.records - day.flagged) * 1000 / (day.records + day.unrecorded)
    );

    let failed_only: Vec<ParcelView> =
        get(&server, &format!("/api/v1/parcels?day={DAY}&bucket=failed")).await;
    assert_eq!(failed_only.len(), 1);
    assert_eq!(failed_only[0].bucket, Bucket::Failed);
    let (status, csv) = server
        .send_raw(
            Method::GET,
            &format!("/api/v1/parcels/export.csv?day={DAY}"),
            Some(&server.supervisor),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("\u{feff}day,courier,waybill"));
    assert_eq!(csv.lines().count(), 6);
    assert!(!csv.contains("13812345634"), "the export stays masked");
    assert!(csv.contains(",no_outcome,0,1,"), "{csv}");
}

#[tokio::test]
async fn a_record_for_a_parcel_moved_away_is_stored_and_both_facts_show() {
    let server = TestServer::start().await;
    add_courier(&server, "li").await;
    import(&server, &csv(&[row(1, "courier")])).await;
    let (status, _) = assign(
        &server,
        serde_json::json!({"day": DAY, "waybills": [waybill(1)], "courier": "li"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The first courier was recording it offline; the record still arrives.
    let answer = server.sync(vec![delivered(1)]).await;
    assert!(answer.acks[0].ack.is_delivered());
    let parcels: Vec<ParcelView> = get(&server, &format!("/api/v1/parcels?day={DAY}")).await;
    assert_eq!(parcels[0].courier, "li");
    assert_eq!(parcels[0].recorded_by.as_deref(), Some("courier"));
    assert_eq!(parcels[0].bucket, Bucket::Door);
}

#[tokio::test]
async fn area_rules_assign_rows_without_a_courier() {
    let server = TestServer::start().await;
    add_courier(&server, "li").await;
    let server = &server;
    let put = |body: Value| async move {
        server
            .send(
                Method::PUT,
                "/api/v1/area-rules",
                Some(&server.supervisor),
                Some(body.to_string()),
            )
            .await
    };
    let (status, body) = put(serde_json::json!([{"key": "A7", "courier": "nobody"}])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("A7"),
        "{body}"
    );
    let (status, body) = put(serde_json::json!([
        {"key": "A7", "courier": "li"},
        {"key": "愚园路1088弄", "courier": "courier"}
    ]))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 2);
    let text = csv(&[
        format!("{},13812345634,华山路328号3栋601,,,A7", waybill(1)),
        format!("{},13812345634,愚园路1088弄5号楼2单元1203室,,,", waybill(2)),
    ]);
    let stored = import(server, &text).await;
    let per: Vec<(&str, u32)> = stored
        .per_courier
        .iter()
        .map(|c| (c.courier.as_str(), c.parcels))
        .collect();
    assert_eq!(per, [("courier", 1), ("li", 1)]);
}
