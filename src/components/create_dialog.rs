//! New project access token: validated as you type and on submit, GitLab's own errors shown at
//! the field they concern, input kept on failure.

use crate::components::expiry_picker::ExpiryPicker;
use crate::components::field::{described_by, Field as FormField};
use crate::components::load::error_banner;
use crate::components::modal::Modal;
use crate::session::Session;
use crate::time::today;
use domain::models::{CreatedToken, Project};
use domain::role::Caller;
use domain::scope::{scope_warnings, TokenKind};
use domain::validate::{self, FieldErrors, FormContext, TokenForm};
use domain::{request, AccessLevel, ApiError, Field, ProjectRef};
use std::collections::HashSet;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CreateDialogProps {
    pub session: Rc<Session>,
    pub project: Project,
    pub caller: Caller,
    pub on_close: Callback<()>,
    pub on_created: Callback<CreatedToken>,
}

/// The message to show at `field`: ours once the field was touched or submitted, else GitLab's
/// from the last attempt.
fn message(
    local: &FieldErrors,
    server: Option<&ApiError>,
    shown: bool,
    field: Field,
) -> Option<String> {
    local
        .get(field)
        .filter(|_| shown)
        .map(str::to_string)
        .or_else(|| server.and_then(|e| e.field(field)).map(str::to_string))
}

/// One edit: update the form, mark the field touched, and forget GitLab's verdict on it.
fn editor<T: 'static>(
    form: &UseStateHandle<TokenForm>,
    touched: &UseStateHandle<HashSet<Field>>,
    server: &UseStateHandle<Option<ApiError>>,
    field: Field,
    apply: fn(&mut TokenForm, T),
) -> impl Fn(T) + 'static {
    let (form, touched, server) = (form.clone(), touched.clone(), server.clone());
    move |value: T| {
        let mut next = (*form).clone();
        apply(&mut next, value);
        form.set(next);
        let mut t = (*touched).clone();
        t.insert(field);
        touched.set(t);
        if let Some(e) = &*server {
            let mut e = e.clone();
            e.fields.retain(|(f, _)| *f != field);
            server.set(Some(e));
        }
    }
}

