//! The demo's sourcing: calls for information with questions and the firms' answers (four open,
//! two closed with a published summary) and meetings (seats and 1:1 slots, one full with a
//! waiting list, the joiner booked in it).

use super::{Ctx, PlanRef};
use crate::domain::sourcing::{CallStatus, QuestionKind, RegStatus};
use crate::server::infra::entities::{
    meeting_registrations, meetings, sourcing_answers, sourcing_calls, sourcing_questions,
    sourcing_responses,
};
use crate::server::infra::rich_text;
use chrono::Duration;
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DbErr};

const CHOICES: [&str; 3] = ["Oui, seuls", "Oui, en groupement", "Non"];

/// The demo's plan whose title starts so.
pub(super) fn plan<'a>(ctx: &'a Ctx<'_>, title_start: &str) -> Result<&'a PlanRef, DbErr> {
    ctx.plans
        .iter()
        .find(|p| p.title.starts_with(title_start))
        .ok_or_else(|| DbErr::RecordNotFound(title_start.into()))
}

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    let calls: [(&str, &str, bool); 6] = [
        (
            "Fourniture de fruits et légumes",
            "tonnes de légumes par an",
            false,
        ),
        (
            "Remplacement des menuiseries",
            "fenêtres posées par an",
            false,
        ),
        (
            "Produits laitiers fermiers",
            "pots de yaourt par semaine",
            false,
        ),
        ("Livraisons inter-services", "tournées par jour", false),
        (
            "Entretien différencié des parcs",
            "hectares entretenus par an",
            true,
        ),
        ("Denrées locales pour les collèges", "tonnes par an", true),
    ];
    for (title, unit, closed) in calls {
        let p = plan(ctx, title)?.clone();
        call(ctx, &p, unit, closed).await?;
    }
    let specs: [(&str, bool, i64, &str); 4] = [
        (
            "Remplacement des menuiseries",
            true,
            12,
            "Hôtel de ville de Lyon, salle des commissions",
        ),
        (
            "Restauration des collèges",
            false,
            20,
            "Hôtel de la Métropole, 20 rue du Lac, Lyon 3e",
        ),
        (
            "Produits laitiers fermiers",
            false,
            9,
            "Ferme pédagogique de Tarare (lieu fictif)",
        ),
        (
            "Rénovation de l'école du village",
            true,
            30,
            "Mairie de Chabanière",
        ),
    ];
    for (k, (title, slotted, days, place)) in specs.into_iter().enumerate() {
        let p = plan(ctx, title)?.clone();
        meeting(ctx, &p, k, slotted, days, place).await?;
    }
    Ok(())
}

