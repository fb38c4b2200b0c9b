//! The demo territory (`passerelle seed-demo`, `serve --demo`): real public buyers of the
//! Métropole de Lyon and the countryside around it (names and SIRETs of the DECP data), their
//! real past contracts, and a community of fictitious firms and people — each saying so — at
//! work in every capability: offers, planned procurement, sourcing, partners and consortia, the
//! territorial label, alerts. Drawn from a seeded stream: the same data on every run (dates are
//! counted from the day of seeding, so that "the next 18 months" stay ahead).
//!
//! Seeding is all or nothing (one transaction for the community), done once: a database that
//! already holds the territory is left alone, and one that holds organisations of its own is
//! refused unless the operator says so ([`Options::into_existing`]).

mod audit;
mod buyers;
mod contracts;
mod core;
mod firms;
mod inbox;
mod insertion;
mod joint;
mod labels;
mod notices;
mod partners;
mod plans;
mod quotes;
mod sourcing;
mod trades;

use crate::error::AppError;
use crate::server::infra::entities::{memberships, organisations, users};
use crate::server::infra::passwords;
use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

/// Password of every demo account (documented in the README; demo data only).
pub const DEMO_PASSWORD: &str = "passerelle-demo";
/// The demo administrator's TOTP key (base32, 160 bits): public like the password, refused with
/// it outside development.
pub const DEMO_TOTP_SECRET: &str = "PASSERELLEDEMOADMINTOTPKEY234567";

/// The seed of the territory's stream.
const SEED: u64 = 2026_0620;

/// The first 5 digits of the generated firms' SIRETs: no real establishment has them (SIREN
/// 999 is never attributed), so a demo organisation is recognised by its SIRET.
const FICTITIOUS_PREFIX: &str = "999";

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Seed even though the database holds organisations that are not the demo's.
    pub into_existing: bool,
}

