//! The expiry forecast: how many working tokens stop working in each of the next 52 weeks, per
//! kind, so the page can draw stacked bars, and turn a clicked bar into a table filter.

use chrono::{Datelike, Days, NaiveDate};

use super::filter::{Filter, Row, State};
use crate::kind::Kind;
use crate::models::TokenStatus;

/// Weeks the forecast covers: a year, GitLab's longest token lifetime.
pub const WEEKS: usize = 52;

/// One bar: a Monday-to-Sunday week and how many tokens expire in it, per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Week {
    pub start: NaiveDate,
    /// The Sunday, included.
    pub end: NaiveDate,
    /// Indexed by `Kind as usize` (the order of [`Kind::ALL`]).
    pub counts: [u32; Kind::ALL.len()],
}

impl Week {
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn count(&self, kind: Kind) -> u32 {
        self.counts[kind as usize]
    }

    /// The table filter a click on this bar applies: the tokens it counts.
    pub fn filter(&self) -> Filter {
        Filter {
            state: Some(State::Active),
            expires_between: Some((self.start, self.end)),
            ..Filter::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    /// [`WEEKS`] weeks from the Monday of today's week.
    pub weeks: Vec<Week>,
    /// Working tokens expiring within the weeks.
    pub expiring: u32,
    /// Working tokens expiring after the last week.
    pub later: u32,
    /// Working tokens without an expiry.
    pub never: u32,
    /// The week with the most expiries (the first of equals); None when nothing expires.
    pub peak: Option<usize>,
    /// The day by which half of the tokens expiring within the weeks have stopped working.
    pub half_gone: Option<NaiveDate>,
}

impl Forecast {
    /// The tallest bar, for scaling the chart (at least 1, so an empty chart divides safely).
    pub fn tallest(&self) -> u32 {
        self.weeks.iter().map(Week::total).max().unwrap_or(0).max(1)
    }
}

/// The forecast of `rows` (all of them, or the current view's) from `today`. Only tokens that
/// still work count; a token stops working on its expiry date.
pub fn forecast<'a>(rows: impl IntoIterator<Item = &'a Row>, today: NaiveDate) -> Forecast {
    let monday = today
        .checked_sub_days(Days::new(today.weekday().num_days_from_monday().into()))
        .unwrap_or(today);
    let weeks: Vec<Week> = (0..WEEKS as u64)
        .map(|i| {
            let start = monday
                .checked_add_days(Days::new(i * 7))
                .unwrap_or(NaiveDate::MAX);
            Week {
                start,
                end: start
                    .checked_add_days(Days::new(6))
                    .unwrap_or(NaiveDate::MAX),
                counts: [0; Kind::ALL.len()],
            }
        })
        .collect();
    let mut out = Forecast {
        weeks,
        expiring: 0,
        later: 0,
        never: 0,
        peak: None,
        half_gone: None,
    };
    let mut dates = Vec::new();
    for row in rows {
        if !matches!(row.status(today), TokenStatus::Active { .. }) {
            continue;
        }
        let Some(expires) = row.credential.expires_at else {
            out.never += 1;
            continue;
        };
        let week = usize::try_from((expires - monday).num_days() / 7).ok();
        match week.and_then(|w| out.weeks.get_mut(w)) {
            Some(w) => {
                w.counts[row.kind as usize] += 1;
                out.expiring += 1;
                dates.push(expires);
            }
            None => out.later += 1,
        }
    }
    let mut best = 0;
    for (i, w) in out.weeks.iter().enumerate() {
        if w.total() > best {
            best = w.total();
            out.peak = Some(i);
        }
    }
    if !dates.is_empty() {
        let half = dates.len().div_ceil(2) - 1;
        let (_, date, _) = dates.select_nth_unstable(half);
        out.half_gone = Some(*date);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::filter;
    use crate::models::Credential;

    fn d(s: &str) -> NaiveDate {
        crate::expiry::parse_date(s).unwrap()
    }

    fn row(kind: Kind, id: u64, expires: Option<&str>, revoked: bool) -> Row {
        Row::new(
            kind,
            Credential {
                id,
                expires_at: expires.map(d),
                revoked,
                ..Credential::default()
            },
            String::new(),
            String::new(),
            String::new(),
            Vec::new(),
        )
    }

    #[test]
    fn weeks_start_on_the_monday_of_today() {
        // 2026-11-21 is a Saturday.
        let f = forecast(&[], d("2026-11-21"));
        assert_eq!(f.weeks.len(), WEEKS);
        assert_eq!(f.weeks[0].start, d("2026-11-16"));
        assert_eq!(f.weeks[0].end, d("2026-11-22"));
        assert_eq!(f.weeks[1].start, d("2026-11-23"));
        assert_eq!(f.weeks[51].end, d("2027-11-14"));
        assert_eq!((f.peak, f.half_gone, f.expiring), (None, None, 0));
        assert_eq!(f.tallest(), 1);
        let monday = forecast(&[], d("2026-11-16"));
        assert_eq!(monday.weeks[0].start, d("2026-11-16"));
    }

    #[test]
    fn working_tokens_are_counted_per_week_and_kind() {
        let today = d("2026-11-21");
        let rows = vec![
            row(Kind::ProjectAccessToken, 1, Some("2026-11-22"), false),
            row(Kind::DeployKey, 2, Some("2026-11-22"), false),
            row(Kind::ProjectAccessToken, 3, Some("2026-11-21"), false),
            row(Kind::ProjectAccessToken, 4, Some("2026-12-01"), true),
            row(Kind::GroupAccessToken, 5, Some("2026-12-01"), false),
            row(Kind::GroupAccessToken, 6, Some("2026-12-02"), false),
            row(Kind::PersonalAccessToken, 7, Some("2026-12-03"), false),
            row(Kind::ProjectDeployToken, 8, Some("2027-11-14"), false),
            row(Kind::ProjectDeployToken, 9, Some("2027-11-15"), false),
            row(Kind::TriggerToken, 10, None, false),
        ];
        let f = forecast(&rows, today);
        let w0 = f.weeks[0];
        assert_eq!(
            (
                w0.count(Kind::ProjectAccessToken),
                w0.count(Kind::DeployKey),
                w0.total()
            ),
            (1, 1, 2)
        );
        let w2 = f.weeks[2];
        assert_eq!(w2.start, d("2026-11-30"));
        assert_eq!(
            (
                w2.count(Kind::GroupAccessToken),
                w2.count(Kind::PersonalAccessToken)
            ),
            (2, 1)
        );
        assert_eq!(f.weeks[51].count(Kind::ProjectDeployToken), 1);
        assert_eq!((f.expiring, f.later, f.never), (6, 1, 1));
        assert_eq!(f.peak, Some(2));
        assert_eq!(f.tallest(), 3);
        // Six dates: the third is when half are gone.
        assert_eq!(f.half_gone, Some(d("2026-12-01")));
        // The bar's filter shows exactly the tokens it counts.
        let shown = filter::filter(&rows, &w2.filter(), today);
        let ids: Vec<u64> = shown.iter().map(|&i| rows[i].credential.id).collect();
        assert_eq!(ids, [5, 6, 7]);
        // A forecast of a view: only the rows given.
        let view = forecast(shown.iter().map(|&i| &rows[i]), today);
        assert_eq!((view.expiring, view.peak), (3, Some(2)));
    }

    #[test]
    fn the_first_of_equal_weeks_is_the_peak_and_odd_counts_round_up() {
        let today = d("2026-11-16");
        let rows = vec![
            row(Kind::DeployKey, 1, Some("2026-11-20"), false),
            row(Kind::DeployKey, 2, Some("2026-12-20"), false),
            row(Kind::DeployKey, 3, Some("2027-01-20"), false),
        ];
        let f = forecast(&rows, today);
        assert_eq!(f.peak, Some(0));
        assert_eq!(f.half_gone, Some(d("2026-12-20")));
        let far = forecast(&rows, NaiveDate::MAX - chrono::Duration::days(3));
        assert_eq!(far.expiring, 0);
    }
}
