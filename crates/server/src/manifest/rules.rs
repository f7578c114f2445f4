//! The station's area rules: which courier gets a manifest row that names no courier, by its
//! area code or its compound. Replaced as a whole by the supervisor.

use crate::audit::{self, Action, Event};
use crate::db::{rows_per_statement, Db, Placeholders};
use crate::error::{ApiError, FieldProblem, Text};
use crate::manifest::assign::unknown_courier;
use crate::manifest::lookup;
use crate::session::Caller;
use doorstep_core::assignment::AreaRule;
use doorstep_core::manifest::MAX_CELL_CHARS;
use doorstep_core::Lang;
use std::collections::HashSet;

/// Most rules a station keeps.
pub const MAX_RULES: usize = 5_000;

/// The station's rules, by key.
pub async fn list(db: &Db, station_id: i64) -> Result<Vec<AreaRule>, ApiError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.key, a.username FROM area_rules r JOIN accounts a ON a.id = r.courier_id \
         WHERE r.station_id = $1 ORDER BY r.key",
    )
    .bind(station_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, courier)| AreaRule { key, courier })
        .collect())
}

/// Replaces the station's rules; a blank, overlong or repeated key, or a courier who is not the
/// station's, refuses the whole list (422) naming the rule.
pub async fn replace(
    db: &Db,
    caller: &Caller,
    rules: &[AreaRule],
    lang: Lang,
) -> Result<(), ApiError> {
    if rules.len() > MAX_RULES {
        return Err(invalid(
            "rules".into(),
            Text::new(
                format!("最多 {MAX_RULES} 条片区规则"),
                format!("at most {MAX_RULES} area rules"),
            ),
            lang,
        ));
    }
    let mut seen = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let key = rule.key.trim();
        let unreadable = key.contains(char::is_control) || rule.courier.contains(char::is_control);
        if key.is_empty() || key.chars().count() > MAX_CELL_CHARS || unreadable || !seen.insert(key)
        {
            return Err(invalid(
                format!("[{i}].key"),
                Text::new(
                    format!("第 {} 条片区规则的编码为空、过长、重复或含控制字符", i + 1),
                    format!(
                        "area rule {} is blank, too long, repeated or holds control characters",
                        i + 1
                    ),
                ),
                lang,
            ));
        }
    }
    let mut tx = db.begin_write().await?;
    let couriers = lookup::couriers(&mut tx, caller.station_id).await?;
    let mut resolved = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        let key = rule.key.trim();
        match couriers.get(rule.courier.trim()) {
            Some(id) => resolved.push((key, *id)),
            None => return Err(unknown_courier(&format!("[{i}].courier"), key, lang)),
        }
    }
    sqlx::query("DELETE FROM area_rules WHERE station_id = $1")
        .bind(caller.station_id)
        .execute(&mut **tx)
        .await?;
    for chunk in resolved.chunks(rows_per_statement(3)) {
        let sql = format!(
            "INSERT INTO area_rules (station_id, key, courier_id) VALUES {}",
            Placeholders::of(&tx).rows(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for (key, courier_id) in chunk {
            query = query.bind(caller.station_id).bind(*key).bind(*courier_id);
        }
        query.execute(&mut **tx).await?;
    }
    audit::append(
        &mut tx,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: Action::AreaRules,
            subject: "",
            detail: &format!("rules={}", resolved.len()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn invalid(field: String, message: Text, lang: Lang) -> ApiError {
    ApiError::Unprocessable {
        code: "invalid_area_rules",
        details: vec![FieldProblem {
            field,
            message: message.get(lang).to_string(),
        }],
        message,
    }
}
