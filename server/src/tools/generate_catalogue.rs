//! A directory and a catalogue at the scale of a metropolis and its countryside, for the
//! benchmarks (docs/benchmarks.md): organisations and their offers written straight into the
//! configured database, the same for the same seed. Communes, NAF and CPV codes are the real
//! reference lists; names and texts are made up from word lists.

use app::domain::offer::LABELS;
use app::server::infra::entities::{
    communes, cpv_codes, naf_codes, offer_cpv, offer_labels, offers, organisations,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};

const TRADES: &[&str] = &[
    "Menuiserie",
    "Boulangerie",
    "Plomberie",
    "Électricité",
    "Traiteur",
    "Paysages",
    "Imprimerie",
    "Nettoyage",
    "Maçonnerie",
    "Ferme",
    "Atelier",
    "Transports",
    "Informatique",
    "Peinture",
    "Serrurerie",
    "Chauffage",
    "Couverture",
    "Jardins",
    "Conserverie",
    "Brasserie",
    "Ébénisterie",
    "Fromagerie",
    "Maraîchage",
    "Mobilier",
    "Signalétique",
    "Reprographie",
    "Textile",
    "Recyclage",
];
const NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
];
const QUALITIES: &[&str] = &[
    "bio",
    "local",
    "de saison",
    "sur mesure",
    "en circuit court",
    "réemployé",
    "durable",
    "artisanal",
    "reconditionné",
    "écoconçu",
    "livré en vélo-cargo",
    "zéro déchet",
];
const SENTENCES: &[&str] = &[
    "Production et livraison dans toute la Métropole.",
    "Devis gratuit sous 48 heures.",
    "Nous travaillons avec des producteurs du Rhône et de l'Ain.",
    "Intervention rapide pour les collectivités et les établissements scolaires.",
    "Entreprise familiale depuis trois générations.",
    "Matériaux issus de filières locales et recyclées.",
    "Équipe formée aux marchés publics et aux clauses d'insertion.",
    "Capacité de 500 repas par jour pour la restauration collective.",
];

/// Orgs and offers written per insert.
pub(super) const BATCH: usize = 1_000;

/// One of `list`, at random.
pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, list: &'a [T]) -> &'a T {
    &list[rng.random_range(0..list.len())]
}

