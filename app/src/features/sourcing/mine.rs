//! A person's meetings (`/compte/reunions`): every registration of their firms, soonest first,
//! and the private address of their calendar feed (made on demand, replaced to revoke it).

use super::api::{list_my_meetings, NewCalendarToken};
use super::public::MeetingRow;
use crate::components::status::LoadError;
use crate::domain::sourcing::RegStatus;
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn MyMeetingsPage() -> impl IntoView {
    let location = use_location();
    let data = Resource::new(move || location.search.get(), |_| list_my_meetings());
    let token = ServerAction::<NewCalendarToken>::new();
    view! {
        <Title text=format!("{} — Passerelle", t("sourcing.my_meetings")) />
        <p><a href="/compte">{t("offer.back_account")}</a></p>
        <h1>{t("sourcing.my_meetings")}</h1>
        <Suspense fallback=|| ()>
            {move || data.get().map(|r: Result<_, AppError>| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(m) => view! {
                    {if m.items.is_empty() {
                        view! { <p class="empty-state">{t("sourcing.my_meetings_none")} " " <a href="/sourcage">{t("nav.sourcing")}</a></p> }.into_any()
                    } else {
                        view! {
                            <ul class="result-list" data-test="my-meetings">
                                {m.items.into_iter().map(|(s, r)| {
                                    let note = match (r.status, r.slot.clone()) {
                                        (RegStatus::Confirmed, Some((_, slot))) => t("sourcing.mine_slot").replace("%{org}", &r.org_name).replace("%{slot}", &slot),
                                        (RegStatus::Confirmed, None) => t("sourcing.mine_seat").replace("%{org}", &r.org_name),
                                        _ => t("sourcing.mine_waiting").replace("%{org}", &r.org_name).replace("%{n}", &r.rank.unwrap_or(1).to_string()),
                                    };
                                    view! { <MeetingRow m=s note /> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <section class="card" aria-labelledby="feed-h" id="feed">
                        <h2 id="feed-h">{t("sourcing.feed_title")}</h2>
                        <p>{t("sourcing.feed_help")}</p>
                        {m.feed_url.clone().map(|u| view! {
                            <p><label for="feed-url">{t("sourcing.feed_url")}</label><br />
                            <input id="feed-url" class="input--wide" type="text" readonly="" value=u.clone() data-test="feed-url" /></p>
                        })}
                        <ActionForm action=token attr:class="form">
                            <div><button type="submit" class="button">{t(if m.feed_url.is_some() { "sourcing.feed_renew" } else { "sourcing.feed_make" })}</button></div>
                        </ActionForm>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}
