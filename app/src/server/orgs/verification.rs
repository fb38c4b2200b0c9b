//! Verifying organisations: the reviewers' queue (firms for chamber analysts, everything for
//! administrators), the verification itself, and the claims of second claimants of a SIRET.
//! See `domain::verification` for why a reviewer decides.

use crate::domain::audit::Action;
use crate::domain::org::{MemberRole, MembershipStatus, OrgKind};
use crate::domain::verification::{
    email_at_website, ClaimStatus, ClaimToDecide, Queue, ToVerify, MAX_CLAIM_MESSAGE,
};
use crate::error::AppError;
use crate::server::audit::{self, Target};
use crate::server::auth::Caller;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    communes, contract_awardees, memberships, org_claims, organisations, sirene_establishments,
    users,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// Who reviews: an administrator (with their second factor) any organisation, a chamber
/// analyst the firms.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reviewer {
    Admin,
    Analyst,
}

impl Reviewer {
    fn of(caller: &Caller) -> Result<Reviewer, AppError> {
        let user = caller.user()?;
        if user.is_admin {
            caller.require_admin()?;
            Ok(Reviewer::Admin)
        } else if user.is_analyst {
            Ok(Reviewer::Analyst)
        } else {
            Err(AppError::Forbidden)
        }
    }

    fn reviews(self, kind: &str) -> bool {
        self == Reviewer::Admin || OrgKind::parse(kind) == Some(OrgKind::Business)
    }
}

/// What `caller` has to review: organisations to verify, oldest first, and pending claims.
pub async fn queue(db: &DatabaseConnection, caller: &Caller) -> Result<Queue, AppError> {
    let reviewer = Reviewer::of(caller)?;
    let kinds: Vec<&str> = OrgKind::ALL
        .into_iter()
        .filter(|k| k.needs_verification() && reviewer.reviews(k.as_str()))
        .map(|k| k.as_str())
        .collect();
    let rows = organisations::Entity::find()
        .filter(organisations::Column::Kind.is_in(kinds))
        .filter(organisations::Column::VerifiedAt.is_null())
        .order_by_asc(organisations::Column::CreatedAt)
        .all(db)
        .await?;
    let mut orgs = Vec::with_capacity(rows.len());
    for o in rows {
        let creator = match o.created_by {
            Some(id) => users::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        let commune = commune_name(db, o.commune_insee.as_deref()).await?;
        let registry = sirene_establishments::Entity::find_by_id(o.siret.clone())
            .one(db)
            .await?;
        let registry_commune = match registry.and_then(|r| r.commune_insee) {
            Some(insee) => commune_name(db, Some(&insee)).await?.or(Some(insee)),
            None => None,
        };
        let contracts_won = contract_awardees::Entity::find()
            .filter(contract_awardees::Column::AwardeeId.eq(o.siret.as_str()))
            .count(db)
            .await?;
        orgs.push(ToVerify {
            id: o.id,
            kind: OrgKind::parse(&o.kind).unwrap_or(OrgKind::Other),
            email_at_website: creator
                .as_ref()
                .is_some_and(|u| email_at_website(&u.email, o.website.as_deref())),
            created_by: creator.map(|u| u.email),
            created_at: o.created_at.format("%d/%m/%Y %H:%M").to_string(),
            name: o.name,
            siret: o.siret,
            commune,
            registry_commune,
            contracts_won,
        });
    }
    let pending = org_claims::Entity::find()
        .filter(org_claims::Column::Status.eq(ClaimStatus::Pending.as_str()))
        .order_by_asc(org_claims::Column::CreatedAt)
        .all(db)
        .await?;
    let mut claims = vec![];
    for c in pending {
        let Some(org) = organisations::Entity::find_by_id(c.organisation_id)
            .one(db)
            .await?
        else {
            continue;
        };
        if !reviewer.reviews(&org.kind) {
            continue;
        }
        let Some(claimant) = users::Entity::find_by_id(c.user_id).one(db).await? else {
            continue;
        };
        claims.push(ClaimToDecide {
            id: c.id,
            org_id: org.id,
            org_verified: org.verified_at.is_some(),
            owners: owner_emails(db, org.id).await?,
            org_name: org.name,
            siret: org.siret,
            claimant_name: claimant.display_name,
            claimant_email: claimant.email,
            message: c.message,
            created_at: c.created_at.format("%d/%m/%Y %H:%M").to_string(),
        });
    }
    Ok(Queue { orgs, claims })
}

async fn commune_name(
    db: &impl ConnectionTrait,
    insee: Option<&str>,
) -> Result<Option<String>, AppError> {
    let Some(insee) = insee else { return Ok(None) };
    Ok(communes::Entity::find_by_id(insee.to_string())
        .one(db)
        .await?
        .map(|c| c.name))
}

async fn owner_emails(db: &impl ConnectionTrait, org_id: i32) -> Result<Vec<String>, AppError> {
    let owners = memberships::Entity::find()
        .filter(memberships::Column::OrganisationId.eq(org_id))
        .filter(memberships::Column::Role.eq(MemberRole::Owner.as_str()))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    Ok(owners
        .into_iter()
        .filter_map(|(_, u)| u.map(|u| u.email))
        .collect())
}

/// Verifies `org_id`, an organisation of a kind `caller` may verify (recorded).
pub async fn verify(db: &DatabaseConnection, caller: &Caller, org_id: i32) -> Result<(), AppError> {
    let role = Reviewer::of(caller)?;
    let reviewer = caller.user()?.id;
    let txn = begin_write(db).await?;
    let org = organisations::Entity::find_by_id(org_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if !role.reviews(&org.kind) {
        return Err(AppError::Forbidden);
    }
    mark_verified(&txn, org, reviewer).await?;
    txn.commit().await?;
    Ok(())
}

async fn mark_verified(
    db: &impl ConnectionTrait,
    org: organisations::Model,
    reviewer: i32,
) -> Result<(), AppError> {
    if org.verified_at.is_some() {
        return Ok(());
    }
    let id = org.id;
    let mut am: organisations::ActiveModel = org.into();
    am.verified_at = Set(Some(chrono::Utc::now()));
    am.verified_by = Set(Some(reviewer));
    am.update(db).await?;
    audit::record(db, Some(reviewer), Action::OrgVerified, Target::Org(id), "").await?;
    crate::server::infra::search::changed::organisation_and_offers(db, id).await?;
    Ok(())
}

/// `user_id` says the organisation registered under `siret` is theirs: a claim for a reviewer.
/// Refused for a member of it (they can ask its owners), and while one of theirs is pending.
pub async fn claim(
    db: &DatabaseConnection,
    user_id: i32,
    siret: &str,
    message: &str,
) -> Result<i32, AppError> {
    let mut c = crate::domain::validate::Checker::new();
    let message = c.required("message", message, MAX_CLAIM_MESSAGE);
    c.finish()?;
    let txn = begin_write(db).await?;
    let org = organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(siret))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("siret", "org.join_unknown"))?;
    let member = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::OrganisationId.eq(org.id))
        .filter(memberships::Column::Status.eq(MembershipStatus::Active.as_str()))
        .one(&txn)
        .await?;
    if member.is_some() {
        return Err(AppError::field("siret", "verification.claim_member"));
    }
    let pending = org_claims::Entity::find()
        .filter(org_claims::Column::UserId.eq(user_id))
        .filter(org_claims::Column::OrganisationId.eq(org.id))
        .filter(org_claims::Column::Status.eq(ClaimStatus::Pending.as_str()))
        .one(&txn)
        .await?;
    if pending.is_some() {
        return Err(AppError::field("siret", "verification.claim_pending"));
    }
    let claim = org_claims::ActiveModel {
        organisation_id: Set(org.id),
        user_id: Set(user_id),
        message: Set(message),
        status: Set(ClaimStatus::Pending.as_str().into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(user_id),
        Action::OrgClaimed,
        Target::Org(org.id),
        format!("claim {}", claim.id),
    )
    .await?;
    txn.commit().await?;
    Ok(claim.id)
}

