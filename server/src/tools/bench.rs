//! `passerelle bench-search`: latencies of the search index on the configured database's index,
//! as the explorer uses it (docs/benchmarks.md). Queries are words a buyer or a firm types,
//! alone and with filters; each is run `rounds` times after one warm-up.

use app::domain::contracts::ContractFilters;
use app::server::infra::search::SearchIndex;
use std::time::{Duration, Instant};

/// Words typed in the explorer, from frequent to rare.
const QUERIES: &[&str] = &[
    "travaux",
    "fourniture",
    "maintenance",
    "nettoyage locaux",
    "electricite",
    "menuiserie",
    "restauration scolaire",
    "voirie",
    "assurance",
    "informatique logiciel",
    "espaces verts",
    "chauffage ventilation",
    "transport scolaire",
    "batiment renovation energetique",
    "peinture",
    "plomberie sanitaire",
    "mobilier",
    "etudes",
    "eclairage public",
    "formation",
];

/// Filters added to the words, as the explorer's facets do.
const FILTERS: &[&str] = &[
    "",
    "&annee=2023",
    "&dep=69",
    "&tri=montant-desc",
    "&cpv=45&annee=2021",
];

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<42} n={:<5} p50 {:>7.2} ms   p95 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.95)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
    );
}

pub fn run(index: &SearchIndex, rounds: usize) -> anyhow::Result<()> {
    println!("{} documents in the index", index.num_docs());
    let mut top20 = Vec::new();
    let mut explorer = Vec::new();
    let mut filtered = Vec::new();
    let mut matched = 0u64;
    for q in QUERIES {
        let words = ContractFilters::from_query(&format!("q={}", q.replace(' ', "+")));
        index.top_contracts(&words, 20)?;
        for _ in 0..rounds {
            let t = Instant::now();
            let hits = index.top_contracts(&words, 20)?;
            top20.push(t.elapsed());
            matched += hits.len() as u64;
        }
        for f in FILTERS {
            let filters = ContractFilters::from_query(&format!("q={}{f}", q.replace(' ', "+")));
            index.search_contracts_uncached(&filters)?;
            for _ in 0..rounds {
                let t = Instant::now();
                index.search_contracts_uncached(&filters)?;
                let took = t.elapsed();
                if f.is_empty() {
                    explorer.push(took);
                } else {
                    filtered.push(took);
                }
            }
        }
    }
    report("ranked top-20 (words only)", top20);
    report("explorer page (top 25 + count + facets)", explorer);
    report("explorer page with filters or sort", filtered);
    println!("({matched} hits returned in the top-20 runs)");
    Ok(())
}

/// Words typed in the directory and in the catalogue.
const DIRECTORY_WORDS: &[&str] = &[
    "menuiserie",
    "boulangerie",
    "plomberie",
    "nettoyage",
    "traiteur",
    "paysages",
    "imprimerie",
    "transports",
    "informatique",
    "electricite",
    "ferme",
    "martin",
];
const DIRECTORY_FILTERS: &[&str] = &[
    "",
    "&type=business",
    "&dep=69M",
    "&inclusif=any",
    "&pres_de=69266&km=10",
    "&tri=recent",
    "&taille=micro&dep=01",
    "&avec_offres=1&cpv=45",
    "&label_territorial=1",
];
const CATALOGUE_WORDS: &[&str] = &[
    "pain",
    "legumes",
    "entretien espaces verts",
    "menuiserie bois",
    "nettoyage",
    "mobilier",
    "impression",
    "transport",
    "logiciel",
    "repas",
    "travaux",
    "bio",
];
const CATALOGUE_FILTERS: &[&str] = &[
    "",
    "&circuit_court=1",
    "&label=ab",
    "&type=service",
    "&pres_de=69123&km=10&tri=distance",
    "&cpv=45",
    "&cycle_de_vie=1&dep=69M",
    "&label_territorial=1",
];

