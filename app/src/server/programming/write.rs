//! Writing a planned procurement: its buyer's verified members create and update it, move it
//! through its stages, import a prior information notice as a draft, and link it to the contract
//! that was awarded.

use super::*;

/// A new planned procurement of the buyer `org_id`, at the stage "planned".
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
    form: &PlanForm,
) -> Result<i32, AppError> {
    let user = caller.user()?;
    verified(caller, org_id)?;
    let input = form.check()?;
    let txn = begin_write(db).await?;
    known_cpv(&txn, "cpv", &input.cpv).await?;
    let now = Utc::now();
    let mut m = plans::ActiveModel {
        buyer_id: Set(org_id),
        status: Set(PlanStatus::Planned.as_str().into()),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut m, &input, planned_hours(&txn, &input).await?);
    let p = m.insert(&txn).await?;
    write_children(&txn, p.id, &input).await?;
    record(&txn, p.id, user.id, PlanStatus::Planned, None).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// Changes what is planned, while it is still planned or in sourcing.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    form: &PlanForm,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    let status = PlanStatus::parse(&p.status).ok_or(AppError::Internal)?;
    if !status.editable() {
        return Err(AppError::field("status", "plan.not_editable"));
    }
    let input = form.check()?;
    known_cpv(&txn, "cpv", &input.cpv).await?;
    let mut m: plans::ActiveModel = p.into();
    fill(&mut m, &input, planned_hours(&txn, &input).await?);
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    write_children(&txn, id, &input).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves the procurement to another stage (`PlanStatus::may_become`); returns the stage it
/// left. Publishing needs the
/// tender's address on the buyer's profile (http or https); cancelling, a reason.
pub async fn set_status(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    status: &str,
    tender_url: &str,
    note: &str,
) -> Result<PlanStatus, AppError> {
    let user = caller.user()?;
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    let to = PlanStatus::parse(status)
        .ok_or_else(|| AppError::field("status", "validation.unknown_choice"))?;
    let from = PlanStatus::parse(&p.status).ok_or(AppError::Internal)?;
    if !from.may_become(to) {
        return Err(AppError::field("status", "plan.status_not_allowed"));
    }
    let mut c = Checker::new();
    let url = c.optional("tender_url", tender_url, 500);
    let note = c.optional("note", note, 2000);
    if to == PlanStatus::Published {
        match &url {
            None => c.push("tender_url", "validation.required"),
            Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => {
                c.push("tender_url", "validation.url")
            }
            _ => {}
        }
    }
    if to == PlanStatus::Cancelled && note.is_none() {
        c.push("note", "validation.required");
    }
    c.finish()?;
    let mut m: plans::ActiveModel = p.into();
    m.status = Set(to.as_str().into());
    if to == PlanStatus::Published {
        m.tender_url = Set(url.clone());
    }
    if from == PlanStatus::Draft {
        // A reviewed draft reaches the public now: weekly digests count it from today.
        m.created_at = Set(Utc::now());
    }
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    let note = if to == PlanStatus::Published {
        url
    } else {
        note
    };
    record(&txn, id, user.id, to, note).await?;
    txn.commit().await?;
    Ok(from)
}

/// Imports an eForms prior information notice as a draft of the buyer `org_id` (with its
/// parts as lots): only the buyer's members see it until one of them publishes it. CPV codes
/// the reference does not know are left out; returns the draft's id and how many were.
pub async fn import_notice(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
    notice: &crate::domain::eforms::PinNotice,
) -> Result<(i32, usize), AppError> {
    let user = caller.user()?;
    verified(caller, org_id)?;
    let mut draft = notice.draft(Utc::now().date_naive());
    let all: Vec<String> = notice
        .cpv
        .iter()
        .chain(draft.lots.iter().flat_map(|l| l.cpv.iter()))
        .cloned()
        .collect();
    let known: HashSet<String> = cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(all.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let dropped = all.iter().filter(|c| !known.contains(*c)).count();
    draft.form.cpv = crate::domain::cpv::CpvCodes(
        notice
            .cpv
            .iter()
            .filter(|c| known.contains(*c))
            .cloned()
            .collect(),
    );
    for l in &mut draft.lots {
        l.cpv.retain(|c| known.contains(c));
    }
    let input = draft.form.check()?;
    let notice_id: Option<String> =
        (!notice.notice_id.is_empty()).then(|| notice.notice_id.chars().take(100).collect());
    let txn = begin_write(db).await?;
    if let Some(n) = &notice_id {
        let twice = plans::Entity::find()
            .filter(plans::Column::BuyerId.eq(org_id))
            .filter(plans::Column::EformsNoticeId.eq(n.as_str()))
            .one(&txn)
            .await?;
        if twice.is_some() {
            return Err(AppError::field("file", "plan.import_twice"));
        }
    }
    let now = Utc::now();
    let mut m = plans::ActiveModel {
        buyer_id: Set(org_id),
        status: Set(PlanStatus::Draft.as_str().into()),
        eforms_notice_id: Set(notice_id.clone()),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut m, &input, planned_hours(&txn, &input).await?);
    let p = m.insert(&txn).await?;
    write_children(&txn, p.id, &input).await?;
    for (i, l) in draft.lots.iter().enumerate() {
        plan_lots::ActiveModel {
            plan_id: Set(p.id),
            number: Set(i as i32 + 1),
            title: Set(l.title.clone()),
            cpv: Set(l.cpv.join(",")),
            estimate_min: Set(l.estimate),
            estimate_max: Set(l.estimate),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    record(
        &txn,
        p.id,
        user.id,
        PlanStatus::Draft,
        notice_id.map(|n| format!("eForms {n}")),
    )
    .await?;
    txn.commit().await?;
    Ok((p.id, dropped))
}

/// Deletes a draft (an imported notice the buyer does not keep). Published stages are never
/// deleted: they are cancelled, with a reason.
pub async fn delete_draft(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    if p.status != PlanStatus::Draft.as_str() {
        return Err(AppError::field("status", "plan.not_draft"));
    }
    let buyer = p.buyer_id;
    plans::Entity::delete_by_id(id).exec(&txn).await?;
    crate::server::audit::record(
        &txn,
        caller.user.as_ref().map(|u| u.id),
        crate::domain::audit::Action::PlanDeleted,
        crate::server::audit::Target::Org(buyer),
        format!("plan {id}: {}", p.title),
    )
    .await?;
    txn.commit().await?;
    Ok(buyer)
}

/// A contract as the award panel lists it.
pub(super) fn contract_text(c: &crate::server::infra::entities::contracts::Model) -> String {
    let mut parts = vec![c.object.clone().unwrap_or_else(|| c.uid.clone())];
    if let Some(d) = c.notified_on {
        parts.push(format!("notifié le {}", d.format("%d/%m/%Y")));
    }
    if let Some(a) = c.amount_cents {
        parts.push(crate::domain::contracts::format_euros(a));
    }
    parts.join(" — ")
}

/// How many contracts the award panel offers at most.
pub(super) const AWARD_CANDIDATES: u64 = 30;

/// The contract an awarded procurement is linked to, and the imported contracts of its buyer
/// it may be (`contract_choices`).
pub async fn award_link(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<AwardLink, AppError> {
    let p = writable(db, caller, id).await?;
    let buyer = verified(caller, p.buyer_id)?.siret.clone();
    let mut link = contract_choices(db, &p, &buyer, p.contract_id).await?;
    (link.awardee, link.awardee_suggestions) = super::hours::awardee_choices(db, &p).await?;
    Ok(link)
}

/// The contract `current` and the imported contracts of the buyer `siret` (a coordinator or a
/// member of a groupement) notified since a year before the procurement's expected
/// publication: those sharing its CPV divisions first, then the latest.
pub(crate) async fn contract_choices(
    db: &impl ConnectionTrait,
    p: &plans::Model,
    siret: &str,
    current: Option<i32>,
) -> Result<AwardLink, AppError> {
    use crate::server::infra::entities::contracts;
    let current = match current {
        Some(c) => contracts::Entity::find_by_id(c)
            .one(db)
            .await?
            .map(|c| (c.id, contract_text(&c))),
        None => None,
    };
    let divisions: HashSet<String> = plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.eq(p.id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code.chars().take(2).collect())
        .collect();
    let since = p
        .publication_date
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(p.publication_date);
    let mut rows = contracts::Entity::find()
        .filter(contracts::Column::BuyerSiret.eq(siret))
        .filter(contracts::Column::NotifiedOn.gte(since))
        .order_by_desc(contracts::Column::NotifiedOn)
        .limit(500)
        .all(db)
        .await?;
    // Stable: within each group, the latest first.
    rows.sort_by_key(|c| {
        !c.cpv_division
            .as_ref()
            .is_some_and(|d| divisions.contains(d))
    });
    Ok(AwardLink {
        current,
        candidates: rows
            .iter()
            .take(AWARD_CANDIDATES as usize)
            .map(|c| (c.id, contract_text(c)))
            .collect(),
        ..Default::default()
    })
}

/// Whether `contract` is one of the buyer `siret`'s imported contracts.
pub(crate) async fn owns_contract(
    db: &impl ConnectionTrait,
    siret: &str,
    contract: i32,
) -> Result<bool, AppError> {
    use crate::server::infra::entities::contracts;
    Ok(contracts::Entity::find_by_id(contract)
        .filter(contracts::Column::BuyerSiret.eq(siret))
        .one(db)
        .await?
        .is_some())
}

/// Links an awarded procurement to one of its buyer's contracts (`None` unlinks it).
pub async fn link_contract(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    contract: Option<i32>,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let p = writable(&txn, caller, id).await?;
    if p.status != PlanStatus::Awarded.as_str() {
        return Err(AppError::field("contract", "plan.not_awarded"));
    }
    if let Some(c) = contract {
        let buyer = verified(caller, p.buyer_id)?.siret.clone();
        if !owns_contract(&txn, &buyer, c).await? {
            return Err(AppError::field("contract", "validation.unknown_choice"));
        }
    }
    let mut m: plans::ActiveModel = p.into();
    m.contract_id = Set(contract);
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}
