//! Saved searches and their alerts, and the notification centre. A saved search keeps the
//! programming's query string; a new planned procurement is checked against every instant search
//! in memory (`PlanFilters::matches`, the list's own rules) and each owner matched gets one
//! notification and one email; weekly searches get a digest of the week's new procurements.

use crate::domain::ids::{SavedSearchId, UserId};
use crate::domain::programming::{
    levers_of, AlertsPage, NotificationView, PlanFacts, PlanFilters, PlanStatus, Planned,
    Precision, SavedSearchView, FREQUENCIES,
};
use crate::domain::validate::Checker;
use crate::error::AppError;
use crate::server::infra::entities::{
    notifications, organisations, plan_cpv, plan_labels, plan_lots, plans, saved_searches, users,
};
use crate::server::infra::mail::Mailer;
use crate::server::infra::notifications::notify;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

/// Saved searches a user may keep.
pub const MAX_SEARCHES: u64 = 50;
/// Notifications shown.
const SHOWN: u64 = 50;
const KIND: &str = "plans";
/// Saved searches of the catalogue and of the directory.
pub const OFFERS: &str = "offers";
pub const ORGS: &str = "orgs";
/// Saved searches of the partner requests' board.
pub const PARTNERS: &str = "partners";

/// The list a saved search of `kind` shows.
fn list_url(kind: &str, query: &str) -> String {
    let path = match kind {
        OFFERS => "/catalogue",
        ORGS => "/annuaire",
        PARTNERS => "/groupements",
        _ => "/programmation",
    };
    if query.is_empty() {
        path.into()
    } else {
        format!("{path}?{query}")
    }
}

/// A search's query as its list writes it: canonical, without page or view (so that the same
/// search saved twice is stored once the same way).
fn canonical(kind: &str, query: &str) -> String {
    use crate::domain::{catalogue::CatalogueFilters, directory::DirectoryFilters};
    match kind {
        OFFERS => CatalogueFilters::from_query(query).to_query(1),
        ORGS => DirectoryFilters::from_query(query).to_query(1),
        PARTNERS => crate::domain::partners::BoardFilters::from_query(query).to_query(1),
        _ => PlanFilters {
            page: 1,
            timeline: false,
            ..PlanFilters::from_query(query)
        }
        .to_query(1),
    }
}

/// Saves a search `query` of the programming (`kind` "plans"), the catalogue ("offers"), the
/// directory ("orgs") or the partner board ("partners") under `name`, with its alert's frequency.
pub async fn save(
    db: &DatabaseConnection,
    user_id: i32,
    kind: &str,
    query: &str,
    name: &str,
    frequency: &str,
) -> Result<(), AppError> {
    let mut c = Checker::new();
    let name = c.required("name", name, 120);
    if !FREQUENCIES.contains(&frequency) {
        c.push("frequency", "validation.unknown_choice");
    }
    if ![KIND, OFFERS, ORGS, PARTNERS].contains(&kind) {
        c.push("kind", "validation.unknown_choice");
    }
    c.finish()?;
    let n = saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(user_id))
        .count(db)
        .await?;
    if n >= MAX_SEARCHES {
        return Err(AppError::Invalid(vec![crate::error::FieldError::with_arg(
            "name",
            "alert.too_many",
            MAX_SEARCHES,
        )]));
    }
    let now = Utc::now();
    saved_searches::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.into()),
        query: Set(canonical(kind, query)),
        name: Set(name),
        frequency: Set(frequency.into()),
        created_at: Set(now),
        last_run_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn remove(
    db: &DatabaseConnection,
    user_id: UserId,
    id: SavedSearchId,
) -> Result<(), AppError> {
    let (user_id, id) = (user_id.get(), id.get());
    let gone = saved_searches::Entity::delete_many()
        .filter(saved_searches::Column::Id.eq(id))
        .filter(saved_searches::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn page(db: &DatabaseConnection, user_id: i32) -> Result<AlertsPage, AppError> {
    let searches = saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(user_id))
        .order_by_asc(saved_searches::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SavedSearchView {
            id: s.id,
            kind: s.kind.clone(),
            name: s.name,
            url: list_url(&s.kind, &s.query),
            frequency: s.frequency,
        })
        .collect();
    let mine = || notifications::Entity::find().filter(notifications::Column::UserId.eq(user_id));
    let unread = mine()
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?;
    let notifications = mine()
        .order_by_desc(notifications::Column::Id)
        .limit(SHOWN)
        .all(db)
        .await?
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            title: n.title,
            url: n.url,
            at: n.created_at.format("%d/%m/%Y %H:%M").to_string(),
            read: n.read_at.is_some(),
        })
        .collect();
    Ok(AlertsPage {
        searches,
        notifications,
        unread,
    })
}

