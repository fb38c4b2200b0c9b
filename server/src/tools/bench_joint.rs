//! `passerelle bench-joint`: the likely co-buyers a coordinator is shown (issue 24), on this
//! instance's past contracts (`generate` then `import decp` for a national data set). A
//! coordinator and one planned procurement per CPV set are written into the database, then
//! `programming::joint::suggestions` — the very code the plan's page runs, its queries
//! included — is timed for each (docs/benchmarks.md).

use app::server::auth::Caller;
use app::server::infra::entities::{contracts, memberships, organisations, plan_cpv, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use std::time::{Duration, Instant};

/// Procurements of every size of CPV division: works (the largest), services, supplies, food.
const SETS: &[(&str, &[&str])] = &[
    ("roofing works (45261000)", &["45261000"]),
    (
        "school supplies (30192000, 22800000)",
        &["30192000", "22800000"],
    ),
    ("cleaning (90911200)", &["90911200"]),
    (
        "catering food (15300000, 03221000)",
        &["15300000", "03221000"],
    ),
];

pub async fn run(db: &DatabaseConnection, rounds: usize) -> anyhow::Result<()> {
    let total = contracts::Entity::find().count(db).await?;
    anyhow::ensure!(total > 0, "no past contracts: import a data set first");
    let now = chrono::Utc::now();
    let email = format!("bench-joint-{}@bench.example", now.timestamp_micros());
    let user = users::ActiveModel {
        email: Set(email),
        display_name: Set("Coordonnateur (banc d'essai)".into()),
        password_hash: Set("!".into()),
        is_admin: Set(false),
        is_analyst: Set(false),
        lang: Set("fr".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let siret =
        super::generate::siret(990_000_000_000 + (now.timestamp_micros() as u64 % 1_000_000));
    let org = organisations::ActiveModel {
        kind: Set("buyer".into()),
        siret: Set(siret),
        name: Set("Coordonnateur du banc d'essai".into()),
        is_public: Set(true),
        verified_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    memberships::ActiveModel {
        user_id: Set(user.id),
        organisation_id: Set(org.id),
        role: Set(app::domain::org::MemberRole::Owner.as_str().into()),
        status: Set(app::domain::org::MembershipStatus::Active.as_str().into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let caller = Caller::for_user(db, user.id).await?;
    println!("{total} past contracts; {rounds} rounds of each after one warm-up");
    println!(
        "| procurement | contracts in its divisions | p50 ms | p95 ms | max ms | first hint |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, codes) in SETS {
        let form = app::domain::programming::PlanForm {
            title: format!("Banc d'essai : {name}"),
            procedure: "open".into(),
            publication: "T4 2099".into(),
            ..Default::default()
        };
        let plan = app::server::programming::create(db, &caller, org.id, &form).await?;
        for code in *codes {
            plan_cpv::ActiveModel {
                plan_id: Set(plan),
                cpv_code: Set((*code).into()),
            }
            .insert(db)
            .await?;
        }
        let divisions: Vec<String> = codes.iter().map(|c| c[..2].to_string()).collect();
        let in_scope = contracts::Entity::find()
            .filter(contracts::Column::CpvDivision.is_in(divisions))
            .count(db)
            .await?;
        let first = app::server::programming::joint::suggestions(db, &caller, plan).await?;
        let mut times: Vec<Duration> = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            let hints = app::server::programming::joint::suggestions(db, &caller, plan).await?;
            times.push(t.elapsed());
            std::hint::black_box(hints);
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {in_scope} | {:.1} | {:.1} | {:.1} | {} |",
            ms(super::bench::percentile(&times, 0.5)),
            ms(super::bench::percentile(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            first
                .first()
                .map(|h| format!(
                    "{} ({} contracts, {} same class)",
                    h.siret, h.contracts, h.same_class
                ))
                .unwrap_or_else(|| "—".into()),
        );
    }
    Ok(())
}
