//! Answers to a quick consultation, closing it and awarding it. An answer is private to the
//! supplier that wrote it and to the buyer; the award and its amounts are public once decided,
//! and every respondent is told the outcome.

use super::{lines_of, request_of, stage_of};
use crate::domain::food::egalim_of;
use crate::domain::quotes::{
    amount_cents, answers_taken, check_award, AnswerSheet, Offered, Stage,
};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{quote_answers, quote_awards, quote_requests};
use crate::server::infra::mail::Mailer;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use std::collections::BTreeMap;

/// A member of business `org_id` answers consultation `request_id` in one step, every product
/// at once (again: its answers are replaced, a product left blank keeps its earlier answer).
/// Any business may answer, invited or not (a supplier outside the matching set finds the
/// consultation in the public list); a late answer is refused. The lead of a producers'
/// grouping formed for it may answer in the grouping's name (`sheet.grouping`).
pub async fn answer(
    db: &DatabaseConnection,
    caller: &Caller,
    request_id: i32,
    org_id: i32,
    sheet: &AnswerSheet,
) -> Result<(), AppError> {
    let org = caller.require_acting_for(org_id)?.clone();
    let user_id = caller.user()?.id;
    if org.kind != crate::domain::org::OrgKind::Business.as_str() {
        return Err(AppError::Forbidden);
    }
    let txn = begin_write(db).await?;
    let request = request_of(&txn, request_id).await?;
    if request.buyer_id == org_id {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    if let Err(key) = answers_taken(stage_of(&request), request.deadline, now) {
        return Err(AppError::field("answer", key));
    }
    let asked: BTreeMap<i32, i64> = lines_of(&txn, request_id)
        .await?
        .into_iter()
        .map(|l| (l.id, l.quantity_milli))
        .collect();
    let replies = sheet.check(&asked)?;
    let grouping = sheet.grouping_id()?;
    if let Some(g) = grouping {
        super::groupings::check_answering(&txn, g, request_id, org_id).await?;
    }
    for (line_id, reply) in replies {
        let existing = quote_answers::Entity::find()
            .filter(quote_answers::Column::LineId.eq(line_id))
            .filter(quote_answers::Column::OrganisationId.eq(org_id))
            .one(&txn)
            .await?;
        let (price, quantity, signs, comment) = match reply {
            Some(a) => (
                Some(a.unit_price_cents),
                a.quantity_milli,
                a.signs.join(","),
                a.comment,
            ),
            None => (None, 0, String::new(), None),
        };
        let mut a: quote_answers::ActiveModel = match existing {
            Some(a) => a.into(),
            None => quote_answers::ActiveModel {
                line_id: Set(line_id),
                organisation_id: Set(org_id),
                created_at: Set(now),
                ..Default::default()
            },
        };
        a.user_id = Set(Some(user_id));
        a.unit_price_cents = Set(price);
        a.quantity_milli = Set(quantity);
        a.signs = Set(signs);
        a.comment = Set(comment);
        a.consortium_id = Set(grouping);
        a.updated_at = Set(now);
        a.save(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The buyer closes its consultation before the deadline: no answer is taken after.
pub async fn close(
    db: &DatabaseConnection,
    caller: &Caller,
    request_id: i32,
) -> Result<(), AppError> {
    caller.user()?;
    let txn = begin_write(db).await?;
    let request = request_of(&txn, request_id).await?;
    caller.require_verified_buyer(request.buyer_id)?;
    if stage_of(&request) != Stage::Open {
        return Err(AppError::field("close", "quotes.closed"));
    }
    let mut r: quote_requests::ActiveModel = request.into();
    r.stage = Set(Stage::Closed.as_str().into());
    r.closed_at = Set(Some(Utc::now()));
    r.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The buyer awards all or part of its consultation, once answers are no longer taken:
/// `chosen` maps answer ids to quantities. Every respondent is told the outcome.
pub async fn award(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    caller: &Caller,
    request_id: i32,
    chosen: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    caller.user()?;
    let txn = begin_write(db).await?;
    let request = request_of(&txn, request_id).await?;
    let buyer = caller.require_verified_buyer(request.buyer_id)?.clone();
    let now = Utc::now();
    match stage_of(&request).at(request.deadline, now) {
        Stage::Closed => {}
        Stage::Open => return Err(AppError::field("award", "quotes.still_open")),
        _ => return Err(AppError::field("award", "quotes.decided")),
    }
    let lines = lines_of(&txn, request_id).await?;
    let answers = quote_answers::Entity::find()
        .filter(quote_answers::Column::LineId.is_in(lines.iter().map(|l| l.id)))
        .all(&txn)
        .await?;
    let offered: Vec<Offered> = answers
        .iter()
        .filter(|a| a.unit_price_cents.is_some())
        .map(|a| Offered {
            answer_id: a.id,
            line_id: a.line_id,
            quantity_milli: a.quantity_milli,
        })
        .collect();
    let asked: BTreeMap<i32, i64> = lines.iter().map(|l| (l.id, l.quantity_milli)).collect();
    let parts = check_award(chosen, &offered, &asked)?;
    let day = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    for (answer_id, quantity) in &parts {
        let a = answers
            .iter()
            .find(|a| a.id == *answer_id)
            .ok_or(AppError::NotFound)?;
        let category = egalim_of(a.signs.split(',').filter(|s| !s.is_empty()), day);
        quote_awards::ActiveModel {
            answer_id: Set(*answer_id),
            quantity_milli: Set(*quantity),
            amount_cents: Set(amount_cents(a.unit_price_cents.unwrap_or(0), *quantity)),
            egalim: Set(crate::domain::quotes::egalim_code(category).into()),
            awarded_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let mut r: quote_requests::ActiveModel = request.clone().into();
    r.stage = Set(Stage::Awarded.as_str().into());
    r.decided_at = Set(Some(now));
    r.update(&txn).await?;
    txn.commit().await?;
    // Every respondent learns the outcome: its own part, or that it was not chosen; the
    // producers of a grouping that answered, with their lead.
    let groupings = super::groupings::of_request(db, request_id).await?;
    let mut respondents: BTreeMap<i32, bool> = BTreeMap::new();
    for a in &answers {
        let won = parts.contains_key(&a.id);
        let mut orgs = vec![a.organisation_id];
        if let Some(g) = groupings
            .iter()
            .find(|g| Some(g.consortium.id) == a.consortium_id)
        {
            orgs.extend(g.accepted().map(|m| m.organisation_id));
        }
        for org in orgs {
            *respondents.entry(org).or_default() |= won;
        }
    }
    let url = super::url_of(request_id);
    for (org_id, won) in respondents {
        let (title, body) = if won {
            (
                format!("Devis retenu : {}", request.title),
                format!(
                    "{} a retenu votre réponse à « {} ». Le détail est sur la page de la demande.",
                    buyer.name, request.title
                ),
            )
        } else {
            (
                format!("Devis non retenu : {}", request.title),
                format!(
                    "{} a attribué « {} » à un autre fournisseur. Merci de votre réponse.",
                    buyer.name, request.title
                ),
            )
        };
        crate::server::partners::answers::tell_members(
            db, mailer, public_url, org_id, &title, &url, &body,
        )
        .await;
    }
    Ok(())
}
