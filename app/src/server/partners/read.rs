//! Reading partner requests: the board with its facets, a firm's own requests, the requests
//! new for the alerts, one request's needs, and the form's choices.

use super::*;

/// The department of each commune code.
pub(super) async fn departments(
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
pub(super) async fn needs_of(
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
pub(super) async fn open_rows(
    db: &impl ConnectionTrait,
) -> Result<Vec<partner_requests::Model>, AppError> {
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
                form.commune = crate::server::infra::places::commune_label(&c);
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
            form.cpv = codes.join(", ").as_str().into();
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
                    form.commune = crate::server::infra::places::commune_label(&c);
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
