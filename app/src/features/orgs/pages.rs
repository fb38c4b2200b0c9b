//! The account page and the organisation forms.

use super::api::{
    my_organisations, pending_members, CreateOrganisation, DecideMember, JoinOrganisation,
};
use crate::components::form::{action_error, FormAlert, SelectField, TextField};
use crate::components::live_check::LiveCheck;
use crate::components::notice::Notice;
use crate::components::status::LoadError;
use crate::domain::org::OrgForm;
use crate::domain::org::{MyOrg, OrgKind, PendingMember, INCLUSIVE, SIZES};
use crate::domain::suggest::SuggestKind;
use crate::domain::validate::{errors_in_fields, errors_in_form, NewPassword};
use crate::error::AppError;
use crate::features::auth::api::{current_user, my_sessions, ChangePassword, SignOutOthers};
use crate::features::home::WaitingWork;
use crate::features::reference::suggest_field::SuggestField;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    let orgs = Resource::new(|| (), |_| my_organisations());
    let pending = Resource::new(|| (), |_| pending_members());
    let work = Resource::new(|| (), |_| crate::features::home::my_work());
    let query = use_query_map();
    let ok = move || query.with(|q| q.get("ok"));
    view! {
        <Title text=format!("{} — Passerelle", t("nav.account")) />
        <h1>{t("nav.account")}</h1>
        {move || ok().map(|k| {
            let key = match k.as_str() {
                "org" => "org.created",
                "join" => "org.join_sent",
                "claim" => "verification.claim_sent",
                "password" => "auth.password_changed",
                "signed_out_others" => "auth.signed_out_others",
                "left" => "privacy.left",
                _ => "org.saved",
            };
            view! { <Notice>{t(key)}</Notice> }
        })}
        <Suspense fallback=|| ()>
            {move || user.get().map(|u| match u {
                Ok(Some(u)) => view! {
                    <p>{u.display_name} " — " {u.email}</p>
                    <p class="card__links"><a href="/compte/alertes">{t("alert.title")}</a> <a href="/compte/reunions">{t("sourcing.my_meetings")}</a> <a href="/compte/groupements">{t("consortium.mine")}</a> <a href="/compte/contacts">{t("contact.mine")}</a></p>
                    {move || work.get().and_then(|r| r.ok()).map(|items| view! {
                        <WaitingWork items />
                    })}
                    {(u.is_admin && !u.second_factor).then(|| view! {
                        <p class="alert alert--warn" role="status" data-test="factor-needed">
                            {t("second_factor.required_admin")} " "
                            <a href="/compte/double-authentification">{t("second_factor.manage")}</a>
                        </p>
                    })}
                    {u.is_admin.then(|| view! { <p><a href="/admin">{t("nav.admin")}</a></p> })}
                    {u.is_facilitator.then(|| view! { <p><a href="/compte/insertion" data-test="followed-link">{t("insertion.follow.list_title")}</a></p> })}
                    {(u.is_analyst || u.is_admin).then(|| view! {
                        <p class="card__links">
                            <a href="/verifications">{t("verification.queue_link")}</a>
                            <a href="/labels/gestion">{t("label.manage_title")}</a>
                            <a href="/labels/instruction">{t("label.queue_title")}</a>
                        </p>
                    })}
                    <AccountBody orgs pending />
                }.into_any(),
                Ok(None) => {
                    crate::components::status::set_status(401);
                    view! {
                        <p class="alert alert--info" role="alert">{t("error.unauthenticated")} " " <a href="/connexion">{t("nav.login")}</a></p>
                    }.into_any()
                }
                Err(e) => view! { <LoadError error=e /> }.into_any(),
            })}
        </Suspense>
    }
}

