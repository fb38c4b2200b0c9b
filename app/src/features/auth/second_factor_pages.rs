//! Pages of the second factor: the code asked after the password, and the account's security
//! page where it is turned on (QR code or key typed by hand), off, or given new recovery codes.

use super::api::LoginCode;
use super::second_factor::{
    second_factor_state, DisableSecondFactor, EnableSecondFactor, FactorView, RenewRecoveryCodes,
    Setup,
};
use crate::components::form::{action_error, field_message, FormAlert, TextField};
use crate::components::notice::{Notice, Tone};
use crate::components::status::LoadError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The second step of signing in.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<LoginCode>::new();
    let error = action_error(action);
    // Where the sign-in was going (a path of this site only).
    let next = StoredValue::new(use_query_map().with_untracked(|q| {
        q.get("retour")
            .filter(|r| crate::domain::security::local_path(r).is_some())
    }));
    let start_again = move || {
        error
            .get()
            .and_then(|e| e.field_error("code").cloned())
            .is_some_and(|e| e.key == "second_factor.start_again")
    };
    view! {
        <Title text=format!("{} — Passerelle", t("second_factor.login_title")) />
        <h1>{t("second_factor.login_title")}</h1>
        <Show when=start_again fallback=move || view! {
            <ActionForm action attr:class="form" attr:novalidate="">
                <p>{t("second_factor.login_text")}</p>
                <FormAlert error />
                {next.get_value().map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <div class="field">
                    <label for="f-code">{t("second_factor.code_label")}</label>
                    <p class="field__hint" id="f-code-hint">{t("second_factor.code_hint")}</p>
                    <input
                        id="f-code"
                        name="code"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="characters"
                        spellcheck="false"
                        maxlength="20"
                        required
                        aria-describedby="f-code-hint f-code-error"
                        aria-invalid=move || error.get().and_then(|e| e.field_error("code").cloned()).is_some().to_string()
                    />
                    <p class="field__error" id="f-code-error">
                        {move || error.get().and_then(|e| e.field_error("code").map(field_message))}
                    </p>
                </div>
                <div>
                    <button type="submit" class="button button--primary">{t("second_factor.login_submit")}</button>
                </div>
                <p><a href="/connexion">{t("second_factor.back_to_login")}</a></p>
            </ActionForm>
        }>
            <p class="alert alert--error" role="alert">
                {t("second_factor.start_again")} " " <a href="/connexion">{t("nav.login")}</a>
            </p>
        </Show>
    }
}

/// The account's second factor: on, off, recovery codes.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    // The actions live here so that the state is read again after each (the redirect goes to
    // this same page, which a hydrated browser does not load again).
    let enable = ServerAction::<EnableSecondFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let off = ServerAction::<DisableSecondFactor>::new();
    let state = Resource::new(
        move || {
            (
                enable.version().get(),
                renew.version().get(),
                off.version().get(),
            )
        },
        |_| second_factor_state(),
    );
    let query = use_query_map();
    let notice = move || {
        query.with(|q| {
            if q.get("ok").as_deref() == Some("off") {
                Some(("alert alert--ok", t("second_factor.turned_off")))
            } else {
                q.get("secours")
                    .and_then(|n| n.parse::<u64>().ok())
                    .map(|n| {
                        (
                            "alert alert--warn",
                            t("second_factor.recovery_used").replace("%{n}", &n.to_string()),
                        )
                    })
            }
        })
    };
    view! {
        <Title text=format!("{} — Passerelle", t("second_factor.title")) />
        <h1>{t("second_factor.title")}</h1>
        {move || notice().map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
        <p>{t("second_factor.intro")}</p>
        <Suspense fallback=|| ()>
            {move || state.get().map(|r| match r {
                Ok(s) => view! { <SecondFactorBody s enable renew off /> }.into_any(),
                Err(e) => {
                    if e == crate::error::AppError::Unauthenticated {
                        crate::components::status::set_status(401);
                    }
                    view! { <LoadError error=e /> }.into_any()
                }
            })}
        </Suspense>
        <p><a href="/compte">{t("second_factor.back_to_account")}</a></p>
    }
}

