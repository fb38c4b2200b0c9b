//! Quick consultations in the demo territory (issue 23): the market gardens of the tour grow
//! organic carrots from September to April and deliver Vaulx-en-Velin; a farm of the Dombes
//! delivers only the Ain; the catering buyers have open consultations (answered or not), one
//! closed waiting for its award, a year of awarded ones and of amounts declared for the EGalim
//! panels. Written as the
//! application writes them (suppliers matched by the same code), dated from the seeding day.

use super::Ctx;
use crate::domain::egalim::Family;
use crate::domain::food::{egalim_of, Months, Place, Unit, Weekdays};
use crate::domain::offer::{AreaKind, OfferStatus};
use crate::domain::quotes::{amount_cents, egalim_code, Quality, Stage};
use crate::server::infra::entities::{
    communes, consortia, consortium_members, egalim_declared, offer_areas, offer_cpv, offer_labels,
    offers, organisations, quote_answers, quote_awards, quote_invitations, quote_lines,
    quote_requests,
};
use crate::server::infra::{rich_text, search::changed};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter};

fn app(e: crate::error::AppError) -> DbErr {
    DbErr::Custom(e.to_string())
}

/// A food offer of the demo, with its facts.
struct FoodOfferTpl {
    title: &'static str,
    text: &'static str,
    cpv: &'static str,
    season: Months,
    price_cents: i64,
    /// Communes delivered (INSEE), and departments.
    communes: &'static [&'static str],
    departments: &'static [&'static str],
    signs: &'static [&'static str],
}

async fn food_offer(
    ctx: &Ctx<'_>,
    org: i32,
    owner: Option<i32>,
    o: &FoodOfferTpl,
) -> Result<i32, DbErr> {
    let text = format!(
        "{}\n\n*Offre d'une entreprise fictive de démonstration.*",
        o.text
    );
    let offer = offers::ActiveModel {
        organisation_id: Set(org),
        title: Set(o.title.into()),
        description_html: Set(rich_text::render(&text)),
        description_source: Set(text),
        kind: Set("supply".into()),
        status: Set(OfferStatus::Published.as_str().into()),
        price_cents: Set(Some(o.price_cents)),
        price_unit: Set(Some("kg".into())),
        min_order: Set(Some("20 kg".into())),
        intermediaries: Set(Some(0)),
        inclusive_production: Set(false),
        season: Set(Some(o.season.bits())),
        unit: Set(Some(Unit::Kg.as_str().into())),
        delivery_days: Set(Some(i16::from(Weekdays::of([2, 4]).0))),
        quote_alerts: Set(true),
        created_by: Set(owner),
        created_at: Set(ctx.now - Duration::days(400)),
        updated_at: Set(ctx.now - Duration::days(30)),
        published_at: Set(Some(ctx.now - Duration::days(400))),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    offer_cpv::ActiveModel {
        offer_id: Set(offer.id),
        cpv_code: Set(o.cpv.into()),
    }
    .insert(ctx.txn)
    .await?;
    for s in o.signs {
        offer_labels::ActiveModel {
            offer_id: Set(offer.id),
            label: Set((*s).into()),
        }
        .insert(ctx.txn)
        .await?;
    }
    let areas = o
        .communes
        .iter()
        .map(|c| (AreaKind::Commune, *c))
        .chain(o.departments.iter().map(|d| (AreaKind::Department, *d)));
    for (kind, code) in areas {
        offer_areas::ActiveModel {
            offer_id: Set(offer.id),
            kind: Set(kind.as_str().into()),
            code: Set(code.into()),
        }
        .insert(ctx.txn)
        .await?;
    }
    changed::offer(ctx.txn, offer.id).await.map_err(app)?;
    Ok(offer.id)
}

/// A consultation of the demo.
struct QuoteTpl {
    buyer: &'static str,
    title: &'static str,
    details: &'static str,
    commune: &'static str,
    /// (CPV, quantity in units, unit)
    lines: &'static [(&'static str, i64, Unit)],
    quality: Quality,
    /// Days from the seeding day: created, deadline, first delivery day (the window is 5 days).
    created: i64,
    deadline: i64,
    delivery: i64,
    /// Awarded to the cheapest answers (else left as the clock leaves it).
    award: bool,
}

