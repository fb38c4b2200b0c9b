//! Groupements de commandes on the server: the coordinator (a verified member of the plan's
//! buyer) opens its planned procurement to other buyers; other verified buyers ask to join with
//! their parts; the coordinator accepts or refuses; members withdraw. Every write checks the
//! caller's right, then the stage and the last day, then the input (`domain::joint`).

use super::{plan_of, planned, verified, writable};
use crate::domain::joint::{
    may_change, own_estimate, CoBuyerStatus, JoinForm, JointView, MemberContract, MemberView,
    OpenForm, RequestView, Share, Totals, MAX_REASON,
};
use crate::domain::org::OrgKind;
use crate::domain::programming::PlanStatus;
use crate::domain::validate::Checker;
use crate::error::{AppError, FieldError};
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, organisations, plan_co_buyer_parts, plan_co_buyers, plan_lots, plans,
};
use crate::server::infra::mail::Mailer;
use crate::server::partners::today;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::{HashMap, HashSet};

/// Other buyers take part before the tender: the procurement is planned or in sourcing.
fn before_tender(p: &plans::Model) -> bool {
    matches!(
        PlanStatus::parse(&p.status),
        Some(PlanStatus::Planned | PlanStatus::Sourcing)
    )
}

fn status_of(r: &plan_co_buyers::Model) -> CoBuyerStatus {
    CoBuyerStatus::parse(&r.status).unwrap_or(CoBuyerStatus::Withdrawn)
}

/// Why a member's change is refused after the last day: "the last day to join was …".
fn too_late(field: &str, deadline: chrono::NaiveDate) -> AppError {
    AppError::Invalid(vec![FieldError::with_arg(
        field,
        "joint.deadline_passed",
        deadline.format("%d/%m/%Y").to_string(),
    )])
}

/// Opens the planned procurement to other buyers, or changes its convention and last day.
/// Whether it was just opened (the alerts of open groupements are then due).
pub async fn open(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    form: &OpenForm,
) -> Result<bool, AppError> {
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, plan_id).await?;
    if !before_tender(&p) {
        return Err(AppError::field("convention", "joint.plan_closed"));
    }
    let end = crate::domain::ocds_planning::period_end(planned(
        p.publication_date,
        &p.publication_precision,
    ));
    let (convention, deadline) = form.check(today(), end)?;
    let first = p.joint_convention.is_none();
    let mut m: plans::ActiveModel = p.into();
    m.joint_convention = Set(Some(convention));
    m.joint_deadline = Set(Some(deadline));
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(first)
}

