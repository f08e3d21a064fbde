//! Hostile input never panics: arbitrary strings, numbers, dates and JSON thrown at every parser
//! the page runs. A panic in the browser kills the whole app, so each of these must answer with
//! a value or an error, never a panic.

use chrono::NaiveDate;
use domain::error::{check, classify_error, decode};
use domain::inventory::policy::Glob;
use domain::inventory::{
    export, filter, forecast, Filter, Policy, Row, Sort, SortColumn, State, Violation,
};
use domain::kind::Owner;
use domain::models::{AppSettings, CreatedToken, Credential, Member, Place, User, Version};
use domain::role::Caller;
use domain::snippets::{for_kind, shell_quote, SnippetInput};
use domain::validate::{self, CredentialForm, FormContext};
use domain::{
    ssh_key, token_prefix, AccessLevel, ExpiryChoice, GitLabUrl, Kind, PageInfo, ProjectRef, Route,
};
use proptest::prelude::*;

/// Text with the characters that break naive parsers: quotes, slashes, percent signs, dots,
/// control and zero-width characters, right-to-left overrides, non-ASCII.
fn nasty() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        Just("..".to_string()),
        Just("%2e".to_string()),
        Just("%".to_string()),
        Just("/".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{200b}".to_string()),
        Just("<script>".to_string()),
        Just("?".to_string()),
        Just("#".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("\n".to_string()),
        Just("glpat-".to_string()),
        Just("ssh-ed25519 AAAA".to_string()),
        "[0-9]{1,12}",
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

/// JSON-ish text: real JSON of random shapes, and broken JSON.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        nasty().prop_map(|s| serde_json::Value::String(s).to_string()),
        Just("\"2026-13-45T99:99:99Z\"".to_string()),
        Just("\"2026-01-02\"".to_string()),
        Just("[\"api\",null,7]".to_string()),
    ];
    let keys = prop_oneof![
        Just("id"),
        Just("name"),
        Just("token"),
        Just("scopes"),
        Just("expires_at"),
        Just("access_level"),
        Just("revoked"),
        Just("active"),
        Just("username"),
        Just("user_id"),
        Just("created_at"),
        Just("last_used_at"),
        Just("fingerprint"),
        Just("key"),
        Just("can_push"),
        Just("owner"),
        Just("description"),
        Just("message"),
        Just("error"),
        Just("path_with_namespace"),
        Just("full_path"),
        Just("is_admin"),
        Just("version"),
        Just("unknown_field"),
    ];
    let object = prop::collection::vec((keys, leaf.clone()), 0..14).prop_map(|pairs| {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", body.join(","))
    });
    prop_oneof![
        object.clone(),
        prop::collection::vec(object, 0..4).prop_map(|v| format!("[{}]", v.join(","))),
        leaf,
        nasty(),
        // Cut-off answers (a dropped connection, a proxy's truncation).
        (
            any::<u8>(),
            Just(r#"{"id":1,"name":"a","token":"glpat-x","scopes":["api"]}"#)
        )
            .prop_map(|(n, s)| s[..usize::from(n) % s.len()].to_string()),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(201),
        Just(204),
        Just(400),
        Just(401),
        Just(403),
        Just(404),
        Just(422),
        Just(429),
        Just(500),
        Just(502),
        0u16..1000
    ]
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

proptest! {
    // A fixed seed keeps CI repeatable; PROPTEST_RNG_SEED=<n> explores other inputs by hand.
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        rng_seed: match std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()) {
            Some(seed) => proptest::test_runner::RngSeed::Fixed(seed),
            None => proptest::test_runner::RngSeed::Fixed(20_261_122),
        },
        ..ProptestConfig::default()
    })]

    #[test]
    fn decoders_never_panic(status in status(), body in json_text()) {
        let _ = decode::<Credential>(status, &body);
        let _ = decode::<Vec<Credential>>(status, &body);
        let _ = decode::<Place>(status, &body);
        let _ = decode::<Vec<Place>>(status, &body);
        let _ = decode::<User>(status, &body);
        let _ = decode::<Member>(status, &body);
        let _ = decode::<Version>(status, &body);
        let _ = decode::<AppSettings>(status, &body);
        let _ = CreatedToken::from_json(&body);
        let _ = check(status, &body);
        let e = classify_error(status, &body);
        // Whatever GitLab sent, the banner text stays bounded.
        prop_assert!(e.summary().chars().count() < 1000);
    }

    #[test]
    fn decoders_accept_unknown_fields_nulls_and_missing_optionals(
        extra in nasty(), value in json_text(),
    ) {
        let key = serde_json::Value::String(format!("x{extra}")).to_string();
        let base = r#""id":7,"name":"n","scopes":["api"],"expires_at":null,"description":null,"last_used_at":null"#;
        let body = format!("{{{base},{key}:{}}}", if serde_json::from_str::<serde_json::Value>(&value).is_ok() { value } else { "null".into() });
        let row = decode::<Credential>(200, &body);
        prop_assert!(row.is_ok(), "{body}: {row:?}");
        prop_assert_eq!(row.unwrap().id, 7);
    }

    #[test]
    fn page_headers_never_panic(
        page in nasty(), total in nasty(), next in nasty(), link in nasty(),
        asked in any::<u32>(), size in any::<u32>(), count in any::<usize>(),
    ) {
        let headers = [("x-page", page), ("x-total", total), ("x-next-page", next), ("link", link),
            ("x-total-pages", "4294967295".to_string()), ("x-per-page", "-3".to_string())];
        let info = PageInfo::from_headers(
            |h| headers.iter().find(|(k, _)| *k == h).map(|(_, v)| v.clone()),
            asked, size, count,
        );
        // A next page is always further on: a client following it cannot loop.
        if let Some(next) = info.next_page {
            prop_assert!(next > info.page, "{info:?}");
        }
        if let Some(prev) = info.prev_page {
            prop_assert!(prev < info.page && prev > 0, "{info:?}");
        }
    }

    #[test]
    fn routes_never_panic_and_never_carry_a_path_a_browser_would_resolve(hash in nasty()) {
        let route = Route::from_hash(&format!("#/{hash}"));
        if let Route::Credentials { owner: Owner::Project(ProjectRef::Path(p)) | Owner::Group(ProjectRef::Path(p)), .. } = &route {
            prop_assert!(!p.split('/').any(|s| s == ".." || s == "." || s.is_empty()), "{p:?}");
            prop_assert!(p.chars().count() <= domain::request::MAX_PATH_CHARS);
        }
        // What the page links to reads back as the same place.
        prop_assert_eq!(Route::from_hash(&route.href()), route);
    }

    #[test]
    fn validators_never_panic(
        name in nasty(), description in nasty(), username in nasty(), key in nasty(),
        scopes in prop::collection::vec(nasty(), 0..5), date in nasty(), days in any::<u32>(),
        kind_index in 0usize..7, admin in any::<bool>(), level in 0usize..7,
    ) {
        let kind = Kind::ALL[kind_index];
        let caller = Caller { role: AccessLevel::ALL.get(level).copied(), admin };
        let ctx = FormContext {
            today: today(), caller, planner_supported: admin, descriptions_supported: true,
            virtual_registry_supported: admin, self_service: !admin,
        };
        let mut form = CredentialForm::new(kind, caller);
        form.name = name.clone();
        form.description = description;
        form.username = username;
        form.key = key.clone();
        form.scopes = scopes.clone();
        for expiry in [ExpiryChoice::Custom(date.clone()), ExpiryChoice::Preset(days), ExpiryChoice::Never] {
            form.expiry = expiry;
            let _ = validate::credential(kind, &form, &ctx);
            let _ = validate::edit(kind, &form, &ctx);
        }
        let _ = validate::name(&name);
        let _ = validate::gitlab_pat_form("https://gitlab.example.com", &name, &scopes);
        let _ = ssh_key::parse(&key);
        let _ = domain::expiry::parse_date(&date);
        let _ = token_prefix::recognise(&name, Some(&date));
        let _ = token_prefix::recognise_on(&name, &date);
        let _ = token_prefix::access_token_kind(&name);
        let _ = GitLabUrl::parse(&name);
    }

    #[test]
    fn snippets_never_panic_and_quote_what_they_interpolate(
        path in nasty(), username in nasty(), registry in nasty(), name in nasty(),
        kind_index in 0usize..7, id in any::<u64>(),
    ) {
        let gitlab = GitLabUrl::parse("https://gitlab.example.com/sub").unwrap();
        let scopes = vec!["api".to_string(), "read_registry".to_string(), "write_package_registry".to_string()];
        let input = SnippetInput {
            kind: Kind::ALL[kind_index], gitlab: &gitlab, project_path: Some(&path),
            project_id: Some(id), username: Some(&username), scopes: &scopes,
            registry_host: Some(&registry), deploy_token_name: Some(&name),
        };
        for snippet in for_kind(&input) {
            // A hostile value never ends a quoted string early: apart from escaped quotes
            // ('\''), single quotes pair up.
            let bare = snippet.text.replace("'\\''", "");
            prop_assert!(bare.matches('\'').count() % 2 == 0, "{}", snippet.text);
        }
        let quoted = shell_quote(&name);
        prop_assert!(quoted.starts_with('\'') && quoted.ends_with('\''));
    }
}