#[component]
pub fn CreateDialog(props: &CreateDialogProps) -> Html {
    let form = use_state(|| TokenForm::new(props.caller));
    let touched = use_state(HashSet::<Field>::new);
    let submitted = use_state(|| false);
    let busy = use_state(|| false);
    let server = use_state(|| None::<ApiError>);
    let ctx = FormContext {
        today: today(),
        caller: props.caller,
        planner_supported: props.session.planner_supported(),
    };
    let local = match validate::project_token(&form, &ctx) {
        Ok(_) => FieldErrors::default(),
        Err(e) => e,
    };

    let edit = |field, apply| editor(&form, &touched, &server, field, apply);
    let on_name = {
        let f = edit(Field::Name, |form, v: String| form.name = v);
        Callback::from(move |e: InputEvent| {
            f(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_description = {
        let f = edit(Field::Description, |form, v: String| form.description = v);
        Callback::from(move |e: InputEvent| {
            f(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_role = {
        let f = edit(Field::AccessLevel, |form, v: String| {
            form.role = v.parse().ok().and_then(AccessLevel::from_level)
        });
        Callback::from(move |e: Event| f(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_scope = |name: &'static str| {
        let f = edit(Field::Scopes, |form, v: String| {
            if let Some(pos) = form.scopes.iter().position(|s| *s == v) {
                form.scopes.remove(pos);
            } else {
                form.scopes.push(v);
            }
        });
        Callback::from(move |_: Event| f(name.to_string()))
    };
    let on_expiry = Callback::from(editor(
        &form,
        &touched,
        &server,
        Field::ExpiresAt,
        |form, c| form.expiry = c,
    ));
    let onsubmit = {
        let (form, submitted, busy, server) = (
            form.clone(),
            submitted.clone(),
            busy.clone(),
            server.clone(),
        );
        let session = props.session.clone();
        let project_id = props.project.id;
        let on_created = props.on_created.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            if *busy {
                return;
            }
            let Ok(req) = validate::project_token(&form, &ctx) else {
                return;
            };
            busy.set(true);
            server.set(None);
            let (busy, server, session, on_created) = (
                busy.clone(),
                server.clone(),
                session.clone(),
                on_created.clone(),
            );
            spawn_local(async move {
                let call = request::create_project_token(&ProjectRef::Id(project_id), &req);
                match session.client.created(&call).await {
                    Ok(created) => on_created.emit(created),
                    Err(e) => {
                        server.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };

    let shown = |field| *submitted || touched.contains(&field);
    let server_ref = (*server).as_ref();
    let error_for = |field| message(&local, server_ref, shown(field), field);
    let name_error = error_for(Field::Name);
    let description_error = message(
        &local,
        server_ref,
        shown(Field::Description),
        Field::Description,
    );
    let scopes_error = error_for(Field::Scopes);
    let role_error = message(
        &local,
        server_ref,
        shown(Field::AccessLevel),
        Field::AccessLevel,
    );
    let expiry_error = message(
        &local,
        server_ref,
        shown(Field::ExpiresAt),
        Field::ExpiresAt,
    );
    // GitLab errors that belong to no field go in a banner.
    let general = server_ref.filter(|e| e.fields.is_empty()).cloned();
    let roles = props
        .caller
        .grantable_roles(props.session.planner_supported());
    let warnings = scope_warnings(TokenKind::ProjectAccessToken, &form.scopes);
    let on_close = (!*busy).then(|| props.on_close.clone());
    let cancel = props.on_close.clone();

    html! {
        <Modal title="New project access token" id="create-dialog" on_close={on_close} wide=true>
            <form class="form" {onsubmit} novalidate=true>
                <p class="muted">{ format!("For {}. The token acts as a bot member of this project with the role and scopes you choose.", props.project.path_with_namespace) }</p>
                <FormField id="token-name" label="Name" error={name_error.clone()}>
                    <input id="token-name" type="text" value={form.name.clone()} oninput={on_name} disabled={*busy}
                        maxlength="300" data-testid="token-name" autocomplete="off"
                        aria-invalid={name_error.is_some().to_string()} aria-describedby={described_by("token-name")} />
                </FormField>
                <FormField id="token-description" label="Description (optional)" error={description_error.clone()}>
                    <input id="token-description" type="text" value={form.description.clone()} oninput={on_description}
                        disabled={*busy} data-testid="token-description" autocomplete="off"
                        aria-invalid={description_error.is_some().to_string()} aria-describedby={described_by("token-description")} />
                </FormField>
                <FormField id="token-role" label="Role" error={role_error.clone()}
                    help={AttrValue::from(format!("Up to your own role ({}).", props.caller.role.map(|r| r.label()).unwrap_or("administrator")))}>
                    <select id="token-role" onchange={on_role} disabled={*busy} data-testid="token-role"
                        aria-invalid={role_error.is_some().to_string()} aria-describedby={described_by("token-role")}>
                        { for roles.iter().map(|r| html! {
                            <option value={r.level().to_string()} selected={form.role == Some(*r)}>{ r.label() }</option>
                        }) }
                    </select>
                </FormField>
                <fieldset class={classes!("field", scopes_error.is_some().then_some("field-invalid"))} aria-describedby="token-scopes-error">
                    <legend>{ "Scopes" }</legend>
                    <div class="scopes">
                        { for TokenKind::ProjectAccessToken.scopes().iter().map(|s| html! {
                            <label class="scope">
                                <input type="checkbox" checked={form.scopes.iter().any(|x| x == s.name)} disabled={*busy}
                                    data-testid={format!("scope-{}", s.name)} onchange={on_scope(s.name)} />
                                <span class="mono">{ s.name }</span>
                                <span class="muted small">{ s.help }</span>
                            </label>
                        }) }
                    </div>
                    { for warnings.iter().map(|w| html! { <p class="help warning">{ *w }</p> }) }
                    <p class="field-error" id="token-scopes-error" data-testid="error-token-scopes" aria-live="polite">{ scopes_error.unwrap_or_default() }</p>
                </fieldset>
                <ExpiryPicker id="token-expiry" value={form.expiry.clone()} today={ctx.today} on_change={on_expiry}
                    error={expiry_error} disabled={*busy} />
                { general.map(|e| error_banner(&e, None)).unwrap_or_default() }
                <div class="actions">
                    <button type="button" class="btn" disabled={*busy} onclick={cancel.reform(|_| ())}>{ "Cancel" }</button>
                    <button type="submit" class="btn btn-primary" disabled={*busy} data-testid="create-submit">
                        { if *busy { "Creating…" } else { "Create token" } }
                    </button>
                </div>
            </form>
        </Modal>
    }
}
