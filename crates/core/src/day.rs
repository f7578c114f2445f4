//! Calendar days in Shanghai time (UTC+8, no daylight saving): the day a manifest is for, a
//! parcel's due date, the day a coverage report counts.

use crate::time::Millis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Milliseconds from UTC to Shanghai time.
pub const SHANGHAI_OFFSET_MS: Millis = 8 * 60 * 60 * 1000;
/// Milliseconds in a day.
pub const DAY_MS: Millis = 24 * 60 * 60 * 1000;

/// Days since 1970-01-01 in Shanghai time. On the wire it is the ISO date, `2026-12-07`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day(pub i64);

impl Day {
    /// The Shanghai day an instant falls on.
    pub fn of(ms: Millis) -> Day {
        Day((ms + SHANGHAI_OFFSET_MS).div_euclid(DAY_MS))
    }

    /// The instant the day starts (00:00 Shanghai).
    pub fn start_ms(self) -> Millis {
        self.0 * DAY_MS - SHANGHAI_OFFSET_MS
    }

    /// The instant `minutes` after the day's start (a cut-off time of day).
    pub fn at_minute(self, minutes: u32) -> Millis {
        self.start_ms() + Millis::from(minutes) * 60_000
    }

    /// `(year, month, day)`, by Howard Hinnant's civil-from-days algorithm.
    pub fn civil(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(month <= 2), month, day)
    }

    /// The day of a civil date, or `None` when the date does not exist (2026-02-30) or its year
    /// does not have four digits, which ISO dates cannot write.
    pub fn from_civil(year: i64, month: u32, day: u32) -> Option<Day> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// Reads a date as spreadsheets and people write it: `2026-12-07`, `2026/12/7`, `2026.12.7`,
    /// `20261207`, `2026年12月7日`, optionally followed by a time of day, which is ignored.
    pub fn parse(input: &str) -> Option<Day> {
        let s = input.trim();
        let date = s.split([' ', 'T']).next().unwrap_or(s);
        if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
            let (y, rest) = date.split_at(4);
            let (m, d) = rest.split_at(2);
            return Day::from_civil(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        }
        let mut parts = date
            .split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty());
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 {
            return None;
        }
        Day::from_civil(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Day::parse(&text).ok_or_else(|| serde::de::Error::custom("not a date (YYYY-MM-DD)"))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Day {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Date,
            )))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Day {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_ways_dates_are_written() {
        let day = Day::from_civil(2026, 12, 7).unwrap();
        for text in [
            "2026-12-07",
            "2026/12/7",
            "2026.12.07",
            "20261207",
            "2026年12月7日",
            "2026-12-07 00:00:00",
            " 2026-12-07T08:00 ",
        ] {
            assert_eq!(Day::parse(text), Some(day), "{text}");
        }
        assert_eq!(day.to_string(), "2026-12-07");
        for bad in [
            "",
            "07/12/2026",
            "2026-02-30",
            "2026-13-01",
            "tomorrow",
            "2026-12",
            "0000-01-01",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Day::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        // Years before 1000 keep four digits, so the wire form stays an ISO date.
        assert_eq!(
            Day::parse("0050-03-31").map(|d| d.to_string()).as_deref(),
            Some("0050-03-31")
        );
    }

    #[test]
    fn a_day_starts_at_midnight_in_shanghai() {
        // 2023-11-14 22:13:20 UTC is 2023-11-15 06:13:20 in Shanghai.
        let day = Day::of(1_700_000_000_000);
        assert_eq!(day.to_string(), "2023-11-15");
        assert_eq!(Day::of(day.start_ms()), day);
        assert_eq!(Day::of(day.start_ms() - 1), Day(day.0 - 1));
        assert_eq!(day.at_minute(21 * 60) - day.start_ms(), 21 * 3_600_000);
    }

    proptest! {
        #[test]
        // From 0001-01-01 to 9999-12-31.
        fn civil_dates_round_trip(days in -719_162i64..2_932_897) {
            let day = Day(days);
            let (y, m, d) = day.civil();
            prop_assert_eq!(day.to_string().len(), 10);
            prop_assert_eq!(Day::from_civil(y, m, d), Some(day));
            prop_assert_eq!(Day::parse(&day.to_string()), Some(day));
        }
    }
}