/// A reviewer grants or refuses a claim. Granted, the claimant becomes an owner and the
/// organisation is verified; if it was not verified before, its earlier owners and members —
/// whose claim was never proven — lose it. Returns the claimant and the organisation's name.
pub async fn decide_claim(
    db: &DatabaseConnection,
    caller: &Caller,
    claim_id: i32,
    grant: bool,
) -> Result<(i32, String), AppError> {
    let role = Reviewer::of(caller)?;
    let reviewer = caller.user()?.id;
    let txn = begin_write(db).await?;
    let claim = org_claims::Entity::find_by_id(claim_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = organisations::Entity::find_by_id(claim.organisation_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if !role.reviews(&org.kind) {
        return Err(AppError::Forbidden);
    }
    if claim.status != ClaimStatus::Pending.as_str() {
        return Err(AppError::field("claim", "verification.claim_decided"));
    }
    let (claimant, org_id, name) = (claim.user_id, org.id, org.name.clone());
    let mut am: org_claims::ActiveModel = claim.into();
    am.status = Set(if grant {
        ClaimStatus::Granted
    } else {
        ClaimStatus::Refused
    }
    .as_str()
    .into());
    am.decided_by = Set(Some(reviewer));
    am.decided_at = Set(Some(chrono::Utc::now()));
    am.update(&txn).await?;
    let mut detail = String::new();
    if grant {
        if org.verified_at.is_none() {
            let removed = memberships::Entity::delete_many()
                .filter(memberships::Column::OrganisationId.eq(org_id))
                .filter(memberships::Column::UserId.ne(claimant))
                .exec(&txn)
                .await?
                .rows_affected;
            detail = format!("{removed} earlier membership(s) removed");
        }
        memberships::Entity::delete_many()
            .filter(memberships::Column::OrganisationId.eq(org_id))
            .filter(memberships::Column::UserId.eq(claimant))
            .exec(&txn)
            .await?;
        memberships::ActiveModel {
            user_id: Set(claimant),
            organisation_id: Set(org_id),
            role: Set(MemberRole::Owner.as_str().into()),
            status: Set(MembershipStatus::Active.as_str().into()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        mark_verified(&txn, org, reviewer).await?;
    }
    let action = if grant {
        Action::ClaimGranted
    } else {
        Action::ClaimRefused
    };
    audit::record(&txn, Some(reviewer), action, Target::Org(org_id), detail).await?;
    txn.commit().await?;
    Ok((claimant, name))
}
