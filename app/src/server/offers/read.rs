//! Reading offers: a business's own list, an offer for its editor, and its public page.

use super::*;
use crate::domain::food::{Months, Weekdays};
use crate::domain::ids::{OfferId, OrgId, UserId};
use crate::domain::offer::AreaKind;

/// The organisation's offers, newest change first, for its members.
pub async fn list(
    db: &DatabaseConnection,
    user_id: UserId,
    org_id: OrgId,
) -> Result<(organisations::Model, Vec<OfferSummary>), AppError> {
    let (user_id, org_id) = (user_id.get(), org_id.get());
    let org = member_business(db, UserId(user_id), OrgId(org_id)).await?;
    let rows = offers::Entity::find()
        .filter(offers::Column::OrganisationId.eq(org_id))
        .order_by_desc(offers::Column::UpdatedAt)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|o| {
            Some(OfferSummary {
                id: o.id,
                kind: OfferKind::parse(&o.kind)?,
                status: OfferStatus::parse(&o.status)?,
                title: o.title,
                updated_at: o.updated_at.format("%d/%m/%Y").to_string(),
            })
        })
        .collect();
    Ok((org, rows))
}

/// The CPV codes of these offers with their labels, by offer, in code order.
pub async fn cpv_of(
    db: &impl ConnectionTrait,
    offer_ids: Vec<i32>,
) -> Result<BTreeMap<i32, Vec<(String, String)>>, sea_orm::DbErr> {
    let rows = offer_cpv::Entity::find()
        .filter(offer_cpv::Column::OfferId.is_in(offer_ids))
        .order_by_asc(offer_cpv::Column::CpvCode)
        .all(db)
        .await?;
    let labels: BTreeMap<String, String> = cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(rows.iter().map(|r| r.cpv_code.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label_fr))
        .collect();
    let mut out: BTreeMap<i32, Vec<(String, String)>> = BTreeMap::new();
    for r in rows {
        let label = labels.get(&r.cpv_code).cloned().unwrap_or_default();
        out.entry(r.offer_id).or_default().push((r.cpv_code, label));
    }
    Ok(out)
}

/// Names of communes by INSEE code.
pub(super) async fn commune_names(
    db: &impl ConnectionTrait,
    codes: Vec<String>,
) -> Result<BTreeMap<String, communes::Model>, AppError> {
    Ok(communes::Entity::find()
        .filter(communes::Column::Insee.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.insee.clone(), c))
        .collect())
}

/// The offer's labels and delivery areas.
pub(super) async fn labels_and_areas(
    db: &impl ConnectionTrait,
    offer_id: i32,
) -> Result<(Vec<String>, Vec<offer_areas::Model>), AppError> {
    let labels = offer_labels::Entity::find()
        .filter(offer_labels::Column::OfferId.eq(offer_id))
        .order_by_asc(offer_labels::Column::Label)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.label)
        .collect();
    let areas = offer_areas::Entity::find()
        .filter(offer_areas::Column::OfferId.eq(offer_id))
        .order_by_asc(offer_areas::Column::Code)
        .all(db)
        .await?;
    Ok((labels, areas))
}

/// The offer's current values as its editor shows them (as the form would send them back).
pub async fn for_edit(
    db: &DatabaseConnection,
    user_id: UserId,
    offer_id: OfferId,
) -> Result<OfferEdit, AppError> {
    let (user_id, offer_id) = (user_id.get(), offer_id.get());
    let txn = db.begin().await?;
    let (o, org) = offer_of_member(&txn, UserId(user_id), OfferId(offer_id)).await?;
    let (labels, areas) = labels_and_areas(&txn, offer_id).await?;
    let mut places: Vec<String> = areas
        .iter()
        .filter(|a| a.kind == AreaKind::Commune.as_str())
        .map(|a| a.code.clone())
        .collect();
    places.extend(o.production_commune.clone());
    let names = commune_names(&txn, places).await?;
    // "Saint-Priest (69290)": saved again as it is shown, whatever the name's homonyms.
    let name_of = |insee: &str| {
        names
            .get(insee)
            .map(crate::server::infra::places::commune_label)
            .unwrap_or(insee.into())
    };
    let number = |v: Option<i16>| v.map(|v| v.to_string()).unwrap_or_default();
    let cpv = cpv_of(&txn, vec![offer_id])
        .await?
        .remove(&offer_id)
        .unwrap_or_default();
    let form = OfferForm {
        title: o.title.clone(),
        description: o.description_source.clone(),
        kind: o.kind.clone(),
        delivery_communes: areas
            .iter()
            .filter(|a| a.kind == AreaKind::Commune.as_str())
            .map(|a| name_of(&a.code))
            .collect::<Vec<_>>()
            .join(", "),
        // By name, with the number the server reads back.
        delivery_departments: areas
            .iter()
            .filter(|a| a.kind == AreaKind::Department.as_str())
            .map(
                |a| match crate::server::infra::reference::department_names().get(&a.code) {
                    Some(name) => format!("{name} ({})", a.code),
                    None => a.code.clone(),
                },
            )
            .collect::<Vec<_>>()
            .join(", "),
        delivery_radius_km: o
            .delivery_radius_km
            .map(|v| v.to_string())
            .unwrap_or_default(),
        production_commune: o
            .production_commune
            .as_deref()
            .map(name_of)
            .unwrap_or_default(),
        price: o
            .price_cents
            .map(|c| french_decimal(c as f64 / 100.0))
            .unwrap_or_default(),
        price_unit: o.price_unit.clone().unwrap_or_default(),
        min_order: o.min_order.clone().unwrap_or_default(),
        intermediaries: number(o.intermediaries),
        life_years: number(o.life_years),
        repairability: o.repairability_tenths.map(tenths).unwrap_or_default(),
        spare_parts_years: number(o.spare_parts_years),
        recycled_percent: number(o.recycled_percent),
        end_of_life: o.end_of_life.clone().unwrap_or_default(),
        carbon_kg: o.carbon_kg.map(french_decimal).unwrap_or_default(),
        carbon_method: o.carbon_method.clone().unwrap_or_default(),
        carbon_source: o.carbon_source.clone().unwrap_or_default(),
        inclusive_production: o.inclusive_production.then(|| "on".into()),
        labels: labels.into_iter().map(|l| (l, "on".into())).collect(),
        food: None,
        // A season never said opens on every month: a farm unticks the months without.
        months: o
            .season
            .map_or(Months::ALL, |bits| Months(bits as u16))
            .list()
            .into_iter()
            .map(|m| (m.to_string(), "on".into()))
            .collect(),
        unit: o.unit.clone().unwrap_or_default(),
        days: Weekdays(o.delivery_days.unwrap_or(0) as u8)
            .list()
            .into_iter()
            .map(|d| (d.to_string(), "on".into()))
            .collect(),
        quote_alerts: o.quote_alerts.then(|| "on".into()),
    };
    let photos = crate::server::offers::photos::of_offer(&txn, offer_id).await?;
    Ok(OfferEdit {
        photos,
        id: o.id,
        organisation_id: org.id,
        organisation_name: org.name,
        status: OfferStatus::parse(&o.status).unwrap_or(OfferStatus::Draft),
        form,
        cpv,
    })
}

