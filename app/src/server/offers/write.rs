//! Writing offers: their business's members create, edit, publish or withdraw and delete them,
//! with their CPV codes and places; every write tells the search index through its outbox.

use super::*;
use crate::domain::ids::{OfferId, OrgId, UserId};
use crate::domain::offer::AreaKind;
use crate::server::infra::search::changed;

/// Starts an offer as a draft with its title and kind; the rest is filled in its editor.
pub async fn create(
    db: &DatabaseConnection,
    user_id: UserId,
    org_id: OrgId,
    title: &str,
    kind: &str,
) -> Result<i32, AppError> {
    let (user_id, org_id) = (user_id.get(), org_id.get());
    let txn = begin_write(db).await?;
    member_business(&txn, UserId(user_id), OrgId(org_id)).await?;
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

/// The places an offer names, read back as codes.
pub(super) struct Places {
    delivery: Vec<String>,
    departments: Vec<String>,
    production: Option<String>,
}

/// Resolves the communes typed in the form (names or INSEE codes) and the departments typed by
/// name; one message per field that names an unknown one.
pub(super) async fn resolve_places(
    db: &impl ConnectionTrait,
    input: &OfferInput,
    errors: &mut Vec<FieldError>,
) -> Result<Places, AppError> {
    let mut delivery = Vec::new();
    for name in &input.delivery_communes {
        match resolve_commune(db, name).await? {
            Some(c) if !delivery.contains(&c.insee) => delivery.push(c.insee),
            Some(_) => {}
            None => {
                errors.push(commune_error("delivery_communes", name));
                break;
            }
        }
    }
    let production = match &input.production_commune {
        Some(name) => match resolve_commune(db, name).await? {
            Some(c) => Some(c.insee),
            None => {
                errors.push(commune_error("production_commune", name));
                None
            }
        },
        None => None,
    };
    let mut departments = Vec::new();
    for typed in &input.delivery_departments {
        // The domain's check left numbers as numbers, names as typed.
        let code = crate::domain::decp::record::normalise_departement(typed)
            .or_else(|| crate::server::infra::places::resolve_department(typed));
        match code {
            Some(code) if !departments.contains(&code) => departments.push(code),
            Some(_) => {}
            None => {
                errors.push(crate::server::infra::places::department_error(
                    "delivery_departments",
                    typed,
                ));
                break;
            }
        }
    }
    Ok(Places {
        delivery,
        departments,
        production,
    })
}

/// A member saves the offer's fields (not its status or CPV codes, which have their own
/// actions). Bad input changes nothing.
pub async fn update(
    db: &DatabaseConnection,
    user_id: UserId,
    offer_id: OfferId,
    form: OfferForm,
) -> Result<(), AppError> {
    let (user_id, offer_id) = (user_id.get(), offer_id.get());
    let txn = begin_write(db).await?;
    let (offer, org) = offer_of_member(&txn, UserId(user_id), OfferId(offer_id)).await?;
    let input = form.check()?;
    let mut errors = Vec::new();
    let Places {
        delivery,
        departments,
        production,
    } = resolve_places(&txn, &input, &mut errors).await?;
    // A radius counts from where the offer is produced, else the business's commune: one
    // whose position is unknown (outside the Métropole for now) cannot serve a radius.
    if input.delivery_radius_km.is_some() {
        let from = production.clone().or(org.commune_insee.clone());
        let placed = match from {
            Some(insee) => crate::server::infra::entities::communes::Entity::find_by_id(insee)
                .one(&txn)
                .await?
                .is_some_and(|c| c.lat.is_some() && c.lon.is_some()),
            None => false,
        };
        if !placed {
            errors.push(crate::error::FieldError::new(
                "delivery_radius_km",
                "offer.radius_unplaced",
            ));
        }
    }
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
    // A form without its food part (an offer of no food product) leaves the food facts as
    // they are.
    if let Some(food) = &input.food {
        o.season = Set(Some(food.months.bits()));
        o.unit = Set(food.unit.map(|u| u.as_str().to_string()));
        o.delivery_days = Set((food.days.0 != 0).then_some(i16::from(food.days.0)));
        o.quote_alerts = Set(food.quote_alerts);
    }
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
        .map(|c| (AreaKind::Commune.as_str(), c))
        .chain(
            departments
                .iter()
                .map(|d| (AreaKind::Department.as_str(), d)),
        );
    for (kind, code) in areas {
        offer_areas::ActiveModel {
            offer_id: Set(offer_id),
            kind: Set(kind.into()),
            code: Set(code.clone()),
        }
        .insert(&txn)
        .await?;
    }
    changed::offer(&txn, offer_id).await?;
    changed::organisation(&txn, org.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes, archives or takes back to draft. Publishing needs a CPV code (buyers find offers
/// by them).
pub async fn set_status(
    db: &DatabaseConnection,
    user_id: UserId,
    offer_id: OfferId,
    status: &str,
) -> Result<(), AppError> {
    let (user_id, offer_id) = (user_id.get(), offer_id.get());
    let txn = begin_write(db).await?;
    let (offer, _) = offer_of_member(&txn, UserId(user_id), OfferId(offer_id)).await?;
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
    changed::offer(&txn, offer_id).await?;
    changed::organisation(&txn, org_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes the offer and everything attached to it (its photos' files too), when `confirmed`
/// (the member ticked the box). Returns its organisation's id (the page to go back to).
pub async fn delete(
    db: &DatabaseConnection,
    media_dir: &std::path::Path,
    user_id: UserId,
    offer_id: OfferId,
    confirmed: bool,
) -> Result<i32, AppError> {
    let (user_id, offer_id) = (user_id.get(), offer_id.get());
    let txn = begin_write(db).await?;
    let (offer, org) = offer_of_member(&txn, UserId(user_id), OfferId(offer_id)).await?;
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
    changed::offer(&txn, offer_id).await?;
    changed::organisation(&txn, org.id).await?;
    crate::server::audit::record(
        &txn,
        Some(user_id),
        crate::domain::audit::Action::OfferDeleted,
        crate::server::audit::Target::Org(org.id),
        format!("offer {offer_id}: {}", offer.title),
    )
    .await?;
    txn.commit().await?;
    crate::server::offers::photos::remove_files(media_dir, photos.iter().map(String::as_str));
    crate::server::labels::remove_files(media_dir, evidence.iter().map(String::as_str));
    Ok(org.id)
}

/// Sets the offer's CPV codes to those `chosen` (the picker's ticked boxes), in one write: the
/// codes are checked against the nomenclature; a published offer keeps at least one.
pub async fn set_cpv(
    db: &DatabaseConnection,
    user_id: UserId,
    offer_id: OfferId,
    chosen: &crate::domain::cpv::CpvCodes,
) -> Result<(), AppError> {
    let offer_id = offer_id.get();
    let txn = begin_write(db).await?;
    let (offer, _) = offer_of_member(&txn, user_id, OfferId(offer_id)).await?;
    let published = offer.status == OfferStatus::Published.as_str();
    let codes = crate::domain::offer::chosen_cpv(chosen, published)?;
    crate::server::infra::cpv::known(&txn, "cpv", &codes).await?;
    let before: Vec<String> = offer_cpv::Entity::find()
        .filter(offer_cpv::Column::OfferId.eq(offer_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| r.cpv_code)
        .collect();
    let gone: Vec<String> = before
        .iter()
        .filter(|c| !codes.contains(c))
        .cloned()
        .collect();
    let new: Vec<offer_cpv::ActiveModel> = codes
        .iter()
        .filter(|c| !before.contains(c))
        .map(|c| offer_cpv::ActiveModel {
            offer_id: Set(offer_id),
            cpv_code: Set(c.clone()),
        })
        .collect();
    if gone.is_empty() && new.is_empty() {
        return Ok(());
    }
    if !gone.is_empty() {
        offer_cpv::Entity::delete_many()
            .filter(offer_cpv::Column::OfferId.eq(offer_id))
            .filter(offer_cpv::Column::CpvCode.is_in(gone))
            .exec(&txn)
            .await?;
    }
    if !new.is_empty() {
        offer_cpv::Entity::insert_many(new).exec(&txn).await?;
    }
    touch(&txn, offer_id).await?;
    txn.commit().await?;
    Ok(())
}

pub(super) async fn touch(db: &impl ConnectionTrait, offer_id: i32) -> Result<(), AppError> {
    let o = offers::ActiveModel {
        id: Set(offer_id),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    changed::offer(db, offer_id).await?;
    changed::organisation(db, o.organisation_id).await
}