/// Policy-shaped JSON: the right keys with right and wrong values, and some wrong keys.
fn policy_text() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (0i64..400).prop_map(|n| n.to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("1.5".to_string()),
        nasty().prop_map(|s| serde_json::Value::String(s).to_string()),
        Just("\"ci-*\"".to_string()),
        Just("[\"api\",\"read_registry\"]".to_string()),
        Just("[\"sudo\",7]".to_string()),
        Just("[]".to_string()),
    ];
    let rule_key = prop_oneof![
        Just("max_lifetime_days"),
        Just("forbidden_scopes"),
        Just("name_pattern"),
        Just("description_required"),
        Just("maximum"),
    ];
    let rules = prop::collection::vec((rule_key, value), 0..5).prop_map(|pairs| {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", body.join(","))
    });
    let kind_key = prop_oneof![
        (0usize..7).prop_map(|i| Kind::ALL[i].key().to_string()),
        nasty(),
    ];
    let kinds = prop::collection::vec((kind_key, rules.clone()), 0..4).prop_map(|pairs| {
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}:{v}", serde_json::Value::String(k.clone())))
            .collect();
        format!("{{{}}}", body.join(","))
    });
    prop_oneof![
        (rules, kinds).prop_map(|(d, k)| format!("{{\"default\":{d},\"kinds\":{k}}}")),
        json_text(),
    ]
}

