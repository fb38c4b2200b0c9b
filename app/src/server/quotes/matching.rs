//! Which suppliers a quick consultation goes to: every public business with a published food
//! offer of the product, available in the delivery window, delivered to the place, with a sign
//! the buyer requires (`domain::food::answers`). Each supplier once, however many of its offers
//! match; emailed when one of its matching offers has its alerts on.

use crate::domain::food::{self, Delivery, FoodOffer, Months, Need};
use crate::domain::offer::{AreaKind, OfferStatus};
use crate::domain::org::OrgKind;
use crate::error::AppError;
use crate::server::infra::entities::{
    communes, offer_areas, offer_cpv, offer_labels, offers, organisations,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

/// A supplier to send a consultation to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    pub org_id: i32,
    /// Whether its members are emailed (one of its matching offers has its alerts on).
    pub emailed: bool,
}

/// The suppliers `needs` go to, by organisation id.
pub async fn suppliers(
    db: &impl ConnectionTrait,
    needs: &[Need],
) -> Result<Vec<Matched>, AppError> {
    if needs.is_empty() {
        return Ok(Vec::new());
    }
    // The offers of the same product either way: a code under the need's (its significant
    // digits as a prefix), or one of the codes holding it (its prefixes padded with zeros).
    let mut wanted = Condition::any();
    for n in needs {
        let significant = crate::domain::cpv::prefix_of(&n.cpv, 8);
        wanted = wanted.add(offer_cpv::Column::CpvCode.starts_with(significant.as_str()));
        let holding: Vec<String> = (2..significant.len())
            .map(|k| crate::domain::cpv::prefix_code(&significant[..k]))
            .collect();
        wanted = wanted.add(offer_cpv::Column::CpvCode.is_in(holding));
    }
    let mut codes: HashMap<i32, Vec<String>> = HashMap::new();
    for c in offer_cpv::Entity::find().filter(wanted).all(db).await? {
        if needs
            .iter()
            .any(|n| food::same_product(&c.cpv_code, &n.cpv))
        {
            codes.entry(c.offer_id).or_default().push(c.cpv_code);
        }
    }
    let ids: Vec<i32> = codes.keys().copied().collect();
    let mut out: BTreeMap<i32, bool> = BTreeMap::new();
    for chunk in ids.chunks(1_000) {
        let found = offers::Entity::find()
            .filter(offers::Column::Id.is_in(chunk.to_vec()))
            .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
            .all(db)
            .await?;
        let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(found.iter().map(|o| o.organisation_id)))
            .filter(organisations::Column::IsPublic.eq(true))
            .filter(organisations::Column::Kind.eq(OrgKind::Business.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let mut areas: HashMap<i32, Vec<offer_areas::Model>> = HashMap::new();
        for a in offer_areas::Entity::find()
            .filter(offer_areas::Column::OfferId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            areas.entry(a.offer_id).or_default().push(a);
        }
        let mut signs: HashMap<i32, Vec<String>> = HashMap::new();
        for l in offer_labels::Entity::find()
            .filter(offer_labels::Column::OfferId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            signs.entry(l.offer_id).or_default().push(l.label);
        }
        // Where each offer's radius counts from: where it is produced, else its business.
        let origins: HashMap<String, (f64, f64)> = communes::Entity::find()
            .filter(
                communes::Column::Insee.is_in(
                    found
                        .iter()
                        .filter_map(|o| o.production_commune.clone())
                        .chain(orgs.values().filter_map(|o| o.commune_insee.clone())),
                ),
            )
            .all(db)
            .await?
            .into_iter()
            .filter_map(|c| Some((c.insee, (c.lat?, c.lon?))))
            .collect();
        for o in found {
            let Some(org) = orgs.get(&o.organisation_id) else {
                continue;
            };
            let mut delivery = Delivery {
                radius_km: o.delivery_radius_km.map(f64::from),
                origin: o
                    .production_commune
                    .as_ref()
                    .or(org.commune_insee.as_ref())
                    .and_then(|c| origins.get(c).copied()),
                ..Default::default()
            };
            for a in areas.remove(&o.id).unwrap_or_default() {
                if a.kind == AreaKind::Department.as_str() {
                    delivery.departments.insert(a.code);
                } else {
                    delivery.communes.insert(a.code);
                }
            }
            let offer = FoodOffer {
                offer_id: o.id,
                supplier_id: org.id,
                cpv: codes.remove(&o.id).unwrap_or_default(),
                // A season never said is read as all year.
                months: o.season.map_or(Months::ALL, |b| Months(b as u16)),
                delivery,
                signs: signs.remove(&o.id).unwrap_or_default(),
            };
            if needs.iter().any(|n| food::answers(&offer, n)) {
                let emailed = out.entry(org.id).or_insert(false);
                *emailed |= o.quote_alerts;
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(org_id, emailed)| Matched { org_id, emailed })
        .collect())
}
