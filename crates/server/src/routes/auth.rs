//! Sign-in and sign-out for couriers' devices and supervisors.

use crate::auth::{open_session, token_hash, verify_password, Caller};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use doorstep_core::api::{Account, LoginRequest, LoginResponse};

/// Signs in with a username and password and returns a bearer token.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<ApiJson<LoginResponse>, ApiError> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM accounts WHERE username = $1")
            .bind(request.username.trim())
            .fetch_optional(&state.db.pool)
            .await?;
    // Verify against a dummy hash when the account is unknown, so timing does not tell.
    let (id, hash) = row.unwrap_or((0, state.dummy_password_hash.to_string()));
    let password = request.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    if !ok || id == 0 {
        return Err(ApiError::WrongCredentials);
    }
    let token = open_session(&state, id).await?;
    let account = account(&state, id).await?;
    let (preference_salt,): (String,) = sqlx::query_as(
        "SELECT s.preference_salt FROM stations s JOIN accounts a ON a.station_id = s.id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    Ok(ApiJson(LoginResponse {
        token,
        account,
        preference_salt,
    }))
}

/// Ends the session of the token used for this request.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = crate::auth::bearer(&headers).ok_or(ApiError::Unauthorized)?;
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2")
        .bind(crate::now_ms())
        .bind(token_hash(token))
        .execute(&state.db.pool)
        .await?;
    Ok(StatusCode::NO_CONTENT)
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
        role,
        station,
    })
}
