//! The demo's audit trail: the administrator's verifications of the buyers and chambers, the
//! analyst's right, and the analyst's label decisions, as if made through the site (the
//! community itself is written directly), so that the journal is not empty on first run.

use super::Ctx;
use crate::domain::audit::Action;
use crate::server::audit::{record_from, Target};
use crate::server::infra::entities::{label_applications, organisations, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), crate::error::AppError> {
    let admin = ctx.person("admin");
    // Addresses of the documentation ranges (RFC 5737): nobody's.
    let office = Some(std::net::IpAddr::from([192, 0, 2, 10]));
    let analysts = users::Entity::find()
        .filter(users::Column::IsAnalyst.eq(true))
        .all(ctx.txn)
        .await?;
    for a in analysts {
        record_from(
            ctx.txn,
            Some(admin),
            office,
            Action::AnalystGiven,
            Target::User(a.id),
            "",
        )
        .await?;
    }
    let facilitators = users::Entity::find()
        .filter(users::Column::FacilitatorArea.is_not_null())
        .all(ctx.txn)
        .await?;
    for f in facilitators {
        record_from(
            ctx.txn,
            Some(admin),
            office,
            Action::FacilitatorGiven,
            Target::User(f.id),
            f.facilitator_area.unwrap_or_default(),
        )
        .await?;
    }
    let verified = organisations::Entity::find()
        .filter(organisations::Column::VerifiedAt.is_not_null())
        .order_by_asc(organisations::Column::Id)
        .all(ctx.txn)
        .await?;
    for o in verified {
        let by = o.verified_by.unwrap_or(admin); // the demo verified them without a name
        record_from(
            ctx.txn,
            Some(by),
            office,
            Action::OrgVerified,
            Target::Org(o.id),
            "",
        )
        .await?;
    }
    let decided = label_applications::Entity::find()
        .filter(label_applications::Column::DecidedBy.is_not_null())
        .order_by_asc(label_applications::Column::Id)
        .all(ctx.txn)
        .await?;
    let chamber = Some(std::net::IpAddr::from([198, 51, 100, 20]));
    for a in decided {
        let detail = format!("submitted → {}", a.status);
        record_from(
            ctx.txn,
            a.decided_by,
            chamber,
            Action::LabelDecided,
            Target::LabelApplication(a.id),
            detail,
        )
        .await?;
    }
    Ok(())
}
