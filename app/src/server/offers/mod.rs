//! Offers of the catalogue: their members write them; the catalogue shows the published offers
//! of public businesses. Every write checks the caller's membership first and tells the search
//! index through its outbox, in the same transaction.

pub mod http;

pub mod catalogue;
pub mod photos;

use crate::domain::offer::{
    french_decimal, label_name, tenths, OfferEdit, OfferForm, OfferInput, OfferKind, OfferStatus,
    OfferSummary, PublicOffer,
};
use crate::domain::org::OrgKind;
use crate::error::{AppError, FieldError};
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, cpv_codes, memberships, offer_areas, offer_cpv, offer_labels, offers, organisations,
    search_outbox,
};
use crate::server::orgs::resolve_commune;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::BTreeMap;

/// The business `org_id` if `user_id` is one of its active members (owner or not); refused
/// otherwise, and for organisations that are not businesses (they have no catalogue).
pub async fn member_business(
    db: &impl ConnectionTrait,
    user_id: i32,
    org_id: i32,
) -> Result<organisations::Model, AppError> {
    let member = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::OrganisationId.eq(org_id))
        .filter(memberships::Column::Status.eq("active"))
        .one(db)
        .await?;
    if member.is_none() {
        return Err(AppError::Forbidden);
    }
    let org = organisations::Entity::find_by_id(org_id)
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    if OrgKind::parse(&org.kind) != Some(OrgKind::Business) {
        return Err(AppError::Forbidden);
    }
    Ok(org)
}

