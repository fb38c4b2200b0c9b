//! Proving who an organisation is: the reviewers' page (`/verifications`: firms for chamber
//! analysts, every organisation for administrators) and the claim a second claimant of a SIRET
//! sends instead of being told "taken".

use crate::components::form::{action_error, FormAlert, TextField};
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::verification::{registry_link, ClaimToDecide, Queue, ToVerify};
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/api", endpoint = "orgs/verification-queue", input = GetUrl)]
pub async fn verification_queue() -> Result<Queue, AppError> {
    use crate::server::{auth::Caller, orgs::verification, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    verification::queue(&state.db, &caller).await
}

/// A reviewer verifies an organisation.
#[server(prefix = "/api", endpoint = "orgs/verify")]
pub async fn verify_org(org_id: i32) -> Result<(), AppError> {
    use crate::server::{auth::Caller, orgs::verification, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    verification::verify(&state.db, &caller, org_id).await?;
    leptos_axum::redirect("/verifications?ok=verified");
    Ok(())
}

/// Someone says the organisation registered under `siret` is theirs.
#[server(prefix = "/api", endpoint = "orgs/claim")]
pub async fn claim_org(siret: String, message: String) -> Result<(), AppError> {
    use crate::domain::siret::{Siret, SiretError};
    use crate::server::{auth::Caller, orgs::verification, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let user = caller.user()?;
    let siret = Siret::parse(&siret).map_err(|e| {
        AppError::field(
            "siret",
            match e {
                SiretError::Format => "validation.siret_format",
                SiretError::Checksum => "validation.siret_checksum",
            },
        )
    })?;
    verification::claim(&state.db, user.id, siret.as_str(), &message).await?;
    leptos_axum::redirect("/compte?ok=claim");
    Ok(())
}

/// A reviewer grants (`grant` = "1") or refuses a claim; the claimant is told.
#[server(prefix = "/api", endpoint = "orgs/decide-claim")]
pub async fn decide_claim(claim_id: i32, grant: String) -> Result<(), AppError> {
    use crate::i18n::tr;
    use crate::server::{auth::Caller, orgs::verification, state::AppState};
    let state = AppState::get()?;
    let caller = Caller::current().await?;
    let grant = match grant.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest),
    };
    let (claimant, name) = verification::decide_claim(&state.db, &caller, claim_id, grant).await?;
    let key = if grant {
        "verification.told_granted"
    } else {
        "verification.told_refused"
    };
    let title = tr(crate::i18n::request_lang(), key).replace("%{name}", &name);
    if let Err(e) =
        crate::server::infra::notifications::notify(&state.db, claimant, &title, "/compte").await
    {
        tracing::warn!("claim decision not told to user {claimant}: {e}");
    }
    let ok = if grant { "granted" } else { "refused" };
    leptos_axum::redirect(&format!("/verifications?ok={ok}"));
    Ok(())
}

/// The reviewers' page.
#[component]
pub fn VerificationsPage() -> impl IntoView {
    let verify = ServerAction::<VerifyOrg>::new();
    let decide = ServerAction::<DecideClaim>::new();
    let queue = Resource::new(
        move || (verify.version().get(), decide.version().get()),
        |_| verification_queue(),
    );
    let query = use_query_map();
    view! {
        <Title text=format!("{} — Passerelle", t("verification.title")) />
        <h1>{t("verification.title")}</h1>
        {move || query.with(|q| q.get("ok")).map(|k| {
            let key = match k.as_str() {
                "granted" => "verification.granted",
                "refused" => "verification.refused",
                _ => "verification.verified",
            };
            view! { <Notice>{t(key)}</Notice> }
        })}
        <p>{t("verification.intro")}</p>
        <Suspense fallback=|| ()>
            {move || queue.get().map(|r| match r {
                Ok(q) => view! { <QueueView q verify decide /> }.into_any(),
                Err(e) => view! { <LoadError error=e login=true /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn QueueView(
    q: Queue,
    verify: ServerAction<VerifyOrg>,
    decide: ServerAction<DecideClaim>,
) -> impl IntoView {
    let verify_error = action_error(verify);
    let decide_error = action_error(decide);
    let orgs = if q.orgs.is_empty() {
        view! { <p class="empty-state">{t("verification.none")}</p> }.into_any()
    } else {
        view! {
            <ul class="org-list">
                {q.orgs.into_iter().map(|o| view! { <OrgToVerify o verify /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let claims = if q.claims.is_empty() {
        view! { <p class="empty-state">{t("verification.no_claims")}</p> }.into_any()
    } else {
        view! {
            <ul class="org-list">
                {q.claims.into_iter().map(|c| view! { <Claim c decide /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="to-verify">
            <h2 id="to-verify">{t("verification.orgs_title")}</h2>
            <FormAlert error=verify_error />
            {orgs}
        </section>
        <section aria-labelledby="claims">
            <h2 id="claims">{t("verification.claims_title")}</h2>
            <p>{t("verification.claims_text")}</p>
            <FormAlert error=decide_error />
            {claims}
        </section>
    }
}

#[component]
fn OrgToVerify(o: ToVerify, verify: ServerAction<VerifyOrg>) -> impl IntoView {
    let registry = match (&o.registry_commune, &o.commune) {
        (Some(r), Some(c)) if r == c => t("verification.registry_same").replace("%{commune}", r),
        (Some(r), _) => t("verification.registry_other").replace("%{commune}", r),
        (None, _) => t("verification.registry_none"),
    };
    let label = format!("{} {}", t("verification.verify"), o.name);
    view! {
        <li class="card" data-test="to-verify">
            <strong>{o.name.clone()}</strong> " · " {t(o.kind.label_key())} " · SIRET " {o.siret.clone()}
            <ul class="facts">
                <li>{t("verification.declared_commune")} " " {o.commune.clone().unwrap_or_else(|| "—".into())}</li>
                <li>{registry}</li>
                <li>{t("verification.contracts_won").replace("%{n}", &o.contracts_won.to_string())}</li>
                <li>
                    {t("verification.registered_by")} " " {o.created_by.clone().unwrap_or_else(|| "—".into())}
                    " (" {o.created_at.clone()} ")"
                    {o.email_at_website.then(|| view! { " " <span class="badge badge--ok">{t("verification.email_at_website")}</span> })}
                </li>
            </ul>
            <p>
                <a href=registry_link(&o.siret) rel="noopener noreferrer" target="_blank">{t("verification.registry_link")}</a>
            </p>
            <ActionForm action=verify attr:class="inline-form">
                <input type="hidden" name="org_id" value=o.id />
                <button type="submit" class="button button--primary" aria-label=label.clone()>{t("verification.verify")}</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn Claim(c: ClaimToDecide, decide: ServerAction<DecideClaim>) -> impl IntoView {
    let owners = if c.owners.is_empty() {
        "—".to_string()
    } else {
        c.owners.join(", ")
    };
    let grant_label = format!("{} {}", t("verification.grant"), c.claimant_email);
    let refuse_label = format!("{} {}", t("verification.refuse"), c.claimant_email);
    let state = if c.org_verified {
        t("verification.claim_org_verified")
    } else {
        t("verification.claim_org_unverified")
    };
    view! {
        <li class="card" data-test="claim">
            <strong>{c.org_name.clone()}</strong> " · SIRET " {c.siret.clone()}
            <ul class="facts">
                <li>{state}</li>
                <li>{t("verification.current_owners")} " " {owners}</li>
                <li>{t("verification.claimant")} " " {c.claimant_name.clone()} " (" {c.claimant_email.clone()} "), " {c.created_at.clone()}</li>
            </ul>
            <blockquote class="claim__message">{c.message.clone()}</blockquote>
            <p>
                <a href=registry_link(&c.siret) rel="noopener noreferrer" target="_blank">{t("verification.registry_link")}</a>
            </p>
            <ActionForm action=decide attr:class="inline-form">
                <input type="hidden" name="claim_id" value=c.id />
                <input type="hidden" name="grant" value="1" />
                <button type="submit" class="button button--primary" aria-label=grant_label>{t("verification.grant")}</button>
            </ActionForm>
            " "
            <ActionForm action=decide attr:class="inline-form">
                <input type="hidden" name="claim_id" value=c.id />
                <input type="hidden" name="grant" value="0" />
                <button type="submit" class="button" aria-label=refuse_label>{t("verification.refuse")}</button>
            </ActionForm>
        </li>
    }
}

/// The claim form: "this organisation is mine".
#[component]
pub fn ClaimPage() -> impl IntoView {
    let action = ServerAction::<ClaimOrg>::new();
    let error = action_error(action);
    let query = use_query_map();
    let siret = query.with_untracked(|q| q.get("siret").unwrap_or_default());
    view! {
        <Title text=format!("{} — Passerelle", t("verification.claim_title")) />
        <h1>{t("verification.claim_title")}</h1>
        <p>{t("verification.claim_intro")}</p>
        <ActionForm action attr:class="form" attr:novalidate="">
            <FormAlert error />
            <TextField name="siret" label=t("org.siret") hint=t("org.siret_hint") value=siret required=true error />
            <div class="field">
                <label for="f-message">{t("verification.claim_message")} " *"</label>
                <p class="field__hint" id="f-message-hint">{t("verification.claim_message_hint")}</p>
                <textarea id="f-message" name="message" required maxlength=crate::domain::verification::MAX_CLAIM_MESSAGE aria-describedby="f-message-hint f-message-error"></textarea>
                <p class="field__error" id="f-message-error">
                    {move || error.get().and_then(|e| e.field_error("message").map(crate::components::form::field_message))}
                </p>
            </div>
            <div><button type="submit" class="button button--primary">{t("verification.claim_submit")}</button></div>
        </ActionForm>
    }
}
