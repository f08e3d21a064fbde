//! The inventory table: rows, filters and sort, for tables of ten thousand rows that must stay
//! responsive while the user types.
//!
//! A [`Row`] keeps its lower-cased search text, computed once when the row is made, so a
//! keystroke costs one pass over the rows with no allocation per row; the result of a view is a
//! list of row indices, never copies of rows.

use std::cmp::Ordering;
use std::rc::Rc;

use chrono::{Days, NaiveDate};

use super::policy::Violation;
use crate::kind::Kind;
use crate::models::{Credential, TokenStatus};
use crate::role::AccessLevel;

/// Separates the parts of the search text; removed from queries, so a query never matches
/// across two parts.
const PART: char = '\u{1f}';

/// One credential in the inventory: what it is, where it lives and what the policy says of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub kind: Kind,
    pub credential: Credential,
    /// The project's or group's full path; empty for personal tokens.
    pub path: String,
    /// The place as the table shows it.
    pub place_name: String,
    /// The kind's settings page in GitLab for this place.
    pub settings_url: String,
    pub violations: Vec<Violation>,
    /// The user's role where the credential lives, when known.
    pub role: Option<AccessLevel>,
    /// Name, path, scopes and usernames, lower-cased and separated by [`PART`].
    search: String,
    /// Where the name and the path end in `search`.
    name_end: usize,
    path_end: usize,
}

impl Row {
    pub fn new(
        kind: Kind,
        credential: Credential,
        path: String,
        place_name: String,
        settings_url: String,
        violations: Vec<Violation>,
    ) -> Row {
        let mut search = credential.name.to_lowercase();
        let name_end = search.len();
        search.push(PART);
        search.push_str(&path.to_lowercase());
        let path_end = search.len();
        for scope in &credential.scopes {
            search.push(PART);
            search.push_str(&scope.to_lowercase());
        }
        let owner = credential.owner.as_ref().map(|o| o.username.as_str());
        for name in [Some(credential.username.as_str()), owner]
            .into_iter()
            .flatten()
        {
            if !name.is_empty() {
                search.push(PART);
                search.push_str(&name.to_lowercase());
            }
        }
        Row {
            kind,
            credential,
            path,
            place_name,
            settings_url,
            violations,
            role: None,
            search,
            name_end,
            path_end,
        }
    }

    fn name_key(&self) -> &str {
        &self.search[..self.name_end]
    }

    fn path_key(&self) -> &str {
        &self.search[self.name_end + PART.len_utf8()..self.path_end]
    }

    pub fn status(&self, today: NaiveDate) -> TokenStatus {
        self.credential.status(today)
    }
}

/// A set of kinds, one bit each; empty means every kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u8);

impl KindSet {
    pub fn insert(&mut self, kind: Kind) {
        self.0 |= 1 << kind as u8;
    }

    pub fn remove(&mut self, kind: Kind) {
        self.0 &= !(1 << kind as u8);
    }

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << kind as u8) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether a row of `kind` passes: an empty set lets every kind through.
    pub fn admits(self, kind: Kind) -> bool {
        self.is_empty() || self.contains(kind)
    }
}

impl FromIterator<Kind> for KindSet {
    fn from_iter<I: IntoIterator<Item = Kind>>(iter: I) -> Self {
        let mut set = KindSet::default();
        for kind in iter {
            set.insert(kind);
        }
        set
    }
}

/// Whether a credential still works, as GitLab's `state` filter means it, and the two ways it
/// stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Active,
    /// Expired or revoked.
    Inactive,
    Expired,
    Revoked,
}

impl State {
    pub fn admits(self, status: TokenStatus) -> bool {
        match self {
            State::Active => status.is_active(),
            State::Inactive => !status.is_active(),
            State::Expired => status == TokenStatus::Expired,
            State::Revoked => status == TokenStatus::Revoked,
        }
    }
}