/// A published offer of a public business, as the catalogue shows it; `None` otherwise (a
/// draft, an archived offer or a private business's offer is not found).
pub async fn public(
    db: &DatabaseConnection,
    offer_id: i32,
) -> Result<Option<PublicOffer>, AppError> {
    let Some(o) = offers::Entity::find_by_id(offer_id)
        .filter(offers::Column::Status.eq(OfferStatus::Published.as_str()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(org) = organisations::Entity::find_by_id(o.organisation_id)
        .filter(organisations::Column::IsPublic.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let (labels, areas) = labels_and_areas(db, offer_id).await?;
    let mut places: Vec<String> = areas
        .iter()
        .filter(|a| a.kind == AreaKind::Commune.as_str())
        .map(|a| a.code.clone())
        .collect();
    places.extend(o.production_commune.clone());
    places.extend(org.commune_insee.clone());
    let names = commune_names(db, places).await?;
    let place = |insee: &str| {
        names
            .get(insee)
            .map(|c| format!("{} ({})", c.name, c.department))
            .unwrap_or(insee.into())
    };
    let departments = crate::server::infra::reference::department_names();
    let photos = crate::server::offers::photos::of_offer(db, offer_id).await?;
    let tlabels = crate::server::labels::offer_badges(db, &[offer_id])
        .await?
        .remove(&offer_id)
        .unwrap_or_default();
    let organisation_tlabels = crate::server::labels::org_badges(db, &[org.id])
        .await?
        .remove(&org.id)
        .unwrap_or_default();
    let cpv = cpv_of(db, vec![offer_id])
        .await?
        .remove(&offer_id)
        .unwrap_or_default();
    let food = cpv
        .iter()
        .any(|(c, _)| crate::domain::food::is_food(c))
        .then(|| crate::domain::food::FoodView {
            season: o.season.map(|bits| Months(bits as u16)),
            unit: o.unit.as_deref().and_then(crate::domain::food::Unit::parse),
            days: Weekdays(o.delivery_days.unwrap_or(0) as u8),
            egalim: crate::domain::food::egalim_of(
                labels.iter().map(String::as_str),
                chrono::Utc::now().date_naive(),
            ),
        });
    Ok(Some(PublicOffer {
        photos,
        food,
        cpv,
        tlabels,
        organisation_tlabels,
        id: o.id,
        title: o.title,
        description_html: o.description_html,
        kind: OfferKind::parse(&o.kind).unwrap_or(OfferKind::Supply),
        organisation_id: org.id,
        organisation_name: org.name,
        organisation_place: org
            .commune_insee
            .as_ref()
            .and_then(|c| names.get(c))
            .map(|c| (c.name.clone(), c.department.clone())),
        organisation_inclusive: org.inclusive,
        delivery_communes: areas
            .iter()
            .filter(|a| a.kind == AreaKind::Commune.as_str())
            .map(|a| place(&a.code))
            .collect(),
        delivery_departments: areas
            .iter()
            .filter(|a| a.kind == AreaKind::Department.as_str())
            .map(|a| match departments.get(&a.code) {
                Some(name) => format!("{name} ({})", a.code),
                None => a.code.clone(),
            })
            .collect(),
        delivery_radius_km: o.delivery_radius_km,
        production_place: o.production_commune.as_deref().map(place),
        price_cents: o.price_cents,
        price_unit: o.price_unit,
        min_order: o.min_order,
        intermediaries: o.intermediaries,
        life_years: o.life_years,
        repairability_tenths: o.repairability_tenths,
        spare_parts_years: o.spare_parts_years,
        recycled_percent: o.recycled_percent,
        end_of_life: o.end_of_life,
        carbon_kg: o.carbon_kg,
        carbon_method: o.carbon_method,
        carbon_source: o.carbon_source,
        inclusive_production: o.inclusive_production,
        labels: labels
            .iter()
            .filter_map(|l| label_name(l).map(String::from))
            .collect(),
        published_on: o.published_at.map(|d| d.format("%d/%m/%Y").to_string()),
    }))
}
