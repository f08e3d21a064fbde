//! Dates as the user sees them. GitLab's expiry rules are in UTC, so "today" is the UTC date.

use chrono::{DateTime, NaiveDate, Utc};

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `2026-11-21`: unambiguous in every locale, and what GitLab itself shows for expiry dates.
pub fn date(d: NaiveDate) -> String {
    // NaiveDate's Display is ISO 8601; `format()` would pull in chrono's strftime machinery.
    d.to_string()
}

/// "today", "yesterday", "5 days ago", or the date for anything older than a month.
pub fn relative(t: DateTime<Utc>, today: NaiveDate) -> String {
    let day = t.date_naive();
    match (today - day).num_days() {
        i64::MIN..=0 => "today".into(),
        1 => "yesterday".into(),
        n @ 2..=30 => format!("{n} days ago"),
        _ => date(day),
    }
}

/// A date as the browser's own date input shows it (its locale), read in UTC like GitLab's
/// expiry dates; ISO where the browser cannot say.
pub fn local_date(d: NaiveDate) -> String {
    let js = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&date(d)));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
    js.to_locale_date_string("default", &options)
        .as_string()
        .filter(|s| !s.is_empty() && s != "Invalid Date")
        .unwrap_or_else(|| date(d))
}