async fn call(ctx: &mut Ctx<'_>, p: &PlanRef, unit: &str, closed: bool) -> Result<(), DbErr> {
    let buyer = ctx.buyers[p.buyer].clone();
    let opened = ctx.now - Duration::days(if closed { 120 } else { 12 });
    let deadline = if closed {
        ctx.now - Duration::days(75)
    } else {
        ctx.now + Duration::days(ctx.rng.random_range(10..40))
    };
    let summary = if closed {
        format!(
            "Merci aux entreprises qui ont répondu.\n\n\
             - La plupart peuvent répondre **seules** ; plusieurs proposent un groupement.\n\
             - Les volumes annoncés couvrent le besoin si le marché est alloti par secteur.\n\
             - Nous retenons un allotissement plus fin et une visite des sites avant la \
             publication.\n\n*Synthèse fictive de démonstration — {}.*",
            buyer.name
        )
    } else {
        String::new()
    };
    let status = if closed {
        CallStatus::Published
    } else {
        CallStatus::Open
    };
    let c = sourcing_calls::ActiveModel {
        plan_id: Set(p.id),
        title: Set(format!("Questionnaire aux entreprises : {}", p.title)),
        intro: Set(format!(
            "{} prépare ce marché et veut connaître ce que les entreprises du territoire \
             peuvent proposer. Vos réponses ne vous engagent pas et ne sont lues que par \
             l'acheteur.",
            buyer.name
        )),
        status: Set(status.as_str().into()),
        deadline: Set(deadline),
        summary_html: Set(rich_text::render(&summary)),
        summary: Set(summary),
        opened_at: Set(Some(opened)),
        published_at: Set(closed.then_some(deadline + Duration::days(10))),
        created_by: Set(buyer.owner),
        created_at: Set(opened - Duration::days(3)),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    let questions = [
        (
            QuestionKind::Choice,
            "Pouvez-vous répondre à ce besoin ?".to_string(),
            CHOICES.join("\n"),
        ),
        (
            QuestionKind::Number,
            format!("Quel volume pourriez-vous assurer ({unit}) ?"),
            String::new(),
        ),
        (
            QuestionKind::Text,
            "Quelles contraintes le cahier des charges devrait-il prendre en compte ?".to_string(),
            String::new(),
        ),
    ];
    let mut ids = Vec::new();
    for (position, (kind, label, choices)) in questions.into_iter().enumerate() {
        let q = sourcing_questions::ActiveModel {
            call_id: Set(c.id),
            position: Set(position as i32),
            kind: Set(kind.as_str().into()),
            label: Set(label),
            choices: Set(choices),
            required: Set(position == 0),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
        ids.push(q.id);
    }
    let trade = {
        use crate::domain::analytics::trades;
        trades::all()[trades::of_cpv(p.cpv)].code
    };
    let firms = ctx.firms_of(trade);
    let n = ctx.rng.random_range(3..=6);
    for firm in ctx.some(&firms, n) {
        let at = if closed {
            deadline - Duration::days(ctx.rng.random_range(1..30))
        } else {
            ctx.now - Duration::days(ctx.rng.random_range(0..10))
        };
        let r = sourcing_responses::ActiveModel {
            call_id: Set(c.id),
            organisation_id: Set(firm.org.id),
            submitted_by: Set(firm.org.owner),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
        let choice = CHOICES[ctx.rng.random_range(0..CHOICES.len())];
        let volume = ctx.rng.random_range(2..60).to_string();
        let remark = [
            "Des lots par secteur géographique nous permettraient de répondre.",
            "Prévoir des délais de livraison compatibles avec la saison.",
            "Une avance de 20 % aiderait une petite entreprise à démarrer.",
            "Merci de publier le calendrier des visites de sites assez tôt.",
        ][ctx.rng.random_range(0..4)];
        for (q, v) in ids
            .iter()
            .zip([choice.to_string(), volume, remark.to_string()])
        {
            sourcing_answers::ActiveModel {
                response_id: Set(r.id),
                question_id: Set(*q),
                value: Set(v),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
        }
    }
    Ok(())
}

/// A meeting `days` ahead: 1:1 slots of 20 minutes from 9:00 to 11:00 (six, the first one full
/// with two firms waiting, the other partly booked), or seats.
async fn meeting(
    ctx: &mut Ctx<'_>,
    p: &PlanRef,
    k: usize,
    slotted: bool,
    days: i64,
    place: &str,
) -> Result<(), DbErr> {
    let buyer = ctx.buyers[p.buyer].clone();
    let day = (ctx.now + Duration::days(days)).date_naive();
    let at = |time: &str| {
        crate::domain::sourcing::paris_instant(&day.format("%Y-%m-%d").to_string(), time)
            .unwrap_or(ctx.now)
    };
    let (starts, ends) = (at("09:00"), at("11:00"));
    let (capacity, slot_minutes) = if slotted { (6, Some(20)) } else { (30, None) };
    let m = meetings::ActiveModel {
        plan_id: Set(p.id),
        title: Set(if slotted {
            format!("Rendez-vous individuels : {}", p.title)
        } else {
            format!("Réunion d'information : {}", p.title)
        }),
        description: Set(format!(
            "{} présente son besoin et répond aux questions des entreprises. Rencontre \
             fictive de démonstration.",
            buyer.name
        )),
        starts_at: Set(starts),
        ends_at: Set(ends),
        place: Set(Some(place.into())),
        online_url: Set(None),
        capacity: Set(capacity),
        slot_minutes: Set(slot_minutes),
        registration_deadline: Set(starts - Duration::days(2)),
        cancelled_at: Set(None),
        created_by: Set(buyer.owner),
        created_at: Set(ctx.now - Duration::days(20)),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    let trade = {
        use crate::domain::analytics::trades;
        trades::all()[trades::of_cpv(p.cpv)].code
    };
    let mut firms = ctx.firms_of(trade);
    // The joiner's workshop is booked in the joinery meeting (a waiting list behind it).
    let joiner = ctx.core_orgs["menuiserie"];
    let full = k == 0;
    if full {
        firms.retain(|f| f.org.id != joiner);
        firms.insert(
            0,
            ctx.firms
                .iter()
                .find(|f| f.org.id == joiner)
                .cloned()
                .ok_or_else(|| DbErr::RecordNotFound("joiner".into()))?,
        );
    }
    let wanted = if full {
        8
    } else if slotted {
        3
    } else {
        9
    };
    let chosen: Vec<_> = if full {
        let mut rest = ctx.some(&firms[1..], wanted - 1);
        rest.insert(0, firms[0].clone());
        rest
    } else {
        ctx.some(&firms, wanted)
    };
    for (n, firm) in chosen.iter().enumerate() {
        let n = n as i32;
        let (status, slot) = if n < capacity {
            (RegStatus::Confirmed, slotted.then_some(n))
        } else {
            (RegStatus::Waiting, None)
        };
        let at = ctx.now - Duration::days(15) + Duration::hours(i64::from(n));
        let user = if firm.org.id == joiner {
            Some(ctx.person("joiner"))
        } else {
            firm.org.owner
        };
        meeting_registrations::ActiveModel {
            meeting_id: Set(m.id),
            organisation_id: Set(firm.org.id),
            user_id: Set(user),
            status: Set(status.as_str().into()),
            slot: Set(slot),
            created_at: Set(at),
            updated_at: Set(at),
            reminded_at: Set(None),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
    }
    Ok(())
}
