//! The inventory: every credential the user administers, across projects, groups and kinds,
//! read by a bounded concurrent scan, with filters, sort, an expiry forecast, exports and bulk
//! actions. What to ask and what the answers mean live in `domain::inventory`; this page sends
//! the calls and draws the results.

use crate::client::Client;
use crate::components::bulk_dialog::BulkDialog;
use crate::components::credential_form::{CredentialFormDialog, Sender};
use crate::context::AppCtx;
use crate::policy::{use_policy, SitePolicy};
use crate::state::Action as AppAction;
use crate::time::{date, relative, today};
use chrono::{Datelike, NaiveDate};
use domain::capability::{check, Action, Who};
use domain::features::Feature;
use domain::inventory::bulk::BulkAction;
use domain::inventory::export::{self, Calendar};
use domain::inventory::filter::{sort as sort_rows, Views};
use domain::inventory::forecast::{forecast, Forecast};
use domain::inventory::plan::{self, discovery, reach_from, Discovery, PlanInput};
use domain::inventory::{
    Event as ScanEvent, Filter, KindSet, Policy, Row, Scan, Sort, SortColumn, State,
};
use domain::kind::{Owner, OwnerType};
use domain::models::{Credential, Place, User};
use domain::request::ProjectRef;
use domain::request::{self, CreateBody};
use domain::role::AccessLevel;
use domain::role::Caller;
use domain::text::shown;
use domain::validate::FormContext;
use domain::{ApiError, Kind, Route};
use futures_util::future::join_all;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

/// Rows drawn per page of the table: enough to scan by eye, few enough that a keystroke's
/// redraw stays within a frame with ten thousand rows behind it.
const PAGE_ROWS: usize = 25;
/// The table's count of tokens: where focus lands after a bulk action, with what it changed.
pub const COUNT_ID: &str = "inv-count";

/// While a scan runs, the table is rebuilt at most this often (ms), and the progress redrawn at
/// most every [`REDRAW_EVERY_MS`]: redrawing on every answer kept the main thread busier than the
/// network.
const REBUILD_EVERY_MS: f64 = 2000.0;
const REDRAW_EVERY_MS: f64 = 150.0;

/// The table's rows, compared by identity: comparing ten thousand rows by value on every
/// render would cost more than the render.
#[derive(Clone, Default)]
pub struct Table(pub Rc<Vec<Row>>);

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
enum Phase {
    #[default]
    Idle,
    Discovering,
    Scanning,
    /// Stopped before any list was read: cancelled, or the projects and groups could not be
    /// listed.
    Stopped(Option<ApiError>),
}

#[derive(Default)]
struct Driver {
    generation: u32,
    phase: Phase,
    scan: Option<Scan>,
    /// Projects and groups found so far, while discovering.
    places: usize,
    last_rebuild_ms: f64,
    last_redraw_ms: f64,
    /// The end mark is set once per scan.
    ended: bool,
    base: String,
    policy: Option<Rc<Policy>>,
    /// Redraws the scan's status alone: the progress changes many times a second while a scan
    /// runs, and redrawing the whole page (table, filters) each time slowed the scan itself.
    redraw_status: Option<Callback<()>>,
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A row's identity across rebuilds, for the selection.
type Key = (u8, String, u64);

fn key(row: &Row) -> Key {
    (row.kind as u8, row.path.clone(), row.credential.id)
}

#[derive(Clone)]
struct Engine {
    driver: Rc<RefCell<Driver>>,
    client: Client,
    user: User,
    version: String,
    set_rows: Callback<Table>,
}

/// One engine per page: the same driver is the same engine.
impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.driver, &other.driver)
    }
}

impl Engine {
    /// Redraws the scan's status (the rest of the page redraws when its rows change).
    fn redraw(&self) {
        let redraw = self.driver.borrow().redraw_status.clone();
        if let Some(redraw) = redraw {
            redraw.emit(());
        }
    }

    fn rebuild(&self) {
        let table = {
            let mut d = self.driver.borrow_mut();
            d.last_rebuild_ms = now_ms();
            match &d.scan {
                Some(scan) => domain::inventory::rows(scan, &d.base, d.policy.as_deref(), today()),
                None => Vec::new(),
            }
        };
        self.set_rows.emit(Table(Rc::new(table)));
    }

    fn start(&self) {
        let generation = {
            let mut d = self.driver.borrow_mut();
            d.generation = d.generation.wrapping_add(1);
            d.phase = Phase::Discovering;
            d.scan = None;
            d.places = 0;
            d.ended = false;
            d.generation
        };
        mark("inventory-scan-start");
        self.rebuild();
        self.redraw();
        let me = self.clone();
        spawn_local(async move { me.discover(generation).await });
    }

    fn current(&self, generation: u32) -> bool {
        self.driver.borrow().generation == generation
    }

    /// Every page of one discovery list. When GitLab says how many pages there are, the rest
    /// are asked for together (a bound at a time); otherwise one after the other, by its
    /// next-page pointer.
    async fn places(
        &self,
        first: domain::ApiRequest,
        generation: u32,
    ) -> Result<Option<Vec<Place>>, ApiError> {
        let mut out = Vec::new();
        let mut req = first;
        let mut page = 1;
        loop {
            let (items, info) = self.client.page::<Place>(&req).await?;
            if !self.current(generation) {
                return Ok(None);
            }
            let received = items.len();
            self.found_places(items, &mut out);
            if received == 0 {
                return Ok(Some(out));
            }
            if let (1, Some(total)) = (page, info.total_pages) {
                let rest: Vec<_> = (2..=total.min(plan::MAX_PAGES))
                    .filter_map(|p| req.at_page(p))
                    .collect();
                for batch in rest.chunks(plan::MAX_IN_FLIGHT) {
                    let answers =
                        join_all(batch.iter().map(|r| self.client.page::<Place>(r))).await;
                    if !self.current(generation) {
                        return Ok(None);
                    }
                    for answer in answers {
                        self.found_places(answer?.0, &mut out);
                    }
                }
                return Ok(Some(out));
            }
            match info.next_page {
                Some(next) if next > page && next <= plan::MAX_PAGES => {
                    match req.at_page(next) {
                        Some(r) => req = r,
                        None => return Ok(Some(out)),
                    }
                    page = next;
                }
                _ => return Ok(Some(out)),
            }
        }
    }

    fn found_places(&self, items: Vec<Place>, out: &mut Vec<Place>) {
        self.driver.borrow_mut().places += items.len();
        out.extend(items);
        self.redraw();
    }

