//! A planned date as a buyer knows it: a quarter, a month or a day. The field itself is text
//! ("T2 2027", "mars 2027", "15/03/2027"), which works without JavaScript and says exactly what
//! is sent. Once hydrated, it gains the choices that fill it: the coming quarters as toggle
//! buttons, and the browser's own month and day pickers (written back in the field's words).

use crate::components::form::field_message;
use crate::domain::programming::{next_quarters, quarter_bounds, Planned, Precision};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;

/// Quarters offered as buttons: the current one and the next five (eighteen months).
const QUARTERS: usize = 6;

#[component]
pub fn PlannedField(
    #[prop(into)] name: String,
    #[prop(into)] field: String,
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    #[prop(optional)] required: bool,
    #[prop(into)] value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{field}");
    let (hint_id, err_id, month_id, day_id) = (
        format!("{id}-hint"),
        format!("{id}-error"),
        format!("{id}-month"),
        format!("{id}-day"),
    );
    let message = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_error(&field).map(field_message))
    });
    let text = RwSignal::new(value);
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let planned = Memo::new(move |_| Planned::parse(&text.get()));
    // The native pickers show what the field holds, when it holds a month or a day.
    let iso = move |precision: Precision, format: &'static str| {
        planned
            .get()
            .filter(|p| p.precision == precision)
            .map(|p| p.date.format(format).to_string())
            .unwrap_or_default()
    };
    let write = move |typed: String| {
        if let Some(p) = Planned::parse(&typed) {
            text.set(p.text());
        }
    };
    let quarters: Vec<String> = next_quarters(chrono::Utc::now().date_naive(), QUARTERS)
        .iter()
        .filter_map(|key| quarter_bounds(key))
        .map(|(first, _)| {
            Planned {
                date: first,
                precision: Precision::Quarter,
            }
            .text()
        })
        .collect();
    let described = {
        let (hint_id, err_id) = (hint_id.clone(), err_id.clone());
        move || {
            let mut ids = vec![hint_id.clone()];
            if message.get().is_some() {
                ids.push(err_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field planned" class:field--error=move || message.get().is_some()>
            <label for=id.clone()>{label.clone()}{required.then_some(" *")}</label>
            <p class="field__hint" id=hint_id>{hint}</p>
            <input
                id=id
                name=name
                type="text"
                required=required
                maxlength="40"
                value=text.get_untracked()
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described
            />
            {move || live.get().then(|| {
                let label = label.clone();
                view! {
                    <div class="planned__choices" role="group" aria-label=format!("{} : {}", t("planned.choose"), label)>
                        <span class="planned__caption">{t("planned.quarter")}</span>
                        {quarters.iter().cloned().map(|q| {
                            let pressed = {
                                let q = q.clone();
                                move || (text.get().trim() == q).to_string()
                            };
                            let chosen = q.clone();
                            view! {
                                <button type="button" class="chip" aria-pressed=pressed on:click=move |_| text.set(chosen.clone())>{q}</button>
                            }
                        }).collect_view()}
                        <label class="planned__caption" for=month_id.clone()>{t("planned.month")}</label>
                        <input id=month_id.clone() type="month" prop:value=move || iso(Precision::Month, "%Y-%m")
                            on:change=move |ev| write(event_target_value(&ev)) />
                        <label class="planned__caption" for=day_id.clone()>{t("planned.day")}</label>
                        <input id=day_id.clone() type="date" prop:value=move || iso(Precision::Day, "%Y-%m-%d")
                            on:change=move |ev| write(event_target_value(&ev)) />
                    </div>
                }
            })}
            {move || message.get().map(|m| view! { <p class="field__error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}
