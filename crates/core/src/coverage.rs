//! Every parcel accounted for: the day's parcels of a courier or a station sorted into exactly one
//! bucket each by their record's outcome, with the parcels delivered late, the ones still without
//! an outcome after the station's cut-off, and compliance counted over all of them, so a parcel
//! without a record counts against the rates instead of vanishing from them.

use crate::compliance::ComplianceFlag;
use crate::day::Day;
use crate::record::OutcomeKind;
use crate::time::Millis;
use crate::Lang;
use serde::{Deserialize, Serialize};

/// Where a parcel of the day stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Door,
    Locker,
    Station,
    PickedUp,
    Failed,
    Refused,
    NoOutcome,
}

impl Bucket {
    pub const ALL: [Bucket; 7] = [
        Bucket::Door,
        Bucket::Locker,
        Bucket::Station,
        Bucket::PickedUp,
        Bucket::Failed,
        Bucket::Refused,
        Bucket::NoOutcome,
    ];

    /// The bucket of a parcel whose record has this outcome (or none, or no record at all).
    pub fn of(outcome: Option<OutcomeKind>) -> Bucket {
        match outcome {
            None => Bucket::NoOutcome,
            Some(OutcomeKind::DeliveredToRecipient | OutcomeKind::DeliveredToProxy) => Bucket::Door,
            Some(OutcomeKind::PlacedInLocker) => Bucket::Locker,
            Some(OutcomeKind::LeftAtStation) => Bucket::Station,
            Some(OutcomeKind::PickedUp) => Bucket::PickedUp,
            Some(OutcomeKind::FailedAttempt) => Bucket::Failed,
            Some(
                OutcomeKind::Refused
                | OutcomeKind::RefusedProhibitedItem
                | OutcomeKind::RefusedCheckDeclined,
            ) => Bucket::Refused,
        }
    }

    /// Whether the parcel changed hands (and so can be late).
    pub fn is_handed_over(self) -> bool {
        matches!(
            self,
            Bucket::Door | Bucket::Locker | Bucket::Station | Bucket::PickedUp
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            Bucket::Door => "door",
            Bucket::Locker => "locker",
            Bucket::Station => "station",
            Bucket::PickedUp => "picked_up",
            Bucket::Failed => "failed",
            Bucket::Refused => "refused",
            Bucket::NoOutcome => "no_outcome",
        }
    }

    pub fn from_code(code: &str) -> Option<Bucket> {
        Bucket::ALL.into_iter().find(|b| b.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use Lang::*;
        match (self, lang) {
            (Bucket::Door, Zh) => "送货上门",
            (Bucket::Door, En) => "Door",
            (Bucket::Locker, Zh) => "快件箱",
            (Bucket::Locker, En) => "Locker",
            (Bucket::Station, Zh) => "驿站",
            (Bucket::Station, En) => "Station",
            (Bucket::PickedUp, Zh) => "已揽收",
            (Bucket::PickedUp, En) => "Picked up",
            (Bucket::Failed, Zh) => "投递失败",
            (Bucket::Failed, En) => "Failed",
            (Bucket::Refused, Zh) => "拒收",
            (Bucket::Refused, En) => "Refused",
            (Bucket::NoOutcome, Zh) => "尚无结果",
            (Bucket::NoOutcome, En) => "No outcome yet",
        }
    }
}

/// What is known about one parcel of the day (or one record made for a parcel not on the
/// manifest): its due date and its record's current outcome and flags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParcelFacts {
    pub due: Option<Day>,
    /// Whether a record exists for it at all.
    pub recorded: bool,
    pub outcome: Option<OutcomeKind>,
    /// Device clock of the outcome.
    pub outcome_at: Option<Millis>,
    pub flags: Vec<ComplianceFlag>,
}

/// The day being counted and the clock it is counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayClock {
    pub day: Day,
    /// The station's cut-off, minutes after midnight (Shanghai).
    pub cutoff_minute: u32,
    /// Server clock now.
    pub now: Millis,
}

impl DayClock {
    /// Whether the day's cut-off has passed: after it, a parcel without an outcome is unaccounted.
    pub fn past_cutoff(&self) -> bool {
        self.now >= self.day.at_minute(self.cutoff_minute)
    }
}

/// The cut-off stations use unless they set their own: 21:00.
pub const DEFAULT_CUTOFF_MINUTE: u32 = 21 * 60;

