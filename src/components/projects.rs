//! The projects whose tokens you can manage (Maintainer or Owner), with search and paging.

use crate::app::AppCtx;
use crate::components::load::{view, Load};
use crate::time::{relative, today};
use domain::models::Project;
use domain::request;
use domain::{AccessLevel, PageInfo, ProjectRef, Route};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

const PAGE_SIZE: u32 = 20;

#[derive(Clone, PartialEq)]
struct Query {
    search: String,
    page: u32,
}

#[component]
pub fn ProjectsPage() -> Html {
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
    let load = use_state(|| Load::<(Vec<Project>, PageInfo)>::Loading);
    let retry = use_state(|| 0u32);
    let search_ref = use_node_ref();
    let generation = use_mut_ref(|| 0u32);
    {
        let load = load.clone();
        let client = session.client.clone();
        use_effect_with(((*query).clone(), *retry), move |(q, _)| {
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            load.set(Load::Loading);
            let req = request::projects(AccessLevel::Maintainer, &q.search, q.page, PAGE_SIZE);
            spawn_local(async move {
                let result = client.page::<Project>(&req).await;
                // A slower, older answer must not replace a newer one.
                if *generation.borrow() == mine {
                    load.set(match result {
                        Ok(r) => Load::Ready(r),
                        Err(e) => Load::Failed(e),
                    });
                }
            });
        });
    }
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
    let on_retry = {
        let retry = retry.clone();
        Callback::from(move |_| retry.set(*retry + 1))
    };
    let today = today();
    let search = query.search.clone();
    let body = view(&load, "projects", on_retry, |(projects, info)| {
        if projects.is_empty() {
            let text = if !search.is_empty() {
                format!("No project you maintain matches \u{201c}{search}\u{201d}.")
            } else if info.page > 1 {
                "There are no more projects.".to_string()
            } else {
                "You are not a Maintainer or Owner of any project, so there are no project access tokens you can manage. Project access tokens can be seen and managed by Maintainers and Owners; ask one of them, or sign in with another account.".to_string()
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
                    <thead><tr><th scope="col">{ "Project" }</th><th scope="col">{ "Path" }</th><th scope="col">{ "Last activity" }</th></tr></thead>
                    <tbody>
                        { for projects.iter().map(|p| html! {
                            <tr key={p.id} data-testid="project-row">
                                <td>
                                    <a href={Route::ProjectTokens(ProjectRef::Id(p.id)).href()} class="row-link">
                                        { if p.name_with_namespace.is_empty() { p.name.clone() } else { p.name_with_namespace.clone() } }
                                    </a>
                                    { if p.description.is_empty() { html! {} } else { html! { <div class="muted small">{ &p.description }</div> } } }
                                </td>
                                <td class="mono">{ &p.path_with_namespace }</td>
                                <td>{ p.last_activity_at.map(|t| relative(t, today)).unwrap_or_default() }</td>
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
    });
    html! {
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{ "Your projects" }</h1>
                    <p class="lead">{ "Projects where you are a Maintainer or Owner. Pick one to manage its access tokens." }</p>
                </div>
            </div>
            <form class="search" role="search" {onsubmit}>
                <label for="project-search" class="visually-hidden">{ "Search projects" }</label>
                <input id="project-search" type="search" placeholder="Search by name or path" ref={search_ref}
                    data-testid="projects-search" value={query.search.clone()} />
                <button type="submit" class="btn">{ "Search" }</button>
            </form>
            { body }
        </section>
    }
}
