//! The demo's groupements de commandes: the Métropole coordinates the school supplies of its
//! colleges with two rural communes that joined and a third body that asks; the Ville de Lyon's
//! fruit and vegetables, in sourcing, were opened to Vaulx-en-Velin and Sainte-Foy-lès-Lyon,
//! whose kitchens joined before the last day (now past): they read the call's answers.

use super::sourcing::plan;
use super::{Ctx, PlanRef};
use crate::domain::joint::CoBuyerStatus;
use crate::server::infra::entities::{plan_co_buyer_parts, plan_co_buyers, plans};
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DbErr, EntityTrait};

/// (buyer key, status, communes, [(lot number, euros, quantity)], note to the coordinator).
type Member = (
    &'static str,
    CoBuyerStatus,
    &'static str,
    &'static [(i32, i64, &'static str)],
    &'static str,
);

const SUPPLIES: &[Member] = &[
    (
        "chabaniere",
        CoBuyerStatus::Accepted,
        "69228",
        &[(1, 9_000, "3 écoles, 410 élèves"), (2, 2_500, "")],
        "Délibération du conseil municipal prévue le mois prochain.",
    ),
    (
        "saint_germain_nuelles",
        CoBuyerStatus::Accepted,
        "69208",
        &[(1, 4_000, "1 école, 150 élèves")],
        "",
    ),
    (
        "arbresle",
        CoBuyerStatus::Asked,
        "69010,69208",
        &[(1, 15_000, "écoles des 17 communes"), (3, 6_000, "")],
        "Nous portons la compétence scolaire pour une partie des communes : à confirmer.",
    ),
];

const FRUITS: &[Member] = &[
    (
        "vaulx",
        CoBuyerStatus::Accepted,
        "69256",
        &[(1, 180_000, "45 t par an"), (2, 120_000, "30 t par an")],
        "",
    ),
    (
        "sainte_foy",
        CoBuyerStatus::Accepted,
        "69202",
        &[(1, 40_000, "10 t par an")],
        "",
    ),
];

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    let today = ctx.now.date_naive();
    let supplies = plan(ctx, "Fournitures scolaires")?.clone();
    open(
        ctx,
        &supplies,
        "La Métropole coordonne l'appel d'offres ouvert et notifie un accord-cadre par membre. \
         Chaque membre passe et paie ses propres bons de commande ; ses besoins sont comptés sur \
         la moyenne de ses trois dernières années. Les frais de procédure restent à la charge de \
         la Métropole.",
        today + Duration::days(30),
        SUPPLIES,
    )
    .await?;
    let fruits = plan(ctx, "Fourniture de fruits et légumes")?.clone();
    open(
        ctx,
        &fruits,
        "La Ville de Lyon coordonne la procédure ; chaque membre commande pour ses cuisines et \
         paie ses factures. Les quantités de chaque membre sont celles qu'il déclare ici.",
        today - Duration::days(10),
        FRUITS,
    )
    .await
}

async fn open(
    ctx: &mut Ctx<'_>,
    p: &PlanRef,
    convention: &str,
    deadline: chrono::NaiveDate,
    members: &[Member],
) -> Result<(), DbErr> {
    let row = plans::Entity::find_by_id(p.id)
        .one(ctx.txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(p.title.into()))?;
    let mut m: plans::ActiveModel = row.into();
    m.joint_convention = Set(Some(convention.into()));
    m.joint_deadline = Set(Some(deadline));
    m.update(ctx.txn).await?;
    for (i, (key, status, communes, parts, note)) in members.iter().enumerate() {
        let buyer = ctx.buyers[key].clone();
        let asked = ctx.now - Duration::days(20 - 4 * i as i64);
        let r =
            plan_co_buyers::ActiveModel {
                plan_id: Set(p.id),
                buyer_id: Set(buyer.id),
                status: Set(status.as_str().into()),
                contact: Set(format!(
                    "Secrétariat de {} (fictif) : achats.{}@demo.passerelle.example",
                    buyer.name,
                    key.replace('_', "-")
                )),
                communes: Set((*communes).into()),
                note: Set((!note.is_empty()).then(|| note.to_string())),
                asked_by: Set(buyer.owner),
                created_at: Set(asked),
                updated_at: Set(asked),
                decided_at: Set(
                    (*status == CoBuyerStatus::Accepted).then(|| asked + Duration::days(2))
                ),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
        for (number, amount, quantity) in *parts {
            let lot = p
                .lots
                .get(*number as usize - 1)
                .map(|(id, _)| *id)
                .ok_or_else(|| DbErr::RecordNotFound(format!("lot {number} of {}", p.title)))?;
            plan_co_buyer_parts::ActiveModel {
                co_buyer_id: Set(r.id),
                lot_id: Set(Some(lot)),
                amount: Set(*amount),
                quantity: Set((*quantity).into()),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
        }
    }
    Ok(())
}