/// One courier's or the station's day, counted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// Parcels of the day's manifest.
    pub assigned: u32,
    pub door: u32,
    pub locker: u32,
    pub station: u32,
    pub picked_up: u32,
    pub failed: u32,
    pub refused: u32,
    pub no_outcome: u32,
    /// Handed over after the day it was due (收投时间延误).
    pub late: u32,
    /// Without an outcome after the cut-off.
    pub unaccounted: u32,
    /// Records of the day for parcels not on the manifest (scanned at the door).
    pub unplanned: u32,
    /// Parcels and unplanned records with an outcome and no compliance flag.
    pub compliant: u32,
    /// Per rule, the parcels and unplanned records whose record raises it.
    pub flagged: Vec<RuleCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleCount {
    pub flag: ComplianceFlag,
    pub parcels: u32,
}

impl Coverage {
    /// Counts one parcel of the manifest.
    pub fn add_parcel(&mut self, parcel: &ParcelFacts, clock: &DayClock) {
        self.assigned += 1;
        let bucket = Bucket::of(parcel.outcome);
        *self.bucket_mut(bucket) += 1;
        if bucket == Bucket::NoOutcome && clock.past_cutoff() {
            self.unaccounted += 1;
        }
        if let (true, Some(due), Some(at)) =
            (bucket.is_handed_over(), parcel.due, parcel.outcome_at)
        {
            if Day::of(at) > due {
                self.late += 1;
            }
        }
        self.add_compliance(parcel);
    }

    /// Counts one record made for a parcel that is not on the manifest.
    pub fn add_unplanned(&mut self, record: &ParcelFacts) {
        self.unplanned += 1;
        self.add_compliance(record);
    }

    fn add_compliance(&mut self, parcel: &ParcelFacts) {
        if parcel.recorded && parcel.outcome.is_some() && parcel.flags.is_empty() {
            self.compliant += 1;
        }
        for flag in &parcel.flags {
            match self.flagged.iter_mut().find(|r| r.flag == *flag) {
                Some(rule) => rule.parcels += 1,
                None => {
                    self.flagged.push(RuleCount {
                        flag: *flag,
                        parcels: 1,
                    });
                    self.flagged.sort_by_key(|r| r.flag);
                }
            }
        }
    }

    /// Adds another courier's counts into these (the station's total).
    pub fn merge(&mut self, other: &Coverage) {
        self.assigned += other.assigned;
        for bucket in Bucket::ALL {
            *self.bucket_mut(bucket) += other.bucket(bucket);
        }
        self.late += other.late;
        self.unaccounted += other.unaccounted;
        self.unplanned += other.unplanned;
        self.compliant += other.compliant;
        for rule in &other.flagged {
            match self.flagged.iter_mut().find(|r| r.flag == rule.flag) {
                Some(mine) => mine.parcels += rule.parcels,
                None => self.flagged.push(rule.clone()),
            }
        }
        self.flagged.sort_by_key(|r| r.flag);
    }

    pub fn bucket(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::Door => self.door,
            Bucket::Locker => self.locker,
            Bucket::Station => self.station,
            Bucket::PickedUp => self.picked_up,
            Bucket::Failed => self.failed,
            Bucket::Refused => self.refused,
            Bucket::NoOutcome => self.no_outcome,
        }
    }

    fn bucket_mut(&mut self, bucket: Bucket) -> &mut u32 {
        match bucket {
            Bucket::Door => &mut self.door,
            Bucket::Locker => &mut self.locker,
            Bucket::Station => &mut self.station,
            Bucket::PickedUp => &mut self.picked_up,
            Bucket::Failed => &mut self.failed,
            Bucket::Refused => &mut self.refused,
            Bucket::NoOutcome => &mut self.no_outcome,
        }
    }

    /// Everything compliance is counted over: the manifest's parcels and the unplanned records.
    pub fn total(&self) -> u32 {
        self.assigned + self.unplanned
    }

    /// Share of all parcels with a lawful outcome, per mille (1000 for an empty day).
    pub fn compliance_permille(&self) -> u32 {
        permille(self.compliant, self.total())
    }

    /// Share of all parcels recorded without breaking `flag`, per mille; a parcel without a
    /// record has not kept the rule either.
    pub fn rule_permille(&self, flag: ComplianceFlag) -> u32 {
        let broken = self
            .flagged
            .iter()
            .find(|r| r.flag == flag)
            .map_or(0, |r| r.parcels);
        let unrecorded = self.no_outcome;
        permille(
            self.total().saturating_sub(broken + unrecorded),
            self.total(),
        )
    }
}

