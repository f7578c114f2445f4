//! Reads of many rows from SQLite through its C API, for the CSV export. sqlx hands every row
//! from its SQLite worker thread to the async side on its own, a thread wake-up and copies of
//! each value (an `AnyRow`) per row: profiled, those switches and allocations were half of an
//! export's CPU, SQLite's own work under a tenth. A [`Connection`] is used on one blocking thread,
//! which sends whole pages on.

use libsqlite3_sys as ffi;
use std::ffi::{c_int, CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{self, NonNull};

/// An SQLite result code with its message.
#[derive(Debug, thiserror::Error)]
#[error("{message} (SQLite code {code})")]
pub struct Error {
    code: c_int,
    message: String,
}

impl Error {
    fn other(message: impl Into<String>) -> Error {
        Error {
            code: ffi::SQLITE_MISUSE,
            message: message.into(),
        }
    }
}

/// One connection of its own to the database file, read only by this process's choice (opened
/// read-write without create, as a WAL reader must be able to update the shared index).
pub struct Connection {
    raw: NonNull<ffi::sqlite3>,
}

impl Connection {
    /// Opens `file` and runs `settings` (the pool's own, so both wait for locks alike).
    pub fn open(file: &Path, settings: &str) -> Result<Connection, Error> {
        let name = CString::new(file.as_os_str().as_bytes())
            .map_err(|_| Error::other("database path contains NUL"))?;
        let settings = CString::new(settings).map_err(|_| Error::other("settings contain NUL"))?;
        let mut raw = ptr::null_mut();
        // SAFETY: `name` is NUL-terminated; SQLite writes a handle (or null) into `raw`.
        let code = unsafe {
            ffi::sqlite3_open_v2(
                name.as_ptr(),
                &mut raw,
                ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_NOMUTEX,
                ptr::null(),
            )
        };
        let raw = NonNull::new(raw).ok_or_else(|| Error::other("SQLite is out of memory"))?;
        // From here on `Drop` closes the handle, also when opening failed.
        let connection = Connection { raw };
        connection.check(code)?;
        // SAFETY: the handle is open and `settings` NUL-terminated; no callback, no message kept.
        let code = unsafe {
            ffi::sqlite3_exec(
                raw.as_ptr(),
                settings.as_ptr(),
                None,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        connection.check(code)?;
        Ok(connection)
    }

    /// Compiles one statement.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>, Error> {
        let length = c_int::try_from(sql.len()).map_err(|_| Error::other("statement too long"))?;
        let mut raw = ptr::null_mut();
        // SAFETY: `sql` is valid for `length` bytes; SQLite writes a statement (or null) into `raw`.
        let code = unsafe {
            ffi::sqlite3_prepare_v2(
                self.raw.as_ptr(),
                sql.as_ptr().cast(),
                length,
                &mut raw,
                ptr::null_mut(),
            )
        };
        self.check(code)?;
        let raw = NonNull::new(raw).ok_or_else(|| Error::other("empty statement"))?;
        Ok(Statement {
            connection: self,
            raw,
        })
    }

    fn check(&self, code: c_int) -> Result<(), Error> {
        if matches!(code, ffi::SQLITE_OK | ffi::SQLITE_ROW | ffi::SQLITE_DONE) {
            return Ok(());
        }
        // SAFETY: the handle is open; SQLite's message is NUL-terminated and copied at once.
        let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.raw.as_ptr())) };
        Err(Error {
            code,
            message: message.to_string_lossy().into_owned(),
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: every statement borrows the connection, so all are finalized by now.
        unsafe { ffi::sqlite3_close(self.raw.as_ptr()) };
    }
}

/// A compiled statement; its parameters are numbered `$1`, `$2`, … as in the rest of the server.
pub struct Statement<'c> {
    connection: &'c Connection,
    raw: NonNull<ffi::sqlite3_stmt>,
}

impl Statement<'_> {
    /// SQLite's index of parameter `$number`, or `None` when the statement does not use it.
    fn parameter(&self, number: usize) -> Option<c_int> {
        let name = CString::new(format!("${number}")).ok()?;
        // SAFETY: the statement is live and `name` NUL-terminated.
        let index = unsafe { ffi::sqlite3_bind_parameter_index(self.raw.as_ptr(), name.as_ptr()) };
        (index > 0).then_some(index)
    }

    pub fn bind_int(&mut self, number: usize, value: i64) -> Result<(), Error> {
        let Some(index) = self.parameter(number) else {
            return Ok(());
        };
        // SAFETY: the statement is live and `index` one of its parameters.
        let code = unsafe { ffi::sqlite3_bind_int64(self.raw.as_ptr(), index, value) };
        self.connection.check(code)
    }

    pub fn bind_text(&mut self, number: usize, value: &str) -> Result<(), Error> {
        let Some(index) = self.parameter(number) else {
            return Ok(());
        };
        let length = c_int::try_from(value.len()).map_err(|_| Error::other("text too long"))?;
        // SAFETY: `value` is valid for `length` bytes, and SQLITE_TRANSIENT makes SQLite copy it.
        let code = unsafe {
            ffi::sqlite3_bind_text(
                self.raw.as_ptr(),
                index,
                value.as_ptr().cast(),
                length,
                ffi::SQLITE_TRANSIENT(),
            )
        };
        self.connection.check(code)
    }

    /// Moves to the next row; false after the last.
    pub fn step(&mut self) -> Result<bool, Error> {
        // SAFETY: the statement is live.
        let code = unsafe { ffi::sqlite3_step(self.raw.as_ptr()) };
        self.connection.check(code)?;
        Ok(code == ffi::SQLITE_ROW)
    }

    /// Column `column` of the current row, an integer.
    pub fn int(&self, column: c_int) -> Result<i64, Error> {
        self.expect_type(column, ffi::SQLITE_INTEGER)?;
        // SAFETY: the statement is on a row and the column an integer.
        Ok(unsafe { ffi::sqlite3_column_int64(self.raw.as_ptr(), column) })
    }

    /// Column `column` of the current row, text, copied out.
    pub fn text(&self, column: c_int) -> Result<String, Error> {
        self.expect_type(column, ffi::SQLITE_TEXT)?;
        // SAFETY: the statement is on a row and the column text: SQLite returns its bytes (then
        // their count), valid until the next step, and they are copied before that.
        let bytes = unsafe {
            let text = ffi::sqlite3_column_text(self.raw.as_ptr(), column);
            let length = ffi::sqlite3_column_bytes(self.raw.as_ptr(), column);
            if text.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(text, usize::try_from(length).unwrap_or(0))
            }
        };
        String::from_utf8(bytes.to_vec()).map_err(|_| Error::other("text is not UTF-8"))
    }

    fn expect_type(&self, column: c_int, expected: c_int) -> Result<(), Error> {
        // SAFETY: the statement is on a row.
        let found = unsafe { ffi::sqlite3_column_type(self.raw.as_ptr(), column) };
        if found == expected {
            Ok(())
        } else {
            Err(Error::other(format!(
                "column {column} has type {found}, expected {expected}"
            )))
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is live and not used after this.
        unsafe { ffi::sqlite3_finalize(self.raw.as_ptr()) };
    }
}