/// Directory and catalogue pages as a visitor gets them (index query, facets, then the page's
/// rows and labels from the database), with words and with filters only.
pub async fn run_directory_and_catalogue(
    db: &sea_orm::DatabaseConnection,
    index: &SearchIndex,
    rounds: usize,
) -> anyhow::Result<()> {
    use app::domain::catalogue::CatalogueFilters;
    use app::domain::directory::DirectoryFilters;
    let mut directory = Vec::new();
    let mut catalogue = Vec::new();
    let mut shown = (0usize, 0usize);
    for (words, filters, out, is_directory) in [
        (DIRECTORY_WORDS, DIRECTORY_FILTERS, &mut directory, true),
        (CATALOGUE_WORDS, CATALOGUE_FILTERS, &mut catalogue, false),
    ] {
        let queries = words
            .iter()
            .map(|w| format!("q={}", w.replace(' ', "+")))
            .chain(std::iter::once(String::new()));
        for q in queries {
            for f in filters {
                let query = format!("{q}{f}");
                for round in 0..=rounds {
                    let t = Instant::now();
                    let rows = if is_directory {
                        let filters = DirectoryFilters::from_query(&query);
                        app::server::directory::search(db, index, &filters)
                            .await
                            .map_err(|e| anyhow::anyhow!("{e}"))?
                            .rows
                            .len()
                    } else {
                        let filters = CatalogueFilters::from_query(&query);
                        app::server::offers::catalogue::search(db, index, &filters)
                            .await
                            .map_err(|e| anyhow::anyhow!("{e}"))?
                            .rows
                            .len()
                    };
                    // The first run warms the caches up.
                    if round > 0 {
                        out.push(t.elapsed());
                        if is_directory {
                            shown.0 += rows;
                        } else {
                            shown.1 += rows;
                        }
                    }
                }
            }
        }
    }
    report("directory page (20 rows + count + facets)", directory);
    report("catalogue page (20 rows + count + facets)", catalogue);
    println!(
        "({} directory rows and {} catalogue rows shown)",
        shown.0, shown.1
    );
    Ok(())
}

/// Alert matching: `rounds` new planned procurements, each checked against `searches` saved
/// searches of the programming with random filters (a seeded stream: the same on every run).
/// The parsing of the saved query strings is done once, as `alerts` does per new procurement.
pub fn run_alert_matching(searches: usize, rounds: usize) {
    use app::domain::programming::{PlanFacts, PlanFilters, PlanStatus, AMOUNTS, LEVERS};
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let divisions = [
        "03", "15", "30", "33", "34", "39", "45", "48", "50", "55", "60", "71", "72", "77", "79",
        "80", "90",
    ];
    let pick = |n: usize, rng: &mut rand_chacha::ChaCha8Rng| rng.random_range(0..n);
    let queries: Vec<String> = (0..searches)
        .map(|_| {
            let mut q = Vec::new();
            if rng.random_bool(0.6) {
                q.push(format!(
                    "cpv={}",
                    divisions[pick(divisions.len(), &mut rng)]
                ));
            }
            if rng.random_bool(0.4) {
                q.push(format!("levier={}", LEVERS[pick(LEVERS.len(), &mut rng)]));
            }
            if rng.random_bool(0.3) {
                q.push(format!(
                    "montant={}",
                    AMOUNTS[pick(AMOUNTS.len(), &mut rng)].0
                ));
            }
            if rng.random_bool(0.2) {
                q.push(format!("acheteur={}", rng.random_range(1..200)));
            }
            if rng.random_bool(0.2) {
                q.push(format!("trimestre=2027-T{}", rng.random_range(1..5)));
            }
            q.join("&")
        })
        .collect();
    let mut times = Vec::with_capacity(rounds);
    let mut matched = 0usize;
    for _ in 0..rounds {
        let facts = PlanFacts {
            buyer_id: rng.random_range(1..200),
            cpv: vec![format!(
                "{}000000",
                divisions[pick(divisions.len(), &mut rng)]
            )],
            publication: chrono::NaiveDate::from_ymd_opt(2027, rng.random_range(1..13), 1)
                .unwrap_or_default(),
            estimate_min: Some(rng.random_range(10_000..2_000_000)),
            estimate_max: None,
            status: PlanStatus::Planned,
            levers: LEVERS
                .iter()
                .filter(|_| rng.random_bool(0.3))
                .map(|l| l.to_string())
                .collect(),
            joint_open: rng.random_bool(0.1),
        };
        let t = Instant::now();
        // As `alerts::on_new_plan`: read every saved query, then match.
        let filters: Vec<PlanFilters> =
            queries.iter().map(|q| PlanFilters::from_query(q)).collect();
        matched += filters.iter().filter(|f| f.matches(&facts)).count();
        times.push(t.elapsed());
    }
    report(
        &format!("one new item against {searches} saved searches"),
        times,
    );
    println!(
        "({} matches in all, {:.1} a new item)",
        matched,
        matched as f64 / rounds.max(1) as f64
    );
}
