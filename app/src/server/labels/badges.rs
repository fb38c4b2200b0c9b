//! Granted labels in force, shown as badges on offers, organisations and firms.

use super::*;
use crate::domain::offer::OfferStatus;

/// Granted labels in force, by holder: `offer_ids` gives the offers' own, `org_ids` the
/// businesses' own (not their offers').
pub(super) async fn in_force(
    db: &impl ConnectionTrait,
    cond: Condition,
) -> Result<Vec<(label_applications::Model, String)>, DbErr> {
    let apps = label_applications::Entity::find()
        .filter(label_applications::Column::Status.eq(ApplicationStatus::Granted.as_str()))
        .filter(label_applications::Column::ExpiresAt.gt(Utc::now()))
        .filter(cond)
        .order_by_asc(label_applications::Column::SchemeId)
        .all(db)
        .await?;
    let schemes: HashMap<i32, String> = label_schemes::Entity::find()
        .filter(
            label_schemes::Column::Id
                .is_in(apps.iter().map(|a| a.scheme_id).collect::<HashSet<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(apps
        .into_iter()
        .filter_map(|a| {
            let name = schemes.get(&a.scheme_id)?.clone();
            Some((a, name))
        })
        .collect())
}

pub(super) fn badge(a: &label_applications::Model, name: String) -> LabelBadge {
    LabelBadge {
        scheme_id: a.scheme_id,
        name,
        until: a.expires_at.map(day).unwrap_or_default(),
    }
}

/// The labels in force of each offer.
pub async fn offer_badges(
    db: &impl ConnectionTrait,
    offer_ids: &[i32],
) -> Result<HashMap<i32, Vec<LabelBadge>>, DbErr> {
    let mut out: HashMap<i32, Vec<LabelBadge>> = HashMap::new();
    if offer_ids.is_empty() {
        return Ok(out);
    }
    let cond =
        Condition::all().add(label_applications::Column::OfferId.is_in(offer_ids.iter().copied()));
    for (a, name) in in_force(db, cond).await? {
        if let Some(o) = a.offer_id {
            out.entry(o).or_default().push(badge(&a, name));
        }
    }
    Ok(out)
}

/// The labels in force of each business, for itself.
pub async fn org_badges(
    db: &impl ConnectionTrait,
    org_ids: &[i32],
) -> Result<HashMap<i32, Vec<LabelBadge>>, DbErr> {
    let mut out: HashMap<i32, Vec<LabelBadge>> = HashMap::new();
    if org_ids.is_empty() {
        return Ok(out);
    }
    let cond = Condition::all()
        .add(label_applications::Column::OrganisationId.is_in(org_ids.iter().copied()))
        .add(label_applications::Column::OfferId.is_null());
    for (a, name) in in_force(db, cond).await? {
        out.entry(a.organisation_id)
            .or_default()
            .push(badge(&a, name));
    }
    Ok(out)
}

/// The labels in force of each business, for itself or for one of its published offers (one
/// badge a referential): what the directory shows beside a firm.
pub async fn firm_badges(
    db: &impl ConnectionTrait,
    org_ids: &[i32],
) -> Result<HashMap<i32, Vec<LabelBadge>>, DbErr> {
    let mut out: HashMap<i32, Vec<LabelBadge>> = HashMap::new();
    if org_ids.is_empty() {
        return Ok(out);
    }
    let cond = Condition::all()
        .add(label_applications::Column::OrganisationId.is_in(org_ids.iter().copied()));
    let held = in_force(db, cond).await?;
    let published: HashSet<i32> = offers::Entity::find()
        .filter(offers::Column::Id.is_in(held.iter().filter_map(|(a, _)| a.offer_id)))
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    for (a, name) in held {
        if a.offer_id.is_some_and(|o| !published.contains(&o)) {
            continue;
        }
        let badges = out.entry(a.organisation_id).or_default();
        if !badges.iter().any(|b| b.scheme_id == a.scheme_id) {
            badges.push(badge(&a, name));
        }
    }
    Ok(out)
}

/// Names of referentials by id (for facets).
pub async fn scheme_names(db: &DatabaseConnection) -> Result<HashMap<String, String>, DbErr> {
    Ok(label_schemes::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect())
}
