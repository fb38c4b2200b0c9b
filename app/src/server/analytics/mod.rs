//! The analytics snapshot: every past contract read once into compact facts (32 bytes each) and
//! kept in memory, so that a dashboard over 2M contracts is one pass in memory rather than
//! GROUP BYs over the table. It is rebuilt when the data it reads changed: a background task
//! compares a cheap stamp (imports, contracts' highest id, organisations, SIRENE extract) every
//! minute; an import run in this process asks for a rebuild when it ends. Plans and offers are
//! in the stamp too: the shortage indicator reads them.

pub mod http;

pub mod shortage;

use crate::domain::analytics::dashboard::{self, Dashboard, Filters};
use crate::domain::analytics::facts::{self, AwardeeFact, Fact, Facts, Zone};
use crate::domain::analytics::trades;
use crate::domain::decp::vocab::Procedure;
use crate::domain::geo;
use crate::server::infra::entities::{
    communes, contract_awardees, contracts, imports, offers, organisations, plans, quote_answers,
    quote_requests, sirene_establishments,
};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Rows read per query while building.
const PAGE: u64 = 50_000;
/// A snapshot older than this is rebuilt even when the stamp did not move (an organisation
/// that changed commune moves no counter).
const MAX_AGE: Duration = Duration::from_secs(3600);

/// What a snapshot was built from: when any part moves, it is stale.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    imports: (Option<i32>, i64),
    contracts: Option<i32>,
    organisations: (Option<i32>, i64),
    sirene: i64,
    plans: (Option<i32>, i64),
    offers: (Option<i32>, i64),
    /// Quick consultations and their answers (the food trades' demand).
    quotes: (Option<i32>, i64),
}

pub struct Snapshot {
    pub facts: Facts,
    /// The years that have contracts, oldest first.
    pub years: Vec<u16>,
    /// The shortage indicator's inputs, trade by trade (index in `trades::all()`).
    pub shortage: Vec<crate::domain::analytics::shortage::TradeInputs>,
    /// The past years the shortage reads, and the day its 12 months start.
    pub shortage_window: Vec<u16>,
    pub shortage_today: chrono::NaiveDate,
    pub stamp: Stamp,
    pub built_at: chrono::DateTime<chrono::Utc>,
    built: Instant,
    /// How long the build took (logged, and shown to admins).
    pub build_time: Duration,
}

/// The shared snapshot (cheap to clone).
#[derive(Clone, Default)]
pub struct Analytics {
    current: Arc<RwLock<Option<Arc<Snapshot>>>>,
    /// Serialises builds: two requests finding no snapshot build it once.
    building: Arc<tokio::sync::Mutex<()>>,
}

impl Analytics {
    /// The current snapshot, built now when there is none (the first request after a start).
    pub async fn get(&self, db: &DatabaseConnection) -> Result<Arc<Snapshot>, DbErr> {
        if let Some(s) = self.peek() {
            return Ok(s);
        }
        let _guard = self.building.lock().await;
        if let Some(s) = self.peek() {
            return Ok(s);
        }
        self.rebuild(db).await
    }

    /// The snapshot if one is built, without waiting for one (31 s or more at 2M contracts).
    pub fn peek(&self) -> Option<Arc<Snapshot>> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    /// Builds a snapshot and makes it current.
    pub async fn rebuild(&self, db: &DatabaseConnection) -> Result<Arc<Snapshot>, DbErr> {
        let snapshot = Arc::new(build(db).await?);
        tracing::info!(
            "analytics snapshot: {} contracts, {} awards in {:.2} s",
            snapshot.facts.contracts.len(),
            snapshot.facts.awardees.len(),
            snapshot.build_time.as_secs_f64()
        );
        if let Ok(mut c) = self.current.write() {
            *c = Some(snapshot.clone());
        }
        Ok(snapshot)
    }

    /// Builds the snapshot when there is none (at start: the first request then finds it, or
    /// waits for this build rather than starting its own), rebuilds it when the data moved or
    /// it is old; true when it built.
    pub async fn refresh_if_stale(&self, db: &DatabaseConnection) -> Result<bool, DbErr> {
        if let Some(s) = self.peek() {
            if s.built.elapsed() < MAX_AGE && stamp(db).await? == s.stamp {
                return Ok(false);
            }
        }
        let _guard = self.building.lock().await;
        self.rebuild(db).await?;
        Ok(true)
    }

    /// Forgets the snapshot: the next request builds a new one.
    pub fn invalidate(&self) {
        if let Ok(mut c) = self.current.write() {
            *c = None;
        }
    }