/// Name-pattern text from a small alphabet, so matches are frequent.
fn glob_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!['a', 'b', '*', '?', 'é', '🦊']),
        0..max,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// An obviously right glob matcher: a table of which pattern prefixes match which name
/// prefixes.
fn glob_reference(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let mut table = vec![vec![false; n.len() + 1]; p.len() + 1];
    table[0][0] = true;
    for i in 1..=p.len() {
        for j in 0..=n.len() {
            table[i][j] = match p[i - 1] {
                '*' => table[i - 1][j] || (j > 0 && table[i][j - 1]),
                '?' => j > 0 && table[i - 1][j - 1],
                c => j > 0 && n[j - 1] == c && table[i - 1][j - 1],
            };
        }
    }
    table[p.len()][n.len()]
}

fn inventory_row(
    kind: usize,
    id: u64,
    name: String,
    path: String,
    scopes: Vec<String>,
    days: Option<i64>,
    flags: u8,
) -> Row {
    let day = |n: i64| today().checked_add_signed(chrono::Duration::days(n));
    let time = |n: i64| {
        day(n)
            .and_then(|d| d.and_hms_opt(1, 2, 3))
            .map(|t| t.and_utc())
    };
    let credential = Credential {
        id,
        name,
        description: path.chars().rev().collect(),
        scopes,
        revoked: flags & 1 != 0,
        active: (flags & 2 != 0).then_some(false),
        expires_at: days.and_then(day),
        created_at: (flags & 4 != 0).then(|| time(-400)).flatten(),
        last_used_at: days.filter(|_| flags & 8 != 0).and_then(|n| time(-n.abs())),
        access_level: AccessLevel::ALL.get(usize::from(flags >> 4) % 8).copied(),
        username: path.clone(),
        ..Credential::default()
    };
    let violations = if flags & 16 != 0 {
        vec![Violation::Description]
    } else {
        Vec::new()
    };
    Row::new(
        Kind::ALL[kind % 7],
        credential,
        path.clone(),
        path,
        "https://gitlab.example.com/x".into(),
        violations,
    )
}

