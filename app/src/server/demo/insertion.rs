//! The demo's insertion follow-up: the Métropole's facilitator (a Maison de l'emploi's, fictive),
//! the notes exchanged with the buyers on the sizing of their clauses, and the hours worked on
//! two awarded contracts — the gymnasium's, whose awardee (the tour's joinery) records them and
//! the facilitator validates, on time; the riverbanks', late (its real awardee is not on
//! Passerelle: the facilitator records for it), which the hourly job reports once.

use super::Ctx;
use crate::domain::insertion_hours::{month_of, HourKind};
use crate::server::infra::entities::{insertion_hours, plan_insertion_notes, plans, users};
use chrono::{Duration, Months};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

/// The gymnasium's hours: (months ago, type, hours, validated).
const GYM_HOURS: &[(u32, HourKind, i32, bool)] = &[
    (7, HourKind::Direct, 100, true),
    (6, HourKind::Siae, 100, true),
    (5, HourKind::Siae, 100, true),
    (4, HourKind::Direct, 100, true),
    (3, HourKind::Siae, 120, true),
    (2, HourKind::Training, 80, true),
    (1, HourKind::Etti, 80, false),
];

/// (buyer, plan title, days ago, written by the facilitator, note)
const NOTES: &[(&str, &str, i64, bool, &str)] = &[
    ("grandlyon_habitat", "Réhabilitation thermique de 240 logements à Vaulx-en-Velin", 20, true,
     "Pour des travaux de réhabilitation en site occupé, un taux de 7 % est tenable : les lots isolation et menuiseries ont une forte part de main-d'œuvre. Les ACI du secteur peuvent prendre les finitions."),
    ("lyon", "Nettoyage des bâtiments administratifs en journée", 12, true,
     "La proposition (70 % de main-d'œuvre, 5 %) convient. Pensez à l'ETTI et aux deux entreprises d'insertion du nettoyage de Vaulx-en-Velin lors du sourcing."),
    ("lyon", "Nettoyage des bâtiments administratifs en journée", 10, false,
     "Merci : nous gardons 5 % et les inviterons à la réunion de sourcing."),
];

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), crate::error::AppError> {
    let facilitator = ctx.person("facilitator");
    if let Some(u) = users::Entity::find_by_id(facilitator).one(ctx.txn).await? {
        let mut u: users::ActiveModel = u.into();
        u.facilitator_area = Set(Some("69M".into()));
        u.update(ctx.txn).await?;
    }
    let buyer = ctx.person("buyer");
    for (key, title, ago, by_facilitator, body) in NOTES {
        let Some(plan) = ctx
            .plans
            .iter()
            .find(|p| p.buyer == *key && p.title == *title)
        else {
            continue;
        };
        plan_insertion_notes::ActiveModel {
            plan_id: Set(plan.id),
            user_id: Set(Some(if *by_facilitator { facilitator } else { buyer })),
            body: Set(body.to_string()),
            created_at: Set(ctx.now - Duration::days(*ago)),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
    }
    let joiner = ctx.person("joiner");
    let joinery = ctx.core_orgs["menuiserie"];
    if let Some(gym) = plan_id(ctx, "lyon", "Rénovation du gymnase Mermoz") {
        name_awardee(ctx, gym, joinery).await?;
        for (ago, kind, hours, validated) in GYM_HOURS {
            record(
                ctx,
                gym,
                *ago,
                *kind,
                *hours,
                joiner,
                validated.then_some(facilitator),
            )
            .await?;
        }
    }
    if let Some(banks) = plan_id(
        ctx,
        "metropole",
        "Entretien des berges du Rhône et de la Saône",
    ) {
        record(
            ctx,
            banks,
            3,
            HourKind::Siae,
            40,
            facilitator,
            Some(facilitator),
        )
        .await?;
    }
    Ok(())
}

fn plan_id(ctx: &Ctx<'_>, buyer: &str, title: &str) -> Option<i32> {
    ctx.plans
        .iter()
        .find(|p| p.buyer == buyer && p.title == title)
        .map(|p| p.id)
}

async fn name_awardee(
    ctx: &mut Ctx<'_>,
    plan: i32,
    org: i32,
) -> Result<(), crate::error::AppError> {
    if let Some(p) = plans::Entity::find_by_id(plan).one(ctx.txn).await? {
        let mut p: plans::ActiveModel = p.into();
        p.awardee_org_id = Set(Some(org));
        p.update(ctx.txn).await?;
    }
    Ok(())
}

/// Hours of the month `ago` months back, recorded by `by` on the 5th of the next month and
/// validated by `validator` two days later.
async fn record(
    ctx: &mut Ctx<'_>,
    plan: i32,
    ago: u32,
    kind: HourKind,
    hours: i32,
    by: i32,
    validator: Option<i32>,
) -> Result<(), crate::error::AppError> {
    let this_month = month_of(ctx.now.date_naive());
    let period = this_month
        .checked_sub_months(Months::new(ago))
        .unwrap_or(this_month);
    let recorded = ctx.now - Duration::days(30 * ago as i64 - 5);
    insertion_hours::ActiveModel {
        plan_id: Set(plan),
        lot_id: Set(None),
        period: Set(period),
        kind: Set(kind.as_str().into()),
        hours: Set(hours),
        recorded_by: Set(Some(by)),
        recorded_at: Set(recorded),
        validated_by: Set(validator),
        validated_at: Set(validator.map(|_| recorded + Duration::days(2))),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    Ok(())
}
