//! Passwords, bearer tokens and the extractors that tell a handler who is calling.

use crate::{error::ApiError, now_ms, AppState};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Courier,
    Supervisor,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Courier => "courier",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    fn from_code(code: &str) -> Option<Role> {
        [Role::Courier, Role::Supervisor, Role::Admin]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// Argon2id with the crate's defaults, which are OWASP's minimum (19 MiB, 2 passes, 1 lane).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh 256-bit token from the OS CSPRNG, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as their SHA-256, so a database leak does not leak sessions.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// The signed-in account behind a request's `Authorization: Bearer` token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub station_id: i64,
    pub role: Role,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT a.id, a.station_id, a.role FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(&state.db.pool)
        .await?;
        let (account_id, station_id, role) = row.ok_or(ApiError::Unauthorized)?;
        let role = Role::from_code(&role).ok_or(ApiError::Unauthorized)?;
        Ok(Caller {
            account_id,
            station_id,
            role,
        })
    }
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
            _ => Err(ApiError::Forbidden),
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

/// Opens a session for an account and returns its token (shown to the client once).
pub async fn open_session(state: &AppState, account_id: i64) -> Result<String, ApiError> {
    let token = new_token();
    let now = now_ms();
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
        .bind(token_hash(&token))
        .bind(account_id)
        .bind(now)
        .execute(&state.db.pool)
        .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_unique_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
