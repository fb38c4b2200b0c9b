//! Partner requests: written by a firm's members, listed on the board while open, answered by
//! other firms (see `answers`), matched with the firms of the territory (see `matching`).

pub mod answers;
pub mod matching;

use crate::domain::partners::{
    board, is_open, BoardFilters, BoardPage, BoardRow, ConsortiumKind, PartnerRole, RequestForm,
    RequestInput, RequestSummary, PAGE_SIZE,
};
use crate::domain::programming::PlanStatus;
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, cpv_codes, organisations, partner_answers, partner_request_cpv,
    partner_request_labels, partner_requests, plan_lots, plans,
};
use crate::server::offers::member_business;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";

/// Today on the clock of the territory (a deadline is a day in Paris).
pub fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

pub async fn request_of(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<partner_requests::Model, AppError> {
    partner_requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The request, if the caller is an active member of the firm that posted it.
pub async fn own_request(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<partner_requests::Model, AppError> {
    let user = caller.user()?;
    let r = request_of(db, id).await?;
    member_business(db, user.id, r.organisation_id).await?;
    Ok(r)
}

/// CPV names by code.
pub async fn cpv_names(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, String>, AppError> {
    let codes: Vec<String> = codes.into_iter().collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label_fr))
        .collect())
}

/// Checks what the form names in the database: CPV codes, the commune, the plan and its lot.
async fn resolve(
    db: &impl ConnectionTrait,
    form: &RequestForm,
) -> Result<
    (
        RequestInput,
        Option<communes::Model>,
        HashMap<String, String>,
    ),
    AppError,
> {
    let input = form.check(today())?;
    let names = cpv_names(db, input.cpv.clone()).await?;
    if names.len() != input.cpv.len() {
        return Err(AppError::field("cpv", "validation.unknown_cpv"));
    }
    let commune = match &input.commune {
        None => None,
        Some(typed) => Some(
            crate::server::orgs::resolve_commune(db, typed)
                .await?
                .ok_or_else(|| AppError::field("commune", "validation.unknown_commune"))?,
        ),
    };
    if let Some(plan_id) = input.plan_id {
        let plan = plans::Entity::find_by_id(plan_id).one(db).await?;
        // A draft is not public: nobody may tie a request to it.
        if plan.is_none_or(|p| p.status == PlanStatus::Draft.as_str()) {
            return Err(AppError::field("plan_id", "validation.unknown_choice"));
        }
        if let Some(lot_id) = input.lot_id {
            let lot = plan_lots::Entity::find_by_id(lot_id).one(db).await?;
            if lot.is_none_or(|l| l.plan_id != plan_id) {
                return Err(AppError::field("lot_id", "validation.unknown_choice"));
            }
        }
    }
    Ok((input, commune, names))
}

/// What the board's word search looks in: title, description and the codes' names, stemmed.
fn words_of(input: &RequestInput, names: &HashMap<String, String>) -> String {
    let mut text = format!("{} {}", input.title, input.description);
    for code in &input.cpv {
        text.push(' ');
        text.push_str(names.get(code).map(String::as_str).unwrap_or(""));
    }
    let mut stems = crate::server::infra::search::schema::stems(&text);
    stems.sort();
    stems.dedup();
    stems.join(" ")
}

fn fill(
    m: &mut partner_requests::ActiveModel,
    input: &RequestInput,
    commune: &Option<communes::Model>,
    names: &HashMap<String, String>,
) {
    m.title = Set(input.title.clone());
    m.description = Set(input.description.clone());
    m.role = Set(input.role.as_str().into());
    m.consortium_kind = Set(input.kind.as_str().into());
    m.capacity = Set(input.capacity.clone());
    m.commune = Set(commune.as_ref().map(|c| c.insee.clone()));
    m.radius_km = Set(input.radius_km);
    m.deadline = Set(input.deadline);
    m.plan_id = Set(input.plan_id);
    m.lot_id = Set(input.lot_id);
    m.words = Set(words_of(input, names));
    m.updated_at = Set(Utc::now());
}

async fn write_children(
    db: &impl ConnectionTrait,
    id: i32,
    input: &RequestInput,
) -> Result<(), AppError> {
    partner_request_cpv::Entity::delete_many()
        .filter(partner_request_cpv::Column::RequestId.eq(id))
        .exec(db)
        .await?;
    partner_request_labels::Entity::delete_many()
        .filter(partner_request_labels::Column::RequestId.eq(id))
        .exec(db)
        .await?;
    if !input.cpv.is_empty() {
        partner_request_cpv::Entity::insert_many(input.cpv.iter().map(|c| {
            partner_request_cpv::ActiveModel {
                request_id: Set(id),
                cpv_code: Set(c.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    if !input.labels.is_empty() {
        partner_request_labels::Entity::insert_many(input.labels.iter().map(|l| {
            partner_request_labels::ActiveModel {
                request_id: Set(id),
                label: Set(l.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A firm's member posts a request; it is open at once.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
    form: &RequestForm,
) -> Result<i32, AppError> {
    let user = caller.user()?;
    let txn = begin_write(db).await?;
    member_business(&txn, user.id, org_id).await?;
    let (input, commune, names) = resolve(&txn, form).await?;
    let now = Utc::now();
    let mut m = partner_requests::ActiveModel {
        organisation_id: Set(org_id),
        status: Set(OPEN.into()),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        ..Default::default()
    };
    fill(&mut m, &input, &commune, &names);
    let r = m.insert(&txn).await?;
    write_children(&txn, r.id, &input).await?;
    txn.commit().await?;
    Ok(r.id)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    form: &RequestForm,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let r = own_request(&txn, caller, id).await?;
    let (input, commune, names) = resolve(&txn, form).await?;
    let mut m: partner_requests::ActiveModel = r.into();
    fill(&mut m, &input, &commune, &names);
    m.update(&txn).await?;
    write_children(&txn, id, &input).await?;
    txn.commit().await.map_err(AppError::from)
}

/// Closes a request (no more answers) or opens it again while its deadline has not passed.
pub async fn set_open(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    open: bool,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let r = own_request(&txn, caller, id).await?;
    if open && r.deadline < today() {
        return Err(AppError::field("deadline", "partners.deadline_past"));
    }
    let mut m: partner_requests::ActiveModel = r.into();
    m.status = Set(if open { OPEN } else { CLOSED }.into());
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await.map_err(AppError::from)
}

/// The department of each commune code.
async fn departments(
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

/// Every CPV code and label of `ids`, by request.
async fn needs_of(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<(BTreeMap<i32, Vec<String>>, BTreeMap<i32, Vec<String>>), AppError> {
    let mut cpv: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    let mut labels: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for c in partner_request_cpv::Entity::find()
            .filter(partner_request_cpv::Column::RequestId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            cpv.entry(c.request_id).or_default().push(c.cpv_code);
        }
        for l in partner_request_labels::Entity::find()
            .filter(partner_request_labels::Column::RequestId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            labels.entry(l.request_id).or_default().push(l.label);
        }
    }
    Ok((cpv, labels))
}

/// The open requests (deadline not passed), as the board filters them.
async fn open_rows(db: &impl ConnectionTrait) -> Result<Vec<partner_requests::Model>, AppError> {
    partner_requests::Entity::find()
        .filter(partner_requests::Column::Status.eq(OPEN))
        .filter(partner_requests::Column::Deadline.gte(today()))
        .all(db)
        .await
        .map_err(AppError::from)
}

/// The board: open requests filtered, newest first, with facets.
pub async fn board_page(db: &DatabaseConnection, f: &BoardFilters) -> Result<BoardPage, AppError> {
    let open = open_rows(db).await?;
    let ids: Vec<i32> = open.iter().map(|r| r.id).collect();
    let (cpv, labels) = needs_of(db, &ids).await?;
    let places = departments(db, open.iter().filter_map(|r| r.commune.clone())).await?;
    let rows: Vec<BoardRow> = open
        .iter()
        .map(|r| BoardRow {
            id: r.id,
            words: r
                .words
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
            cpv: cpv.get(&r.id).cloned().unwrap_or_default(),
            labels: labels.get(&r.id).cloned().unwrap_or_default(),
            role: PartnerRole::parse(&r.role).unwrap_or(PartnerRole::CoContractor),
            kind: ConsortiumKind::parse(&r.consortium_kind).unwrap_or(ConsortiumKind::Joint),
            dep: r
                .commune
                .as_ref()
                .and_then(|c| places.get(c))
                .map(|c| c.department.clone()),
            with_plan: r.plan_id.is_some(),
            created_at: r.created_at,
        })
        .collect();
    let stems =
        f.q.as_deref()
            .map(crate::server::infra::search::schema::stems)
            .unwrap_or_default();
    let result = board(&rows, f, &stems);
    let by_id: HashMap<i32, &partner_requests::Model> = open.iter().map(|r| (r.id, r)).collect();
    let page_rows: Vec<&partner_requests::Model> = result
        .ids
        .iter()
        .filter_map(|id| by_id.get(id).copied())
        .collect();
    let summaries = summaries(db, &page_rows, &cpv, &labels, &places).await?;
    let divisions: Vec<String> = result
        .facets
        .cpv
        .iter()
        .map(|(d, _)| format!("{d}000000"))
        .collect();
    let division_names = cpv_names(db, divisions)
        .await?
        .into_iter()
        .map(|(c, n)| (c[..2].to_string(), n))
        .collect();
    let deps = crate::server::infra::reference::department_names();
    let dep_names = result
        .facets
        .deps
        .iter()
        .map(|(d, _)| (d.clone(), deps.get(d).cloned().unwrap_or_else(|| d.clone())))
        .collect();
    let pages = result.total.div_ceil(PAGE_SIZE as u64).max(1);
    Ok(BoardPage {
        rows: summaries,
        total: result.total,
        page: f.page.max(1),
        pages,
        facets: result.facets,
        division_names,
        dep_names,
    })
}

/// Requests as lists show them.
pub async fn summaries(
    db: &impl ConnectionTrait,
    rows: &[&partner_requests::Model],
    cpv: &BTreeMap<i32, Vec<String>>,
    labels: &BTreeMap<i32, Vec<String>>,
    places: &HashMap<String, communes::Model>,
) -> Result<Vec<RequestSummary>, AppError> {
    let org_ids: Vec<i32> = rows.iter().map(|r| r.organisation_id).collect();
    let orgs: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(org_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let plan_ids: Vec<i32> = rows.iter().filter_map(|r| r.plan_id).collect();
    let plans: HashMap<i32, String> = plans::Entity::find()
        .filter(plans::Column::Id.is_in(plan_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let answers: HashMap<i32, i64> = partner_answers::Entity::find()
        .select_only()
        .column(partner_answers::Column::RequestId)
        .column_as(partner_answers::Column::Id.count(), "n")
        .filter(partner_answers::Column::RequestId.is_in(ids))
        .group_by(partner_answers::Column::RequestId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let names = cpv_names(
        db,
        rows.iter()
            .flat_map(|r| cpv.get(&r.id).cloned().unwrap_or_default()),
    )
    .await?;
    let today = today();
    Ok(rows
        .iter()
        .map(|r| RequestSummary {
            id: r.id,
            title: r.title.clone(),
            org_id: r.organisation_id,
            org_name: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
            role: PartnerRole::parse(&r.role).unwrap_or(PartnerRole::CoContractor),
            kind: ConsortiumKind::parse(&r.consortium_kind).unwrap_or(ConsortiumKind::Joint),
            cpv: cpv
                .get(&r.id)
                .into_iter()
                .flatten()
                .map(|c| (c.clone(), names.get(c).cloned().unwrap_or_default()))
                .collect(),
            labels: labels.get(&r.id).cloned().unwrap_or_default(),
            commune: r
                .commune
                .as_ref()
                .and_then(|c| places.get(c))
                .map(|c| c.name.clone()),
            deadline: r.deadline,
            plan: r
                .plan_id
                .and_then(|p| plans.get(&p).map(|t| (p, t.clone()))),
            open: is_open(&r.status, r.deadline, today),
            answers: answers.get(&r.id).copied().unwrap_or(0) as u64,
        })
        .collect())
}

/// The requests of the caller's firms, newest first (open or not).
pub async fn of_caller(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<RequestSummary>, AppError> {
    caller.user()?;
    let org_ids: Vec<i32> = caller.orgs.iter().map(|(m, _)| m.organisation_id).collect();
    let mut rows = partner_requests::Entity::find()
        .filter(partner_requests::Column::OrganisationId.is_in(org_ids))
        .all(db)
        .await?;
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let (cpv, labels) = needs_of(db, &ids).await?;
    let places = departments(db, rows.iter().filter_map(|r| r.commune.clone())).await?;
    let refs: Vec<&partner_requests::Model> = rows.iter().collect();
    summaries(db, &refs, &cpv, &labels, &places).await
}

/// The newest open requests a saved search of the board matches, created after `since`:
/// (title, address), newest first.
pub async fn fresh_for_search(
    db: &DatabaseConnection,
    query: &str,
    since: chrono::DateTime<Utc>,
) -> Result<Vec<(String, String)>, AppError> {
    let f = BoardFilters {
        page: 1,
        ..BoardFilters::from_query(query)
    };
    let page = board_page(db, &f).await?;
    let fresh: std::collections::HashSet<i32> = partner_requests::Entity::find()
        .filter(partner_requests::Column::Id.is_in(page.rows.iter().map(|r| r.id)))
        .filter(partner_requests::Column::CreatedAt.gt(since))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    Ok(page
        .rows
        .into_iter()
        .filter(|r| fresh.contains(&r.id))
        .map(|r| {
            (
                format!("{} — {}", r.title, r.org_name),
                format!("/groupements/{}", r.id),
            )
        })
        .collect())
}

/// The request's CPV codes and labels.
pub async fn needs_of_one(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<(Vec<String>, Vec<String>), AppError> {
    let (mut cpv, mut labels) = needs_of(db, &[id]).await?;
    Ok((
        cpv.remove(&id).unwrap_or_default(),
        labels.remove(&id).unwrap_or_default(),
    ))
}

/// A commune by code.
pub async fn commune(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<communes::Model>, AppError> {
    communes::Entity::find_by_id(code.to_string())
        .one(db)
        .await
        .map_err(AppError::from)
}

/// What the request form starts from (see `FormContext`): a new request for a planned
/// procurement (or one of its lots) takes its codes and labels; an existing one, its own.
pub async fn form_context(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: Option<i32>,
    lot_id: Option<i32>,
    request_id: Option<i32>,
) -> Result<crate::domain::partners::FormContext, AppError> {
    use crate::server::infra::entities::{plan_cpv, plan_labels};
    caller.user()?;
    let orgs: Vec<(i32, String)> = caller
        .orgs
        .iter()
        .filter(|(_, o)| {
            crate::domain::org::OrgKind::parse(&o.kind)
                == Some(crate::domain::org::OrgKind::Business)
        })
        .map(|(_, o)| (o.id, o.name.clone()))
        .collect();
    let mut form = RequestForm {
        role: PartnerRole::CoContractor.as_str().into(),
        kind: ConsortiumKind::Joint.as_str().into(),
        ..RequestForm::default()
    };
    let mut editing = None;
    let mut plan_id = plan_id;
    let mut lot_id = lot_id;
    if let Some(id) = request_id {
        let r = own_request(db, caller, id).await?;
        let view = answers::view(db, caller, id).await?;
        form = RequestForm::of(&view);
        // The commune as the form shows it: "Villeurbanne (69266)".
        if let Some(code) = &r.commune {
            if let Some(c) = commune(db, code).await? {
                form.commune = crate::server::orgs::commune_label(&c);
            }
        }
        editing = Some((id, view.org_name));
        plan_id = r.plan_id;
        lot_id = r.lot_id;
    }
    let plan = match plan_id {
        Some(p) => plans::Entity::find_by_id(p)
            .one(db)
            .await?
            .filter(|p| p.status != PlanStatus::Draft.as_str()),
        None => None,
    };
    let mut lots = Vec::new();
    if let Some(p) = &plan {
        let mut rows = plan_lots::Entity::find()
            .filter(plan_lots::Column::PlanId.eq(p.id))
            .all(db)
            .await?;
        rows.sort_by_key(|l| l.number);
        lots = rows
            .into_iter()
            .map(|l| (l.id, l.number, l.title, l.cpv))
            .collect::<Vec<_>>();
        if editing.is_none() {
            form.plan_id = p.id.to_string();
            form.title = p
                .title
                .chars()
                .take(crate::domain::partners::MAX_TITLE)
                .collect();
            let plan_codes: Vec<String> = plan_cpv::Entity::find()
                .filter(plan_cpv::Column::PlanId.eq(p.id))
                .all(db)
                .await?
                .into_iter()
                .map(|c| c.cpv_code)
                .collect();
            let codes: Vec<String> = match lot_id.and_then(|l| lots.iter().find(|x| x.0 == l)) {
                Some(l) => {
                    form.lot_id = l.0.to_string();
                    form.title = format!("Lot {} — {}", l.1, l.2)
                        .chars()
                        .take(crate::domain::partners::MAX_TITLE)
                        .collect();
                    // A lot without its own code is what the procurement's codes say.
                    if l.3.is_empty() {
                        plan_codes
                    } else {
                        vec![l.3.clone()]
                    }
                }
                None => plan_codes,
            };
            form.cpv = codes.join(", ");
            form.labels = plan_labels::Entity::find()
                .filter(plan_labels::Column::PlanId.eq(p.id))
                .all(db)
                .await?
                .into_iter()
                .map(|l| (l.label, "on".to_string()))
                .collect();
            // The buyer's commune is where the work is done, by default.
            let buyer = organisations::Entity::find_by_id(p.buyer_id)
                .one(db)
                .await?;
            if let Some(code) = buyer.and_then(|b| b.commune_insee) {
                if let Some(c) = commune(db, &code).await? {
                    form.commune = crate::server::orgs::commune_label(&c);
                }
            }
        }
    }
    Ok(crate::domain::partners::FormContext {
        orgs,
        plan: plan.map(|p| (p.id, p.title)),
        lots,
        form,
        editing,
    })
}
