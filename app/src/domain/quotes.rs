//! Quick consultations ("demandes de devis", issue 23): a catering buyer asks for a few food
//! products below the publication thresholds — quantity, unit, delivery commune and window,
//! quality wanted, an answer deadline in Paris time; the matching suppliers answer with a price
//! per unit; the buyer awards all or part to one or several of them. Pure rules: reading the
//! forms, when answers are still taken, what an award may hold, and the EGalim shares of the
//! purchases recorded.

use super::food::{Egalim, Need, Place, Unit};
use super::sourcing::{paris_instant, parse_day};
use super::validate::{Checker, Clock};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_TITLE: usize = 160;
pub const MAX_TEXT: usize = 2000;
/// A product's words.
pub const MAX_PRODUCT: usize = 200;
/// Products in one consultation: a kitchen's order, not a tender's lots.
pub const MAX_LINES: usize = 5;
/// A quantity at most (in its unit), with three decimals.
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000;
/// A delivery window of at most a year.
pub const MAX_WINDOW_DAYS: i64 = 366;
/// A price per unit at most, in cents.
pub const MAX_UNIT_PRICE_CENTS: i64 = 10_000_000;

/// What quality the buyer wants.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Quality {
    /// Any product.
    #[default]
    Any,
    /// Organic preferred: every supplier of the product is asked; organic answers stand out.
    PreferOrganic,
    /// Organic (or in conversion) only.
    Organic,
    /// A sign that counts for EGalim (organic included) only.
    Egalim,
}

impl Quality {
    pub const ALL: [Quality; 4] = [
        Quality::Any,
        Quality::PreferOrganic,
        Quality::Organic,
        Quality::Egalim,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn label_key(self) -> String {
        format!("quotes.quality.{}", self.as_str())
    }

    /// The signs a product must hold (any one of them) to be asked; empty: any product.
    pub fn required_signs(self) -> Vec<String> {
        let signs = super::food::signs();
        match self {
            Quality::Any | Quality::PreferOrganic => Vec::new(),
            Quality::Organic => signs
                .iter()
                .filter(|s| s.counts_for == Egalim::Organic)
                .map(|s| s.code.to_string())
                .collect(),
            Quality::Egalim => signs.iter().map(|s| s.code.to_string()).collect(),
        }
    }
}

/// One product asked for, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineForm {
    /// The product by its words ("Carottes"), or as the suggestions write it
    /// ("Carottes (03221112)"); the server finds its CPV code.
    #[serde(default)]
    pub product: String,
    /// "200", "12,5".
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub unit: String,
}

/// A quick consultation's form as a browser sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteForm {
    pub title: String,
    #[serde(default)]
    pub details: String,
    /// The delivery commune, by name (or INSEE code); the server resolves it.
    #[serde(default)]
    pub commune: String,
    /// The delivery window, first and last day.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// The answers' deadline, a day and a time in Paris.
    #[serde(default)]
    pub deadline_day: String,
    #[serde(default)]
    pub deadline_time: String,
    #[serde(default)]
    pub quality: String,
    /// `lines[0][cpv]=…`: rows left empty are ignored.
    #[serde(default)]
    pub lines: BTreeMap<String, LineForm>,
}

/// One product asked for, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The row's key in the form, for the server's messages on it ("lines.{key}.product").
    pub key: String,
    /// The words the buyer typed.
    pub product: String,
    /// The CPV code: the one in parentheses when the row holds one, else found by the server.
    pub cpv: String,
    /// Thousandths of the unit.
    pub quantity_milli: i64,
    pub unit: Unit,
}

/// A checked consultation; the commune and the codes' existence are the server's to check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteInput {
    pub title: String,
    pub details: Option<String>,
    pub commune: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub deadline: DateTime<Utc>,
    pub quality: Quality,
    pub lines: Vec<Line>,
}

