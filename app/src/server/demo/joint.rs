//! The demo's groupements de commandes: the Métropole coordinates the school supplies of its
//! colleges with two rural communes that joined and a third body that asks; the Ville de Lyon's
//! fruit and vegetables, in sourcing, were opened to Vaulx-en-Velin and Sainte-Foy-lès-Lyon,
//! whose kitchens joined before the last day (now past): they read the call's answers; the
//! Ville de Lyon's LED street lighting, awarded, was bought with Sainte-Foy and Vaulx-en-Velin
//! for their own streets: Sainte-Foy linked its own contract, Vaulx has yet to.

use super::sourcing::plan;
use super::{Ctx, PlanRef};
use crate::domain::joint::CoBuyerStatus;
use crate::server::infra::entities::{contracts, plan_co_buyer_parts, plan_co_buyers, plans};
use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// (buyer key, status, communes, [(lot number — 0 for the whole —, euros, quantity)], note to
/// the coordinator).
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

const LIGHTING: &[Member] = &[
    (
        "sainte_foy",
        CoBuyerStatus::Accepted,
        "69202",
        &[(0, 180_000, "420 luminaires des voies communales")],
        "",
    ),
    (
        "vaulx",
        CoBuyerStatus::Accepted,
        "69256",
        &[(0, 350_000, "900 luminaires")],
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
    .await?;
    let lighting = plan(ctx, "Éclairage public LED")?.clone();
    open(
        ctx,
        &lighting,
        "La Ville de Lyon coordonne l'appel d'offres ; chaque commune membre signe son propre marché \
         avec le titulaire pour les luminaires de ses voies communales et le paie. Les quantités \
         sont celles que chaque membre a recensées.",
        today - Duration::days(300),
        LIGHTING,
    )
    .await?;
    // Sainte-Foy linked its own contract (its latest in the past contracts), as a member does
    // once the procurement is awarded.
    let foy = &ctx.buyers["sainte_foy"];
    let latest = contracts::Entity::find()
        .filter(contracts::Column::BuyerSiret.eq(super::plans::buyer_siret("sainte_foy")))
        .order_by_desc(contracts::Column::NotifiedOn)
        .one(ctx.txn)
        .await?;
    let row = plan_co_buyers::Entity::find()
        .filter(plan_co_buyers::Column::PlanId.eq(lighting.id))
        .filter(plan_co_buyers::Column::BuyerId.eq(foy.id))
        .one(ctx.txn)
        .await?;
    if let (Some(c), Some(r)) = (latest, row) {
        let mut m: plan_co_buyers::ActiveModel = r.into();
        m.contract_id = Set(Some(c.id));
        m.update(ctx.txn).await?;
    }
    Ok(())
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
        // Asked in the weeks before the last day, or before today if it is still ahead.
        let past = (ctx.now.date_naive() - deadline).num_days().max(0);
        let asked = ctx.now - Duration::days(past + 20 - 4 * i as i64);
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
            let lot = match number {
                0 => None,
                n => Some(
                    p.lots
                        .get(*n as usize - 1)
                        .map(|(id, _)| *id)
                        .ok_or_else(|| DbErr::RecordNotFound(format!("lot {n} of {}", p.title)))?,
                ),
            };
            plan_co_buyer_parts::ActiveModel {
                co_buyer_id: Set(r.id),
                lot_id: Set(lot),
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
