//! The CSV export of a selection: pages read ahead of the writer, so memory stays flat whatever
//! the station's size.

use crate::db::{Db, SQLITE_SETTINGS};
use crate::error::ApiError;
use crate::records::query::{fetch_raw_page, parse_flags, raw_page_query, Bind, RawRow, Selection};
use axum::body::Bytes;
use doorstep_core::export::{ExportedRecord, HEADER};
use futures_util::{Stream, StreamExt};

/// Rows fetched per round trip while exporting: memory stays flat whatever the station's size.
const EXPORT_PAGE: i64 = 1000;

/// The selection as CSV: a byte-order mark (so spreadsheet programs read the Chinese text), the
/// header, then the rows page by page, masked unless `full`.
pub fn csv(
    db: &Db,
    selection: Selection,
    full: bool,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    let mut head = String::from("\u{feff}");
    push_csv_line(&mut head, HEADER);
    // Two stages, so the database reads the next page while this task parses and writes the
    // current one. The channel holds two pages: memory stays flat whatever the row count.
    let (pages, received) = tokio::sync::mpsc::channel(2);
    match db.sqlite_file.clone() {
        Some(file) => {
            tokio::task::spawn_blocking(move || {
                read_sqlite_export_pages(&file, &selection, &pages)
            });
        }
        None => {
            tokio::spawn(read_export_pages(db.clone(), selection, pages));
        }
    }
    let rows = futures_util::stream::unfold(Some(received), move |received| async move {
        let mut received = received?;
        let page = received.recv().await?;
        let chunk = page.and_then(|rows| {
            let mut chunk = String::new();
            for (_, payload, received_at, courier, flags) in &rows {
                let record = ExportedRecord::from_json(payload)
                    .map_err(|e| ApiError::Internal(Box::new(e)))?;
                let flags = parse_flags(flags);
                push_csv_line(
                    &mut chunk,
                    record.cells(courier, &flags, *received_at, full),
                );
            }
            Ok(chunk)
        });
        match chunk {
            Ok(chunk) => Some((Ok(Bytes::from(chunk)), Some(received))),
            Err(e) => {
                // The status line is gone; cutting the stream makes the download fail visibly.
                tracing::error!(error = %e, "export failed");
                Some((Err(std::io::Error::other("export failed")), None))
            }
        }
    });
    futures_util::stream::once(async move { Ok(Bytes::from(head)) }).chain(rows)
}

/// Where an export sends its pages, two at most in flight.
type PageSender = tokio::sync::mpsc::Sender<Result<Vec<RawRow>, ApiError>>;

/// Sends the selection's pages in order until the last one, an error, or the download's end
/// (the receiver dropped).
async fn read_export_pages(db: Db, selection: Selection, pages: PageSender) {
    let mut before = None;
    loop {
        let page = fetch_raw_page(&db, &selection, before.as_ref(), EXPORT_PAGE).await;
        let next = next_cursor(&page);
        if pages.send(page).await.is_err() {
            return;
        }
        match next {
            Some(cursor) => before = Some(cursor),
            None => return,
        }
    }
}

/// [`read_export_pages`] on SQLite, with a connection of its own on this blocking thread. sqlx
/// hands every row from its SQLite thread to the async side on its own (a thread wake-up and an
/// `AnyRow` copy per row, which cost more than SQLite's own work); here a page crosses threads at
/// once.
fn read_sqlite_export_pages(file: &std::path::Path, selection: &Selection, pages: &PageSender) {
    let opened = rusqlite::Connection::open_with_flags(
        file,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|connection| {
        connection.execute_batch(SQLITE_SETTINGS)?;
        Ok(connection)
    });
    let connection = match opened {
        Ok(connection) => connection,
        Err(e) => {
            let _ = pages.blocking_send(Err(ApiError::Internal(Box::new(e))));
            return;
        }
    };
    let mut before = None;
    loop {
        let page = read_sqlite_page(&connection, selection, before.as_ref())
            .map_err(|e| ApiError::Internal(Box::new(e)));
        let next = next_cursor(&page);
        if pages.blocking_send(page).is_err() {
            return;
        }
        match next {
            Some(cursor) => before = Some(cursor),
            None => return,
        }
    }
}

/// One export page of [`raw_page_query`], read with `connection`. The statement's parameters are
/// numbered (`$1`) as everywhere in the server; a column of another type than expected (or NULL)
/// is an error, as with sqlx.
fn read_sqlite_page(
    connection: &rusqlite::Connection,
    selection: &Selection,
    before: Option<&(i64, String)>,
) -> Result<Vec<RawRow>, rusqlite::Error> {
    let (sql, selection) = raw_page_query(selection, before, EXPORT_PAGE);
    let mut statement = connection.prepare(&sql)?;
    for (number, bind) in (1..).zip(&selection.binds) {
        let Some(index) = statement.parameter_index(&format!("${number}"))? else {
            continue;
        };
        match bind {
            Bind::Int(value) => statement.raw_bind_parameter(index, value)?,
            Bind::Text(value) => statement.raw_bind_parameter(index, value)?,
        }
    }
    let mut rows = Vec::with_capacity(EXPORT_PAGE as usize);
    let mut result = statement.raw_query();
    while let Some(row) = result.next()? {
        rows.push((
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        ));
    }
    Ok(rows)
}

/// Where the export goes on after `page`: its last row, unless it was the last page or failed.
fn next_cursor(page: &Result<Vec<RawRow>, ApiError>) -> Option<(i64, String)> {
    match page {
        Ok(rows) if rows.len() == EXPORT_PAGE as usize => rows
            .last()
            .map(|(id, _, received_at, _, _)| (*received_at, id.clone())),
        _ => None,
    }
}

/// Appends one RFC 4180 line. A field a spreadsheet would run as a formula gets a leading `'`.
pub(crate) fn push_csv_line(out: &mut String, fields: impl IntoIterator<Item = impl AsRef<str>>) {
    for (i, field) in fields.into_iter().enumerate() {
        let field = field.as_ref();
        if i > 0 {
            out.push(',');
        }
        // Bytes, not chars: these are ASCII, which never occurs inside a multi-byte character,
        // and decoding every character for the test was a large share of an export's CPU.
        let quoted = field
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
        if quoted {
            out.push('"');
        }
        if field.starts_with(['=', '+', '-', '@']) {
            out.push('\'');
        }
        if quoted {
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut line = String::new();
        push_csv_line(&mut line, ["a,b", "say \"hi\"", "=1+1", "张三", "-1,5"]);
        assert_eq!(line, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,张三,\"'-1,5\"\r\n");
    }
}
