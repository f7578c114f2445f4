//! `POST /records/{id}/identity/reveal`: a supervisor sees one sender's ID number, with a stated
//! reason written to the audit chain (PIPL Art. 28: sensitive personal information).

use crate::audit::{self, Action, Event};
use crate::error::{ApiError, ErrorBody, Text};
use crate::extract::{ApiJson, ApiPath};
use crate::records::identities::{self, RevealError};
use crate::records::query::station_record;
use crate::session::Supervisor;
use crate::state::AppState;
use axum::extract::State;
use doorstep_core::api::{RevealRequest, RevealedIdentity};

/// Longest reason, in characters.
const MAX_REASON_CHARS: usize = 500;

/// The unmasked number and name of the record's current revision. Audited before it is answered.
#[utoipa::path(post, path = "/records/{id}/identity/reveal", tag = "records", request_body = RevealRequest,
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = RevealedIdentity), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reveal(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiPath(id): ApiPath<uuid::Uuid>,
    ApiJson(request): ApiJson<RevealRequest>,
) -> Result<ApiJson<RevealedIdentity>, ApiError> {
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::bad_request(
            "invalid_reason",
            Text::new(
                format!("请填写查看原因（1 到 {MAX_REASON_CHARS} 个字符）"),
                format!("state the reason, 1 to {MAX_REASON_CHARS} characters"),
            ),
        ));
    }
    let (row, _) = station_record(&state.db, caller.station_id, &id).await?;
    let document = row
        .record
        .sender_identity
        .as_ref()
        .map(|i| i.document)
        .ok_or(ApiError::NotFound)?;
    let secret = match identities::reveal(
        &state.db,
        &state.id_vault,
        caller.station_id,
        &id.to_string(),
    )
    .await
    {
        Ok(secret) => secret,
        Err(RevealError::NotKept) => return Err(ApiError::NotFound),
        Err(RevealError::NoKey) => {
            return Err(ApiError::Conflict(Text::new(
                "服务器没有能解密该证件号码的密钥",
                "no configured ID key opens this number",
            )))
        }
        Err(RevealError::Database(e)) => return Err(e.into()),
    };
    audit::append_alone(
        &state.db,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: Action::RevealIdentity,
            subject: &id.to_string(),
            detail: reason,
        },
    )
    .await?;
    Ok(ApiJson(RevealedIdentity {
        document,
        number: secret.number,
        name: secret.name,
    }))
}
