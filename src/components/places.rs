//! The projects or groups whose tokens you can manage, with search and paging: one list for
//! both, since GitLab lists them the same way.

use crate::components::load::view;
use crate::context::AppCtx;
use crate::hooks::use_load;
use crate::time::{relative, today};
use domain::kind::OwnerType;
use domain::models::Place;
use domain::request;
use domain::text::shown;
use domain::{AccessLevel, ListQuery, ProjectRef, Route};
use web_sys::HtmlInputElement;
use yew::prelude::*;

const PAGE_SIZE: u32 = 20;

/// Shorter searches match only a whole name or path in GitLab (its minimum for partial matches).
const MIN_PARTIAL_SEARCH: usize = 3;

#[derive(Properties, PartialEq)]
pub struct PlacesPageProps {
    pub of: OwnerType,
    /// Search and page, from the route: Back and reload land on the same results.
    pub query: ListQuery,
}

fn route_for(groups: bool, query: ListQuery) -> Route {
    if groups {
        Route::Groups(query)
    } else {
        Route::Projects(query)
    }
}

fn navigate(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route.href());
    }
}

/// One end of the pager: a link, or the same words marked disabled at the end of the list.
fn pager(
    href: Option<String>,
    testid: &'static str,
    rel: &'static str,
    label: &'static str,
) -> Html {
    match href {
        Some(href) => html! { <a class="btn" data-testid={testid} {rel} {href}>{ label }</a> },
        None => {
            html! { <span class="btn" aria-disabled="true" data-testid={testid}>{ label }</span> }
        }
    }
}

