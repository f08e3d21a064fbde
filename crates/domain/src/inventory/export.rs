//! Exports of the current view: CSV (RFC 4180) and JSON for spreadsheets and scripts, and an
//! iCalendar file (RFC 5545) with one all-day event per expiry and a reminder a week before.
//!
//! Names come from whoever created the token, so every writer treats them as hostile: CSV
//! cells are quoted and kept from running as formulas, calendar text is escaped and folded, and
//! invisible formatting characters are written out as the page shows them.

use chrono::{DateTime, Datelike, Days, NaiveDate, Timelike, Utc};

use super::filter::Row;
use crate::json::ObjectWriter;
use crate::models::TokenStatus;
use crate::text::shown as visible;

/// The CSV header, which is also the JSON objects' keys.
pub const COLUMNS: [&str; 15] = [
    "kind",
    "id",
    "name",
    "description",
    "place",
    "path",
    "scopes",
    "role",
    "status",
    "created_at",
    "last_used_at",
    "expires_at",
    "username",
    "policy",
    "settings_url",
];

fn status_word(status: TokenStatus) -> &'static str {
    match status {
        TokenStatus::Active { .. } => "active",
        TokenStatus::Expired => "expired",
        TokenStatus::Revoked => "revoked",
    }
}

/// `2026-11-21T09:30:00Z`, written by hand: chrono's formatter would cost the page far more
/// than these lines.
fn timestamp(t: DateTime<Utc>) -> String {
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        t.date_naive(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A row's cells in [`COLUMNS`] order; list cells are joined with a space (scopes) or
/// "; " (policy sentences).
fn cells(row: &Row, today: NaiveDate) -> [String; 15] {
    let c = &row.credential;
    let owner_or_username = if c.username.is_empty() {
        c.owner
            .as_ref()
            .map(|o| o.username.clone())
            .unwrap_or_default()
    } else {
        c.username.clone()
    };
    [
        row.kind.key().to_string(),
        c.id.to_string(),
        c.name.clone(),
        c.description.clone(),
        row.place_name.clone(),
        row.path.clone(),
        c.scopes.join(" "),
        c.access_level
            .map(|r| r.label().to_string())
            .unwrap_or_default(),
        status_word(c.status(today)).to_string(),
        c.created_at.map(timestamp).unwrap_or_default(),
        c.last_used_at.map(timestamp).unwrap_or_default(),
        c.expires_at.map(|d| d.to_string()).unwrap_or_default(),
        owner_or_username,
        row.violations
            .iter()
            .map(|v| v.sentence())
            .collect::<Vec<_>>()
            .join("; "),
        row.settings_url.clone(),
    ]
}

/// One CSV field. Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a
/// formula (a tab or carriage return in front can hide the sign), so a token named
/// `=HYPERLINK("https://evil.example","open")` would become a live link or worse in whoever
/// opens the export: such cells get a leading `'`, which the spreadsheet shows as text.
fn push_cell(out: &mut String, cell: &str) {
    let guard = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = cell.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    for ch in cell.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    if quote {
        out.push('"');
    }
}

fn push_record<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// The rows at `shown` (indices into `rows`, in view order) as CSV: a header, then one record
/// per row, every line ending in CRLF.
pub fn csv(rows: &[Row], shown: &[usize], today: NaiveDate) -> String {
    let mut out = String::with_capacity(128 * (shown.len() + 1));
    push_record(&mut out, COLUMNS);
    for &i in shown {
        let Some(row) = rows.get(i) else { continue };
        let cells = cells(row, today);
        push_record(&mut out, cells.iter().map(String::as_str));
    }
    out
}

/// The rows at `shown` as a JSON array of objects with the [`COLUMNS`] keys; lists stay
/// lists, missing values are `null`, `id` is a number.
pub fn json(rows: &[Row], shown: &[usize], today: NaiveDate) -> String {
    let mut out = String::from("[");
    for &i in shown {
        let Some(row) = rows.get(i) else { continue };
        let c = &row.credential;
        let cells = cells(row, today);
        let mut w = ObjectWriter::with_capacity(256);
        for (key, cell) in COLUMNS.iter().zip(&cells) {
            match *key {
                "id" => w.literal(key, &c.id),
                "scopes" => w.strings(key, &c.scopes),
                "policy" => {
                    let sentences: Vec<String> =
                        row.violations.iter().map(|v| v.sentence()).collect();
                    w.strings(key, &sentences);
                }
                _ if cell.is_empty()
                    && matches!(*key, "role" | "created_at" | "last_used_at" | "expires_at") =>
                {
                    w.literal(key, &"null")
                }
                _ => w.string(key, cell),
            }
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&w.finish());
    }
    out.push(']');
    out
}

/// Longest content line, in octets, without its CRLF (RFC 5545 section 3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// Appends one content line, folded: after every 75 octets (74 after the leading space of a
/// continuation) a CRLF and a space, never inside a UTF-8 character.
fn push_line(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = MAX_LINE_OCTETS - 1;
    }
}

/// A TEXT value (RFC 5545 section 3.3.11): backslash, semicolon and comma escaped, line breaks
/// as `\n`, other control characters (which TEXT may not hold) as spaces.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn push_text(out: &mut String, name: &str, value: &str) {
    push_line(out, &format!("{name}:{}", escape_text(value)));
}