/// The plan, open to other buyers.
async fn joint_plan(db: &impl ConnectionTrait, plan_id: i32) -> Result<plans::Model, AppError> {
    let p = plan_of(db, plan_id).await?;
    if p.joint_convention.is_none() || p.status == PlanStatus::Draft.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

/// Resolves the communes typed (names, or labels with their code); the INSEE codes.
async fn resolve_communes(
    db: &impl ConnectionTrait,
    typed: &[String],
) -> Result<Vec<String>, AppError> {
    use crate::server::infra::places::{commune_error, resolve_commune};
    let mut out = Vec::new();
    for name in typed {
        match resolve_commune(db, name).await? {
            Some(c) if !out.contains(&c.insee) => out.push(c.insee),
            Some(_) => {}
            None => return Err(AppError::Invalid(vec![commune_error("communes", name)])),
        }
    }
    Ok(out)
}

/// A verified buyer asks to join (or changes what it asked): its parts replace the former ones
/// and the coordinator decides again. Returns the request's id.
pub async fn ask(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    caller: &Caller,
    plan_id: i32,
    org_id: i32,
    form: &JoinForm,
) -> Result<i32, AppError> {
    let user = caller.user()?;
    let org = verified(caller, org_id)?.name.clone();
    let txn = begin_write(db).await?;
    let p = joint_plan(&txn, plan_id).await?;
    if p.buyer_id == org_id {
        return Err(AppError::field("org_id", "joint.own_plan"));
    }
    if !before_tender(&p) {
        return Err(AppError::field("org_id", "joint.plan_closed"));
    }
    let deadline = p.joint_deadline.ok_or(AppError::Internal)?;
    if !may_change(today(), deadline) {
        return Err(too_late("org_id", deadline));
    }
    let lots: Vec<i32> = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_lots::Column::Number)
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let input = form.check(&lots)?;
    let communes = resolve_communes(&txn, &input.communes).await?;
    let now = Utc::now();
    let existing = plan_co_buyers::Entity::find()
        .filter(plan_co_buyers::Column::PlanId.eq(plan_id))
        .filter(plan_co_buyers::Column::BuyerId.eq(org_id))
        .one(&txn)
        .await?;
    let id = match existing {
        Some(r) => {
            let id = r.id;
            let mut m: plan_co_buyers::ActiveModel = r.into();
            m.status = Set(CoBuyerStatus::Asked.as_str().into());
            m.contact = Set(input.contact.clone());
            m.communes = Set(communes.join(","));
            m.note = Set(input.note.clone());
            m.reason = Set(None);
            m.asked_by = Set(Some(user.id));
            m.updated_at = Set(now);
            m.decided_at = Set(None);
            m.update(&txn).await?;
            plan_co_buyer_parts::Entity::delete_many()
                .filter(plan_co_buyer_parts::Column::CoBuyerId.eq(id))
                .exec(&txn)
                .await?;
            id
        }
        None => {
            plan_co_buyers::ActiveModel {
                plan_id: Set(plan_id),
                buyer_id: Set(org_id),
                status: Set(CoBuyerStatus::Asked.as_str().into()),
                contact: Set(input.contact.clone()),
                communes: Set(communes.join(",")),
                note: Set(input.note.clone()),
                asked_by: Set(Some(user.id)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    for part in &input.parts {
        plan_co_buyer_parts::ActiveModel {
            co_buyer_id: Set(id),
            lot_id: Set(part.lot_id),
            amount: Set(part.amount),
            quantity: Set(part.quantity.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    crate::server::partners::answers::tell_members(
        db,
        mailer,
        public_url,
        p.buyer_id,
        &format!(
            "{org} demande à rejoindre le groupement de commandes « {} »",
            p.title
        ),
        &format!("/programmation/{plan_id}#groupement"),
        &format!(
            "{org} demande à rejoindre le groupement de commandes que vous coordonnez : « {} ».\n\
             Acceptez ou refusez sa demande sur la fiche de l'achat.",
            p.title
        ),
    )
    .await;
    Ok(id)
}

async fn request_of(db: &impl ConnectionTrait, id: i32) -> Result<plan_co_buyers::Model, AppError> {
    plan_co_buyers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The coordinator accepts a request, or refuses it (or excludes a member) with a reason.
/// Until the tender is published: a request of the last day is still decided.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    caller: &Caller,
    request_id: i32,
    accept: bool,
    reason: &str,
) -> Result<i32, AppError> {
    caller.user()?;
    let txn = begin_write(db).await?;
    let r = request_of(&txn, request_id).await?;
    let p = writable(&txn, caller, r.plan_id).await?;
    if !before_tender(&p) {
        return Err(AppError::field("reason", "joint.plan_closed"));
    }
    let from = status_of(&r);
    let mut c = Checker::new();
    let reason = c.optional("reason", reason, MAX_REASON);
    if !accept && reason.is_none() {
        c.push("reason", "joint.reason_needed");
    }
    c.finish()?;
    let allowed = matches!(
        (accept, from),
        (true, CoBuyerStatus::Asked) | (false, CoBuyerStatus::Asked | CoBuyerStatus::Accepted)
    );
    if !allowed {
        return Err(AppError::field("reason", "joint.not_pending"));
    }
    let (buyer, plan_id, title) = (r.buyer_id, p.id, p.title.clone());
    let mut m: plan_co_buyers::ActiveModel = r.into();
    let to = if accept {
        CoBuyerStatus::Accepted
    } else {
        CoBuyerStatus::Refused
    };
    m.status = Set(to.as_str().into());
    m.reason = Set(if accept { None } else { reason.clone() });
    m.decided_at = Set(Some(Utc::now()));
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await?;
    let (subject, body) = if accept {
        (
            format!("Vous êtes membre du groupement de commandes « {title} »"),
            format!(
                "Le coordonnateur a accepté votre demande : vous êtes membre du groupement de \
                 commandes « {title} ». Vous lirez les réponses des entreprises au sourcing."
            ),
        )
    } else {
        (
            format!("Votre demande pour le groupement de commandes « {title} » est refusée"),
            format!(
                "Le coordonnateur a refusé votre demande pour « {title} ». Motif : {}",
                reason.unwrap_or_default()
            ),
        )
    };
    crate::server::partners::answers::tell_members(
        db,
        mailer,
        public_url,
        buyer,
        &subject,
        &format!("/programmation/{plan_id}#groupement"),
        &body,
    )
    .await;
    Ok(plan_id)
}

/// A member withdraws its request or its part, until the last day to join.
pub async fn withdraw(
    db: &DatabaseConnection,
    caller: &Caller,
    request_id: i32,
) -> Result<i32, AppError> {
    caller.user()?;
    let txn = begin_write(db).await?;
    let r = request_of(&txn, request_id).await?;
    verified(caller, r.buyer_id)?;
    let p = joint_plan(&txn, r.plan_id).await?;
    if !matches!(
        status_of(&r),
        CoBuyerStatus::Asked | CoBuyerStatus::Accepted
    ) {
        return Err(AppError::field("id", "joint.not_pending"));
    }
    let deadline = p.joint_deadline.ok_or(AppError::Internal)?;
    if !may_change(today(), deadline) || !before_tender(&p) {
        return Err(too_late("id", deadline));
    }
    let mut m: plan_co_buyers::ActiveModel = r.into();
    m.status = Set(CoBuyerStatus::Withdrawn.as_str().into());
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// The accepted members of these plans: plan id → buyer ids.
pub(crate) async fn members_of(
    db: &impl ConnectionTrait,
    plan_ids: &[i32],
) -> Result<HashMap<i32, Vec<i32>>, AppError> {
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for r in plan_co_buyers::Entity::find()
        .filter(plan_co_buyers::Column::PlanId.is_in(plan_ids.to_vec()))
        .filter(plan_co_buyers::Column::Status.eq(CoBuyerStatus::Accepted.as_str()))
        .all(db)
        .await?
    {
        out.entry(r.plan_id).or_default().push(r.buyer_id);
    }
    Ok(out)
}

/// Whether the caller reads what the buyers of the plan read (firms' interest, the sourcing's
/// answers): a verified member of its buyer or of an accepted co-buyer.
pub async fn reads(
    db: &impl ConnectionTrait,
    caller: &Caller,
    plan: &plans::Model,
) -> Result<bool, AppError> {
    if verified(caller, plan.buyer_id).is_ok() {
        return Ok(true);
    }
    if plan.joint_convention.is_none() {
        return Ok(false);
    }
    let members = members_of(db, &[plan.id]).await?;
    Ok(members
        .get(&plan.id)
        .is_some_and(|m| m.iter().any(|b| verified(caller, *b).is_ok())))
}

/// Everything the plan's totals and members' lists are made of, read once.
struct Parts {
    rows: Vec<plan_co_buyers::Model>,
    /// co-buyer id → its parts.
    parts: HashMap<i32, Vec<plan_co_buyer_parts::Model>>,
    names: HashMap<i32, String>,
    communes: HashMap<String, String>,
    /// contract id → text, for the members' linked contracts.
    contracts: HashMap<i32, String>,
}

async fn parts_of(db: &impl ConnectionTrait, plan_ids: &[i32]) -> Result<Parts, AppError> {
    let rows = plan_co_buyers::Entity::find()
        .filter(plan_co_buyers::Column::PlanId.is_in(plan_ids.to_vec()))
        .order_by_asc(plan_co_buyers::Column::Id)
        .all(db)
        .await?;
    let mut parts: HashMap<i32, Vec<plan_co_buyer_parts::Model>> = HashMap::new();
    for part in plan_co_buyer_parts::Entity::find()
        .filter(plan_co_buyer_parts::Column::CoBuyerId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(plan_co_buyer_parts::Column::Id)
        .all(db)
        .await?
    {
        parts.entry(part.co_buyer_id).or_default().push(part);
    }
    let names = organisations::Entity::find()
        .filter(
            organisations::Column::Id
                .is_in(rows.iter().map(|r| r.buyer_id).collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let codes: HashSet<String> = rows
        .iter()
        .flat_map(|r| r.communes.split(',').map(String::from))
        .filter(|c| !c.is_empty())
        .collect();
    let communes = communes::Entity::find()
        .filter(communes::Column::Insee.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee, c.name))
        .collect();
    let contracts = crate::server::infra::entities::contracts::Entity::find()
        .filter(
            crate::server::infra::entities::contracts::Column::Id
                .is_in(rows.iter().filter_map(|r| r.contract_id)),
        )
        .all(db)
        .await?
        .iter()
        .map(|c| (c.id, super::contract_text(c)))
        .collect();
    Ok(Parts {
        rows,
        parts,
        names,
        communes,
        contracts,
    })
}

impl Parts {
    fn member(&self, r: &plan_co_buyers::Model, lots: &[(i32, i32, String)]) -> MemberView {
        MemberView {
            buyer_id: r.buyer_id,
            buyer_name: self.names.get(&r.buyer_id).cloned().unwrap_or_default(),
            parts: self
                .parts
                .get(&r.id)
                .map(|ps| {
                    ps.iter()
                        .map(|x| {
                            let number = x
                                .lot_id
                                .and_then(|id| lots.iter().find(|l| l.0 == id))
                                .map(|l| l.1);
                            (number, x.amount, x.quantity.clone())
                        })
                        .collect()
                })
                .unwrap_or_default(),
            communes: self.commune_names(&r.communes),
            contract: r
                .contract_id
                .and_then(|c| Some((c, self.contracts.get(&c)?.clone()))),
        }
    }

    fn commune_names(&self, codes: &str) -> Vec<String> {
        codes
            .split(',')
            .filter_map(|c| self.communes.get(c).cloned())
            .collect()
    }

    fn request(&self, r: &plan_co_buyers::Model, lots: &[(i32, i32, String)]) -> RequestView {
        RequestView {
            id: r.id,
            member: self.member(r, lots),
            status: status_of(r),
            contact: r.contact.clone(),
            note: r.note.clone(),
            reason: r.reason.clone(),
            asked_on: r.updated_at.format("%d/%m/%Y").to_string(),
        }
    }

    /// The accepted members' shares of the plan.
    fn shares(&self, plan_id: i32) -> Vec<Share> {
        self.rows
            .iter()
            .filter(|r| r.plan_id == plan_id && status_of(r) == CoBuyerStatus::Accepted)
            .flat_map(|r| {
                self.parts.get(&r.id).into_iter().flatten().map(|x| Share {
                    buyer_id: r.buyer_id,
                    lot_id: x.lot_id,
                    amount: x.amount,
                })
            })
            .collect()
    }
}

/// The coordinator's own shares: each lot's estimate, or the procurement's when it has none.
fn own_shares(p: &plans::Model, lots: &[plan_lots::Model]) -> Vec<Share> {
    if lots.is_empty() {
        return own_estimate(p.estimate_min, p.estimate_max)
            .map(|amount| Share {
                buyer_id: p.buyer_id,
                lot_id: None,
                amount,
            })
            .into_iter()
            .collect();
    }
    lots.iter()
        .filter_map(|l| {
            Some(Share {
                buyer_id: p.buyer_id,
                lot_id: Some(l.id),
                amount: own_estimate(l.estimate_min, l.estimate_max)?,
            })
        })
        .collect()
}

/// The totals of these plans open to other buyers, for lists: plan id → totals.
pub(crate) async fn totals_of(
    db: &impl ConnectionTrait,
    plans: &[plans::Model],
) -> Result<HashMap<i32, Totals>, AppError> {
    let open: Vec<&plans::Model> = plans
        .iter()
        .filter(|p| p.joint_convention.is_some())
        .collect();
    if open.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i32> = open.iter().map(|p| p.id).collect();
    let parts = parts_of(db, &ids).await?;
    let mut lots: HashMap<i32, Vec<plan_lots::Model>> = HashMap::new();
    for l in plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.is_in(ids))
        .order_by_asc(plan_lots::Column::Number)
        .all(db)
        .await?
    {
        lots.entry(l.plan_id).or_default().push(l);
    }
    Ok(open
        .into_iter()
        .map(|p| {
            let ls = lots.remove(&p.id).unwrap_or_default();
            let mut shares = own_shares(p, &ls);
            shares.extend(parts.shares(p.id));
            let ids: Vec<i32> = ls.iter().map(|l| l.id).collect();
            (p.id, Totals::of(p.buyer_id, &ids, &shares))
        })
        .collect())
}

/// The groupement de commandes of a plan, as the caller may read it.
pub async fn view(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<JointView, AppError> {
    let p = plan_of(db, plan_id).await?;
    let coordinates = verified(caller, p.buyer_id).is_ok();
    if p.status == PlanStatus::Draft.as_str() && !coordinates {
        return Err(AppError::NotFound);
    }
    let coordinator_name = organisations::Entity::find_by_id(p.buyer_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let lot_rows = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(plan_id))
        .order_by_asc(plan_lots::Column::Number)
        .all(db)
        .await?;
    let lots: Vec<(i32, i32, String)> = lot_rows
        .iter()
        .map(|l| (l.id, l.number, l.title.clone()))
        .collect();
    let may_open = before_tender(&p);
    let Some(convention) = p.joint_convention.clone() else {
        return Ok(JointView {
            plan_id,
            coordinator_id: p.buyer_id,
            coordinator_name,
            lots,
            coordinates,
            may_open,
            ..Default::default()
        });
    };
    let parts = parts_of(db, &[plan_id]).await?;
    let accepted: Vec<&plan_co_buyers::Model> = parts
        .rows
        .iter()
        .filter(|r| status_of(r) == CoBuyerStatus::Accepted)
        .collect();
    let mine_ids: HashSet<i32> = caller
        .orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Buyer.as_str() && o.verified_at.is_some())
        .map(|(_, o)| o.id)
        .collect();
    let member = accepted.iter().any(|r| mine_ids.contains(&r.buyer_id));
    let mut shares = own_shares(&p, &lot_rows);
    shares.extend(parts.shares(plan_id));
    let lot_ids: Vec<i32> = lots.iter().map(|l| l.0).collect();
    let totals = Totals::of(p.buyer_id, &lot_ids, &shares);
    let mut served: Vec<String> = Vec::new();
    for r in &accepted {
        for n in parts.commune_names(&r.communes) {
            if !served.contains(&n) {
                served.push(n);
            }
        }
    }
    let deadline = p.joint_deadline;
    let joinable =
        crate::domain::joint::joinable(true, deadline, PlanStatus::parse(&p.status), today());
    let mut contracts = Vec::new();
    if p.status == PlanStatus::Awarded.as_str() {
        for r in accepted.iter().filter(|r| mine_ids.contains(&r.buyer_id)) {
            let Ok(org) = verified(caller, r.buyer_id) else {
                continue;
            };
            contracts.push(MemberContract {
                request_id: r.id,
                buyer_name: org.name.clone(),
                link: super::contract_choices(db, &p, &org.siret, r.contract_id).await?,
            });
        }
    }
    Ok(JointView {
        plan_id,
        open: true,
        coordinator_id: p.buyer_id,
        coordinator_name,
        convention,
        deadline: deadline.map(|d| d.format("%d/%m/%Y").to_string()),
        joinable,
        totals,
        members: accepted.iter().map(|r| parts.member(r, &lots)).collect(),
        communes: served,
        coordinates,
        requests: if coordinates {
            parts.rows.iter().map(|r| parts.request(r, &lots)).collect()
        } else {
            vec![]
        },
        may_ask: caller
            .orgs
            .iter()
            .filter(|(_, o)| mine_ids.contains(&o.id) && o.id != p.buyer_id)
            .map(|(_, o)| (o.id, o.name.clone()))
            .collect(),
        mine: parts
            .rows
            .iter()
            .filter(|r| mine_ids.contains(&r.buyer_id))
            .map(|r| parts.request(r, &lots))
            .collect(),
        member,
        may_open,
        lots,
        hints: vec![],
        interests: vec![],
        contracts,
    })
}

/// An accepted member links its own contract (one of its imported DECP contracts) to the
/// awarded procurement, or unlinks it (`None`): its verified staff only, as the coordinator
/// does for its own.
pub async fn link_contract(
    db: &DatabaseConnection,
    caller: &Caller,
    request_id: i32,
    contract: Option<i32>,
) -> Result<i32, AppError> {
    caller.user()?;
    let txn = begin_write(db).await?;
    let r = request_of(&txn, request_id).await?;
    let siret = verified(caller, r.buyer_id)?.siret.clone();
    if status_of(&r) != CoBuyerStatus::Accepted {
        return Err(AppError::field("contract", "joint.not_member"));
    }
    let p = joint_plan(&txn, r.plan_id).await?;
    if p.status != PlanStatus::Awarded.as_str() {
        return Err(AppError::field("contract", "plan.not_awarded"));
    }
    if let Some(c) = contract {
        if !super::owns_contract(&txn, &siret, c).await? {
            return Err(AppError::field("contract", "validation.unknown_choice"));
        }
    }
    let mut m: plan_co_buyers::ActiveModel = r.into();
    m.contract_id = Set(contract);
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// The accepted members of these plans for the open data: plan id → each member's SIRET, name,
/// parts added and lot numbers.
pub(crate) async fn co_buyer_facts(
    db: &impl ConnectionTrait,
    plan_ids: &[i32],
) -> Result<HashMap<i32, Vec<crate::domain::ocds_planning::CoBuyerFacts>>, AppError> {
    let mut out: HashMap<i32, Vec<crate::domain::ocds_planning::CoBuyerFacts>> = HashMap::new();
    let members: Vec<plan_co_buyers::Model> = plan_co_buyers::Entity::find()
        .filter(plan_co_buyers::Column::PlanId.is_in(plan_ids.to_vec()))
        .filter(plan_co_buyers::Column::Status.eq(CoBuyerStatus::Accepted.as_str()))
        .order_by_asc(plan_co_buyers::Column::Id)
        .all(db)
        .await?;
    if members.is_empty() {
        return Ok(out);
    }
    let orgs: HashMap<i32, (String, String)> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(members.iter().map(|m| m.buyer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.siret, o.name)))
        .collect();
    let numbers: HashMap<i32, i32> = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.is_in(plan_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.number))
        .collect();
    let mut parts: HashMap<i32, Vec<plan_co_buyer_parts::Model>> = HashMap::new();
    for x in plan_co_buyer_parts::Entity::find()
        .filter(plan_co_buyer_parts::Column::CoBuyerId.is_in(members.iter().map(|m| m.id)))
        .all(db)
        .await?
    {
        parts.entry(x.co_buyer_id).or_default().push(x);
    }
    for m in members {
        let Some((siret, name)) = orgs.get(&m.buyer_id).cloned() else {
            continue;
        };
        let own = parts.remove(&m.id).unwrap_or_default();
        let mut lots: Vec<i32> = own
            .iter()
            .filter_map(|x| numbers.get(&x.lot_id?).copied())
            .collect();
        lots.sort_unstable();
        out.entry(m.plan_id)
            .or_default()
            .push(crate::domain::ocds_planning::CoBuyerFacts {
                siret,
                name,
                amount: own.iter().map(|x| x.amount).sum(),
                lots,
            });
    }
    Ok(out)
}

/// The buyers that may want to join, from the past contracts (DECP) in the procurement's CPV
/// divisions, for its coordinator (`domain::joint::cpv_scope`): counted and ranked by the
/// database — most contracts in the divisions, then most in the same classes, then the latest
/// — so that a division of a national data set is never read row by row (docs/benchmarks.md).
pub async fn suggestions(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<Vec<crate::domain::joint::CoBuyerHint>, AppError> {
    use crate::domain::joint::{cpv_scope, CoBuyerHint, HINTS};
    use crate::server::infra::entities::{contracts, plan_cpv};
    use sea_orm::sea_query::{Alias, Asterisk, CaseStatement, Expr, ExprTrait, Func, Order, Query};
    use sea_orm::{FromQueryResult, QuerySelect};
    let p = writable(db, caller, plan_id).await?;
    let coordinator = verified(caller, p.buyer_id)?.siret.clone();
    let mut wanted: Vec<String> = plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code)
        .collect();
    for l in plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
    {
        wanted.extend(l.cpv.split(',').filter(|c| !c.is_empty()).map(String::from));
    }
    let (divisions, classes) = cpv_scope(&wanted);
    if divisions.is_empty() {
        return Ok(vec![]);
    }
    #[derive(FromQueryResult)]
    struct Tally {
        siret: String,
        n: i64,
        same: i64,
        last: Option<String>,
    }
    let col = |c: contracts::Column| Expr::col((contracts::Entity, c));
    let class = Func::cust(Alias::new("substr"))
        .arg(col(contracts::Column::Cpv))
        .arg(1)
        .arg(4);
    let same = CaseStatement::new()
        .case(Expr::expr(class).is_in(classes), 1)
        .finally(0);
    // SUM is a BIGINT or NUMERIC and a date's MAX a DATE or TEXT, depending on the backend:
    // cast so both read the same.
    let q = Query::select()
        .expr_as(col(contracts::Column::BuyerSiret), Alias::new("siret"))
        // COUNT(*), not of a column outside the index: PostgreSQL then reads the index alone.
        .expr_as(Expr::col(Asterisk).count(), Alias::new("n"))
        .expr_as(
            Func::cast_as(Func::sum(same), Alias::new("BIGINT")),
            Alias::new("same"),
        )
        .expr_as(
            Func::cast_as(
                Func::max(col(contracts::Column::NotifiedOn)),
                Alias::new("TEXT"),
            ),
            Alias::new("last"),
        )
        .from(contracts::Entity)
        .and_where(contracts::Column::CpvDivision.is_in(divisions.clone()))
        .and_where(contracts::Column::BuyerSiret.ne(coordinator.as_str()))
        .group_by_col((contracts::Entity, contracts::Column::BuyerSiret))
        .order_by_expr(Expr::cust("n"), Order::Desc)
        .order_by_expr(Expr::cust("same"), Order::Desc)
        .order_by_expr(Expr::cust("last"), Order::Desc)
        .order_by_expr(Expr::cust("siret"), Order::Asc)
        .limit(HINTS as u64)
        .to_owned();
    let backend = db.get_database_backend();
    let tallies = Tally::find_by_statement(backend.build(&q)).all(db).await?;
    let mut hints = Vec::with_capacity(tallies.len());
    for t in tallies {
        let last = t
            .last
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok());
        // Its latest such contract gives the name it signs with and an example of the need:
        // on its last day, one seek in the index rather than a sort of all its contracts.
        let mut latest = contracts::Entity::find()
            .filter(contracts::Column::BuyerSiret.eq(t.siret.as_str()))
            .filter(contracts::Column::CpvDivision.is_in(divisions.clone()));
        if let Some(day) = last {
            latest = latest.filter(contracts::Column::NotifiedOn.eq(day));
        }
        let latest = latest
            .order_by_desc(contracts::Column::NotifiedOn)
            .limit(1)
            .one(db)
            .await?;
        hints.push(CoBuyerHint {
            name: latest
                .as_ref()
                .and_then(|c| c.buyer_name.clone())
                .unwrap_or_else(|| t.siret.clone()),
            example: latest.and_then(|c| c.object).unwrap_or_default(),
            siret: t.siret,
            contracts: t.n as usize,
            same_class: t.same as usize,
            last: last.map(|d| d.format("%d/%m/%Y").to_string()),
            org_id: None,
            status: None,
        });
    }
    let orgs: HashMap<String, i32> = organisations::Entity::find()
        .filter(organisations::Column::Siret.is_in(hints.iter().map(|h| h.siret.clone())))
        .filter(organisations::Column::Kind.eq(OrgKind::Buyer.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.siret, o.id))
        .collect();
    let asked: HashMap<i32, CoBuyerStatus> = plan_co_buyers::Entity::find()
        .filter(plan_co_buyers::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.buyer_id, status_of(&r)))
        .collect();
    for h in &mut hints {
        h.org_id = orgs.get(&h.siret).copied();
        h.status = h.org_id.and_then(|id| asked.get(&id).copied());
    }
    Ok(hints)
}

/// The groupements de commandes other buyers may join today, filtered by CPV division, those
/// serving the caller's buyer's commune first, then its department, then by last day.
pub async fn open_list(
    db: &DatabaseConnection,
    caller: &Caller,
    cpv: Option<String>,
    page: u64,
) -> Result<crate::domain::joint::OpenJointPage, AppError> {
    use crate::domain::joint::{closeness, OpenJointPage, OpenJointRow, OPEN_PER_PAGE};
    use crate::domain::programming::PlanFilters;
    use sea_orm::QuerySelect;
    let f = PlanFilters {
        joint: true,
        cpv,
        ..Default::default()
    };
    // Few at a time on a territory: sorted whole, then cut into pages.
    let rows = plans::Entity::find()
        .filter(super::condition(&f))
        .order_by_asc(plans::Column::JointDeadline)
        .order_by_asc(plans::Column::Id)
        .limit(1_000)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let coordinators: HashMap<i32, Option<String>> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(rows.iter().map(|p| p.buyer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.commune_insee))
        .collect();
    let parts = parts_of(db, &ids).await?;
    let mine = caller
        .orgs
        .iter()
        .find(|(_, o)| o.kind == OrgKind::Buyer.as_str() && o.verified_at.is_some())
        .and_then(|(_, o)| o.commune_insee.clone());
    let near_of = match &mine {
        Some(c) => communes::Entity::find_by_id(c.clone())
            .one(db)
            .await?
            .map(|c| c.name),
        None => None,
    };
    let mut ranked: Vec<(u8, plans::Model, Vec<String>)> = rows
        .into_iter()
        .map(|p| {
            let mut served: Vec<String> = coordinators
                .get(&p.buyer_id)
                .cloned()
                .flatten()
                .into_iter()
                .collect();
            for r in parts
                .rows
                .iter()
                .filter(|r| r.plan_id == p.id && status_of(r) == CoBuyerStatus::Accepted)
            {
                for c in r.communes.split(',').filter(|c| !c.is_empty()) {
                    if !served.iter().any(|x| x == c) {
                        served.push(c.to_string());
                    }
                }
            }
            (closeness(&served, mine.as_deref()), p, served)
        })
        .collect();
    // Stable: the last day's order kept within each closeness.
    ranked.sort_by_key(|(c, _, _)| *c);
    let total = ranked.len() as u64;
    let pages = total.div_ceil(OPEN_PER_PAGE as u64).max(1);
    let page = page.clamp(1, pages);
    let shown: Vec<(u8, plans::Model, Vec<String>)> = ranked
        .into_iter()
        .skip((page as usize - 1) * OPEN_PER_PAGE)
        .take(OPEN_PER_PAGE)
        .collect();
    let codes: HashSet<String> = shown.iter().flat_map(|(_, _, s)| s.clone()).collect();
    let names: HashMap<String, String> = communes::Entity::find()
        .filter(communes::Column::Insee.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee, c.name))
        .collect();
    let mut meta: HashMap<i32, (u8, Vec<String>)> = shown
        .iter()
        .map(|(c, p, s)| {
            (
                p.id,
                (*c, s.iter().filter_map(|x| names.get(x).cloned()).collect()),
            )
        })
        .collect();
    let summaries = super::summaries(db, shown.into_iter().map(|(_, p, _)| p).collect()).await?;
    Ok(OpenJointPage {
        rows: summaries
            .into_iter()
            .filter_map(|summary| {
                let (c, served) = meta.remove(&summary.id)?;
                Some(OpenJointRow {
                    summary,
                    served,
                    near: c < 2,
                })
            })
            .collect(),
        total,
        page,
        pages,
        near_of,
    })
}