pub async fn mark_all_read(db: &DatabaseConnection, user_id: i32) -> Result<(), AppError> {
    notifications::Entity::update_many()
        .col_expr(
            notifications::Column::ReadAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A planned procurement as alerts see it: its facts, title, buyer and expected publication.
struct Plan {
    id: i32,
    facts: PlanFacts,
    title: String,
    buyer: String,
    publication: String,
}

async fn plans_with_facts(
    db: &DatabaseConnection,
    rows: Vec<plans::Model>,
) -> Result<Vec<Plan>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let mut cpv: HashMap<i32, Vec<String>> = HashMap::new();
    for c in plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        cpv.entry(c.plan_id).or_default().push(c.cpv_code);
    }
    let labelled: std::collections::HashSet<i32> = plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.plan_id)
        .collect();
    // A lot's insertion lever is its plan's too.
    let lot_insertion: std::collections::HashSet<i32> = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.is_in(ids))
        .filter(plan_lots::Column::InsertionKind.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.plan_id)
        .collect();
    let buyers: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(rows.iter().map(|p| p.buyer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let status = PlanStatus::parse(&p.status)?;
            Some(Plan {
                id: p.id,
                publication: Planned {
                    date: p.publication_date,
                    precision: Precision::parse(&p.publication_precision)?,
                }
                .text(),
                buyer: buyers.get(&p.buyer_id).cloned().unwrap_or_default(),
                facts: PlanFacts {
                    buyer_id: p.buyer_id,
                    cpv: cpv.remove(&p.id).unwrap_or_default(),
                    publication: p.publication_date,
                    estimate_min: p.estimate_min,
                    estimate_max: p.estimate_max,
                    status,
                    levers: levers_of(
                        p.allotment,
                        p.short_chain,
                        p.life_cycle,
                        p.co2,
                        p.insertion_kind.is_some() || lot_insertion.contains(&p.id),
                        p.reserved.is_some(),
                        labelled.contains(&p.id),
                    ),
                    joint_open: crate::domain::joint::joinable(
                        p.joint_convention.is_some(),
                        p.joint_deadline,
                        Some(status),
                        crate::server::partners::today(),
                    ),
                },
                title: p.title,
            })
        })
        .collect())
}

/// The saved searches of `frequency`, with their filters read once.
async fn searches(
    db: &DatabaseConnection,
    frequency: &str,
) -> Result<Vec<(saved_searches::Model, PlanFilters)>, AppError> {
    Ok(saved_searches::Entity::find()
        .filter(saved_searches::Column::Kind.eq(KIND))
        .filter(saved_searches::Column::Frequency.eq(frequency))
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let f = PlanFilters::from_query(&s.query);
            (s, f)
        })
        .collect())
}

async fn emails_of(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, AppError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect())
}

/// Checks a new planned procurement against every instant alert: each owner with a matching
/// search gets one notification and one email (naming the searches matched). Returns how many
/// people were alerted. An email that cannot be sent is logged; the notification stays.
pub async fn on_new_plan(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    plan_id: i32,
) -> Result<usize, AppError> {
    alert_plan(db, mailer, public_url, plan_id, false).await
}

