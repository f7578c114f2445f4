//! The courier's route for the day: the assigned parcels grouped into stops (compound → building →
//! unit) in the manifest's order, or in the order the courier arranged, and where each stands.

use crate::coverage::Bucket;
use crate::manifest::RouteParcel;
use crate::record::{Address, OutcomeKind};
use indexmap::IndexMap;

/// One door-to-door stop: the parcels of one unit of one building.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StopKey {
    pub compound: String,
    pub building: String,
    pub unit: String,
}

impl StopKey {
    pub fn of(address: &Address) -> StopKey {
        let normal = |s: &str| s.split_whitespace().collect::<String>();
        StopKey {
            compound: normal(&address.compound),
            building: normal(&address.building),
            unit: normal(&address.unit),
        }
    }
}

/// Where a parcel of the route stands, for the progress line and the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    ToGo,
    Done,
    Failed,
}

impl Standing {
    /// From the outcome of the parcel's record on the device (none: still to go).
    pub fn of(outcome: Option<OutcomeKind>) -> Standing {
        match Bucket::of(outcome) {
            Bucket::NoOutcome => Standing::ToGo,
            Bucket::Failed | Bucket::Refused => Standing::Failed,
            Bucket::Door | Bucket::Locker | Bucket::Station | Bucket::PickedUp => Standing::Done,
        }
    }
}

/// "128 / 300 delivered · 4 failed · 168 to go".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub to_go: usize,
}

impl Progress {
    pub fn of(standings: impl IntoIterator<Item = Standing>) -> Progress {
        let mut progress = Progress::default();
        for standing in standings {
            progress.total += 1;
            match standing {
                Standing::ToGo => progress.to_go += 1,
                Standing::Done => progress.done += 1,
                Standing::Failed => progress.failed += 1,
            }
        }
        progress
    }
}

/// The stops of the route, each with the indices of its parcels in `parcels`, in route order:
/// stops the courier arranged (`order` holds each such stop's first waybill) come in that order;
/// the others follow in manifest order (day, then position in the file).
pub fn stops(parcels: &[RouteParcel], order: &[String]) -> IndexMap<StopKey, Vec<usize>> {
    let mut by_manifest: Vec<usize> = (0..parcels.len()).collect();
    by_manifest.sort_by_key(|&i| (parcels[i].day, parcels[i].seq));
    let mut grouped: IndexMap<StopKey, Vec<usize>> = IndexMap::new();
    for i in by_manifest {
        grouped
            .entry(StopKey::of(&parcels[i].parcel.recipient.address))
            .or_default()
            .push(i);
    }
    // A map, not a search of `order` per parcel: after a move `order` names every stop.
    let place: std::collections::HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .rev()
        .map(|(at, waybill)| (waybill.as_str(), at))
        .collect();
    let arranged = |indices: &Vec<usize>| {
        indices
            .iter()
            .find_map(|&i| place.get(parcels[i].parcel.waybill.as_str()).copied())
    };
    // Stable: unarranged stops keep their manifest order after the arranged ones.
    grouped.sort_by_cached_key(|_, indices| arranged(indices).unwrap_or(usize::MAX));
    grouped
}

/// The order after moving the stop at `from` to `to` (positions in `stops`' order), as the list
/// of each stop's first waybill that [`stops`] takes back.
pub fn moved(
    parcels: &[RouteParcel],
    current: &IndexMap<StopKey, Vec<usize>>,
    from: usize,
    to: usize,
) -> Vec<String> {
    let mut leads: Vec<String> = current
        .values()
        .filter_map(|indices| indices.first())
        .map(|&i| parcels[i].parcel.waybill.as_str().to_string())
        .collect();
    if from < leads.len() && to < leads.len() {
        let lead = leads.remove(from);
        leads.insert(to, lead);
    }
    leads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::manifest::Parcel;
    use crate::{Carrier, ParcelFlags, ParcelKind, Recipient, Waybill};

    fn parcel(seq: u32, building: &str) -> RouteParcel {
        RouteParcel {
            day: Day(20_000),
            seq,
            parcel: Parcel {
                waybill: Waybill::parse(&format!("SF{seq:013}")).unwrap(),
                carrier: Carrier::Sf,
                kind: ParcelKind::Delivery,
                recipient: Recipient {
                    name: None,
                    phone: "13812345634".into(),
                    address: Address {
                        compound: "愚园路1088弄".into(),
                        building: building.into(),
                        unit: "2".into(),
                        room: format!("{seq}01"),
                    },
                },
                extension: None,
                flags: ParcelFlags::default(),
                cod_fen: None,
                due: None,
            },
        }
    }

    #[test]
    fn stops_group_by_unit_in_manifest_order() {
        let parcels = vec![
            parcel(3, "7"),
            parcel(1, "5"),
            parcel(2, "7"),
            parcel(4, "5 "),
        ];
        let route = stops(&parcels, &[]);
        let buildings: Vec<&str> = route.keys().map(|k| k.building.as_str()).collect();
        assert_eq!(buildings, ["5", "7"]);
        assert_eq!(route[0], vec![1, 3]);
        assert_eq!(route[1], vec![2, 0]);
    }

    #[test]
    fn the_couriers_order_stays() {
        let parcels = vec![parcel(1, "5"), parcel(2, "7"), parcel(3, "9")];
        let route = stops(&parcels, &[]);
        let order = moved(&parcels, &route, 2, 0);
        assert_eq!(
            order,
            ["SF0000000000003", "SF0000000000001", "SF0000000000002"]
        );
        let again = stops(&parcels, &order);
        let buildings: Vec<&str> = again.keys().map(|k| k.building.as_str()).collect();
        assert_eq!(buildings, ["9", "5", "7"]);
        // A parcel added later lands after the arranged stops.
        let mut more = parcels.clone();
        more.push(parcel(4, "11"));
        let later = stops(&more, &order);
        assert_eq!(later.keys().last().map(|k| k.building.as_str()), Some("11"));
    }

    #[test]
    fn progress_counts_each_parcel_once() {
        let progress = Progress::of([
            Standing::of(None),
            Standing::of(Some(OutcomeKind::PlacedInLocker)),
            Standing::of(Some(OutcomeKind::FailedAttempt)),
            Standing::of(Some(OutcomeKind::DeliveredToRecipient)),
        ]);
        assert_eq!(
            progress,
            Progress {
                total: 4,
                done: 2,
                failed: 1,
                to_go: 1
            }
        );
    }
}