/// What a signed-in user sees: organisations, join requests to decide, password change.
#[component]
fn AccountBody(
    orgs: Resource<Result<Vec<MyOrg>, AppError>>,
    pending: Resource<Result<Vec<PendingMember>, AppError>>,
) -> impl IntoView {
    view! {
        <section>
            <h2>{t("org.my_orgs")}</h2>
            <Suspense fallback=|| ()>
                {move || orgs.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-state">{t("org.none")}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="org-list">
                            {list.into_iter().map(|o| {
                                let status = if o.pending {
                                    ("badge badge--warn", t("org.status_join_pending"))
                                } else if o.needs_verification && !o.verified {
                                    ("badge badge--warn", t("org.status_unverified"))
                                } else if o.needs_verification {
                                    ("badge badge--ok", t("org.status_verified"))
                                } else {
                                    ("badge badge--ok", t("org.status_active"))
                                };
                                view! {
                                    <li class="card" data-test="my-org">
                                        <strong>{o.name.clone()}</strong>
                                        " · " {t(o.kind.label_key())}
                                        " · SIRET " {o.siret}
                                        " " <span class=status.0>{status.1}</span>
                                        // Links in their own element: an optional view that starts with a
                                        // text node merges with the text before it and breaks hydration.
                                        <span class="card__links">
                                            {(o.role == crate::domain::org::MemberRole::Owner && !o.pending).then(|| view! {
                                                <a href=format!("/compte/organisations/{}", o.id)>{t("org.edit_link")}</a>
                                            })}
                                            {(o.kind == OrgKind::Business && !o.pending).then(|| view! {
                                                <a href=format!("/compte/organisations/{}/offres", o.id)>{t("offer.my_offers_link")}</a>
                                            })}
                                            {(o.kind == OrgKind::Business && !o.pending).then(|| view! {
                                                <a href=format!("/compte/organisations/{}/labels", o.id)>{t("label.my_labels_link")}</a>
                                            })}
                                            {(o.kind == OrgKind::Buyer && !o.pending && o.verified).then(|| view! {
                                                <a href=format!("/compte/organisations/{}/programmation", o.id)>{t("plan.mine_link")}</a>
                                            })}
                                            {(o.kind == OrgKind::Buyer && !o.pending && o.verified).then(|| view! {
                                                <a href=format!("/compte/organisations/{}/sourcage", o.id)>{t("sourcing.board")}</a>
                                            })}
                                            {(o.kind == OrgKind::Buyer && !o.pending).then(|| view! {
                                                <a href=format!("/compte/organisations/{}/egalim", o.id)>{t("egalim.title")}</a>
                                            })}
                                            {o.public.then(|| view! {
                                                <a href=format!("/annuaire/{}", o.id)>{t("directory.profile_link")}</a>
                                            })}
                                        </span>
                                        {(o.kind == OrgKind::Business && !o.verified && !o.pending).then(|| view! {
                                            <p class="field__hint" data-test="unverified-firm">{t("verification.unverified_business")}</p>
                                        })}
                                        <crate::features::privacy::pages::LeaveButton org_id=o.id name=o.name.clone() pending=o.pending />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="alert alert--error" role="alert">{t(e.message_key())}</p> }.into_any(),
                })}
            </Suspense>
            <p>
                <a class="button button--primary" href="/compte/organisations/nouvelle">{t("org.create_title")}</a>
                " "
                <a class="button" href="/compte/organisations/rejoindre">{t("org.join_title")}</a>
            </p>
        </section>
        <Suspense fallback=|| ()>
            {move || pending.get().and_then(|r| r.ok()).filter(|l| !l.is_empty()).map(|list| view! {
                <section>
                    <h2>{t("org.join_requests")}</h2>
                    <ul>
                        {list.into_iter().map(|m| view! {
                            <li>
                                {m.user_name} " (" {m.user_email} ") → " {m.organisation_name} " "
                                <DecideButtons membership_id=m.membership_id />
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </Suspense>
        <ChangePasswordForm />
        <Devices />
        <crate::features::privacy::pages::MyData />
    }
}

/// How many sessions the account has, and the button that ends all but this one.
#[component]
fn Devices() -> impl IntoView {
    let action = ServerAction::<SignOutOthers>::new();
    let error = action_error(action);
    // Counted again after the others are signed out.
    let sessions = Resource::new(move || action.version().get(), |_| my_sessions());
    view! {
        <section aria-labelledby="devices" id="appareils">
            <h2 id="devices">{t("auth.sessions_title")}</h2>
            <Suspense fallback=|| ()>
                {move || sessions.get().and_then(|r| r.ok()).map(|(n, hours)| {
                    let idle = if hours % 24 == 0 {
                        t("auth.sessions_idle_days").replace("%{n}", &(hours / 24).to_string())
                    } else {
                        t("auth.sessions_idle_hours").replace("%{n}", &hours.to_string())
                    };
                    view! {
                        <p data-test="session-count">{t("auth.sessions_text").replace("%{n}", &n.to_string())} " " {idle}</p>
                    }
                })}
            </Suspense>
            <ActionForm action attr:class="inline-form">
                <FormAlert error />
                <button type="submit" class="button">{t("auth.sign_out_others")}</button>
            </ActionForm>
            <p><a href="/compte/double-authentification">{t("second_factor.manage")}</a></p>
        </section>
    }
}

#[component]
fn DecideButtons(membership_id: i32) -> impl IntoView {
    let action = ServerAction::<DecideMember>::new();
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="membership_id" value=membership_id />
            <button type="submit" name="accept" value="true" class="button">{t("org.accept")}</button>
            " "
            <button type="submit" name="accept" value="false" class="button button--danger">{t("org.refuse")}</button>
        </ActionForm>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    view! {
        <section>
            <h2>{t("auth.change_title")}</h2>
            <LiveCheck check={errors_in_fields::<NewPassword>}>
                <ActionForm action attr:class="form" attr:novalidate="">
                    <FormAlert error />
                    <TextField name="current" label=t("auth.password_current") input_type="password" autocomplete="current-password" required=true error />
                    <TextField name="password" label=t("auth.password_new") input_type="password" autocomplete="new-password" hint=t("auth.password_hint") required=true error />
                    <TextField name="password_confirm" label=t("auth.password_confirm") input_type="password" autocomplete="new-password" required=true error />
                    <div><button type="submit" class="button">{t("auth.change_submit")}</button></div>
                </ActionForm>
            </LiveCheck>
        </section>
    }
}

/// The choices of a select: (value, label).
pub(super) type Options = Vec<(String, String)>;

/// The choices of the size and inclusive-status selects, "not said" first.
pub(super) fn size_and_inclusive_options() -> (Options, Options) {
    let mut sizes = vec![(String::new(), t("org.unspecified"))];
    sizes.extend(
        SIZES
            .iter()
            .map(|s| (s.to_string(), t(&format!("org.size.{s}")))),
    );
    let mut inclusive = vec![(String::new(), t("org.inclusive.none"))];
    inclusive.extend(
        INCLUSIVE
            .iter()
            .map(|s| (s.to_string(), t(&format!("org.inclusive.{s}")))),
    );
    (sizes, inclusive)
}

#[component]
pub fn NewOrganisationPage() -> impl IntoView {
    let action = ServerAction::<CreateOrganisation>::new();
    let error = action_error(action);
    // Field errors name the form's fields without the `form[...]` wrapper of the submitted names.
    let kinds: Vec<(String, String)> = OrgKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), t(k.label_key())))
        .collect();
    let (sizes, inclusive) = size_and_inclusive_options();
    view! {
        <Title text=format!("{} — Passerelle", t("org.create_title")) />
        <h1>{t("org.create_title")}</h1>
        <p>{t("org.create_intro")}</p>
        <LiveCheck check={errors_in_form::<OrgForm>}>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <SelectField name="form[kind]" field="kind" label=t("org.kind_label") options=kinds required=true error />
                <TextField name="form[siret]" field="siret" label=t("org.siret") hint=t("org.siret_hint") required=true error />
                // A SIRET already registered: the way to say it is yours.
                {move || error.get().and_then(|e| e.field_error("siret").cloned()).filter(|e| e.key == "validation.siret_taken").map(|_| view! {
                    <p><a href="/compte/organisations/revendiquer" data-test="claim-link">{t("verification.claim_link")}</a></p>
                })}
                <TextField name="form[name]" field="name" label=t("org.name") required=true error />
                <SuggestField kind=SuggestKind::Naf name="form[naf_code]" field="naf_code" label=t("org.naf") hint=t("org.naf_hint") error />
                <SuggestField kind=SuggestKind::Commune name="form[commune]" field="commune" label=t("org.commune") hint=t("org.commune_hint") error />
                <SelectField name="form[size]" field="size" label=t("org.size_label") options=sizes error />
                <SelectField name="form[inclusive]" field="inclusive" label=t("org.inclusive_label") options=inclusive error />
                <TextField name="form[capacity]" field="capacity" label=t("org.capacity") hint=t("org.capacity_hint") error />
                <TextField name="form[website]" field="website" label=t("org.website") input_type="url" error />
                <div class="field">
                    <label for="f-description">{t("org.description")}</label>
                    <textarea id="f-description" name="form[description]" maxlength=crate::domain::org::MAX_DESCRIPTION></textarea>
                </div>
                <div class="field field--check">
                    <input type="checkbox" id="f-is_public" name="form[is_public]" checked=true />
                    <label for="f-is_public">{t("org.is_public")}</label>
                </div>
                <div><button type="submit" class="button button--primary">{t("org.create_submit")}</button></div>
            </ActionForm>
        </LiveCheck>
    }
}

#[component]
pub fn JoinOrganisationPage() -> impl IntoView {
    let action = ServerAction::<JoinOrganisation>::new();
    let error = action_error(action);
    view! {
        <Title text=format!("{} — Passerelle", t("org.join_title")) />
        <h1>{t("org.join_title")}</h1>
        <p>{t("org.join_intro")}</p>
        <ActionForm action attr:class="form" attr:novalidate="">
            <FormAlert error />
            <TextField name="siret" label=t("org.siret") hint=t("org.siret_hint") required=true error />
            <div><button type="submit" class="button button--primary">{t("org.join_submit")}</button></div>
        </ActionForm>
        <p><a href="/compte/organisations/revendiquer">{t("verification.claim_link")}</a></p>
    }
}