/// A planned procurement was just opened to other buyers: the instant searches that ask for
/// open groupements de commandes (`groupement=ouvert`) and match it are told, the others not
/// again. Returns how many people.
pub async fn on_joint_open(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    plan_id: i32,
) -> Result<usize, AppError> {
    alert_plan(db, mailer, public_url, plan_id, true).await
}

async fn alert_plan(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    plan_id: i32,
    joint_only: bool,
) -> Result<usize, AppError> {
    let Some(p) = plans::Entity::find_by_id(plan_id).one(db).await? else {
        return Ok(0);
    };
    let Some(plan) = plans_with_facts(db, vec![p]).await?.pop() else {
        return Ok(0);
    };
    let mut matched: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for (s, f) in searches(db, "instant").await? {
        if (f.joint || !joint_only) && f.matches(&plan.facts) {
            matched.entry(s.user_id).or_default().push(s.name);
        }
    }
    let emails = emails_of(db, matched.keys().copied()).await?;
    let url = format!("/programmation/{}", plan.id);
    let base = public_url.trim_end_matches('/');
    let mut outbox = Vec::new();
    let what = if joint_only {
        "Groupement de commandes ouvert"
    } else {
        "Achat prévu"
    };
    for (user, names) in &matched {
        let title = format!("{what} : {} — {}", plan.title, plan.buyer);
        notify(db, *user, &title, &url).await?;
        if let Some(to) = emails.get(user) {
            let body = format!(
                "Bonjour,\n\n{what} correspondant à votre alerte « {} » :\n\n{}\n{}\nPublication prévue : {}\n{base}{url}\n\nGérer vos alertes : {base}/compte/alertes\n",
                names.join(" », « "),
                plan.title,
                plan.buyer,
                plan.publication,
            );
            outbox.push((*user, to.clone(), body));
        }
    }
    // The emails leave after the answer to the buyer: thousands of alerts must not hold the
    // request. The notifications are already written.
    let (mailer, subject) = (mailer.clone(), format!("Passerelle — {}", plan.title));
    tokio::spawn(async move {
        for (user, to, body) in outbox {
            if let Err(e) = mailer.send(&to, &subject, body).await {
                tracing::warn!("alert email to user {user} not sent: {e}");
            }
        }
    });
    Ok(matched.len())
}

/// A call for tenders read from a portal that publishes no plan of the platform (a live
/// consultation): checked against every instant alert of the programming as a published
/// procurement would be — its buyer (when on Passerelle), CPV codes, publication day; an alert
/// asking for an amount or a lever the notice does not state is not told. Returns how many
/// people were alerted.
pub async fn on_new_call(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    call: &crate::server::infra::entities::notices::Model,
) -> Result<usize, AppError> {
    let facts = PlanFacts {
        buyer_id: call.buyer_org_id.unwrap_or(0),
        cpv: crate::server::notices::split(&call.cpv),
        publication: call
            .published_on
            .unwrap_or_else(crate::server::partners::today),
        estimate_min: None,
        estimate_max: None,
        status: PlanStatus::Published,
        levers: vec![],
        joint_open: false,
    };
    let mut matched: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for s in saved_searches::Entity::find()
        .filter(saved_searches::Column::Kind.eq(KIND))
        .filter(saved_searches::Column::Frequency.eq("instant"))
        .all(db)
        .await?
    {
        let f = PlanFilters::from_query(&s.query);
        if !f.joint && f.matches(&facts) {
            matched.entry(s.user_id).or_default().push(s.name);
        }
    }
    let emails: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(matched.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let url = format!("/consultations#avis-{}", call.id);
    let base = public_url.trim_end_matches('/');
    let deadline = call
        .deadline
        .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|| "voir l'avis".into());
    let mut outbox = Vec::new();
    for (user, names) in &matched {
        let title = format!(
            "Consultation en cours : {} — {}",
            call.title, call.buyer_name
        );
        notify(db, *user, &title, &url).await?;
        if let Some(to) = emails.get(user) {
            let body = format!(
                "Bonjour,\n\nConsultation en cours correspondant à votre alerte « {} » :\n\n{}\n{}\nDate limite de réponse : {deadline}\n{base}{url}\n\nGérer vos alertes : {base}/compte/alertes\n",
                names.join(" », « "),
                call.title,
                call.buyer_name,
            );
            outbox.push((*user, to.clone(), body));
        }
    }
    let (mailer, subject) = (mailer.clone(), format!("Passerelle — {}", call.title));
    tokio::spawn(async move {
        for (user, to, body) in outbox {
            if let Err(e) = mailer.send(&to, &subject, body).await {
                tracing::warn!("alert email to user {user} not sent: {e}");
            }
        }
    });
    Ok(matched.len())
}

