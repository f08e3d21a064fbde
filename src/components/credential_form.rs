//! One form for every kind, create and edit alike: the fields come from the kind's spec, every
//! field is checked as you type and on submit by the domain, GitLab's own errors are shown at
//! the field they concern, and input is kept on failure. The dialog emits the validated body;
//! the page's sender does the call.

use crate::components::expiry_picker::{expiry_picker, ExpiryPicker};
use crate::components::field::{described_by, field as form_field};
use crate::components::load::error_banner;
use crate::components::modal::Modal;
use crate::hooks::use_submit;
use crate::policy::{policy_wait, use_after_policy, use_policy, POLICY_WAIT_VERB};
use crate::transport::LocalFuture;
use domain::models::Credential;
use domain::request::CreateBody;
use domain::scope::scope_warnings;
use domain::ssh_key;
use domain::validate::{self, CredentialForm, FormContext};
use domain::{AccessLevel, ApiError, ExpiryChoice, Field, FieldSet, Kind};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// An async call the page makes with what a dialog emits. Compared by identity.
pub struct Sender<I, O>(pub Rc<dyn Fn(I) -> LocalFuture<'static, Result<O, ApiError>>>);

impl<I, O> Clone for Sender<I, O> {
    fn clone(&self) -> Self {
        Sender(self.0.clone())
    }
}

impl<I, O> PartialEq for Sender<I, O> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct CredentialFormProps {
    pub kind: Kind,
    pub ctx: FormContext,
    /// Editing this row instead of creating one.
    #[prop_or_default]
    pub editing: Option<Credential>,
    /// One sentence: what the new credential is for.
    pub subject: AttrValue,
    /// The signed-in GitLab's base URL, for the link to GitLab's own token form.
    pub gitlab_base: AttrValue,
    pub send: Sender<CreateBody, ()>,
    pub on_close: Callback<()>,
}

/// The element id of a field, for labels, error slots and focus.
pub fn field_id(field: Field) -> &'static str {
    match field {
        Field::Name => "token-name",
        Field::Description => "token-description",
        Field::Scopes => "token-scopes",
        Field::AccessLevel => "token-role",
        Field::ExpiresAt => "token-expiry",
        Field::Username => "token-username",
        Field::Key => "token-key",
        Field::CanPush => "token-can-push",
    }
}

/// Moves focus to the first control of `field` and scrolls it into view.
fn focus_field(field: Field) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let selector = format!(
        "[data-field={id}] input:not([disabled]), [data-field={id}] select, [data-field={id}] textarea",
        id = field_id(field)
    );
    if let Some(el) = doc
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
        el.scroll_into_view();
    }
}

fn form_for(props: &CredentialFormProps) -> CredentialForm {
    let mut form = CredentialForm::new(props.kind, props.ctx.caller);
    if let Some(row) = &props.editing {
        if props.kind == Kind::TriggerToken {
            form.description = row.name.clone();
        } else {
            form.name = row.name.clone();
        }
        form.can_push = row.can_push == Some(true);
    }
    form
}

