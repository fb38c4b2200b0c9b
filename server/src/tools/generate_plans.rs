//! Planned procurements at the scale of a metropolis, for the programming's benchmarks
//! (docs/benchmarks.md): written straight into the configured database by the buyers that
//! `generate-catalogue` made, the same for the same seed.

use app::server::infra::entities::{cpv_codes, organisations, plan_cpv, plan_lots, plans};
use chrono::Datelike;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

const SUBJECTS: &[&str] = &[
    "Restauration scolaire",
    "Entretien des espaces verts",
    "Nettoyage des locaux",
    "Rénovation énergétique",
    "Fournitures de bureau",
    "Maintenance informatique",
    "Transport scolaire",
    "Travaux de voirie",
    "Éclairage public",
    "Mobilier urbain",
];

const BATCH: usize = 500;

/// Writes `n` planned procurements; returns the first and last ids.
pub async fn run(db: &DatabaseConnection, n: u64, seed: u64) -> anyhow::Result<(i32, i32)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let buyers: Vec<i32> = organisations::Entity::find()
        .select_only()
        .column(organisations::Column::Id)
        .filter(organisations::Column::Kind.eq("buyer"))
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(
        !buyers.is_empty(),
        "no buyer organisation: run `passerelle generate-catalogue` first"
    );
    let cpvs: Vec<String> = cpv_codes::Entity::find()
        .select_only()
        .column(cpv_codes::Column::Code)
        .filter(cpv_codes::Column::Level.gte(3))
        .into_tuple()
        .all(db)
        .await?;
    let today = chrono::Utc::now().date_naive();
    let now = chrono::Utc::now();
    let procedures = ["adapted", "open", "restricted", "negotiated", "undecided"];
    let statuses = ["planned", "planned", "planned", "sourcing", "published"];
    let (mut first, mut last, mut done) = (None, 0, 0u64);
    while done < n {
        let k = (n - done).min(BATCH as u64) as usize;
        let mut rows = Vec::with_capacity(k);
        let mut extras = Vec::with_capacity(k);
        for i in 0..k {
            let subject = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
            let months = rng.random_range(0..24u32);
            let date = today
                .checked_add_months(chrono::Months::new(months))
                .unwrap_or(today);
            let precision = ["day", "month", "quarter"][rng.random_range(0..3)];
            let date = match precision {
                "day" => date,
                "month" => date.with_day0(0).unwrap_or(date),
                _ => chrono::NaiveDate::from_ymd_opt(date.year(), date.month0() / 3 * 3 + 1, 1)
                    .unwrap_or(date),
            };
            let lo = rng.random_range(5..5_000i64) * 1_000;
            let status = statuses[rng.random_range(0..statuses.len())];
            let insertion = rng.random_bool(0.25).then(|| rng.random_range(100..5_000));
            rows.push(plans::ActiveModel {
                buyer_id: Set(buyers[rng.random_range(0..buyers.len())]),
                title: Set(format!("{subject} (généré {})", done as usize + i)),
                description: Set(String::new()),
                estimate_min: Set(Some(lo)),
                estimate_max: Set(Some(lo * rng.random_range(1..4))),
                procedure: Set(procedures[rng.random_range(0..procedures.len())].into()),
                publication_date: Set(date),
                publication_precision: Set(precision.into()),
                start_date: Set(None),
                start_precision: Set(None),
                duration_months: Set(Some(rng.random_range(6..60))),
                contact: Set(None),
                allotment: Set(rng.random_bool(0.4)),
                short_chain: Set(rng.random_bool(0.15)),
                life_cycle: Set(rng.random_bool(0.2)),
                co2: Set(rng.random_bool(0.2)),
                insertion_hours: Set(insertion),
                insertion_kind: Set(insertion.map(|_| "clause".to_string())),
                insertion_own: Set(insertion.is_some()),
                reserved: Set(rng.random_bool(0.05).then(|| "siae".to_string())),
                status: Set(status.into()),
                tender_url: Set((status == "published")
                    .then(|| "https://marches.example/consultation".to_string())),
                contract_id: Set(None),
                created_by: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
            let codes: Vec<String> = (0..rng.random_range(1..3))
                .map(|_| cpvs[rng.random_range(0..cpvs.len())].clone())
                .collect();
            let lots = if rng.random_bool(0.3) {
                rng.random_range(2..5)
            } else {
                0
            };
            extras.push((codes, lots));
        }
        let last_id = plans::Entity::insert_many(rows)
            .exec(db)
            .await?
            .last_insert_id
            .ok_or_else(|| anyhow::anyhow!("no id for the plans written"))?;
        let first_id = last_id - k as i32 + 1;
        first.get_or_insert(first_id);
        last = last_id;
        let mut cpv_rows = Vec::new();
        let mut lot_rows = Vec::new();
        for (j, (mut codes, lots)) in extras.into_iter().enumerate() {
            let id = first_id + j as i32;
            codes.dedup();
            for c in codes {
                cpv_rows.push(plan_cpv::ActiveModel {
                    plan_id: Set(id),
                    cpv_code: Set(c),
                });
            }
            for number in 1..=lots {
                lot_rows.push(plan_lots::ActiveModel {
                    plan_id: Set(id),
                    number: Set(number),
                    title: Set(format!("Lot {number}")),
                    cpv: Set(String::new()),
                    estimate_min: Set(None),
                    estimate_max: Set(None),
                    ..Default::default()
                });
            }
        }
        plan_cpv::Entity::insert_many(cpv_rows).exec(db).await?;
        if !lot_rows.is_empty() {
            plan_lots::Entity::insert_many(lot_rows).exec(db).await?;
        }
        done += k as u64;
    }
    Ok((first.unwrap_or(0), last))
}
