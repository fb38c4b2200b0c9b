//! The home page's data: the territory's figures and what is coming (the same for everyone,
//! kept [`TTL`] so that the home page costs a few reads a minute, not a few per request), and
//! the signed-in person's waiting work (read for each request: it is theirs and must be fresh).

use crate::domain::consortia::MemberStatus;
use crate::domain::home::{Figures, Home, Item, Public, SHOWN};
use crate::domain::label::ApplicationStatus;
use crate::domain::offer::OfferStatus;
use crate::domain::org::OrgKind;
use crate::domain::programming::PlanStatus;
use crate::domain::sourcing::{paris_text, RegStatus};
use crate::error::AppError;
use crate::i18n::{tr, Lang};
use crate::server::auth::Caller;
use crate::server::infra::entities::{
    consortia, consortium_members, contracts, label_applications, meeting_registrations, meetings,
    notifications, offers, organisations, plan_interests, plans, sourcing_calls,
    sourcing_responses,
};
use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How long the public part is reused.
pub const TTL: std::time::Duration = std::time::Duration::from_secs(30);
/// How long a public part built before the dashboards' snapshot (without the local share) is
/// reused while the snapshot is still being built: a cold start at national scale (the
/// snapshot takes a minute) then does not count every table for each request (signed-in home
/// pages took 0.94 s each during that minute). Once the snapshot is there, it is rebuilt.
pub const TTL_WITHOUT_SNAPSHOT: std::time::Duration = std::time::Duration::from_secs(5);

/// The public part last built, when, and whether it had the snapshot's figures.
#[derive(Clone, Default)]
pub struct Cache(Arc<Mutex<Option<(Instant, Public, bool)>>>);

impl Cache {
    /// The public part kept, unless it is too old or lacks a snapshot that is now built.
    fn fresh(&self, snapshot_built: bool) -> Option<Public> {
        let guard = self.0.lock().ok()?;
        let (at, public, complete) = guard.as_ref()?;
        let usable = if *complete {
            at.elapsed() < TTL
        } else {
            !snapshot_built && at.elapsed() < TTL_WITHOUT_SNAPSHOT
        };
        usable.then(|| public.clone())
    }

    fn keep(&self, public: &Public, complete: bool) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((Instant::now(), public.clone(), complete));
        }
    }
}

const UPCOMING: [PlanStatus; 3] = [
    PlanStatus::Planned,
    PlanStatus::Sourcing,
    PlanStatus::Published,
];

/// The home page for `caller`.
pub async fn home(
    db: &DatabaseConnection,
    cache: &Cache,
    analytics: &crate::server::analytics::Analytics,
    caller: &Caller,
    lang: Lang,
) -> Result<Home, AppError> {
    let public = match cache.fresh(analytics.peek().is_some()) {
        Some(p) => p,
        None => {
            let p = public(db, analytics).await?;
            cache.keep(&p, analytics.peek().is_some());
            p
        }
    };
    let (name, todos) = match &caller.user {
        Some(u) => (
            Some(u.display_name.clone()),
            waiting_work(db, caller, lang).await?,
        ),
        None => (None, Vec::new()),
    };
    Ok(Home {
        public,
        name,
        todos,
    })
}