#[component]
pub fn CredentialFormDialog(props: &CredentialFormProps) -> Html {
    let form = use_state(|| form_for(props));
    let touched = use_state(FieldSet::default);
    let submitted = use_state(|| false);
    let submit = use_submit();
    let kind = props.kind;
    let spec = kind.spec();
    let editing = props.editing.is_some();
    let fields = if editing {
        spec.edit_fields
    } else {
        spec.fields
    };
    // The site's policy (`policy.json`) holds back a create that breaks it.
    let site_policy = use_policy();
    let policy = site_policy.policy().cloned();
    let check = move |f: &CredentialForm, ctx: &FormContext| {
        if editing {
            validate::edit(kind, f, ctx)
        } else {
            validate::credential_within(kind, f, ctx, policy.as_deref())
        }
    };
    let local = check(&form, &props.ctx).err().unwrap_or_default();

    // One edit path for every field: update, mark touched, forget GitLab's verdict on it.
    let updater = |field: Field| {
        let (form, touched, submit) = (form.clone(), touched.clone(), submit.clone());
        move |apply: &dyn Fn(&mut CredentialForm)| {
            let mut next = (*form).clone();
            apply(&mut next);
            form.set(next);
            let mut t = (*touched).clone();
            t.insert(field);
            touched.set(t);
            if let Some(e) = &submit.error {
                let mut e = e.clone();
                e.fields.retain(|(f, _)| *f != field);
                submit.set_error(Some(e));
            }
        }
    };
    let text_input = |field: Field, set: fn(&mut CredentialForm, String)| {
        let update = updater(field);
        Callback::from(move |e: InputEvent| {
            let value = e
                .target()
                .and_then(|t| {
                    t.dyn_ref::<HtmlInputElement>()
                        .map(|i| i.value())
                        .or_else(|| t.dyn_ref::<HtmlTextAreaElement>().map(|a| a.value()))
                })
                .unwrap_or_default();
            update(&|f| set(f, value.clone()));
        })
    };
    let send_checked: Rc<dyn Fn()> = {
        let (form, submit) = (form.clone(), submit.clone());
        let ctx = props.ctx;
        let send = props.send.clone();
        let on_close = props.on_close.clone();
        Rc::new(move || match check(&form, &ctx) {
            Ok(body) => {
                let on_close = on_close.clone();
                submit.run((send.0)(body), move |()| on_close.emit(()));
            }
            Err(errors) => {
                if let Some(first) = errors.first() {
                    focus_field(first);
                }
            }
        })
    };
    let (awaiting_policy, request_send) = use_after_policy(&site_policy, !editing, send_checked);
    let onsubmit = {
        let submitted = submitted.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            request_send.emit(());
        })
    };

    // GitLab refused a field: take the user to it, as a local check does.
    {
        let first = submit
            .error
            .as_ref()
            .and_then(|e| fields.iter().copied().find(|f| e.field(*f).is_some()));
        use_effect_with(first, |first| {
            if let Some(f) = first {
                focus_field(*f);
            }
        });
    }
    let busy = submit.busy;
    let server = submit.error.as_ref();
    let shown = |field| *submitted || touched.contains(&field);
    let message = |field: Field| -> Option<String> {
        local
            .get(field)
            .filter(|_| shown(field))
            .map(str::to_string)
            .or_else(|| server.and_then(|e| e.field(field)).map(str::to_string))
    };
    let invalid_count = fields.iter().filter(|f| message(**f).is_some()).count();
    // GitLab errors that belong to no field go in a banner.
    let general = server.filter(|e| e.fields.is_empty()).cloned();

    // A one-line text field; every text field of every kind is one of these.
    let text_field = |field: Field,
                      value: String,
                      set: fn(&mut CredentialForm, String),
                      help: Option<&'static str>| {
        let id = field_id(field);
        let error = message(field);
        let invalid = error.is_some().to_string();
        form_field(
            id,
            kind.field_label(field),
            help.map(String::from),
            error,
            html! {
                <input id={id} type="text" {value} oninput={text_input(field, set)}
                    disabled={busy} maxlength="300" data-testid={id} autocomplete="off" spellcheck="false"
                    aria-invalid={invalid} aria-describedby={described_by(id)} />
            },
        )
    };
    let render = |field: Field| -> Html {
        let id = field_id(field);
        let label = kind.field_label(field);
        let error = message(field);
        let invalid = error.is_some().to_string();
        match field {
            Field::Name => text_field(field, form.name.clone(), |f, v| f.name = v, None),
            Field::Description => text_field(
                field,
                form.description.clone(),
                |f, v| f.description = v,
                None,
            ),
            Field::Username => {
                let help = if form.name.trim() == "gitlab-deploy-token" {
                    "GitLab gives a deploy token named gitlab-deploy-token to this project's CI jobs as CI_DEPLOY_USER and CI_DEPLOY_PASSWORD."
                } else {
                    "Letters, digits, '_', '-', '+' and '.'. Empty: GitLab names it gitlab+deploy-token-<id>."
                };
                text_field(
                    field,
                    form.username.clone(),
                    |f, v| f.username = v,
                    Some(help),
                )
            }
            Field::Key => {
                // The fingerprint as soon as the key reads: the user can compare it with
                // `ssh-keygen -lf` before anything is sent.
                let preview = ssh_key::parse(&form.key)
                    .ok()
                    .map(|k| format!("{} · {}", k.kind.label(), k.fingerprint_sha256));
                let help = preview.unwrap_or_else(|| {
                    "The whole line of your .pub file: ssh-ed25519 AAAA… comment.".into()
                });
                form_field(
                    id,
                    label,
                    Some(help),
                    error,
                    html! {
                        <textarea id={id} rows="3" value={form.key.clone()} oninput={text_input(field, |f, v| f.key = v)}
                            disabled={busy} data-testid={id} spellcheck="false" autocomplete="off"
                            aria-invalid={invalid} aria-describedby={described_by(id)} />
                    },
                )
            }
            Field::CanPush => {
                let onchange = {
                    let update = updater(field);
                    Callback::from(move |_: Event| update(&|f| f.can_push = !f.can_push))
                };
                html! {
                    <div class="field" data-field={id}>
                        <label class="scope">
                            <input id={id} type="checkbox" checked={form.can_push} disabled={busy} data-testid={id} {onchange} />
                            <span>{ label }</span>
                            <span class="muted small">{ "Lets the key push to the repository, not only clone it." }</span>
                        </label>
                    </div>
                }
            }
            Field::AccessLevel => {
                let roles = props
                    .ctx
                    .caller
                    .grantable_roles(props.ctx.planner_supported);
                let onchange = {
                    let update = updater(field);
                    Callback::from(move |e: Event| {
                        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                        let role = v.parse().ok().and_then(AccessLevel::from_level);
                        update(&|f| f.role = role);
                    })
                };
                let help = format!(
                    "Up to your own role ({}).",
                    props
                        .ctx
                        .caller
                        .role
                        .map(|r| r.label())
                        .unwrap_or("administrator")
                );
                form_field(
                    id,
                    label,
                    Some(help),
                    error,
                    html! {
                        <select id={id} {onchange} disabled={busy} data-testid={id}
                            aria-invalid={invalid} aria-describedby={described_by(id)}>
                            { for roles.iter().map(|r| html! {
                                <option value={r.level().to_string()} selected={form.role == Some(*r)}>{ r.label() }</option>
                            }) }
                        </select>
                    },
                )
            }
            Field::Scopes => {
                let offered = validate::offered_scopes(kind, &props.ctx);
                let warnings = scope_warnings(kind, &form.scopes);
                let needs_gitlab = validate::needs_gitlab_form(kind, &props.ctx, &form.scopes);
                let toggle = |name: &'static str| {
                    let update = updater(field);
                    Callback::from(move |_: Event| {
                        update(&|f| {
                            if let Some(pos) = f.scopes.iter().position(|s| s == name) {
                                f.scopes.remove(pos);
                            } else {
                                f.scopes.push(name.to_string());
                            }
                        })
                    })
                };
                html! {
                    <fieldset class={classes!("field", error.is_some().then_some("field-invalid"))} data-field={id}
                        aria-describedby={format!("{id}-error")}>
                        <legend>{ label }</legend>
                        <div class="scopes">
                            { for offered.iter().map(|s| html! {
                                <label class="scope">
                                    <input type="checkbox" checked={form.scopes.iter().any(|x| x == s.name)} disabled={busy}
                                        data-testid={format!("scope-{}", s.name)} onchange={toggle(s.name)} />
                                    <span class="mono">{ s.name }</span>
                                    <span class="muted small">{ s.help }</span>
                                </label>
                            }) }
                        </div>
                        { for warnings.iter().map(|w| html! { <p class="help warning">{ *w }</p> }) }
                        {
                            if needs_gitlab.is_empty() { html! {} } else {
                                let href = validate::gitlab_pat_form(&props.gitlab_base, &form.name, &form.scopes);
                                html! {
                                    <p class="help" data-testid="gitlab-form-hint">
                                        { format!("GitLab's API lets you create your own tokens with only k8s_proxy and self_rotate; {} needs GitLab's own form. ", needs_gitlab.join(", ")) }
                                        <a href={href} target="_blank" rel="noopener noreferrer" data-testid="gitlab-form-link">{ "Open it prefilled in GitLab" }</a>
                                    </p>
                                }
                            }
                        }
                        <p class="field-error" id={format!("{id}-error")} data-testid={format!("error-{id}")} aria-live="polite">{ error.unwrap_or_default() }</p>
                    </fieldset>
                }
            }
            Field::ExpiresAt => {
                let on_change = {
                    let update = updater(field);
                    Callback::from(move |c: ExpiryChoice| update(&|f| f.expiry = c.clone()))
                };
                let required = spec.expiry == domain::kind::ExpiryRule::Required;
                html! {
                    <div data-field={id}>
                        { expiry_picker(ExpiryPicker { id, value: form.expiry.clone(), today: props.ctx.today, on_change,
                            error, disabled: busy, required }) }
                    </div>
                }
            }
        }
    };

    let title = if editing {
        format!("Edit {}", kind.label())
    } else {
        format!("New {}", kind.label())
    };
    let on_close = (!busy).then(|| props.on_close.clone());
    let cancel = props.on_close.clone();
    let (verb, busy_verb) = match (editing, kind) {
        (true, _) => ("Save", "Saving…"),
        (false, Kind::DeployKey) => ("Add key", "Adding…"),
        (false, Kind::TriggerToken) => ("Create trigger", "Creating…"),
        _ => ("Create token", "Creating…"),
    };
    html! {
        <Modal title={title} id="create-dialog" on_close={on_close} wide=true>
            <form class="form" {onsubmit} novalidate=true>
                <p class="muted">{ props.subject.clone() }</p>
                {
                    if *submitted && invalid_count > 0 {
                        html! { <p class="banner banner-error" role="alert" data-testid="form-summary">
                            { if invalid_count == 1 { "1 field needs attention.".to_string() } else { format!("{invalid_count} fields need attention.") } }
                        </p> }
                    } else { html! {} }
                }
                { for fields.iter().map(|f| render(*f)) }
                { general.map(|e| error_banner(&e, None)).unwrap_or_default() }
                { policy_wait(awaiting_policy) }
                <div class="actions">
                    <button type="button" class="btn" disabled={busy} onclick={cancel.reform(|_| ())}>{ "Cancel" }</button>
                    <button type="submit" class="btn btn-primary" disabled={busy} aria-disabled={awaiting_policy.to_string()} data-testid="create-submit">
                        { if busy { busy_verb } else if awaiting_policy { POLICY_WAIT_VERB } else { verb } }
                    </button>
                </div>
            </form>
        </Modal>
    }
}
