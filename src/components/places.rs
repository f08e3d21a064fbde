//! The projects or groups whose tokens you can manage, with search and paging: one list for
//! both, since GitLab lists them the same way.

use crate::components::load::view;
use crate::context::AppCtx;
use crate::hooks::use_load;
use crate::time::{relative, today};
use domain::kind::OwnerType;
use domain::models::Place;
use domain::request;
use domain::{AccessLevel, ProjectRef, Route};
use web_sys::HtmlInputElement;
use yew::prelude::*;

const PAGE_SIZE: u32 = 20;

#[derive(Clone, PartialEq)]
struct Query {
    search: String,
    page: u32,
}

#[derive(Properties, PartialEq)]
pub struct PlacesPageProps {
    pub of: OwnerType,
}

#[component]
pub fn PlacesPage(props: &PlacesPageProps) -> Html {
    let Some(ctx) = use_context::<AppCtx>() else {
        return html! {};
    };
    let Some(session) = ctx.session.clone() else {
        return html! {};
    };
    let query = use_state(|| Query {
        search: String::new(),
        page: 1,
    });
    let search_ref = use_node_ref();
    let groups = props.of == OwnerType::Group;
    let loader = {
        let client = session.client.clone();
        use_load(
            ((*query).clone(), groups),
            |_, _| false,
            move |(q, groups), _| {
                let client = client.clone();
                // Group tokens and deploy tokens need Maintainer to see; projects likewise.
                let req = if groups {
                    request::groups(AccessLevel::Maintainer, &q.search, q.page, PAGE_SIZE)
                } else {
                    request::projects(AccessLevel::Maintainer, &q.search, q.page, PAGE_SIZE)
                };
                async move { client.page::<Place>(&req).await }
            },
        )
    };
    let onsubmit = {
        let query = query.clone();
        let search_ref = search_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let search = search_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            query.set(Query {
                search: search.trim().to_string(),
                page: 1,
            });
        })
    };
    let go = |page: u32| {
        let query = query.clone();
        Callback::from(move |_: MouseEvent| {
            query.set(Query {
                search: query.search.clone(),
                page,
            })
        })
    };
    let today = today();
    let search = query.search.clone();
    let noun = if groups { "group" } else { "project" };
    let body = view(
        &loader.state,
        &format!("{noun}s"),
        loader.retry.clone(),
        |(projects, info)| {
            if projects.is_empty() {
                let text = if !search.is_empty() {
                    format!("No {noun} you maintain matches \u{201c}{search}\u{201d}.")
                } else if info.page > 1 {
                    "There are no more projects.".to_string()
                } else {
                    format!("You are not a Maintainer or Owner of any {noun}, so there are no {noun} tokens you can manage. Ask a Maintainer or Owner for access, or sign in with another account.")
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
                        <thead><tr><th scope="col">{ if groups { "Group" } else { "Project" } }</th><th scope="col">{ "Path" }</th><th scope="col">{ if groups { "" } else { "Last activity" } }</th></tr></thead>
                        <tbody>
                            { for projects.iter().map(|p| html! {
                                <tr key={p.id} data-testid="project-row">
                                    <td>
                                        <a href={if groups { Route::group(ProjectRef::Id(p.id)).href() } else { Route::project(ProjectRef::Id(p.id)).href() }} class="row-link">
                                            { p.title() }
                                        </a>
                                        { if p.description.is_empty() { html! {} } else { html! { <div class="muted small">{ &p.description }</div> } } }
                                    </td>
                                    <td class="mono" data-label="Path">{ &p.path_with_namespace }</td>
                                    <td data-label="Last activity">{ p.last_activity_at.map(|t| relative(t, today)).unwrap_or_default() }</td>
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
                                    <button type="button" class="btn" data-testid="projects-prev" disabled={info.prev_page.is_none()}
                                        onclick={go(info.prev_page.unwrap_or(1))}>{ "← Previous" }</button>
                                    <span class="muted" data-testid="projects-page">{ pages }</span>
                                    <button type="button" class="btn" data-testid="projects-next" disabled={info.next_page.is_none()}
                                        onclick={go(info.next_page.unwrap_or(info.page))}>{ "Next →" }</button>
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
                    <h1>{ if groups { "Your groups" } else { "Your projects" } }</h1>
                    <p class="lead">{ if groups {
                        "Groups where you are a Maintainer or Owner. Pick one to manage its access and deploy tokens (access tokens need Owner)."
                    } else {
                        "Projects where you are a Maintainer or Owner. Pick one to manage its access tokens, deploy tokens, deploy keys and pipeline triggers."
                    } }</p>
                </div>
            </div>
            <form class="search" role="search" {onsubmit}>
                <label for="project-search" class="visually-hidden">{ format!("Search {noun}s") }</label>
                <input id="project-search" type="search" placeholder="Search by name or path" ref={search_ref}
                    data-testid="projects-search" value={query.search.clone()} />
                <button type="submit" class="btn">{ "Search" }</button>
            </form>
            { body }
        </section>
    }
}