/// What the table shows; the default shows everything. Conditions add up (all must hold).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub kinds: KindSet,
    /// "Expired" is `State::Expired`.
    pub state: Option<State>,
    /// Carries this scope.
    pub scope: Option<String>,
    /// Has exactly this role.
    pub role: Option<AccessLevel>,
    /// Still works and stops working within this many days.
    pub expires_within_days: Option<u32>,
    /// Expires between these dates, both included (a forecast bar).
    pub expires_between: Option<(NaiveDate, NaiveDate)>,
    /// Never used: only kinds whose use GitLab records.
    pub never_used: bool,
    /// Not used (or, if never used, created) within this many days; only kinds whose use
    /// GitLab records.
    pub unused_for_days: Option<u32>,
    pub violations_only: bool,
    /// Matched case-insensitively against the name, the place's path, the scopes and the
    /// usernames.
    pub text: String,
}

impl Filter {
    /// Whether every row passes, so a view can skip the checks.
    pub fn is_empty(&self) -> bool {
        let without_text = Filter {
            text: String::new(),
            ..self.clone()
        };
        self.text.trim().is_empty() && without_text == Filter::default()
    }
}

/// Everything a filter needs that does not depend on the row, worked out once per view.
struct Prepared<'a> {
    filter: &'a Filter,
    today: NaiveDate,
    query: String,
    unused_since: Option<NaiveDate>,
    reports_use: [bool; Kind::ALL.len()],
}

impl<'a> Prepared<'a> {
    fn new(filter: &'a Filter, today: NaiveDate) -> Self {
        let query = query(&filter.text);
        let unused_since = filter.unused_for_days.map(|days| {
            today
                .checked_sub_days(Days::new(days.into()))
                .unwrap_or(NaiveDate::MIN)
        });
        Prepared {
            filter,
            today,
            query,
            unused_since,
            reports_use: Kind::ALL.map(|k| k.spec().reports_last_use()),
        }
    }

    fn admits(&self, row: &Row) -> bool {
        let f = self.filter;
        let c = &row.credential;
        if !f.kinds.admits(row.kind) {
            return false;
        }
        let status = c.status(self.today);
        if f.state.is_some_and(|s| !s.admits(status)) {
            return false;
        }
        if let Some(scope) = &f.scope {
            if !c.scopes.iter().any(|s| s == scope) {
                return false;
            }
        }
        if f.role.is_some_and(|r| c.access_level != Some(r)) {
            return false;
        }
        if let Some(days) = f.expires_within_days {
            let soon = matches!(status, TokenStatus::Active { days_left: Some(n) } if n <= i64::from(days));
            if !soon {
                return false;
            }
        }
        if let Some((from, to)) = f.expires_between {
            if !c.expires_at.is_some_and(|d| from <= d && d <= to) {
                return false;
            }
        }
        let reports_use = self.reports_use[row.kind as usize];
        if f.never_used && !(reports_use && c.last_used_at.is_none()) {
            return false;
        }
        if let Some(since) = self.unused_since {
            let last = c.last_used_at.or(c.created_at).map(|t| t.date_naive());
            if !reports_use || last.is_some_and(|d| d >= since) {
                return false;
            }
        }
        if f.violations_only && row.violations.is_empty() {
            return false;
        }
        self.query.is_empty() || row.search.contains(&self.query)
    }
}

/// Indices of the rows `filter` lets through, in row order.
pub fn filter(rows: &[Row], filter: &Filter, today: NaiveDate) -> Vec<usize> {
    let prepared = Prepared::new(filter, today);
    rows.iter()
        .enumerate()
        .filter(|(_, row)| prepared.admits(row))
        .map(|(i, _)| i)
        .collect()
}

/// The indices of `order` (into `rows`) that `filter` lets through, keeping their order: the
/// page sorts once per sort change, and a keystroke only filters the sorted list again.
pub fn keep(rows: &[Row], order: &[usize], filter: &Filter, today: NaiveDate) -> Vec<usize> {
    if filter.is_empty() {
        return order.to_vec();
    }
    let prepared = Prepared::new(filter, today);
    order
        .iter()
        .copied()
        .filter(|&i| rows.get(i).is_some_and(|row| prepared.admits(row)))
        .collect()
}

