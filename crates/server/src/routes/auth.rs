//! Sign-in and sign-out for couriers' devices and supervisors.

use crate::auth::{
    cleared_cookies, session_cookies, session_token, token_hash, verify_password, Role,
    MAX_PASSWORD_BYTES, MAX_USERNAME_CHARS,
};
use crate::error::{ApiError, ErrorBody, Text};
use crate::extract::ApiJson;
use crate::login_limit::Attempt;
use crate::rate_limit::ClientAddress;
use crate::session::{open_session, Caller};
use crate::state::AppState;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use doorstep_core::api::{Account, LoginRequest, LoginResponse};

/// Signs in with a username and password: a bearer token for devices and API clients, or for a
/// supervisor's browser (`cookie: true`) an HttpOnly session cookie plus a CSRF cookie.
///
/// Refused with 429 and `Retry-After`, before any password is checked, while the username or the
/// client address has had too many failed sign-ins lately (see `AuthPolicy`).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let username = request.username.trim();
    if username.chars().count() > MAX_USERNAME_CHARS || request.password.len() > MAX_PASSWORD_BYTES
    {
        return Err(ApiError::bad_request(
            "invalid_login",
            Text::new(
                format!(
                    "用户名最多 {MAX_USERNAME_CHARS} 个字符，密码最多 {MAX_PASSWORD_BYTES} 字节"
                ),
                format!(
                    "a username has at most {MAX_USERNAME_CHARS} characters and a password at most {MAX_PASSWORD_BYTES} bytes"
                ),
            ),
        ));
    }
    // Unknown usernames are limited too, so a 429 does not tell which accounts exist.
    let attempt = Attempt::begin(&state.db, &state.policy, username, &address).await?;
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM accounts WHERE username = $1")
            .bind(username)
            .fetch_optional(&state.db.pool)
            .await?;
    // Verify against a dummy hash when the account is unknown, so timing does not tell.
    let (id, hash) = row.unwrap_or((0, state.dummy_password_hash.to_string()));
    let password = request.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    if !ok || id == 0 {
        attempt.failed(&state.db, &state.policy).await?;
        return Err(ApiError::WrongCredentials);
    }
    attempt.succeeded(&state.db).await?;
    let account = account(&state, id).await?;
    let browser = request.cookie && account.role != Role::Courier;
    let (token, csrf) = open_session(&state, id, browser).await?;
    let (preference_salt,): (String,) = sqlx::query_as(
        "SELECT s.preference_salt FROM stations s JOIN accounts a ON a.station_id = s.id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    let mut response = ApiJson(LoginResponse {
        token: if browser {
            String::new()
        } else {
            token.clone()
        },
        account,
        preference_salt,
    })
    .into_response();
    if let Some(csrf) = csrf {
        for cookie in session_cookies(state.policy.tls, &token, &csrf) {
            let value =
                HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(Box::new(e)))?;
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// The session token a request came with, for sign-out.
pub struct SessionToken(String);

impl axum::extract::FromRequestParts<AppState> for SessionToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        session_token(parts, state.policy.tls)
            .map(|(token, _)| SessionToken(token.to_string()))
            .ok_or(ApiError::Unauthorized)
    }
}

/// Ends the session used for this request (and clears a browser's session cookies).
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    _caller: Caller,
    SessionToken(token): SessionToken,
) -> Result<Response, ApiError> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2")
        .bind(crate::clock::now_ms())
        .bind(token_hash(&token))
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    for cookie in cleared_cookies(state.policy.tls) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// The signed-in account.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = Account), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<Account>, ApiError> {
    Ok(ApiJson(account(&state, caller.account_id).await?))
}

async fn account(state: &AppState, id: i64) -> Result<Account, ApiError> {
    let (username, display_name, staff_no, role, station): (
        String,
        String,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT a.username, a.display_name, a.staff_no, a.role, s.name \
             FROM accounts a JOIN stations s ON s.id = a.station_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    Ok(Account {
        username,
        display_name,
        staff_no,
        role: Role::from_code(&role).ok_or(ApiError::Unauthorized)?,
        station,
    })
}