const QUOTES: &[QuoteTpl] = &[
    QuoteTpl { buyer: "vaulx", title: "Légumes de saison pour les cantines de Vaulx-en-Velin", details: "Livraison à la cuisine centrale, quai de réception ouvert de 6 h à 10 h. Carottes lavées, calibre moyen.", commune: "69256", lines: &[("03221112", 150, Unit::Kg), ("03212100", 300, Unit::Kg)], quality: Quality::PreferOrganic, created: -2, deadline: 8, delivery: 12, award: false },
    QuoteTpl { buyer: "lyon", title: "Pommes pour les goûters des accueils de loisirs", details: "Pommes à croquer, calibre 65-70, en caisses consignées.", commune: "69123", lines: &[("03222000", 400, Unit::Kg)], quality: Quality::Egalim, created: -1, deadline: 10, delivery: 14, award: false },
    QuoteTpl { buyer: "lyon", title: "Yaourts fermiers pour la cuisine centrale", details: "Yaourts nature en pots de 125 g.", commune: "69123", lines: &[("15551310", 1_200, Unit::Piece)], quality: Quality::Any, created: -12, deadline: -2, delivery: 5, award: false },
    QuoteTpl { buyer: "vaulx", title: "Carottes pour la rentrée", details: "Première commande de l'année scolaire.", commune: "69256", lines: &[("03221112", 200, Unit::Kg)], quality: Quality::PreferOrganic, created: -95, deadline: -88, delivery: -85, award: true },
    QuoteTpl { buyer: "vaulx", title: "Pommes de terre d'automne", details: "Chair ferme pour les purées et les gratins.", commune: "69256", lines: &[("03212100", 500, Unit::Kg)], quality: Quality::Any, created: -70, deadline: -63, delivery: -60, award: true },
    QuoteTpl { buyer: "lyon", title: "Légumes d'hiver pour les cuisines centrales", details: "Courges, poireaux et carottes pour les menus de décembre.", commune: "69123", lines: &[("03221000", 900, Unit::Kg), ("03222000", 300, Unit::Kg)], quality: Quality::PreferOrganic, created: -40, deadline: -33, delivery: -30, award: true },
    QuoteTpl { buyer: "sainte_foy", title: "Fruits pour la restauration scolaire", details: "Fruits de saison pour les desserts.", commune: "69202", lines: &[("03222000", 250, Unit::Kg)], quality: Quality::PreferOrganic, created: -80, deadline: -73, delivery: -70, award: true },
    QuoteTpl { buyer: "sainte_foy", title: "Lentilles vertes pour les menus végétariens", details: "Lentilles vertes sèches, en sacs de 5 kg, pour le menu végétarien hebdomadaire.", commune: "69202", lines: &[("03212211", 120, Unit::Kg)], quality: Quality::Any, created: -30, deadline: -23, delivery: -20, award: true },
    QuoteTpl { buyer: "vaulx", title: "Légumes de printemps", details: "Salades, radis et carottes nouvelles.", commune: "69256", lines: &[("03221000", 400, Unit::Kg)], quality: Quality::Organic, created: -250, deadline: -243, delivery: -240, award: true },
];

