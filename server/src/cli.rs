//! The command line: `serve` (default), `migrate`, `seed-demo`, `create-admin`.

use crate::config::Config;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "passerelle",
    version,
    about = "Passerelle — la plateforme de la commande publique locale",
    long_about = "Passerelle — the community platform of local public procurement.\n\n\
        Configuration comes from Leptos.toml, then an optional TOML file (--config, \
        PASSERELLE_CONFIG, or passerelle.toml if present), then the environment: DATABASE_URL, \
        PASSERELLE_ADDR, PASSERELLE_ENV, PASSERELLE_SMTP_URL, PASSERELLE_MAIL_FROM, \
        PASSERELLE_PUBLIC_URL, PASSERELLE_SITE_ROOT."
)]
pub struct Cli {
    /// Optional TOML configuration file.
    #[arg(long, global = true, env = "PASSERELLE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the web portal (the default): migrates the database, loads the reference data, serves HTTP.
    Serve {
        /// Also seed the demo territory before serving (once; refused into a database that
        /// holds organisations of its own, unless --into-existing).
        #[arg(long)]
        demo: bool,
        /// With --demo: seed even though the database holds organisations that are not the demo's.
        #[arg(long, requires = "demo")]
        into_existing: bool,
        /// With --demo outside development: create the demo's accounts even so, with their
        /// public password (a demonstration server that is meant to be open).
        #[arg(long, requires = "demo")]
        allow_demo_password: bool,
    },
    /// Apply pending database migrations and load the reference data (CPV, NAF, communes), then exit.
    Migrate,
    /// Seed the demo territory: real public buyers of the Métropole de Lyon and around it, their
    /// real past contracts, fictitious firms and people at work in every capability (password of
    /// every demo account: passerelle-demo). Done once; refused into a database that holds
    /// organisations of its own, unless --into-existing.
    SeedDemo {
        /// Seed even though the database holds organisations that are not the demo's.
        #[arg(long)]
        into_existing: bool,
        /// Outside development: create the demo's accounts even so, with their public password.
        #[arg(long)]
        allow_demo_password: bool,
    },
    /// Create an administrator, or make an existing account administrator. The password is read
    /// from PASSERELLE_ADMIN_PASSWORD, or else from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrateur")]
        name: String,
    },
    /// Import open data into the database.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Run the configured sources now (the State's DECP, BOAMP, TED: `[[sources]]` in the
    /// configuration file, or added on the admin page), or the one named: fetch, read, store,
    /// with a progress bar and a report per source. A source another instance is running is
    /// left to it. Exits with 1 if a source failed.
    Sync {
        /// The source's name (all enabled sources when left out).
        source: Option<String>,
    },
    /// Benchmark data-set generators and measurements (a build with the `bench-tools` feature:
    /// `make bench-data`); not in the production binary.
    #[cfg(feature = "bench-tools")]
    #[command(flatten)]
    Tools(crate::tools::ToolCommand),
    /// Rebuild this instance's full-text index from the database (PASSERELLE_SEARCH_DIR, by
    /// default beside the SQLite file). Stop the server of this index first: a running server
    /// keeps its index up to date by itself.
    Reindex,
    /// Print thaw's theme as CSS variables on the site's design tokens (the site build puts it
    /// into the stylesheet: .ci/build-site.sh).
    #[command(hide = true)]
    ThemeCss,
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import DECP files (past contracts). The format of each file is detected: DECP JSON 2019
    /// or 2022, XML of either, or the consolidated tabular CSV. Re-importing a file updates the
    /// contracts it holds and never duplicates them. Prints a report per file; exits with 1 if a
    /// file could not be read to its end (the batches before the error are kept).
    Decp {
        /// The files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Import an establishments extract of the SIRENE register (INSEE's StockEtablissement CSV,
    /// comma- or semicolon-separated, with its header): the communes of the awardees of past
    /// contracts that are not on the platform, for the local share of the analytics. Only the
    /// establishments that won a contract are kept; importing again replaces their communes.
    Sirene {
        /// The extract.
        file: PathBuf,
    },
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve {
        demo: false,
        into_existing: false,
        allow_demo_password: false,
    }) {
        Command::Import(ImportCommand::Decp { files }) => import_decp(&config, files).await,
        Command::Sync { source } => sync(&config, source).await,
        Command::Import(ImportCommand::Sirene { file }) => {
            let db = prepare_db(&config).await?;
            let started = std::time::Instant::now();
            let r = app::server::imports::sirene::import(&db, &file).await?;
            println!(
                "SIRENE : {} établissements lus, {} titulaires de marchés retenus ({} sans commune), {} lignes sans SIRET lisible, en {:.1} s",
                r.lines,
                r.kept,
                r.without_commune,
                r.invalid,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Reindex => reindex(&config).await,
        Command::ThemeCss => {
            println!("{}", app::theme::theme_css());
            Ok(())
        }
        #[cfg(feature = "bench-tools")]
        Command::Tools(command) => crate::tools::run(&config, command).await,
        Command::Serve {
            demo,
            into_existing,
            allow_demo_password,
        } => {
            if demo {
                demo_allowed(&config, allow_demo_password)?;
            }
            let db = prepare_db(&config).await?;
            if demo {
                seed(&db, into_existing).await?;
            }
            crate::web::serve(config, db).await
        }
        Command::Migrate => {
            prepare_db(&config).await?;
            println!("database migrated, reference data loaded");
            Ok(())
        }
        Command::SeedDemo {
            into_existing,
            allow_demo_password,
        } => {
            demo_allowed(&config, allow_demo_password)?;
            let db = prepare_db(&config).await?;
            seed(&db, into_existing).await
        }
        Command::CreateAdmin { email, name } => {
            let db = prepare_db(&config).await?;
            let mut c = app::domain::validate::Checker::new();
            let email = c.email("email", &email);
            let name = c.required("name", &name, 120);
            let password = match std::env::var("PASSERELLE_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let password = c.new_password("password", &password);
            app::server::infra::passwords::refuse_common(&mut c, "password", &password);
            if !c.is_ok() {
                anyhow::bail!(
                    "invalid input: {}",
                    c.errors
                        .iter()
                        .map(|e| format!("{} ({})", e.field, e.key))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let created = app::server::demo::create_admin(&db, &email, &name, password)
                .await
                .map_err(|e| anyhow::anyhow!("could not create the administrator: {e}"))?;
            println!(
                "{} {email}",
                if created {
                    "administrator created:"
                } else {
                    "existing account made administrator:"
                }
            );
            Ok(())
        }
    }
}

async fn reindex(config: &Config) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let db = prepare_db(config).await?;
    let dir = config.search_dir();
    let (search, _) = app::server::infra::search::SearchIndex::open(&dir)?;
    let total = app::server::infra::entities::contracts::Entity::find()
        .count(&db)
        .await?;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("index [{bar:30}] {pos}/{len} {per_sec} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let n = search.rebuild(&db, |done| bar.set_position(done)).await?;
    bar.finish_and_clear();
    println!(
        "index de recherche reconstruit dans {} : {n} documents en {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `passerelle sync [SOURCE]`.
async fn sync(config: &Config, only: Option<String>) -> anyhow::Result<()> {
    use app::server::sources::{self, Stage};
    use indicatif::{ProgressBar, ProgressStyle};
    let db = prepare_db(config).await?;
    let specs = config
        .sources
        .iter()
        .map(|s| s.spec())
        .collect::<anyhow::Result<Vec<_>>>()?;
    sources::sync_config(&db, &specs).await?;
    let search = open_search_if_free(config, &db).await?;
    let runner = sources::Runner::new(
        Default::default(),
        &config.public_url,
        std::env::temp_dir().join("passerelle-sources"),
    );
    let all = sources::list(&db).await?;
    let chosen: Vec<_> = match &only {
        Some(name) => {
            let name = name.trim().to_lowercase();
            let found: Vec<_> = all.into_iter().filter(|s| s.name == name).collect();
            anyhow::ensure!(!found.is_empty(), "no source named `{name}`");
            found
        }
        None => all.into_iter().filter(|s| s.enabled).collect(),
    };
    if chosen.is_empty() {
        println!("Aucune source configurée : ajoutez-en dans le fichier de configuration ([[sources]]) ou sur la page d'administration /admin/sources.");
        return Ok(());
    }
    let mut failed = 0;
    for source in chosen {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(format!("{} : téléchargement", source.name));
        let importing = std::sync::atomic::AtomicBool::new(false);
        let started = std::time::Instant::now();
        let run = sources::run_reporting(
            &db,
            search.as_ref(),
            &runner,
            source.id,
            app::domain::sources::Trigger::Cli,
            None,
            &|stage| match stage {
                Stage::Fetching { bytes, total } => {
                    if let Some(total) = total {
                        bar.set_length(total);
                    }
                    bar.set_position(bytes);
                }
                Stage::Importing { bytes, total } => {
                    if !importing.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        bar.set_message(format!("{} : import", source.name));
                        bar.set_length(total);
                    }
                    bar.set_position(bytes);
                }
            },
        )
        .await?;
        bar.finish_and_clear();
        match run {
            None => println!(
                "{} : en cours sur une autre instance (ou désactivée), laissée à celle-ci",
                source.name
            ),
            Some(run) => {
                let view = sources::run_view(run, None);
                println!(
                    "{}",
                    app::domain::sources::report_text(&source.name, &view, |k| {
                        app::i18n::tr(app::i18n::Lang::Fr, k)
                    })
                );
                println!("  durée : {:.1} s", started.elapsed().as_secs_f64());
                if view.status == app::domain::sources::RunStatus::Failed {
                    failed += 1;
                }
            }
        }
    }
    if let Some(search) = search {
        search.sync(&db).await?;
    }
    if failed > 0 {
        anyhow::bail!("{failed} source(s) en échec");
    }
    Ok(())
}

/// This instance's index, when no server holds it (a running server follows the database by
/// itself).
async fn open_search_if_free(
    config: &Config,
    db: &sea_orm::DatabaseConnection,
) -> anyhow::Result<Option<app::server::infra::search::SearchIndex>> {
    match crate::web::open_search(config, db).await {
        Ok(search) => Ok(Some(search)),
        Err(e)
            if matches!(
                e.downcast_ref::<app::server::infra::search::SearchError>(),
                Some(app::server::infra::search::SearchError::Busy)
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

async fn import_decp(config: &Config, files: Vec<PathBuf>) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let db = prepare_db(config).await?;
    // The index is opened first (as a starting server does) so that the import hands it its
    // documents batch by batch; when a server holds it, that server follows the imported rows
    // by itself within a second.
    let search = open_search_if_free(config, &db).await?;
    // SIGTERM or Ctrl-C: the batch being written commits, the run closes as interrupted, and
    // re-importing the file completes it.
    tokio::spawn(async {
        crate::web::shutdown_signal().await;
        app::server::imports::decp::request_stop();
    });
    let mut failed = 0;
    for path in files {
        if app::server::imports::decp::stopping() {
            failed += 1;
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(name.clone());
        let started = std::time::Instant::now();
        let run = app::server::imports::decp::import_file(
            &db,
            search.as_ref(),
            &path,
            &name,
            None,
            |p| {
                bar.set_position(p.bytes_read);
            },
        )
        .await?;
        bar.finish_and_clear();
        let secs = started.elapsed().as_secs_f64();
        println!("{}", app::server::imports::decp::report::render_text(&run));
        println!(
            "  durée : {secs:.1} s ({:.0} enregistrements/s)",
            f64::from(run.records) / secs.max(0.001)
        );
        if run.status != "done" {
            failed += 1;
        }
    }
    let started = std::time::Instant::now();
    match search {
        Some(search) => {
            search.sync(&db).await?;
            println!(
                "index de recherche à jour : {} documents en {:.1} s",
                search.num_docs(),
                started.elapsed().as_secs_f64()
            );
        }
        None => println!("index de recherche : le serveur en cours le mettra à jour"),
    }
    if failed > 0 {
        anyhow::bail!("{failed} file(s) could not be imported to their end");
    }
    Ok(())
}

pub(crate) async fn prepare_db(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = app::server::infra::db::connect_and_migrate(&config.database_url).await?;
    let report = app::server::infra::reference::load(&db).await?;
    if report != Default::default() {
        tracing::info!(?report, "reference data loaded");
    }
    Ok(db)
}

/// The demo's accounts sign in with a password printed in the README: outside development,
/// only when the operator says so.
fn demo_allowed(config: &Config, allow_demo_password: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        config.is_development() || allow_demo_password,
        "the demo creates accounts whose password is public: refused in `{}`; run it with \
         PASSERELLE_ENV=development, or add --allow-demo-password for a demonstration server",
        config.env
    );
    Ok(())
}

async fn seed(db: &sea_orm::DatabaseConnection, into_existing: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let report = app::server::demo::seed(db, app::server::demo::Options { into_existing })
        .await
        .map_err(|e| anyhow::anyhow!("demo seeding refused or failed: {e}"))?;
    if report.already {
        println!("demo territory: already there, nothing written");
        return Ok(());
    }
    for (file, accepted) in &report.contracts {
        println!("demo past contracts: {file}, {accepted} records accepted");
    }
    println!(
        "demo territory seeded in {:.1} s: {} organisations, {} accounts (password: passerelle-demo), {} offers, {} planned procurements",
        started.elapsed().as_secs_f64(),
        report.organisations,
        report.accounts,
        report.offers,
        report.plans
    );
    Ok(())
}