async fn public(
    db: &DatabaseConnection,
    analytics: &crate::server::analytics::Analytics,
) -> Result<Public, AppError> {
    let public_orgs = organisations::Entity::find()
        .select_only()
        .column(organisations::Column::Id)
        .filter(organisations::Column::IsPublic.eq(true))
        .as_query()
        .to_owned();
    let businesses = organisations::Entity::find()
        .filter(organisations::Column::IsPublic.eq(true))
        .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
        .count(db)
        .await?;
    let offer_count = offers::Entity::find()
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .filter(offers::Column::OrganisationId.in_subquery(public_orgs.clone()))
        .count(db)
        .await?;
    let upcoming = UPCOMING.map(|s| s.as_str());
    let plan_count = plans::Entity::find()
        .filter(plans::Column::Status.is_in(upcoming))
        .count(db)
        .await?;
    let contract_count = contracts::Entity::find().count(db).await?;
    // The local share comes from the dashboards' snapshot; the home page does not wait for its
    // first build (measured: 69–85 s after a start at 2M contracts): the figure shows once it
    // is there.
    let local_share = analytics.peek().and_then(|snapshot| {
        let dashboard =
            crate::server::analytics::dashboard(&snapshot, &Default::default(), false, false);
        crate::domain::analytics::dashboard::rhone_share(&dashboard.local)
    });

    let now = Utc::now();
    // Meetings of procurements still public (not drafts, not cancelled).
    let public_plans = plans::Entity::find()
        .select_only()
        .column(plans::Column::Id)
        .filter(plans::Column::Status.is_in(upcoming))
        .as_query()
        .to_owned();
    let next: Vec<meetings::Model> = meetings::Entity::find()
        .filter(meetings::Column::PlanId.in_subquery(public_plans))
        .filter(meetings::Column::StartsAt.gt(now))
        .filter(meetings::Column::CancelledAt.is_null())
        .order_by_asc(meetings::Column::StartsAt)
        .limit(SHOWN as u64)
        .all(db)
        .await?;
    let meeting_items = next
        .into_iter()
        .map(|m| Item {
            detail: match &m.place {
                Some(place) => format!("{} — {place}", paris_text(m.starts_at)),
                None => paris_text(m.starts_at),
            },
            title: m.title,
            url: format!("/sourcage/reunions/{}", m.id),
        })
        .collect();

    let latest: Vec<plans::Model> = plans::Entity::find()
        .filter(plans::Column::Status.is_in(upcoming))
        .order_by_desc(plans::Column::CreatedAt)
        .order_by_desc(plans::Column::Id)
        .limit(SHOWN as u64)
        .all(db)
        .await?;
    let buyers = names(db, latest.iter().map(|p| p.buyer_id)).await?;
    let plan_items = latest
        .into_iter()
        .map(|p| Item {
            detail: format!(
                "{} — {}",
                buyers.get(&p.buyer_id).cloned().unwrap_or_default(),
                p.publication_date.format("%m/%Y")
            ),
            title: p.title,
            url: format!("/programmation/{}", p.id),
        })
        .collect();

    let fresh: Vec<offers::Model> = offers::Entity::find()
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .filter(offers::Column::OrganisationId.in_subquery(public_orgs))
        .order_by_desc(offers::Column::PublishedAt)
        .order_by_desc(offers::Column::Id)
        .limit(SHOWN as u64)
        .all(db)
        .await?;
    let firms = names(db, fresh.iter().map(|o| o.organisation_id)).await?;
    let offer_items = fresh
        .into_iter()
        .map(|o| Item {
            detail: firms.get(&o.organisation_id).cloned().unwrap_or_default(),
            title: o.title,
            url: format!("/catalogue/{}", o.id),
        })
        .collect();

    Ok(Public {
        figures: Figures {
            businesses,
            offers: offer_count,
            plans: plan_count,
            contracts: contract_count,
            local_share,
        },
        meetings: meeting_items,
        plans: plan_items,
        offers: offer_items,
    })
}

