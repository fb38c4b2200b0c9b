//! `passerelle bench-analytics`: the dashboards on this instance's database (docs/benchmarks.md).
//! Builds the snapshot once (timed), then computes each dashboard for a set of filters, as a
//! request does (server time, without the HTML rendering), and the shortage ranking.

use app::domain::analytics::dashboard::Filters;
use app::domain::analytics::trades;
use app::server::analytics::{self, Analytics};
use sea_orm::DatabaseConnection;
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub async fn run(db: &DatabaseConnection, rounds: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let a = Analytics::default();
    let s = a.rebuild(db).await?;
    println!(
        "snapshot: {} contracts, {} awards, {} buyers, built in {:.2} s",
        s.facts.contracts.len(),
        s.facts.awardees.len(),
        s.facts.buyers.len(),
        started.elapsed().as_secs_f64()
    );
    let last = s.years.last().copied();
    let busiest_buyer = s.facts.buyers.first().map(|(siret, _)| siret.clone());
    let sets: Vec<(&str, Filters)> = vec![
        ("no filter", Filters::default()),
        (
            "one year",
            Filters {
                from: last,
                to: last,
                ..Default::default()
            },
        ),
        (
            "one trade",
            Filters {
                trade: Some(trades::all()[0].code.to_string()),
                ..Default::default()
            },
        ),
        (
            "CPV division 45 + procedure",
            Filters {
                division: Some("45".into()),
                procedure: Some("adaptee".into()),
                ..Default::default()
            },
        ),
        (
            "one buyer (finer view)",
            Filters {
                buyer: busiest_buyer,
                ..Default::default()
            },
        ),
    ];
    println!("| dashboard | n | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|---|");
    let mut all = Vec::new();
    for (name, f) in &sets {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            let d = analytics::dashboard(&s, f, false, true);
            std::hint::black_box(&d);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        all.extend(times.iter().copied());
        println!(
            "| {name} | {rounds} | {:.1} | {:.1} | {:.1} |",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.last().copied().unwrap_or(0.0)
        );
    }
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        std::hint::black_box(analytics::tensions(&s, None));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "| shortage ranking | {rounds} | {:.2} | {:.2} | {:.2} |",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.last().copied().unwrap_or(0.0)
    );
    all.sort_by(f64::total_cmp);
    println!(
        "all dashboards: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&all, 0.5),
        percentile(&all, 0.95)
    );
    Ok(())
}
