//! Forms that check as people type, with the server's own rules and messages: the domain's check
//! of the whole form (`domain::validate::LiveChecked`) runs in the browser on the form as it
//! stands. A field is checked once the person has changed it and left it (no message under the
//! first letters of an address); from then on, and for a field the server found wrong, its
//! message follows each keystroke, so it goes as soon as the mistake is mended. The server
//! checks everything again on submission, and its answer replaces these messages. Without
//! JavaScript nothing here runs: the server's messages are the only ones, as before.

use crate::domain::validate::Clock;
use crate::error::FieldError;
use leptos::context::Provider;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// What the live check of the enclosing form found.
#[derive(Clone, Copy)]
pub struct LiveErrors {
    /// The fields checked here since the last submission.
    checked: RwSignal<BTreeSet<String>>,
    /// The errors of the whole form, as it stood at the last check.
    errors: RwSignal<Vec<FieldError>>,
}

impl LiveErrors {
    /// `None` while the field has not been checked here (the server's message, if any,
    /// stands); else what the check found for it.
    pub fn for_field(&self, field: &str) -> Option<Option<FieldError>> {
        self.checked.with(|c| c.contains(field)).then(|| {
            self.errors
                .with(|errors| errors.iter().find(|e| e.field == field).cloned())
        })
    }
}

/// The message a field shows: the live check's once it has run for the field, else the
/// server's.
pub fn field_error_signal(
    field: String,
    server: Signal<Option<crate::error::AppError>>,
) -> Signal<Option<FieldError>> {
    let live = use_context::<LiveErrors>();
    Signal::derive(move || match live.and_then(|l| l.for_field(&field)) {
        Some(found) => found,
        None => server.get().and_then(|e| e.field_error(&field).cloned()),
    })
}

/// The field an input's name stands for: `form[title]` is `title`, `cpv[]` is `cpv`,
/// `password` is `password`.
pub fn field_of(name: &str) -> &str {
    let inner = name.strip_prefix("form[").unwrap_or(name);
    inner.split(['[', ']']).next().unwrap_or_default()
}

/// Wraps one form (`ActionForm` or `<form>`) whose fields are to be checked as people type.
/// `check` reads the form as its server function would (`errors_in_form::<OfferForm>` for a
/// `form: OfferForm` argument, `errors_in_fields::<NewAccount>` for separate arguments).
#[component]
pub fn LiveCheck(
    check: fn(&str, &Clock) -> Option<Vec<FieldError>>,
    /// Put before each field's name, as the server function does (`AppError::prefixed`) when
    /// two forms of one page share field names.
    #[prop(optional)]
    prefix: &'static str,
    children: Children,
) -> impl IntoView {
    let live = LiveErrors {
        checked: RwSignal::new(BTreeSet::new()),
        errors: RwSignal::new(vec![]),
    };
    // `left`: the person changed the field and left it (`change`), which starts its checks;
    // otherwise a keystroke, which checks only a field already checked.
    let run = move |ev: leptos::ev::Event, left: bool| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let name = input.get_attribute("name").unwrap_or_default();
            let field = match field_of(&name) {
                "" => String::new(),
                f => format!("{prefix}{f}"),
            };
            // A keystroke checks a field already checked, or one the server found wrong (its
            // message goes as soon as the value is mended).
            let follows = live.checked.with_untracked(|c| c.contains(&field))
                || input.get_attribute("aria-invalid").as_deref() == Some("true");
            if field.is_empty() || (!left && !follows) {
                return;
            }
            let Some(form) = input
                .closest("form")
                .ok()
                .flatten()
                .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Some(query) = crate::components::form::query_of(&form) else {
                return;
            };
            if let Some(errors) = check(&query, &browser_clock()) {
                live.errors.set(
                    errors
                        .into_iter()
                        .map(|mut e| {
                            e.field = format!("{prefix}{}", e.field);
                            e
                        })
                        .collect(),
                );
                live.checked.update(|c| {
                    c.insert(field);
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, left, check, prefix);
    };
    view! {
        <div
            class="live-check"
            on:change=move |ev| run(ev, true)
            on:input=move |ev| run(ev, false)
            // Sent: the server's answer speaks for every field until they are changed again.
            on:submit=move |_| live.checked.set(BTreeSet::new())
        >
            // The context for this form's fields only: `provide_context` here would reach the
            // forms beside it, which would read these signals after this form is gone.
            <Provider value=live>{children()}</Provider>
        </div>
    }
}

/// The browser's clock: the instant, and the day on the person's calendar (the browser's time
/// zone — in France, the server's day too). chrono reads no clock in WASM without its
/// `wasmbind` feature: the JavaScript `Date` gives both.
#[cfg(feature = "hydrate")]
fn browser_clock() -> Clock {
    let d = js_sys::Date::new_0();
    let now = chrono::DateTime::from_timestamp_millis(d.get_time() as i64).unwrap_or_default();
    let today =
        chrono::NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
            .unwrap_or_else(|| now.date_naive());
    Clock { now, today }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_by_their_submitted_names() {
        assert_eq!(field_of("form[title]"), "title");
        assert_eq!(field_of("form[labels][ab]"), "labels");
        assert_eq!(field_of("cpv[]"), "cpv");
        assert_eq!(field_of("password"), "password");
        assert_eq!(field_of(""), "");
    }
}
