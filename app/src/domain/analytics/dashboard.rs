//! The dashboards' figures from the facts: spend and counts by year, trade, CPV division, buyer
//! and procedure; competition; levers; local share; the map. One pass over the contracts, every
//! accumulator an array indexed by a small code, so that 2M contracts add up in milliseconds.

use super::facts::*;
use super::trades;
use crate::domain::decp::vocab::Procedure;
use serde::{Deserialize, Serialize};

/// Years kept apart (older or later ones are read as unknown).
pub const FIRST_YEAR: u16 = 2000;
pub const LAST_YEAR: u16 = 2099;
const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;
/// Buyers listed in the by-buyer table.
pub const TOP_BUYERS: usize = 25;

/// The dashboards' filters, as in the URL: `?de=2022&a=2024&metier=menuiserie&division=45&
/// acheteur=<SIRET>&procedure=adaptee`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub from: Option<u16>,
    pub to: Option<u16>,
    /// A trade's code (`trades.csv`).
    pub trade: Option<String>,
    /// A CPV division, two digits.
    pub division: Option<String>,
    /// A buyer's SIRET.
    pub buyer: Option<String>,
    /// A procedure's code (`decp::vocab::Procedure`).
    pub procedure: Option<String>,
}

impl Filters {
    /// From a query string; values that mean nothing are dropped (a page never fails on a URL).
    pub fn from_query(query: &str) -> Filters {
        let mut f = Filters::default();
        for (k, v) in crate::domain::query::pairs(query) {
            let (k, v) = (k.as_str(), v.trim());
            if v.is_empty() {
                continue;
            }
            match k {
                "de" => f.from = year(v),
                "a" => f.to = year(v),
                "metier" if trades::index_of(v).is_some() => f.trade = Some(v.into()),
                "division" if v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit()) => {
                    f.division = Some(v.into())
                }
                "acheteur" => {
                    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
                    if digits.len() == 14 {
                        f.buyer = Some(digits);
                    }
                }
                "procedure" if Procedure::from_code(v).is_some() => f.procedure = Some(v.into()),
                _ => {}
            }
        }
        f
    }

    /// The query string (without `?`), parameters in a fixed order.
    pub fn to_query(&self) -> String {
        let mut w = crate::domain::query::Writer::default();
        let mut push = |k: &'static str, v: Option<String>| w.push(k, v);
        push("de", self.from.map(|y| y.to_string()));
        push("a", self.to.map(|y| y.to_string()));
        push("metier", self.trade.clone());
        push("division", self.division.clone());
        push("acheteur", self.buyer.clone());
        push("procedure", self.procedure.clone());
        w.finish()
    }

    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

fn year(v: &str) -> Option<u16> {
    v.parse::<u16>()
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
}

/// Contracts and their amount: `amount_cents` adds the published amounts, `with_amount` says
/// how many had one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spend {
    pub key: String,
    pub label: String,
    pub count: u64,
    pub with_amount: u64,
    pub amount_cents: i64,
}

/// Competition among the contracts that state how many offers they received.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Competition {
    pub key: String,
    pub label: String,
    pub count: u64,
    pub with_offers: u64,
    pub median_offers: Option<f64>,
    pub single_bid: u64,
}

impl Competition {
    /// Share of single-bid contracts among those stating their offers, in percent.
    pub fn single_bid_pct(&self) -> Option<f64> {
        pct(self.single_bid, self.with_offers)
    }
}

/// Levers: social and environmental considerations (stated in the 2022 format only), reserved
/// markets, allotment (read from the object).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Levers {
    pub key: String,
    pub count: u64,
    pub social_stated: u64,
    pub social: u64,
    pub reserved: u64,
    pub env_stated: u64,
    pub env: u64,
    pub allotted: u64,
}

/// Awards (contract × awardee) by where the awardee stands; a contract's amount is split
/// evenly among its awardees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalShare {
    pub zone: Zone,
    pub awards: u64,
    pub amount_cents: i64,
}