/// Seeds the demo's food offers of the tour and its consultations.
pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), DbErr> {
    let gardens = ctx.core_orgs["jardins"];
    let gardener = ctx.person("gardener");
    food_offer(ctx, gardens, Some(gardener), &FoodOfferTpl {
        title: "Carottes des sables bio",
        text: "Carottes cultivées en agriculture biologique sur les terres sableuses du Val, lavées et calibrées pour la restauration collective.",
        cpv: "03221112",
        season: Months::range(9, 4),
        price_cents: 120,
        communes: &["69256", "69266", "69123", "69244"],
        departments: &[],
        signs: &["ab"],
    })
    .await?;
    let dombes = organisations::Entity::find()
        .filter(organisations::Column::Siret.starts_with("9990000500001"))
        .one(ctx.txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("Ferme des Dombes".into()))?;
    food_offer(
        ctx,
        dombes.id,
        None,
        &FoodOfferTpl {
            title: "Carottes des Dombes",
            text: "Carottes de plein champ, livrées aux cantines de l'Ain.",
            cpv: "03221112",
            season: Months::ALL,
            price_cents: 95,
            communes: &[],
            departments: &["01"],
            signs: &["hve"],
        },
    )
    .await?;
    for q in QUOTES {
        consultation(ctx, q).await?;
    }
    grouping(ctx).await?;
    declared(ctx).await
}