impl QuoteForm {
    /// Checks every field at `clock`, one message per faulty field.
    pub fn check(&self, clock: &Clock) -> Result<QuoteInput, AppError> {
        let mut c = Checker::new();
        let title = c.required("title", &self.title, MAX_TITLE);
        let details = c.optional("details", &self.details, MAX_TEXT);
        let commune = c.required("commune", &self.commune, 100);
        let from = parse_day(&self.from);
        let to = parse_day(&self.to);
        if from.is_none() {
            c.push("from", "validation.date");
        }
        if to.is_none() {
            c.push("to", "validation.date");
        }
        if let (Some(f), Some(t)) = (from, to) {
            if f < clock.today {
                c.push("from", "quotes.window_past");
            } else if t < f {
                c.push("to", "quotes.window_backwards");
            } else if (t - f).num_days() > MAX_WINDOW_DAYS {
                c.push("to", "quotes.window_too_long");
            }
        }
        let deadline = match paris_instant(&self.deadline_day, &self.deadline_time) {
            Ok(d) => Some(d),
            Err(e) => {
                let field = if e == super::sourcing::TimeError::Time {
                    "deadline_time"
                } else {
                    "deadline_day"
                };
                c.push(field, e.key());
                None
            }
        };
        if let Some(d) = deadline {
            if d <= clock.now {
                c.push("deadline_day", "quotes.deadline_past");
            } else if let Some(f) = from.filter(|f| *f >= clock.today) {
                // Answers come in before the first delivery day is over.
                let last = paris_instant(&f.format("%Y-%m-%d").to_string(), "23:59");
                if last.is_ok_and(|last| d > last) {
                    c.push("deadline_day", "quotes.deadline_after_delivery");
                }
            }
        }
        let quality = match self.quality.trim() {
            "" => Quality::Any,
            q => Quality::parse(q).unwrap_or_else(|| {
                c.push("quality", "validation.unknown_choice");
                Quality::Any
            }),
        };
        let lines = self.lines(&mut c);
        c.finish()?;
        Ok(QuoteInput {
            title,
            details,
            commune,
            from: from.unwrap_or(clock.today),
            to: to.unwrap_or(clock.today),
            deadline: deadline.unwrap_or(clock.now),
            quality,
            lines,
        })
    }

    /// The products asked for, in the rows' order; an empty row is ignored, a row half filled
    /// is an error on its own field ("lines.0.quantity").
    fn lines(&self, c: &mut Checker) -> Vec<Line> {
        let mut rows: Vec<(usize, &LineForm)> = self
            .lines
            .iter()
            .filter_map(|(k, l)| k.parse::<usize>().ok().map(|k| (k, l)))
            .collect();
        rows.sort_by_key(|(k, _)| *k);
        let mut out = Vec::new();
        for (k, l) in rows {
            let blank = l.product.trim().is_empty() && l.quantity.trim().is_empty();
            if blank {
                continue;
            }
            let field = |name: &str| format!("lines.{k}.{name}");
            let product = c.required(&field("product"), &l.product, MAX_PRODUCT);
            let cpv = super::suggest::code_in_parentheses(&product)
                .and_then(super::cpv::normalise)
                .unwrap_or_default();
            let quantity = c.decimal(&field("quantity"), &l.quantity, 3, 1, MAX_QUANTITY_MILLI);
            if l.quantity.trim().is_empty() {
                c.push(&field("quantity"), "validation.required");
            }
            let unit = Unit::parse(l.unit.trim());
            if unit.is_none() {
                c.push(&field("unit"), "validation.unknown_choice");
            }
            if let (false, Some(q), Some(u)) = (product.is_empty(), quantity, unit) {
                out.push(Line {
                    key: k.to_string(),
                    product,
                    cpv,
                    quantity_milli: q,
                    unit: u,
                });
            }
        }
        if self.lines.len() > MAX_LINES * 2 || out.len() > MAX_LINES {
            c.errors.push(crate::error::FieldError::with_arg(
                "lines",
                "quotes.too_many_lines",
                MAX_LINES,
            ));
        } else if out.is_empty() && !c.errors.iter().any(|e| e.field.starts_with("lines.")) {
            c.push("lines", "quotes.no_line");
        }
        out
    }
}

impl crate::domain::validate::LiveChecked for QuoteForm {
    fn field_errors(&self, clock: &Clock) -> Vec<crate::error::FieldError> {
        crate::domain::validate::field_errors_of(self.check(clock))
    }
}

