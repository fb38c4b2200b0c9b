//! The CPV picker: people choose the codes of a purchase or an offer by the words of their labels,
//! never by typing digits. Without JavaScript it is a search field whose button returns the
//! matches as checkboxes (the whole form is sent back to the page by GET, so nothing typed is
//! lost); with JavaScript the matches follow the words as they are typed. Chosen codes are
//! chips (thaw `Tag`) holding a ticked checkbox — untick to remove — with the code beside the
//! label. Every box is a native checkbox: keyboard and screen readers need nothing more.

use super::api::{cpv_filter_choices, find_cpv, CpvFound};
use crate::components::form::field_message;
use crate::components::live_check::field_error_signal;
use crate::domain::cpv::{CpvChoice, CpvCodes};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn CpvPicker(
    /// The submitted name of each chosen code (a list: `cpv[]` or `form[cpv][]`).
    #[prop(into)]
    name: String,
    /// The submitted name of the words, read back from the page's URL without JavaScript.
    #[prop(into)]
    words_name: String,
    /// The prefix of the picker's element ids.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    /// The words searched (from the URL without JavaScript).
    #[prop(optional)]
    words: String,
    /// The codes chosen when the form opens.
    #[prop(optional)]
    chosen: Vec<String>,
    /// Inside a POST form: the page the search button sends the form back to, by GET (its
    /// fields return as the URL's query). In a GET form the search is the form's own submit.
    #[prop(optional, into)]
    search_action: Option<String>,
    /// The field whose error (from the form's action) is shown under the picker.
    #[prop(into)]
    field: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let words = RwSignal::new(words);
    let chosen = RwSignal::new(chosen);
    let found = Resource::new(
        move || (words.get(), chosen.get()),
        |(q, c)| find_cpv(q, CpvCodes(c)),
    );
    // With JavaScript the matches follow the words: the search button is for pages without it.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let search = NodeRef::<leptos::html::Input>::new();
    // The server's message, or the live check's once the codes were changed (in a `LiveCheck`).
    let found_error = field_error_signal(field, error);
    let message = Signal::derive(move || found_error.get().as_ref().map(field_message));
    let (q_id, hint_id, err_id, found_id) = (
        format!("{id}-q"),
        format!("{id}-hint"),
        format!("{id}-error"),
        format!("{id}-found"),
    );
    let choose = move |code: String| {
        chosen.update(|c| {
            if !c.contains(&code) {
                c.push(code)
            }
        });
        // The ticked box moves up to the chips: keep the keyboard in the search field.
        if let Some(input) = search.get_untracked() {
            let _ = input.focus();
        }
    };
    let drop = move |code: String| chosen.update(|c| c.retain(|k| *k != code));
    let names = StoredValue::new(name);
    let view_of = move |f: CpvFound| {
        let name = names.get_value();
        (chips(&f.chosen, &name, drop), matches(f, &name, choose))
    };
    view! {
        <fieldset class="cpv-picker" class:field--error=move || message.get().is_some() id=id.clone() data-test="cpv-picker">
            <legend>{label}</legend>
            <p class="field__hint" id=hint_id.clone()>{hint}</p>
            <Transition fallback=|| ()>
                {move || found.get().map(|r| match r {
                    Ok(f) => view_of(f).0.into_any(),
                    Err(_) => view! { <p class="field__error">{t("cpv_picker.unavailable")}</p> }.into_any(),
                })}
            </Transition>
            <div class="field cpv-picker__search">
                <label for=q_id.clone()>{t("cpv_picker.search")}</label>
                <div class="cpv-picker__row">
                    <input
                        id=q_id
                        node_ref=search
                        type="search"
                        name=words_name
                        autocomplete="off"
                        maxlength="100"
                        prop:value=move || words.get()
                        aria-describedby=format!("{hint_id} {found_id}")
                        aria-controls=found_id.clone()
                        on:input=move |ev| words.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            // With the list live, Enter would send the whole form: it searches.
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                            }
                        }
                    />
                    <button
                        type="submit"
                        class="button"
                        formmethod=search_action.as_ref().map(|_| "get")
                        formaction=search_action.clone()
                        formnovalidate=search_action.is_some()
                        hidden=move || live.get()
                    >{t("cpv_picker.search_submit")}</button>
                </div>
            </div>
            <div id=found_id aria-live="polite">
                <Transition fallback=|| ()>
                    {move || found.get().and_then(Result::ok).map(|f| view_of(f).1)}
                </Transition>
            </div>
            {move || message.get().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
        </fieldset>
    }
}

