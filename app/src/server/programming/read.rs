//! Reading the programming: a plan for its editor and its page, the filtered list and its
//! timeline, the buyers to filter by, a buyer's own plans, the feeds' items.

use super::*;
use crate::domain::insertion::InsertionView;
use crate::server::infra::answers::Answers;

/// A plan's CPV codes.
async fn codes_of(db: &impl ConnectionTrait, id: i32) -> Result<Vec<String>, AppError> {
    Ok(plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code)
        .collect())
}

/// A plan's own insertion lever, as stored.
fn insertion_of(p: &plans::Model) -> Option<InsertionView> {
    InsertionView::of(
        p.insertion_kind.as_deref(),
        p.insertion_hours,
        p.insertion_weight,
        p.insertion_own,
    )
}

pub(crate) fn planned(date: chrono::NaiveDate, precision: &str) -> Planned {
    Planned {
        date,
        precision: Precision::parse(precision).unwrap_or(Precision::Day),
    }
}

pub(super) async fn lots_of(db: &impl ConnectionTrait, id: i32) -> Result<Vec<LotView>, AppError> {
    let rates = insertion::rates(db).await?;
    Ok(plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(id))
        .order_by_asc(plan_lots::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(|l| {
            let cpv: Vec<String> = l
                .cpv
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            LotView {
                id: l.id,
                number: l.number,
                title: l.title,
                insertion: InsertionView::of(
                    l.insertion_kind.as_deref(),
                    l.insertion_hours,
                    l.insertion_weight,
                    l.insertion_own,
                ),
                proposal: rates.propose(&cpv, l.estimate_min, l.estimate_max),
                cpv_labels: cpv
                    .iter()
                    .map(|c| {
                        crate::server::infra::cpv::label_of(c)
                            .unwrap_or_default()
                            .to_string()
                    })
                    .collect(),
                cpv,
                estimate_min: l.estimate_min,
                estimate_max: l.estimate_max,
            }
        })
        .collect())
}

/// The plan in its editor, for the buyer's verified members.
pub async fn for_edit(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<PlanEdit, AppError> {
    let p = writable(db, caller, id).await?;
    let buyer = verified(caller, p.buyer_id)?.name.clone();
    let cpv = codes_of(db, id).await?;
    let labels: Vec<String> = plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.label)
        .collect();
    let on = |b: bool| b.then(|| "on".to_string());
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let insertion = insertion_of(&p);
    let lever = InsertionView::form(insertion.as_ref());
    let insertion_proposal = insertion::propose(db, &cpv, p.estimate_min, p.estimate_max).await?;
    let form = PlanForm {
        title: p.title.clone(),
        description: p.description.clone(),
        cpv: crate::domain::cpv::CpvCodes(cpv),
        estimate_min: num(p.estimate_min),
        estimate_max: num(p.estimate_max),
        procedure: p.procedure.clone(),
        publication: planned(p.publication_date, &p.publication_precision).text(),
        start: p
            .start_date
            .map(|d| planned(d, p.start_precision.as_deref().unwrap_or("day")).text())
            .unwrap_or_default(),
        duration_months: p.duration_months.map(|d| d.to_string()).unwrap_or_default(),
        contact: p.contact.clone().unwrap_or_default(),
        allotment: on(p.allotment),
        short_chain: on(p.short_chain),
        life_cycle: on(p.life_cycle),
        co2: on(p.co2),
        insertion_kind: lever.kind,
        insertion_hours: lever.hours,
        insertion_weight: lever.weight,
        reserved: p.reserved.clone().unwrap_or_default(),
        labels: labels.into_iter().map(|l| (l, "on".to_string())).collect(),
    };
    Ok(PlanEdit {
        id,
        buyer_id: p.buyer_id,
        buyer_name: buyer,
        status: PlanStatus::parse(&p.status).ok_or(AppError::Internal)?,
        form,
        lots: lots_of(db, id).await?,
        tender_url: p.tender_url,
        insertion,
        insertion_proposal,
    })
}

