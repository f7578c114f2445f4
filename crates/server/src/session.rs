//! Who is calling: the extractors that find a request's signed-in account from its session, and
//! the session a sign-in opens.

use crate::auth::{millis, new_token, session_token, token_hash, Role, CSRF_HEADER};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The signed-in account behind a request's `Authorization: Bearer` token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub station_id: i64,
    pub role: Role,
    /// The session's key, by which a long request (a live stream) checks it is still open.
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (token, from_cookie) =
            session_token(parts, state.policy.tls).ok_or(ApiError::Unauthorized)?;
        let token_hash = token_hash(token);
        let OpenSession {
            account_id,
            station_id,
            role,
            created_at,
            last_seen_at,
            csrf_hash,
        } = OpenSession::load(state, &token_hash)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if from_cookie && !parts.method.is_safe() {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(crate::auth::token_hash);
            if sent.is_none() || sent != csrf_hash {
                return Err(ApiError::CsrfRejected);
            }
        }
        let now = now_ms();
        if state
            .policy
            .session_expired(role, created_at, last_seen_at, now)
        {
            return Err(ApiError::SessionExpired);
        }
        if now - last_seen_at >= millis(state.policy.last_seen_every) {
            // Through the writer's turn, as every write (see `Db::begin_write`).
            let mut tx = state.db.begin_write().await?;
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&token_hash)
                .execute(&mut **tx)
                .await?;
            tx.commit().await?;
        }
        Ok(Caller {
            account_id,
            station_id,
            role,
            token_hash,
        })
    }
}

/// A session not signed out, with its account.
struct OpenSession {
    account_id: i64,
    station_id: i64,
    role: Role,
    created_at: i64,
    last_seen_at: i64,
    csrf_hash: Option<String>,
}

impl OpenSession {
    async fn load(state: &AppState, token_hash: &str) -> Result<Option<OpenSession>, sqlx::Error> {
        let row: Option<(i64, i64, String, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT a.id, a.station_id, a.role, s.created_at, s.last_seen_at, s.csrf_hash \
             FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&state.db.pool)
        .await?;
        Ok(row.and_then(
            |(account_id, station_id, role, created_at, last_seen_at, csrf_hash)| {
                Some(OpenSession {
                    account_id,
                    station_id,
                    role: Role::from_code(&role)?,
                    created_at,
                    last_seen_at,
                    csrf_hash,
                })
            },
        ))
    }
}

/// Whether the session is still open: not signed out, not expired. Asking does not count as the
/// account's activity, so an open stream never keeps an idle session alive.
pub async fn still_open(state: &AppState, token_hash: &str) -> Result<bool, sqlx::Error> {
    let open = OpenSession::load(state, token_hash).await?;
    Ok(open.is_some_and(|s| {
        !state
            .policy
            .session_expired(s.role, s.created_at, s.last_seen_at, now_ms())
    }))
}

/// A caller who must be a courier.
pub struct Courier(pub Caller);

impl FromRequestParts<AppState> for Courier {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.role {
            Role::Courier => Ok(Courier(caller)),
            Role::Supervisor | Role::Admin => Err(ApiError::Forbidden),
        }
    }
}

/// A caller who may review a station's logs: a supervisor or an admin.
pub struct Supervisor(pub Caller);

impl FromRequestParts<AppState> for Supervisor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.role {
            Role::Supervisor | Role::Admin => Ok(Supervisor(caller)),
            Role::Courier => Err(ApiError::Forbidden),
        }
    }
}

/// Opens a new session (a new id at every sign-in) and returns its token, and for a browser
/// session its CSRF token, both shown to the client once.
pub async fn open_session(
    state: &AppState,
    account_id: i64,
    browser: bool,
) -> Result<(String, Option<String>), ApiError> {
    let token = new_token();
    let csrf = browser.then(new_token);
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, csrf_hash) VALUES ($1, $2, $3, $3, $4)")
        .bind(token_hash(&token))
        .bind(account_id)
        .bind(now)
        .bind(csrf.as_deref().map(token_hash))
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    Ok((token, csrf))
}
