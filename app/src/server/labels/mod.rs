//! The territorial label on the server: referentials (analysts write them), applications
//! (members of a business write them, analysts decide), evidence rows, the history of every
//! step, expiry, and the badges shown beside offers and businesses. Every step checks the
//! caller's right and the application's status (`domain::label::next`) inside its transaction,
//! and writes its event in the same transaction.

mod schemes;
pub use schemes::*;
mod applications;
pub use applications::*;
mod evidence;
pub use evidence::*;
mod badges;
pub use badges::*;

pub mod http;

use crate::domain::label::{
    self, check_criterion, check_reason, file_size, next, Actor, ApplicationStatus,
    ApplicationSummary, CriterionView, Dossier, DossierCriterion, EventView, EvidenceView, Holder,
    LabelAction, LabelBadge, LabelTarget, OrgLabels, SchemeForm, SchemeStatus, SchemeSummary,
    SchemeView, MAX_ANSWER, MAX_CRITERIA,
};
use crate::error::{AppError, FieldError};
use crate::server::auth::member_business;
use crate::server::infra::db::begin_write;
use crate::server::infra::entities::{
    label_answers, label_applications, label_criteria, label_events, label_evidence, label_schemes,
    offers, organisations, users,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

fn day(d: DateTime<Utc>) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The folder of evidence files (never served as they are: see the server's `evidence` route).
pub fn folder(media_dir: &Path) -> PathBuf {
    media_dir.join("evidence")
}

/// Whether `name` is a name the server gives to evidence: 32 lower-case hex digits and `.pdf`,
/// `.jpg` or `.png`.
pub fn is_stored_name(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(ext, "pdf" | "jpg" | "png")
}

pub fn evidence_url(file_name: &str) -> String {
    format!("/labels/pieces/{file_name}")
}

async fn scheme_of(db: &impl ConnectionTrait, id: i32) -> Result<label_schemes::Model, AppError> {
    label_schemes::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn criteria_of(
    db: &impl ConnectionTrait,
    scheme_id: i32,
) -> Result<Vec<label_criteria::Model>, AppError> {
    label_criteria::Entity::find()
        .filter(label_criteria::Column::SchemeId.eq(scheme_id))
        .order_by_asc(label_criteria::Column::Position)
        .order_by_asc(label_criteria::Column::Id)
        .all(db)
        .await
        .map_err(AppError::from)
}

fn criterion_view(c: label_criteria::Model) -> CriterionView {
    CriterionView {
        id: c.id,
        question: c.question,
        evidence: c.evidence,
    }
}

/// The name is the referential's identity for businesses and buyers: two cannot share it.
async fn name_is_free(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<i32>,
) -> Result<bool, AppError> {
    let mut q = label_schemes::Entity::find().filter(label_schemes::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(label_schemes::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_none())
}

// ---------------------------------------------------------------- referentials (analysts)

// ------------------------------------------------------------------ applications (business)

// ---------------------------------------------------------------------------- evidence

// ------------------------------------------------------------------------------- badges