/// Cheaper hostile text for tables of many rows: the characters that break CSV, calendars and
/// spreadsheets, and any character at all.
fn cell_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        prop::sample::select(vec![
            ",", ";", "\"", "\\", "\r", "\n", "\r\n", "=", "+", "-", "@", "\t", "🦊", "é",
            "\u{202e}", "\u{200b}", "\u{0}", "api", "ci", " ",
        ])
        .prop_map(String::from),
        Just("x".repeat(80)),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn inventory_rows() -> impl Strategy<Value = Vec<Row>> {
    let row = (
        0usize..7,
        0u64..20,
        cell_text(),
        cell_text(),
        prop::collection::vec(cell_text(), 0..3),
        prop::option::of(-800i64..800),
        any::<u8>(),
    )
        .prop_map(|(k, id, name, path, scopes, days, flags)| {
            inventory_row(k, id, name, path, scopes, days, flags)
        });
    prop::collection::vec(row, 0..12)
}

/// RFC 4180 records: CRLF after each, quotes only around whole fields (panics otherwise).
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut at_start) = (false, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => {
                quoted = false;
                assert!(matches!(chars.peek(), Some(',' | '\r') | None));
            }
            (true, c) => field.push(c),
            (false, '"') => {
                assert!(at_start, "quote inside a field");
                quoted = true;
                at_start = false;
            }
            (false, ',') => {
                record.push(std::mem::take(&mut field));
                at_start = true;
            }
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_start = true;
            }
            (false, '\n') => panic!("LF without CR"),
            (false, c) => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "unterminated"
    );
    records
}

/// Checks RFC 5545's line rules and returns the unfolded lines.
fn read_ics(text: &str) -> Vec<String> {
    assert!(text.ends_with("\r\n"));
    let mut lines: Vec<String> = Vec::new();
    for line in text[..text.len() - 2].split("\r\n") {
        assert!(line.len() <= 75, "{} octets", line.len());
        assert!(
            !line.chars().any(char::is_control),
            "control character in {line:?}"
        );
        match line.strip_prefix(' ') {
            Some(rest) => lines.last_mut().expect("first line folded").push_str(rest),
            None => lines.push(line.to_string()),
        }
    }
    lines
}

fn unescape_text(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some(c @ ('\\' | ';' | ',')) => out.push(c),
                other => panic!("bad escape {other:?}"),
            },
            ';' | ',' => panic!("unescaped {c:?}"),
            c => out.push(c),
        }
    }
    out
}