    /// Builds the snapshot at once, then checks the stamp every minute and rebuilds when it
    /// moved.
    pub fn spawn_follower(&self, db: DatabaseConnection) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                if let Err(e) = this.refresh_if_stale(&db).await {
                    tracing::warn!("analytics snapshot refresh failed: {e}");
                }
            }
        });
    }
}

async fn stamp(db: &DatabaseConnection) -> Result<Stamp, DbErr> {
    #[derive(FromQueryResult)]
    struct MaxCount {
        max: Option<i32>,
        n: i64,
    }
    #[derive(FromQueryResult)]
    struct Max {
        max: Option<i32>,
    }
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let imports = imports::Entity::find()
        .select_only()
        .expr_as(Func::max(Expr::col(imports::Column::Id)), "max")
        .expr_as(Func::count(Expr::col(imports::Column::FinishedAt)), "n")
        .into_model::<MaxCount>()
        .one(db)
        .await?
        .map(|r| (r.max, r.n))
        .unwrap_or_default();
    let contracts = contracts::Entity::find()
        .select_only()
        .expr_as(Func::max(Expr::col(contracts::Column::Id)), "max")
        .into_model::<Max>()
        .one(db)
        .await?
        .and_then(|r| r.max);
    let organisations = organisations::Entity::find()
        .select_only()
        .expr_as(Func::max(Expr::col(organisations::Column::Id)), "max")
        .expr_as(Func::count(Expr::col(organisations::Column::Id)), "n")
        .into_model::<MaxCount>()
        .one(db)
        .await?
        .map(|r| (r.max, r.n))
        .unwrap_or_default();
    let sirene = sirene_establishments::Entity::find()
        .select_only()
        .expr_as(
            Func::count(Expr::col(sirene_establishments::Column::Siret)),
            "n",
        )
        .into_model::<Count>()
        .one(db)
        .await?
        .map(|r| r.n)
        .unwrap_or(0);
    let plans = plans::Entity::find()
        .select_only()
        .expr_as(Func::max(Expr::col(plans::Column::Id)), "max")
        .expr_as(Func::count(Expr::col(plans::Column::Id)), "n")
        .into_model::<MaxCount>()
        .one(db)
        .await?
        .map(|r| (r.max, r.n))
        .unwrap_or_default();
    let offers = offers::Entity::find()
        .select_only()
        .expr_as(Func::max(Expr::col(offers::Column::Id)), "max")
        .expr_as(Func::count(Expr::col(offers::Column::Id)), "n")
        .into_model::<MaxCount>()
        .one(db)
        .await?
        .map(|r| (r.max, r.n))
        .unwrap_or_default();
    let quotes = (
        quote_requests::Entity::find()
            .select_only()
            .expr_as(Func::max(Expr::col(quote_requests::Column::Id)), "max")
            .into_model::<Max>()
            .one(db)
            .await?
            .and_then(|r| r.max),
        quote_answers::Entity::find()
            .select_only()
            .expr_as(Func::count(Expr::col(quote_answers::Column::Id)), "n")
            .into_model::<Count>()
            .one(db)
            .await?
            .map(|r| r.n)
            .unwrap_or(0),
    );
    Ok(Stamp {
        imports,
        contracts,
        organisations,
        sirene,
        plans,
        offers,
        quotes,
    })
}

/// Where a commune stands, and its area on the map.
struct Place {
    zone: Zone,
    area: String,
}

/// Every commune's zone and map area ("69266" for a commune of the Métropole, whole communes
/// for Lyon's arrondissements; the department's area code elsewhere).
async fn communes_places(db: &DatabaseConnection) -> Result<HashMap<String, Place>, DbErr> {
    Ok(communes::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            let zone = Zone::of(&c.department, Some(&c.region), Some(c.in_metropole));
            let area = if c.in_metropole {
                geo::whole_commune(&c.insee).to_string()
            } else {
                geo::area_code(&c.department, false)
            };
            (c.insee, Place { zone, area })
        })
        .collect())
}