/// Sends the weekly digests due at `now`: for each weekly search last run a week ago or more,
/// the procurements created since that match it (one notification and one email per search
/// with results); then moves its mark. Returns how many digests were sent.
pub async fn weekly_digests(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let due: Vec<(saved_searches::Model, PlanFilters)> = searches(db, "weekly")
        .await?
        .into_iter()
        .filter(|(s, _)| s.last_run_at <= now - chrono::Duration::days(7))
        .collect();
    let Some(since) = due.iter().map(|(s, _)| s.last_run_at).min() else {
        return Ok(0);
    };
    let recent = plans::Entity::find()
        .filter(plans::Column::CreatedAt.gt(since))
        .order_by_asc(plans::Column::PublicationDate)
        .all(db)
        .await?;
    let created: HashMap<i32, DateTime<Utc>> =
        recent.iter().map(|p| (p.id, p.created_at)).collect();
    let recent = plans_with_facts(db, recent).await?;
    let emails = emails_of(db, due.iter().map(|(s, _)| s.user_id)).await?;
    let base = public_url.trim_end_matches('/');
    let mut sent = 0;
    for (s, f) in due {
        let hits: Vec<&Plan> = recent
            .iter()
            .filter(|p| {
                created.get(&p.id).is_some_and(|c| *c > s.last_run_at) && f.matches(&p.facts)
            })
            .collect();
        if !hits.is_empty() {
            let url = list_url(&s.kind, &s.query);
            notify(
                db,
                s.user_id,
                &format!(
                    "{} nouvel(s) achat(s) prévu(s) : « {} »",
                    hits.len(),
                    s.name
                ),
                &url,
            )
            .await?;
            if let Some(to) = emails.get(&s.user_id) {
                let lines: Vec<String> = hits
                    .iter()
                    .map(|p| {
                        format!(
                            "- {} — {} ({})\n  {base}/programmation/{}",
                            p.title, p.buyer, p.publication, p.id
                        )
                    })
                    .collect();
                let body = format!(
                    "Bonjour,\n\nCette semaine, {} achat(s) prévu(s) correspondent à votre alerte « {} » :\n\n{}\n\nToute la sélection : {base}{url}\nGérer vos alertes : {base}/compte/alertes\n",
                    hits.len(),
                    s.name,
                    lines.join("\n"),
                );
                if let Err(e) = mailer
                    .send(
                        to,
                        &format!("Passerelle — votre alerte « {} »", s.name),
                        body,
                    )
                    .await
                {
                    tracing::warn!("weekly digest to user {} not sent: {e}", s.user_id);
                }
            }
            sent += 1;
        }
        let mut m: saved_searches::ActiveModel = s.into();
        m.last_run_at = Set(now);
        m.update(db).await?;
    }
    Ok(sent)
}