impl QuoteInput {
    /// The needs matching looks for, one a product, at the delivery place.
    pub fn needs(&self, place: &Place) -> Vec<Need> {
        let required = self.quality.required_signs();
        self.lines
            .iter()
            .map(|l| Need {
                cpv: l.cpv.clone(),
                from: self.from,
                to: self.to,
                place: place.clone(),
                required_signs: required.clone(),
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Stages and answers

/// A consultation's stage.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Stage {
    /// Answers are taken until the deadline.
    Open,
    /// The buyer closed it early, or the deadline passed: answers compared, no more taken.
    Closed,
    /// Awarded (all or part), or given up: final, public.
    Awarded,
    Unsuccessful,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// The stage as people see it at `now`: an open consultation past its deadline is closed.
    pub fn at(self, deadline: DateTime<Utc>, now: DateTime<Utc>) -> Stage {
        match self {
            Stage::Open if now >= deadline => Stage::Closed,
            s => s,
        }
    }
}

/// Why an answer is refused before its content is read: the deadline has passed or the buyer
/// closed the consultation.
pub fn answers_taken(
    stage: Stage,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), &'static str> {
    match stage.at(deadline, now) {
        Stage::Open => Ok(()),
        _ if now >= deadline => Err("quotes.too_late"),
        _ => Err("quotes.closed"),
    }
}

/// A supplier's answer on one product, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerForm {
    /// Euros per unit ("1,20").
    #[serde(default)]
    pub price: String,
    /// The quantity it can deliver, in the consultation's unit.
    #[serde(default)]
    pub quantity: String,
    /// The signs its product holds.
    #[serde(default)]
    pub signs: BTreeMap<String, String>,
    #[serde(default)]
    pub comment: String,
}

/// A checked answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInput {
    pub unit_price_cents: i64,
    pub quantity_milli: i64,
    pub signs: Vec<String>,
    pub comment: Option<String>,
}

impl AnswerForm {
    fn is_blank(&self) -> bool {
        self.price.trim().is_empty() && self.quantity.trim().is_empty() && self.signs.is_empty()
    }

    /// Checks the answer to a product asked in `asked_milli` of its unit: a price, a quantity
    /// no larger than asked (a part is welcome), known signs. `field` names a field's error.
    fn check_into(
        &self,
        c: &mut Checker,
        field: impl Fn(&str) -> String,
        asked_milli: i64,
    ) -> Option<AnswerInput> {
        let price = c.decimal(&field("price"), &self.price, 2, 1, MAX_UNIT_PRICE_CENTS);
        if self.price.trim().is_empty() {
            c.push(&field("price"), "validation.required");
        }
        let quantity = c.decimal(&field("quantity"), &self.quantity, 3, 1, asked_milli.max(1));
        if self.quantity.trim().is_empty() {
            c.push(&field("quantity"), "validation.required");
        }
        let mut signs = Vec::new();
        for code in self.signs.keys() {
            if super::food::sign_name(code).is_some() {
                signs.push(code.clone());
            } else {
                c.push(&field("signs"), "validation.unknown_choice");
                break;
            }
        }
        let comment = c.optional(&field("comment"), &self.comment, MAX_TEXT);
        Some(AnswerInput {
            unit_price_cents: price?,
            quantity_milli: quantity?,
            signs,
            comment,
        })
    }

    /// Checks one answer alone (fields named "price", "quantity"…).
    pub fn check(&self, asked_milli: i64) -> Result<AnswerInput, AppError> {
        let mut c = Checker::new();
        let input = self.check_into(&mut c, str::to_string, asked_milli);
        c.finish()?;
        input.ok_or(AppError::Internal)
    }
}

/// A supplier's answer to a whole consultation in one step, as the form sends it: a row a
/// product (`lines[LINE_ID][price]`…), a row left blank for a product it does not offer; or
/// `decline` ticked, a "no" on every product.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerSheet {
    #[serde(default)]
    pub lines: BTreeMap<String, AnswerForm>,
    #[serde(default)]
    pub decline: String,
    /// In the name of this producers' grouping (its id), when the lead answers for it.
    #[serde(default)]
    pub grouping: String,
}

/// What a supplier says on one product: an offer, or that it declines.
pub type Reply = Option<AnswerInput>;

impl AnswerSheet {
    pub fn declines(&self) -> bool {
        !self.decline.trim().is_empty()
    }