#[component]
pub fn PlacesPage(props: &PlacesPageProps) -> Html {
    let Some(ctx) = use_context::<AppCtx>() else {
        return html! {};
    };
    let Some(session) = ctx.session.clone() else {
        return html! {};
    };
    let query = props.query.clone();
    let search_ref = use_node_ref();
    let groups = props.of == OwnerType::Group;
    // Admins manage every project and group; a role filter would show only their memberships.
    let admin = session.user.is_admin;
    let loader = {
        let client = session.client.clone();
        use_load(
            (query.clone(), groups, admin),
            |_, _| false,
            move |(q, groups, admin), _| {
                let client = client.clone();
                // Every token kind needs at least Maintainer to see.
                let role = (!admin).then_some(AccessLevel::Maintainer);
                let req = if groups {
                    request::groups(role, &q.search, q.page, PAGE_SIZE)
                } else {
                    request::projects(role, &q.search, q.page, PAGE_SIZE)
                };
                async move { client.page::<Place>(&req).await }
            },
        )
    };
    // The box shows the route's search when the route changes, and is left alone otherwise: a
    // bound `value` would put it back on every re-render and wipe what the user is typing.
    {
        let search_ref = search_ref.clone();
        use_effect_with(query.search.clone(), move |search| {
            if let Some(input) = search_ref.cast::<HtmlInputElement>() {
                input.set_value(search);
            }
        });
    }
    let onsubmit = {
        let search_ref = search_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let search = search_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            navigate(&route_for(groups, ListQuery::new(&search, 1)));
        })
    };
    let page_link = |page: u32| route_for(groups, ListQuery::new(&query.search, page)).href();
    let today = today();
    let search = query.search.clone();
    let noun = if groups { "group" } else { "project" };
    let short_search = (!search.is_empty() && search.chars().count() < MIN_PARTIAL_SEARCH).then(|| {
        format!("GitLab matches searches shorter than {MIN_PARTIAL_SEARCH} characters only against a whole name or path: type at least {MIN_PARTIAL_SEARCH} to find \u{201c}{search}\u{201d} inside one.")
    });
    let body = view(
        &loader.state,
        &format!("{noun}s"),
        loader.retry.clone(),
        |(projects, info)| {
            if projects.is_empty() {
                let text = if !search.is_empty() {
                    if admin {
                        format!("No {noun} matches \u{201c}{search}\u{201d}.")
                    } else {
                        format!("No {noun} you maintain matches \u{201c}{search}\u{201d}.")
                    }
                } else if info.page > 1 {
                    format!("There are no more {noun}s: this page is past the end of the list.")
                } else if admin {
                    format!("This instance has no {noun}s yet.")
                } else {
                    format!("You are not a Maintainer or Owner of any {noun}, so there are no {noun} tokens you can manage. Ask an Owner of the {noun} for the Maintainer role, or sign in with another account.")
                };
                return html! { <div class="empty" data-testid="projects-empty"><p>{ text }</p></div> };
            }
            let pages = match info.total_pages {
                Some(t) => format!("Page {} of {}", info.page, t.max(1)),
                None => format!("Page {}", info.page),
            };
            html! {
                <>
                    <table class="table" data-testid="projects-table">
                        <thead><tr><th scope="col">{ if groups { "Group" } else { "Project" } }</th><th scope="col">{ "Path" }</th>{ if groups { html! {} } else { html! { <th scope="col">{ "Last activity" }</th> } } }</tr></thead>
                        <tbody>
                            { for projects.iter().map(|p| html! {
                                <tr key={p.id} data-testid="project-row">
                                    <td>
                                        <a href={if groups { Route::group(ProjectRef::Id(p.id)).href() } else { Route::project(ProjectRef::Id(p.id)).href() }} class="row-link">
                                            { shown(&p.name).into_owned() }
                                        </a>
                                        // Sorted by name, shown by name: the namespace is a detail.
                                        { if p.title() == p.name { html! {} } else { html! { <div class="muted small">{ shown(p.title()).into_owned() }</div> } } }
                                        { if p.description.is_empty() { html! {} } else { html! { <div class="muted small">{ shown(&p.description).into_owned() }</div> } } }
                                    </td>
                                    <td class="mono" data-label="Path">{ &p.path_with_namespace }</td>
                                    // Groups have no activity date: no empty column for them.
                                    { if groups { html! {} } else { html! { <td data-label="Last activity">{ p.last_activity_at.map(|t| relative(t, today)).unwrap_or_default() }</td> } } }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    {
                        if info.prev_page.is_none() && info.next_page.is_none() {
                            html! {}
                        } else {
                            html! {
                                <nav class="pager" aria-label="Pages">
                                    { pager(info.prev_page.map(page_link), "projects-prev", "prev", "← Previous") }
                                    <span class="muted" data-testid="projects-page">{ pages }</span>
                                    { pager(info.next_page.map(page_link), "projects-next", "next", "Next →") }
                                </nav>
                            }
                        }
                    }
                </>
            }
        },
    );
    html! {
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{ match (groups, admin) { (true, false) => "Your groups", (false, false) => "Your projects", (true, true) => "All groups", (false, true) => "All projects" } }</h1>
                    <p class="lead">{ if admin {
                        if groups {
                            "As an administrator you can manage the tokens of every group on the instance, member or not (admin access)."
                        } else {
                            "As an administrator you can manage the tokens of every project on the instance, member or not (admin access)."
                        }
                    } else if groups {
                        "Groups where you are a Maintainer or Owner. Pick one to manage its access and deploy tokens (access tokens need Owner)."
                    } else {
                        "Projects where you are a Maintainer or Owner. Pick one to manage its access tokens, deploy tokens, deploy keys and pipeline triggers."
                    } }</p>
                </div>
            </div>
            <form class="search" role="search" {onsubmit}>
                <label for="project-search" class="visually-hidden">{ format!("Search {noun}s") }</label>
                <input id="project-search" type="search" placeholder="Search by name or path" ref={search_ref}
                    data-testid="projects-search" aria-describedby="search-hint" />
                <button type="submit" class="btn">{ "Search" }</button>
            </form>
            <p class="help" id="search-hint" data-testid="search-hint" aria-live="polite">{ short_search.unwrap_or_default() }</p>
            { body }
        </section>
    }
}
