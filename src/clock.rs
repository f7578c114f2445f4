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
