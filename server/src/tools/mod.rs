//! Benchmark tools: the data-set generators (contracts in the DECP format, organisations and
//! offers, planned procurements — the same for the same seed) and the measurements of search,
//! matchmaking, alerts and dashboards (docs/benchmarks.md). Built only with the `bench-tools`
//! feature (`make bench`, `make bench-data`): the production binary does not carry them.

pub mod bench;
pub mod bench_analytics;
pub mod bench_joint;
pub mod bench_match;
pub mod bench_quotes;
pub mod fuzz;
pub mod generate;
pub mod generate_catalogue;
pub mod generate_plans;

use crate::cli::prepare_db;
use crate::config::Config;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ToolCommand {
    /// Write a generated DECP data set for the benchmarks (JSON 2019 format), the same for the
    /// same seed: realistic laws of CPV, amounts, buyers, awardees and dates (docs/benchmarks.md).
    Generate {
        /// Number of contracts.
        #[arg(long, default_value_t = 1_000_000)]
        contracts: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write generated organisations and offers into this instance's database, for the
    /// directory's and catalogue's benchmarks (docs/benchmarks.md); then run `reindex`.
    GenerateCatalogue {
        #[arg(long, default_value_t = 20_000)]
        orgs: u64,
        #[arg(long, default_value_t = 100_000)]
        offers: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Measure the search index's latencies (ranked top-20, explorer pages with and without
    /// filters; directory and catalogue pages, their database rows included) on this
    /// instance's index and database; stop its server first.
    BenchSearch {
        /// Runs of each query.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Write N planned procurements of the buyers `generate-catalogue` made (benchmarks of the
    /// programming).
    GeneratePlans {
        #[arg(long, default_value_t = 20_000)]
        plans: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Measure alert matching: a new planned procurement checked against N saved searches of
    /// the programming (random filters, seeded), in memory, as `alerts::on_new_plan` does.
    BenchAlerts {
        #[arg(long, default_value_t = 10_000)]
        searches: usize,
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Measure the matchmaking engine: top-10 consortia and partners on a generated territory
    /// of N firms and procurements of 20 requirements, in memory (docs/matchmaking.md).
    BenchMatch {
        #[arg(long, default_value_t = 10_000)]
        firms: usize,
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Measure quick consultations' matching (issue 23): write N food suppliers and offers into
    /// this instance's database (a fresh one), then time the matching of generated
    /// consultations (docs/benchmarks.md).
    BenchQuotes {
        #[arg(long, default_value_t = 5_000)]
        suppliers: u64,
        #[arg(long, default_value_t = 20_000)]
        offers: u64,
        #[arg(long, default_value_t = 200)]
        rounds: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Measure the dashboards on this instance's database: the snapshot's build, then each
    /// dashboard for a set of filters and the shortage ranking (docs/benchmarks.md).
    BenchAnalytics {
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Measure the likely co-buyers of a groupement de commandes (issue 24) on this instance's
    /// past contracts: a coordinator and a procurement per CPV set are written, then the
    /// suggestion timed (docs/benchmarks.md).
    BenchJoint {
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Feed every parser of uploaded or imported files (DECP JSON, XML and CSV, eForms, SIRENE,
    /// photos) generated inputs — the samples of `fixtures`, then mutations of them — and count
    /// panics (docs/fuzzing.md). Fails if one panics.
    Fuzz {
        /// Inputs per parser.
        #[arg(long, default_value_t = 1_000_000)]
        inputs: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The samples' folder (the tests' fixtures).
        #[arg(long, default_value = "server/tests/fixtures")]
        fixtures: PathBuf,
        /// Only this parser (decp-json, decp-xml, decp-csv, eforms-xml, sirene-csv, photo).
        #[arg(long)]
        only: Option<String>,
    },
}

pub async fn run(config: &Config, command: ToolCommand) -> anyhow::Result<()> {
    match command {
        ToolCommand::Fuzz {
            inputs,
            seed,
            fixtures,
            only,
        } => self::fuzz::run(&fixtures, inputs, seed, only.as_deref()),
        ToolCommand::BenchSearch { rounds } => {
            let (index, fresh) =
                app::server::infra::search::SearchIndex::open(&config.search_dir())?;
            anyhow::ensure!(!fresh, "no search index: run `passerelle reindex` first");
            self::bench::run(&index, rounds)?;
            let db = prepare_db(config).await?;
            self::bench::run_directory_and_catalogue(&db, &index, rounds).await
        }
        ToolCommand::GeneratePlans { plans, seed } => {
            let db = prepare_db(config).await?;
            let started = std::time::Instant::now();
            let (first, last) = self::generate_plans::run(&db, plans, seed).await?;
            println!(
                "{plans} planned procurements (ids {first}–{last}) written in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        ToolCommand::BenchMatch {
            firms,
            rounds,
            seed,
        } => {
            self::bench_match::run(firms, rounds, seed);
            Ok(())
        }
        ToolCommand::BenchQuotes {
            suppliers,
            offers,
            rounds,
            seed,
        } => {
            let db = prepare_db(config).await?;
            self::bench_quotes::run(&db, suppliers, offers, rounds, seed).await
        }
        ToolCommand::BenchAnalytics { rounds } => {
            let db = prepare_db(config).await?;
            self::bench_analytics::run(&db, rounds).await
        }
        ToolCommand::BenchJoint { rounds } => {
            let db = prepare_db(config).await?;
            self::bench_joint::run(&db, rounds).await
        }
        ToolCommand::BenchAlerts { searches, rounds } => {
            self::bench::run_alert_matching(searches, rounds);
            Ok(())
        }
        ToolCommand::GenerateCatalogue { orgs, offers, seed } => {
            let db = prepare_db(config).await?;
            let started = std::time::Instant::now();
            let (first, last) = self::generate_catalogue::run(&db, orgs, offers, seed).await?;
            println!(
                "{orgs} organisations (ids {first}–{last}) and {offers} offers written in {:.1} s; now run `passerelle reindex`",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        ToolCommand::Generate {
            contracts,
            seed,
            out,
        } => generate(contracts, seed, &out),
    }
}

fn generate(contracts: u64, seed: u64, out: &std::path::Path) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(contracts);
    let started = std::time::Instant::now();
    let file = std::fs::File::create(out)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    generate::Generator::new(seed, contracts)?
        .write(contracts, &mut writer, |n| bar.set_position(n))?;
    std::io::Write::flush(&mut writer)?;
    bar.finish_and_clear();
    println!(
        "{contracts} contracts written to {} in {:.1} s (seed {seed})",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