    async fn discover(&self, generation: u32) {
        let mut projects = Vec::new();
        let mut groups = Vec::new();
        let mut owned = Vec::new();
        let mut owned_projects = Vec::new();
        // The lists do not depend on each other: asked for together.
        let lists = discovery(false);
        let answers = join_all(
            lists
                .iter()
                .map(|(_, req)| self.places(req.clone(), generation)),
        )
        .await;
        for ((which, _), answer) in lists.iter().zip(answers) {
            match answer {
                Ok(Some(found)) => match which {
                    Discovery::Projects => projects = found,
                    Discovery::Groups => groups = found,
                    Discovery::OwnedGroups => owned = found,
                    Discovery::OwnedProjects => owned_projects = found,
                },
                Ok(None) => return,
                Err(e) => {
                    if self.current(generation) {
                        self.driver.borrow_mut().phase = Phase::Stopped(Some(e));
                        self.redraw();
                    }
                    return;
                }
            }
        }
        let (projects, groups) = reach_from(projects, groups, &owned_projects, &owned, false);
        let planned = plan::plan(&PlanInput {
            user: &self.user,
            projects: &projects,
            groups: &groups,
            version: &self.version,
        });
        {
            let mut d = self.driver.borrow_mut();
            d.scan = Some(Scan::new(planned, plan::MAX_IN_FLIGHT));
            d.phase = Phase::Scanning;
        }
        self.redraw();
        self.pump(generation);
    }

    /// Starts as many planned calls as the bound allows; each answer starts the next.
    fn pump(&self, generation: u32) {
        loop {
            let next = {
                let mut d = self.driver.borrow_mut();
                if d.generation != generation {
                    return;
                }
                d.scan.as_mut().and_then(Scan::take_next)
            };
            let Some(planned) = next else { break };
            let me = self.clone();
            spawn_local(async move {
                let event = match me.client.page::<Credential>(&planned.request).await {
                    Ok((items, info)) => ScanEvent::Answered {
                        planned,
                        items,
                        info,
                    },
                    Err(error) => ScanEvent::Failed { planned, error },
                };
                me.apply(generation, event);
            });
        }
        self.settle();
    }

    fn apply(&self, generation: u32, event: ScanEvent) {
        {
            let mut d = self.driver.borrow_mut();
            if d.generation != generation {
                return;
            }
            match d.scan.as_mut() {
                Some(scan) => scan.apply(event),
                None => return,
            }
        }
        self.pump(generation);
    }

    /// After any change: the end mark, and a rebuilt table when the scan is over or the last
    /// rebuild is old enough.
    fn settle(&self) {
        let (finished, stale, redraw) = {
            let mut d = self.driver.borrow_mut();
            let progress = d.scan.as_ref().map(Scan::progress).unwrap_or_default();
            let finished = progress.finished;
            if finished && !progress.cancelled && !d.ended {
                d.ended = true;
                mark("inventory-scan-end");
            }
            let now = now_ms();
            let redraw = finished || now - d.last_redraw_ms >= REDRAW_EVERY_MS;
            if redraw {
                d.last_redraw_ms = now;
            }
            (
                finished,
                now - d.last_rebuild_ms >= REBUILD_EVERY_MS,
                redraw,
            )
        };
        if finished || stale {
            self.rebuild();
        }
        if redraw {
            self.redraw();
        }
    }

    fn event(&self, event: ScanEvent) {
        let generation = {
            let mut d = self.driver.borrow_mut();
            if matches!(event, ScanEvent::Refresh(_) | ScanEvent::Resume) {
                d.ended = false;
            }
            if let Some(scan) = d.scan.as_mut() {
                scan.apply(event);
            }
            d.generation
        };
        self.pump(generation);
        // What the user asked for shows at once, whatever the redraw pace.
        self.redraw();
    }

    fn cancel(&self) {
        let discovering = {
            let mut d = self.driver.borrow_mut();
            if d.phase == Phase::Discovering {
                d.generation = d.generation.wrapping_add(1);
                d.phase = Phase::Stopped(None);
                true
            } else {
                false
            }
        };
        if discovering {
            self.redraw();
        } else {
            self.event(ScanEvent::Cancel);
            self.rebuild();
        }
    }

    /// Reads again the lists of the given kinds in the given places, after bulk changes.
    fn refresh(&self, changed: &[(Kind, String)]) {
        let targets = {
            let d = self.driver.borrow();
            let Some(scan) = &d.scan else { return };
            scan.targets()
                .iter()
                .enumerate()
                .filter(|(_, t)| changed.iter().any(|(k, p)| *k == t.kind && *p == t.path))
                .map(|(i, _)| domain::inventory::TargetId(i as u32))
                .collect::<Vec<_>>()
        };
        if !targets.is_empty() {
            self.event(ScanEvent::Refresh(targets));
        }
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// One path for every filter control: `apply` changes a copy of the filter from the event, and
/// the table goes back to its first page.
fn refilter<E: 'static>(
    set: &Rc<dyn Fn(Filter)>,
    f: &Filter,
    apply: impl Fn(&mut Filter, &E) + 'static,
) -> Callback<E> {
    let (set, f) = (set.clone(), f.clone());
    Callback::from(move |e: E| {
        let mut next = f.clone();
        apply(&mut next, &e);
        set(next)
    })
}

/// A whole number of days typed in a filter box: None when empty, Err when not a number.
fn days(text: &str) -> Result<Option<u32>, ()> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>().map(Some).map_err(|_| ())
}

/// "Project access token": the kind's label as a heading or list item.
fn kind_title(kind: Kind) -> String {
    let label = kind.label();
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn kind_class(kind: Kind) -> String {
    format!("k{}", kind as u8)
}

fn sort_key(column: SortColumn) -> &'static str {
    match column {
        SortColumn::Kind => "kind",
        SortColumn::Name => "name",
        SortColumn::Place => "place",
        SortColumn::Scopes => "scopes",
        SortColumn::Role => "role",
        SortColumn::State => "state",
        SortColumn::Created => "created",
        SortColumn::LastUsed => "last_used",
        SortColumn::Expires => "expires",
        SortColumn::Policy => "policy",
    }
}

/// This page of tokenwarden for a row's kind and place.
/// Where a row's credential lives, as the API addresses it.
fn row_owner(row: &Row, own_user: u64) -> Owner {
    match row.kind.spec().owner {
        OwnerType::Project => Owner::Project(ProjectRef::Path(row.path.clone())),
        OwnerType::Group => Owner::Group(ProjectRef::Path(row.path.clone())),
        _ => match row.credential.user_id {
            Some(id) if id != own_user => Owner::User(id),
            _ => Owner::Me,
        },
    }
}

fn page_route(row: &Row, own_user: u64) -> Route {
    Route::Credentials {
        owner: row_owner(row, own_user),
        kind: row.kind,
    }
}

/// Offers `text` as a file download, without a server.
fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not offer the file")?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a = doc
        .create_element("a")
        .map_err(|_| "no link")?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "no link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[component]