fn ics_date(d: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn ics_stamp(t: DateTime<Utc>) -> String {
    format!(
        "{}T{:02}{:02}{:02}Z",
        ics_date(t.date_naive()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// FNV-1a: a short, stable tag for a place in an event's UID, the same in every build.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the calendar's events are about: the instance (for stable, distinct event ids) and
/// when the file was made.
#[derive(Clone, Copy, Debug)]
pub struct Calendar<'a> {
    /// The GitLab instance's host, as in `gitlab.example.com`.
    pub host: &'a str,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

/// An iCalendar file with one all-day event on the expiry date of each working token at
/// `shown`, each with a display reminder seven days before. A token's event keeps its UID
/// across exports, so importing a newer export updates the events instead of doubling them.
pub fn ics(rows: &[Row], shown: &[usize], cal: Calendar) -> String {
    let mut out = String::with_capacity(600 * shown.len() + 200);
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//tokenwarden//Token expiry calendar//EN");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    let host: String = cal
        .host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stamp = ics_stamp(cal.now);
    for &i in shown {
        let Some(row) = rows.get(i) else { continue };
        let c = &row.credential;
        let Some(expires) = c.expires_at else {
            continue;
        };
        if !c.status(cal.today).is_active() {
            continue;
        }
        let name = visible(&c.name);
        let label = row.kind.label();
        let mut kind = label.to_string();
        kind[..1].make_ascii_uppercase();
        let place = match (row.place_name.is_empty(), row.path.is_empty()) {
            (false, false) if row.place_name != row.path => {
                format!("{} ({})", visible(&row.place_name), visible(&row.path))
            }
            (false, _) => visible(&row.place_name).into_owned(),
            (true, _) => visible(&row.path).into_owned(),
        };
        // A deploy key enabled in several projects has one id: its place makes the event its own.
        let place_tag = match row.kind {
            crate::kind::Kind::DeployKey => format!("-{:016x}", fnv(&row.path)),
            _ => String::new(),
        };
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(
            &mut out,
            &format!(
                "UID:tokenwarden-{}-{}{place_tag}@{host}",
                row.kind.key(),
                c.id
            ),
        );
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", ics_date(expires)),
        );
        let next = expires.checked_add_days(Days::new(1)).unwrap_or(expires);
        push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", ics_date(next)));
        push_text(&mut out, "SUMMARY", &format!("{kind} expires: {name}"));
        let mut about = format!(
            "The {label} \u{201c}{name}\u{201d} in {place} stops working on {expires} at 00:00 UTC."
        );
        if !row.settings_url.is_empty() {
            about.push_str(&format!("\nRotate or replace it: {}", row.settings_url));
        }
        push_text(&mut out, "DESCRIPTION", &about);
        push_line(&mut out, "TRANSP:TRANSPARENT");
        push_line(&mut out, "BEGIN:VALARM");
        push_line(&mut out, "ACTION:DISPLAY");
        push_line(&mut out, "TRIGGER:-P7D");
        push_text(
            &mut out,
            "DESCRIPTION",
            &format!("The {label} \u{201c}{name}\u{201d} expires in 7 days."),
        );
        push_line(&mut out, "END:VALARM");
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::policy::Violation;
    use crate::kind::Kind;
    use crate::models::{Credential, UserRef};
    use crate::role::AccessLevel;

    fn d(s: &str) -> NaiveDate {
        crate::expiry::parse_date(s).unwrap()
    }

    const TODAY: &str = "2026-11-21";

    fn row(kind: Kind, name: &str, expires: Option<&str>) -> Row {
        Row::new(
            kind,
            Credential {
                id: 42,
                name: name.into(),
                expires_at: expires.map(d),
                ..Credential::default()
            },
            "demo/web".into(),
            "Demo / web".into(),
            "https://gl.example/demo/web/-/settings/access_tokens".into(),
            Vec::new(),
        )
    }

    /// RFC 4180, read strictly: CRLF after every record, quotes only around whole fields.
    pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        let mut at_start = true;
        while let Some(c) = chars.next() {
            if quoted {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        quoted = false;
                        assert!(
                            matches!(chars.peek(), Some(',') | Some('\r') | None),
                            "text after a closing quote"
                        );
                    }
                } else {
                    field.push(c);
                }
                continue;
            }
            match c {
                '"' if at_start => {
                    quoted = true;
                    at_start = false;
                }
                '"' => panic!("quote inside an unquoted field"),
                ',' => {
                    record.push(std::mem::take(&mut field));
                    at_start = true;
                }
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'), "CR without LF");
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                    at_start = true;
                }
                '\n' => panic!("LF without CR"),
                c => {
                    field.push(c);
                    at_start = false;
                }
            }
        }
        assert!(!quoted, "unclosed quote");
        assert!(field.is_empty() && record.is_empty(), "no CRLF at the end");
        records
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_quoting() {
        let today = d(TODAY);
        let mut r = row(
            Kind::ProjectAccessToken,
            "a, \"b\"\r\nc",
            Some("2027-01-31"),
        );
        r.credential.scopes = vec!["api".into(), "read_api".into()];
        r.credential.access_level = Some(AccessLevel::Developer);
        r.credential.created_at = Some(d("2026-01-02").and_hms_opt(3, 4, 5).unwrap().and_utc());
        r.violations = vec![Violation::Description, Violation::Scope("api".into())];
        let mut trigger = row(Kind::TriggerToken, "plain", None);
        trigger.credential.owner = Some(UserRef {
            id: 2,
            username: "maria".into(),
            name: "Maria".into(),
        });
        let rows = vec![r, trigger];
        let text = csv(&rows, &[1, 0, 9], today);
        let records = parse_csv(&text);
        assert_eq!(
            records.len(),
            3,
            "header, two rows, the stray index skipped"
        );
        assert_eq!(records[0], COLUMNS);
        assert_eq!(records[1][0], "trigger_token");
        assert_eq!(records[1][12], "maria");
        assert_eq!(records[1][11], "");
        let first = &records[2];
        assert_eq!(first[2], "a, \"b\"\r\nc");
        assert_eq!(first[6], "api read_api");
        assert_eq!(first[7], "Developer");
        assert_eq!(first[8], "active");
        assert_eq!(first[9], "2026-01-02T03:04:05Z");
        assert_eq!(first[11], "2027-01-31");
        assert_eq!(
            first[13],
            "Has no description; the policy requires one.; Has the api scope, which the policy forbids."
        );
        assert!(text.starts_with("kind,id,name,description,"));
        assert!(text.contains("\"a, \"\"b\"\"\r\nc\""));
        assert_eq!(csv(&[], &[], today), format!("{}\r\n", COLUMNS.join(",")));
    }

    #[test]
    fn csv_cells_never_run_as_formulas() {
        let today = d(TODAY);
        let names = [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("a=1", "a=1"),
            (" =1", " =1"),
        ];
        let rows: Vec<Row> = names
            .iter()
            .map(|(name, _)| row(Kind::DeployKey, name, None))
            .collect();
        let all: Vec<usize> = (0..rows.len()).collect();
        let records = parse_csv(&csv(&rows, &all, today));
        for (record, (_, want)) in records[1..].iter().zip(names) {
            assert_eq!(record[2], want);
        }
    }

    #[test]
    fn json_is_an_array_of_objects_with_nulls_and_lists() {
        let today = d(TODAY);
        let mut r = row(Kind::GroupAccessToken, "ci \"x\"\n", Some("2027-01-31"));
        r.credential.scopes = vec!["api".into()];
        r.violations = vec![Violation::Description];
        let rows = vec![r, row(Kind::DeployKey, "=k", None)];
        let text = json(&rows, &[0, 1], today);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let items = v.as_array().unwrap();
        assert_eq!(items.len(), 2);
        let first = &items[0];
        assert_eq!(first["kind"], "group_access_token");
        assert_eq!(first["id"], 42);
        assert_eq!(first["name"], "ci \"x\"\n");
        assert_eq!(first["scopes"], serde_json::json!(["api"]));
        assert_eq!(first["role"], serde_json::Value::Null);
        assert_eq!(first["expires_at"], "2027-01-31");
        assert_eq!(first["created_at"], serde_json::Value::Null);
        assert_eq!(
            first["policy"],
            serde_json::json!(["Has no description; the policy requires one."])
        );
        assert_eq!(first.as_object().unwrap().len(), COLUMNS.len());
        // JSON is data, not a spreadsheet: names stay as they are.
        assert_eq!(items[1]["name"], "=k");
        assert_eq!(items[1]["expires_at"], serde_json::Value::Null);
        assert_eq!(json(&rows, &[], today), "[]");
    }

    /// RFC 5545 section 3.1, checked line by line; returns the unfolded lines.
    pub(crate) fn check_ics(text: &str) -> Vec<String> {
        assert!(text.ends_with("\r\n"), "ends with CRLF");
        let body = &text[..text.len() - 2];
        let mut logical: Vec<String> = Vec::new();
        for line in body.split("\r\n") {
            assert!(!line.contains(['\r', '\n']), "bare CR or LF in {line:?}");
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
            assert!(
                !line.chars().any(|c| c.is_control() && c != '\t'),
                "control character in {line:?}"
            );
            match line.strip_prefix(' ') {
                Some(rest) => logical.last_mut().expect("a first line").push_str(rest),
                None => {
                    assert!(!line.is_empty(), "empty line");
                    logical.push(line.to_string());
                }
            }
        }
        logical
    }

    /// A TEXT value back to its text.
    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') | Some('N') => out.push('\n'),
                    Some(c @ ('\\' | ';' | ',')) => out.push(c),
                    other => panic!("bad escape \\{other:?}"),
                }
            } else {
                assert!(c != ';' && c != ',', "unescaped {c:?} in {value:?}");
                out.push(c);
            }
        }
        out
    }

    fn value<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .collect()
    }

    fn calendar() -> Calendar<'static> {
        Calendar {
            host: "gitlab.example.com",
            today: d(TODAY),
            now: d(TODAY).and_hms_opt(9, 8, 7).unwrap().and_utc(),
        }
    }

    #[test]
    fn one_event_per_working_token_with_an_expiry() {
        let mut revoked = row(Kind::ProjectAccessToken, "old", Some("2027-01-01"));
        revoked.credential.revoked = true;
        let rows = vec![
            row(Kind::ProjectAccessToken, "ci", Some("2027-01-31")),
            row(Kind::ProjectDeployToken, "never", None),
            revoked,
            row(Kind::DeployKey, "expired", Some("2026-11-01")),
        ];
        let text = ics(&rows, &[0, 1, 2, 3], calendar());
        let lines = check_ics(&text);
        assert_eq!(
            &lines[..5],
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//tokenwarden//Token expiry calendar//EN",
                "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH"
            ]
        );
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
        assert_eq!(value(&lines, "BEGIN"), ["VCALENDAR", "VEVENT", "VALARM"]);
        assert_eq!(
            value(&lines, "UID"),
            ["tokenwarden-project_access_token-42@gitlab.example.com"]
        );
        assert_eq!(value(&lines, "DTSTAMP"), ["20261121T090807Z"]);
        assert_eq!(value(&lines, "DTSTART;VALUE=DATE"), ["20270131"]);
        assert_eq!(value(&lines, "DTEND;VALUE=DATE"), ["20270201"]);
        assert_eq!(value(&lines, "TRIGGER"), ["-P7D"]);
        assert_eq!(value(&lines, "ACTION"), ["DISPLAY"]);
        let summary = unescape(value(&lines, "SUMMARY")[0]);
        assert_eq!(summary, "Project access token expires: ci");
        let descriptions: Vec<String> = value(&lines, "DESCRIPTION")
            .into_iter()
            .map(unescape)
            .collect();
        assert_eq!(
            descriptions,
            [
                "The project access token \u{201c}ci\u{201d} in Demo / web (demo/web) stops working on 2027-01-31 at 00:00 UTC.\nRotate or replace it: https://gl.example/demo/web/-/settings/access_tokens",
                "The project access token \u{201c}ci\u{201d} expires in 7 days.",
            ]
        );
        // The same token gets the same UID in every export.
        assert_eq!(text, ics(&rows, &[0], calendar()));
        let empty = check_ics(&ics(&rows, &[], calendar()));
        assert_eq!(empty.len(), 6);
    }

    #[test]
    fn a_shared_deploy_key_gets_an_event_per_project() {
        let a = row(Kind::DeployKey, "k", Some("2027-01-01"));
        let mut b = a.clone();
        b.path = "other/project".into();
        let lines = check_ics(&ics(&[a, b], &[0, 1], calendar()));
        let uids = value(&lines, "UID");
        assert_eq!(uids.len(), 2);
        assert_ne!(uids[0], uids[1]);
        assert!(uids[0].starts_with("tokenwarden-deploy_key-42-"));
    }

    #[test]
    fn hostile_names_obey_every_line_rule() {
        let names = [
            "commas, semicolons; backslashes \\ and \\n literal".to_string(),
            "line\nbreaks\r\nand\rreturns".to_string(),
            "emoji 🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊".to_string(),
            "é".repeat(500),
            "x".repeat(500),
            "עברית مرحبا \u{202e}gnp.exe".to_string(),
            "tab\there\u{0}nul\u{7f}del\u{85}next".to_string(),
            "a".repeat(73) + "🦊" + &"b".repeat(80),
        ];
        let rows: Vec<Row> = names
            .iter()
            .map(|n| row(Kind::PersonalAccessToken, n, Some("2027-06-01")))
            .collect();
        let all: Vec<usize> = (0..rows.len()).collect();
        let mut host_cal = calendar();
        host_cal.host = "gitlab.example.com:8443/x;y,z";
        let text = ics(&rows, &all, host_cal);
        let lines = check_ics(&text);
        let summaries: Vec<String> = value(&lines, "SUMMARY").into_iter().map(unescape).collect();
        assert_eq!(summaries.len(), names.len());
        for (summary, name) in summaries.iter().zip(&names) {
            let expected = visible(name)
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .chars()
                .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
                .collect::<String>();
            assert_eq!(
                *summary,
                format!("Personal access token expires: {expected}")
            );
        }
        // Invisible direction overrides are shown, not obeyed.
        assert!(summaries[5].contains("[U+202E]"));
        for uid in value(&lines, "UID") {
            assert!(uid.ends_with("@gitlab.example.com-8443-x-y-z"), "{uid}");
        }
        // Folding happens exactly at 75 octets when the text allows it.
        let raw: Vec<&str> = text.split("\r\n").collect();
        assert!(raw.iter().any(|l| l.len() == MAX_LINE_OCTETS));
        assert!(raw.iter().filter(|l| l.starts_with(' ')).count() > 20);
    }

    #[test]
    fn folding_never_splits_a_character() {
        for width in 0..8 {
            let line = "x".repeat(width) + &"€🦊é".repeat(60);
            let mut out = String::new();
            push_line(&mut out, &line);
            let lines = check_ics(&out);
            assert_eq!(lines, [line]);
        }
        let mut out = String::new();
        push_line(&mut out, &"y".repeat(75));
        assert_eq!(out, format!("{}\r\n", "y".repeat(75)));
        let mut out = String::new();
        push_line(&mut out, &"y".repeat(76));
        assert_eq!(out, format!("{}\r\n y\r\n", "y".repeat(75)));
    }

    #[test]
    fn text_escaping_covers_the_specials() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg\u{1}h"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng h"
        );
    }
}
