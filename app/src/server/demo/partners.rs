//! The demo's partnerships: partner requests with answers, two consortia (one forming with an
//! invitation waiting for the joiner, one formed and talking), and direct contacts.

use super::{Ctx, Firm};
use crate::domain::consortia::{MemberRole, MemberStatus, Stage};
use crate::domain::contacts::ContactStatus;
use crate::domain::partners::{AnswerStatus, ConsortiumKind, PartnerRole};
use crate::server::infra::entities::{
    consortia, consortium_members, consortium_messages, contact_messages, contacts, cpv_codes,
    partner_answer_offers, partner_answers, partner_request_cpv, partner_requests,
};
use chrono::Duration;
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DbErr, EntityTrait};

struct RequestTpl {
    /// The requesting firm: a core key or an analytics trade (its first firm).
    by: &'static str,
    plan: &'static str,
    title: &'static str,
    text: &'static str,
    role: PartnerRole,
    cpv: &'static str,
    /// The trade of the firms that answer.
    answered_by: &'static str,
}

const REQUESTS: &[RequestTpl] = &[
    RequestTpl { by: "elec", plan: "Remplacement des menuiseries", title: "Menuisier pour six groupes scolaires", text: "Nous répondons au lot électricité et cherchons un menuisier pour un groupement conjoint sur le remplacement des fenêtres. Chantiers pendant les vacances scolaires.", role: PartnerRole::CoContractor, cpv: "45421100", answered_by: "menuiserie" },
    RequestTpl { by: "agriculture", plan: "Fourniture de fruits et légumes", title: "Légumerie partenaire pour le lot légumes prêts à cuisiner", text: "Maraîchers des monts du Lyonnais, nous cherchons une légumerie ou une structure d'insertion pour éplucher et conditionner.", role: PartnerRole::Subcontractor, cpv: "15331100", answered_by: "agriculture" },
    RequestTpl { by: "gros_oeuvre", plan: "Rénovation énergétique des collèges", title: "Entreprise d'isolation par l'extérieur en sous-traitance", text: "Pour le programme de rénovation des collèges, nous cherchons une entreprise d'isolation en fibre de bois, qualifiée RGE.", role: PartnerRole::Subcontractor, cpv: "45321000", answered_by: "gros_oeuvre" },
    RequestTpl { by: "alimentation", plan: "Restauration scolaire en liaison froide", title: "Producteurs de yaourts et de fromages blancs fermiers", text: "Traiteur, nous préparons une offre avec 25 % de bio : nous cherchons des fermes pour les produits laitiers, livraison hebdomadaire.", role: PartnerRole::CoContractor, cpv: "15551300", answered_by: "alimentation" },
    RequestTpl { by: "espaces_verts", plan: "Entretien des espaces verts des résidences", title: "Structure d'insertion pour l'entretien des résidences", text: "Paysagistes, nous voulons répondre avec un chantier d'insertion pour porter la clause de 2 000 heures.", role: PartnerRole::CoContractor, cpv: "77311000", answered_by: "espaces_verts" },
    RequestTpl { by: "menuiserie", plan: "Rénovation de l'école du village", title: "Peintre pour l'école de Chabanière", text: "Menuisiers, nous répondons aux lots menuiseries et cherchons un peintre pour un groupement conjoint sur les trois lots.", role: PartnerRole::CoContractor, cpv: "45442110", answered_by: "peinture" },
];

fn firm_of(ctx: &Ctx<'_>, key: &str) -> Option<Firm> {
    let org = ctx.core_orgs.get(key).copied();
    ctx.firms
        .iter()
        .find(|f| {
            Some(f.org.id) == org || (org.is_none() && f.trade == key && f.org.owner.is_some())
        })
        .or_else(|| ctx.firms.iter().find(|f| f.trade == key))
        .cloned()
}

fn missing(what: &str) -> DbErr {
    DbErr::RecordNotFound(format!("demo: {what}"))
}

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    for (k, r) in REQUESTS.iter().enumerate() {
        request(ctx, k, r).await?;
    }
    consortia_seed(ctx).await?;
    contacts_seed(ctx).await
}