pub fn InventoryPage() -> Html {
    let ctx = use_context::<AppCtx>();
    let session = ctx.as_ref().and_then(|c| c.session.clone());
    let site_policy = use_policy();
    let driver = use_mut_ref(Driver::default);
    let rows = use_state(Table::default);
    let filter = use_state(Filter::default);
    let sort = use_state(Sort::default);
    let page = use_state(|| 0usize);
    let selected = use_state(|| Rc::new(BTreeSet::<Key>::new()));
    let bulk = use_state(|| None::<(BulkAction, Rc<Vec<usize>>)>);
    // The row whose edit dialog is open, by identity: the rows may be rebuilt meanwhile.
    let editing = use_state(|| None::<Key>);
    let bad_days = use_state(|| [false; 2]);
    let export_error = use_state(|| None::<String>);
    let today = today();

    let engine = session.as_ref().map(|s| Engine {
        driver: driver.clone(),
        client: s.client.clone(),
        user: s.user.clone(),
        version: s.version.version.clone(),
        set_rows: {
            let rows = rows.setter();
            Callback::from(move |t| rows.set(t))
        },
    });
    // The driver reads these when it rebuilds rows.
    {
        let mut d = driver.borrow_mut();
        if let Some(s) = &session {
            d.base = s.client.gitlab().base().to_string();
        }
        d.policy = match &site_policy {
            SitePolicy::Ready(p) => Some(p.clone()),
            _ => None,
        };
    }
    // The scan starts on opening the page; leaving it stops the scan.
    {
        let engine = engine.clone();
        let driver = driver.clone();
        use_effect_with((), move |_| {
            if let Some(e) = engine {
                e.start();
            }
            move || {
                let mut d = driver.borrow_mut();
                d.generation = d.generation.wrapping_add(1);
            }
        });
    }
    // A policy read after the scan began flags the rows it already has.
    {
        let engine = engine.clone();
        use_effect_with(site_policy.clone(), move |_| {
            if let Some(e) = engine {
                if e.driver.borrow().scan.is_some() {
                    e.rebuild();
                }
            }
        });
    }
    // The chart's callback stays the same between renders (so the chart is not redrawn on every
    // keystroke) and reads the filter of the moment from here.
    let filter_now = use_mut_ref(Filter::default);
    *filter_now.borrow_mut() = (*filter).clone();
    let on_week = {
        let (filter_now, filter, page) = (filter_now.clone(), filter.clone(), page.clone());
        use_callback((), move |week: domain::inventory::Week, _| {
            // The week replaces the status and dates asked for; the search and the rest stay.
            let w = week.filter();
            let f = filter_now.borrow().clone();
            page.set(0);
            filter.set(Filter {
                state: w.state,
                expires_between: w.expires_between,
                expires_within_days: None,
                ..f
            })
        })
    };
    let Some(session) = session else {
        return html! {};
    };
    let Some(engine) = engine else {
        return html! {};
    };
    let own_user = session.user.id;

    // Sorted once per sort change; filtered on every keystroke.
    let order = {
        let sort = *sort;
        use_memo((rows.clone(), sort), move |(rows, sort)| {
            let mut order: Vec<usize> = (0..rows.0.len()).collect();
            sort_rows(&rows.0, &mut order, *sort, today);
            order
        })
    };
    // Views of these rows in this order only: new rows or a new order empty the recent ones.
    let views = use_mut_ref(Views::default);
    {
        let views = views.clone();
        use_memo((rows.clone(), order.clone()), move |_| {
            views.borrow_mut().clear()
        });
    }
    let view: Rc<Vec<usize>> = {
        let views = views.clone();
        (*use_memo(
            (rows.clone(), order.clone(), (*filter).clone()),
            move |(rows, order, filter)| views.borrow_mut().get(&rows.0, order, filter, today),
        ))
        .clone()
    };
    let forecast_all: Rc<Forecast> =
        use_memo(rows.clone(), move |rows| forecast(rows.0.iter(), today));
    let (scopes, roles) = {
        let lists = use_memo(rows.clone(), |rows| {
            let mut scopes = BTreeSet::new();
            let mut roles = BTreeSet::new();
            for r in rows.0.iter() {
                scopes.extend(r.credential.scopes.iter().cloned());
                if let Some(role) = r.credential.access_level {
                    roles.insert(role);
                }
            }
            (
                scopes.into_iter().collect::<Vec<_>>(),
                roles.into_iter().collect::<Vec<_>>(),
            )
        });
        (lists.0.clone(), lists.1.clone())
    };

    // ---- the scan's status ----
    let rescan = {
        let engine = engine.clone();
        let (selected, page) = (selected.clone(), page.clone());
        Callback::from(move |_: ()| {
            selected.set(Rc::default());
            page.set(0);
            engine.start();
        })
    };
    let status = html! { <ScanStatus engine={engine.clone()} on_rescan={rescan} /> };

    // ---- filters ----
    let set_filter: Rc<dyn Fn(Filter)> = {
        let (filter, page) = (filter.clone(), page.clone());
        Rc::new(move |f: Filter| {
            page.set(0);
            filter.set(f);
        })
    };
    let f = (*filter).clone();
    let on_search = refilter(&set_filter, &f, |f, e: &InputEvent| f.text = input_value(e));
    let on_kind = refilter(&set_filter, &f, |f, e: &Event| {
        f.kinds = Kind::from_key(&select_value(e))
            .into_iter()
            .collect::<KindSet>()
    });
    let on_state = refilter(&set_filter, &f, |f, e: &Event| {
        f.state = match select_value(e).as_str() {
            "active" => Some(State::Active),
            "inactive" => Some(State::Inactive),
            "expired" => Some(State::Expired),
            "revoked" => Some(State::Revoked),
            _ => None,
        }
    });
    let on_scope = refilter(&set_filter, &f, |f, e: &Event| {
        let v = select_value(e);
        f.scope = (!v.is_empty()).then_some(v)
    });
    let on_role = refilter(&set_filter, &f, |f, e: &Event| {
        f.role = select_value(e)
            .parse::<u8>()
            .ok()
            .and_then(AccessLevel::from_level)
    });
    // A number of days: a box that does not hold one is marked, and the filter keeps its value.
    let days_input = |slot: usize, field: fn(&mut Filter) -> &mut Option<u32>| {
        let (set, f, bad) = (set_filter.clone(), f.clone(), bad_days.clone());
        Callback::from(move |e: InputEvent| {
            let typed = days(&input_value(&e));
            let mut flags = *bad;
            flags[slot] = typed.is_err();
            bad.set(flags);
            if let Ok(d) = typed {
                let mut next = f.clone();
                *field(&mut next) = d;
                set(next)
            }
        })
    };
    let on_within = days_input(0, |f| &mut f.expires_within_days);
    let on_unused = days_input(1, |f| &mut f.unused_for_days);
    let on_never = refilter(&set_filter, &f, |f, e: &Event| f.never_used = checked(e));
    let on_violations = refilter(&set_filter, &f, |f, e: &Event| {
        f.violations_only = checked(e)
    });
    let clear_week = refilter(&set_filter, &f, |f, _: &MouseEvent| {
        f.expires_between = None;
        f.state = None;
    });
    let clear_all = {
        let (set, bad) = (set_filter.clone(), bad_days.clone());
        Callback::from(move |_: MouseEvent| {
            bad.set([false; 2]);
            set(Filter::default())
        })
    };
    let on_sort_select = {
        let (sort, page) = (sort.clone(), page.clone());
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            let (key, dir) = v.rsplit_once('-').unwrap_or((v.as_str(), "asc"));
            if let Some(column) = SortColumn::ALL.into_iter().find(|c| sort_key(*c) == key) {
                page.set(0);
                sort.set(Sort {
                    column,
                    descending: dir == "desc",
                });
            }
        })
    };
    let kind_value = Kind::ALL
        .iter()
        .find(|k| f.kinds.contains(**k))
        .map(|k| k.key())
        .unwrap_or("");
    let state_value = match f.state {
        Some(State::Active) => "active",
        Some(State::Inactive) => "inactive",
        Some(State::Expired) => "expired",
        Some(State::Revoked) => "revoked",
        None => "",
    };
    let has_policy = site_policy.policy().is_some();
    // A box for a number of days, marked when what it holds is not one.
    let days_field = |slot: usize,
                      id: &'static str,
                      label: &'static str,
                      testid: &'static str,
                      oninput: Callback<InputEvent>| {
        let bad = bad_days[slot];
        let error_id = format!("{id}-error");
        html! {
            <div class="field field-days">
                <label for={id}>{ label }</label>
                <input {id} type="text" inputmode="numeric" autocomplete="off" {oninput} data-testid={testid}
                    aria-invalid={bad.then_some("true")} aria-describedby={bad.then(|| error_id.clone())} />
                { if bad { html! { <p id={error_id} class="field-error">{ "Enter a whole number of days." }</p> } } else { html! {} } }
            </div>
        }
    };
    let filters = html! {
        <form class="filters" role="search" aria-label="Filter the inventory" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <div class="field field-search">
                <label for="inv-search">{ "Search" }</label>
                <input id="inv-search" type="search" placeholder="Name, path, scope or username" autocomplete="off" spellcheck="false"
                    value={f.text.clone()} oninput={on_search} data-testid="inventory-search" />
            </div>
            <div class="field">
                <label for="inv-kind">{ "Kind" }</label>
                <select id="inv-kind" onchange={on_kind} data-testid="filter-kind">
                    <option value="" selected={kind_value.is_empty()}>{ "All kinds" }</option>
                    { for Kind::ALL.iter().map(|k| html! { <option value={k.key()} selected={kind_value == k.key()}>{ kind_title(*k) }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="inv-state">{ "Status" }</label>
                <select id="inv-state" onchange={on_state} data-testid="filter-state">
                    { for [("", "Any status"), ("active", "Active"), ("inactive", "Expired or revoked"), ("expired", "Expired"), ("revoked", "Revoked")]
                        .into_iter().map(|(v, l)| html! { <option value={v} selected={state_value == v}>{ l }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="inv-scope">{ "Scope" }</label>
                <select id="inv-scope" onchange={on_scope} data-testid="filter-scope">
                    <option value="" selected={f.scope.is_none()}>{ "Any scope" }</option>
                    { for scopes.iter().map(|s| html! { <option value={s.clone()} selected={f.scope.as_deref() == Some(s.as_str())}>{ s }</option> }) }
                </select>
            </div>
            <div class="field">
                <label for="inv-role">{ "Role" }</label>
                <select id="inv-role" onchange={on_role} data-testid="filter-role">
                    <option value="" selected={f.role.is_none()}>{ "Any role" }</option>
                    { for roles.iter().map(|r| html! { <option value={r.level().to_string()} selected={f.role == Some(*r)}>{ r.label() }</option> }) }
                </select>
            </div>
            <div class="field sort-select">
                <label for="inv-sort">{ "Sort by" }</label>
                <select id="inv-sort" onchange={on_sort_select} data-testid="sort-select">
                    { for SortColumn::ALL.iter().flat_map(|c| [(*c, false), (*c, true)]).map(|(c, d)| {
                        let value = format!("{}-{}", sort_key(c), if d { "desc" } else { "asc" });
                        let label = format!("{} ({})", c.title(), if d { "descending" } else { "ascending" });
                        html! { <option value={value} selected={sort.column == c && sort.descending == d}>{ label }</option> }
                    }) }
                </select>
            </div>
            { days_field(0, "inv-within", "Expires within (days)", "filter-within", on_within) }
            { days_field(1, "inv-unused", "Not used for (days)", "filter-unused", on_unused) }
            <div class="field field-checks">
                <label><input type="checkbox" checked={f.never_used} onchange={on_never} data-testid="filter-never-used" />{ " Never used" }</label>
                <label title={(!has_policy).then_some("This site has no policy file.")}>
                    <input type="checkbox" checked={f.violations_only} onchange={on_violations} disabled={!has_policy} data-testid="filter-violations" />{ " Breaks the policy" }
                </label>
            </div>
            {
                match f.expires_between {
                    Some((from, to)) => html! {
                        <p class="chip-row" data-testid="filter-week">
                            <span class="chip">{ format!("Expiring {} – {}", date(from), date(to)) }</span>
                            <button type="button" class="btn btn-small" onclick={clear_week}>{ "Show every week" }</button>
                        </p>
                    },
                    None => html! {},
                }
            }
            { if f.is_empty() { html! {} } else { html! { <p class="chip-row"><button type="button" class="btn btn-small" data-testid="filter-clear" onclick={clear_all}>{ "Clear filters" }</button></p> } } }
        </form>
    };

    // ---- forecast ----
    let chart = html! { <ForecastChart forecast={forecast_all.clone()} chosen={f.expires_between.map(|w| w.0)} on_week={on_week} /> };

    // ---- exports ----
    let exports = {
        let (rows, view, export_error) = (rows.clone(), view.clone(), export_error.clone());
        let host = session.client.gitlab().host().to_string();
        move |format: &'static str| {
            let (rows, view, export_error, host) = (
                rows.clone(),
                view.clone(),
                export_error.clone(),
                host.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let now = chrono::Utc::now();
                let (text, mime) = match format {
                    "csv" => (export::csv(&rows.0, &view, today), "text/csv"),
                    "json" => (export::json(&rows.0, &view, today), "application/json"),
                    _ => (
                        export::ics(
                            &rows.0,
                            &view,
                            Calendar {
                                host: &host,
                                today,
                                now,
                            },
                        ),
                        "text/calendar",
                    ),
                };
                let name = format!("tokenwarden-inventory-{today}.{format}");
                export_error.set(
                    download(&name, mime, &text)
                        .err()
                        .map(|e| format!("The file could not be offered: {e}.")),
                );
            })
        }
    };

    // ---- selection and bulk actions ----
    let selected_rows: Vec<usize> = if selected.is_empty() {
        Vec::new()
    } else {
        rows.0
            .iter()
            .enumerate()
            .filter(|(_, r)| selected.contains(&key(r)))
            .map(|(i, _)| i)
            .collect()
    };
    let open_bulk = {
        let bulk = bulk.clone();
        let picked = Rc::new(selected_rows.clone());
        move |action: BulkAction| {
            let (bulk, picked) = (bulk.clone(), picked.clone());
            Callback::from(move |_: MouseEvent| bulk.set(Some((action, picked.clone()))))
        }
    };
    // The rows' callbacks stay the same from one keystroke to the next, so a row still shown
    // is not drawn again.
    let toggle = use_callback(
        (selected.clone(), rows.clone()),
        |i: usize, (selected, rows)| {
            if let Some(r) = rows.0.get(i) {
                let mut next = BTreeSet::clone(selected);
                let k = key(r);
                if !next.remove(&k) {
                    next.insert(k);
                }
                selected.set(Rc::new(next));
            }
        },
    );
    let all_shown_selected = !view.is_empty()
        && view
            .iter()
            .all(|&i| rows.0.get(i).is_some_and(|r| selected.contains(&key(r))));
    let toggle_all = {
        let (selected, rows, view) = (selected.clone(), rows.clone(), view.clone());
        Callback::from(move |_: Event| {
            let mut next = (**selected).clone();
            if all_shown_selected {
                for &i in view.iter() {
                    if let Some(r) = rows.0.get(i) {
                        next.remove(&key(r));
                    }
                }
            } else {
                for &i in view.iter() {
                    if let Some(r) = rows.0.get(i) {
                        next.insert(key(r));
                    }
                }
            }
            selected.set(Rc::new(next));
        })
    };
    let clear_selection = {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(Rc::default()))
    };
    let read_only = session.read_only_reason();
    let bulk_bar = if selected_rows.is_empty() {
        html! {}
    } else {
        let n = selected_rows.len();
        html! {
            <div class="bulk-bar" role="region" aria-label="Selected tokens" data-testid="bulk-bar">
                <span data-testid="bulk-count">{ format!("{n} selected") }</span>
                <button type="button" class="btn" data-testid="bulk-rotate" disabled={read_only.is_some()} title={read_only.clone()} onclick={open_bulk(BulkAction::Rotate(None))}>{ "Rotate…" }</button>
                <button type="button" class="btn btn-danger" data-testid="bulk-revoke" disabled={read_only.is_some()} title={read_only.clone()} onclick={open_bulk(BulkAction::Revoke)}>{ "Revoke…" }</button>
                <button type="button" class="btn btn-quiet" data-testid="bulk-clear" onclick={clear_selection}>{ "Clear selection" }</button>
            </div>
        }
    };
    let row_action = use_callback(bulk.setter(), |(action, i): (BulkAction, usize), bulk| {
        bulk.set(Some((action, Rc::new(vec![i]))))
    });
    let open_edit = use_callback(
        (editing.setter(), rows.clone()),
        |i: usize, (editing, rows)| editing.set(rows.0.get(i).map(key)),
    );
    let edit_dialog = match editing.as_ref().and_then(|(kind, path, id)| {
        rows.0
            .iter()
            .find(|r| r.kind as u8 == *kind && r.credential.id == *id && r.path == *path)
    }) {
        Some(r) => {
            let kind = r.kind;
            let owner = row_owner(r, own_user);
            let (path, id) = (r.path.clone(), r.credential.id);
            let close = {
                let editing = editing.clone();
                Callback::from(move |()| editing.set(None))
            };
            let send = {
                let (client, engine) = (session.client.clone(), engine.clone());
                let dispatch = ctx.as_ref().map(|c| c.dispatch.clone()).unwrap_or_default();
                Sender(Rc::new(move |body: CreateBody| {
                    let (client, engine, dispatch) =
                        (client.clone(), engine.clone(), dispatch.clone());
                    let (owner, path) = (owner.clone(), path.clone());
                    Box::pin(async move {
                        let saved: Credential = client
                            .get(&request::update(&owner, kind, id, &body))
                            .await?;
                        dispatch.emit(AppAction::Notify(format!(
                            "Saved \u{201c}{}\u{201d}.",
                            saved.name
                        )));
                        engine.refresh(&[(kind, path)]);
                        Ok(())
                    })
                }))
            };
            let form_ctx = FormContext {
                today,
                caller: Caller {
                    role: r.role.or(Some(AccessLevel::Maintainer)),
                    admin: session.user.is_admin,
                },
                planner_supported: session.supports(Feature::PlannerRole),
                descriptions_supported: session.supports(Feature::TokenDescriptions),
                virtual_registry_supported: session
                    .supports(Feature::DeployTokenVirtualRegistryScopes),
                self_service: false,
            };
            let place = if r.path.is_empty() {
                r.place_name.clone()
            } else {
                r.path.clone()
            };
            html! {
                <CredentialFormDialog {kind} ctx={form_ctx} editing={Some(r.credential.clone())} subject={format!("For {place}.")}
                    gitlab_base={session.client.gitlab().base().to_string()} {send} on_close={close} />
            }
        }
        None => html! {},
    };

    let dialog = match &*bulk {
        Some((action, picked)) => {
            let on_close = {
                let (bulk, engine, selected) = (bulk.clone(), engine.clone(), selected.clone());
                Callback::from(move |changed: Vec<(Kind, String)>| {
                    bulk.set(None);
                    if !changed.is_empty() {
                        selected.set(Rc::default());
                        engine.refresh(&changed);
                    }
                })
            };
            html! {
                <BulkDialog rows={(*rows).clone()} picked={picked.clone()} action={*action}
                    policy={driver.borrow().policy.clone()} {on_close} />
            }
        }
        None => html! {},
    };

    // ---- table ----
    let total = rows.0.len();
    let shown_count = view.len();
    let pages = shown_count.div_ceil(PAGE_ROWS).max(1);
    let current_page = (*page).min(pages - 1);
    let first = current_page * PAGE_ROWS;
    let slice: Vec<usize> = view.iter().skip(first).take(PAGE_ROWS).copied().collect();
    let header_cell = |column: SortColumn| {
        let active = sort.column == column;
        let aria = match (active, sort.descending) {
            (false, _) => None,
            (true, false) => Some("ascending"),
            (true, true) => Some("descending"),
        };
        let onclick = {
            let (sort, page) = (sort.clone(), page.clone());
            Callback::from(move |_: MouseEvent| {
                let descending = sort.column == column && !sort.descending;
                page.set(0);
                sort.set(Sort { column, descending });
            })
        };
        let arrow = match aria {
            Some("ascending") => " ▲",
            Some(_) => " ▼",
            None => "",
        };
        html! {
            <th scope="col" aria-sort={aria}>
                <button type="button" class="sort" data-testid={format!("sort-{}", sort_key(column))} {onclick}>
                    { column.title() }<span aria-hidden="true">{ arrow }</span>
                </button>
            </th>
        }
    };
    let row_html = |i: usize| match rows.0.get(i) {
        Some(r) => html! {
            <InventoryRow key={format!("{}-{}-{}", r.kind as u8, r.path, r.credential.id)} table={(*rows).clone()} index={i}
                checked={selected.contains(&key(r))} read_only={read_only.is_some()} {own_user} admin={session.user.is_admin} {today}
                on_toggle={toggle.clone()} on_action={row_action.clone()} on_edit={open_edit.clone()} />
        },
        None => html! {},
    };
    let pager = if pages > 1 {
        let go = |to: usize| {
            let page = page.clone();
            Callback::from(move |_: MouseEvent| page.set(to))
        };
        html! {
            <nav class="pager" aria-label="Table pages">
                <button type="button" class="btn btn-small" disabled={current_page == 0} onclick={go(current_page.saturating_sub(1))} data-testid="table-prev">{ "Previous" }</button>
                <span>{ format!("Rows {}–{} of {}", first + 1, (first + PAGE_ROWS).min(shown_count), shown_count) }</span>
                <button type="button" class="btn btn-small" disabled={current_page + 1 >= pages} onclick={go(current_page + 1)} data-testid="table-next">{ "Next" }</button>
            </nav>
        }
    } else {
        html! {}
    };
    let table = html! {
        <div class="table-wrap" data-testid="inventory-table">
            <table class="table table-inventory">
                <caption class="visually-hidden">{ "Every token found, one row each" }</caption>
                <thead>
                    <tr>
                        <th scope="col" class="cell-select"><input type="checkbox" checked={all_shown_selected} onchange={toggle_all}
                            aria-label={format!("Select all {shown_count} shown")} data-testid="select-all" disabled={shown_count == 0} /></th>
                        { for [SortColumn::Kind, SortColumn::Name, SortColumn::Place, SortColumn::Scopes, SortColumn::Role, SortColumn::State,
                            SortColumn::Created, SortColumn::LastUsed, SortColumn::Expires, SortColumn::Policy].into_iter().map(header_cell) }
                        <th scope="col"><span class="visually-hidden">{ "Actions" }</span></th>
                    </tr>
                </thead>
                <tbody>{ for slice.into_iter().map(row_html) }</tbody>
            </table>
        </div>
    };

    html! {
        <section class="page page-wide" aria-labelledby="inventory-title">
            <div class="page-head">
                <h1 id="inventory-title">{ "Inventory" }</h1>
                <p class="muted">{ "Every token you can administer, in every project and group, with what expires when." }</p>
            </div>
            {
                match &site_policy {
                    SitePolicy::Broken(why) => html! { <div class="banner banner-warning" role="status" data-testid="policy-broken"><p>{ why }</p></div> },
                    SitePolicy::Ready(_) => html! { <p class="muted small" data-testid="policy-active">{ "This site has a token policy: tokens that break it are flagged." }</p> },
                    _ => html! {},
                }
            }
            { status }
            { chart }
            { filters }
            <div class="table-tools">
                <p id={COUNT_ID} tabindex="-1" data-testid="inventory-count" data-shown={shown_count.to_string()} aria-live="polite">
                    { if shown_count == total { format!("{total} tokens") } else { format!("{shown_count} of {total} tokens") } }
                </p>
                <div class="actions-row">
                    <span class="muted small">{ "Export what is shown:" }</span>
                    <button type="button" class="btn btn-small" data-testid="export-csv" onclick={exports("csv")} disabled={shown_count == 0}>{ "CSV" }</button>
                    <button type="button" class="btn btn-small" data-testid="export-json" onclick={exports("json")} disabled={shown_count == 0}>{ "JSON" }</button>
                    <button type="button" class="btn btn-small" data-testid="export-ics" onclick={exports("ics")} disabled={shown_count == 0}
                        title="A calendar with one event per expiry, each with a reminder a week before">{ "Calendar (.ics)" }</button>
                </div>
            </div>
            { export_error.as_ref().map(|e| html! { <div class="banner banner-error" role="alert"><p>{ e }</p></div> }).unwrap_or_default() }
            { bulk_bar }
            {
                if total > 0 && shown_count == 0 {
                    html! { <p class="empty" data-testid="inventory-none">{ "No token matches these filters." }</p> }
                } else { table }
            }
            { pager }
            { dialog }
            { edit_dialog }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct InventoryRowProps {
    table: Table,
    index: usize,
    checked: bool,
    read_only: bool,
    own_user: u64,
    admin: bool,
    today: NaiveDate,
    on_toggle: Callback<usize>,
    on_action: Callback<(BulkAction, usize)>,
    on_edit: Callback<usize>,
}

/// One row of the table. A component so that a keystroke redraws only the rows it brings in:
/// a row still shown has the same properties and is left alone.
#[function_component]
fn InventoryRow(props: &InventoryRowProps) -> Html {
    let i = props.index;
    let today = props.today;
    let Some(r) = props.table.0.get(i) else {
        return html! {};
    };
    let c = &r.credential;
    let status = r.status(today);
    let checked = props.checked;
    let toggle = props.on_toggle.reform(move |_: Event| i);
    let label = format!(
        "Select {} ({} in {})",
        c.name,
        r.kind.label(),
        if r.path.is_empty() {
            r.place_name.as_str()
        } else {
            r.path.as_str()
        }
    );
    let actions = if status.is_active() && !props.read_only {
        let rotate = r.kind.spec().rotates.then(|| {
            let cb = props.on_action.reform(move |_: MouseEvent| (BulkAction::Rotate(None), i));
            html! { <button type="button" class="btn btn-small" data-testid="row-rotate" aria-label={format!("Rotate {}", c.name)} onclick={cb}>{ "Rotate" }</button> }
        });
        // Every place scanned is one where the user is Maintainer or more.
        let who = Who {
            caller: Caller {
                role: Some(AccessLevel::Maintainer),
                admin: props.admin,
            },
            own: false,
            user_id: props.own_user,
        };
        let edit = r.kind.spec().editable.then(|| {
            let refused = check(r.kind, who, Action::Edit, Some(c), today).err();
            let reason_id = format!("why-edit-{}-{}", r.kind.key(), c.id);
            let onclick = refused
                .is_none()
                .then(|| props.on_edit.reform(move |_: MouseEvent| i));
            // A refused edit stays focusable so the keyboard reaches the reason too.
            html! {
                <>
                    <button type="button" class="btn btn-small" data-testid="row-edit" aria-label={format!("Edit {}", c.name)}
                        aria-disabled={refused.is_some().then_some("true")} title={refused.clone()}
                        aria-describedby={refused.is_some().then(|| reason_id.clone())} {onclick}>{ "Edit" }</button>
                    { refused.map(|why| html! { <span id={reason_id} class="visually-hidden">{ why }</span> }).unwrap_or_default() }
                </>
            }
        });
        let cb = props
            .on_action
            .reform(move |_: MouseEvent| (BulkAction::Revoke, i));
        let verb = domain::inventory::bulk::verb(r.kind);
        html! {
            <>
                { rotate.unwrap_or_default() }
                { edit.unwrap_or_default() }
                <button type="button" class="btn btn-small btn-danger" data-testid="row-revoke" aria-label={format!("{verb} {}", c.name)} onclick={cb}>{ verb }</button>
            </>
        }
    } else {
        html! {}
    };
    let violations = if r.violations.is_empty() {
        html! { "—" }
    } else {
        html! {
            <ul class="violations" data-testid="row-violations">
                { for r.violations.iter().map(|v| html! { <li>{ v.sentence() }</li> }) }
            </ul>
        }
    };
    html! {
        <tr data-testid="inventory-row" data-kind={r.kind.key()} data-token-name={c.name.clone()}>
            <td class="cell-select"><input type="checkbox" checked={checked} onchange={toggle} aria-label={label} data-testid="row-select" /></td>
            <td data-label="Kind"><span class={classes!("kind-dot", kind_class(r.kind))} aria-hidden="true"></span>{ r.kind.label() }</td>
            <td class="cell-name"><div class="token-name">{ shown(&c.name).into_owned() }</div>
                { if c.username.is_empty() { html! {} } else { html! { <div class="muted small mono">{ &c.username }</div> } } }</td>
            <td data-label="Where">
                <a href={page_route(r, props.own_user).href()} data-testid="row-open">{ &r.place_name }</a>
                <div class="small"><a href={r.settings_url.clone()} target="_blank" rel="noopener noreferrer" data-testid="row-gitlab">{ "in GitLab ↗" }</a></div>
            </td>
            <td data-label="Scopes">{
                // An empty list would leave the card's label with nothing beside it.
                if c.scopes.is_empty() { html! { "—" } } else {
                    html! { <ul class="chips">{ for c.scopes.iter().map(|s| html! { <li class="chip mono">{ s }</li> }) }</ul> }
                }
            }</td>
            <td data-label="Role">{ c.access_level.map(|l| l.label()).unwrap_or("—") }</td>
            <td data-label="Status"><span class={classes!("badge", format!("badge-{}", status.severity()))}>{ status.label() }</span></td>
            <td data-label="Created">{ c.created_at.map(|t| date(t.date_naive())).unwrap_or_else(|| "—".into()) }</td>
            <td data-label="Last used">{ match c.last_used_at { Some(t) => relative(t, today), None if r.kind.spec().reports_last_use() => "never".into(), None => "—".into() } }</td>
            <td data-label="Expires">{ c.expires_at.map(date).unwrap_or_else(|| "never".into()) }</td>
            <td data-label="Policy">{ violations }</td>
            <td class="actions-cell">{ actions }</td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct ScanStatusProps {
    engine: Engine,
    on_rescan: Callback<()>,
}

/// The scan's progress, its buttons and its failures. A component of its own so that the
/// engine can redraw it many times a second without redrawing the table.
#[function_component]
fn ScanStatus(props: &ScanStatusProps) -> Html {
    let update = use_force_update();
    let engine = props.engine.clone();
    engine.driver.borrow_mut().redraw_status = Some(Callback::from(move |_| update.force_update()));
    let rescan = props.on_rescan.reform(|_: MouseEvent| ());
    let (phase, progress, failures, skipped) = {
        let d = engine.driver.borrow();
        let progress = d.scan.as_ref().map(Scan::progress);
        let failures: Vec<(domain::inventory::TargetId, String, String)> = d
            .scan
            .as_ref()
            .map(|s| {
                s.failures()
                    .iter()
                    .map(|f| {
                        let t = s.target(f.planned.target);
                        let place = if t.path.is_empty() {
                            t.name.clone()
                        } else {
                            t.path.clone()
                        };
                        (
                            f.planned.target,
                            format!("{}s in {place}", t.kind.label()),
                            f.error.summary(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let skipped = d.scan.as_ref().map(|s| s.skipped().len()).unwrap_or(0);
        (d.phase.clone(), progress, failures, skipped)
    };
    let places_found = engine.driver.borrow().places;

    let cancel = {
        let engine = engine.clone();
        Callback::from(move |_: MouseEvent| engine.cancel())
    };
    let resume = {
        let engine = engine.clone();
        Callback::from(move |_: MouseEvent| engine.event(ScanEvent::Resume))
    };
    let retry_all = {
        let engine = engine.clone();
        Callback::from(move |_: MouseEvent| engine.event(ScanEvent::RetryAll))
    };
    let status = match (&phase, progress) {
        (Phase::Idle, _) => html! {},
        (Phase::Discovering, _) => html! {
            <div class="scan-status" data-testid="inventory-progress" data-done="0" data-planned="0" data-found="0" data-finished="false">
                <progress aria-label="Scan progress"></progress>
                <p role="status">{ format!("Finding the projects and groups you manage… {places_found} found so far.") }</p>
                <div class="actions-row"><button type="button" class="btn" data-testid="inventory-cancel" onclick={cancel.clone()}>{ "Cancel" }</button></div>
            </div>
        },
        (Phase::Stopped(error), _) => html! {
            <div class="scan-status" data-testid="inventory-progress" data-done="0" data-planned="0" data-found="0" data-finished="true">
                {
                    match error {
                        Some(e) => html! { <div class="banner banner-error" role="alert"><p>{ format!("The projects and groups you manage could not be listed: {}", e.summary()) }</p></div> },
                        None => html! { <p role="status">{ "Scan cancelled before any token list was read." }</p> },
                    }
                }
                <div class="actions-row"><button type="button" class="btn btn-primary" data-testid="inventory-rescan" onclick={rescan.clone()}>{ "Scan again" }</button></div>
            </div>
        },
        (Phase::Scanning, Some(p)) => {
            let sentence = if p.finished && p.cancelled {
                format!("Scan cancelled: {} of {} lists read, {} tokens found. What was found is shown; {} lists were not read.", p.done, p.planned + p.held, p.found, p.held)
            } else if p.finished {
                format!(
                    "Scan complete: {} requests, {} tokens found.",
                    p.done, p.found
                )
            } else if p.cancelled {
                format!(
                    "Cancelling: waiting for {} answers already on their way…",
                    p.in_flight
                )
            } else {
                format!(
                    "Scanning: {} of {} requests done, {} tokens found.",
                    p.done, p.planned, p.found
                )
            };
            html! {
                <div class="scan-status" data-testid="inventory-progress" data-done={p.done.to_string()} data-planned={p.planned.to_string()}
                    data-found={p.found.to_string()} data-finished={p.finished.to_string()} data-cancelled={p.cancelled.to_string()}>
                    <progress max={p.planned.max(1).to_string()} value={p.done.to_string()} aria-label="Scan progress"></progress>
                    <p role="status" data-testid="inventory-status">{ sentence }</p>
                    <div class="actions-row">
                        { if !p.finished && !p.cancelled { html! { <button type="button" class="btn" data-testid="inventory-cancel" onclick={cancel.clone()}>{ "Cancel" }</button> } } else { html! {} } }
                        { if p.finished && p.cancelled && p.held > 0 { html! { <button type="button" class="btn" data-testid="inventory-resume" onclick={resume}>{ "Carry on" }</button> } } else { html! {} } }
                        { if p.finished { html! { <button type="button" class="btn" data-testid="inventory-rescan" onclick={rescan.clone()}>{ "Scan again" }</button> } } else { html! {} } }
                    </div>
                    {
                        if failures.is_empty() { html! {} } else {
                            html! {
                                <div class="banner banner-error" role="alert" data-testid="inventory-failures">
                                    <p><strong>{ format!("{} lists could not be read; their tokens are missing from the table.", failures.len()) }</strong></p>
                                    <ul class="failures">
                                        { for failures.iter().map(|(target, what, why)| {
                                            let engine = engine.clone();
                                            let target = *target;
                                            html! {
                                                <li data-testid="inventory-failure">
                                                    <span><strong>{ what }</strong>{ ": " }{ why }</span>
                                                    <button type="button" class="btn btn-small" data-testid="inventory-retry" aria-label={format!("Retry {what}")}
                                                        onclick={Callback::from(move |_: MouseEvent| engine.event(ScanEvent::Retry(target)))}>{ "Retry" }</button>
                                                </li>
                                            }
                                        }) }
                                    </ul>
                                    { if failures.len() > 1 { html! { <button type="button" class="btn btn-small" data-testid="inventory-retry-all" onclick={retry_all}>{ "Retry all" }</button> } } else { html! {} } }
                                </div>
                            }
                        }
                    }
                    { if skipped > 0 { html! { <p class="muted small" data-testid="inventory-skipped">{ format!("{skipped} lists were left out: your role there does not let you list them.") }</p> } } else { html! {} } }
                </div>
            }
        }
        (Phase::Scanning, None) => html! {},
    };
    status
}

#[derive(Properties, PartialEq)]
struct ForecastChartProps {
    forecast: Rc<Forecast>,
    chosen: Option<NaiveDate>,
    on_week: Callback<domain::inventory::Week>,
}

/// The 52-week expiry chart: one stacked bar per week, by kind; a bar is a button that filters
/// the table to its week. A component, so a keystroke in the search box does not redraw its
/// several hundred nodes.
#[component]
fn ForecastChart(props: &ForecastChartProps) -> Html {
    let fc = &*props.forecast;
    let chosen = props.chosen;
    let on_week = props.on_week.clone();
    // Whole numbers in a scaled view box: no float formatting in the module.
    const BAR: i64 = 100;
    const GAP: i64 = 20;
    const HEIGHT: i64 = 700;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let tallest = i64::from(fc.tallest());
    let width = (BAR + GAP) * fc.weeks.len() as i64;
    let summary = if fc.expiring == 0 {
        "No working token expires in the next 52 weeks.".to_string()
    } else {
        let peak = fc
            .peak
            .and_then(|i| fc.weeks.get(i))
            .map(|w| {
                format!(
                    " The busiest week starts {} ({} tokens).",
                    date(w.start),
                    w.total()
                )
            })
            .unwrap_or_default();
        let half = fc
            .half_gone
            .map(|d| format!(" Half of them have stopped working by {}.", date(d)))
            .unwrap_or_default();
        format!(
            "{} working tokens expire in the next 52 weeks.{peak}{half}",
            fc.expiring
        )
    };
    let extra = format!("{} expire later; {} never expire.", fc.later, fc.never);
    html! {
        <figure class="forecast" data-testid="inventory-forecast">
            <figcaption>
                <strong>{ "Expiries per week" }</strong>
                <span data-testid="forecast-summary">{ format!(" {summary} {extra}") }</span>
            </figcaption>
            <svg viewBox={format!("0 0 {width} {}", HEIGHT + 140)} class="forecast-svg" role="group" aria-label="Tokens expiring per week, next 52 weeks">
                { for fc.weeks.iter().enumerate().map(|(i, w)| {
                    let x = i as i64 * (BAR + GAP);
                    let total = w.total();
                    let mut y = HEIGHT;
                    let parts = Kind::ALL.iter().filter(|k| w.count(**k) > 0).map(|k| {
                        let h = (i64::from(w.count(*k)) * HEIGHT / tallest).max(10);
                        y -= h;
                        html! { <rect x={x.to_string()} y={y.to_string()} width={BAR.to_string()} height={h.to_string()} class={classes!("bar", kind_class(*k))} /> }
                    }).collect::<Html>();
                    let label = format!("Week of {}: {total} tokens expire", date(w.start));
                    let week = *w;
                    let on_week = on_week.clone();
                    let onclick = { let on_week = on_week.clone(); Callback::from(move |_: MouseEvent| on_week.emit(week)) };
                    let onkeydown = Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            on_week.emit(week);
                        }
                    });
                    let chosen = chosen == Some(w.start);
                    html! {
                        <g class={classes!("week", chosen.then_some("week-chosen"))} data-testid="forecast-bar" data-week={w.start.to_string()} data-total={total.to_string()}
                            role={(total > 0).then_some("button")} tabindex={(total > 0).then_some("0")} aria-label={label.clone()} aria-pressed={(total > 0).then(|| chosen.to_string())}
                            {onclick} {onkeydown}>
                            <title>{ label }</title>
                            <rect class="hit" x={x.to_string()} y="0" width={(BAR + GAP).to_string()} height={HEIGHT.to_string()} />
                            { parts }
                            { if i % 13 == 0 { html! { <text x={x.to_string()} y={(HEIGHT + 120).to_string()} class="axis">{ format!("{} {}", MONTHS[w.start.month0() as usize % 12], w.start.day()) }</text> } } else { html! {} } }
                        </g>
                    }
                }) }
            </svg>
            <ul class="legend" aria-label="Kinds">
                { for Kind::ALL.iter().map(|k| html! { <li><span class={classes!("kind-dot", kind_class(*k))} aria-hidden="true"></span>{ kind_title(*k) }</li> }) }
            </ul>
        </figure>
    }
}
