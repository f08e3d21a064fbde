//! Token expiry: presets, custom dates and the window GitLab accepts.
//!
//! GitLab stops accepting a token at 00:00 UTC on its `expires_at` date, so the earliest useful
//! date is tomorrow; the default maximum lifetime is 365 days. All dates here are UTC.

use chrono::{Days, NaiveDate};

/// Preset lifetimes offered in forms, in days.
pub const EXPIRY_PRESETS: [u32; 4] = [7, 30, 60, 90];
/// GitLab's default maximum lifetime of access tokens.
pub const MAX_LIFETIME_DAYS: u32 = 365;
/// What a new token form starts with.
pub const DEFAULT_PRESET_DAYS: u32 = 30;

/// The expiry a user picked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpiryChoice {
    /// This many days from today.
    Preset(u32),
    /// A date typed or picked by the user, as entered (`YYYY-MM-DD`).
    Custom(String),
    /// No expiry: only for kinds where GitLab allows it (deploy tokens and keys).
    Never,
}

impl Default for ExpiryChoice {
    fn default() -> Self {
        ExpiryChoice::Preset(DEFAULT_PRESET_DAYS)
    }
}

/// The dates a new expiry may take, both ends included.
pub fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (add_days(today, 1), add_days(today, MAX_LIFETIME_DAYS))
}

/// Reads an ISO date (`2027-01-31`), as date inputs and GitLab's `expires_at` write it. Strict
/// on purpose: four-digit year, two-digit month and day. (chrono's general `%Y-%m-%d` parser
/// would do too, but costs the page kilobytes of format machinery.)
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

pub fn add_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX)
}

impl ExpiryChoice {
    /// Resolves the choice to a date inside the allowed window, or says what is wrong.
    pub fn resolve(&self, today: NaiveDate) -> Result<NaiveDate, String> {
        self.resolve_within(today, Some(MAX_LIFETIME_DAYS))?
            .ok_or_else(|| "Access tokens must expire: choose a date.".to_string())
    }

    /// The date, or None for "never"; `max_days` is the longest lifetime GitLab allows (None:
    /// no limit, as for deploy tokens).
    pub fn resolve_within(
        &self,
        today: NaiveDate,
        max_days: Option<u32>,
    ) -> Result<Option<NaiveDate>, String> {
        let min = add_days(today, 1);
        let date = match self {
            ExpiryChoice::Never => return Ok(None),
            ExpiryChoice::Preset(days) => add_days(today, *days),
            ExpiryChoice::Custom(text) => {
                let text = text.trim();
                if text.is_empty() {
                    return Err("Choose an expiry date.".into());
                }
                parse_date(text).ok_or_else(|| "Enter the date as YYYY-MM-DD.".to_string())?
            }
        };
        if date < min {
            return Err(format!(
                "The token must stay valid at least until tomorrow: pick {min} or later."
            ));
        }
        if let Some(days) = max_days {
            let max = add_days(today, days);
            if date > max {
                return Err(format!(
                    "GitLab allows at most {days} days: pick {max} or earlier."
                ));
            }
        }
        Ok(Some(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn parses_iso_dates_strictly() {
        assert_eq!(
            parse_date("2027-01-31"),
            NaiveDate::from_ymd_opt(2027, 1, 31)
        );
        assert_eq!(
            parse_date("2028-02-29"),
            NaiveDate::from_ymd_opt(2028, 2, 29)
        );
        for bad in [
            "2027-02-29",
            "2027-1-31",
            "27-01-31",
            "2027/01/31",
            "2027-01-31T00:00:00Z",
            "",
            "２０２７-01-31",
            "+027-01-31",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn presets_resolve_from_today() {
        let today = d("2026-11-21");
        assert_eq!(ExpiryChoice::Preset(7).resolve(today), Ok(d("2026-11-28")));
        assert_eq!(ExpiryChoice::Preset(90).resolve(today), Ok(d("2027-02-19")));
        assert_eq!(ExpiryChoice::default().resolve(today), Ok(d("2026-12-21")));
    }

    #[test]
    fn custom_dates_are_bounded_by_tomorrow_and_a_year() {
        let today = d("2026-11-21");
        let cases = [
            ("2026-11-22", true),
            ("2027-11-21", true),
            ("2026-11-21", false),
            ("2025-01-01", false),
            ("2027-11-22", false),
            ("", false),
            ("21/11/2027", false),
            ("2027-02-30", false),
        ];
        for (input, ok) in cases {
            let r = ExpiryChoice::Custom(input.into()).resolve(today);
            assert_eq!(r.is_ok(), ok, "{input:?} gave {r:?}");
        }
        let err = ExpiryChoice::Custom("2027-11-22".into())
            .resolve(today)
            .unwrap_err();
        assert!(err.contains("2027-11-21"), "{err}");
    }

    #[test]
    fn never_is_only_for_kinds_without_a_maximum() {
        let today = d("2026-11-21");
        assert_eq!(ExpiryChoice::Never.resolve_within(today, None), Ok(None));
        assert!(ExpiryChoice::Never.resolve(today).is_err());
        assert_eq!(
            ExpiryChoice::Custom("2030-01-01".into()).resolve_within(today, None),
            Ok(Some(d("2030-01-01")))
        );
        assert!(ExpiryChoice::Custom("2026-11-21".into())
            .resolve_within(today, None)
            .is_err());
    }

    #[test]
    fn leap_years_and_overflow_do_not_panic() {
        assert_eq!(window(d("2028-02-29")).1, d("2029-02-28"));
        assert!(ExpiryChoice::Preset(u32::MAX)
            .resolve(d("2026-01-01"))
            .is_err());
    }
}