async fn request(ctx: &mut Ctx<'_>, k: usize, r: &RequestTpl) -> Result<(), DbErr> {
    let by = firm_of(ctx, r.by).ok_or_else(|| missing(r.by))?;
    let plan = ctx
        .plans
        .iter()
        .find(|p| p.title.starts_with(r.plan))
        .cloned()
        .ok_or_else(|| missing(r.plan))?;
    let label = cpv_codes::Entity::find_by_id(r.cpv.to_string())
        .one(ctx.txn)
        .await?
        .map(|c| c.label_fr)
        .unwrap_or_default();
    let mut words =
        crate::server::infra::search::schema::stems(&format!("{} {} {label}", r.title, r.text));
    words.sort();
    words.dedup();
    let created = ctx.now - Duration::days(3 + 4 * k as i64);
    let req = partner_requests::ActiveModel {
        organisation_id: Set(by.org.id),
        plan_id: Set(Some(plan.id)),
        lot_id: Set(plan
            .lots
            .iter()
            .find(|(_, c)| *c == r.cpv)
            .map(|(id, _)| *id)),
        title: Set(r.title.into()),
        description: Set(format!("{} (Demande fictive de démonstration.)", r.text)),
        role: Set(r.role.as_str().into()),
        consortium_kind: Set(ConsortiumKind::Joint.as_str().into()),
        capacity: Set(Some("Deux personnes pendant six semaines".into())),
        commune: Set(Some(by.org.commune.clone())),
        radius_km: Set(Some(50)),
        deadline: Set((ctx.now + Duration::days(20 + 3 * k as i64)).date_naive()),
        status: Set(crate::server::partners::OPEN.into()),
        words: Set(words.join(" ")),
        created_by: Set(by.org.owner),
        created_at: Set(created),
        updated_at: Set(created),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    partner_request_cpv::ActiveModel {
        request_id: Set(req.id),
        cpv_code: Set(r.cpv.into()),
    }
    .insert(ctx.txn)
    .await?;
    let mut candidates = ctx.firms_of(r.answered_by);
    candidates.retain(|f| f.org.id != by.org.id);
    // The joiner answers the electrician's request (the answer waits for a decision).
    let joiner = ctx.core_orgs["menuiserie"];
    let mut chosen = ctx.some(&candidates, 3);
    if r.by == "elec" {
        chosen.retain(|f| f.org.id != joiner);
        if let Some(j) = ctx.firms.iter().find(|f| f.org.id == joiner) {
            chosen.insert(0, j.clone());
        }
    }
    for (n, f) in chosen.iter().enumerate() {
        let status = match (r.by == "elec" && n == 0, n) {
            (true, _) => AnswerStatus::Pending,
            (_, 0) => AnswerStatus::Accepted,
            (_, 1) => AnswerStatus::Pending,
            _ => AnswerStatus::Declined,
        };
        let at = created + Duration::days(1 + n as i64);
        let answer = partner_answers::ActiveModel {
            request_id: Set(req.id),
            organisation_id: Set(f.org.id),
            message: Set(format!(
                "Bonjour, {} est disponible sur la période et connaît ce type de chantier. \
                 (Réponse fictive de démonstration.)",
                f.org.name
            )),
            status: Set(status.as_str().into()),
            created_by: Set(if f.org.id == joiner {
                Some(ctx.person("joiner"))
            } else {
                f.org.owner
            }),
            created_at: Set(at),
            decided_at: Set((status != AnswerStatus::Pending).then_some(at + Duration::days(1))),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
        if let Some(o) = ctx.offers_of(f.org.id).first() {
            partner_answer_offers::ActiveModel {
                answer_id: Set(answer.id),
                offer_id: Set(o.id),
            }
            .insert(ctx.txn)
            .await?;
        }
    }
    Ok(())
}

async fn consortium(
    ctx: &mut Ctx<'_>,
    name: &str,
    stage: Stage,
    plan: &str,
    lead: &Firm,
    members: &[(Firm, MemberRole, MemberStatus, &str)],
) -> Result<i32, DbErr> {
    let plan = ctx
        .plans
        .iter()
        .find(|p| p.title.starts_with(plan))
        .map(|p| p.id);
    let created = ctx.now - Duration::days(9);
    let c = consortia::ActiveModel {
        name: Set(name.into()),
        kind: Set(ConsortiumKind::Joint.as_str().into()),
        status: Set(stage.as_str().into()),
        plan_id: Set(plan),
        request_id: Set(None),
        lead_id: Set(lead.org.id),
        created_by: Set(lead.org.owner),
        created_at: Set(created),
        updated_at: Set(created),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    let lead_row = (lead.clone(), MemberRole::Lead, MemberStatus::Accepted, "");
    for (f, role, status, share) in std::iter::once(&lead_row).chain(members) {
        consortium_members::ActiveModel {
            consortium_id: Set(c.id),
            organisation_id: Set(f.org.id),
            role: Set(role.as_str().into()),
            status: Set(status.as_str().into()),
            share: Set((*share).into()),
            invited_by: Set(lead.org.owner),
            invited_at: Set(created),
            answered_at: Set(
                (*status != MemberStatus::Invited).then_some(created + Duration::days(1))
            ),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
    }
    Ok(c.id)
}

async fn consortia_seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    let elec = firm_of(ctx, "elec").ok_or_else(|| missing("elec"))?;
    let joiner = firm_of(ctx, "menuiserie").ok_or_else(|| missing("joiner"))?;
    let painter = firm_of(ctx, "peinture").ok_or_else(|| missing("peinture"))?;
    consortium(
        ctx,
        "Groupement Écoles du 8e (fictif)",
        Stage::Forming,
        "Remplacement des menuiseries",
        &elec,
        &[
            (
                joiner,
                MemberRole::CoContractor,
                MemberStatus::Invited,
                "Menuiseries, 55 %",
            ),
            (
                painter,
                MemberRole::Subcontractor,
                MemberStatus::Accepted,
                "Reprises de peinture, 10 %",
            ),
        ],
    )
    .await?;
    let farms = ctx.firms_of("agriculture");
    let lead = farms
        .iter()
        .find(|f| f.org.owner.is_some() && f.inclusive.is_none())
        .cloned()
        .ok_or_else(|| missing("farm"))?;
    let gardens = firm_of(ctx, "jardins").ok_or_else(|| missing("jardins"))?;
    let dairy = ctx
        .firms_of("alimentation")
        .into_iter()
        .next()
        .ok_or_else(|| missing("dairy"))?;
    let courier = ctx
        .firms_of("transport")
        .into_iter()
        .next()
        .ok_or_else(|| missing("transport"))?;
    let id = consortium(
        ctx,
        "Légumes et laitages du Lyonnais (fictif)",
        Stage::Formed,
        "Denrées locales pour les collèges",
        &lead,
        &[
            (
                gardens.clone(),
                MemberRole::CoContractor,
                MemberStatus::Accepted,
                "Légumes bio, 30 %",
            ),
            (
                dairy.clone(),
                MemberRole::CoContractor,
                MemberStatus::Accepted,
                "Produits laitiers, 35 %",
            ),
            (
                courier.clone(),
                MemberRole::Subcontractor,
                MemberStatus::Accepted,
                "Livraisons, 5 %",
            ),
        ],
    )
    .await?;
    let talk = [
        (
            &lead,
            "Bonjour à tous : je propose de répartir les livraisons par collège, à voir jeudi.",
        ),
        (
            &gardens,
            "D'accord pour nous : nous pouvons livrer les collèges de l'est le mardi.",
        ),
        (
            &courier,
            "Nos vélos-cargos isothermes peuvent faire les collèges du centre.",
        ),
        (&dairy, "Nous envoyons nos prix au kilo d'ici vendredi."),
    ];
    for (n, (f, body)) in talk.iter().enumerate() {
        let user = if f.org.id == gardens.org.id {
            Some(ctx.person("gardener"))
        } else {
            f.org.owner
        };
        consortium_messages::ActiveModel {
            consortium_id: Set(id),
            organisation_id: Set(f.org.id),
            user_id: Set(user),
            body: Set(format!("{body} (Message fictif.)")),
            created_at: Set(ctx.now - Duration::days(5) + Duration::hours(3 * n as i64)),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
    }
    Ok(())
}

async fn contacts_seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    let joiner = firm_of(ctx, "menuiserie").ok_or_else(|| missing("joiner"))?;
    let gardens = firm_of(ctx, "jardins").ok_or_else(|| missing("jardins"))?;
    let plumbers = ctx.firms_of("plomberie");
    let cooks = ctx.firms_of("alimentation");
    let it = ctx.firms_of("informatique");
    let n = ctx.rng.random_range(0..plumbers.len());
    let pairs = [
        (plumbers[n].clone(), joiner.clone(), ContactStatus::Pending, "Bonjour, nous cherchons un menuisier pour des chantiers d'écoles cet été : pouvons-nous en parler ?"),
        (cooks[cooks.len() - 1].clone(), gardens.clone(), ContactStatus::Accepted, "Bonjour, vos légumes bio nous intéressent pour nos repas de crèches."),
        (it[0].clone(), joiner.clone(), ContactStatus::Accepted, "Bonjour, nous faisons des sites pour les artisans, seriez-vous intéressés ?"),
        (joiner.clone(), plumbers[(n + 1) % plumbers.len()].clone(), ContactStatus::Refused, "Bonjour, avez-vous un plombier disponible en juillet ?"),
    ];
    for (k, (from, to, status, message)) in pairs.into_iter().enumerate() {
        let at = ctx.now - Duration::days(2 + 6 * k as i64);
        let c = contacts::ActiveModel {
            from_org: Set(from.org.id),
            to_org: Set(to.org.id),
            message: Set(format!("{message} (Message fictif.)")),
            status: Set(status.as_str().into()),
            created_by: Set(from.org.owner),
            created_at: Set(at),
            decided_at: Set((status != ContactStatus::Pending).then_some(at + Duration::days(1))),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
        if status == ContactStatus::Accepted {
            contact_messages::ActiveModel {
                contact_id: Set(c.id),
                organisation_id: Set(to.org.id),
                user_id: Set(to.org.owner),
                body: Set("Avec plaisir : appelez-nous cette semaine. (Message fictif.)".into()),
                created_at: Set(at + Duration::days(1)),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
        }
    }
    Ok(())
}