/// Rows of these plans, in their order, with their buyer, CPV codes and levers.
pub(crate) async fn summaries(
    db: &impl ConnectionTrait,
    rows: Vec<plans::Model>,
) -> Result<Vec<PlanSummary>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|p| p.id).collect();
    let buyers: HashMap<i32, String> = organisations::Entity::find()
        .filter(
            organisations::Column::Id
                .is_in(rows.iter().map(|p| p.buyer_id).collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut cpv: HashMap<i32, Vec<String>> = HashMap::new();
    for c in plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        cpv.entry(c.plan_id).or_default().push(c.cpv_code);
    }
    let labels: HashSet<i32> = plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.plan_id)
        .collect();
    let mut lots: HashMap<i32, usize> = HashMap::new();
    // A lot's insertion lever is its plan's too.
    let mut lot_insertion: HashSet<i32> = HashSet::new();
    for l in plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.is_in(ids))
        .all(db)
        .await?
    {
        *lots.entry(l.plan_id).or_default() += 1;
        if l.insertion_kind.is_some() {
            lot_insertion.insert(l.plan_id);
        }
    }
    let joint = super::joint::totals_of(db, &rows).await?;
    let today = crate::server::partners::today();
    let names: HashMap<String, String> = cpv_codes::Entity::find()
        .filter(
            cpv_codes::Column::Code.is_in(cpv.values().flatten().cloned().collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label_fr))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let when = planned(p.publication_date, &p.publication_precision);
            Some(PlanSummary {
                id: p.id,
                buyer_name: buyers.get(&p.buyer_id)?.clone(),
                buyer_id: p.buyer_id,
                status: PlanStatus::parse(&p.status)?,
                publication: when.text(),
                quarter: when.quarter_key(),
                estimate_min: p.estimate_min,
                estimate_max: p.estimate_max,
                cpv: cpv
                    .remove(&p.id)
                    .unwrap_or_default()
                    .into_iter()
                    .take(3)
                    .map(|c| {
                        let label = names.get(&c).cloned().unwrap_or_default();
                        (c, label)
                    })
                    .collect(),
                levers: levers_of(
                    p.allotment,
                    p.short_chain,
                    p.life_cycle,
                    p.co2,
                    p.insertion_kind.is_some() || lot_insertion.contains(&p.id),
                    p.reserved.is_some(),
                    labels.contains(&p.id),
                ),
                lots: lots.get(&p.id).copied().unwrap_or(0),
                joint: match (joint.get(&p.id), p.joint_deadline) {
                    (Some(t), Some(d)) => Some(crate::domain::programming::JointSummary {
                        deadline: d.format("%d/%m/%Y").to_string(),
                        open_now: crate::domain::joint::joinable(
                            true,
                            Some(d),
                            PlanStatus::parse(&p.status),
                            today,
                        ),
                        totals: t.text(),
                    }),
                    _ => None,
                },
                title: p.title,
            })
        })
        .collect())
}

/// A planned procurement for everyone.
pub async fn view(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<PlanView, AppError> {
    let p = plan_of(db, id).await?;
    let can_edit = verified(caller, p.buyer_id).is_ok();
    if p.status == PlanStatus::Draft.as_str() && !can_edit {
        return Err(AppError::NotFound);
    }
    let labels = plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|l| Some((l.label.clone(), label_name(&l.label)?.to_string())))
        .collect();
    let events = plan_events::Entity::find()
        .filter(plan_events::Column::PlanId.eq(id))
        .order_by_asc(plan_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(PlanEventView {
                status: PlanStatus::parse(&e.status)?,
                note: e.note,
                on: e.created_at.format("%d/%m/%Y").to_string(),
            })
        })
        .collect();
    let lots = lots_of(db, id).await?;
    let start = p
        .start_date
        .map(|d| planned(d, p.start_precision.as_deref().unwrap_or("day")).text());
    let insertion = insertion_of(&p);
    let insertion_proposal = match &insertion {
        Some(i) if !i.own => {
            let cpv = codes_of(db, id).await?;
            insertion::propose(db, &cpv, p.estimate_min, p.estimate_max).await?
        }
        _ => None,
    };
    let (description, procedure, duration, contact, reserved, url, contract) = (
        p.description.clone(),
        Procedure::parse(&p.procedure).unwrap_or(Procedure::Undecided),
        p.duration_months,
        p.contact.clone(),
        p.reserved.as_deref().and_then(Reserved::parse),
        p.tender_url.clone(),
        p.contract_id,
    );
    let summary = summaries(db, vec![p])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(PlanView {
        summary,
        description,
        procedure,
        start,
        duration_months: duration,
        contact,
        insertion,
        insertion_proposal,
        reserved,
        labels,
        lots,
        tender_url: url,
        contract_id: contract,
        events,
        can_edit,
    })
}