fn filter_of(
    kinds: Vec<usize>,
    state: usize,
    text: String,
    numbers: (Option<u32>, Option<u32>, Option<i64>),
    flags: u8,
) -> Filter {
    let (within, unused, between) = numbers;
    Filter {
        kinds: kinds.into_iter().map(|k| Kind::ALL[k % 7]).collect(),
        state: [
            State::Active,
            State::Inactive,
            State::Expired,
            State::Revoked,
        ]
        .get(state)
        .copied(),
        scope: (flags & 1 != 0).then(|| text.clone()),
        role: AccessLevel::ALL.get(usize::from(flags >> 5)).copied(),
        expires_within_days: within,
        expires_between: between.and_then(|n| {
            let a = today().checked_add_signed(chrono::Duration::days(n))?;
            Some((a, a.checked_add_signed(chrono::Duration::days(6))?))
        }),
        never_used: flags & 2 != 0,
        unused_for_days: unused,
        violations_only: flags & 4 != 0,
        text,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        rng_seed: match std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()) {
            Some(seed) => proptest::test_runner::RngSeed::Fixed(seed),
            None => proptest::test_runner::RngSeed::Fixed(20_261_123),
        },
        ..ProptestConfig::default()
    })]

    #[test]
    fn policy_files_never_panic_and_keep_rules_to_their_kinds(text in policy_text()) {
        let Ok(policy) = Policy::parse(&text) else { return Ok(()) };
        for kind in Kind::ALL {
            let rule = policy.rule(kind);
            prop_assert!(rule.forbidden_scopes.iter().all(|s| kind.scope(s).is_some()));
            if rule.max_lifetime_days.is_some() {
                prop_assert!(kind.spec().fields.contains(&domain::Field::ExpiresAt));
            }
        }
    }

    #[test]
    fn globs_agree_with_a_reference(pattern in glob_text(10), name in glob_text(12)) {
        let name = name.replace(['*', '?'], "a");
        if let Ok(glob) = Glob::new(&pattern) {
            prop_assert_eq!(glob.matches(&name), glob_reference(&pattern, &name), "{} ~ {}", pattern, name);
        }
    }

    #[test]
    fn globs_never_panic(pattern in nasty(), name in nasty()) {
        if let Ok(glob) = Glob::new(&pattern) {
            let _ = glob.matches(&name);
            prop_assert!(glob.matches(&pattern) || pattern.contains(['*', '?']));
        }
    }

    #[test]
    fn csv_reads_back_cell_for_cell(rows in inventory_rows()) {
        let shown: Vec<usize> = (0..rows.len()).collect();
        let text = export::csv(&rows, &shown, today());
        let records = read_csv(&text);
        prop_assert_eq!(records.len(), rows.len() + 1);
        for (record, row) in records[1..].iter().zip(&rows) {
            prop_assert_eq!(record.len(), export::COLUMNS.len());
            let name = &row.credential.name;
            let guarded = name.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let want = if guarded { format!("'{name}") } else { name.clone() };
            prop_assert_eq!(&record[2], &want);
            prop_assert!(record.iter().all(|c| !c.starts_with(['=', '+', '-', '@', '\t', '\r'])));
        }
    }

    #[test]
    fn json_export_is_json(rows in inventory_rows()) {
        let shown: Vec<usize> = (0..rows.len()).rev().collect();
        let text = export::json(&rows, &shown, today());
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let items = value.as_array().expect("an array");
        prop_assert_eq!(items.len(), rows.len());
        for (item, &i) in items.iter().zip(&shown) {
            prop_assert_eq!(item["name"].as_str(), Some(rows[i].credential.name.as_str()));
        }
    }

    #[test]
    fn calendars_obey_rfc_5545_line_rules(rows in inventory_rows(), host in cell_text()) {
        let shown: Vec<usize> = (0..rows.len()).collect();
        let cal = export::Calendar {
            host: &host,
            today: today(),
            now: today().and_hms_opt(0, 0, 0).unwrap().and_utc(),
        };
        let lines = read_ics(&export::ics(&rows, &shown, cal));
        let summaries: Vec<String> = lines
            .iter()
            .filter_map(|l| l.strip_prefix("SUMMARY:"))
            .map(unescape_text)
            .collect();
        let events: Vec<&Row> = rows
            .iter()
            .filter(|r| r.credential.expires_at.is_some() && r.status(today()).is_active())
            .collect();
        prop_assert_eq!(summaries.len(), events.len());
        for (summary, row) in summaries.iter().zip(events) {
            let name: String = domain::text::shown(&row.credential.name)
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .chars()
                .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
                .collect();
            prop_assert!(summary.ends_with(&format!(" expires: {name}")), "{summary:?}");
        }
        for line in &lines {
            if let Some(uid) = line.strip_prefix("UID:") {
                prop_assert!(!uid.contains([',', ';', '\\', ' ']), "{uid}");
            }
        }
    }

    #[test]
    fn filters_and_sorts_never_panic_and_agree(
        rows in inventory_rows(),
        kinds in prop::collection::vec(0usize..7, 0..3),
        state in 0usize..6,
        text in cell_text(),
        within in prop::option::of(any::<u32>()),
        unused in prop::option::of(any::<u32>()),
        between in prop::option::of(-400i64..400),
        flags in any::<u8>(),
        column in 0usize..10,
        descending in any::<bool>(),
    ) {
        let f = filter_of(kinds, state, text, (within, unused, between), flags);
        let s = Sort { column: SortColumn::ALL[column], descending };
        let kept = filter::filter(&rows, &f, today());
        let shown = filter::view(&rows, &f, s, today());
        let mut sorted = shown.clone();
        sorted.sort_unstable();
        prop_assert_eq!(&sorted, &kept, "the view is the filter's rows, reordered");
        let empty = filter::view(&rows, &Filter::default(), s, today());
        prop_assert_eq!(empty.len(), rows.len());
        // Sorting what is sorted changes nothing.
        let mut again = shown.clone();
        filter::sort(&rows, &mut again, s, today());
        prop_assert_eq!(again, shown);
        let _ = forecast::forecast(&rows, today());
    }
}

