//! Pages of accounts: log in, sign up, forgotten password, reset.

use super::api::{Login, RequestPasswordReset, ResetPassword, Signup};
use crate::components::form::{action_error, FormAlert, TextField};
use crate::components::live_check::LiveCheck;
use crate::components::notice::Notice;
use crate::domain::validate::{errors_in_fields, NewAccount, NewPassword, MAX_DISPLAY_NAME};
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    // Where to go once signed in: a path of this site only (never an open redirect).
    let next = use_query_map().with_untracked(|q| {
        q.get("retour")
            .filter(|r| crate::domain::security::local_path(r).is_some())
    });
    view! {
        <Title text=format!("{} — Passerelle", t("auth.login_title")) />
        <h1>{t("auth.login_title")}</h1>
        <ActionForm action attr:class="form" attr:novalidate="">
            <FormAlert error />
            {next.map(|n| view! { <input type="hidden" name="next" value=n /> })}
            <TextField name="email" label=t("auth.email") input_type="email" autocomplete="email" required=true error />
            <TextField
                name="password"
                label=t("auth.password")
                input_type="password"
                autocomplete="current-password"
                required=true
                error
            />
            <div>
                <button type="submit" class="button button--primary">{t("auth.login_submit")}</button>
            </div>
            <p>
                <a href="/mot-de-passe-oublie">{t("auth.forgot_link")}</a>
            </p>
            <p>
                {t("auth.no_account")} " " <a href="/inscription">{t("auth.signup_title")}</a>
            </p>
        </ActionForm>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<Signup>::new();
    let error = action_error(action);
    view! {
        <Title text=format!("{} — Passerelle", t("auth.signup_title")) />
        <h1>{t("auth.signup_title")}</h1>
        <LiveCheck check={errors_in_fields::<NewAccount>}>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <TextField name="display_name" label=t("auth.display_name") autocomplete="name" required=true maxlength=MAX_DISPLAY_NAME error />
                <TextField name="email" label=t("auth.email") input_type="email" autocomplete="email" required=true error />
                <NewPasswordFields label=t("auth.password") error />
                <div>
                    <button type="submit" class="button button--primary">{t("auth.signup_submit")}</button>
                </div>
                <p>
                    {t("auth.have_account")} " " <a href="/connexion">{t("auth.login_title")}</a>
                </p>
            </ActionForm>
        </LiveCheck>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    let query = use_query_map();
    let sent = move || {
        query.with(|q| q.get("envoye").is_some()) || matches!(action.value().get(), Some(Ok(())))
    };
    view! {
        <Title text=format!("{} — Passerelle", t("auth.forgot_title")) />
        <h1>{t("auth.forgot_title")}</h1>
        <Show when=sent fallback=move || view! {
            <ActionForm action attr:class="form" attr:novalidate="">
                <p>{t("auth.forgot_text")}</p>
                <FormAlert error />
                <TextField name="email" label=t("auth.email") input_type="email" autocomplete="email" required=true error />
                <div>
                    <button type="submit" class="button button--primary">{t("auth.forgot_submit")}</button>
                </div>
            </ActionForm>
        }>
            <Notice>{t("auth.forgot_sent")}</Notice>
        </Show>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    let query = use_query_map();
    let token = move || query.with(|q| q.get("jeton").unwrap_or_default());
    let token_error = move || error.get().and_then(|e| e.field_error("token").cloned());
    view! {
        <Title text=format!("{} — Passerelle", t("auth.reset_title")) />
        <h1>{t("auth.reset_title")}</h1>
        {move || token_error().map(|_| view! {
            <p class="alert alert--error" role="alert">
                {t("auth.reset_invalid")} " " <a href="/mot-de-passe-oublie">{t("auth.forgot_title")}</a>
            </p>
        })}
        <LiveCheck check={errors_in_fields::<NewPassword>}>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="token" value=token />
                <NewPasswordFields label=t("auth.password_new") error />
                <div>
                    <button type="submit" class="button button--primary">{t("auth.reset_submit")}</button>
                </div>
            </ActionForm>
        </LiveCheck>
    }
}

/// A new password and its confirmation (sign-up, reset), checked as they are typed by the
/// enclosing `LiveCheck` with `NewPassword`'s rules.
#[component]
fn NewPasswordFields(
    #[prop(into)] label: String,
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <TextField
            name="password"
            label=label
            input_type="password"
            autocomplete="new-password"
            hint=t("auth.password_hint")
            required=true
            error
        />
        <TextField
            name="password_confirm"
            label=t("auth.password_confirm")
            input_type="password"
            autocomplete="new-password"
            required=true
            error
        />
    }
}