fn permille(part: u32, whole: u32) -> u32 {
    match whole {
        0 => 1000,
        n => (u64::from(part.min(n)) * 1000 / u64::from(n)) as u32,
    }
}

/// The coverage of one day: the station's total and each courier's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageReport {
    pub day: Day,
    /// The cut-off, minutes after midnight Shanghai time.
    pub cutoff_minute: u32,
    /// Whether the cut-off has passed (parcels without an outcome are then unaccounted).
    pub past_cutoff: bool,
    pub station: Coverage,
    /// By courier username, in username order.
    pub per_courier: Vec<CourierCoverage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourierCoverage {
    pub courier: String,
    pub display_name: String,
    pub coverage: Coverage,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clock(now_minute: u32) -> DayClock {
        let day = Day(20_000);
        DayClock {
            day,
            cutoff_minute: DEFAULT_CUTOFF_MINUTE,
            now: day.at_minute(now_minute),
        }
    }

    fn facts(outcome: Option<OutcomeKind>, flags: Vec<ComplianceFlag>) -> ParcelFacts {
        ParcelFacts {
            due: Some(Day(20_000)),
            recorded: outcome.is_some(),
            outcome,
            outcome_at: outcome.map(|_| Day(20_000).at_minute(600)),
            flags,
        }
    }

    #[test]
    fn a_parcel_without_a_record_counts_against_every_rate() {
        let mut day = Coverage::default();
        day.add_parcel(
            &facts(Some(OutcomeKind::DeliveredToRecipient), vec![]),
            &clock(600),
        );
        day.add_parcel(&facts(None, vec![]), &clock(600));
        assert_eq!(day.compliance_permille(), 500);
        assert_eq!(day.rule_permille(ComplianceFlag::NoConsent), 500);
        assert_eq!((day.door, day.no_outcome, day.unaccounted), (1, 1, 0));
    }

    #[test]
    fn after_the_cutoff_no_outcome_is_unaccounted() {
        let mut day = Coverage::default();
        day.add_parcel(&facts(None, vec![]), &clock(DEFAULT_CUTOFF_MINUTE));
        assert_eq!(day.unaccounted, 1);
    }

    #[test]
    fn handed_over_after_the_due_day_is_late() {
        let mut day = Coverage::default();
        let mut parcel = facts(
            Some(OutcomeKind::PlacedInLocker),
            vec![ComplianceFlag::NoConsent],
        );
        parcel.due = Some(Day(19_999));
        day.add_parcel(&parcel, &clock(600));
        let mut failed = facts(Some(OutcomeKind::FailedAttempt), vec![]);
        failed.due = Some(Day(19_999));
        day.add_parcel(&failed, &clock(600));
        assert_eq!((day.late, day.locker, day.failed), (1, 1, 1));
        assert_eq!(day.rule_permille(ComplianceFlag::NoConsent), 500);
        assert_eq!(day.compliant, 1);
    }

    fn outcome() -> impl Strategy<Value = Option<OutcomeKind>> {
        prop::option::of(prop::sample::select(OutcomeKind::ALL.to_vec()))
    }

    proptest! {
        #[test]
        fn every_parcel_lands_in_exactly_one_bucket(
            couriers in prop::collection::vec(
                prop::collection::vec((outcome(), any::<bool>(), 0u32..1440), 0..40),
                1..5,
            ),
            now in 0u32..1440,
        ) {
            let mut station = Coverage::default();
            let mut parcels = 0;
            for parcels_of_courier in &couriers {
                let mut mine = Coverage::default();
                for (outcome, flagged, at) in parcels_of_courier {
                    let mut parcel = facts(*outcome, if *flagged { vec![ComplianceFlag::LateSync] } else { vec![] });
                    parcel.outcome_at = outcome.map(|_| Day(20_000).at_minute(*at));
                    mine.add_parcel(&parcel, &clock(now));
                    parcels += 1;
                }
                let buckets: u32 = Bucket::ALL.iter().map(|b| mine.bucket(*b)).sum();
                prop_assert_eq!(buckets, mine.assigned);
                prop_assert!(mine.unaccounted <= mine.no_outcome);
                prop_assert!(mine.compliant + mine.no_outcome <= mine.assigned);
                station.merge(&mine);
            }
            prop_assert_eq!(station.assigned, parcels);
            let buckets: u32 = Bucket::ALL.iter().map(|b| station.bucket(*b)).sum();
            prop_assert_eq!(buckets, parcels);
            prop_assert!(station.compliance_permille() <= 1000);
        }
    }
}
