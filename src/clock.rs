//! The device clock. Device time is what the courier's phone says; the server keeps its own.

/// Milliseconds since the Unix epoch by the device clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// `HH:MM` in the device's local time zone.
pub fn local_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// `YYYY-MM-DD HH:MM` in the device's local time zone.
pub fn local_date_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{}-{:02}-{:02} {}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        local_time(ms)
    )
}

/// Local midnight today by the device clock: where "today's records" start.
pub fn start_of_today_ms() -> i64 {
    let date = js_sys::Date::new_0();
    date.set_hours(0);
    date.set_minutes(0);
    date.set_seconds(0);
    date.set_milliseconds(0);
    date.get_time() as i64
}

/// Local midnight of a `YYYY-MM-DD` date (as a date input gives it), by the device's time zone.
pub fn local_midnight_ms(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(year)), Some(Some(month)), Some(Some(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let midnight = js_sys::Date::new_with_year_month_day(year, month as i32 - 1, day as i32);
    let ms = midnight.get_time();
    (!ms.is_nan()).then_some(ms as i64)
}
