//! The demo's territorial label: one open referential with labels granted to firms and offers
//! (badges in the directory and the catalogue) and applications in every state — the market
//! gardener's asked to change, three submitted for the analyst — and one draft referential.

use super::{Ctx, Firm};
use crate::domain::label::{ApplicationStatus, LabelAction, LabelTarget, SchemeStatus};
use crate::server::infra::entities::{
    label_answers, label_applications, label_criteria, label_events, label_schemes,
};
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DbErr};

const CRITERIA: &[(&str, Option<&str>)] = &[
    (
        "Où produisez-vous et d'où viennent vos matières premières ?",
        Some("Adresse des sites de production, liste des fournisseurs principaux"),
    ),
    (
        "Combien de personnes employez-vous sur le territoire, dont en insertion ?",
        Some("Dernière déclaration sociale nominative (extrait)"),
    ),
    (
        "Quelles actions réduisent l'impact environnemental de vos offres ?",
        None,
    ),
    ("Comment formez-vous vos salariés et apprentis ?", None),
];

async fn scheme(
    ctx: &mut Ctx<'_>,
    name: &str,
    description: &str,
    status: SchemeStatus,
) -> Result<(i32, Vec<i32>), DbErr> {
    let created = ctx.now - Duration::days(200);
    let s = label_schemes::ActiveModel {
        name: Set(name.into()),
        description: Set(description.into()),
        target: Set(LabelTarget::Any.as_str().into()),
        validity_months: Set(24),
        status: Set(status.as_str().into()),
        created_by: Set(Some(ctx.person("analyst"))),
        created_at: Set(created),
        updated_at: Set(created),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    let mut ids = Vec::new();
    for (position, (question, evidence)) in CRITERIA.iter().enumerate() {
        let c = label_criteria::ActiveModel {
            scheme_id: Set(s.id),
            position: Set(position as i32),
            question: Set((*question).into()),
            evidence: Set(evidence.map(Into::into)),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
        ids.push(c.id);
    }
    Ok((s.id, ids))
}

/// Events of an application that reached `status`, in the order they happened.
fn history(status: ApplicationStatus) -> Vec<(LabelAction, bool)> {
    use LabelAction as A;
    // (action, by the analyst)
    let mut v = vec![(A::Created, false), (A::Answered, false)];
    match status {
        ApplicationStatus::Draft => {}
        ApplicationStatus::Submitted => v.push((A::Submitted, false)),
        ApplicationStatus::ChangesRequested => {
            v.extend([(A::Submitted, false), (A::ChangesRequested, true)])
        }
        ApplicationStatus::Granted => v.extend([(A::Submitted, false), (A::Granted, true)]),
        ApplicationStatus::Refused => v.extend([(A::Submitted, false), (A::Refused, true)]),
        ApplicationStatus::Withdrawn => v.extend([(A::Submitted, false), (A::Withdrawn, false)]),
        ApplicationStatus::Expired => v.extend([
            (A::Submitted, false),
            (A::Granted, true),
            (A::Expired, true),
        ]),
    }
    v
}

/// Where an application stands and since when.
struct Stage<'a> {
    status: ApplicationStatus,
    reason: Option<&'a str>,
    age_days: i64,
}

const fn stage(status: ApplicationStatus, age_days: i64) -> Stage<'static> {
    Stage {
        status,
        reason: None,
        age_days,
    }
}