/// What a seeding did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The territory was there already: nothing was written.
    pub already: bool,
    pub organisations: usize,
    pub accounts: usize,
    pub offers: usize,
    pub plans: usize,
    /// Past contracts imported (records accepted), by file.
    pub contracts: Vec<(String, i32)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds {count} organisations that are not the demo's (for example \
         {example}); nothing was written. Seed into it anyway with --into-existing."
    )]
    NotEmpty { count: u64, example: String },
    #[error("the reference data is missing ({0}): run `passerelle migrate` first")]
    NoReference(&'static str),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

impl From<AppError> for DemoError {
    fn from(e: AppError) -> Self {
        DemoError::Db(DbErr::Custom(e.to_string()))
    }
}

/// An organisation of the demo the later steps refer to.
#[derive(Clone, Debug)]
pub(crate) struct OrgRef {
    pub id: i32,
    pub name: String,
    pub commune: String,
    /// Its owner's account.
    pub owner: Option<i32>,
}

/// A fictitious business and its trade (an index in [`trades::TRADES`], None for the core's).
#[derive(Clone, Debug)]
pub(crate) struct Firm {
    pub org: OrgRef,
    /// Its trade in [`trades::TRADES`].
    pub tpl: usize,
    /// The analytics trade it works in.
    pub trade: &'static str,
    pub inclusive: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub(crate) struct OfferRef {
    pub id: i32,
    pub org: i32,
    pub published: bool,
}

/// A planned procurement of the demo.
#[derive(Clone, Debug)]
pub(crate) struct PlanRef {
    pub id: i32,
    pub buyer: &'static str,
    pub title: &'static str,
    pub cpv: &'static str,
    /// Its lots: id and CPV code.
    pub lots: Vec<(i32, &'static str)>,
}

/// What the steps share while the territory is written.
pub(crate) struct Ctx<'a> {
    pub txn: &'a DatabaseTransaction,
    pub rng: ChaCha8Rng,
    pub now: DateTime<Utc>,
    pub hash: String,
    pub buyers: HashMap<&'static str, OrgRef>,
    pub firms: Vec<Firm>,
    pub offers: Vec<OfferRef>,
    pub plans: Vec<PlanRef>,
    /// The core's accounts and organisations by their tour role ("buyer", "joiner", …).
    pub people: HashMap<&'static str, i32>,
    pub core_orgs: HashMap<&'static str, i32>,
    pub accounts: usize,
}

impl Ctx<'_> {
    pub fn person(&self, role: &str) -> i32 {
        self.people[role]
    }

    /// The firms of an analytics trade.
    pub fn firms_of(&self, trade: &str) -> Vec<Firm> {
        self.firms
            .iter()
            .filter(|f| f.trade == trade)
            .cloned()
            .collect()
    }

    /// The published offers of an organisation.
    pub fn offers_of(&self, org: i32) -> Vec<&OfferRef> {
        self.offers
            .iter()
            .filter(|o| o.org == org && o.published)
            .collect()
    }

    /// `n` distinct elements of `list`, drawn from the stream (all when fewer).
    pub fn some<T: Clone>(&mut self, list: &[T], n: usize) -> Vec<T> {
        use rand::seq::SliceRandom;
        let mut v = list.to_vec();
        v.shuffle(&mut self.rng);
        v.truncate(n);
        v
    }

    /// A new account (every demo person signs in with the demo password), owner of `org`.
    pub async fn account(
        &mut self,
        email: String,
        name: String,
        org: Option<i32>,
    ) -> Result<i32, DbErr> {
        let user = users::ActiveModel {
            email: Set(email),
            display_name: Set(name),
            password_hash: Set(self.hash.clone()),
            is_admin: Set(false),
            is_analyst: Set(false),
            lang: Set("fr".into()),
            created_at: Set(self.now),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        if let Some(org) = org {
            memberships::ActiveModel {
                user_id: Set(user.id),
                organisation_id: Set(org),
                role: Set(crate::domain::org::MemberRole::Owner.as_str().into()),
                status: Set(crate::domain::org::MembershipStatus::Active.as_str().into()),
                created_at: Set(self.now),
                ..Default::default()
            }
            .insert(self.txn)
            .await?;
        }
        self.accounts += 1;
        Ok(user.id)
    }
}

/// Is this SIRET one of the demo's organisations?
fn is_demo_siret(siret: &str) -> bool {
    siret.starts_with(FICTITIOUS_PREFIX)
        || buyers::BUYERS.iter().any(|b| b.siret == siret)
        || core::sirets().iter().any(|s| s == siret)
}

/// Seeds the demo territory (see the module's comment).
pub async fn seed(db: &DatabaseConnection, options: Options) -> Result<Report, DemoError> {
    let metropole = buyers::BUYERS[0].siret;
    let present = organisations::Entity::find()
        .filter(organisations::Column::Siret.eq(metropole))
        .one(db)
        .await?
        .is_some();
    if present {
        return Ok(Report {
            already: true,
            ..Default::default()
        });
    }
    if !options.into_existing {
        let sirets: Vec<(String, String)> = organisations::Entity::find()
            .select_only()
            .column(organisations::Column::Siret)
            .column(organisations::Column::Name)
            .into_tuple()
            .all(db)
            .await?;
        let foreign: Vec<&(String, String)> =
            sirets.iter().filter(|(s, _)| !is_demo_siret(s)).collect();
        if let Some((_, name)) = foreign.first() {
            return Err(DemoError::NotEmpty {
                count: foreign.len() as u64,
                example: name.clone(),
            });
        }
    }
    let reference = crate::server::infra::entities::communes::Entity::find()
        .filter(crate::server::infra::entities::communes::Column::Insee.eq("69123"))
        .one(db)
        .await?;
    if reference.is_none() {
        return Err(DemoError::NoReference("communes"));
    }
    let hash = passwords::hash(DEMO_PASSWORD.into()).await?;
    // The past contracts first: the awarded plans link to them. An import is its own run (the
    // admin's import history shows it), outside the community's transaction.
    let mut report = Report {
        contracts: contracts::seed(db).await?,
        ..Default::default()
    };
    let txn = db.begin().await?;
    let (orgs, accounts) = core::seed(&txn, &hash).await?;
    let mut ctx = Ctx {
        txn: &txn,
        rng: ChaCha8Rng::seed_from_u64(SEED),
        now: Utc::now(),
        hash,
        buyers: HashMap::new(),
        firms: Vec::new(),
        offers: Vec::new(),
        plans: Vec::new(),
        people: HashMap::new(),
        core_orgs: HashMap::new(),
        accounts,
    };
    core::refs(&mut ctx).await?;
    let buyers = firms::buyers(&mut ctx).await?;
    let firms = firms::firms(&mut ctx).await?;
    firms::claims(&mut ctx).await?;
    report.offers = firms::offers(&mut ctx).await?;
    report.plans = plans::seed(&mut ctx).await?;
    sourcing::seed(&mut ctx).await?;
    joint::seed(&mut ctx).await?;
    insertion::seed(&mut ctx).await?;
    notices::seed(&mut ctx).await?;
    partners::seed(&mut ctx).await?;
    quotes::seed(&mut ctx).await?;
    labels::seed(&mut ctx).await?;
    inbox::seed(&mut ctx).await?;
    audit::seed(&mut ctx).await?;
    report.organisations = orgs + buyers + firms;
    report.accounts = ctx.accounts;
    txn.commit().await?;
    Ok(report)
}

/// Creates an admin, or makes an existing user admin and sets the password.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    password: String,
) -> Result<bool, AppError> {
    let hash = passwords::hash(password).await?;
    match crate::server::auth::find_by_email(db, email).await? {
        Some(u) => {
            let mut am: users::ActiveModel = u.into();
            am.is_admin = Set(true);
            am.password_hash = Set(hash);
            am.update(db).await?;
            Ok(false)
        }
        None => {
            let u = crate::server::auth::create_user(db, email, name, hash).await?;
            let mut am: users::ActiveModel = u.into();
            am.is_admin = Set(true);
            am.update(db).await?;
            Ok(true)
        }
    }
}
