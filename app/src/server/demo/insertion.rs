//! The demo's insertion follow-up: the Métropole's facilitator (a Maison de l'emploi's, fictive)
//! and the notes exchanged with the buyers on the sizing of their clauses.

use super::Ctx;
use crate::server::infra::entities::{plan_insertion_notes, users};
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

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
    Ok(())
}