async fn application(
    ctx: &mut Ctx<'_>,
    scheme: i32,
    criteria: &[i32],
    (firm, offer): (&Firm, Option<i32>),
    Stage {
        status,
        reason,
        age_days,
    }: Stage<'_>,
) -> Result<(), DbErr> {
    let created = ctx.now - Duration::days(age_days);
    let decided = created + Duration::days(20);
    let analyst = ctx.person("analyst");
    let granted = matches!(
        status,
        ApplicationStatus::Granted | ApplicationStatus::Expired
    );
    let submitted = status != ApplicationStatus::Draft;
    let decided_now = !matches!(
        status,
        ApplicationStatus::Draft | ApplicationStatus::Submitted | ApplicationStatus::Withdrawn
    );
    let expires = match status {
        ApplicationStatus::Granted => Some(decided + Duration::days(730)),
        ApplicationStatus::Expired => Some(ctx.now - Duration::days(10)),
        _ => None,
    };
    let owner = firm.org.owner;
    let a = label_applications::ActiveModel {
        scheme_id: Set(scheme),
        organisation_id: Set(firm.org.id),
        offer_id: Set(offer),
        status: Set(status.as_str().into()),
        reason: Set(reason.map(Into::into)),
        submitted_at: Set(submitted.then_some(created + Duration::days(3))),
        decided_at: Set(decided_now.then_some(decided)),
        decided_by: Set(decided_now.then_some(analyst)),
        granted_at: Set(granted.then_some(decided)),
        expires_at: Set(expires),
        created_by: Set(owner),
        created_at: Set(created),
        updated_at: Set(if decided_now { decided } else { created }),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    for c in criteria {
        label_answers::ActiveModel {
            application_id: Set(a.id),
            criterion_id: Set(*c),
            answer: Set(format!(
                "Réponse de {} (fictive) : production et équipe sur le territoire, détails \
                 dans les pièces jointes.",
                firm.org.name
            )),
            updated_at: Set(created + Duration::days(1)),
        }
        .insert(ctx.txn)
        .await?;
    }
    for (k, (action, by_analyst)) in history(status).into_iter().enumerate() {
        let note = match action {
            LabelAction::ChangesRequested | LabelAction::Refused => reason.map(Into::into),
            _ => None,
        };
        label_events::ActiveModel {
            application_id: Set(a.id),
            actor_id: Set(if by_analyst { Some(analyst) } else { owner }),
            action: Set(action.as_str().into()),
            note: Set(note),
            created_at: Set(created + Duration::days(k as i64 * 3)),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
    }
    Ok(())
}

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    let (open, criteria) = scheme(
        ctx,
        "Fabriqué et employeur dans la Métropole (démonstration)",
        "Label territorial fictif de démonstration : il distingue les entreprises qui produisent \
         et emploient sur le territoire de la Métropole et autour. Attribué pour deux ans par \
         la chambre après examen des réponses et des pièces.",
        SchemeStatus::Open,
    )
    .await?;
    scheme(
        ctx,
        "Restauration collective durable (brouillon de démonstration)",
        "Référentiel fictif en préparation : produits durables et de qualité (EGalim), circuits \
         courts, lutte contre le gaspillage.",
        SchemeStatus::Draft,
    )
    .await?;
    // Granted: a dozen firms (their directory entries) and a dozen offers (catalogue badges).
    let firms = ctx.firms.clone();
    let jardins = ctx.core_orgs["jardins"];
    let mut others: Vec<Firm> = firms
        .iter()
        .filter(|f| f.org.id != jardins)
        .cloned()
        .collect();
    let picked = ctx.some(&others, 30);
    others = picked;
    use ApplicationStatus as S;
    for f in others.iter().take(12) {
        application(ctx, open, &criteria, (f, None), stage(S::Granted, 120)).await?;
    }
    for f in others.iter().skip(12).take(12) {
        let offer = ctx.offers_of(f.org.id).first().map(|o| o.id);
        if offer.is_some() {
            application(ctx, open, &criteria, (f, offer), stage(S::Granted, 100)).await?;
        }
    }
    let rest: Vec<Firm> = others.iter().skip(24).cloned().collect();
    let states = [
        stage(S::Submitted, 6),
        stage(S::Submitted, 4),
        stage(S::Submitted, 2),
        stage(S::Draft, 1),
        Stage {
            reason: Some("Les sites de production déclarés sont hors du territoire."),
            ..stage(S::Refused, 90)
        },
        stage(S::Withdrawn, 60),
    ];
    for (f, s) in rest.iter().zip(states) {
        application(ctx, open, &criteria, (f, None), s).await?;
    }
    if let Some(f) = others.get(29) {
        let offer = ctx.offers_of(f.org.id).first().map(|o| o.id);
        application(ctx, open, &criteria, (f, offer), stage(S::Expired, 800)).await?;
    }
    // The market gardener's own, sent back with a question.
    let gardens = firms
        .iter()
        .find(|f| f.org.id == jardins)
        .cloned()
        .ok_or_else(|| DbErr::RecordNotFound("jardins".into()))?;
    let sent_back = Stage {
        reason: Some(
            "Merci de joindre l'extrait de DSN et de préciser le nombre de salariés en insertion.",
        ),
        ..stage(S::ChangesRequested, 14)
    };
    application(ctx, open, &criteria, (&gardens, None), sent_back).await
}