/// Runs the saved searches of the catalogue and the directory that are due at `now` (instant:
/// at every sweep, hourly; weekly: a week after their last run) with the lists' own search,
/// newest first: the offers published (or public organisations created) since the search's last
/// run are new. Each search with news gets one notification and one email; every search run
/// moves its mark. Returns how many searches had news.
pub async fn search_digests(
    db: &DatabaseConnection,
    index: &crate::server::infra::search::SearchIndex,
    mailer: &Mailer,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use crate::domain::{
        catalogue::{CatalogueFilters, CatalogueSort},
        directory::{DirectoryFilters, DirectorySort},
    };
    use crate::server::infra::entities::offers;
    let due: Vec<saved_searches::Model> = saved_searches::Entity::find()
        .filter(saved_searches::Column::Kind.is_in([OFFERS, ORGS, PARTNERS]))
        .all(db)
        .await?
        .into_iter()
        .filter(|s| s.frequency == "instant" || s.last_run_at <= now - chrono::Duration::days(7))
        .collect();
    let emails = emails_of(db, due.iter().map(|s| s.user_id)).await?;
    let base = public_url.trim_end_matches('/');
    let mut outbox = Vec::new();
    let mut told = 0;
    for s in due {
        // (title, address) of what is new, newest first.
        let news: Vec<(String, String)> = if s.kind == PARTNERS {
            match crate::server::partners::fresh_for_search(db, &s.query, s.last_run_at).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!("saved search {}: {e}", s.id);
                    continue;
                }
            }
        } else if s.kind == OFFERS {
            let f = CatalogueFilters {
                sort: CatalogueSort::Newest,
                page: 1,
                ..CatalogueFilters::from_query(&s.query)
            };
            // One search that fails is logged and retried next time; the others still run.
            let page = match crate::server::offers::catalogue::search(db, index, &f).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!("saved search {}: {e}", s.id);
                    continue;
                }
            };
            let fresh: std::collections::HashSet<i32> = offers::Entity::find()
                .filter(offers::Column::Id.is_in(page.rows.iter().map(|r| r.id)))
                .filter(offers::Column::PublishedAt.gt(s.last_run_at))
                .all(db)
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect();
            page.rows
                .into_iter()
                .filter(|r| fresh.contains(&r.id))
                .map(|r| {
                    (
                        format!("{} — {}", r.title, r.organisation_name),
                        format!("/catalogue/{}", r.id),
                    )
                })
                .collect()
        } else {
            let f = DirectoryFilters {
                sort: DirectorySort::Newest,
                page: 1,
                ..DirectoryFilters::from_query(&s.query)
            };
            let page = match crate::server::directory::search(db, index, &f).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!("saved search {}: {e}", s.id);
                    continue;
                }
            };
            let fresh: std::collections::HashSet<i32> = organisations::Entity::find()
                .filter(organisations::Column::Id.is_in(page.rows.iter().map(|r| r.id)))
                .filter(organisations::Column::CreatedAt.gt(s.last_run_at))
                .all(db)
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect();
            page.rows
                .into_iter()
                .filter(|r| fresh.contains(&r.id))
                .map(|r| (r.name.clone(), format!("/annuaire/{}", r.id)))
                .collect()
        };
        saved_searches::Entity::update_many()
            .col_expr(
                saved_searches::Column::LastRunAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(saved_searches::Column::Id.eq(s.id))
            .exec(db)
            .await?;
        if news.is_empty() {
            continue;
        }
        told += 1;
        let what = match s.kind.as_str() {
            OFFERS => "offre(s)",
            PARTNERS => "recherche(s) de partenaires",
            _ => "entreprise(s)",
        };
        let url = list_url(&s.kind, &s.query);
        let title = format!(
            "{} nouvelle(s) {what} pour votre alerte « {} »",
            news.len(),
            s.name
        );
        notify(db, s.user_id, &title, &url).await?;
        if let Some(to) = emails.get(&s.user_id) {
            let lines: Vec<String> = news
                .iter()
                .take(10)
                .map(|(t, u)| format!("- {t}\n  {base}{u}"))
                .collect();
            let body = format!(
                "Bonjour,\n\nDu nouveau pour votre alerte « {} » :\n\n{}\n\nToute la recherche : {base}{url}\nGérer vos alertes : {base}/compte/alertes\n",
                s.name,
                lines.join("\n")
            );
            outbox.push((s.user_id, to.clone(), format!("Passerelle — {title}"), body));
        }
    }
    for (user, to, subject, body) in outbox {
        if let Err(e) = mailer.send(&to, &subject, body).await {
            tracing::warn!("alert email to user {user} not sent: {e}");
        }
    }
    Ok(told)
}
