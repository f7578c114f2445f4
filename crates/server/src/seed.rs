//! First-start demo data: one station with one courier and one supervisor, so a newcomer can sign
//! in at once. Passwords are random and printed once; only their hashes are stored.

use crate::auth::{hash_password, random_password, Role};
use crate::clock::now_ms;
use crate::db::Db;

/// Sign-in details of a freshly created demo account.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: Role,
    pub username: String,
    pub password: String,
}

pub const DEMO_STATION: &str = "长宁愚园路站";

/// Creates the demo station and accounts when the database has no account yet; returns what it
/// created (nothing on later starts).
pub async fn seed_demo(db: &Db) -> Result<Vec<DemoAccount>, sqlx::Error> {
    let (accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(&db.pool)
        .await?;
    if accounts > 0 {
        return Ok(Vec::new());
    }
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let (station_id,): (i64,) = sqlx::query_as(
        "INSERT INTO stations (name, created_at, preference_salt) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(DEMO_STATION)
    .bind(now)
    .bind(crate::auth::new_token())
    .fetch_one(&mut *tx)
    .await?;
    let mut created = Vec::new();
    for (role, username, display_name, staff_no) in [
        (Role::Courier, "courier", "王师傅", "SH-0217"),
        (Role::Supervisor, "supervisor", "李站长", "SH-0001"),
    ] {
        let password = random_password();
        let hash = tokio::task::spawn_blocking({
            let password = password.clone();
            move || hash_password(&password)
        })
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        sqlx::query(
            "INSERT INTO accounts (station_id, username, display_name, staff_no, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(station_id)
        .bind(username)
        .bind(display_name)
        .bind(staff_no)
        .bind(role.code())
        .bind(hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        created.push(DemoAccount {
            role,
            username: username.to_string(),
            password,
        });
    }
    tx.commit().await?;
    Ok(created)
}
