//! Form pieces that work without JavaScript: plain labelled inputs whose error (from the
//! action's last result, which leptos also restores after a no-JS redirect) is tied to the
//! input with aria-describedby, and a summary alert above the form.

use crate::components::live_check::field_error_signal;
use crate::error::AppError;
use crate::i18n::{t, tr, use_lang};
use leptos::prelude::*;

/// The error of an action's last call, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// A form to empty after each successful submission: with JavaScript the page is patched in
/// place, so what was typed (and ticked) would otherwise stay for the next entry.
pub fn reset_on_success<I, O>(action: ServerAction<I>) -> NodeRef<leptos::html::Form>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
        }
    });
    form
}

/// A form sent back to its own page by GET — the pickers' search button without JavaScript —
/// read from the URL's query (`form[title]=…&form[cpv][]=…`) as its server function would read
/// it; `None` unless the query holds `marker` (the picker's words) and the fields parse.
pub fn typed_form<T: serde::de::DeserializeOwned>(query: &str, marker: &str) -> Option<T> {
    #[derive(serde::Deserialize)]
    struct Sent<T> {
        form: T,
    }
    let query = query.trim_start_matches('?');
    let marked = query
        .split('&')
        .any(|kv| kv.split('=').next() == Some(marker));
    if !marked {
        return None;
    }
    serde_qs::Config::new(5, false)
        .deserialize_str::<Sent<T>>(query)
        .ok()
        .map(|s| s.form)
}

/// A form's fields as the browser would send them by GET (`a=1&form%5Bb%5D=2`).
#[cfg(feature = "hydrate")]
pub fn query_of(form: &web_sys::HtmlFormElement) -> Option<String> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let params = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(String::from(params.to_string()))
}

/// The message of a field error, its argument in place.
pub fn field_message(err: &crate::error::FieldError) -> String {
    let text = tr(use_lang(), &err.key);
    match &err.arg {
        Some(arg) => text.replace("%{arg}", arg),
        None => text,
    }
}

/// A labelled input. `name` is the submitted name; field errors are looked up by `field`
/// (default: `name`), which differs when the form is a struct (`form[siret]` vs `siret`).
#[component]
pub fn TextField(
    #[prop(into)] name: String,
    #[prop(optional, into)] field: Option<String>,
    #[prop(into)] label: String,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] maxlength: Option<usize>,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional)]
    list: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let field = field.unwrap_or_else(|| name.clone());
    let id = format!("f-{field}");
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let found = field_error_signal(field.clone(), error);
    let message = Signal::derive(move || found.get().as_ref().map(field_message));
    let message = move || message.get();
    let has_hint = hint.is_some();
    let described = {
        let (hint_id, err_id) = (hint_id.clone(), err_id.clone());
        move || {
            let mut ids = vec![];
            if has_hint {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--error=move || message().is_some()>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=name
                type=input_type.unwrap_or("text")
                required=required
                autocomplete=autocomplete
                value=value
                maxlength=maxlength
                list=list
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=described
            />
            {move || message().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}

/// The alert above a form when its last submission failed.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <div class="alert alert--error" role="alert">
                    {t(e.message_key())}
                </div>
            }
        })
    }
}

/// A labelled select whose error is tied to it, like `TextField`.
#[component]
pub fn SelectField(
    #[prop(into)] name: String,
    #[prop(into)] field: String,
    #[prop(into)] label: String,
    options: Vec<(String, String)>,
    #[prop(optional)] required: bool,
    /// The value chosen when the form opens.
    #[prop(optional, into)]
    selected: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{field}");
    let err_id = format!("{id}-error");
    let found = field_error_signal(field.clone(), error);
    let message = Signal::derive(move || found.get().as_ref().map(field_message));
    let message = move || message.get();
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    view! {
        <div class="field" class:field--error=move || message().is_some()>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <select
                id=id.clone()
                name=name
                required=required
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby={
                    let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
                    move || described(has_hint.then(|| hint_id.clone()), message().map(|_| err_id.clone()))
                }
            >
                {options.into_iter().map(|(v, l)| {
                    let chosen = selected.as_deref() == Some(v.as_str());
                    view! { <option value=v selected=chosen>{l}</option> }
                }).collect_view()}
            </select>
            {move || message().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}

/// The ids an input is described by: its hint and its error, when present.
fn described(hint: Option<String>, error: Option<String>) -> Option<String> {
    let ids: Vec<String> = hint.into_iter().chain(error).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled textarea, with a hint and its error (see `TextField`).
#[component]
pub fn TextAreaField(
    #[prop(into)] name: String,
    #[prop(into)] field: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    maxlength: usize,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{field}");
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let found = field_error_signal(field.clone(), error);
    let message = Signal::derive(move || found.get().as_ref().map(field_message));
    let message = move || message.get();
    let has_hint = hint.is_some();
    view! {
        <div class="field" class:field--error=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <textarea
                id=id.clone()
                name=name
                maxlength=maxlength
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby={
                    let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
                    move || described(has_hint.then(|| hint_id.clone()), message().map(|_| err_id.clone()))
                }
            >{value.unwrap_or_default()}</textarea>
            {move || message().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}

/// The quality labels (organic, Label Rouge…) as boxes to tick, named `form[labels][CODE]` as
/// the offer and partner-request forms read them; `chosen` holds the ticked codes. `except`:
/// codes ticked elsewhere in the form (a food offer's signs of quality have their own group).
#[component]
pub fn QualityLabelChecks(
    chosen: std::collections::BTreeMap<String, String>,
    #[prop(optional)] except: Vec<&'static str>,
) -> impl IntoView {
    view! {
        <div class="checks">
            {crate::domain::offer::LABELS.iter().filter(|(code, _)| !except.contains(code)).map(|(code, name)| {
                let id = format!("f-label-{code}");
                view! {
                    <div class="field field--check">
                        <input type="checkbox" id=id.clone() name=format!("form[labels][{code}]") checked=chosen.contains_key(*code) />
                        <label for=id>{*name}</label>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// A group of boxes to tick under one legend, each sent as `{name}[{value}]=on`; the group's
/// error (looked up by `field`) under its legend. `options`: (value, label, ticked).
#[component]
pub fn CheckGroup(
    #[prop(into)] name: String,
    #[prop(into)] field: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Vec<(String, String, bool)>,
    /// Extra class of the boxes' list ("checks--months" lays twelve out as a calendar).
    #[prop(optional)]
    class: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{field}");
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let found = field_error_signal(field.clone(), error);
    let message = Signal::derive(move || found.get().as_ref().map(field_message));
    let message = move || message.get();
    let has_hint = hint.is_some();
    view! {
        <fieldset
            id=id.clone()
            class="field check-group"
            class:field--error=move || message().is_some()
            aria-describedby={
                let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
                move || described(has_hint.then(|| hint_id.clone()), message().map(|_| err_id.clone()))
            }
        >
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            {
                let err_id = err_id.clone();
                move || message().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })
            }
            <div class=format!("checks {class}")>
                {options.into_iter().map(|(value, label, ticked)| {
                    let box_id = format!("{id}-{value}");
                    view! {
                        <div class="field field--check">
                            <input type="checkbox" id=box_id.clone() name=format!("{name}[{value}]") checked=ticked />
                            <label for=box_id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}
