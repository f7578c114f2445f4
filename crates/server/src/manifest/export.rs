//! The day's parcels as CSV for a spreadsheet: every parcel with its bucket, late and
//! unaccounted flags, courier and the other courier who recorded it; personal data masked.

use crate::manifest::day::DayParcel;
use crate::records::export::push_csv_line;
use doorstep_core::api::address_line;
use doorstep_core::coverage::DayClock;
use std::collections::HashMap;

/// The export's columns, in order.
pub const HEADER: [&str; 17] = [
    "day",
    "courier",
    "waybill",
    "carrier",
    "kind",
    "recipient_name",
    "recipient_phone",
    "address",
    "bulky",
    "fresh",
    "fragile",
    "cod_fen",
    "due",
    "bucket",
    "late",
    "unaccounted",
    "recorded_by",
];

/// A byte-order mark (so spreadsheet programs read the Chinese text), the header, then one line
/// per parcel in route order.
pub fn csv(parcels: &[DayParcel], names: &HashMap<i64, String>, clock: &DayClock) -> String {
    let mut out = String::from("\u{feff}");
    push_csv_line(&mut out, HEADER);
    for parcel in parcels {
        let view = parcel.view(names, clock);
        let r = &view.recipient;
        let yes = |b: bool| if b { "1" } else { "0" };
        push_csv_line(
            &mut out,
            [
                view.day.to_string().as_str(),
                &view.courier,
                &view.waybill,
                view.carrier.code(),
                view.kind.code(),
                r.name.as_deref().unwrap_or_default(),
                &r.phone,
                &address_line([&r.compound, &r.building, &r.unit, &r.room]),
                yes(view.flags.bulky),
                yes(view.flags.fresh),
                yes(view.flags.fragile),
                &parcel
                    .parcel
                    .cod_fen
                    .map(|f| f.to_string())
                    .unwrap_or_default(),
                &view.due.map(|d| d.to_string()).unwrap_or_default(),
                view.bucket.code(),
                yes(view.late),
                yes(view.unaccounted),
                view.recorded_by.as_deref().unwrap_or_default(),
            ],
        );
    }
    out
}
