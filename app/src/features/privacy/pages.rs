//! The privacy page, and the "my data" section of the account page.

use super::api::{DeleteAccount, LeaveOrganisation};
use crate::components::form::{action_error, field_message, FormAlert, TextField};
use crate::components::notice::Notice;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What Passerelle keeps about people, why, for how long, and their rights.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let query = use_query_map();
    let rows = [
        ("privacy.row_account", "privacy.keep_account"),
        ("privacy.row_org", "privacy.keep_org"),
        ("privacy.row_messages", "privacy.keep_messages"),
        ("privacy.row_sessions", "privacy.keep_sessions"),
        ("privacy.row_devices", "privacy.keep_devices"),
        ("privacy.row_notifications", "privacy.keep_notifications"),
        ("privacy.row_resets", "privacy.keep_resets"),
        ("privacy.row_audit", "privacy.keep_audit"),
        ("privacy.row_logs", "privacy.keep_logs"),
    ];
    view! {
        <Title text=format!("{} — Passerelle", t("privacy.title")) />
        <section class="notice-page">
            {move || query.with(|q| q.get("compte")).filter(|v| v == "supprime").map(|_| view! {
                <Notice>{t("privacy.deleted")}</Notice>
            })}
            <h1>{t("privacy.title")}</h1>
            <p>{t("privacy.intro")}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                <table class="data">
                    <caption>{t("privacy.table_caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t("privacy.what")}</th>
                            <th scope="col">{t("privacy.how_long")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|(what, keep)| view! {
                            <tr><th scope="row">{t(what)}</th><td>{t(keep)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h2>{t("privacy.rights_title")}</h2>
            <p>{t("privacy.rights")}</p>
            <p><a href="/compte#mes-donnees">{t("privacy.to_account")}</a></p>
        </section>
    }
}

/// "Download my data" and "delete my account", on the account page.
#[component]
pub fn MyData() -> impl IntoView {
    let delete = ServerAction::<DeleteAccount>::new();
    let error = action_error(delete);
    view! {
        <section aria-labelledby="my-data" id="mes-donnees">
            <h2 id="my-data">{t("privacy.my_data")}</h2>
            <p>{t("privacy.my_data_text")} " " <a href="/confidentialite">{t("privacy.title")}</a></p>
            <p><a class="button" href="/compte/mes-donnees.json" download="passerelle-mes-donnees.json">{t("privacy.download")}</a></p>
            <details class="danger-zone">
                <summary>{t("privacy.delete_title")}</summary>
                <p>{t("privacy.delete_text")}</p>
                <ActionForm action=delete attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <TextField name="delete_password" label=t("privacy.password_again") input_type="password" autocomplete="current-password" required=true error />
                    <div class="field">
                        <label>
                            <input type="checkbox" name="confirm" value="oui" aria-describedby="f-confirm-error" />
                            " " {t("privacy.confirm_label")}
                        </label>
                        <p class="field__error" id="f-confirm-error">
                            {move || error.get().and_then(|e| e.field_error("confirm").map(field_message))}
                        </p>
                    </div>
                    <div><button type="submit" class="button button--danger">{t("privacy.delete_submit")}</button></div>
                </ActionForm>
            </details>
        </section>
    }
}

/// The button that leaves an organisation (or withdraws a request to join it).
#[component]
pub fn LeaveButton(org_id: i32, name: String, pending: bool) -> impl IntoView {
    let action = ServerAction::<LeaveOrganisation>::new();
    let error = action_error(action);
    let label = if pending {
        t("privacy.withdraw_request")
    } else {
        t("privacy.leave")
    };
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="org_id" value=org_id />
            <button type="submit" class="button button--small" aria-label=format!("{label} {name}")>{label.clone()}</button>
            {move || error.get().map(|e| {
                let text = e.field_error("org").map(field_message).unwrap_or_else(|| t(e.message_key()));
                view! { <span class="field__error" role="alert">{text}</span> }
            })}
        </ActionForm>
    }
}