    /// The grouping answered for: none when blank, an id, else a refusal.
    pub fn grouping_id(&self) -> Result<Option<i32>, AppError> {
        let g = self.grouping.trim();
        if g.is_empty() {
            return Ok(None);
        }
        g.parse()
            .map(Some)
            .map_err(|_| AppError::field("grouping", "validation.unknown_choice"))
    }

    /// The replies by line id; `asked`: line id → quantity asked. One product answered at
    /// least, unless the supplier declines; a row naming no product asked is refused.
    pub fn check(&self, asked: &BTreeMap<i32, i64>) -> Result<BTreeMap<i32, Reply>, AppError> {
        if self.declines() {
            return Ok(asked.keys().map(|id| (*id, None)).collect());
        }
        let mut c = Checker::new();
        let mut out = BTreeMap::new();
        for (key, row) in &self.lines {
            if row.is_blank() {
                continue;
            }
            let Some((id, asked)) = key
                .parse::<i32>()
                .ok()
                .and_then(|id| asked.get(&id).map(|q| (id, *q)))
            else {
                c.push("lines", "quotes.answer_unknown_line");
                continue;
            };
            if let Some(input) = row.check_into(&mut c, |f| format!("lines.{key}.{f}"), asked) {
                out.insert(id, Some(input));
            }
        }
        if out.is_empty() && c.is_ok() {
            c.push("lines", "quotes.answer_empty");
        }
        c.finish().map(|_| out)
    }
}

/// The amount of `quantity_milli` thousandths of a unit at `unit_price_cents`, in cents
/// (rounded to the nearest cent).
pub fn amount_cents(unit_price_cents: i64, quantity_milli: i64) -> i64 {
    let milli_cents = i128::from(unit_price_cents) * i128::from(quantity_milli);
    ((milli_cents + 500) / 1000).clamp(0, i128::from(i64::MAX)) as i64
}

// ---------------------------------------------------------------------------------------------
// Awards

/// An answer as an award weighs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offered {
    pub answer_id: i32,
    pub line_id: i32,
    pub quantity_milli: i64,
}

/// What the buyer awards: answer id → quantity (thousandths), as checked.
pub type Award = BTreeMap<i32, i64>;

/// Checks an award: each part names an answer of this consultation, for at most what it offered;
/// on each product, the parts add up to at most what was asked; one part at least.
/// `asked`: line id → quantity asked.
pub fn check_award(
    chosen: &BTreeMap<String, String>,
    offered: &[Offered],
    asked: &BTreeMap<i32, i64>,
) -> Result<Award, AppError> {
    let mut c = Checker::new();
    let mut award = Award::new();
    for (key, quantity) in chosen {
        if quantity.trim().is_empty() {
            continue;
        }
        let field = format!("award.{key}");
        let Some(answer) = key
            .parse::<i32>()
            .ok()
            .and_then(|id| offered.iter().find(|o| o.answer_id == id))
        else {
            c.push("award", "quotes.award_unknown");
            continue;
        };
        if let Some(q) = c.decimal(&field, quantity, 3, 1, answer.quantity_milli) {
            award.insert(answer.answer_id, q);
        }
    }
    for (line, asked) in asked {
        let total: i64 = offered
            .iter()
            .filter(|o| o.line_id == *line)
            .filter_map(|o| award.get(&o.answer_id))
            .sum();
        if total > *asked {
            c.push(&format!("line.{line}"), "quotes.award_too_much");
        }
    }
    if award.is_empty() && c.is_ok() {
        c.push("award", "quotes.award_empty");
    }
    c.finish().map(|_| award)
}

// ---------------------------------------------------------------------------------------------
// EGalim shares

/// The EGalim targets of public catering: at least 50 % of purchases sustainable and quality,
/// of which at least 20 % organic (shares of the amount excluding VAT).
pub const TARGET_QUALITY_PERCENT: u32 = 50;
pub const TARGET_ORGANIC_PERCENT: u32 = 20;

/// A buyer's food purchases of a year (or of a product family), in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchases {
    pub total_cents: i64,
    /// Counting for the 50 % (organic included).
    pub quality_cents: i64,
    pub organic_cents: i64,
}

