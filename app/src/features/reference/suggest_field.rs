//! A text field filled by words with suggestions: a commune (by name, "Lyon 3e", or postal code),
//! an activity (by the words of its NAF label), a department (by name or number). Without
//! JavaScript it is a plain text field: the server reads the words back
//! (`infra::places::resolve_commune`, `resolve_department`, `infra::naf::resolve_naf`) and, when
//! they designate several, its message lists them to choose from. With JavaScript it becomes a
//! WAI-ARIA combobox: the suggestions follow the typing, arrow keys move among them, Enter or a
//! tap chooses, Escape closes. A chosen suggestion writes its label with its code in parentheses,
//! which the server reads back whatever the name's homonyms. With `list`, the field holds several
//! items separated by commas and the suggestions follow the last one.

use super::api::suggest;
use crate::components::form::field_message;
use crate::components::live_check::field_error_signal;
use crate::domain::suggest::{last_item, with_last_item, SuggestKind, Suggestion, MIN_WORDS};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn SuggestField(
    #[prop(into)] name: String,
    /// The field whose error (from the form's action) is shown under it; its id is `f-{field}`.
    #[prop(into)]
    field: String,
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    kind: SuggestKind,
    /// Several items separated by commas.
    #[prop(optional)]
    list: bool,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{field}");
    let (hint_id, err_id, list_id, status_id) = (
        format!("{id}-hint"),
        format!("{id}-error"),
        format!("{id}-list"),
        format!("{id}-status"),
    );
    let found = field_error_signal(field.clone(), error);
    let message = Signal::derive(move || found.get().as_ref().map(field_message));
    let text = RwSignal::new(value.unwrap_or_default());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    // Combobox semantics only once hydrated: without JavaScript this is a plain text field.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    // The suggestions of the latest words asked. Not a resource: the field sits inside pages'
    // `<Suspense>`, which would take the page away (and the focus out of the field) while each
    // answer is on its way.
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let asked = StoredValue::new(0u64);
    let ask = move |text: &str| {
        let words = if list { last_item(text).1 } else { text };
        let q = words.trim().to_string();
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        if q.chars().filter(char::is_ascii_alphanumeric).count() < MIN_WORDS {
            suggestions.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            let found = suggest(kind, q).await.unwrap_or_default();
            // An answer to words typed since is dropped; so is one that arrives after the
            // field has gone (the person moved on to another page).
            if asked.try_get_value() == Some(this) {
                suggestions.try_set(found);
            }
        });
    };
    let shown = move || -> Vec<Suggestion> {
        if open.get() {
            suggestions.get()
        } else {
            Vec::new()
        }
    };
    let choose = move |s: Suggestion| {
        text.update(|t| {
            *t = if list {
                with_last_item(t, &s.value)
            } else {
                s.value.clone()
            }
        });
        open.set(false);
        active.set(None);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let items = shown();
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                if !open.get_untracked() {
                    open.set(true);
                    ask(&text.get_untracked());
                    return;
                }
                if items.is_empty() {
                    return;
                }
                let n = items.len();
                let down = ev.key() == "ArrowDown";
                active.update(|a| {
                    *a = Some(match (*a, down) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    })
                });
            }
            "Enter" => {
                // A suggestion highlighted: Enter chooses it rather than sending the form.
                if let Some(s) = active.get_untracked().and_then(|i| items.get(i).cloned()) {
                    ev.prevent_default();
                    choose(s);
                }
            }
            "Escape" if open.get_untracked() && !items.is_empty() => {
                ev.prevent_default();
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    let option_id = {
        let list_id = list_id.clone();
        move |i: usize| format!("{list_id}-{i}")
    };
    let described = {
        let hint_id = hint_id.clone();
        let err_id = err_id.clone();
        move || {
            let mut ids = vec![hint_id.clone()];
            if message.get().is_some() {
                ids.push(err_id.clone());
            }
            ids.join(" ")
        }
    };
    let expanded = move || live.get().then(|| (!shown().is_empty()).to_string());
    view! {
        <div class="field suggest" class:field--error=move || message.get().is_some() data-test="suggest">
            <label for=id.clone()>{label}</label>
            <p class="field__hint" id=hint_id.clone()>{hint}</p>
            <div class="suggest__box">
                <input
                    id=id.clone()
                    name=name
                    type="text"
                    autocomplete="off"
                    maxlength=if list { 4000 } else { 300 }
                    prop:value=move || text.get()
                    value=text.get_untracked()
                    role=move || live.get().then_some("combobox")
                    aria-autocomplete=move || live.get().then_some("list")
                    aria-expanded=expanded
                    aria-controls={
                        let list_id = list_id.clone();
                        move || live.get().then(|| list_id.clone())
                    }
                    aria-activedescendant={
                        let option_id = option_id.clone();
                        move || active.get().map(&option_id)
                    }
                    aria-invalid=move || message.get().is_some().then_some("true")
                    aria-describedby=described
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        ask(&value);
                        text.set(value);
                        open.set(true);
                        active.set(None);
                    }
                    on:keydown=on_keydown
                    on:blur=move |_| {
                        open.set(false);
                        active.set(None);
                    }
                />
                {
                    move || {
                        let items = shown();
                        (!items.is_empty()).then(|| {
                            let option_id = option_id.clone();
                            view! {
                                <ul class="suggest__list" role="listbox" id=list_id.clone() aria-label=t("suggest.list")>
                                    {items.into_iter().enumerate().map(|(i, s)| {
                                        let chosen = s.clone();
                                        view! {
                                            <li
                                                role="option"
                                                id=option_id(i)
                                                class="suggest__option"
                                                aria-selected=move || (active.get() == Some(i)).to_string()
                                                // Before the field's blur closes the list.
                                                on:mousedown=move |ev| {
                                                    ev.prevent_default();
                                                    choose(chosen.clone());
                                                }
                                            >
                                                <span class="suggest__label">{s.label}</span>
                                                " "
                                                <span class="suggest__note">{s.note}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }
                        })
                    }
                }
            </div>
            <p class="visually-hidden" aria-live="polite" id=status_id>
                {move || {
                    let n = shown().len();
                    (n > 0).then(|| t("suggest.count").replace("%{n}", &n.to_string()))
                }}
            </p>
            {move || message.get().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}