/// One area of the map: contracts executed there, awards won by firms located there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub code: String,
    pub executed: u64,
    pub executed_cents: i64,
    pub won: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub filters: Filters,
    pub total: Spend,
    pub by_year: Vec<Spend>,
    pub by_trade: Vec<Spend>,
    pub by_division: Vec<Spend>,
    pub by_procedure: Vec<Spend>,
    /// The first [`TOP_BUYERS`] by amount; filled for analysts and buyers only.
    pub by_buyer: Vec<Spend>,
    pub competition_total: Competition,
    pub competition_by_trade: Vec<Competition>,
    pub competition_by_year: Vec<Competition>,
    pub levers_total: Levers,
    pub levers_by_year: Vec<Levers>,
    pub local: Vec<LocalShare>,
    pub map: Vec<Area>,
}

/// The share of the amount awarded (percent) that went to firms of the Rhône, Métropole
/// included — what the home page calls the local share; None when nothing was awarded.
pub fn rhone_share(local: &[LocalShare]) -> Option<f64> {
    let amount = |keep: &dyn Fn(Zone) -> bool| -> i64 {
        local
            .iter()
            .filter(|l| keep(l.zone))
            .map(|l| l.amount_cents)
            .sum()
    };
    let whole = amount(&|_| true);
    let part = amount(&|z| matches!(z, Zone::Metropole | Zone::Rhone | Zone::Dept69));
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

pub fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The median of values counted by value (`counts[v]` values equal to `v`).
pub fn median_of_counts(counts: &[u64]) -> Option<f64> {
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return None;
    }
    // The values of ranks (n-1)/2 and n/2 (0-based): the same one when n is odd.
    let nth = |rank: u64| {
        let mut seen = 0;
        for (v, c) in counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return v as f64;
            }
        }
        0.0
    };
    Some((nth((n - 1) / 2) + nth(n / 2)) / 2.0)
}

#[derive(Clone, Copy, Default)]
struct Acc {
    count: u64,
    with_amount: u64,
    amount: i64,
}

impl Acc {
    fn add(&mut self, f: &Fact) {
        self.count += 1;
        if f.amount_cents >= 0 {
            self.with_amount += 1;
            self.amount = self.amount.saturating_add(f.amount_cents);
        }
    }

    fn spend(&self, key: String, label: String) -> Spend {
        Spend {
            key,
            label,
            count: self.count,
            with_amount: self.with_amount,
            amount_cents: self.amount,
        }
    }
}

struct Comp {
    count: u64,
    offers: [u64; 256],
}

impl Default for Comp {
    fn default() -> Self {
        Comp {
            count: 0,
            offers: [0; 256],
        }
    }
}

impl Comp {
    fn add(&mut self, f: &Fact) {
        self.count += 1;
        self.offers[f.offers as usize] += 1;
    }