impl Purchases {
    /// Adds a purchase of `cents` counting for `egalim`.
    pub fn add(&mut self, cents: i64, egalim: Egalim) {
        self.total_cents += cents;
        if egalim >= Egalim::Quality {
            self.quality_cents += cents;
        }
        if egalim == Egalim::Organic {
            self.organic_cents += cents;
        }
    }

    /// Adds amounts already split by category (declared from other channels, or totals).
    pub fn add_amounts(&mut self, total_cents: i64, quality_cents: i64, organic_cents: i64) {
        self.total_cents += total_cents;
        self.quality_cents += quality_cents;
        self.organic_cents += organic_cents;
    }

    /// Share of the total, in tenths of a percent (none when nothing was bought).
    fn share(part: i64, total: i64) -> Option<u32> {
        (total > 0).then(|| ((part as i128 * 1000 + total as i128 / 2) / total as i128) as u32)
    }

    /// The quality share (organic included), in tenths of a percent.
    pub fn quality_permille(&self) -> Option<u32> {
        Self::share(self.quality_cents, self.total_cents)
    }

    pub fn organic_permille(&self) -> Option<u32> {
        Self::share(self.organic_cents, self.total_cents)
    }

    /// Whether both targets are met.
    pub fn meets_targets(&self) -> bool {
        self.quality_permille()
            .is_some_and(|q| q >= TARGET_QUALITY_PERCENT * 10)
            && self
                .organic_permille()
                .is_some_and(|o| o >= TARGET_ORGANIC_PERCENT * 10)
    }
}

/// How an award's EGalim category is stored: none, quality, organic.
pub fn egalim_code(e: Egalim) -> &'static str {
    match e {
        Egalim::None => "none",
        Egalim::Quality => "quality",
        Egalim::Organic => "organic",
    }
}

/// An award's EGalim category as stored; anything else counts for nothing.
pub fn egalim_from_code(code: &str) -> Egalim {
    match code {
        "organic" => Egalim::Organic,
        "quality" => Egalim::Quality,
        _ => Egalim::None,
    }
}

