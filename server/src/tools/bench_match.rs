//! `passerelle bench-match`: the matchmaking engine on a generated territory (docs/matchmaking.md).
//!
//! The firms are drawn from the real CPV nomenclature: each works in one trade (a CPV class),
//! sometimes two, with one to four offers under it, past contracts for a third of them, labels
//! for some, a place within 40 km of Lyon and a declared radius. Each procurement has four or
//! five lots of codes taken from one trade each, and two labels: 20 requirements.

use app::domain::matchmaking::{self, Firm, Need, Procurement, Requirement};
use app::server::infra::reference::CPV_CSV;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::time::Instant;

const LYON: (f64, f64) = (45.764, 4.8357);
const LABELS: [&str; 4] = ["rge", "qualibat", "ecolabel_eu", "esus"];
const NAF: [&str; 6] = ["43.32A", "43.34Z", "81.21Z", "56.29A", "81.30Z", "43.22A"];

/// The CPV codes finer than a class, filed under their class (first four digits).
fn trades() -> Vec<Vec<String>> {
    let mut by_class: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in CPV_CSV.lines().skip(1) {
        let code = line.trim_start_matches('"').get(..8).unwrap_or("");
        if code.len() == 8
            && code.bytes().all(|b| b.is_ascii_digit())
            && app::domain::cpv::level(code) >= 3
        {
            by_class
                .entry(code[..4].to_string())
                .or_default()
                .push(code.to_string());
        }
    }
    by_class
        .into_values()
        .filter(|codes| codes.len() >= 3)
        .collect()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, list: &'a [T]) -> &'a T {
    &list[rng.random_range(0..list.len())]
}

/// Trades are not equally common: the first ones (in a seeded order) get most firms.
fn pick_trade(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let u: f64 = rng.random();
    ((u * u * u) * n as f64) as usize
}

pub fn generate(firms: usize, seed: u64) -> (Vec<Firm>, Vec<Procurement>, usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut trades = trades();
    // A seeded order of the trades decides which ones are common.
    for i in (1..trades.len()).rev() {
        let j = rng.random_range(0..=i);
        trades.swap(i, j);
    }
    let n = trades.len();
    let out: Vec<Firm> = (0..firms)
        .map(|i| {
            let mut codes = Vec::new();
            let mut won = Vec::new();
            let kinds = if rng.random_bool(0.3) { 2 } else { 1 };
            for _ in 0..kinds {
                let trade = &trades[pick_trade(&mut rng, n)];
                for _ in 0..rng.random_range(1..=4) {
                    codes.push(pick(&mut rng, trade).clone());
                }
                if rng.random_bool(0.33) {
                    won.push((pick(&mut rng, trade).clone(), rng.random_range(1..6)));
                }
            }
            let mut labels = Vec::new();
            for _ in 0..rng.random_range(0..3) {
                if rng.random_bool(0.4) {
                    labels.push(pick(&mut rng, &LABELS).to_string());
                }
            }
            Firm {
                id: i as i32 + 1,
                offer_cpv: codes,
                won_cpv: won,
                naf: rng
                    .random_bool(0.8)
                    .then(|| pick(&mut rng, &NAF).to_string()),
                labels,
                location: rng.random_bool(0.95).then(|| {
                    (
                        LYON.0 + rng.random_range(-0.36..0.36),
                        LYON.1 + rng.random_range(-0.5..0.5),
                    )
                }),
                reach_km: rng.random_bool(0.7).then(|| rng.random_range(10.0..80.0)),
                sme: rng.random_bool(0.9),
                inclusive: rng.random_bool(0.05),
                capacity: rng
                    .random_bool(0.5)
                    .then(|| rng.random_range(20_000..2_000_000)),
            }
        })
        .collect();
    // Procurements in the common trades (the first fifth), as the programming mostly is.
    let procs = (0..20)
        .map(|_| {
            let mut requirements = Vec::new();
            let lots = rng.random_range(4..=5);
            let per_lot = 18 / lots;
            for lot in 0..lots {
                let trade = &trades[pick_trade(&mut rng, n / 5)];
                let count = if lot == lots - 1 {
                    18 - per_lot * (lots - 1)
                } else {
                    per_lot
                };
                let estimate = rng.random_range(30_000..800_000);
                for _ in 0..count {
                    requirements.push(Requirement {
                        lot: Some(lot + 1),
                        need: Need::Cpv(pick(&mut rng, trade).clone()),
                        estimate: Some(estimate),
                    });
                }
            }
            for label in ["rge", "qualibat"] {
                requirements.push(Requirement {
                    lot: None,
                    need: Need::Label(label.into()),
                    estimate: None,
                });
            }
            Procurement {
                requirements,
                place: Some(LYON),
            }
        })
        .collect();
    (out, procs, n)
}

pub fn run(firms: usize, rounds: usize, seed: u64) {
    let started = Instant::now();
    let (firms, procs, trades) = generate(firms, seed);
    println!(
        "{} firms in {trades} trades, {} procurements of 20 requirements, generated in {:.0} ms",
        firms.len(),
        procs.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let mut consortia = Vec::new();
    let mut partners = Vec::new();
    let (mut complete, mut nearest, mut found) = (0, 0, 0);
    for proc in &procs {
        matchmaking::propose(proc, &firms, 10);
        for _ in 0..rounds {
            let t = Instant::now();
            let p = matchmaking::propose(proc, &firms, 10);
            consortia.push(t.elapsed());
            found += p.consortia.len();
            match p.consortia.first() {
                Some(c) if c.missing.is_empty() => complete += 1,
                Some(_) => nearest += 1,
                None => {}
            }
        }
        let one = firms[0].id;
        for _ in 0..rounds {
            let t = Instant::now();
            matchmaking::partners_for(proc, &firms, one, 10);
            partners.push(t.elapsed());
        }
    }
    super::bench::report("top-10 consortia (10k firms × 20 needs)", consortia);
    super::bench::report("top-10 partners of one firm", partners);
    let runs = procs.len() * rounds;
    println!(
        "{found} consortia proposed in {runs} runs; best one covers everything in {complete}, all but some in {nearest}"
    );
}