/// Two orchards the apples' consultation was sent to answer it together: the first leads the
/// producers' grouping and answers for the whole quantity in its name, the second accepted
/// and delivers its share.
async fn grouping(ctx: &Ctx<'_>) -> Result<(), DbErr> {
    use crate::domain::consortia::{MemberRole, MemberStatus, Stage as GroupStage};
    let Some(request) = quote_requests::Entity::find()
        .filter(quote_requests::Column::Title.starts_with("Pommes pour les goûters"))
        .one(ctx.txn)
        .await?
    else {
        return Ok(());
    };
    let mut told: Vec<i32> = quote_invitations::Entity::find()
        .filter(quote_invitations::Column::RequestId.eq(request.id))
        .all(ctx.txn)
        .await?
        .into_iter()
        .map(|i| i.organisation_id)
        .collect();
    told.sort_unstable();
    let [lead, partner, ..] = told[..] else {
        return Ok(());
    };
    let at = request.created_at + Duration::hours(20);
    let group = consortia::ActiveModel {
        name: Set(format!("Producteurs associés — {}", request.title)),
        kind: Set(crate::domain::partners::ConsortiumKind::Joint
            .as_str()
            .into()),
        status: Set(GroupStage::Formed.as_str().into()),
        quote_id: Set(Some(request.id)),
        lead_id: Set(lead),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    for (org, role, share) in [
        (lead, MemberRole::Lead, "250 kg de pommes"),
        (partner, MemberRole::CoContractor, "150 kg de pommes"),
    ] {
        consortium_members::ActiveModel {
            consortium_id: Set(group.id),
            organisation_id: Set(org),
            role: Set(role.as_str().into()),
            status: Set(MemberStatus::Accepted.as_str().into()),
            share: Set(share.into()),
            invited_at: Set(at),
            answered_at: Set(Some(at)),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
    }
    let Some(line) = quote_lines::Entity::find()
        .filter(quote_lines::Column::RequestId.eq(request.id))
        .one(ctx.txn)
        .await?
    else {
        return Ok(());
    };
    let existing = quote_answers::Entity::find()
        .filter(quote_answers::Column::LineId.eq(line.id))
        .filter(quote_answers::Column::OrganisationId.eq(lead))
        .one(ctx.txn)
        .await?;
    let mut answer: quote_answers::ActiveModel = match existing {
        Some(a) => a.into(),
        None => quote_answers::ActiveModel {
            line_id: Set(line.id),
            organisation_id: Set(lead),
            created_at: Set(at),
            ..Default::default()
        },
    };
    answer.unit_price_cents = Set(Some(165));
    answer.quantity_milli = Set(line.quantity_milli);
    answer.signs = Set("hve".into());
    answer.comment = Set(Some(
        "Deux vergers, une seule livraison : 250 kg et 150 kg.".into(),
    ));
    answer.consortium_id = Set(Some(group.id));
    answer.updated_at = Set(at);
    answer.save(ctx.txn).await?;
    Ok(())
}

/// What the catering buyers bought this year through their other channels (framework
/// agreements, wholesalers), declared for their EGalim panels: buyer, family, total, of which
/// sustainable and quality, of which organic (euros excluding VAT). Vaulx-en-Velin is close to
/// the targets, Lyon meets them, Sainte-Foy-lès-Lyon is far from them.
const DECLARED: &[(&str, Family, i64, i64, i64)] = &[
    ("vaulx", Family::Fruileg, 48_000, 26_500, 11_800),
    ("vaulx", Family::Lait, 22_000, 9_000, 4_200),
    ("vaulx", Family::Viande, 61_000, 27_000, 3_100),
    ("lyon", Family::Fruileg, 410_000, 236_000, 118_000),
    ("lyon", Family::Viande, 520_000, 265_000, 70_000),
    ("lyon", Family::Pain, 95_000, 61_000, 30_000),
    ("sainte_foy", Family::Fruileg, 31_000, 8_000, 2_500),
    ("sainte_foy", Family::Autre, 18_000, 2_000, 0),
];

async fn declared(ctx: &Ctx<'_>) -> Result<(), DbErr> {
    let year = ctx.now.with_timezone(&chrono_tz::Europe::Paris).year() as i16;
    for (buyer, family, total, quality, organic) in DECLARED {
        egalim_declared::ActiveModel {
            buyer_id: Set(ctx.buyers[*buyer].id),
            year: Set(year),
            family: Set(family.as_str().into()),
            total_cents: Set(total * 100),
            quality_cents: Set(quality * 100),
            organic_cents: Set(organic * 100),
            updated_at: Set(ctx.now),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
    }
    Ok(())
}

/// Noon in Paris, `days` from the seeding day.
fn noon(ctx: &Ctx<'_>, days: i64) -> chrono::DateTime<Utc> {
    let day = (ctx.now + Duration::days(days))
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    chrono_tz::Europe::Paris
        .from_local_datetime(&day.and_hms_opt(12, 0, 0).unwrap_or_default())
        .earliest()
        .map_or(ctx.now, |t| t.with_timezone(&Utc))
}

fn day(ctx: &Ctx<'_>, days: i64) -> NaiveDate {
    (ctx.now + Duration::days(days)).date_naive()
}

async fn consultation(ctx: &mut Ctx<'_>, q: &QuoteTpl) -> Result<(), DbErr> {
    let buyer = ctx.buyers[q.buyer].clone();
    let owner = (q.buyer == "lyon").then(|| ctx.person("buyer"));
    let (from, to) = (day(ctx, q.delivery), day(ctx, q.delivery + 4));
    let deadline = noon(ctx, q.deadline);
    let created = noon(ctx, q.created) - Duration::hours(3);
    let stage = if q.award { Stage::Awarded } else { Stage::Open };
    let request = quote_requests::ActiveModel {
        buyer_id: Set(buyer.id),
        created_by: Set(owner),
        title: Set(q.title.into()),
        details: Set(Some(q.details.into())),
        commune_insee: Set(q.commune.into()),
        delivery_from: Set(from),
        delivery_to: Set(to),
        deadline: Set(deadline),
        quality: Set(q.quality.as_str().into()),
        stage: Set(stage.as_str().into()),
        created_at: Set(created),
        decided_at: Set(q.award.then(|| deadline + Duration::hours(20))),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    let place = communes::Entity::find_by_id(q.commune.to_string())
        .one(ctx.txn)
        .await?;
    let place = Place {
        insee: q.commune.into(),
        position: place.and_then(|c| c.lat.zip(c.lon)),
    };
    let mut lines = Vec::new();
    for (i, (cpv, quantity, unit)) in q.lines.iter().enumerate() {
        let l = quote_lines::ActiveModel {
            request_id: Set(request.id),
            position: Set(i as i16),
            cpv_code: Set((*cpv).into()),
            quantity_milli: Set(quantity * 1000),
            unit: Set(unit.as_str().into()),
            ..Default::default()
        }
        .insert(ctx.txn)
        .await?;
        lines.push(l);
    }
    let needs: Vec<crate::domain::food::Need> = lines
        .iter()
        .map(|l| crate::domain::food::Need {
            cpv: l.cpv_code.clone(),
            from,
            to,
            place: place.clone(),
            required_signs: q.quality.required_signs(),
        })
        .collect();
    let matched = crate::server::quotes::matching::suppliers(ctx.txn, &needs)
        .await
        .map_err(app)?;
    for m in &matched {
        quote_invitations::ActiveModel {
            request_id: Set(request.id),
            organisation_id: Set(m.org_id),
            emailed: Set(m.emailed),
            created_at: Set(created),
        }
        .insert(ctx.txn)
        .await?;
    }
    // Answers: the gardens of the tour when they were asked (not on the open request of the
    // tour: the demo's journey answers it), and some of the other farms asked.
    let tour = q.title.starts_with("Légumes de saison pour les cantines");
    let gardens = ctx.core_orgs["jardins"];
    for (i, m) in matched.iter().enumerate() {
        // A decided consultation had one answer at least: the first supplier asked.
        let answers = if m.org_id == gardens {
            !tour
        } else {
            (q.award && i == 0) || ctx.rng.random_bool(if tour { 0.15 } else { 0.35 })
        };
        if !answers {
            continue;
        }
        for l in &lines {
            let declines = m.org_id != gardens && i > 0 && ctx.rng.random_bool(0.1);
            let price = ctx.rng.random_range(85..=260);
            let share = if ctx.rng.random_bool(0.5) { 1000 } else { 500 };
            let signs: &[&str] = match (m.org_id == gardens, ctx.rng.random_range(0..4)) {
                (true, _) | (false, 0) => &["ab"],
                (false, 1) => &["hve"],
                (false, 2) => &["label_rouge"],
                _ => &[],
            };
            quote_answers::ActiveModel {
                line_id: Set(l.id),
                organisation_id: Set(m.org_id),
                user_id: Set(None),
                unit_price_cents: Set((!declines).then_some(price)),
                quantity_milli: Set(if declines {
                    0
                } else {
                    l.quantity_milli * share / 1000
                }),
                signs: Set(if declines {
                    String::new()
                } else {
                    signs.join(",")
                }),
                comment: Set(None),
                created_at: Set(created + Duration::days(2)),
                updated_at: Set(created + Duration::days(2)),
                ..Default::default()
            }
            .insert(ctx.txn)
            .await?;
        }
    }
    if q.award && award_cheapest(ctx, &lines, from, deadline + Duration::hours(20)).await? == 0 {
        // Nobody answered: given up.
        let mut r: quote_requests::ActiveModel = request.into();
        r.stage = Set(Stage::Unsuccessful.as_str().into());
        r.update(ctx.txn).await?;
    }
    Ok(())
}

/// Awards each product to its cheapest answers until the quantity asked is met; the parts
/// awarded.
async fn award_cheapest(
    ctx: &Ctx<'_>,
    lines: &[quote_lines::Model],
    delivery: NaiveDate,
    at: chrono::DateTime<Utc>,
) -> Result<usize, DbErr> {
    let mut parts = 0;
    for l in lines {
        let mut answers: Vec<quote_answers::Model> = quote_answers::Entity::find()
            .filter(quote_answers::Column::LineId.eq(l.id))
            .all(ctx.txn)
            .await?
            .into_iter()
            .filter(|a| a.unit_price_cents.is_some())
            .collect();
        answers.sort_by_key(|a| a.unit_price_cents);
        let mut left = l.quantity_milli;
        for a in answers {
            if left <= 0 {
                break;
            }
            let quantity = a.quantity_milli.min(left);
            left -= quantity;
            let egalim = egalim_of(a.signs.split(',').filter(|s| !s.is_empty()), delivery);
            quote_awards::ActiveModel {
                answer_id: Set(a.id),
                quantity_milli: Set(quantity),
                amount_cents: Set(amount_cents(a.unit_price_cents.unwrap_or(0), quantity)),
                egalim: Set(egalim_code(egalim).into()),
                awarded_at: Set(at),
            }
            .insert(ctx.txn)
            .await?;
            parts += 1;
        }
    }
    Ok(parts)
}
