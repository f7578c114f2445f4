//! Stations and accounts, managed from the command line (`doorstep-server admin …`). There is no
//! sign-up: an operator with access to the database creates every station and account here. Each
//! change is written to the audit trail with the operator ([`audit::OPERATOR`]) as its actor;
//! passwords never are.

use crate::audit::{self, Action, Event};
use crate::auth::{hash_password, new_token, random_password, Role};
use crate::clock::now_ms;
use crate::db::{Db, WriteTx};
use crate::login_limit;
use sqlx::AnyConnection;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("there is no station named {0:?}")]
    UnknownStation(String),
    #[error("there is no account with username {0:?}")]
    UnknownAccount(String),
    #[error("{0}")]
    Duplicate(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// What `create-account` needs; the password is generated.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub station: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub staff_no: &'a str,
    pub role: Role,
}

/// One line of `list-accounts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountListing {
    pub station: String,
    pub username: String,
    pub role: String,
    pub display_name: String,
    pub staff_no: String,
}

/// A new password, to be shown once, and how many sessions the reset ended.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub password: String,
    pub revoked_sessions: u64,
}

/// Creates a station with its own preference-book salt; returns its id.
pub async fn create_station(db: &Db, name: &str) -> Result<i64, AdminError> {
    let name = required("station name", name)?;
    let mut tx = db.begin_write().await?;
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO stations (name, created_at, preference_salt) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(now_ms())
    .bind(new_token())
    .fetch_one(&mut **tx)
    .await;
    let (id,) = inserted
        .map_err(|e| duplicate_or(e, || format!("a station named {name:?} already exists")))?;
    record(&mut tx, id, Action::CreateStation, name, "").await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates an account at an existing station and returns its generated password, which is
/// stored only as a hash.
pub async fn create_account(db: &Db, account: &NewAccount<'_>) -> Result<String, AdminError> {
    let username = required("username", account.username)?;
    if username
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AdminError::Invalid(format!(
            "the username {username:?} may not contain spaces"
        )));
    }
    if username.chars().count() > crate::auth::MAX_USERNAME_CHARS {
        return Err(AdminError::Invalid(format!(
            "a username has at most {} characters",
            crate::auth::MAX_USERNAME_CHARS
        )));
    }
    let display_name = required("display name", account.display_name)?;
    let staff_no = required("staff number", account.staff_no)?;
    let password = random_password();
    // One hash on the command line: blocking here holds up nothing else.
    let hash = hash_password(&password);
    let mut tx = db.begin_write().await?;
    let station_id = station_id(&mut tx, account.station).await?;
    sqlx::query(
        "INSERT INTO accounts (station_id, username, display_name, staff_no, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(station_id)
    .bind(username)
    .bind(display_name)
    .bind(staff_no)
    .bind(account.role.code())
    .bind(hash)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(|e| duplicate_or(e, || format!("an account named {username:?} already exists")))?;
    let role = account.role.code();
    record(&mut tx, station_id, Action::CreateAccount, username, role).await?;
    tx.commit().await?;
    Ok(password)
}

/// Gives an account a new generated password and ends all its sessions, so whoever knew the old
/// one is signed out everywhere. Its failed sign-ins are forgotten, so its owner can sign in at
/// once.
pub async fn reset_password(db: &Db, username: &str) -> Result<PasswordReset, AdminError> {
    let username = username.trim();
    let password = random_password();
    let hash = hash_password(&password);
    let mut tx = db.begin_write().await?;
    let (account_id, station_id) = account(&mut tx, username).await?;
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    let revoked_sessions = revoke_sessions(&mut tx, account_id).await?;
    login_limit::forget_account(&mut **tx, username).await?;
    let detail = format!("{revoked_sessions} sessions ended");
    record(
        &mut tx,
        station_id,
        Action::ResetPassword,
        username,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordReset {
        password,
        revoked_sessions,
    })
}

