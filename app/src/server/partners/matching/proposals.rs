//! The matchmaking's proposals for a partner request and for a planned procurement (partners
//! and whole consortia, with their reasons), and the needs no firm of the territory covers.

use super::*;

/// Proposals for a partner request, for its poster: the firms that bring what it asks for, and
/// teams of them that together bring all of it.
pub async fn for_request(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<ProposalsView, AppError> {
    let r = match own_request(db, caller, id).await {
        Ok(r) => r,
        Err(AppError::Forbidden) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    };
    let (cpv, labels) = needs_of_one(db, id).await?;
    let lot = match r.lot_id {
        Some(l) => plan_lots::Entity::find_by_id(l)
            .one(db)
            .await?
            .map(|l| l.number),
        None => None,
    };
    let (place, place_name) = place_of(db, r.commune.as_deref()).await?;
    let mut requirements: Vec<Requirement> = cpv
        .iter()
        .map(|c| Requirement {
            lot,
            need: Need::Cpv(c.clone()),
            estimate: None,
        })
        .collect();
    requirements.extend(labels.iter().map(|l| Requirement {
        lot,
        need: Need::Label(l.clone()),
        estimate: None,
    }));
    let proc = Procurement {
        requirements,
        place,
    };
    let (mut firms, mut lines) = candidates(db, &proc, &[], Some(r.organisation_id)).await?;
    // The poster itself: asked for by name, even if it brings nothing of what it asks.
    let me = match firms.iter().position(|f| f.id == r.organisation_id) {
        Some(i) => firms.remove(i),
        None => Firm {
            id: r.organisation_id,
            ..Firm::default()
        },
    };
    let me_line = lines.remove(&r.organisation_id);
    let proposals = matchmaking::propose(&proc, &firms, TOP);
    firms.push(me);
    let partners = matchmaking::partners_for(&proc, &firms, r.organisation_id, TOP);
    let names = cpv_names(db, cpv).await?;
    Ok(view_of(
        &proc, &names, &lines, proposals, partners, place_name, me_line,
    ))
}

/// The requirements of a planned procurement: each lot's code (the procurement's codes when it
/// has no lots) and the labels it asks, at the buyer's commune.
pub async fn plan_procurement(
    db: &impl ConnectionTrait,
    plan: &plans::Model,
) -> Result<(Procurement, Option<String>), AppError> {
    let lots = plan_lots::Entity::find()
        .filter(plan_lots::Column::PlanId.eq(plan.id))
        .all(db)
        .await?;
    let plan_codes: Vec<String> = plan_cpv::Entity::find()
        .filter(plan_cpv::Column::PlanId.eq(plan.id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code)
        .collect();
    let mut requirements: Vec<Requirement> = Vec::new();
    let mut lots = lots;
    lots.sort_by_key(|l| l.number);
    for l in &lots {
        // A lot without its own code is what the procurement's codes say.
        let codes = if l.cpv.is_empty() {
            plan_codes.clone()
        } else {
            vec![l.cpv.clone()]
        };
        for code in codes {
            requirements.push(Requirement {
                lot: Some(l.number),
                need: Need::Cpv(code),
                estimate: l.estimate_max.or(l.estimate_min),
            });
        }
    }
    if lots.is_empty() {
        for code in plan_codes {
            requirements.push(Requirement {
                lot: None,
                need: Need::Cpv(code),
                estimate: plan.estimate_max.or(plan.estimate_min),
            });
        }
    }
    for l in plan_labels::Entity::find()
        .filter(plan_labels::Column::PlanId.eq(plan.id))
        .all(db)
        .await?
    {
        requirements.push(Requirement {
            lot: None,
            need: Need::Label(l.label),
            estimate: None,
        });
    }
    let buyer = organisations::Entity::find_by_id(plan.buyer_id)
        .one(db)
        .await?;
    let (place, name) = place_of(db, buyer.and_then(|b| b.commune_insee).as_deref()).await?;
    Ok((
        Procurement {
            requirements,
            place,
        },
        name,
    ))
}

/// Proposals for a planned procurement (public, as the directory is): the best consortia of
/// local firms; with `firm` (one of the caller's businesses), those that include it and the
/// partners that best complement it.
pub async fn for_plan(
    db: &DatabaseConnection,
    caller: &Caller,
    plan_id: i32,
    firm: Option<i32>,
) -> Result<ProposalsView, AppError> {
    let plan = plans::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .filter(|p| p.status != crate::domain::programming::PlanStatus::Draft.as_str())
        .ok_or(AppError::NotFound)?;
    if let Some(f) = firm {
        match caller.membership(f) {
            Some((_, o)) if OrgKind::parse(&o.kind) == Some(OrgKind::Business) => {}
            _ => return Err(AppError::Forbidden),
        }
    }
    let (proc, place_name) = plan_procurement(db, &plan).await?;
    let (mut firms, lines) = candidates(db, &proc, &[], firm).await?;
    let codes: Vec<String> = proc
        .requirements
        .iter()
        .filter_map(|r| match &r.need {
            Need::Cpv(c) => Some(c.clone()),
            Need::Label(_) => None,
        })
        .collect();
    let names = cpv_names(db, codes).await?;
    let Some(me) = firm else {
        let proposals = matchmaking::propose(&proc, &firms, TOP);
        return Ok(view_of(
            &proc,
            &names,
            &lines,
            proposals,
            Vec::new(),
            place_name,
            None,
        ));
    };
    if !firms.iter().any(|f| f.id == me) {
        firms.push(Firm {
            id: me,
            ..Firm::default()
        });
    }
    let proposals = matchmaking::propose_with(&proc, &firms, me, TOP);
    let partners = matchmaking::partners_for(&proc, &firms, me, TOP);
    let me_line = lines.get(&me).cloned();
    Ok(view_of(
        &proc, &names, &lines, proposals, partners, place_name, me_line,
    ))
}

/// The CPV codes of a planned procurement's requirements that no candidate firm covers — the
/// shortage signal the territory's analytics count by trade.
pub async fn uncovered_cpv(
    db: &DatabaseConnection,
    plan: &plans::Model,
) -> Result<Vec<String>, AppError> {
    let (proc, _) = plan_procurement(db, plan).await?;
    let (firms, _) = candidates(db, &proc, &[], None).await?;
    let proposals = matchmaking::propose(&proc, &firms, 1);
    Ok(proposals
        .uncovered
        .iter()
        .filter_map(|i| match &proc.requirements.get(*i)?.need {
            Need::Cpv(c) => Some(c.clone()),
            Need::Label(_) => None,
        })
        .collect())
}