/// The names of organisations by id.
async fn names(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = i32>,
) -> Result<std::collections::HashMap<i32, String>, AppError> {
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

fn line(lang: Lang, key: &str, n: u64, what: &str, url: String) -> Item {
    Item {
        title: tr(lang, key)
            .replace("%{n}", &n.to_string())
            .replace("%{what}", what),
        detail: String::new(),
        url,
    }
}

/// The person's waiting work, most pressing first: invitations, answers and signals to read,
/// meetings booked, labels sent back or to review, buyers to verify, then unread notifications.
pub async fn waiting_work(
    db: &DatabaseConnection,
    caller: &Caller,
    lang: Lang,
) -> Result<Vec<Item>, AppError> {
    let user = caller.user()?;
    let org_ids: Vec<i32> = caller.orgs.iter().map(|(_, o)| o.id).collect();
    let mut out = Vec::new();
    let now = Utc::now();

    // Consortium invitations waiting for one of my organisations.
    let invited: Vec<consortium_members::Model> = consortium_members::Entity::find()
        .filter(consortium_members::Column::OrganisationId.is_in(org_ids.clone()))
        .filter(consortium_members::Column::Status.eq(MemberStatus::Invited.as_str()))
        .all(db)
        .await?;
    for m in invited {
        let name = consortia::Entity::find_by_id(m.consortium_id)
            .one(db)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        out.push(line(
            lang,
            "home.todo_invitation",
            1,
            &name,
            format!("/compte/groupements/{}", m.consortium_id),
        ));
    }

    // Buyers: sourcing answers on open calls, interest signals of the last two weeks.
    let my_plans: Vec<plans::Model> = plans::Entity::find()
        .filter(plans::Column::BuyerId.is_in(org_ids.clone()))
        .all(db)
        .await?;
    if !my_plans.is_empty() {
        let plan_ids: Vec<i32> = my_plans.iter().map(|p| p.id).collect();
        let calls: Vec<sourcing_calls::Model> = sourcing_calls::Entity::find()
            .filter(sourcing_calls::Column::PlanId.is_in(plan_ids.clone()))
            .filter(
                sourcing_calls::Column::Status
                    .eq(crate::domain::sourcing::CallStatus::Open.as_str()),
            )
            .all(db)
            .await?;
        // One read each for the answers and the recent signals, counted here by call and plan.
        let answered: Vec<i32> = sourcing_responses::Entity::find()
            .select_only()
            .column(sourcing_responses::Column::CallId)
            .filter(sourcing_responses::Column::CallId.is_in(calls.iter().map(|c| c.id)))
            .into_tuple()
            .all(db)
            .await?;
        for c in calls {
            let n = answered.iter().filter(|&&id| id == c.id).count() as u64;
            if n > 0 {
                out.push(line(
                    lang,
                    "home.todo_answers",
                    n,
                    &c.title,
                    format!("/compte/sourcage/appels/{}", c.id),
                ));
            }
        }
        let signalled: Vec<i32> = plan_interests::Entity::find()
            .select_only()
            .column(plan_interests::Column::PlanId)
            .filter(plan_interests::Column::PlanId.is_in(plan_ids))
            .filter(plan_interests::Column::CreatedAt.gt(now - Duration::days(14)))
            .into_tuple()
            .all(db)
            .await?;
        for p in &my_plans {
            let n = signalled.iter().filter(|&&id| id == p.id).count() as u64;
            if n > 0 {
                out.push(line(
                    lang,
                    "home.todo_interests",
                    n,
                    &p.title,
                    format!("/programmation/{}", p.id),
                ));
            }
        }
    }

    // Meetings my organisations are booked in (or waiting for).
    let booked: Vec<meeting_registrations::Model> = meeting_registrations::Entity::find()
        .filter(meeting_registrations::Column::OrganisationId.is_in(org_ids.clone()))
        .filter(meeting_registrations::Column::Status.ne(RegStatus::Cancelled.as_str()))
        .all(db)
        .await?;
    for r in booked {
        let m = meetings::Entity::find_by_id(r.meeting_id).one(db).await?;
        let Some(m) = m.filter(|m| m.starts_at > now && m.cancelled_at.is_none()) else {
            continue;
        };
        let key = if r.status == RegStatus::Waiting.as_str() {
            "home.todo_waiting"
        } else {
            "home.todo_meeting"
        };
        let mut item = line(
            lang,
            key,
            1,
            &m.title,
            format!("/sourcage/reunions/{}", m.id),
        );
        item.detail = paris_text(m.starts_at);
        out.push(item);
    }

    // Label applications sent back to my organisations.
    let sent_back = label_applications::Entity::find()
        .filter(label_applications::Column::OrganisationId.is_in(org_ids.clone()))
        .filter(label_applications::Column::Status.eq(ApplicationStatus::ChangesRequested.as_str()))
        .all(db)
        .await?;
    for a in sent_back {
        out.push(line(
            lang,
            "home.todo_label_changes",
            1,
            "",
            format!("/compte/organisations/{}/labels", a.organisation_id),
        ));
    }
    if user.is_analyst {
        let n = label_applications::Entity::find()
            .filter(label_applications::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
            .count(db)
            .await?;
        if n > 0 {
            out.push(line(
                lang,
                "home.todo_review",
                n,
                "",
                "/labels/instruction".into(),
            ));
        }
    }
    if let Some(area) = &user.facilitator_area {
        let n = crate::server::programming::facilitators::followed_count(db, area).await?;
        if n > 0 {
            out.push(line(
                lang,
                "insertion.follow.home_todo",
                n,
                "",
                "/compte/insertion".into(),
            ));
        }
        let n = crate::server::programming::facilitators::to_validate_count(db, area).await?;
        if n > 0 {
            out.push(line(
                lang,
                "insertion.hours.home_todo",
                n,
                "",
                "/compte/insertion".into(),
            ));
        }
    }
    if user.is_admin {
        let n = organisations::Entity::find()
            .filter(
                organisations::Column::Kind.is_in(
                    OrgKind::ALL
                        .iter()
                        .filter(|k| k.needs_verification() && !k.verified_by_chambers())
                        .map(|k| k.as_str()),
                ),
            )
            .filter(organisations::Column::VerifiedAt.is_null())
            .count(db)
            .await?;
        if n > 0 {
            out.push(line(lang, "home.todo_verify", n, "", "/admin".into()));
        }
    }
    // The person's own claims, waiting for a chamber.
    let claims = crate::server::infra::entities::org_claims::Entity::find()
        .filter(crate::server::infra::entities::org_claims::Column::UserId.eq(user.id))
        .filter(
            crate::server::infra::entities::org_claims::Column::Status
                .eq(crate::domain::verification::ClaimStatus::Pending.as_str()),
        )
        .find_also_related(organisations::Entity)
        .all(db)
        .await?;
    for org in claims.into_iter().filter_map(|(_, org)| org) {
        out.push(line(
            lang,
            "home.todo_claim",
            1,
            &org.name,
            "/compte".into(),
        ));
    }
    if user.is_admin || user.is_analyst {
        let firms = organisations::Entity::find()
            .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
            .filter(organisations::Column::VerifiedAt.is_null())
            .count(db)
            .await?;
        let claims = crate::server::infra::entities::org_claims::Entity::find()
            .filter(
                crate::server::infra::entities::org_claims::Column::Status
                    .eq(crate::domain::verification::ClaimStatus::Pending.as_str()),
            )
            .count(db)
            .await?;
        if firms + claims > 0 {
            out.push(line(
                lang,
                "home.todo_verify_firms",
                firms + claims,
                "",
                "/verifications".into(),
            ));
        }
    }

    // Then what the bell holds, unread.
    let unread: Vec<notifications::Model> = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user.id))
        .filter(notifications::Column::ReadAt.is_null())
        .order_by_desc(notifications::Column::CreatedAt)
        .limit(SHOWN as u64)
        .all(db)
        .await?;
    for n in unread {
        out.push(Item {
            title: n.title,
            detail: paris_text(n.created_at),
            url: n.url,
        });
    }
    Ok(out)
}