async fn build(db: &DatabaseConnection) -> Result<Snapshot, DbErr> {
    let started = Instant::now();
    let stamp = stamp(db).await?;
    let places = communes_places(db).await?;
    let mut area_index: HashMap<String, u16> = HashMap::new();
    let mut area_codes: Vec<String> = Vec::new();
    let mut area_of = |code: &str| -> u16 {
        if let Some(i) = area_index.get(code) {
            return *i;
        }
        if area_codes.len() >= facts::NO_PLACE as usize {
            return facts::NO_PLACE;
        }
        let i = area_codes.len() as u16;
        area_codes.push(code.to_string());
        area_index.insert(code.to_string(), i);
        i
    };
    // Where awardees are, by SIRET: the platform's organisations first, then the extract.
    let mut located: HashMap<String, String> = sirene_establishments::Entity::find()
        .filter(sirene_establishments::Column::CommuneInsee.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| Some((s.siret, s.commune_insee?)))
        .collect();
    for o in organisations::Entity::find()
        .filter(organisations::Column::CommuneInsee.is_not_null())
        .all(db)
        .await?
    {
        if let Some(c) = o.commune_insee {
            located.insert(o.siret, c);
        }
    }

    #[derive(FromQueryResult)]
    struct Row {
        id: i32,
        year: Option<i32>,
        cpv: Option<String>,
        procedure: Option<String>,
        amount_cents: Option<i64>,
        final_amount_cents: Option<i64>,
        offers_received: Option<i32>,
        social: Option<String>,
        environmental: Option<String>,
        object: Option<String>,
        place_commune: Option<String>,
        buyer_siret: String,
        buyer_name: Option<String>,
    }
    #[derive(FromQueryResult)]
    struct AwardeeRow {
        contract_id: i32,
        id_type: String,
        awardee_id: String,
        department: Option<String>,
    }
    let mut out = Facts::default();
    let mut buyer_index: HashMap<String, u32> = HashMap::new();
    let mut firm_index: HashMap<String, u32> = HashMap::new();
    let mut after = 0;
    loop {
        let rows = contracts::Entity::find()
            .select_only()
            .columns([
                contracts::Column::Id,
                contracts::Column::Year,
                contracts::Column::Cpv,
                contracts::Column::Procedure,
                contracts::Column::AmountCents,
                contracts::Column::FinalAmountCents,
                contracts::Column::OffersReceived,
                contracts::Column::Social,
                contracts::Column::Environmental,
                contracts::Column::Object,
                contracts::Column::PlaceCommune,
                contracts::Column::BuyerSiret,
                contracts::Column::BuyerName,
            ])
            .filter(contracts::Column::Id.gt(after))
            .order_by_asc(contracts::Column::Id)
            .limit(PAGE)
            .into_model::<Row>()
            .all(db)
            .await?;
        let Some(last) = rows.last().map(|r| r.id) else {
            break;
        };
        let awardees = contract_awardees::Entity::find()
            .select_only()
            .columns([
                contract_awardees::Column::ContractId,
                contract_awardees::Column::IdType,
                contract_awardees::Column::AwardeeId,
                contract_awardees::Column::Department,
            ])
            .filter(contract_awardees::Column::ContractId.gt(after))
            .filter(contract_awardees::Column::ContractId.lte(last))
            .filter(contract_awardees::Column::IsCurrent.eq(true))
            .order_by_asc(contract_awardees::Column::ContractId)
            .order_by_asc(contract_awardees::Column::Position)
            .into_model::<AwardeeRow>()
            .all(db)
            .await?;
        let mut aw = awardees.into_iter().peekable();
        for r in rows {
            // Awardees of contracts read before (none: both lists go by id).
            while aw.peek().is_some_and(|a| a.contract_id < r.id) {
                aw.next();
            }
            let from = out.awardees.len() as u32;
            while let Some(a) = aw.next_if(|a| a.contract_id == r.id) {
                let siret = a.id_type.eq_ignore_ascii_case("siret") || a.awardee_id.len() == 14;
                let place = siret
                    .then(|| located.get(&a.awardee_id))
                    .flatten()
                    .and_then(|insee| places.get(insee));
                let firm = if siret {
                    match firm_index.get(&a.awardee_id) {
                        Some(i) => *i,
                        None => {
                            let i = out.firms.len() as u32;
                            firm_index.insert(a.awardee_id.clone(), i);
                            out.firms.push(a.awardee_id.clone());
                            i
                        }
                    }
                } else {
                    facts::NO_FIRM
                };
                out.awardees.push(match (place, a.department.as_deref()) {
                    (Some(p), _) => AwardeeFact {
                        zone: p.zone,
                        place: area_of(&p.area),
                        firm,
                    },
                    // Only the department is known (the consolidated DECP): department 69
                    // cannot be told apart between the Métropole and the rest.
                    (None, Some(d)) => AwardeeFact {
                        zone: Zone::of(d, None, None),
                        place: if d == "69" {
                            facts::NO_PLACE
                        } else {
                            area_of(&geo::area_code(d, false))
                        },
                        firm,
                    },
                    (None, None) => AwardeeFact {
                        zone: Zone::Unknown,
                        place: facts::NO_PLACE,
                        firm,
                    },
                });
            }
            let count = (out.awardees.len() as u32 - from).min(255) as u8;
            let buyer = match buyer_index.get(&r.buyer_siret) {
                Some(i) => *i,
                None => {
                    let i = out.buyers.len() as u32;
                    buyer_index.insert(r.buyer_siret.clone(), i);
                    out.buyers.push((
                        r.buyer_siret.clone(),
                        r.buyer_name
                            .clone()
                            .unwrap_or_else(|| r.buyer_siret.clone()),
                    ));
                    i
                }
            };
            let cpv = r.cpv.as_deref().unwrap_or("");
            let year = r
                .year
                .and_then(|y| u16::try_from(y).ok())
                .unwrap_or(facts::NO_YEAR);
            out.contracts.push(Fact {
                amount_cents: r
                    .final_amount_cents
                    .or(r.amount_cents)
                    .unwrap_or(-1)
                    .max(-1),
                buyer,
                awardees_from: from,
                year,
                place: r
                    .place_commune
                    .as_deref()
                    .and_then(|c| places.get(c))
                    .map(|p| area_of(&p.area))
                    .unwrap_or(facts::NO_PLACE),
                trade: trades::of_cpv(cpv) as u8,
                division: cpv
                    .get(..2)
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(facts::NO_CODE),
                procedure: r
                    .procedure
                    .as_deref()
                    .and_then(|p| Procedure::ALL.iter().position(|x| x.code() == p))
                    .map(|i| i as u8)
                    .unwrap_or(facts::NO_CODE),
                offers: r
                    .offers_received
                    .map(|n| n.clamp(0, 255) as u8)
                    .unwrap_or(0),
                flags: facts::flags(
                    r.social.as_deref(),
                    r.environmental.as_deref(),
                    r.object.as_deref(),
                ),
                awardees: count,
            });
        }
        after = last;
    }
    out.places = area_codes;
    let mut years: Vec<u16> = out
        .contracts
        .iter()
        .map(|c| c.year)
        .filter(|y| *y != facts::NO_YEAR)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    years.retain(|y| (dashboard::FIRST_YEAR..=dashboard::LAST_YEAR).contains(y));
    let today = chrono::Utc::now().date_naive();
    let shortage = shortage::inputs(db, &out, &years, today).await?;
    Ok(Snapshot {
        shortage_window: crate::domain::analytics::shortage::window(&years, today),
        shortage_today: today,
        facts: out,
        years,
        shortage,
        stamp,
        built_at: chrono::Utc::now(),
        built: Instant::now(),
        build_time: started.elapsed(),
    })
}

