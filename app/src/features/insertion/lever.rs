//! A plan's or a lot's insertion lever: read (kind, weight, hours, and the formula when the
//! hours are Passerelle's proposal) and its three fields in a form.

use crate::components::form::{SelectField, TextField};
use crate::domain::insertion::{InsertionForm, InsertionKind, InsertionView, Sizing};
use crate::error::AppError;
use crate::i18n::t;
use leptos::prelude::*;

/// "Clause d'exécution · 1 000 h", then how the hours were proposed, if they were.
#[component]
pub fn LeverText(lever: InsertionView, proposal: Option<Sizing>) -> impl IntoView {
    let text = lever.text(t);
    let formula = (!lever.own && lever.hours.is_some())
        .then_some(proposal)
        .flatten()
        .map(|s| format!(" ({} {})", t("insertion.proposed_by"), s.formula()));
    view! {
        <span data-test="insertion-lever">{text}</span>
        {formula.map(|f| view! { <span class="insertion__formula" data-test="insertion-formula">{f}</span> })}
    }
}

/// The lever's fields: `names` are the inputs' names, `prefix` the fields' (their errors and
/// ids: "lot_", "lot12_", "" for the plan's own).
#[component]
pub fn LeverFields(
    #[prop(into)] names: (String, String, String),
    #[prop(into)] prefix: String,
    form: InsertionForm,
    proposal: Option<Sizing>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let mut kinds = vec![(String::new(), t("insertion.kind.none"))];
    kinds.extend(
        InsertionKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), t(&k.label_key()))),
    );
    let hint = match &proposal {
        Some(s) => format!("{} {}", t("insertion.hours_hint_proposal"), s.formula()),
        None => t("insertion.hours_hint_none"),
    };
    view! {
        <SelectField name=names.0 field=format!("{prefix}insertion_kind") label=t("insertion.kind_label") options=kinds selected=form.kind hint=t("insertion.kind_hint") error />
        <div class="filters__grid">
            <TextField name=names.1 field=format!("{prefix}insertion_hours") label=t("insertion.hours_label") hint value=form.hours error />
            <TextField name=names.2 field=format!("{prefix}insertion_weight") label=t("insertion.weight_label") hint=t("insertion.weight_hint") value=form.weight error />
        </div>
    }
}
