//! What a reader may see of quick consultations: the public list (their existence, products,
//! place, dates and, once decided, the amount awarded) and one consultation. Answers are
//! private: the buyer's members read them all, a supplier's members their own only (and those
//! given in the name of a producers' grouping it accepted to join).

use super::{lines_of, request_of, stage_of};
use crate::domain::food::{egalim_of, Unit};
use crate::domain::org::OrgKind;
use crate::domain::quote_views::{
    AnswerView, AwardView, Invited, LineView, QuoteList, QuoteSummary, QuoteView, PAGE_SIZE,
};
use crate::domain::quotes::{Quality, Stage};
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::entities::{
    communes, organisations, quote_answers, quote_awards, quote_invitations, quote_lines,
    quote_requests,
};
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

/// Organisations by id.
pub(super) async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, organisations::Model>, AppError> {
    let ids: Vec<i32> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

/// Communes by INSEE code.
pub(super) async fn communes_of(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, communes::Model>, AppError> {
    let codes: Vec<String> = codes.into_iter().collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(communes::Entity::find()
        .filter(communes::Column::Insee.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee.clone(), c))
        .collect())
}

fn label(cpv: &str) -> String {
    crate::server::infra::cpv::label_of(cpv)
        .unwrap_or(cpv)
        .to_string()
}

/// The caller's verified buyers, in whose name it may ask for quotes.
pub fn buyers_of(caller: &Caller) -> Vec<(i32, String)> {
    caller
        .orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Buyer.as_str() && o.verified_at.is_some())
        .map(|(_, o)| (o.id, o.name.clone()))
        .collect()
}