/// "52,3 %" from tenths of a percent.
pub fn permille_text(p: u32) -> String {
    format!("{},{} %", p / 10, p % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn clock(at: &str) -> Clock {
        let now = chrono::DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&Utc);
        Clock {
            now,
            today: now.with_timezone(&chrono_tz::Europe::Paris).date_naive(),
        }
    }

    fn carrots() -> QuoteForm {
        QuoteForm {
            title: "Carottes pour le collège".into(),
            details: String::new(),
            commune: "Vaulx-en-Velin".into(),
            from: "2027-03-22".into(),
            to: "2027-03-26".into(),
            deadline_day: "2027-03-15".into(),
            deadline_time: "12:00".into(),
            quality: "prefer_organic".into(),
            lines: [(
                "0".to_string(),
                LineForm {
                    product: "Carottes (03221112)".into(),
                    quantity: "200".into(),
                    unit: "kg".into(),
                },
            )]
            .into(),
        }
    }

    fn fields(r: Result<QuoteInput, AppError>) -> Vec<String> {
        match r {
            Err(AppError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_consultation_reads_whole() {
        let q = carrots().check(&clock("2027-03-01T09:00:00Z")).unwrap();
        assert_eq!(q.lines.len(), 1);
        assert_eq!(q.lines[0].quantity_milli, 200_000);
        assert_eq!(q.lines[0].unit, Unit::Kg);
        // The code chosen among the suggestions is read from the words.
        assert_eq!(q.lines[0].cpv, "03221112");
        assert_eq!(q.quality, Quality::PreferOrganic);
        // 12:00 in Paris in March (winter time) is 11:00 UTC.
        assert_eq!(
            q.deadline,
            Utc.with_ymd_and_hms(2027, 3, 15, 11, 0, 0).unwrap()
        );
        let place = Place {
            insee: "69256".into(),
            position: None,
        };
        let needs = q.needs(&place);
        assert_eq!(needs.len(), 1);
        assert!(
            needs[0].required_signs.is_empty(),
            "organic preferred, not required"
        );
    }

    #[test]
    fn deadlines_are_read_in_paris_time_across_the_clock_change() {
        // The clocks go forward on Sunday 28 March 2027: 12:00 the day before is 11:00 UTC,
        // 12:00 the day after is 10:00 UTC.
        let mut f = carrots();
        f.from = "2027-04-05".into();
        f.to = "2027-04-09".into();
        f.deadline_day = "2027-03-27".into();
        let before = f.check(&clock("2027-03-01T09:00:00Z")).unwrap().deadline;
        f.deadline_day = "2027-03-29".into();
        let after = f.check(&clock("2027-03-01T09:00:00Z")).unwrap().deadline;
        assert_eq!(before, Utc.with_ymd_and_hms(2027, 3, 27, 11, 0, 0).unwrap());
        assert_eq!(after, Utc.with_ymd_and_hms(2027, 3, 29, 10, 0, 0).unwrap());
        // 2:30 on the night of the change does not exist.
        f.deadline_day = "2027-03-28".into();
        f.deadline_time = "02:30".into();
        assert_eq!(
            fields(f.check(&clock("2027-03-01T09:00:00Z"))),
            ["deadline_day"]
        );
    }

    #[test]
    fn bad_consultations_are_explained_per_field() {
        let at = clock("2027-03-01T09:00:00Z");
        // A deadline already passed; a window upside down.
        let mut f = carrots();
        f.deadline_day = "2027-02-28".into();
        f.to = "2027-03-20".into();
        assert_eq!(fields(f.check(&at)), ["to", "deadline_day"]);
        // A deadline after the first delivery day.
        let mut f = carrots();
        f.deadline_day = "2027-03-23".into();
        assert_eq!(fields(f.check(&at)), ["deadline_day"]);
        // No product; a quantity without its product; an unknown unit; a quantity of nothing.
        let mut f = carrots();
        f.lines.clear();
        assert_eq!(fields(f.check(&at)), ["lines"]);
        let mut f = carrots();
        f.lines.insert(
            "1".into(),
            LineForm {
                product: " ".into(),
                quantity: "0".into(),
                unit: "tonne".into(),
            },
        );
        assert_eq!(
            fields(f.check(&at)),
            ["lines.1.product", "lines.1.quantity", "lines.1.unit"]
        );
        // Words without a code are the server's to read ("pommes" is no error here).
        let mut f = carrots();
        f.lines.get_mut("0").unwrap().product = "pommes".into();
        let q = f.check(&at).unwrap();
        assert_eq!(
            (q.lines[0].product.as_str(), q.lines[0].cpv.as_str()),
            ("pommes", "")
        );
        // Empty rows are ignored; more than five products are refused.
        let mut f = carrots();
        f.lines.insert("3".into(), LineForm::default());
        assert!(f.check(&at).is_ok());
        for k in 1..=5 {
            f.lines.insert(k.to_string(), f.lines["0"].clone());
        }
        assert_eq!(fields(f.check(&at)), ["lines"]);
        // A window in the past, an unknown quality.
        let mut f = carrots();
        f.from = "2027-02-01".into();
        f.quality = "extra".into();
        assert_eq!(fields(f.check(&at)), ["from", "quality"]);
    }

    #[test]
    fn required_quality_becomes_required_signs() {
        assert!(Quality::Any.required_signs().is_empty());
        let organic = Quality::Organic.required_signs();
        assert_eq!(organic, ["ab", "ab_conversion"]);
        let egalim = Quality::Egalim.required_signs();
        assert!(egalim.contains(&"label_rouge".to_string()) && egalim.contains(&"ab".to_string()));
    }

    #[test]
    fn answers_are_taken_until_the_deadline_only() {
        let deadline = Utc.with_ymd_and_hms(2027, 3, 15, 11, 0, 0).unwrap();
        let before = deadline - chrono::Duration::seconds(1);
        assert_eq!(answers_taken(Stage::Open, deadline, before), Ok(()));
        assert_eq!(
            answers_taken(Stage::Open, deadline, deadline),
            Err("quotes.too_late")
        );
        assert_eq!(
            answers_taken(Stage::Closed, deadline, before),
            Err("quotes.closed")
        );
        assert_eq!(Stage::Open.at(deadline, deadline), Stage::Closed);
        assert_eq!(Stage::Awarded.at(deadline, before), Stage::Awarded);
    }

    #[test]
    fn an_answer_gives_a_price_and_at_most_the_quantity_asked() {
        let form = AnswerForm {
            price: "1,20".into(),
            quantity: "200".into(),
            signs: [("ab".to_string(), "on".to_string())].into(),
            comment: "Carottes des sables, lavées.".into(),
        };
        let a = form.check(200_000).unwrap();
        assert_eq!((a.unit_price_cents, a.quantity_milli), (120, 200_000));
        assert_eq!(amount_cents(a.unit_price_cents, a.quantity_milli), 24_000);
        let too_much = AnswerForm {
            quantity: "250".into(),
            ..form.clone()
        };
        assert!(too_much.check(200_000).is_err());
        assert!(too_much.check(300_000).is_ok());
        let no_price = AnswerForm {
            price: String::new(),
            ..form.clone()
        };
        assert!(no_price.check(200_000).is_err());
        let odd_sign = AnswerForm {
            signs: [("bio_maison".to_string(), "on".to_string())].into(),
            ..form.clone()
        };
        assert!(odd_sign.check(200_000).is_err());
        // A sheet: a product left blank is not answered; nothing at all is refused; declining
        // says no on every product.
        let asked: BTreeMap<i32, i64> = [(7, 200_000), (8, 50_000)].into();
        let mut sheet = AnswerSheet {
            lines: [
                ("7".to_string(), form.clone()),
                ("8".to_string(), AnswerForm::default()),
            ]
            .into(),
            decline: String::new(),
            grouping: String::new(),
        };
        assert_eq!(sheet.grouping_id().unwrap(), None);
        let replies = sheet.check(&asked).unwrap();
        assert_eq!(replies.keys().copied().collect::<Vec<_>>(), [7]);
        assert_eq!(replies[&7].as_ref().map(|a| a.unit_price_cents), Some(120));
        sheet.lines.insert("8".into(), too_much.clone());
        match sheet.check(&asked) {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].field, "lines.8.quantity"),
            other => panic!("{other:?}"),
        }
        sheet.lines.clear();
        assert!(sheet.check(&asked).is_err());
        sheet.lines.insert("99".into(), form.clone());
        assert!(
            sheet.check(&asked).is_err(),
            "a product of another consultation"
        );
        sheet.decline = "on".into();
        assert_eq!(sheet.check(&asked).unwrap(), [(7, None), (8, None)].into());
        // 0,333 kg at 1,25 €: 0,41625 € → 42 cents.
        assert_eq!(amount_cents(125, 333), 42);
    }

    #[test]
    fn an_award_may_be_split_across_suppliers_within_what_was_asked() {
        let offered = [
            Offered {
                answer_id: 1,
                line_id: 10,
                quantity_milli: 150_000,
            },
            Offered {
                answer_id: 2,
                line_id: 10,
                quantity_milli: 200_000,
            },
        ];
        let asked: BTreeMap<i32, i64> = [(10, 200_000)].into();
        let pick = |a: &str, b: &str| -> BTreeMap<String, String> {
            [
                ("1".to_string(), a.to_string()),
                ("2".to_string(), b.to_string()),
            ]
            .into()
        };
        // 120 kg from the first, 80 from the second: the 200 asked.
        let award = check_award(&pick("120", "80"), &offered, &asked).unwrap();
        assert_eq!(award, [(1, 120_000), (2, 80_000)].into());
        // More than asked in all; more than one supplier offered; nothing at all.
        assert!(check_award(&pick("150", "100"), &offered, &asked).is_err());
        assert!(check_award(&pick("160", ""), &offered, &asked).is_err());
        assert!(check_award(&pick("", ""), &offered, &asked).is_err());
        // An answer of another consultation.
        let other: BTreeMap<String, String> = [("9".to_string(), "10".to_string())].into();
        assert!(check_award(&other, &offered, &asked).is_err());
    }

    #[test]
    fn egalim_shares_against_the_targets() {
        let mut p = Purchases::default();
        assert_eq!(p.quality_permille(), None);
        p.add(24_000, Egalim::Organic);
        p.add(16_000, Egalim::Quality);
        p.add(40_000, Egalim::None);
        assert_eq!(p.quality_permille(), Some(500));
        assert_eq!(p.organic_permille(), Some(300));
        assert!(p.meets_targets());
        p.add(10_000, Egalim::None);
        assert_eq!(permille_text(p.quality_permille().unwrap()), "44,4 %");
        assert!(!p.meets_targets());
    }
}