/// The search text as it is matched: trimmed, lower-cased, without the separator.
fn query(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| *c != PART)
        .collect::<String>()
        .to_lowercase()
}

/// Whether every row `to` lets through is one `from` lets through: the same conditions, and a
/// search that contains the old one (a letter typed at either end or inside a word).
pub fn narrows(from: &Filter, to: &Filter) -> bool {
    let (a, b) = (query(&from.text), query(&to.text));
    b.contains(&a)
        && Filter {
            text: String::new(),
            ..from.clone()
        } == Filter {
            text: String::new(),
            ..to.clone()
        }
}

/// Views worked out recently for one sorted order: typing narrows the last view rather than
/// filtering every row again, and deleting letters goes back to a view already worked out.
/// Empty it whenever the rows or their order change.
#[derive(Default)]
pub struct Views {
    recent: Vec<(Filter, Rc<Vec<usize>>)>,
}

impl Views {
    /// How many views are kept: a query typed and deleted again is about this long.
    const KEPT: usize = 32;

    pub fn clear(&mut self) {
        self.recent.clear();
    }

    /// The indices of `order` that `filter` lets through, as [`keep`] gives them.
    pub fn get(
        &mut self,
        rows: &[Row],
        order: &[usize],
        filter: &Filter,
        today: NaiveDate,
    ) -> Rc<Vec<usize>> {
        if let Some((_, view)) = self.recent.iter().find(|(f, _)| f == filter) {
            return view.clone();
        }
        // The smallest view the new one lies within: a subsequence of `order`, so filtering it
        // keeps the sorted order.
        let within = self
            .recent
            .iter()
            .filter(|(f, _)| narrows(f, filter))
            .map(|(_, v)| v)
            .min_by_key(|v| v.len());
        let view = Rc::new(match within {
            Some(v) => keep(rows, v, filter, today),
            None => keep(rows, order, filter, today),
        });
        if self.recent.len() == Self::KEPT {
            self.recent.remove(0);
        }
        self.recent.push((filter.clone(), view.clone()));
        view
    }
}

/// A column of the inventory table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortColumn {
    Kind,
    Name,
    Place,
    Scopes,
    Role,
    /// Soonest expiry first among working tokens, then expired, then revoked.
    State,
    Created,
    LastUsed,
    Expires,
    /// Number of policy violations.
    Policy,
}

