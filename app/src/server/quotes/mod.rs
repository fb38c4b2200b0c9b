//! Quick consultations (issue 23), on the server: a verified buyer's request is checked, saved
//! with its products, and sent at once to the suppliers that match (`matching`), each once: an
//! email to its members when its offers' alerts are on, a notification always. Every supplier
//! is told the same words (equal treatment).

pub mod answers;
pub mod egalim;
pub mod exports;
pub mod groupings;
pub mod http;
pub mod matching;
pub mod territory;
pub mod view;

use crate::domain::food::Place;
use crate::domain::quotes::{QuoteForm, QuoteInput, Stage};
use crate::domain::sourcing::paris_text;
use crate::domain::validate::Clock;
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{quote_invitations, quote_lines, quote_requests};
use crate::server::infra::mail::Mailer;
use crate::server::infra::places::{commune_error, resolve_commune};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

/// The clock of a check made now: the instant, and the day in Paris.
fn clock_now() -> Clock {
    let now = Utc::now();
    Clock {
        now,
        today: now.with_timezone(&chrono_tz::Europe::Paris).date_naive(),
    }
}

/// A consultation by id; not found otherwise.
pub(crate) async fn request_of(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<quote_requests::Model, AppError> {
    quote_requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Its products, in the form's order.
pub(crate) async fn lines_of(
    db: &impl ConnectionTrait,
    request_id: i32,
) -> Result<Vec<quote_lines::Model>, AppError> {
    Ok(quote_lines::Entity::find()
        .filter(quote_lines::Column::RequestId.eq(request_id))
        .order_by_asc(quote_lines::Column::Position)
        .all(db)
        .await?)
}

/// Its stage as stored (an unreadable one counts as closed: nothing more is taken).
pub(crate) fn stage_of(r: &quote_requests::Model) -> Stage {
    Stage::parse(&r.stage).unwrap_or(Stage::Closed)
}

/// Where a consultation's page is.
pub fn url_of(id: i32) -> String {
    format!("/demandes-de-devis/{id}")
}

/// A verified member of buyer `org_id` sends a quick consultation; its id. Bad input changes
/// nothing; the suppliers are told once the consultation is saved.
pub async fn create(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    caller: &Caller,
    org_id: i32,
    form: &QuoteForm,
) -> Result<i32, AppError> {
    let buyer = caller.require_verified_buyer(org_id)?.clone();
    let user_id = caller.user()?.id;
    let mut input = form.check(&clock_now())?;
    let mut errors = Vec::new();
    let commune = resolve_commune(db, &input.commune).await?;
    if commune.is_none() {
        errors.push(commune_error("commune", &input.commune));
    }
    // Each product by its words (or the code its suggestion carries).
    for l in &mut input.lines {
        match crate::server::infra::cpv::resolve_food(
            &format!("lines.{}.product", l.key),
            &l.product,
        ) {
            Ok(code) => l.cpv = code,
            Err(e) => errors.push(e),
        }
    }
    let Some(commune) = commune.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let codes: Vec<String> = input.lines.iter().map(|l| l.cpv.clone()).collect();
    crate::server::infra::cpv::known(db, "lines", &codes).await?;
    let place = Place {
        insee: commune.insee.clone(),
        position: commune.lat.zip(commune.lon),
    };
    let needs = input.needs(&place);
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let request = quote_requests::ActiveModel {
        buyer_id: Set(org_id),
        created_by: Set(Some(user_id)),
        title: Set(input.title.clone()),
        details: Set(input.details.clone()),
        commune_insee: Set(commune.insee.clone()),
        delivery_from: Set(input.from),
        delivery_to: Set(input.to),
        deadline: Set(input.deadline),
        quality: Set(input.quality.as_str().into()),
        stage: Set(Stage::Open.as_str().into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (i, l) in input.lines.iter().enumerate() {
        quote_lines::ActiveModel {
            request_id: Set(request.id),
            position: Set(i as i16),
            cpv_code: Set(l.cpv.clone()),
            quantity_milli: Set(l.quantity_milli),
            unit: Set(l.unit.as_str().into()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let matched = matching::suppliers(&txn, &needs).await?;
    for m in &matched {
        quote_invitations::ActiveModel {
            request_id: Set(request.id),
            organisation_id: Set(m.org_id),
            emailed: Set(m.emailed),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    let title = format!("Demande de devis de {} : {}", buyer.name, input.title);
    let body = invitation_text(&buyer.name, &commune.name, &input);
    let url = url_of(request.id);
    for m in matched {
        if m.emailed {
            crate::server::partners::answers::tell_members(
                db, mailer, public_url, m.org_id, &title, &url, &body,
            )
            .await;
        } else {
            notify_members(db, m.org_id, &title, &url).await;
        }
    }
    Ok(request.id)
}

/// A notification to each active member of `org_id` (no email).
async fn notify_members(db: &DatabaseConnection, org_id: i32, title: &str, url: &str) {
    let people = match crate::server::partners::answers::members(db, org_id).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("members of {org_id} not found: {e}");
            return;
        }
    };
    for u in people {
        if let Err(e) = crate::server::infra::notifications::notify(db, u.id, title, url).await {
            tracing::warn!("notification to user {} failed: {e}", u.id);
        }
    }
}

/// What every supplier is told of a consultation, the same words for each.
fn invitation_text(buyer: &str, commune: &str, q: &QuoteInput) -> String {
    let mut s = format!(
        "{buyer} demande un devis : {}.\n\nLivraison à {commune}, du {} au {}.\n",
        q.title,
        q.from.format("%d/%m/%Y"),
        q.to.format("%d/%m/%Y"),
    );
    for l in &q.lines {
        let label = crate::server::infra::cpv::label_of(&l.cpv).unwrap_or_default();
        s.push_str(&format!(
            "- {label} ({}) : {} {}\n",
            l.cpv,
            crate::domain::offer::french_decimal(l.quantity_milli as f64 / 1000.0),
            l.unit.as_str(),
        ));
    }
    s.push_str(&format!(
        "\nRéponses jusqu'au {} (heure de Paris).",
        paris_text(q.deadline)
    ));
    s
}
