//! What waits for the demo accounts: saved searches (the partner board's alert last ran a week
//! ago, so the first sweep after seeding finds the new requests and sends its email) and the
//! notifications that point each account at its work.

use super::Ctx;
use crate::server::alerts::{OFFERS, ORGS, PARTNERS};
use crate::server::infra::entities::{notifications, saved_searches};
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DbErr};

async fn search(
    ctx: &Ctx<'_>,
    user: i32,
    kind: &str,
    query: String,
    name: &str,
    frequency: &str,
    last_run_days: i64,
) -> Result<(), DbErr> {
    saved_searches::ActiveModel {
        user_id: Set(user),
        kind: Set(kind.into()),
        query: Set(query),
        name: Set(name.into()),
        frequency: Set(frequency.into()),
        created_at: Set(ctx.now - Duration::days(30)),
        last_run_at: Set(ctx.now - Duration::days(last_run_days)),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    Ok(())
}

async fn notify(
    ctx: &Ctx<'_>,
    user: i32,
    title: String,
    url: String,
    hours: i64,
) -> Result<(), DbErr> {
    notifications::ActiveModel {
        user_id: Set(user),
        title: Set(title),
        url: Set(url),
        created_at: Set(ctx.now - Duration::hours(hours)),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    Ok(())
}

fn plan(ctx: &Ctx<'_>, start: &str) -> Option<i32> {
    ctx.plans
        .iter()
        .find(|p| p.title.starts_with(start))
        .map(|p| p.id)
}

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    use crate::domain::programming::PlanFilters;
    use crate::domain::{
        catalogue::CatalogueFilters, directory::DirectoryFilters, partners::BoardFilters,
    };
    let (buyer, joiner, gardener, analyst, admin) = (
        ctx.person("buyer"),
        ctx.person("joiner"),
        ctx.person("gardener"),
        ctx.person("analyst"),
        ctx.person("admin"),
    );
    // Saved searches, written in the lists' own canonical form.
    let works = PlanFilters {
        cpv: Some("45".into()),
        ..PlanFilters::from_query("")
    }
    .to_query(1);
    search(
        ctx,
        joiner,
        "plans",
        works,
        "Travaux prévus dans le bâtiment",
        "weekly",
        3,
    )
    .await?;
    let partners = BoardFilters::from_query("q=menuisier").to_query(1);
    search(
        ctx,
        joiner,
        PARTNERS,
        partners,
        "Demandes de partenaires : menuisier",
        "instant",
        8,
    )
    .await?;
    let farms = DirectoryFilters::from_query("q=maraîchage").to_query(1);
    search(
        ctx,
        buyer,
        ORGS,
        farms,
        "Maraîchers de l'annuaire",
        "weekly",
        2,
    )
    .await?;
    let food = PlanFilters {
        cpv: Some("03".into()),
        ..PlanFilters::from_query("")
    }
    .to_query(1);
    search(
        ctx,
        gardener,
        "plans",
        food,
        "Achats prévus de produits agricoles",
        "instant",
        1,
    )
    .await?;
    let bread = CatalogueFilters::from_query("q=pain").to_query(1);
    search(
        ctx,
        buyer,
        OFFERS,
        bread,
        "Pain bio dans le catalogue",
        "weekly",
        2,
    )
    .await?;

    // The buyer: interest signals and sourcing answers on her plans.
    if let Some(p) = plan(ctx, "Remplacement des menuiseries") {
        notify(ctx, buyer, "Nouvelles réponses au questionnaire : remplacement des menuiseries de six groupes scolaires".into(), format!("/programmation/{p}"), 5).await?;
    }
    if let Some(p) = plan(ctx, "Fourniture de fruits et légumes") {
        notify(ctx, buyer, "Des entreprises ont signalé leur intérêt : fruits et légumes frais pour les cuisines centrales".into(), format!("/programmation/{p}"), 20).await?;
    }
    // The joiner: an invitation, a booked meeting, an alert.
    notify(ctx, joiner, "Électricité Saône Services (fictive) vous invite dans le groupement « Groupement Écoles du 8e (fictif) »".into(), "/compte/groupements".into(), 2).await?;
    notify(
        ctx,
        joiner,
        "Inscription confirmée : rendez-vous individuels sur le remplacement des menuiseries"
            .into(),
        "/compte/reunions".into(),
        30,
    )
    .await?;
    notify(
        ctx,
        joiner,
        "Alerte « Demandes de partenaires : menuisier » : une nouvelle demande".into(),
        "/groupements?q=menuisier".into(),
        50,
    )
    .await?;
    // The market gardener: her label application was sent back.
    notify(
        ctx,
        gardener,
        "Label « Fabriqué et employeur dans la Métropole » : des modifications sont demandées"
            .into(),
        format!("/compte/organisations/{}/labels", ctx.core_orgs["jardins"]),
        26,
    )
    .await?;
    // The analyst: applications to review.
    notify(
        ctx,
        analyst,
        "Trois demandes de label attendent votre instruction".into(),
        "/labels/instruction".into(),
        4,
    )
    .await?;
    // The admin: a buyer to verify, the import runs.
    notify(
        ctx,
        admin,
        "Un acheteur attend d'être vérifié : Commune d'Irigny".into(),
        "/admin".into(),
        6,
    )
    .await?;
    notify(
        ctx,
        admin,
        "Import des données essentielles terminé".into(),
        "/admin/imports".into(),
        1,
    )
    .await?;
    Ok(())
}