/// A page of the public list, newest first; `open_only` keeps the ones still taking answers.
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &Caller,
    page: u64,
    open_only: bool,
) -> Result<QuoteList, AppError> {
    let now = Utc::now();
    let mut q = quote_requests::Entity::find();
    if open_only {
        q = q
            .filter(quote_requests::Column::Stage.eq(Stage::Open.as_str()))
            .filter(quote_requests::Column::Deadline.gt(now));
    }
    let total = q.clone().count(db).await?;
    let page = page.clamp(1, total.div_ceil(PAGE_SIZE).max(1));
    let rows = q
        .order_by_desc(quote_requests::Column::CreatedAt)
        .order_by_desc(quote_requests::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut products: HashMap<i32, Vec<String>> = HashMap::new();
    for l in quote_lines::Entity::find()
        .filter(quote_lines::Column::RequestId.is_in(ids.clone()))
        .order_by_asc(quote_lines::Column::Position)
        .all(db)
        .await?
    {
        products
            .entry(l.request_id)
            .or_default()
            .push(label(&l.cpv_code));
    }
    let awarded = awarded_totals(db, &ids).await?;
    let buyers = names(db, rows.iter().map(|r| r.buyer_id)).await?;
    let places = communes_of(db, rows.iter().map(|r| r.commune_insee.clone())).await?;
    let items = rows
        .into_iter()
        .map(|r| QuoteSummary {
            id: r.id,
            stage: stage_of(&r).at(r.deadline, now),
            buyer_name: buyers
                .get(&r.buyer_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            commune: places
                .get(&r.commune_insee)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| r.commune_insee.clone()),
            products: products.remove(&r.id).unwrap_or_default(),
            awarded_cents: awarded.get(&r.id).copied(),
            buyer_id: r.buyer_id,
            title: r.title,
            from: r.delivery_from,
            to: r.delivery_to,
            deadline: r.deadline,
        })
        .collect();
    Ok(QuoteList {
        items,
        total,
        page,
        open_only,
        buyers: buyers_of(caller),
    })
}

/// The amount awarded per consultation, for the decided ones among `ids`.
async fn awarded_totals(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, i64>, AppError> {
    let lines: HashMap<i32, i32> = quote_lines::Entity::find()
        .filter(quote_lines::Column::RequestId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.request_id))
        .collect();
    let answers: HashMap<i32, i32> = quote_answers::Entity::find()
        .filter(quote_answers::Column::LineId.is_in(lines.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| lines.get(&a.line_id).map(|r| (a.id, *r)))
        .collect();
    let mut out = HashMap::new();
    for a in quote_awards::Entity::find()
        .filter(quote_awards::Column::AnswerId.is_in(answers.keys().copied()))
        .all(db)
        .await?
    {
        if let Some(r) = answers.get(&a.answer_id) {
            *out.entry(*r).or_insert(0) += a.amount_cents;
        }
    }
    Ok(out)
}

/// Consultation `id` as `caller` may see it.
pub async fn detail(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<QuoteView, AppError> {
    let r = request_of(db, id).await?;
    let now = Utc::now();
    let stage = stage_of(&r).at(r.deadline, now);
    let mine = caller.membership(r.buyer_id).is_some();
    let lines = lines_of(db, id).await?;
    let line_ids: Vec<i32> = lines.iter().map(|l| l.id).collect();
    let all_answers = quote_answers::Entity::find()
        .filter(quote_answers::Column::LineId.is_in(line_ids))
        .order_by_asc(quote_answers::Column::Id)
        .all(db)
        .await?;
    let awards: BTreeMap<i32, quote_awards::Model> = quote_awards::Entity::find()
        .filter(quote_awards::Column::AnswerId.is_in(all_answers.iter().map(|a| a.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.answer_id, a))
        .collect();
    // The reader's producers' groupings for it: those where one of its businesses is invited
    // or in; it reads the answers given in the name of those it accepted to join.
    let groupings = super::groupings::of_request(db, id).await?;
    let joined: Vec<i32> = groupings
        .iter()
        .filter(|g| {
            g.accepted()
                .any(|m| caller.membership(m.organisation_id).is_some())
        })
        .map(|g| g.consortium.id)
        .collect();
    let grouping_of = |a: &quote_answers::Model| {
        a.consortium_id
            .and_then(|c| groupings.iter().find(|g| g.consortium.id == c))
    };
    // Private: the buyer's members read every answer, a supplier's members their own.
    let readable: Vec<&quote_answers::Model> = all_answers
        .iter()
        .filter(|a| {
            mine || caller.membership(a.organisation_id).is_some()
                || a.consortium_id.is_some_and(|c| joined.contains(&c))
        })
        .collect();
    let answer_as: Vec<(i32, String)> = if stage == Stage::Open {
        caller
            .orgs
            .iter()
            .filter(|(_, o)| o.kind == OrgKind::Business.as_str() && o.id != r.buyer_id)
            .filter(|(_, o)| caller.require_acting_for(o.id).is_ok())
            .map(|(_, o)| (o.id, o.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    // Who was told: the buyer sees them; a supplier that may answer sees the other public
    // ones, to ask them to answer together.
    let invitations = if mine || !answer_as.is_empty() {
        quote_invitations::Entity::find()
            .filter(quote_invitations::Column::RequestId.eq(id))
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let mine_groupings: Vec<&super::groupings::Grouping> = groupings
        .iter()
        .filter(|g| {
            g.members
                .iter()
                .any(|m| caller.membership(m.organisation_id).is_some())
        })
        .collect();
    // Collected before the await: an iterator of closures over borrowed rows is not Send.
    let grouped: Vec<i32> = groupings
        .iter()
        .flat_map(|g| g.members.iter().map(|m| m.organisation_id))
        .collect();
    let orgs = names(
        db,
        std::iter::once(r.buyer_id)
            .chain(readable.iter().map(|a| a.organisation_id))
            .chain(invitations.iter().map(|i| i.organisation_id))
            .chain(grouped.iter().copied())
            .chain(
                all_answers
                    .iter()
                    .filter(|a| awards.contains_key(&a.id))
                    .map(|a| a.organisation_id),
            ),
    )
    .await?;
    let name = |id: i32| orgs.get(&id).map(|o| o.name.clone()).unwrap_or_default();
    // The producers who accepted, for an answer given in a grouping's name.
    let producers = |a: &quote_answers::Model| {
        grouping_of(a)
            .map(|g| {
                g.view_members(&orgs)
                    .into_iter()
                    .filter(|m| m.accepted)
                    .collect()
            })
            .unwrap_or_default()
    };
    let places = communes_of(
        db,
        std::iter::once(r.commune_insee.clone()).chain(
            readable
                .iter()
                .filter_map(|a| orgs.get(&a.organisation_id)?.commune_insee.clone()),
        ),
    )
    .await?;
    let position = |insee: &str| places.get(insee).and_then(|c| c.lat.zip(c.lon));
    let delivery = position(&r.commune_insee);
    let answers = readable
        .iter()
        .map(|a| {
            let signs: Vec<String> = a
                .signs
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let from = orgs
                .get(&a.organisation_id)
                .and_then(|o| o.commune_insee.as_deref())
                .and_then(position);
            AnswerView {
                id: a.id,
                line_id: a.line_id,
                org_id: a.organisation_id,
                org_name: name(a.organisation_id),
                unit_price_cents: a.unit_price_cents,
                quantity_milli: a.quantity_milli,
                egalim: egalim_of(signs.iter().map(String::as_str), r.delivery_from),
                signs,
                comment: a.comment.clone(),
                distance_km: from
                    .zip(delivery)
                    .map(|(a, b)| crate::domain::geo::distance_km(a, b).round() as u32),
                awarded_milli: awards.get(&a.id).map(|w| w.quantity_milli),
                grouping: producers(a),
            }
        })
        .collect();
    let decided = matches!(stage, Stage::Awarded | Stage::Unsuccessful);
    let awards = if decided {
        all_answers
            .iter()
            .filter_map(|a| {
                let w = awards.get(&a.id)?;
                Some(AwardView {
                    line_id: a.line_id,
                    org_id: a.organisation_id,
                    org_name: name(a.organisation_id),
                    quantity_milli: w.quantity_milli,
                    amount_cents: w.amount_cents,
                    egalim: crate::domain::quotes::egalim_from_code(&w.egalim),
                    grouping: producers(a),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let partners: Vec<(i32, String)> = if answer_as.is_empty() {
        Vec::new()
    } else {
        let mut p: Vec<(i32, String)> = invitations
            .iter()
            .filter(|i| !answer_as.iter().any(|(o, _)| *o == i.organisation_id))
            .filter_map(|i| orgs.get(&i.organisation_id))
            .filter(|o| o.is_public)
            .map(|o| (o.id, o.name.clone()))
            .collect();
        p.sort_by(|a, b| a.1.cmp(&b.1));
        p
    };
    let groupings_view = mine_groupings
        .iter()
        .map(|g| g.view(caller, &orgs))
        .collect();
    let invitations = if mine { invitations } else { Vec::new() };
    let mut invited: Vec<Invited> = invitations
        .iter()
        .map(|i| Invited {
            org_id: i.organisation_id,
            name: name(i.organisation_id),
            emailed: i.emailed,
        })
        .collect();
    invited.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(QuoteView {
        id: r.id,
        details: r.details.clone(),
        buyer_id: r.buyer_id,
        buyer_name: name(r.buyer_id),
        commune: places
            .get(&r.commune_insee)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| r.commune_insee.clone()),
        from: r.delivery_from,
        to: r.delivery_to,
        deadline: r.deadline,
        quality: Quality::parse(&r.quality).unwrap_or_default(),
        stage,
        lines: lines
            .into_iter()
            .map(|l| LineView {
                id: l.id,
                label: label(&l.cpv_code),
                cpv: l.cpv_code,
                quantity_milli: l.quantity_milli,
                unit: Unit::parse(&l.unit).unwrap_or(Unit::Kg),
            })
            .collect(),
        mine,
        invited,
        answers,
        answer_as,
        awards,
        signed_in: caller.user.is_some(),
        groupings: groupings_view,
        partners,
        title: r.title,
    })
}
