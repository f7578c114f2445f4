//! The station's photo settings: the proof rule per delivery method and the retention period,
//! kept on the station's row. Devices fetch them; the sync refuses a delivery that breaks them.

use crate::audit::{self, Action, Event};
use crate::db::Db;
use crate::error::{ApiError, FieldProblem, Text};
use crate::session::Caller;
use doorstep_core::proof::{ProofRule, ProofRules};
use doorstep_core::Lang;

/// The station's settings; a stored code this build does not know reads as the default.
pub async fn load(db: &Db, station_id: i64) -> Result<ProofRules, sqlx::Error> {
    let row: Option<(String, String, String, i64)> = sqlx::query_as(
        "SELECT proof_door, proof_locker, proof_station, photo_retention_days \
         FROM stations WHERE id = $1",
    )
    .bind(station_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((door, locker, station, days)) = row else {
        return Ok(ProofRules::default());
    };
    let rule = |code: &str| ProofRule::from_code(code).unwrap_or_default();
    Ok(ProofRules {
        door: rule(&door),
        locker: rule(&locker),
        station: rule(&station),
        retention_days: u32::try_from(days).unwrap_or(u32::MAX),
    })
}

/// Replaces the station's settings (422 naming the field when out of range), audited with the
/// new values.
pub async fn save(
    db: &Db,
    caller: &Caller,
    rules: &ProofRules,
    lang: Lang,
) -> Result<(), ApiError> {
    if let Err(problem) = rules.check() {
        return Err(ApiError::Unprocessable {
            code: "invalid_proof_rules",
            message: Text::new(problem.message(Lang::Zh), problem.message(Lang::En)),
            details: vec![FieldProblem {
                field: "retention_days".into(),
                message: problem.message(lang).into(),
            }],
        });
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE stations SET proof_door = $1, proof_locker = $2, proof_station = $3, \
         photo_retention_days = $4 WHERE id = $5",
    )
    .bind(rules.door.code())
    .bind(rules.locker.code())
    .bind(rules.station.code())
    .bind(i64::from(rules.retention_days))
    .bind(caller.station_id)
    .execute(&mut **tx)
    .await?;
    let detail = format!(
        "door={} locker={} station={} retention_days={}",
        rules.door.code(),
        rules.locker.code(),
        rules.station.code(),
        rules.retention_days
    );
    audit::append(
        &mut tx,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: Action::ProofRules,
            subject: "station",
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