/// The offer and its organisation, if `user_id` is an active member of it.
async fn offer_of_member(
    db: &impl ConnectionTrait,
    user_id: i32,
    offer_id: i32,
) -> Result<(offers::Model, organisations::Model), AppError> {
    let offer = offers::Entity::find_by_id(offer_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = member_business(db, user_id, offer.organisation_id).await?;
    Ok((offer, org))
}

/// Refused unless `user_id` is an active member of the offer's business.
pub async fn check_member(
    db: &impl ConnectionTrait,
    user_id: i32,
    offer_id: i32,
) -> Result<(), AppError> {
    offer_of_member(db, user_id, offer_id).await.map(|_| ())
}

/// Tells the index that the offer's catalogue document changed.
pub(crate) async fn reindex(db: &impl ConnectionTrait, offer_id: i32) -> Result<(), AppError> {
    search_outbox::ActiveModel {
        doc_kind: Set(crate::server::infra::search::offers::KIND.into()),
        doc_id: Set(offer_id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Tells the index that every offer of the organisation changed (its name, place or
/// visibility are part of them).
pub(crate) async fn reindex_all_of(db: &impl ConnectionTrait, org_id: i32) -> Result<(), AppError> {
    let ids: Vec<i32> = offers::Entity::find()
        .filter(offers::Column::OrganisationId.eq(org_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    for id in ids {
        reindex(db, id).await?;
    }
    Ok(())
}

/// The organisation's offers, newest change first, for its members.
pub async fn list(
    db: &DatabaseConnection,
    user_id: i32,
    org_id: i32,
) -> Result<(organisations::Model, Vec<OfferSummary>), AppError> {
    let org = member_business(db, user_id, org_id).await?;
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

/// Starts an offer as a draft with its title and kind; the rest is filled in its editor.
pub async fn create(
    db: &DatabaseConnection,
    user_id: i32,
    org_id: i32,
    title: &str,
    kind: &str,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    member_business(&txn, user_id, org_id).await?;
    let form = OfferForm {
        title: title.into(),
        kind: kind.into(),
        ..Default::default()
    };
    let input = form.check()?;
    let now = chrono::Utc::now();
    let offer = offers::ActiveModel {
        organisation_id: Set(org_id),
        title: Set(input.title),
        description_source: Set(String::new()),
        description_html: Set(String::new()),
        kind: Set(input.kind.unwrap_or(OfferKind::Supply).as_str().into()),
        status: Set(OfferStatus::Draft.as_str().into()),
        inclusive_production: Set(false),
        created_by: Set(Some(user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(offer.id)
}

/// Resolves the communes typed in the form (names or INSEE codes); one message per field that
/// names an unknown commune.
async fn resolve_places(
    db: &impl ConnectionTrait,
    input: &OfferInput,
    errors: &mut Vec<FieldError>,
) -> Result<(Vec<String>, Option<String>), AppError> {
    let mut delivery = Vec::new();
    for name in &input.delivery_communes {
        match resolve_commune(db, name).await? {
            Some(c) if !delivery.contains(&c.insee) => delivery.push(c.insee),
            Some(_) => {}
            None => {
                errors.push(FieldError::with_arg(
                    "delivery_communes",
                    "validation.unknown_commune_named",
                    name,
                ));
                break;
            }
        }
    }
    let production = match &input.production_commune {
        Some(name) => match resolve_commune(db, name).await? {
            Some(c) => Some(c.insee),
            None => {
                errors.push(FieldError::new(
                    "production_commune",
                    "validation.unknown_commune",
                ));
                None
            }
        },
        None => None,
    };
    Ok((delivery, production))
}

/// A member saves the offer's fields (not its status or CPV codes, which have their own
/// actions). Bad input changes nothing.
pub async fn update(
    db: &DatabaseConnection,
    user_id: i32,
    offer_id: i32,
    form: OfferForm,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let (offer, org) = offer_of_member(&txn, user_id, offer_id).await?;
    let input = form.check()?;
    let mut errors = Vec::new();
    let (delivery, production) = resolve_places(&txn, &input, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let html = crate::server::infra::rich_text::render(&input.description);
    let mut o: offers::ActiveModel = offer.into();
    o.title = Set(input.title.clone());
    o.description_source = Set(input.description.clone());
    o.description_html = Set(html);
    o.kind = Set(input.kind.unwrap_or(OfferKind::Supply).as_str().into());
    o.delivery_radius_km = Set(input.delivery_radius_km);
    o.production_commune = Set(production);
    o.price_cents = Set(input.price_cents);
    o.price_unit = Set(input.price_unit.clone());
    o.min_order = Set(input.min_order.clone());
    o.intermediaries = Set(input.intermediaries);
    o.life_years = Set(input.life_years);
    o.repairability_tenths = Set(input.repairability_tenths);
    o.spare_parts_years = Set(input.spare_parts_years);
    o.recycled_percent = Set(input.recycled_percent);
    o.end_of_life = Set(input.end_of_life.clone());
    o.carbon_kg = Set(input.carbon_kg);
    o.carbon_method = Set(input.carbon_method.clone());
    o.carbon_source = Set(input.carbon_source.clone());
    o.inclusive_production = Set(input.inclusive_production);
    o.updated_at = Set(chrono::Utc::now());
    o.update(&txn).await?;
    offer_labels::Entity::delete_many()
        .filter(offer_labels::Column::OfferId.eq(offer_id))
        .exec(&txn)
        .await?;
    for label in &input.labels {
        offer_labels::ActiveModel {
            offer_id: Set(offer_id),
            label: Set(label.clone()),
        }
        .insert(&txn)
        .await?;
    }
    offer_areas::Entity::delete_many()
        .filter(offer_areas::Column::OfferId.eq(offer_id))
        .exec(&txn)
        .await?;
    let areas = delivery
        .iter()
        .map(|c| ("commune", c))
        .chain(input.delivery_departments.iter().map(|d| ("department", d)));
    for (kind, code) in areas {
        offer_areas::ActiveModel {
            offer_id: Set(offer_id),
            kind: Set(kind.into()),
            code: Set(code.clone()),
        }
        .insert(&txn)
        .await?;
    }
    reindex(&txn, offer_id).await?;
    crate::server::orgs::org_doc_changed(&txn, org.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes, archives or takes back to draft. Publishing needs a CPV code (buyers find offers
/// by them).
pub async fn set_status(
    db: &DatabaseConnection,
    user_id: i32,
    offer_id: i32,
    status: &str,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let (offer, _) = offer_of_member(&txn, user_id, offer_id).await?;
    let status = OfferStatus::parse(status).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new("status", "validation.unknown_choice")])
    })?;
    if status == OfferStatus::Published {
        let codes = offer_cpv::Entity::find()
            .filter(offer_cpv::Column::OfferId.eq(offer_id))
            .all(&txn)
            .await?;
        if codes.is_empty() {
            return Err(AppError::Invalid(vec![FieldError::new(
                "cpv",
                "validation.cpv_needed",
            )]));
        }
    }
    let now = chrono::Utc::now();
    let first_publication = status == OfferStatus::Published && offer.published_at.is_none();
    let org_id = offer.organisation_id;
    let mut o: offers::ActiveModel = offer.into();
    o.status = Set(status.as_str().into());
    o.updated_at = Set(now);
    if first_publication {
        o.published_at = Set(Some(now));
    }
    o.update(&txn).await?;
    reindex(&txn, offer_id).await?;
    crate::server::orgs::org_doc_changed(&txn, org_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes the offer and everything attached to it (its photos' files too), when `confirmed`
/// (the member ticked the box). Returns its organisation's id (the page to go back to).
pub async fn delete(
    db: &DatabaseConnection,
    media_dir: &std::path::Path,
    user_id: i32,
    offer_id: i32,
    confirmed: bool,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    let (offer, org) = offer_of_member(&txn, user_id, offer_id).await?;
    if !confirmed {
        return Err(AppError::Invalid(vec![FieldError::new(
            "confirm",
            "offer.delete_confirm_needed",
        )]));
    }
    // Children first: SQLite enforces the cascade only when foreign keys are switched on.
    offer_cpv::Entity::delete_many()
        .filter(offer_cpv::Column::OfferId.eq(offer_id))
        .exec(&txn)
        .await?;
    offer_labels::Entity::delete_many()
        .filter(offer_labels::Column::OfferId.eq(offer_id))
        .exec(&txn)
        .await?;
    offer_areas::Entity::delete_many()
        .filter(offer_areas::Column::OfferId.eq(offer_id))
        .exec(&txn)
        .await?;
    let photos: Vec<String> = crate::server::infra::entities::offer_photos::Entity::find()
        .filter(crate::server::infra::entities::offer_photos::Column::OfferId.eq(offer_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.file_name)
        .collect();
    crate::server::infra::entities::offer_photos::Entity::delete_many()
        .filter(crate::server::infra::entities::offer_photos::Column::OfferId.eq(offer_id))
        .exec(&txn)
        .await?;
    // Its label applications go with it (by cascade), and their evidence files after the commit.
    let evidence = crate::server::labels::files_of_offer(&txn, offer_id).await?;
    offers::Entity::delete_by_id(offer.id).exec(&txn).await?;
    reindex(&txn, offer_id).await?;
    crate::server::orgs::org_doc_changed(&txn, org.id).await?;
    txn.commit().await?;
    crate::server::offers::photos::remove_files(media_dir, photos.iter().map(String::as_str));
    crate::server::labels::remove_files(media_dir, evidence.iter().map(String::as_str));
    Ok(org.id)
}

/// Adds a CPV code (a known one) to the offer.
pub async fn add_cpv(
    db: &DatabaseConnection,
    user_id: i32,
    offer_id: i32,
    code: &str,
) -> Result<(), AppError> {
    let unknown = || AppError::Invalid(vec![FieldError::new("cpv", "validation.unknown_cpv")]);
    let txn = begin_write(db).await?;
    offer_of_member(&txn, user_id, offer_id).await?;
    let code = crate::domain::cpv::normalise(code).ok_or_else(unknown)?;
    cpv_codes::Entity::find_by_id(code.clone())
        .one(&txn)
        .await?
        .ok_or_else(unknown)?;
    let present = offer_cpv::Entity::find_by_id((offer_id, code.clone()))
        .one(&txn)
        .await?;
    if present.is_none() {
        offer_cpv::ActiveModel {
            offer_id: Set(offer_id),
            cpv_code: Set(code),
        }
        .insert(&txn)
        .await?;
        touch(&txn, offer_id).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Removes a CPV code from the offer.
pub async fn remove_cpv(
    db: &DatabaseConnection,
    user_id: i32,
    offer_id: i32,
    code: &str,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    offer_of_member(&txn, user_id, offer_id).await?;
    if let Some(code) = crate::domain::cpv::normalise(code) {
        offer_cpv::Entity::delete_by_id((offer_id, code))
            .exec(&txn)
            .await?;
        touch(&txn, offer_id).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn touch(db: &impl ConnectionTrait, offer_id: i32) -> Result<(), AppError> {
    let o = offers::ActiveModel {
        id: Set(offer_id),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    reindex(db, offer_id).await?;
    crate::server::orgs::org_doc_changed(db, o.organisation_id).await
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
async fn commune_names(
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
async fn labels_and_areas(
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
    user_id: i32,
    offer_id: i32,
) -> Result<OfferEdit, AppError> {
    let txn = db.begin().await?;
    let (o, org) = offer_of_member(&txn, user_id, offer_id).await?;
    let (labels, areas) = labels_and_areas(&txn, offer_id).await?;
    let mut places: Vec<String> = areas
        .iter()
        .filter(|a| a.kind == "commune")
        .map(|a| a.code.clone())
        .collect();
    places.extend(o.production_commune.clone());
    let names = commune_names(&txn, places).await?;
    // "Saint-Priest (69290)": saved again as it is shown, whatever the name's homonyms.
    let name_of = |insee: &str| {
        names
            .get(insee)
            .map(crate::server::orgs::commune_label)
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
            .filter(|a| a.kind == "commune")
            .map(|a| name_of(&a.code))
            .collect::<Vec<_>>()
            .join(", "),
        delivery_departments: areas
            .iter()
            .filter(|a| a.kind == "department")
            .map(|a| a.code.clone())
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
        .filter(|a| a.kind == "commune")
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
    Ok(Some(PublicOffer {
        photos,
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
        cpv: cpv_of(db, vec![offer_id])
            .await?
            .remove(&offer_id)
            .unwrap_or_default(),
        delivery_communes: areas
            .iter()
            .filter(|a| a.kind == "commune")
            .map(|a| place(&a.code))
            .collect(),
        delivery_departments: areas
            .iter()
            .filter(|a| a.kind == "department")
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
