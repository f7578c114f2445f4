//! Limits on failed sign-ins, per username and per client address. The failures live in the
//! database (`login_failures`), not in the process, so every server instance on one PostgreSQL
//! sees the same counts.

use crate::auth::{millis, AuthPolicy};
use crate::clock::now_ms;
use crate::db::Db;
use crate::error::ApiError;

/// A sign-in attempt being checked. It is stored as a failure before the password is verified,
/// so parallel guesses count against each other instead of all slipping under the limit; a
/// success takes it back.
pub struct Attempt {
    id: i64,
    username: String,
}

impl Attempt {
    /// Records the attempt, or refuses it (and forgets it) while the username or the address has
    /// had too many failures within the window.
    pub async fn begin(
        db: &Db,
        policy: &AuthPolicy,
        username: &str,
        address: &str,
    ) -> Result<Attempt, ApiError> {
        let now = now_ms();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(username)
        .bind(address)
        .bind(now)
        .fetch_one(&db.pool)
        .await?;
        let window = millis(policy.failure_window);
        let by_account = blocked_until(
            db,
            Key::Username,
            username,
            id,
            now,
            window,
            policy.account_failures,
        )
        .await?;
        let by_address = blocked_until(
            db,
            Key::Address,
            address,
            id,
            now,
            window,
            policy.address_failures,
        )
        .await?;
        let until = by_account.max(by_address);
        let Some(until) = until else {
            return Ok(Attempt {
                id,
                username: username.to_string(),
            });
        };
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(id)
            .execute(&db.pool)
            .await?;
        let wait_ms = u64::try_from(until - now).unwrap_or(0);
        Err(ApiError::TooManyRequests {
            retry_after_secs: wait_ms.div_ceil(1000).max(1),
        })
    }

    /// The password was wrong: the attempt stays a failure. Failures that have left the window
    /// are purged here, where failures are made, so the table stays the size of one window.
    pub async fn failed(self, db: &Db, policy: &AuthPolicy) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(now_ms() - millis(policy.failure_window))
            .execute(&db.pool)
            .await?;
        Ok(())
    }

    /// The password was right: the attempt was no failure, and the account's earlier failures stop
    /// counting against it. They keep counting against their addresses, so a guesser who also
    /// owns an account cannot reset their address by signing in.
    pub async fn succeeded(self, db: &Db) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(self.id)
            .execute(&db.pool)
            .await?;
        forget_account(&db.pool, &self.username).await
    }
}

/// Stops counting a username's failures against it (an administrator's password reset does this
/// too, so the account's owner can sign in at once).
pub async fn forget_account<'e, E>(executor: E, username: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("UPDATE login_failures SET username = NULL WHERE username = $1")
        .bind(username)
        .execute(executor)
        .await?;
    Ok(())
}

#[derive(Clone, Copy)]
enum Key {
    Username,
    Address,
}

/// When attempts for this key may start again: when its `limit`-th newest failure within the
/// window (other than attempt `own`) leaves the window. `None` while fewer than `limit` failures
/// are in it.
async fn blocked_until(
    db: &Db,
    key: Key,
    value: &str,
    own: i64,
    now: i64,
    window: i64,
    limit: u32,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = match key {
        Key::Username => {
            "SELECT at FROM login_failures WHERE username = $1 AND at > $2 AND id <> $3 \
             ORDER BY at DESC LIMIT $4"
        }
        Key::Address => {
            "SELECT at FROM login_failures WHERE address = $1 AND at > $2 AND id <> $3 \
             ORDER BY at DESC LIMIT $4"
        }
    };
    let newest: Vec<(i64,)> = sqlx::query_as(sql)
        .bind(value)
        .bind(now - window)
        .bind(own)
        .bind(i64::from(limit))
        .fetch_all(&db.pool)
        .await?;
    if newest.len() < limit as usize {
        return Ok(None);
    }
    Ok(newest.last().map(|(at,)| at + window))
}