/// Who sees the finer views (the by-buyer table): chamber analysts, administrators, and members
/// of a verified public buyer. Everyone else sees the aggregates.
pub fn sees_finer(caller: &crate::server::auth::Caller) -> bool {
    use crate::domain::org::OrgKind;
    caller.require_analyst().is_ok()
        || caller
            .orgs
            .iter()
            .any(|(_, o)| o.kind == OrgKind::Buyer.as_str() && o.verified_at.is_some())
}

/// The dashboards' filters of `query` as `caller` may use them (and whether it sees the finer
/// views): one buyer's figures are a finer view, so the buyer filter is dropped for others.
pub fn filters_for(caller: &crate::server::auth::Caller, query: &str) -> (Filters, bool) {
    let finer = sees_finer(caller);
    let mut filters = Filters::from_query(query);
    if !finer {
        filters.buyer = None;
    }
    (filters, finer)
}

/// The dashboards for `filters`, labelled (CPV divisions by their French names).
pub fn dashboard(snapshot: &Snapshot, filters: &Filters, english: bool, finer: bool) -> Dashboard {
    let mut d = dashboard::compute(&snapshot.facts, filters, english, finer);
    for row in &mut d.by_division {
        row.label = crate::server::infra::cpv::label_of(&format!("{}000000", row.key))
            .unwrap_or_default()
            .to_string();
    }
    d
}

/// The trades ranked by tension (those with neither demand nor supply left out), or the one
/// trade of `trade` (a code of `trades.csv`).
pub fn tensions(
    snapshot: &Snapshot,
    trade: Option<&str>,
) -> Vec<crate::domain::analytics::shortage::Tension> {
    use crate::domain::analytics::{shortage, trades};
    let only = trade.and_then(trades::index_of);
    shortage::rank(&snapshot.shortage)
        .into_iter()
        .filter(|t| only.is_none_or(|i| t.inputs.trade == i))
        .filter(|t| {
            let i = &t.inputs;
            only.is_some()
                || i.planned > 0
                || i.yearly_contracts > 0.0
                || i.platform_firms > 0
                || i.uncovered > 0
                || i.quick_asked > 0
        })
        .collect()
}
