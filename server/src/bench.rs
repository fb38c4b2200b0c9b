//! `passerelle bench-search`: latencies of the search index on the configured database's index,
//! as the explorer uses it (docs/benchmarks.md). Queries are words a buyer or a firm types,
//! alone and with filters; each is run `rounds` times after one warm-up.

use app::domain::contracts::ContractFilters;
use app::server::search::SearchIndex;
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut times: Vec<Duration>) {
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