/// Ends every session and device token of an account (a lost phone, someone leaving); returns how
/// many were still open. The password stays.
pub async fn revoke_devices(db: &Db, username: &str) -> Result<u64, AdminError> {
    let mut tx = db.begin_write().await?;
    let username = username.trim();
    let (account_id, station_id) = account(&mut tx, username).await?;
    let revoked = revoke_sessions(&mut tx, account_id).await?;
    let detail = format!("{revoked} sessions ended");
    record(
        &mut tx,
        station_id,
        Action::RevokeDevices,
        username,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(revoked)
}

/// Longest retention of real-name data a station may set, in days (about 30 years).
pub const MAX_ID_RETENTION_DAYS: i64 = 11_000;

/// Sets how many days a station keeps senders' identities (实名收寄 records) before they are
/// deleted; the default is 1,095 (3 years).
pub async fn set_id_retention(db: &Db, station: &str, days: i64) -> Result<(), AdminError> {
    if !(1..=MAX_ID_RETENTION_DAYS).contains(&days) {
        return Err(AdminError::Invalid(format!(
            "the retention is 1 to {MAX_ID_RETENTION_DAYS} days"
        )));
    }
    let mut tx = db.begin_write().await?;
    let station_id = station_id(&mut tx, station).await?;
    sqlx::query("UPDATE stations SET id_retention_days = $1 WHERE id = $2")
        .bind(days)
        .bind(station_id)
        .execute(&mut **tx)
        .await?;
    let detail = format!("{days} days");
    record(
        &mut tx,
        station_id,
        Action::IdRetention,
        station.trim(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every account, or one station's, by station and username.
pub async fn list_accounts(
    db: &Db,
    station: Option<&str>,
) -> Result<Vec<AccountListing>, AdminError> {
    const SELECT: &str = "SELECT s.name, a.username, a.role, a.display_name, a.staff_no \
                          FROM accounts a JOIN stations s ON s.id = a.station_id";
    let rows: Vec<(String, String, String, String, String)> = match station {
        Some(name) => {
            let mut conn = db.pool.acquire().await?;
            let id = station_id(&mut conn, name).await?;
            sqlx::query_as(&format!(
                "{SELECT} WHERE a.station_id = $1 ORDER BY a.username"
            ))
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query_as(&format!("{SELECT} ORDER BY s.name, a.username"))
                .fetch_all(&db.pool)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(
            |(station, username, role, display_name, staff_no)| AccountListing {
                station,
                username,
                role,
                display_name,
                staff_no,
            },
        )
        .collect())
}

/// A field that must not be blank, trimmed.
fn required<'a>(what: &str, value: &'a str) -> Result<&'a str, AdminError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AdminError::Invalid(format!("the {what} may not be empty")));
    }
    Ok(value)
}

/// A unique violation becomes a message naming what already exists.
fn duplicate_or(error: sqlx::Error, message: impl FnOnce() -> String) -> AdminError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => AdminError::Duplicate(message()),
        _ => AdminError::Database(error),
    }
}

async fn station_id(conn: &mut AnyConnection, name: &str) -> Result<i64, AdminError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM stations WHERE name = $1")
        .bind(name.trim())
        .fetch_optional(conn)
        .await?;
    row.map(|(id,)| id)
        .ok_or_else(|| AdminError::UnknownStation(name.to_string()))
}

/// The account's id and station.
async fn account(conn: &mut AnyConnection, username: &str) -> Result<(i64, i64), AdminError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, station_id FROM accounts WHERE username = $1")
            .bind(username.trim())
            .fetch_optional(conn)
            .await?;
    row.ok_or_else(|| AdminError::UnknownAccount(username.to_string()))
}

/// Appends the operator's change to the audit trail, inside the change's own transaction.
async fn record(
    tx: &mut WriteTx,
    station_id: i64,
    action: Action,
    subject: &str,
    detail: &str,
) -> Result<(), AdminError> {
    let event = Event {
        actor_id: audit::OPERATOR,
        station_id,
        action,
        subject,
        detail,
    };
    audit::append(tx, &event).await?;
    Ok(())
}

async fn revoke_sessions(conn: &mut AnyConnection, account_id: i64) -> Result<u64, AdminError> {
    let result = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}
