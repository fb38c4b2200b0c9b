//! `passerelle bench-quotes`: matching one quick consultation (issue 23) against a generated
//! food territory written into this instance's database — 5,000 suppliers with 20,000 food
//! offers by default: real food CPV codes, seasons (some across the new year), delivery by
//! radius from a commune of the Métropole, by named communes or by department, EGalim signs,
//! alerts on or off — then each consultation (a product, a commune, a week's delivery window,
//! a quality) timed through `quotes::matching::suppliers`, the very code a buyer's request runs.
//! Run it on a fresh database (docs/benchmarks.md).

use app::domain::food::{is_food, signs, Months, Need, Place};
use app::domain::quotes::Quality;
use app::server::infra::entities::{
    communes, cpv_codes, offer_areas, offer_cpv, offer_labels, offers, organisations,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::time::{Duration, Instant};

use super::generate_catalogue::{pick, BATCH};

pub async fn run(
    db: &DatabaseConnection,
    suppliers: u64,
    food_offers: u64,
    rounds: usize,
    seed: u64,
) -> anyhow::Result<()> {
    use sea_orm::ActiveValue::Set;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let placed: Vec<(String, f64, f64)> = communes::Entity::find()
        .filter(communes::Column::InMetropole.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| Some((c.insee, c.lat?, c.lon?)))
        .collect();
    let around: Vec<String> = communes::Entity::find()
        .filter(communes::Column::Department.is_in(["01", "38", "42", "69"]))
        .filter(communes::Column::InMetropole.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.insee)
        .collect();
    let foods: Vec<String> = cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Level.gte(3))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .filter(|c| is_food(c) && !c.starts_with("55"))
        .collect();
    anyhow::ensure!(
        !placed.is_empty() && !foods.is_empty(),
        "reference data missing: run `passerelle migrate`"
    );
    // Products are not equally common: most farms sell vegetables, fruit, dairy.
    let common: Vec<String> = foods
        .iter()
        .filter(|c| c.starts_with("0322") || c.starts_with("0321") || c.starts_with("155"))
        .cloned()
        .collect();
    let sign_codes: Vec<&str> = signs().iter().map(|s| s.code).collect();
    let started = Instant::now();
    let now = chrono::Utc::now();
    // The suppliers: public businesses, most in the Métropole, some around it.
    let mut first_org = None;
    let mut done = 0;
    while done < suppliers {
        let n = (suppliers - done).min(BATCH as u64);
        let rows: Vec<organisations::ActiveModel> = (done..done + n)
            .map(|i| organisations::ActiveModel {
                kind: Set("business".into()),
                siret: Set(super::generate::siret(800_000_000 + i)),
                name: Set(format!("Ferme fictive {i}")),
                commune_insee: Set(Some(if rng.random_bool(0.6) {
                    pick(&mut rng, &placed).0.clone()
                } else {
                    pick(&mut rng, &around).clone()
                })),
                is_public: Set(true),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        let last = organisations::Entity::insert_many(rows)
            .exec(db)
            .await?
            .last_insert_id
            .ok_or_else(|| anyhow::anyhow!("no id for the suppliers written"))?;
        first_org.get_or_insert(last - n as i32 + 1);
        done += n;
    }
    let first_org = first_org.unwrap_or(1);
    let mut done = 0;
    while done < food_offers {
        let n = (food_offers - done).min(BATCH as u64);
        let mut rows = Vec::with_capacity(n as usize);
        let mut facts = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let org = first_org + rng.random_range(0..suppliers as i32);
            let code = if rng.random_bool(0.7) {
                pick(&mut rng, &common).clone()
            } else {
                pick(&mut rng, &foods).clone()
            };
            let season = match rng.random_range(0..10) {
                0..3 => Months::ALL,
                _ => Months::range(rng.random_range(1..=12), rng.random_range(1..=12)),
            };
            // How it delivers: a radius from a placed commune, named communes, a department.
            let (radius, production, areas): (Option<i32>, Option<String>, Vec<(&str, String)>) =
                match rng.random_range(0..10) {
                    0..5 => (
                        Some(rng.random_range(10..80)),
                        Some(pick(&mut rng, &placed).0.clone()),
                        vec![],
                    ),
                    5..8 => (None, None, {
                        let mut named: Vec<(&str, String)> = (0..rng.random_range(1..=5))
                            .map(|_| ("commune", pick(&mut rng, &placed).0.clone()))
                            .collect();
                        named.sort();
                        named.dedup();
                        named
                    }),
                    _ => (
                        None,
                        None,
                        vec![(
                            "department",
                            pick(&mut rng, &["01", "38", "42", "69"]).to_string(),
                        )],
                    ),
                };
            let held: Vec<String> = sign_codes
                .iter()
                .filter(|_| rng.random_bool(0.08))
                .map(|s| s.to_string())
                .collect();
            rows.push(offers::ActiveModel {
                organisation_id: Set(org),
                title: Set(format!("Produit {code}")),
                description_html: Set(String::new()),
                description_source: Set(String::new()),
                kind: Set("supply".into()),
                status: Set(if rng.random_bool(0.9) {
                    "published"
                } else {
                    "draft"
                }
                .into()),
                delivery_radius_km: Set(radius),
                production_commune: Set(production),
                season: Set(Some(season.bits())),
                unit: Set(Some("kg".into())),
                quote_alerts: Set(rng.random_bool(0.85)),
                inclusive_production: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                published_at: Set(Some(now)),
                ..Default::default()
            });
            facts.push((code, areas, held));
        }
        let last = offers::Entity::insert_many(rows)
            .exec(db)
            .await?
            .last_insert_id
            .ok_or_else(|| anyhow::anyhow!("no id for the offers written"))?;
        let first = last - n as i32 + 1;
        let (mut cpv_rows, mut area_rows, mut sign_rows) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (code, areas, held)) in facts.into_iter().enumerate() {
            let id = first + i as i32;
            cpv_rows.push(offer_cpv::ActiveModel {
                offer_id: Set(id),
                cpv_code: Set(code),
            });
            for (kind, code) in areas {
                area_rows.push(offer_areas::ActiveModel {
                    offer_id: Set(id),
                    kind: Set(kind.into()),
                    code: Set(code),
                });
            }
            for s in held {
                sign_rows.push(offer_labels::ActiveModel {
                    offer_id: Set(id),
                    label: Set(s),
                });
            }
        }
        offer_cpv::Entity::insert_many(cpv_rows)
            .exec_without_returning(db)
            .await?;
        if !area_rows.is_empty() {
            offer_areas::Entity::insert_many(area_rows)
                .exec_without_returning(db)
                .await?;
        }
        if !sign_rows.is_empty() {
            offer_labels::Entity::insert_many(sign_rows)
                .exec_without_returning(db)
                .await?;
        }
        done += n;
    }
    println!(
        "{suppliers} suppliers and {food_offers} food offers written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Consultations: a common product (or its group: "Légumes"), a placed commune, a week's
    // window in the coming months, a quality.
    let mut times: Vec<Duration> = Vec::with_capacity(rounds);
    let mut told = 0usize;
    for r in 0..=rounds {
        let code = pick(&mut rng, &common).clone();
        let (insee, lat, lon) = pick(&mut rng, &placed).clone();
        let from = now.date_naive() + chrono::Duration::days(rng.random_range(7..200));
        let quality = *pick(&mut rng, &Quality::ALL);
        let needs = vec![Need {
            cpv: code,
            from,
            to: from + chrono::Duration::days(4),
            place: Place {
                insee,
                position: Some((lat, lon)),
            },
            required_signs: quality.required_signs(),
        }];
        let t = Instant::now();
        let found = app::server::quotes::matching::suppliers(db, &needs)
            .await
            .map_err(|e| anyhow::anyhow!("matching: {e}"))?;
        // The first run warms the caches: not counted.
        if r > 0 {
            times.push(t.elapsed());
            told += found.len();
        }
    }
    super::bench::report(
        &format!("match a consultation ({food_offers} offers)"),
        times,
    );
    println!(
        "{:.1} suppliers told per consultation on average",
        told as f64 / rounds.max(1) as f64
    );
    Ok(())
}