/// The condition of the filters (on `plans`).
pub(crate) fn condition(f: &PlanFilters) -> Condition {
    // Drafts are their buyer's alone, whatever the filters say.
    let mut c = Condition::all().add(plans::Column::Status.ne(PlanStatus::Draft.as_str()));
    match f.status.as_deref() {
        Some(s) => c = c.add(plans::Column::Status.eq(s)),
        // By default, what is still to come.
        None => {
            c = c.add(plans::Column::Status.is_in([
                PlanStatus::Planned.as_str(),
                PlanStatus::Sourcing.as_str(),
                PlanStatus::Published.as_str(),
            ]))
        }
    }
    if let Some(b) = f.buyer.as_ref().and_then(|b| b.parse::<i32>().ok()) {
        c = c.add(plans::Column::BuyerId.eq(b));
    }
    if f.joint {
        // Other buyers may still join: open, its last day not past, before the tender.
        c = c
            .add(plans::Column::JointConvention.is_not_null())
            .add(plans::Column::JointDeadline.gte(crate::server::partners::today()))
            .add(
                plans::Column::Status
                    .is_in([PlanStatus::Planned.as_str(), PlanStatus::Sourcing.as_str()]),
            );
    }
    if let Some(div) = &f.cpv {
        c = c.add(
            plans::Column::Id.in_subquery(
                Query::select()
                    .column(plan_cpv::Column::PlanId)
                    .from(plan_cpv::Entity)
                    .and_where(plan_cpv::Column::CpvCode.starts_with(div.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some((start, end)) = f.quarter.as_deref().and_then(quarter_bounds) {
        c = c.add(plans::Column::PublicationDate.between(start, end));
    }
    if let Some((_, lo, hi)) = f
        .amount
        .as_deref()
        .and_then(|a| AMOUNTS.iter().find(|(k, _, _)| *k == a))
    {
        // The upper estimate when given, else the lower one.
        let within = |col: plans::Column| {
            let mut w = Condition::all().add(col.gte(*lo));
            if let Some(hi) = hi {
                w = w.add(col.lte(*hi));
            }
            w
        };
        c = c.add(
            Condition::any()
                .add(within(plans::Column::EstimateMax))
                .add(
                    Condition::all()
                        .add(plans::Column::EstimateMax.is_null())
                        .add(within(plans::Column::EstimateMin)),
                ),
        );
    }
    match f.lever.as_deref() {
        Some("allotment") => c = c.add(plans::Column::Allotment.eq(true)),
        Some("short_chain") => c = c.add(plans::Column::ShortChain.eq(true)),
        Some("life_cycle") => c = c.add(plans::Column::LifeCycle.eq(true)),
        Some("co2") => c = c.add(plans::Column::Co2.eq(true)),
        Some("insertion") => c = c.add(insertion_lever()),
        Some("reserved") => c = c.add(plans::Column::Reserved.is_not_null()),
        Some("labels") => {
            c = c.add(
                plans::Column::Id.in_subquery(
                    Query::select()
                        .column(plan_labels::Column::PlanId)
                        .from(plan_labels::Entity)
                        .to_owned(),
                ),
            )
        }
        _ => {}
    }
    c
}

/// Plans with an insertion lever of their own or on one of their lots.
pub(crate) fn insertion_lever() -> Condition {
    Condition::any()
        .add(plans::Column::InsertionKind.is_not_null())
        .add(
            plans::Column::Id.in_subquery(
                Query::select()
                    .column(plan_lots::Column::PlanId)
                    .from(plan_lots::Entity)
                    .and_where(plan_lots::Column::InsertionKind.is_not_null())
                    .to_owned(),
            ),
        )
}

/// The buyer filter's choices (see `PlanPage::buyers`) and how many buyers there are in all.
pub(super) async fn buyer_choices(
    db: &DatabaseConnection,
    f: &PlanFilters,
) -> Result<(Vec<(i32, String, u64)>, usize), AppError> {
    let others = PlanFilters {
        buyer: None,
        ..f.clone()
    };
    let mut counts: Vec<(i32, i64)> = plans::Entity::find()
        .select_only()
        .column(plans::Column::BuyerId)
        .column_as(plans::Column::Id.count(), "n")
        .filter(condition(&others))
        .group_by(plans::Column::BuyerId)
        .into_tuple()
        .all(db)
        .await?;
    let total = counts.len();
    // The most active first, ties by id: the same choices for the same data.
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let chosen = f.buyer.as_ref().and_then(|b| b.parse::<i32>().ok());
    let mut shown: Vec<(i32, i64)> = counts.iter().take(BUYERS_SHOWN).copied().collect();
    if let Some(c) = chosen {
        if !shown.iter().any(|(id, _)| *id == c) {
            shown.push((
                c,
                counts
                    .iter()
                    .find(|(id, _)| *id == c)
                    .map(|x| x.1)
                    .unwrap_or(0),
            ));
        }
    }
    let names: HashMap<i32, String> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(shown.iter().map(|(id, _)| *id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut buyers: Vec<(i32, String, u64)> = shown
        .into_iter()
        .filter_map(|(id, n)| Some((id, names.get(&id)?.clone(), n.max(0) as u64)))
        .collect();
    buyers.sort_by_key(|a| (a.1.to_lowercase(), a.0));
    Ok((buyers, total))
}

/// Planned procurements in the timeline's pages.
pub const TIMELINE_PER_PAGE: u64 = 100;

/// What a list of the programming costs a scan for: its count, its buyers' choices and the ids
/// of its page, in order.
#[derive(Clone)]
struct Listed {
    total: u64,
    page: u64,
    pages: u64,
    ids: Vec<i32>,
    buyers: Vec<(i32, String, u64)>,
    buyers_total: usize,
}

async fn listed(db: &DatabaseConnection, f: &PlanFilters) -> Result<Listed, AppError> {
    let per_page = if f.timeline {
        TIMELINE_PER_PAGE
    } else {
        PER_PAGE
    };
    let q = plans::Entity::find().filter(condition(f));
    let total = q.clone().count(db).await?;
    let pages = total.div_ceil(per_page).max(1);
    let page = f.page.clamp(1, pages);
    let ids: Vec<i32> = q
        .select_only()
        .column(plans::Column::Id)
        .order_by_asc(plans::Column::PublicationDate)
        .order_by_asc(plans::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .into_tuple()
        .all(db)
        .await?;
    let (buyers, buyers_total) = buyer_choices(db, f).await?;
    Ok(Listed {
        total,
        page,
        pages,
        ids,
        buyers,
        buyers_total,
    })
}

/// The page of `listed`, its rows read now.
async fn page_of(db: &DatabaseConnection, listed: Listed) -> Result<PlanPage, AppError> {
    let mut by_id: HashMap<i32, plans::Model> = plans::Entity::find()
        .filter(plans::Column::Id.is_in(listed.ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let rows = listed
        .ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .collect();
    Ok(PlanPage {
        rows: summaries(db, rows).await?,
        total: listed.total,
        page: listed.page,
        pages: listed.pages,
        buyers: listed.buyers,
        buyers_total: listed.buyers_total,
    })
}

/// A page of the programming, by expected publication date.
pub async fn list(db: &DatabaseConnection, f: &PlanFilters) -> Result<PlanPage, AppError> {
    page_of(db, listed(db, f).await?).await
}

/// The same, its count, buyers and ids kept in `answers` until a plan (its codes, lots, labels)
/// or a buyer's name is written — by any instance: the generation is the database's.
pub async fn list_remembered(
    db: &DatabaseConnection,
    answers: &Answers,
    f: &PlanFilters,
) -> Result<PlanPage, AppError> {
    // Read before the scan: an answer is never kept under a generation older than its data.
    let generation = crate::server::infra::answers::generation(db, "plans").await?;
    // The day is in the key: "still joinable" depends on it.
    let key = format!(
        "plans|{generation}|{}|{f:?}",
        crate::server::partners::today()
    );
    let listed = match answers.get::<Listed>(&key) {
        Some(l) => l,
        None => {
            let l = listed(db, f).await?;
            answers.put(key, l.clone());
            l
        }
    };
    page_of(db, listed).await
}

/// The buyer's planned procurements (every stage), for its verified members.
pub async fn of_buyer(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
) -> Result<(String, Vec<PlanSummary>), AppError> {
    let org = verified(caller, org_id)?.name.clone();
    let rows = plans::Entity::find()
        .filter(plans::Column::BuyerId.eq(org_id))
        .order_by_desc(plans::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok((org, summaries(db, rows).await?))
}

/// A planned procurement in a feed: its row, when it last changed, when it is expected.
pub struct FeedItem {
    pub summary: PlanSummary,
    pub updated: chrono::DateTime<Utc>,
    pub publication: Planned,
}

/// The procurements of the filters for the feeds: the `limit` most recently changed (Atom), or
/// by expected publication (iCal, `by_date`).
pub async fn feed(
    db: &DatabaseConnection,
    f: &PlanFilters,
    limit: u64,
    by_date: bool,
) -> Result<Vec<FeedItem>, AppError> {
    let q = plans::Entity::find().filter(condition(f));
    let q = if by_date {
        q.order_by_asc(plans::Column::PublicationDate)
    } else {
        q.order_by_desc(plans::Column::UpdatedAt)
    };
    let rows = q
        .order_by_asc(plans::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let extra: HashMap<i32, (chrono::DateTime<Utc>, Planned)> = rows
        .iter()
        .map(|p| {
            (
                p.id,
                (
                    p.updated_at,
                    planned(p.publication_date, &p.publication_precision),
                ),
            )
        })
        .collect();
    Ok(summaries(db, rows)
        .await?
        .into_iter()
        .filter_map(|s| {
            let (updated, publication) = *extra.get(&s.id)?;
            Some(FeedItem {
                summary: s,
                updated,
                publication,
            })
        })
        .collect())
}
