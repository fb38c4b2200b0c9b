//! Organisation queries: create, join, approve members, verify buyers.

pub mod verification;

use crate::domain::audit::Action;
use crate::domain::ids::{MembershipId, OrgId, UserId};
use crate::domain::offer::OfferStatus;
use crate::domain::org::MembershipStatus;
use crate::domain::org::{MemberRole, OrgKind};
use crate::domain::org::{MyOrg, OrgInput, PendingMember, PendingOrg, PublicProfile};
use crate::error::AppError;
use crate::server::audit::{self, Target};
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{communes, memberships, naf_codes, organisations, users};
use crate::server::infra::naf::resolve_naf;
use crate::server::infra::places::{commune_error, commune_label, resolve_commune};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

/// The checks of a form that need the reference lists: the activity read back as a NAF code
/// (written in place of the words typed), the commune found. Returns the commune's INSEE code.
async fn check_references(
    db: &impl ConnectionTrait,
    input: &mut OrgInput,
    errors: &mut Vec<crate::error::FieldError>,
) -> Result<Option<String>, AppError> {
    if let Some(naf) = &input.naf_code {
        match resolve_naf("naf_code", naf) {
            Ok(code) => input.naf_code = Some(code),
            Err(e) => errors.push(e),
        }
    }
    Ok(match &input.commune {
        Some(c) => match resolve_commune(db, c).await? {
            Some(c) => Some(c.insee),
            None => {
                errors.push(commune_error("commune", c));
                None
            }
        },
        None => None,
    })
}

/// The organisation, if `user_id` is one of its active owners; `Forbidden` otherwise (a
/// non-member learns nothing more than a member without the right).
async fn owned(
    db: &impl ConnectionTrait,
    user_id: i32,
    org_id: i32,
) -> Result<organisations::Model, AppError> {
    let owner = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::OrganisationId.eq(org_id))
        .filter(memberships::Column::Role.eq(MemberRole::Owner.as_str()))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .one(db)
        .await?;
    if owner.is_none() {
        return Err(AppError::Forbidden);
    }
    organisations::Entity::find_by_id(org_id)
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)
}

/// The organisation's current values, for its owner's edit form.
pub async fn for_edit(
    db: &DatabaseConnection,
    user_id: UserId,
    org_id: OrgId,
) -> Result<crate::domain::org::OrgEdit, AppError> {
    let (user_id, org_id) = (user_id.get(), org_id.get());
    let org = owned(db, user_id, org_id).await?;
    let commune = match &org.commune_insee {
        Some(code) => Some(
            communes::Entity::find_by_id(code.clone())
                .one(db)
                .await?
                .map(|c| commune_label(&c))
                .unwrap_or_else(|| code.clone()),
        ),
        None => None,
    };
    Ok(crate::domain::org::OrgEdit {
        id: org.id,
        kind: OrgKind::parse(&org.kind).unwrap_or(OrgKind::Other),
        siret: org.siret,
        name: org.name,
        // The activity as its field shows it: the label, the code beside it.
        naf_code: org
            .naf_code
            .map(|code| match crate::server::infra::naf::label_of(&code) {
                Some(label) => format!("{label} ({code})"),
                None => code,
            }),
        commune,
        size: org.size,
        inclusive: org.inclusive,
        capacity_eur: org.capacity_eur,
        website: org.website,
        description: org.description,
        is_public: org.is_public,
    })
}