/// The chosen codes: a chip each, its box ticked (unticking removes it).
fn chips(
    chosen: &[CpvChoice],
    name: &str,
    drop: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if chosen.is_empty() {
        return view! { <p class="cpv-picker__none">{t("cpv_picker.none")}</p> }.into_any();
    }
    let name = name.to_string();
    view! {
        <ul class="cpv-picker__chosen" aria-label=t("cpv_picker.chosen")>
            {chosen.iter().cloned().map(|c| {
                let code = c.code.clone();
                let name = name.clone();
                view! {
                    <li>
                        <thaw::Tag>
                            <label class="cpv-picker__choice">
                                <input type="checkbox" name=name value=c.code.clone() checked=true
                                    on:change=move |ev| if !event_target_checked(&ev) { drop(code.clone()) } />
                                <span>{c.label}</span>
                                " "
                                <span class="cpv-code">{c.code}</span>
                            </label>
                        </thaw::Tag>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The codes matching the words, a box each to tick.
fn matches(
    f: CpvFound,
    name: &str,
    choose: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if f.nothing {
        return view! { <p class="empty-state">{t("cpv_picker.nothing")}</p> }.into_any();
    }
    if f.found.is_empty() {
        return ().into_any();
    }
    let name = name.to_string();
    view! {
        <p class="cpv-picker__count">{t("cpv_picker.found").replace("%{n}", &f.found.len().to_string())}</p>
        <ul class="cpv-picker__found" data-test="cpv-found">
            {f.found.into_iter().map(|c| {
                let code = c.code.clone();
                let name = name.clone();
                view! {
                    <li>
                        <label class="cpv-picker__choice">
                            <input type="checkbox" name=name value=c.code.clone()
                                on:change=move |ev| if event_target_checked(&ev) { choose(code.clone()) } />
                            <span>{c.label}</span>
                            " "
                            <span class="cpv-code">{c.code}</span>
                        </label>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A list's CPV filter, chosen by words: one code prefix (submitted as `cpv`) as deep as the list
/// filters (`depth` digits), each choice shown by its label with the code beside it. The words
/// (`cpv_q`) go with the filter form: without JavaScript its own button returns the choices;
/// with it they follow the typing. The choices are one native radio group (arrow keys move in
/// it), the current filter first, then "every code" to lift it.
#[component]
pub fn CpvFilter(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    /// The words searched (the URL's `cpv_q`).
    #[prop(optional)]
    words: String,
    /// The prefix filtered by (the URL's `cpv`).
    chosen: Option<String>,
    depth: u8,
) -> impl IntoView {
    let words = RwSignal::new(words);
    let chosen = chosen.unwrap_or_default();
    let found = Resource::new(
        move || words.get(),
        move |q| cpv_filter_choices(q, chosen.clone(), depth),
    );
    let (q_id, hint_id, found_id, all_id) = (
        format!("{id}-q"),
        format!("{id}-hint"),
        format!("{id}-found"),
        format!("{id}-all"),
    );
    let radio = |c: CpvChoice, checked: bool| {
        view! {
            <li>
                <label class="cpv-picker__choice">
                    <input type="radio" name="cpv" value=c.code.clone() checked=checked />
                    <span>{c.label}</span>
                    " "
                    <span class="cpv-code">{c.code}</span>
                </label>
            </li>
        }
    };
    view! {
        <fieldset class="cpv-picker cpv-picker--filter" id=id.clone() data-test="cpv-filter">
            <legend>{label}</legend>
            <p class="field__hint" id=hint_id.clone()>{hint}</p>
            <Transition fallback=|| ()>
                {move || found.get().and_then(Result::ok).map(|f| {
                    let current = f.chosen.into_iter().next();
                    current.map(|c| view! {
                        <ul class="cpv-picker__found" aria-label=t("cpv_picker.current")>
                            {radio(c, true)}
                            <li>
                                <label class="cpv-picker__choice" for=all_id.clone()>
                                    <input type="radio" id=all_id.clone() name="cpv" value="" />
                                    <span>{t("cpv_picker.every_code")}</span>
                                </label>
                            </li>
                        </ul>
                    })
                })}
            </Transition>
            <div class="field cpv-picker__search">
                <label for=q_id.clone()>{t("cpv_picker.search")}</label>
                <input
                    id=q_id
                    type="search"
                    name="cpv_q"
                    autocomplete="off"
                    maxlength="100"
                    prop:value=move || words.get()
                    aria-describedby=format!("{hint_id} {found_id}")
                    aria-controls=found_id.clone()
                    on:input=move |ev| words.set(event_target_value(&ev))
                />
            </div>
            <div id=found_id aria-live="polite">
                <Transition fallback=|| ()>
                    {move || found.get().and_then(Result::ok).map(|f| {
                        if f.nothing {
                            return view! { <p class="empty-state">{t("cpv_picker.nothing")}</p> }.into_any();
                        }
                        if f.found.is_empty() {
                            return ().into_any();
                        }
                        view! {
                            <p class="cpv-picker__count">{t("cpv_picker.found_one").replace("%{n}", &f.found.len().to_string())}</p>
                            <ul class="cpv-picker__found" data-test="cpv-found">
                                {f.found.into_iter().map(|c| radio(c, false)).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </Transition>
            </div>
        </fieldset>
    }
}

/// The words of a list's CPV filter, from the page's URL (`cpv_q`).
pub fn filter_words() -> String {
    leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("cpv_q"))
        .unwrap_or_default()
}
