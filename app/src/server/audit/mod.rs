//! The audit trail on the server: recording an event (in the transaction of the change it
//! records, so that neither exists without the other) and reading the journal. The table
//! refuses updates and deletions by itself (see its migration).

use crate::domain::audit::{Action, Event, Filter, Journal, PER_PAGE};
use crate::error::AppError;
use crate::server::infra::entities::{
    audit_events, imports, label_applications, organisations, users,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// What an event was done to.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    User(i32),
    Org(i32),
    LabelApplication(i32),
    Import(i32),
}

impl Target {
    fn parts(self) -> (&'static str, i32) {
        match self {
            Target::User(id) => ("user", id),
            Target::Org(id) => ("org", id),
            Target::LabelApplication(id) => ("label_application", id),
            Target::Import(id) => ("import", id),
        }
    }
}

/// Records that `actor` (none: the system) did `action` to `target`, from the address of the
/// current request when there is one.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    action: Action,
    target: Target,
    detail: impl Into<String>,
) -> Result<(), AppError> {
    let ip = crate::server::infra::client::current_ip().await;
    record_from(db, actor, ip, action, target, detail).await
}

/// Records an event whose client address the caller knows (a plain route, a command).
pub async fn record_from(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    ip: Option<std::net::IpAddr>,
    action: Action,
    target: Target,
    detail: impl Into<String>,
) -> Result<(), AppError> {
    let (kind, id) = target.parts();
    let mut detail: String = detail.into();
    detail.truncate(detail.floor_char_boundary(2000));
    audit_events::Entity::insert(audit_events::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor_id: Set(actor),
        actor_ip: Set(ip.map(|ip| ip.to_string())),
        action: Set(action.as_str().into()),
        target_kind: Set(kind.into()),
        target_id: Set(Some(id)),
        detail: Set(detail),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A page of the journal under `filter`, newest first, in words.
pub async fn journal(db: &DatabaseConnection, filter: &Filter) -> Result<Journal, AppError> {
    let mut q = audit_events::Entity::find();
    if let Some(a) = filter.action {
        q = q.filter(audit_events::Column::Action.eq(a.as_str()));
    }
    if let Some(who) = &filter.actor {
        let ids: Vec<i32> = users::Entity::find()
            .filter(users::Column::Email.contains(who.to_lowercase()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        q = q.filter(audit_events::Column::ActorId.is_in(ids));
    }
    let paris = |d: chrono::NaiveDate| {
        use chrono::TimeZone;
        chrono_tz::Europe::Paris
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    if let Some(from) = filter.from.and_then(paris) {
        q = q.filter(audit_events::Column::At.gte(from));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()).and_then(paris) {
        q = q.filter(audit_events::Column::At.lt(to));
    }
    let total = q.clone().count(db).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = filter.page.clamp(1, pages);
    let rows = q
        .order_by_desc(audit_events::Column::Id)
        .paginate(db, PER_PAGE)
        .fetch_page(page - 1)
        .await?;
    let events = in_words(db, rows).await?;
    Ok(Journal {
        events,
        total,
        page,
        pages,
    })
}

/// The events with their actors and targets named.
async fn in_words(
    db: &DatabaseConnection,
    rows: Vec<audit_events::Model>,
) -> Result<Vec<Event>, AppError> {
    let ids_of = |kind: &str| -> Vec<i32> {
        rows.iter()
            .filter(|r| r.target_kind == kind)
            .filter_map(|r| r.target_id)
            .collect()
    };
    let mut user_ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    user_ids.extend(ids_of("user"));
    let people: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.email)))
        .collect();
    let orgs: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids_of("org")))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, format!("{} (SIRET {})", o.name, o.siret)))
        .collect();
    let applications: HashMap<i32, i32> = label_applications::Entity::find()
        .filter(label_applications::Column::Id.is_in(ids_of("label_application")))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.organisation_id))
        .collect();
    let files: HashMap<i32, String> = imports::Entity::find()
        .filter(imports::Column::Id.is_in(ids_of("import")))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.file_name))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let action = Action::parse(&r.action)?;
            let id = r.target_id.unwrap_or_default();
            let gone = || format!("#{id}");
            let target = match r.target_kind.as_str() {
                "user" => people.get(&id).cloned().unwrap_or_else(gone),
                "org" => orgs.get(&id).cloned().unwrap_or_else(gone),
                "label_application" => format!(
                    "{} #{id}{}",
                    "dossier",
                    applications
                        .get(&id)
                        .map(|o| format!(" (organisation #{o})"))
                        .unwrap_or_default()
                ),
                "import" => files.get(&id).cloned().unwrap_or_else(gone),
                _ => gone(),
            };
            Some(Event {
                id: r.id,
                at: crate::domain::sourcing::paris_text(r.at),
                actor: r.actor_id.and_then(|a| people.get(&a).cloned()),
                actor_id: r.actor_id,
                ip: r.actor_ip,
                action,
                target,
                detail: r.detail,
            })
        })
        .collect())
}