#[test]
fn ten_megabyte_bodies_are_decoded_or_refused_without_trouble() {
    let row = r#"{"id":1,"name":"n","scopes":["api"],"revoked":false,"active":true}"#;
    let big_list = format!("[{}]", vec![row; 10_000_000 / row.len()].join(","));
    assert!(big_list.len() >= 9_000_000);
    let rows = decode::<Vec<Credential>>(200, &big_list).expect("a huge list still decodes");
    assert!(rows.len() > 100_000);
    let garbage = "<".repeat(10_000_000);
    let e = decode::<Vec<Credential>>(200, &garbage).unwrap_err();
    assert!(
        e.summary().chars().count() < 1000,
        "the message stays short"
    );
    let e = classify_error(500, &garbage);
    assert!(e.summary().chars().count() < 1000);
}

fn reconcile_rows() -> impl Strategy<Value = Vec<Credential>> {
    // Few ids and names, so rows collide with the write and with each other.
    let row = (
        0u64..6,
        prop::sample::select(vec!["ci", "deploy", ""]),
        any::<bool>(),
        any::<Option<bool>>(),
        -20i64..20,
        any::<Option<u8>>(),
    )
        .prop_map(|(id, name, revoked, active, minutes, expires)| Credential {
            id,
            name: name.into(),
            revoked,
            active,
            created_at: Some(
                chrono::DateTime::from_timestamp(1_795_000_000 + minutes * 60, 0).unwrap(),
            ),
            expires_at: expires.map(|d| today() + chrono::Duration::days(i64::from(d) - 100)),
            ..Credential::default()
        });
    prop::collection::vec(row, 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 500,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_122),
        ..ProptestConfig::default()
    })]

    /// Whatever the list after a lost answer holds, the verdict never names a token the page
    /// had already listed, nor one of another name, nor a dead one.
    #[test]
    fn reconciling_never_blames_a_token_the_write_did_not_make(
        rows in reconcile_rows(),
        before in prop::collection::vec(0u64..6, 0..4),
        which in 0u8..3,
        id in 0u64..6,
        name in prop::sample::select(vec!["ci", "deploy", ""]),
    ) {
        use domain::reconcile::{reconcile, Outcome, Write};
        let name = name.to_string();
        let write = match which {
            0 => Write::Create { name: name.clone() },
            1 => Write::Rotate { id, name: name.clone() },
            _ => Write::Revoke { id, name: name.clone() },
        };
        let sent = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        match reconcile(&write, &before, &rows, sent, today()) {
            Outcome::Created(made) => {
                prop_assert_eq!(which, 0);
                prop_assert!(!made.is_empty());
                for c in made {
                    prop_assert_eq!(&c.name, &name);
                    prop_assert!(!before.contains(&c.id));
                    prop_assert!(c.status(today()).is_active());
                }
            }
            Outcome::Rotated(c) => {
                prop_assert_eq!(which, 1);
                prop_assert_eq!(&c.name, &name);
                prop_assert!(!before.contains(&c.id));
                prop_assert!(c.status(today()).is_active());
            }
            Outcome::Revoked => {
                prop_assert_eq!(which, 2);
                prop_assert!(rows.iter().all(|c| c.id != id || !c.status(today()).is_active()));
            }
            Outcome::NotDone | Outcome::Unclear(_) => {}
        }
    }
}