impl SortColumn {
    pub const ALL: [SortColumn; 10] = [
        SortColumn::Kind,
        SortColumn::Name,
        SortColumn::Place,
        SortColumn::Scopes,
        SortColumn::Role,
        SortColumn::State,
        SortColumn::Created,
        SortColumn::LastUsed,
        SortColumn::Expires,
        SortColumn::Policy,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SortColumn::Kind => "Kind",
            SortColumn::Name => "Name",
            SortColumn::Place => "Where",
            SortColumn::Scopes => "Scopes",
            SortColumn::Role => "Role",
            SortColumn::State => "Status",
            SortColumn::Created => "Created",
            SortColumn::LastUsed => "Last used",
            SortColumn::Expires => "Expires",
            SortColumn::Policy => "Policy",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: SortColumn,
    pub descending: bool,
}

impl Default for Sort {
    /// What needs attention first.
    fn default() -> Self {
        Sort {
            column: SortColumn::State,
            descending: false,
        }
    }
}

/// `a` before `b` in the given direction, but a missing value last in both directions: rows
/// without a date or role are never the interesting end of a column.
fn some_first<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => directed(a.cmp(&b), descending),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn directed(order: Ordering, descending: bool) -> Ordering {
    if descending {
        order.reverse()
    } else {
        order
    }
}

fn state_rank(status: TokenStatus) -> (u8, i64) {
    match status {
        TokenStatus::Active { days_left: Some(n) } => (0, n),
        TokenStatus::Active { days_left: None } => (1, 0),
        TokenStatus::Expired => (2, 0),
        TokenStatus::Revoked => (3, 0),
    }
}

/// Sorts `indices` (into `rows`) by `sort`. Stable, with ties broken by id and then by row
/// order, so equal rows never swap places between renders.
pub fn sort(rows: &[Row], indices: &mut [usize], sort: Sort, today: NaiveDate) {
    let d = sort.descending;
    indices.sort_by(|&i, &j| {
        let (a, b) = (&rows[i], &rows[j]);
        let (ca, cb) = (&a.credential, &b.credential);
        let primary = match sort.column {
            SortColumn::Kind => directed((a.kind as u8).cmp(&(b.kind as u8)), d),
            SortColumn::Name => directed(
                a.name_key()
                    .cmp(b.name_key())
                    .then_with(|| ca.name.cmp(&cb.name)),
                d,
            ),
            SortColumn::Place => directed(
                a.path_key()
                    .cmp(b.path_key())
                    .then_with(|| a.place_name.cmp(&b.place_name)),
                d,
            ),
            SortColumn::Scopes => directed(ca.scopes.cmp(&cb.scopes), d),
            SortColumn::Role => some_first(ca.access_level, cb.access_level, d),
            SortColumn::State => directed(
                state_rank(ca.status(today)).cmp(&state_rank(cb.status(today))),
                d,
            ),
            SortColumn::Created => some_first(ca.created_at, cb.created_at, d),
            SortColumn::LastUsed => some_first(ca.last_used_at, cb.last_used_at, d),
            SortColumn::Expires => some_first(ca.expires_at, cb.expires_at, d),
            SortColumn::Policy => directed(a.violations.len().cmp(&b.violations.len()), d),
        };
        primary.then(ca.id.cmp(&cb.id)).then(i.cmp(&j))
    });
}

/// The rows to show, in order: every row sorted by [`sort`], then [`keep`] (what the page does
/// in two steps, so typing does not sort again).
pub fn view(rows: &[Row], f: &Filter, s: Sort, today: NaiveDate) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    sort(rows, &mut order, s, today);
    keep(rows, &order, f, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::UserRef;
    use chrono::{DateTime, Utc};

    fn d(s: &str) -> NaiveDate {
        crate::expiry::parse_date(s).unwrap()
    }

    fn at(s: &str) -> Option<DateTime<Utc>> {
        Some(d(s).and_hms_opt(12, 0, 0).unwrap().and_utc())
    }

    const TODAY: &str = "2026-11-21";

    fn row(kind: Kind, id: u64, name: &str, path: &str) -> Row {
        Row::new(
            kind,
            Credential {
                id,
                name: name.into(),
                ..Credential::default()
            },
            path.into(),
            path.into(),
            String::new(),
            Vec::new(),
        )
    }

    fn with(mut r: Row, change: impl FnOnce(&mut Credential)) -> Row {
        change(&mut r.credential);
        Row::new(
            r.kind,
            r.credential,
            r.path,
            r.place_name,
            r.settings_url,
            r.violations,
        )
    }

    fn sample() -> Vec<Row> {
        vec![
            with(
                row(Kind::ProjectAccessToken, 1, "CI Bot", "demo/web"),
                |c| {
                    c.scopes = vec!["api".into()];
                    c.access_level = Some(AccessLevel::Maintainer);
                    c.expires_at = Some(d("2026-11-25"));
                    c.last_used_at = at("2026-11-20");
                    c.created_at = at("2026-01-01");
                },
            ),
            with(row(Kind::GroupAccessToken, 2, "release", "demo"), |c| {
                c.scopes = vec!["read_api".into()];
                c.access_level = Some(AccessLevel::Owner);
                c.expires_at = Some(d("2027-06-01"));
                c.created_at = at("2026-01-01");
            }),
            with(row(Kind::PersonalAccessToken, 3, "laptop", ""), |c| {
                c.scopes = vec!["api".into(), "read_user".into()];
                c.revoked = true;
                c.last_used_at = at("2026-01-01");
            }),
            with(
                row(Kind::ProjectDeployToken, 4, "registry", "demo/api"),
                |c| {
                    c.scopes = vec!["read_registry".into()];
                    c.username = "Gitlab+Deploy-Token-4".into();
                    c.expires_at = Some(d("2026-10-01"));
                },
            ),
            with(row(Kind::TriggerToken, 5, "nightly", "demo/web"), |c| {
                c.owner = Some(UserRef {
                    id: 2,
                    username: "Maria".into(),
                    name: "Maria".into(),
                });
                c.created_at = at("2026-11-01");
            }),
            row(Kind::DeployKey, 6, "laptop key", "demo/api"),
        ]
    }

    #[test]
    fn typing_narrows_and_deleting_goes_back_to_the_same_views() {
        let rows = sample();
        let today = d(TODAY);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.reverse();
        let mut views = Views::default();
        let base = Filter {
            state: Some(State::Active),
            ..Filter::default()
        };
        let typed = [
            "", "l", "la", "lap", "lapt", "lap", "la", "l", "", "de", "demo", "dem",
        ];
        for text in typed {
            let f = Filter {
                text: text.into(),
                ..base.clone()
            };
            let got = views.get(&rows, &order, &f, today);
            assert_eq!(*got, keep(&rows, &order, &f, today), "{text:?}");
        }
        // A changed condition is not a narrowing, even with the same text.
        let other = Filter {
            text: "demo".into(),
            ..Filter::default()
        };
        assert!(!narrows(
            &Filter {
                text: "dem".into(),
                ..base.clone()
            },
            &other
        ));
        assert_eq!(
            *views.get(&rows, &order, &other, today),
            keep(&rows, &order, &other, today)
        );
        let text = |t: &str| Filter {
            text: t.into(),
            ..Filter::default()
        };
        assert!(narrows(&text(" API "), &text("read_api")));
        assert!(!narrows(&text("api"), &text("ap")));
    }

    fn ids(rows: &[Row], shown: &[usize]) -> Vec<u64> {
        shown.iter().map(|&i| rows[i].credential.id).collect()
    }

    fn check(f: Filter, want: &[u64]) {
        let rows = sample();
        let shown = filter(&rows, &f, d(TODAY));
        assert_eq!(ids(&rows, &shown), want, "{f:?}");
    }

    #[test]
    fn each_filter_does_what_it_says() {
        check(Filter::default(), &[1, 2, 3, 4, 5, 6]);
        check(
            Filter {
                kinds: [Kind::ProjectAccessToken, Kind::DeployKey]
                    .into_iter()
                    .collect(),
                ..Filter::default()
            },
            &[1, 6],
        );
        let state = |s| Filter {
            state: Some(s),
            ..Filter::default()
        };
        check(state(State::Active), &[1, 2, 5, 6]);
        check(state(State::Inactive), &[3, 4]);
        check(state(State::Expired), &[4]);
        check(state(State::Revoked), &[3]);
        check(
            Filter {
                scope: Some("api".into()),
                ..Filter::default()
            },
            &[1, 3],
        );
        check(
            Filter {
                role: Some(AccessLevel::Owner),
                ..Filter::default()
            },
            &[2],
        );
        check(
            Filter {
                expires_within_days: Some(4),
                ..Filter::default()
            },
            &[1],
        );
        check(
            Filter {
                expires_within_days: Some(3),
                ..Filter::default()
            },
            &[],
        );
        check(
            Filter {
                expires_between: Some((d("2026-09-01"), d("2026-11-25"))),
                ..Filter::default()
            },
            &[1, 4],
        );
        // Deploy tokens and keys record no use, so they are never "never used".
        check(
            Filter {
                never_used: true,
                ..Filter::default()
            },
            &[2, 5],
        );
        // The trigger was made 20 days ago: not unused for 30 days yet.
        check(
            Filter {
                unused_for_days: Some(30),
                ..Filter::default()
            },
            &[2, 3],
        );
        check(
            Filter {
                unused_for_days: Some(10),
                ..Filter::default()
            },
            &[2, 3, 5],
        );
    }

    #[test]
    fn text_search_looks_at_names_paths_scopes_and_users() {
        let search = |text: &str| Filter {
            text: text.into(),
            ..Filter::default()
        };
        check(search("  ci bot "), &[1]);
        check(search("LAPTOP"), &[3, 6]);
        check(search("demo/api"), &[4, 6]);
        check(search("read_"), &[2, 3, 4]);
        check(search("deploy-token"), &[4]);
        check(search("maria"), &[5]);
        check(search("zzz"), &[]);
        // A query cannot match across the name and the path.
        check(search("botdemo"), &[]);
        check(search("bot\u{1f}demo"), &[]);
        check(search(""), &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn violations_only_shows_flagged_rows() {
        let mut rows = sample();
        rows[1].violations.push(Violation::Description);
        let f = Filter {
            violations_only: true,
            ..Filter::default()
        };
        assert_eq!(ids(&rows, &filter(&rows, &f, d(TODAY))), [2]);
    }

    #[test]
    fn conditions_add_up() {
        check(
            Filter {
                state: Some(State::Active),
                text: "demo/web".into(),
                kinds: [Kind::TriggerToken].into_iter().collect(),
                ..Filter::default()
            },
            &[5],
        );
    }

    fn sorted(column: SortColumn, descending: bool) -> Vec<u64> {
        let rows = sample();
        let all: Vec<usize> = (0..rows.len()).collect();
        let mut shown = all.clone();
        sort(&rows, &mut shown, Sort { column, descending }, d(TODAY));
        ids(&rows, &shown)
    }

    #[test]
    fn every_column_sorts_both_ways() {
        use SortColumn::*;
        let table: [(SortColumn, [u64; 6], [u64; 6]); 10] = [
            (Kind, [1, 2, 3, 4, 6, 5], [5, 6, 4, 3, 2, 1]),
            (Name, [1, 3, 6, 5, 4, 2], [2, 4, 5, 6, 3, 1]),
            // Personal tokens have no path and come first; ties by id.
            (Place, [3, 2, 4, 6, 1, 5], [1, 5, 4, 6, 2, 3]),
            (Scopes, [5, 6, 1, 3, 2, 4], [4, 2, 3, 1, 5, 6]),
            (Role, [1, 2, 3, 4, 5, 6], [2, 1, 3, 4, 5, 6]),
            (State, [1, 2, 5, 6, 4, 3], [3, 4, 5, 6, 2, 1]),
            (Created, [1, 2, 5, 3, 4, 6], [5, 1, 2, 3, 4, 6]),
            (LastUsed, [3, 1, 2, 4, 5, 6], [1, 3, 2, 4, 5, 6]),
            (Expires, [4, 1, 2, 3, 5, 6], [2, 1, 4, 3, 5, 6]),
            (Policy, [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]),
        ];
        for (column, up, down) in table {
            assert_eq!(sorted(column, false), up, "{column:?} ascending");
            assert_eq!(sorted(column, true), down, "{column:?} descending");
        }
        assert_eq!(SortColumn::ALL.len(), table.len());
    }

    #[test]
    fn ties_keep_a_stable_order() {
        let rows: Vec<Row> = [3, 1, 2, 1]
            .into_iter()
            .map(|id| row(Kind::DeployKey, id, "same", "p"))
            .collect();
        let mut shown: Vec<usize> = (0..4).collect();
        let s = Sort {
            column: SortColumn::Name,
            descending: true,
        };
        sort(&rows, &mut shown, s, d(TODAY));
        assert_eq!(shown, [1, 3, 2, 0]);
    }

    #[test]
    fn kind_sets_are_bits() {
        let mut set = KindSet::default();
        assert!(set.is_empty() && set.admits(Kind::DeployKey));
        set.insert(Kind::TriggerToken);
        set.insert(Kind::ProjectAccessToken);
        assert!(set.contains(Kind::TriggerToken) && !set.admits(Kind::DeployKey));
        set.remove(Kind::TriggerToken);
        assert_eq!(set, [Kind::ProjectAccessToken].into_iter().collect());
        assert!(Filter::default().is_empty());
        assert!(Filter {
            text: "  ".into(),
            ..Filter::default()
        }
        .is_empty());
        assert!(!Filter {
            never_used: true,
            ..Filter::default()
        }
        .is_empty());
    }

    /// A deterministic stream of numbers, so the big table is the same on every run.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    fn generated(n: usize) -> Vec<Row> {
        let mut rng = Lcg(7);
        let today = d(TODAY);
        let scopes = ["api", "read_api", "read_repository", "read_registry"];
        (0..n)
            .map(|i| {
                let kind = Kind::ALL[rng.next(7) as usize];
                let mut c = Credential {
                    id: i as u64,
                    name: format!(
                        "Token {} {}",
                        rng.next(1000),
                        ["ci", "Deploy", "bot"][i % 3]
                    ),
                    scopes: vec![scopes[rng.next(4) as usize].to_string()],
                    revoked: rng.next(10) == 0,
                    access_level: AccessLevel::ALL.get(rng.next(8) as usize).copied(),
                    ..Credential::default()
                };
                if rng.next(5) > 0 {
                    c.expires_at = Some(today + chrono::Duration::days(rng.next(500) as i64 - 100));
                }
                if rng.next(3) > 0 {
                    c.last_used_at = Some(
                        (today - chrono::Duration::days(rng.next(400) as i64))
                            .and_hms_opt(0, 0, 0)
                            .unwrap()
                            .and_utc(),
                    );
                }
                let path = format!("group{}/project{}", rng.next(50), rng.next(200));
                Row::new(kind, c, path.clone(), path, String::new(), Vec::new())
            })
            .collect()
    }

    #[test]
    fn ten_thousand_rows_filter_and_sort_correctly() {
        let rows = generated(10_000);
        let today = d(TODAY);
        let f = Filter {
            state: Some(State::Active),
            text: "DEPLOY".into(),
            unused_for_days: Some(30),
            ..Filter::default()
        };
        for column in SortColumn::ALL {
            for descending in [false, true] {
                let s = Sort { column, descending };
                let shown = view(&rows, &f, s, today);
                // The same rows as a plain, obviously right check ...
                let mut expect: Vec<usize> = (0..rows.len())
                    .filter(|&i| {
                        let r = &rows[i];
                        let c = &r.credential;
                        let last = c.last_used_at.map(|t| t.date_naive());
                        r.status(today).is_active()
                            && c.name.to_lowercase().contains("deploy")
                            && r.kind.spec().reports_last_use()
                            && last.is_none_or(|l| (today - l).num_days() > 30)
                    })
                    .collect();
                let mut got = shown.clone();
                got.sort_unstable();
                expect.sort_unstable();
                assert_eq!(got, expect, "{s:?}");
                assert!(!shown.is_empty());
                // ... in order: every neighbouring pair is in order or tied and then by id.
                for pair in shown.windows(2) {
                    let (a, b) = (&rows[pair[0]], &rows[pair[1]]);
                    let mut two = [pair[0], pair[1]];
                    sort(&rows, &mut two, s, today);
                    assert_eq!(two, [pair[0], pair[1]], "{s:?}: {a:?} / {b:?}");
                }
            }
        }
        let everything = view(&rows, &Filter::default(), Sort::default(), today);
        assert_eq!(everything.len(), rows.len());
    }
}