/// Writes `orgs` organisations (90 % public businesses) and `offers` offers (85 % published)
/// with their CPV codes and labels. Returns the ids of the first and last organisations.
pub async fn run(
    db: &DatabaseConnection,
    orgs: u64,
    offers: u64,
    seed: u64,
) -> anyhow::Result<(i32, i32)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let metro: Vec<String> = communes::Entity::find()
        .filter(communes::Column::InMetropole.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.insee)
        .collect();
    let around: Vec<String> = communes::Entity::find()
        .filter(communes::Column::Department.is_in(["01", "38", "42", "69", "71", "26", "07"]))
        .filter(communes::Column::InMetropole.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.insee)
        .collect();
    let nafs: Vec<String> = naf_codes::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.code)
        .collect();
    let cpvs: Vec<(String, String)> = cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Level.gte(3))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label_fr))
        .collect();
    anyhow::ensure!(
        !metro.is_empty() && !cpvs.is_empty(),
        "reference data missing: run `passerelle migrate`"
    );
    let now = chrono::Utc::now();
    let mut first_id = None;
    let mut last_id = 0;
    let mut done = 0u64;
    while done < orgs {
        let n = (orgs - done).min(BATCH as u64);
        let batch: Vec<organisations::ActiveModel> = (done..done + n)
            .map(|i| {
                let trade = pick(&mut rng, TRADES);
                let name = format!("{trade} {} (fictive {i})", pick(&mut rng, NAMES));
                let commune = if rng.random_bool(0.7) {
                    pick(&mut rng, &metro)
                } else {
                    pick(&mut rng, &around)
                };
                let kind = if rng.random_bool(0.95) {
                    "business"
                } else {
                    "buyer"
                };
                organisations::ActiveModel {
                    kind: Set(kind.into()),
                    siret: Set(super::generate::siret(900_000_000 + i)),
                    name: Set(name),
                    naf_code: Set(Some(pick(&mut rng, &nafs).clone())),
                    commune_insee: Set(Some(commune.clone())),
                    size: Set(Some(pick(&mut rng, &app::domain::org::SIZES).to_string())),
                    inclusive: Set(rng
                        .random_bool(0.05)
                        .then(|| pick(&mut rng, &app::domain::org::INCLUSIVE).to_string())),
                    website: Set(None),
                    description: Set(Some(format!(
                        "{trade} {} {}",
                        pick(&mut rng, QUALITIES),
                        pick(&mut rng, SENTENCES)
                    ))),
                    is_public: Set(rng.random_bool(0.9)),
                    verified_at: Set(None),
                    verified_by: Set(None),
                    created_by: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        // One statement's rows get consecutive ids: the first is deduced from the last.
        let last = organisations::Entity::insert_many(batch)
            .exec(db)
            .await?
            .last_insert_id
            .ok_or_else(|| anyhow::anyhow!("no id for the organisations written"))?;
        last_id = last;
        first_id.get_or_insert(last - n as i32 + 1);
        done += n;
    }
    let first_id = first_id.unwrap_or(1);
    let mut done = 0u64;
    while done < offers {
        let n = (offers - done).min(BATCH as u64);
        let mut rows = Vec::with_capacity(n as usize);
        let mut chosen = Vec::with_capacity(n as usize);
        for _ in 0..n {
            // A few businesses offer much: the square of a uniform draw favours low ids.
            let u: f64 = rng.random();
            let org = first_id + ((u * u) * f64::from(last_id - first_id + 1)) as i32;
            let codes: Vec<(String, String)> = (0..rng.random_range(1..=3))
                .map(|_| pick(&mut rng, &cpvs).clone())
                .collect();
            let quality = pick(&mut rng, QUALITIES);
            let title = format!("{} {quality}", codes[0].1);
            let kind = match codes[0].0.get(..2) {
                Some("45") => "works",
                Some(d) if d >= "50" => "service",
                _ => "supply",
            };
            let status = match rng.random_range(0..100) {
                0..85 => "published",
                85..95 => "draft",
                _ => "archived",
            };
            let description = format!(
                "{} {} {}",
                codes
                    .iter()
                    .map(|c| c.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                pick(&mut rng, SENTENCES),
                pick(&mut rng, SENTENCES)
            );
            let day = now - chrono::Duration::days(rng.random_range(0..900));
            rows.push(offers::ActiveModel {
                organisation_id: Set(org),
                title: Set(title.chars().take(160).collect()),
                description_html: Set(format!("<p>{description}</p>")),
                description_source: Set(description),
                kind: Set(kind.into()),
                status: Set(status.into()),
                delivery_radius_km: Set(rng.random_bool(0.3).then(|| rng.random_range(5..80))),
                production_commune: Set(None),
                price_cents: Set(rng.random_bool(0.5).then(|| rng.random_range(100..500_000))),
                price_unit: Set(Some("l'unité".into())),
                min_order: Set(None),
                intermediaries: Set(rng.random_bool(0.4).then(|| rng.random_range(0..4))),
                life_years: Set(rng.random_bool(0.2).then(|| rng.random_range(1..30))),
                repairability_tenths: Set(None),
                spare_parts_years: Set(None),
                recycled_percent: Set(rng.random_bool(0.15).then(|| rng.random_range(0..100))),
                end_of_life: Set(None),
                carbon_kg: Set(rng
                    .random_bool(0.1)
                    .then(|| f64::from(rng.random_range(1..5000)) / 100.0)),
                carbon_method: Set(Some("ACV simplifiée".into())),
                carbon_source: Set(Some("Base Empreinte ADEME".into())),
                inclusive_production: Set(rng.random_bool(0.04)),
                created_by: Set(None),
                created_at: Set(day),
                updated_at: Set(day),
                published_at: Set((status == "published").then_some(day)),
                ..Default::default()
            });
            let labels: Vec<&str> = LABELS
                .iter()
                .filter(|_| rng.random_bool(0.04))
                .map(|(c, _)| *c)
                .collect();
            chosen.push((codes, labels));
        }
        let last = offers::Entity::insert_many(rows)
            .exec(db)
            .await?
            .last_insert_id
            .ok_or_else(|| anyhow::anyhow!("no id for the offers written"))?;
        let first = last - n as i32 + 1;
        let mut cpv_rows = Vec::new();
        let mut label_rows = Vec::new();
        for (k, (codes, labels)) in chosen.into_iter().enumerate() {
            let id = first + k as i32;
            let mut seen = std::collections::HashSet::new();
            for (code, _) in codes {
                if seen.insert(code.clone()) {
                    cpv_rows.push(offer_cpv::ActiveModel {
                        offer_id: Set(id),
                        cpv_code: Set(code),
                    });
                }
            }
            for l in labels {
                label_rows.push(offer_labels::ActiveModel {
                    offer_id: Set(id),
                    label: Set(l.into()),
                });
            }
        }
        offer_cpv::Entity::insert_many(cpv_rows).exec(db).await?;
        if !label_rows.is_empty() {
            offer_labels::Entity::insert_many(label_rows)
                .exec(db)
                .await?;
        }
        done += n;
    }
    grant_labels(db, &mut rng).await?;
    Ok((first_id, last_id))
}

/// Three open referentials of the territorial label (made once), each granted to about 3 % of
/// the published offers and 2 % of the businesses: the facets and badges then have something
/// to count.
async fn grant_labels(db: &DatabaseConnection, rng: &mut ChaCha8Rng) -> anyhow::Result<()> {
    use app::server::infra::entities::{label_applications, label_schemes};
    let now = chrono::Utc::now();
    let mut schemes = Vec::new();
    for (name, target) in [
        ("Produit du Lyonnais (généré)", "offer"),
        ("Savoir-faire des Monts (généré)", "any"),
        ("Entreprise engagée du territoire (généré)", "org"),
    ] {
        let found = label_schemes::Entity::find()
            .filter(label_schemes::Column::Name.eq(name))
            .one(db)
            .await?;
        let id = match found {
            Some(s) => s.id,
            None => {
                label_schemes::ActiveModel {
                    name: Set(name.into()),
                    description: Set(String::new()),
                    target: Set(target.into()),
                    validity_months: Set(24),
                    status: Set("open".into()),
                    created_by: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?
                .id
            }
        };
        schemes.push((id, target));
    }
    let published: Vec<(i32, i32)> = offers::Entity::find()
        .select_only()
        .column(offers::Column::Id)
        .column(offers::Column::OrganisationId)
        .filter(offers::Column::Status.eq("published"))
        .into_tuple()
        .all(db)
        .await?;
    let businesses: Vec<i32> = organisations::Entity::find()
        .select_only()
        .column(organisations::Column::Id)
        .filter(organisations::Column::Kind.eq("business"))
        .into_tuple()
        .all(db)
        .await?;
    let mut rows = Vec::new();
    let mut grant = |scheme: i32, org: i32, offer: Option<i32>, rng: &mut ChaCha8Rng| {
        let granted = now - chrono::Duration::days(rng.random_range(0..600));
        rows.push(label_applications::ActiveModel {
            scheme_id: Set(scheme),
            organisation_id: Set(org),
            offer_id: Set(offer),
            status: Set("granted".into()),
            reason: Set(None),
            submitted_at: Set(Some(granted)),
            decided_at: Set(Some(granted)),
            decided_by: Set(None),
            granted_at: Set(Some(granted)),
            expires_at: Set(Some(app::domain::label::expiry(granted, 24))),
            created_by: Set(None),
            created_at: Set(granted),
            updated_at: Set(granted),
            ..Default::default()
        });
    };
    for &(offer, org) in &published {
        for &(scheme, target) in &schemes {
            if target != "org" && rng.random_bool(0.015) {
                grant(scheme, org, Some(offer), rng);
            }
        }
    }
    for &org in &businesses {
        for &(scheme, target) in &schemes {
            if target != "offer" && rng.random_bool(0.01) {
                grant(scheme, org, None, rng);
            }
        }
    }
    for chunk in rows.chunks(1_000) {
        label_applications::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok(())
}