/// Changes what an owner may change of the organisation: everything but its SIRET and its kind
/// (its identity, and what an admin verified).
pub async fn update(
    db: &DatabaseConnection,
    user_id: UserId,
    org_id: OrgId,
    form: crate::domain::org::OrgForm,
) -> Result<(), AppError> {
    let (user_id, org_id) = (user_id.get(), org_id.get());
    let txn = begin_write(db).await?;
    let org = owned(&txn, user_id, org_id).await?;
    let form = crate::domain::org::OrgForm {
        kind: org.kind.clone(),
        siret: org.siret.clone(),
        ..form
    };
    let mut input = form.check()?;
    let mut errors = vec![];
    let commune = check_references(&txn, &mut input, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let changed = identity_changes(&org, &input, commune.as_deref());
    let mut org: organisations::ActiveModel = org.into();
    org.name = Set(input.name);
    org.naf_code = Set(input.naf_code);
    org.commune_insee = Set(commune);
    org.size = Set(input.size);
    org.inclusive = Set(input.inclusive);
    org.capacity_eur = Set(input.capacity_eur);
    org.website = Set(input.website);
    org.description = Set(input.description);
    org.is_public = Set(input.is_public);
    org.update(&txn).await?;
    if !changed.is_empty() {
        let detail = changed.join(", ");
        audit::record(
            &txn,
            Some(user_id),
            Action::OrgEdited,
            Target::Org(org_id),
            detail,
        )
        .await?;
    }
    crate::server::infra::search::changed::organisation_and_offers(&txn, org_id).await?;
    txn.commit().await?;
    Ok(())
}

/// The fields of an organisation's identity that `input` changes: its name, place, activity,
/// size, inclusive status and website (the rest is its presentation).
fn identity_changes(
    org: &organisations::Model,
    input: &OrgInput,
    commune: Option<&str>,
) -> Vec<String> {
    let mut out = vec![];
    let mut cmp = |field: &str, before: Option<&str>, after: Option<&str>| {
        if before != after {
            out.push(format!(
                "{field}: « {} » → « {} »",
                before.unwrap_or_default(),
                after.unwrap_or_default()
            ));
        }
    };
    cmp("name", Some(&org.name), Some(&input.name));
    cmp("commune", org.commune_insee.as_deref(), commune);
    cmp("naf", org.naf_code.as_deref(), input.naf_code.as_deref());
    cmp("size", org.size.as_deref(), input.size.as_deref());
    cmp(
        "inclusive",
        org.inclusive.as_deref(),
        input.inclusive.as_deref(),
    );
    cmp("website", org.website.as_deref(), input.website.as_deref());
    out
}

/// Creates an organisation with `user_id` as its owner, after the checks that need the database.
pub async fn create(
    db: &DatabaseConnection,
    user_id: i32,
    input: &OrgInput,
) -> Result<organisations::Model, AppError> {
    let txn = begin_write(db).await?;
    let mut errors = vec![];
    if organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(input.siret.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        errors.push(crate::error::FieldError::new(
            "siret",
            "validation.siret_taken",
        ));
    }
    let mut input = input.clone();
    let commune = check_references(&txn, &mut input, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = chrono::Utc::now();
    let org = organisations::ActiveModel {
        kind: Set(input.kind.as_str().into()),
        siret: Set(input.siret.clone()),
        name: Set(input.name.clone()),
        naf_code: Set(input.naf_code.clone()),
        commune_insee: Set(commune),
        size: Set(input.size.clone()),
        inclusive: Set(input.inclusive.clone()),
        capacity_eur: Set(input.capacity_eur),
        website: Set(input.website.clone()),
        description: Set(input.description.clone()),
        is_public: Set(input.is_public),
        verified_at: Set(None),
        verified_by: Set(None),
        created_by: Set(Some(user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    memberships::ActiveModel {
        user_id: Set(user_id),
        organisation_id: Set(org.id),
        role: Set(MemberRole::Owner.as_str().into()),
        status: Set(MembershipStatus::Active.as_str().into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let detail = format!("{} {}", input.kind.as_str(), input.siret);
    audit::record(
        &txn,
        Some(user_id),
        Action::OrgCreated,
        Target::Org(org.id),
        detail,
    )
    .await?;
    crate::server::infra::search::changed::organisation_and_offers(&txn, org.id).await?;
    txn.commit().await?;
    Ok(org)
}

/// The organisations of a user, active and pending.
pub async fn of_user(db: &DatabaseConnection, user_id: i32) -> Result<Vec<MyOrg>, AppError> {
    let rows = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .find_also_related(organisations::Entity)
        .order_by_asc(memberships::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, o)| {
            let o = o?;
            let kind = OrgKind::parse(&o.kind)?;
            Some(MyOrg {
                id: o.id,
                name: o.name,
                siret: o.siret,
                kind,
                verified: o.verified_at.is_some(),
                needs_verification: kind.needs_verification(),
                role: MemberRole::parse(&m.role).unwrap_or(MemberRole::Member),
                pending: m.status == MembershipStatus::Pending.as_str(),
                public: o.is_public,
            })
        })
        .collect())
}

/// Asks to join the organisation with this SIRET; an owner approves.
pub async fn request_join(
    db: &DatabaseConnection,
    user_id: i32,
    siret: &str,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let org = organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(siret))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("siret", "org.join_unknown"))?;
    let existing = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::OrganisationId.eq(org.id))
        .one(&txn)
        .await?;
    if existing.is_some() {
        return Err(AppError::field("siret", "org.join_already"));
    }
    memberships::ActiveModel {
        user_id: Set(user_id),
        organisation_id: Set(org.id),
        role: Set(MemberRole::Member.as_str().into()),
        status: Set(MembershipStatus::Pending.as_str().into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await.map_err(AppError::from)
}

/// Join requests waiting on organisations that `owner_id` owns.
pub async fn pending_members(
    db: &DatabaseConnection,
    owner_id: i32,
) -> Result<Vec<PendingMember>, AppError> {
    let owned: Vec<i32> = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(owner_id))
        .filter(memberships::Column::Role.eq(MemberRole::Owner.as_str()))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect();
    if owned.is_empty() {
        return Ok(vec![]);
    }
    let rows = memberships::Entity::find()
        .filter(memberships::Column::OrganisationId.is_in(owned))
        .filter(memberships::Column::Status.eq(MembershipStatus::Pending.as_str()))
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    let mut out = vec![];
    for (m, u) in rows {
        let Some(u) = u else { continue };
        let org = organisations::Entity::find_by_id(m.organisation_id)
            .one(db)
            .await?;
        out.push(PendingMember {
            membership_id: m.id,
            user_name: u.display_name,
            user_email: u.email,
            organisation_name: org.map(|o| o.name).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Accepts (or refuses, deleting the request) a join request; only an owner of that organisation.
pub async fn decide_member(
    db: &DatabaseConnection,
    owner_id: UserId,
    membership_id: MembershipId,
    accept: bool,
) -> Result<(), AppError> {
    let (owner_id, membership_id) = (owner_id.get(), membership_id.get());
    let txn = begin_write(db).await?;
    let m = memberships::Entity::find_by_id(membership_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_owner = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(owner_id))
        .filter(memberships::Column::OrganisationId.eq(m.organisation_id))
        .filter(memberships::Column::Role.eq(MemberRole::Owner.as_str()))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if !is_owner {
        return Err(AppError::Forbidden);
    }
    if m.status != MembershipStatus::Pending.as_str() {
        return Err(AppError::NotFound);
    }
    let (org_id, person) = (m.organisation_id, m.user_id);
    if accept {
        let mut am: memberships::ActiveModel = m.into();
        am.status = Set(MembershipStatus::Active.as_str().into());
        am.update(&txn).await?;
    } else {
        memberships::Entity::delete_by_id(m.id).exec(&txn).await?;
    }
    let action = if accept {
        Action::MemberAccepted
    } else {
        Action::MemberRefused
    };
    let detail = format!("user #{person}");
    audit::record(&txn, Some(owner_id), action, Target::Org(org_id), detail).await?;
    txn.commit().await.map_err(AppError::from)
}

/// Buyers and chambers an admin must verify before their members can act for them (firms are
/// on the reviewers' page, `verification::queue`).
pub async fn pending_verification(db: &DatabaseConnection) -> Result<Vec<PendingOrg>, AppError> {
    let kinds: Vec<&str> = OrgKind::ALL
        .iter()
        .filter(|k| k.needs_verification() && !k.verified_by_chambers())
        .map(|k| k.as_str())
        .collect();
    let rows = organisations::Entity::find()
        .filter(organisations::Column::Kind.is_in(kinds))
        .filter(organisations::Column::VerifiedAt.is_null())
        .order_by_asc(organisations::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = vec![];
    for o in rows {
        let creator = match o.created_by {
            Some(id) => users::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|u| u.email),
            None => None,
        };
        out.push(PendingOrg {
            id: o.id,
            name: o.name,
            siret: o.siret,
            kind: OrgKind::parse(&o.kind).unwrap_or(OrgKind::Other),
            created_by: creator,
            created_at: o.created_at.format("%d/%m/%Y %H:%M").to_string(),
        });
    }
    Ok(out)
}

pub async fn verify(
    db: &DatabaseConnection,
    admin_id: UserId,
    org_id: OrgId,
) -> Result<(), AppError> {
    let (admin_id, org_id) = (admin_id.get(), org_id.get());
    let txn = begin_write(db).await?;
    let org = organisations::Entity::find_by_id(org_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if org.verified_at.is_none() {
        let mut am: organisations::ActiveModel = org.into();
        am.verified_at = Set(Some(chrono::Utc::now()));
        am.verified_by = Set(Some(admin_id));
        am.update(&txn).await?;
        audit::record(
            &txn,
            Some(admin_id),
            Action::OrgVerified,
            Target::Org(org_id),
            "",
        )
        .await?;
    }
    txn.commit().await.map_err(AppError::from)
}

/// The public profile of an organisation that chose to be in the directory; `None` for one that
/// did not (it is not found, as if it did not exist) or does not exist.
pub async fn public_profile(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<PublicProfile>, AppError> {
    let Some(org) = organisations::Entity::find_by_id(id)
        .filter(organisations::Column::IsPublic.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(kind) = OrgKind::parse(&org.kind) else {
        return Ok(None);
    };
    let naf = match &org.naf_code {
        Some(code) => naf_codes::Entity::find_by_id(code.clone())
            .one(db)
            .await?
            .map(|n| (n.code, n.label)),
        None => None,
    };
    let commune = match &org.commune_insee {
        Some(insee) => communes::Entity::find_by_id(insee.clone())
            .one(db)
            .await?
            .map(|c| (c.insee, c.name, c.department)),
        None => None,
    };
    let won = crate::server::contracts::party_stats(
        db,
        &crate::domain::contracts::Party::Awardee(org.siret.clone()),
    )
    .await?;
    let offers = crate::server::infra::entities::offers::Entity::find()
        .filter(crate::server::infra::entities::offers::Column::OrganisationId.eq(org.id))
        .filter(
            crate::server::infra::entities::offers::Column::Status
                .eq(OfferStatus::Published.as_str()),
        )
        .order_by_desc(crate::server::infra::entities::offers::Column::PublishedAt)
        .all(db)
        .await?;
    let ids: Vec<i32> = offers.iter().map(|o| o.id).collect();
    let mut badges = crate::server::labels::offer_badges(db, &ids).await?;
    // The seasonal calendar: its food offers whose months are said.
    let food_ids: std::collections::HashSet<i32> =
        crate::server::infra::entities::offer_cpv::Entity::find()
            .filter(crate::server::infra::entities::offer_cpv::Column::OfferId.is_in(ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .filter(|c| crate::domain::food::is_food(&c.cpv_code))
            .map(|c| c.offer_id)
            .collect();
    let seasons = offers
        .iter()
        .filter(|o| food_ids.contains(&o.id))
        .filter_map(|o| {
            let months = crate::domain::food::Months(o.season? as u16);
            (!months.is_empty()).then(|| (o.id, o.title.clone(), months))
        })
        .collect();
    let offers = offers
        .into_iter()
        .map(|o| (o.id, o.title, badges.remove(&o.id).unwrap_or_default()))
        .collect();
    let tlabels = crate::server::labels::org_badges(db, &[org.id])
        .await?
        .remove(&org.id)
        .unwrap_or_default();
    let (plans, plans_total) = if kind == OrgKind::Buyer {
        let filters = crate::domain::programming::PlanFilters {
            buyer: Some(org.id.to_string()),
            page: 1,
            ..Default::default()
        };
        let page = crate::server::programming::list(db, &filters).await?;
        (page.rows, page.total)
    } else {
        (Vec::new(), 0)
    };
    Ok(Some(PublicProfile {
        offers,
        seasons,
        tlabels,
        plans,
        plans_total,
        id: org.id,
        verified: !kind.needs_verification() || org.verified_at.is_some(),
        kind,
        name: org.name,
        siret: org.siret,
        naf,
        commune,
        size: org.size,
        inclusive: org.inclusive,
        capacity_eur: org.capacity_eur,
        website: org.website,
        description: org.description,
        won,
    }))
}

/// Organisations' names by id.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<std::collections::HashMap<i32, String>, AppError> {
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}