    fn row(&self, key: String, label: String) -> Competition {
        // Index 0 holds the contracts that do not say.
        let stated = &self.offers[1..];
        Competition {
            key,
            label,
            count: self.count,
            with_offers: stated.iter().sum(),
            median_offers: median_of_counts(
                &self
                    .offers
                    .iter()
                    .enumerate()
                    .map(|(v, c)| if v == 0 { 0 } else { *c })
                    .collect::<Vec<_>>(),
            ),
            single_bid: self.offers[1],
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Lev {
    count: u64,
    social_stated: u64,
    social: u64,
    reserved: u64,
    env_stated: u64,
    env: u64,
    allotted: u64,
}

impl Lev {
    fn add(&mut self, f: &Fact) {
        let bit = |b: u8| u64::from(f.flags & b != 0);
        self.count += 1;
        self.social_stated += bit(SOCIAL_STATED);
        self.social += bit(SOCIAL_ANY);
        self.reserved += bit(RESERVED);
        self.env_stated += bit(ENV_STATED);
        self.env += bit(ENV_ANY);
        self.allotted += bit(ALLOTTED);
    }

    fn row(&self, key: String) -> Levers {
        Levers {
            key,
            count: self.count,
            social_stated: self.social_stated,
            social: self.social,
            reserved: self.reserved,
            env_stated: self.env_stated,
            env: self.env,
            allotted: self.allotted,
        }
    }
}

/// What the filters select, resolved to the facts' codes once.
struct Selection {
    from: u16,
    to: u16,
    trade: Option<u8>,
    division: Option<u8>,
    buyer: Option<Option<u32>>,
    procedure: Option<u8>,
}

impl Selection {
    fn new(facts: &Facts, f: &Filters) -> Selection {
        Selection {
            from: f.from.unwrap_or(0),
            to: f.to.unwrap_or(u16::MAX),
            trade: f
                .trade
                .as_deref()
                .and_then(trades::index_of)
                .map(|i| i as u8),
            division: f.division.as_deref().and_then(|d| d.parse().ok()),
            buyer: f.buyer.as_ref().map(|siret| {
                facts
                    .buyers
                    .iter()
                    .position(|(s, _)| s == siret)
                    .map(|i| i as u32)
            }),
            procedure: f
                .procedure
                .as_deref()
                .and_then(|p| Procedure::ALL.iter().position(|x| x.code() == p))
                .map(|i| i as u8),
        }
    }

    fn keeps(&self, c: &Fact) -> bool {
        // A year filter leaves out the contracts of unknown year.
        let year_ok = (self.from == 0 && self.to == u16::MAX)
            || (c.year != NO_YEAR && c.year >= self.from && c.year <= self.to);
        year_ok
            && self.trade.is_none_or(|t| c.trade == t)
            && self.division.is_none_or(|d| c.division == d)
            && self.buyer.is_none_or(|b| b == Some(c.buyer))
            && self.procedure.is_none_or(|p| c.procedure == p)
    }
}

/// The dashboards for `filters`. `english` picks the trades' labels; `with_buyers` fills the
/// by-buyer table (finer view).
pub fn compute(facts: &Facts, filters: &Filters, english: bool, with_buyers: bool) -> Dashboard {
    let ntrades = trades::all().len();
    let sel = Selection::new(facts, filters);
    let mut total = Acc::default();
    let mut years = vec![Acc::default(); YEARS];
    let mut by_trade = vec![Acc::default(); ntrades];
    let mut by_division = vec![Acc::default(); 100];
    let mut by_procedure = vec![Acc::default(); Procedure::ALL.len()];
    let mut buyers = if with_buyers {
        vec![Acc::default(); facts.buyers.len()]
    } else {
        Vec::new()
    };
    let mut comp_total = Comp::default();
    let mut comp_trade: Vec<Comp> = (0..ntrades).map(|_| Comp::default()).collect();
    let mut comp_year: Vec<Comp> = (0..YEARS).map(|_| Comp::default()).collect();
    let mut lev_total = Lev::default();
    let mut lev_year = vec![Lev::default(); YEARS];
    let mut zones = [(0u64, 0i64); 6];
    let mut areas = vec![Area::default(); facts.places.len()];
    for c in facts.contracts.iter().filter(|c| sel.keeps(c)) {
        total.add(c);
        comp_total.add(c);
        let y =
            (c.year >= FIRST_YEAR && c.year <= LAST_YEAR).then(|| (c.year - FIRST_YEAR) as usize);
        if let Some(y) = y {
            years[y].add(c);
            comp_year[y].add(c);
            lev_year[y].add(c);
        }
        if let Some(a) = by_trade.get_mut(c.trade as usize) {
            a.add(c);
            comp_trade[c.trade as usize].add(c);
        }
        if let Some(a) = by_division.get_mut(c.division as usize) {
            a.add(c);
        }
        if let Some(a) = by_procedure.get_mut(c.procedure as usize) {
            a.add(c);
        }
        if let Some(a) = buyers.get_mut(c.buyer as usize) {
            a.add(c);
        }
        lev_total.add(c);
        if let Some(a) = areas.get_mut(c.place as usize) {
            a.executed += 1;
            if c.amount_cents >= 0 {
                a.executed_cents += c.amount_cents;
            }
        }
        let n = c.awardees as usize;
        let from = c.awardees_from as usize;
        let share = if n > 0 && c.amount_cents >= 0 {
            c.amount_cents / n as i64
        } else {
            0
        };
        for aw in facts.awardees.get(from..from + n).unwrap_or(&[]) {
            let z = &mut zones[aw.zone as usize];
            z.0 += 1;
            z.1 += share;
            if let Some(a) = areas.get_mut(aw.place as usize) {
                a.won += 1;
            }
        }
    }
    let year_key = |i: usize| (FIRST_YEAR as usize + i).to_string();
    let by_year = years
        .iter()
        .enumerate()
        .filter(|(_, a)| a.count > 0)
        .map(|(i, a)| a.spend(year_key(i), year_key(i)))
        .collect();
    let trade_label = |i: usize| trades::label(i, english).to_string();
    let trade_code = |i: usize| trades::all()[i].code.to_string();
    let mut by_trade: Vec<Spend> = by_trade
        .iter()
        .enumerate()
        .filter(|(_, a)| a.count > 0)
        .map(|(i, a)| a.spend(trade_code(i), trade_label(i)))
        .collect();
    by_amount(&mut by_trade);
    let mut by_division: Vec<Spend> = by_division
        .iter()
        .enumerate()
        .filter(|(_, a)| a.count > 0)
        .map(|(i, a)| a.spend(format!("{i:02}"), String::new()))
        .collect();
    by_amount(&mut by_division);
    let mut by_procedure: Vec<Spend> = by_procedure
        .iter()
        .enumerate()
        .filter(|(_, a)| a.count > 0)
        .map(|(i, a)| a.spend(Procedure::ALL[i].code().into(), String::new()))
        .collect();
    by_amount(&mut by_procedure);
    let mut by_buyer: Vec<Spend> = buyers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.count > 0)
        .map(|(i, a)| a.spend(facts.buyers[i].0.clone(), facts.buyers[i].1.clone()))
        .collect();
    by_amount(&mut by_buyer);
    by_buyer.truncate(TOP_BUYERS);
    let mut competition_by_trade: Vec<Competition> = comp_trade
        .iter()
        .enumerate()
        .filter(|(_, c)| c.count > 0)
        .map(|(i, c)| c.row(trade_code(i), trade_label(i)))
        .collect();
    // Least competed first: the single-bid share, then the median, then the code.
    competition_by_trade.sort_by(|a, b| {
        let share = |c: &Competition| c.single_bid_pct().unwrap_or(-1.0);
        share(b)
            .total_cmp(&share(a))
            .then(
                a.median_offers
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.median_offers.unwrap_or(f64::MAX)),
            )
            .then(a.key.cmp(&b.key))
    });
    let competition_by_year = comp_year
        .iter()
        .enumerate()
        .filter(|(_, c)| c.count > 0)
        .map(|(i, c)| c.row(year_key(i), year_key(i)))
        .collect();
    let levers_by_year = lev_year
        .iter()
        .enumerate()
        .filter(|(_, l)| l.count > 0)
        .map(|(i, l)| l.row(year_key(i)))
        .collect();
    let local = Zone::ALL
        .iter()
        .map(|z| LocalShare {
            zone: *z,
            awards: zones[*z as usize].0,
            amount_cents: zones[*z as usize].1,
        })
        .collect();
    let map = areas
        .into_iter()
        .zip(&facts.places)
        .map(|(mut a, code)| {
            a.code = code.clone();
            a
        })
        .collect();
    Dashboard {
        filters: filters.clone(),
        total: total.spend(String::new(), String::new()),
        by_year,
        by_trade,
        by_division,
        by_procedure,
        by_buyer,
        competition_total: comp_total.row(String::new(), String::new()),
        competition_by_trade,
        competition_by_year,
        levers_total: lev_total.row(String::new()),
        levers_by_year,
        local,
        map,
    }
}

/// Largest amount first, then most contracts, then the key: a stable order.
fn by_amount(rows: &mut [Spend]) {
    rows.sort_by(|a, b| {
        b.amount_cents
            .cmp(&a.amount_cents)
            .then(b.count.cmp(&a.count))
            .then(a.key.cmp(&b.key))
    });
}