#[component]
fn SecondFactorBody(
    s: FactorView,
    enable: ServerAction<EnableSecondFactor>,
    renew: ServerAction<RenewRecoveryCodes>,
    off: ServerAction<DisableSecondFactor>,
) -> impl IntoView {
    let fresh = (!s.fresh_codes.is_empty()).then(|| {
        let codes = s.fresh_codes.clone();
        view! {
            <section class="card" aria-labelledby="fresh-codes">
                <h2 id="fresh-codes">{t("second_factor.codes_title")}</h2>
                <Notice>{t("second_factor.codes_text")}</Notice>
                <ul class="recovery-codes" data-test="recovery-codes">
                    {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                </ul>
            </section>
        }
    });
    let body = if s.enabled {
        view! { <Enabled since=s.since.clone().unwrap_or_default() left=s.recovery_left renew off /> }.into_any()
    } else {
        view! { <TurnOn setup=s.setup.clone() required=s.required action=enable /> }.into_any()
    };
    view! { {fresh} {body} }
}

#[component]
fn Enabled(
    since: String,
    left: u64,
    renew: ServerAction<RenewRecoveryCodes>,
    off: ServerAction<DisableSecondFactor>,
) -> impl IntoView {
    let renew_error = action_error(renew);
    let off_error = action_error(off);
    view! {
        <p class="badge badge--ok" data-test="second-factor-on">{t("second_factor.on_since").replace("%{date}", &since)}</p>
        <p>{t("second_factor.codes_left").replace("%{n}", &left.to_string())}</p>
        <section aria-labelledby="renew-codes">
            <h2 id="renew-codes">{t("second_factor.renew_title")}</h2>
            <p>{t("second_factor.renew_text")}</p>
            <ActionForm action=renew attr:class="form" attr:novalidate="">
                <FormAlert error=renew_error />
                <TextField name="renew_password" label=t("auth.password_current") input_type="password" autocomplete="current-password" required=true error=renew_error />
                <div><button type="submit" class="button">{t("second_factor.renew_submit")}</button></div>
            </ActionForm>
        </section>
        <details class="danger-zone">
            <summary>{t("second_factor.off_title")}</summary>
            <p>{t("second_factor.off_text")}</p>
            <ActionForm action=off attr:class="form" attr:novalidate="">
                <FormAlert error=off_error />
                <TextField name="off_password" label=t("auth.password_current") input_type="password" autocomplete="current-password" required=true error=off_error />
                <TextField name="off_code" label=t("second_factor.code_label") autocomplete="one-time-code" hint=t("second_factor.code_hint") required=true maxlength=20 error=off_error />
                <div><button type="submit" class="button button--danger">{t("second_factor.off_submit")}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
fn TurnOn(
    setup: Option<Setup>,
    required: bool,
    action: ServerAction<EnableSecondFactor>,
) -> impl IntoView {
    let error = action_error(action);
    let Some(setup) = setup else {
        return ().into_any();
    };
    view! {
        {required.then(|| view! {
            <Notice tone=Tone::Warning>{t("second_factor.required_admin")}</Notice>
        })}
        <section aria-labelledby="turn-on">
            <h2 id="turn-on">{t("second_factor.on_title")}</h2>
            <ol class="steps">
                <li>{t("second_factor.step_app")}</li>
                <li>
                    {t("second_factor.step_scan")}
                    <figure class="qr">
                        <div class="qr__code" role="img" aria-label=t("second_factor.qr_alt") inner_html=setup.qr_svg></div>
                        <figcaption>
                            {t("second_factor.step_key")} " "
                            <code class="secret" data-test="totp-secret">{setup.grouped}</code>
                        </figcaption>
                    </figure>
                </li>
                <li>{t("second_factor.step_code")}</li>
            </ol>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <TextField name="code" label=t("second_factor.app_code_label") autocomplete="one-time-code" required=true maxlength=10 error />
                <TextField name="password" label=t("auth.password_current") input_type="password" autocomplete="current-password" required=true error />
                <div><button type="submit" class="button button--primary">{t("second_factor.on_submit")}</button></div>
            </ActionForm>
        </section>
    }
    .into_any()
}
