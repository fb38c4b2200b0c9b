//! Writing partner requests: a business's members post, edit, open and close them, with their
//! needs (CPV codes, labels, places).

use super::*;
use crate::domain::ids::{OrgId, UserId};

/// Checks what the form names in the database: CPV codes, the commune, the plan and its lot.
pub(super) async fn resolve(
    db: &impl ConnectionTrait,
    form: &RequestForm,
) -> Result<
    (
        RequestInput,
        Option<communes::Model>,
        HashMap<String, String>,
    ),
    AppError,
> {
    let input = form.check(today())?;
    let names = cpv_names(db, input.cpv.clone()).await?;
    if names.len() != input.cpv.len() {
        return Err(AppError::field("cpv", "validation.unknown_cpv"));
    }
    let commune = match &input.commune {
        None => None,
        Some(typed) => Some(
            crate::server::infra::places::resolve_commune(db, typed)
                .await?
                .ok_or_else(|| {
                    AppError::Invalid(vec![crate::server::infra::places::commune_error(
                        "commune", typed,
                    )])
                })?,
        ),
    };
    if let Some(plan_id) = input.plan_id {
        let plan = plans::Entity::find_by_id(plan_id).one(db).await?;
        // A draft is not public: nobody may tie a request to it.
        if plan.is_none_or(|p| p.status == PlanStatus::Draft.as_str()) {
            return Err(AppError::field("plan_id", "validation.unknown_choice"));
        }
        if let Some(lot_id) = input.lot_id {
            let lot = plan_lots::Entity::find_by_id(lot_id).one(db).await?;
            if lot.is_none_or(|l| l.plan_id != plan_id) {
                return Err(AppError::field("lot_id", "validation.unknown_choice"));
            }
        }
    }
    Ok((input, commune, names))
}

/// What the board's word search looks in: title, description and the codes' names, stemmed.
pub(super) fn words_of(input: &RequestInput, names: &HashMap<String, String>) -> String {
    let mut text = format!("{} {}", input.title, input.description);
    for code in &input.cpv {
        text.push(' ');
        text.push_str(names.get(code).map(String::as_str).unwrap_or(""));
    }
    let mut stems = crate::server::infra::search::schema::stems(&text);
    stems.sort();
    stems.dedup();
    stems.join(" ")
}

pub(super) fn fill(
    m: &mut partner_requests::ActiveModel,
    input: &RequestInput,
    commune: &Option<communes::Model>,
    names: &HashMap<String, String>,
) {
    m.title = Set(input.title.clone());
    m.description = Set(input.description.clone());
    m.role = Set(input.role.as_str().into());
    m.consortium_kind = Set(input.kind.as_str().into());
    m.capacity = Set(input.capacity.clone());
    m.commune = Set(commune.as_ref().map(|c| c.insee.clone()));
    m.radius_km = Set(input.radius_km);
    m.deadline = Set(input.deadline);
    m.plan_id = Set(input.plan_id);
    m.lot_id = Set(input.lot_id);
    m.words = Set(words_of(input, names));
    m.updated_at = Set(Utc::now());
}

pub(super) async fn write_children(
    db: &impl ConnectionTrait,
    id: i32,
    input: &RequestInput,
) -> Result<(), AppError> {
    partner_request_cpv::Entity::delete_many()
        .filter(partner_request_cpv::Column::RequestId.eq(id))
        .exec(db)
        .await?;
    partner_request_labels::Entity::delete_many()
        .filter(partner_request_labels::Column::RequestId.eq(id))
        .exec(db)
        .await?;
    if !input.cpv.is_empty() {
        partner_request_cpv::Entity::insert_many(input.cpv.iter().map(|c| {
            partner_request_cpv::ActiveModel {
                request_id: Set(id),
                cpv_code: Set(c.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    if !input.labels.is_empty() {
        partner_request_labels::Entity::insert_many(input.labels.iter().map(|l| {
            partner_request_labels::ActiveModel {
                request_id: Set(id),
                label: Set(l.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A firm's member posts a request; it is open at once.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    org_id: i32,
    form: &RequestForm,
) -> Result<i32, AppError> {
    let user = caller.user()?;
    let txn = begin_write(db).await?;
    crate::server::auth::acting_business(&txn, UserId(user.id), OrgId(org_id)).await?;
    let (input, commune, names) = resolve(&txn, form).await?;
    let now = Utc::now();
    let mut m = partner_requests::ActiveModel {
        organisation_id: Set(org_id),
        status: Set(OPEN.into()),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        ..Default::default()
    };
    fill(&mut m, &input, &commune, &names);
    let r = m.insert(&txn).await?;
    write_children(&txn, r.id, &input).await?;
    txn.commit().await?;
    Ok(r.id)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    form: &RequestForm,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let r = own_request(&txn, caller, id).await?;
    let (input, commune, names) = resolve(&txn, form).await?;
    let mut m: partner_requests::ActiveModel = r.into();
    fill(&mut m, &input, &commune, &names);
    m.update(&txn).await?;
    write_children(&txn, id, &input).await?;
    txn.commit().await.map_err(AppError::from)
}

/// Closes a request (no more answers) or opens it again while its deadline has not passed.
pub async fn set_open(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    open: bool,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let r = own_request(&txn, caller, id).await?;
    if open && r.deadline < today() {
        return Err(AppError::field("deadline", "partners.deadline_past"));
    }
    let mut m: partner_requests::ActiveModel = r.into();
    m.status = Set(if open { OPEN } else { CLOSED }.into());
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    txn.commit().await.map_err(AppError::from)
}
