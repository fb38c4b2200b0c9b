//! Planned procurements as OCDS 1.1 releases of the planning stage.
//!
//! One release per procurement, as it stands: tag `planning` while it is planned or in
//! sourcing, `tender` once the tender is published (linked to the buyer's profile),
//! `tenderCancellation` when cancelled, `tender` with status `complete` once awarded. The
//! estimate is `tender.minValue`/`tender.value` (excluding VAT), the expected publication a
//! `preProcurement` milestone due at the end of its period (a quarter, a month or a day, as the
//! buyer knows it), each lot an item with its CPV codes (the core schema has no lots; the lots
//! extension is not used, so any OCDS tool reads the package).
//!
//! The ocid prefix: the platform's own publications have no prefix registered with the Open
//! Contracting Partnership yet; `ocds-passerelle` stands for it until one is (docs/analytics.md).

use super::insertion::{InsertionKind, InsertionView};
use super::ocds::{party, reference};
use super::programming::{PlanStatus, Planned, Precision, Procedure};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::{json, Map, Value};

pub const PLAN_OCID_PREFIX: &str = "ocds-passerelle-programmation";

/// A lot, as the release lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct LotFacts {
    pub number: i32,
    pub title: String,
    /// 8 digits.
    pub cpv: Vec<String>,
    /// Its own insertion lever.
    pub insertion: Option<InsertionView>,
}

/// The OCDS extensions the planning releases use (declared in the package).
pub const EXTENSIONS: [&str; 2] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_contractTerms_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_otherRequirements_extension/master/extension.json",
];

/// A member of the procurement's groupement de commandes (not its coordinator).
#[derive(Clone, Debug, PartialEq)]
pub struct CoBuyerFacts {
    pub siret: String,
    pub name: String,
    /// Its parts added, euros excluding VAT.
    pub amount: i64,
    /// The numbers of the lots it takes part in (empty: the whole procurement).
    pub lots: Vec<i32>,
}

/// What a planning release is made of.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanFacts {
    pub id: i32,
    pub buyer_siret: String,
    pub buyer_name: String,
    pub title: String,
    pub description: String,
    pub procedure: Procedure,
    pub status: PlanStatus,
    /// Euros excluding VAT.
    pub estimate_min: Option<i64>,
    pub estimate_max: Option<i64>,
    pub publication: Planned,
    pub start: Option<Planned>,
    pub duration_months: Option<i32>,
    /// The procurement's own CPV codes (8 digits).
    pub cpv: Vec<String>,
    pub lots: Vec<LotFacts>,
    pub tender_url: Option<String>,
    /// Its page on the site.
    pub url: String,
    pub updated_at: DateTime<Utc>,
    /// The accepted members of its groupement de commandes: each a buyer of the release, the
    /// coordinator its procuring entity.
    pub co_buyers: Vec<CoBuyerFacts>,
    /// The whole procurement's insertion lever.
    pub insertion: Option<InsertionView>,
    /// Reserved to inclusive structures (SIAE, or ESAT/EA).
    pub reserved: bool,
}

/// The insertion levers in the words of a notice: the clauses' hours
/// (`contractTerms.performanceTerms`) and the criteria's weights (`awardCriteriaDetails`), each
/// with its lot.
fn insertion_terms(p: &PlanFacts) -> (Vec<String>, Vec<String>) {
    let levers = p.insertion.iter().map(|v| (None, v)).chain(
        p.lots
            .iter()
            .filter_map(|l| l.insertion.as_ref().map(|v| (Some(l.number), v))),
    );
    let (mut clauses, mut criteria) = (vec![], vec![]);
    for (lot, v) in levers {
        let of_lot = lot.map(|n| format!(" (lot {n})")).unwrap_or_default();
        if matches!(v.kind, InsertionKind::Clause | InsertionKind::Both) {
            clauses.push(match v.hours {
                Some(h) => format!(
                    "Clause sociale d'insertion{of_lot} : {h} heures de travail réservées à des personnes éloignées de l'emploi."
                ),
                None => format!("Clause sociale d'insertion{of_lot}."),
            });
        }
        if v.kind.weighted() {
            criteria.push(match v.weight {
                Some(w) => {
                    format!("Critère d'insertion professionnelle{of_lot} : {w} % de la note.")
                }
                None => format!("Critère d'insertion professionnelle{of_lot}."),
            });
        }
    }
    (clauses, criteria)
}

pub fn plan_ocid(id: i32) -> String {
    format!("{PLAN_OCID_PREFIX}-{id}")
}

/// The last day of the period a planned date stands for.
pub fn period_end(p: Planned) -> NaiveDate {
    let months = match p.precision {
        Precision::Day => return p.date,
        Precision::Month => 1,
        Precision::Quarter => 3,
    };
    let first = p.date.with_day(1).unwrap_or(p.date);
    first
        .checked_add_months(chrono::Months::new(months))
        .and_then(|next| next.pred_opt())
        .unwrap_or(p.date)
}

fn instant(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// OCDS's closed `method` codelist: an open procedure is open; one with a selection of
/// candidates (restricted, negotiated after a notice, competitive dialogue) is selective; an
/// adapted procedure's method is the buyer's choice, not known yet.
fn method(p: Procedure) -> Option<&'static str> {
    match p {
        Procedure::Open => Some("open"),
        Procedure::Restricted | Procedure::Negotiated | Procedure::CompetitiveDialogue => {
            Some("selective")
        }
        Procedure::Adapted | Procedure::Undecided => None,
    }
}

fn method_details(p: Procedure) -> Option<&'static str> {
    match p {
        Procedure::Adapted => Some("Procédure adaptée"),
        Procedure::Open => Some("Appel d'offres ouvert"),
        Procedure::Restricted => Some("Appel d'offres restreint"),
        Procedure::Negotiated => Some("Procédure avec négociation"),
        Procedure::CompetitiveDialogue => Some("Dialogue compétitif"),
        Procedure::Undecided => None,
    }
}

/// Works for CPV division 45, goods below it (and 48, software packages), services above.
fn category(cpv: &str) -> Option<&'static str> {
    let division: u32 = cpv.get(0..2)?.parse().ok()?;
    Some(match division {
        45 => "works",
        48 => "goods",
        d if d < 45 => "goods",
        _ => "services",
    })
}

fn tender_status(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draft | PlanStatus::Planned => "planned",
        PlanStatus::Sourcing => "planning",
        PlanStatus::Published => "active",
        PlanStatus::Awarded => "complete",
        PlanStatus::Cancelled => "cancelled",
    }
}

fn tag(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draft | PlanStatus::Planned | PlanStatus::Sourcing => "planning",
        PlanStatus::Published | PlanStatus::Awarded => "tender",
        PlanStatus::Cancelled => "tenderCancellation",
    }
}

fn value(euros: i64) -> Value {
    json!({ "amount": euros, "currency": "EUR" })
}

/// The buyer alone; in a groupement de commandes, the coordinator as buyer and procuring entity
/// and each member as a buyer, with its share in `details` (the party's free object: OCDS 1.1
/// has one `buyer` and no field for a joint procurement's shares).
fn parties(p: &PlanFacts) -> Value {
    let mut coordinator = party(Some(&p.buyer_name), "SIRET", &p.buyer_siret, "buyer");
    if p.co_buyers.is_empty() {
        return json!([coordinator]);
    }
    coordinator["roles"] = json!(["buyer", "procuringEntity"]);
    let mut own = Map::new();
    own.insert("role".into(), json!("coordinator"));
    if let Some(v) = p.estimate_max.or(p.estimate_min) {
        own.insert("estimatedShare".into(), value(v));
    }
    coordinator["details"] = json!({ "jointProcurement": Value::Object(own) });
    let mut list = vec![coordinator];
    for m in &p.co_buyers {
        let mut member = party(Some(&m.name), "SIRET", &m.siret, "buyer");
        member["details"] = json!({ "jointProcurement": {
            "role": "member",
            "estimatedShare": value(m.amount),
            "lots": m.lots.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        }});
        list.push(member);
    }
    Value::Array(list)
}

/// The release of one planned procurement.
pub fn plan_release(p: &PlanFacts) -> Value {
    let ocid = plan_ocid(p.id);
    let buyer_id = format!("FR-RCS-{}-buyer", p.buyer_siret);
    let mut items = Vec::new();
    let mut item = |description: String, cpv: &str| {
        let n = items.len() + 1;
        items.push(json!({
            "id": format!("{ocid}-item-{n}"),
            "description": description,
            "classification": { "scheme": "CPV", "id": cpv },
        }));
    };
    for code in &p.cpv {
        item(p.title.clone(), code);
    }
    for lot in &p.lots {
        for code in &lot.cpv {
            item(format!("Lot {} : {}", lot.number, lot.title), code);
        }
    }
    let first_cpv = p
        .cpv
        .iter()
        .chain(p.lots.iter().flat_map(|l| &l.cpv))
        .next();

    let mut tender = Map::new();
    tender.insert("id".into(), json!(format!("{ocid}-tender")));
    tender.insert("title".into(), json!(p.title));
    if !p.description.trim().is_empty() {
        tender.insert("description".into(), json!(p.description));
    }
    tender.insert("status".into(), json!(tender_status(p.status)));
    tender.insert(
        "procuringEntity".into(),
        reference(Some(&p.buyer_name), buyer_id.clone()),
    );
    if let Some(m) = method(p.procedure) {
        tender.insert("procurementMethod".into(), json!(m));
    }
    if let Some(d) = method_details(p.procedure) {
        tender.insert("procurementMethodDetails".into(), json!(d));
    }
    if let Some(c) = first_cpv.and_then(|c| category(c)) {
        tender.insert("mainProcurementCategory".into(), json!(c));
    }
    if !items.is_empty() {
        tender.insert("items".into(), Value::Array(items));
    }
    match (p.estimate_min, p.estimate_max) {
        (Some(min), Some(max)) => {
            tender.insert("minValue".into(), value(min));
            tender.insert("value".into(), value(max));
        }
        (Some(v), None) | (None, Some(v)) => {
            tender.insert("value".into(), value(v));
        }
        (None, None) => {}
    }
    let mut contract_period = Map::new();
    if let Some(s) = p.start {
        contract_period.insert("startDate".into(), json!(instant(s.date)));
    }
    if let Some(m) = p.duration_months {
        contract_period.insert(
            "durationInDays".into(),
            json!(super::ocds::duration_days(m)),
        );
    }
    if !contract_period.is_empty() {
        tender.insert("contractPeriod".into(), Value::Object(contract_period));
    }
    let (clauses, criteria) = insertion_terms(p);
    if !clauses.is_empty() {
        tender.insert(
            "contractTerms".into(),
            json!({ "performanceTerms": clauses.join(" ") }),
        );
    }
    if !criteria.is_empty() {
        tender.insert("awardCriteriaDetails".into(), json!(criteria.join(" ")));
    }
    if p.reserved {
        // Directive 2014/24/EU art. 20: sheltered workshops and operators integrating disabled
        // or disadvantaged persons — ESAT/EA and SIAE alike (eForms `res-ws`).
        tender.insert(
            "otherRequirements".into(),
            json!({ "reservedParticipation": ["shelteredWorkshop"] }),
        );
    }
    let mut documents = vec![json!({
        "id": format!("{ocid}-page"),
        "documentType": "plannedProcurementNotice",
        "title": "Fiche de l'achat prévu sur Passerelle",
        "url": p.url,
        "language": "fr",
    })];
    if let Some(url) = &p.tender_url {
        documents.push(json!({
            "id": format!("{ocid}-notice"),
            "documentType": "tenderNotice",
            "title": "Avis de marché sur le profil d'acheteur",
            "url": url,
        }));
    }
    tender.insert("documents".into(), Value::Array(documents));

    let published = matches!(
        p.status,
        PlanStatus::Published | PlanStatus::Awarded | PlanStatus::Cancelled
    );
    let milestone = json!({
        "id": format!("{ocid}-publication"),
        "title": "Publication de l'avis de marché",
        "type": "preProcurement",
        "dueDate": instant(period_end(p.publication)),
        "status": if published { "met" } else { "scheduled" },
    });

    json!({
        "ocid": ocid,
        "id": format!("{ocid}-{}", p.updated_at.format("%Y%m%dT%H%M%SZ")),
        "date": p.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "language": "fr",
        "tag": [tag(p.status)],
        "initiationType": "tender",
        "parties": parties(p),
        "buyer": reference(Some(&p.buyer_name), buyer_id),
        "planning": { "milestones": [milestone] },
        "tender": Value::Object(tender),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn facts() -> PlanFacts {
        PlanFacts {
            id: 42,
            buyer_siret: "20004697700019".into(),
            buyer_name: "Métropole de Lyon".into(),
            title: "Réfection des toitures des collèges".into(),
            description: "Trois collèges, en site occupé.".into(),
            procedure: Procedure::Open,
            status: PlanStatus::Planned,
            estimate_min: Some(400_000),
            estimate_max: Some(600_000),
            publication: Planned {
                date: NaiveDate::from_ymd_opt(2027, 4, 1).unwrap(),
                precision: Precision::Quarter,
            },
            start: None,
            duration_months: Some(12),
            cpv: vec!["45261000".into()],
            lots: vec![LotFacts {
                number: 2,
                title: "Zinguerie".into(),
                cpv: vec!["45261310".into()],
                insertion: None,
            }],
            tender_url: None,
            url: "https://passerelle.example/programmation/42".into(),
            updated_at: Utc.with_ymd_and_hms(2026, 11, 30, 9, 5, 0).unwrap(),
            co_buyers: vec![],
            insertion: None,
            reserved: false,
        }
    }

    #[test]
    fn insertion_levers_are_contract_terms_award_criteria_and_reserved_participation() {
        let bare = plan_release(&facts());
        assert!(bare["tender"].get("contractTerms").is_none());
        assert!(bare["tender"].get("otherRequirements").is_none());
        let mut p = facts();
        p.insertion = Some(InsertionView {
            kind: InsertionKind::Clause,
            hours: Some(1000),
            weight: None,
            own: false,
        });
        p.lots[0].insertion = Some(InsertionView {
            kind: InsertionKind::Both,
            hours: Some(120),
            weight: Some(10),
            own: true,
        });
        p.reserved = true;
        let r = plan_release(&p);
        assert_eq!(
            r["tender"]["contractTerms"]["performanceTerms"],
            "Clause sociale d'insertion : 1000 heures de travail réservées à des personnes \
             éloignées de l'emploi. Clause sociale d'insertion (lot 2) : 120 heures de travail \
             réservées à des personnes éloignées de l'emploi."
        );
        assert_eq!(
            r["tender"]["awardCriteriaDetails"],
            "Critère d'insertion professionnelle (lot 2) : 10 % de la note."
        );
        assert_eq!(
            r["tender"]["otherRequirements"]["reservedParticipation"],
            json!(["shelteredWorkshop"])
        );
    }

    #[test]
    fn a_period_ends_on_its_last_day() {
        let p = |y, m, d, precision| Planned {
            date: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            precision,
        };
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            period_end(p(2027, 4, 1, Precision::Quarter)),
            d(2027, 6, 30)
        );
        assert_eq!(
            period_end(p(2027, 10, 1, Precision::Quarter)),
            d(2027, 12, 31)
        );
        assert_eq!(period_end(p(2028, 2, 1, Precision::Month)), d(2028, 2, 29));
        assert_eq!(period_end(p(2027, 3, 16, Precision::Day)), d(2027, 3, 16));
    }

    #[test]
    fn a_planned_procurement_is_a_planning_release() {
        let r = plan_release(&facts());
        assert_eq!(r["ocid"], "ocds-passerelle-programmation-42");
        assert_eq!(r["id"], "ocds-passerelle-programmation-42-20261130T090500Z");
        assert_eq!(r["tag"][0], "planning");
        assert_eq!(r["tender"]["status"], "planned");
        assert_eq!(r["tender"]["procurementMethod"], "open");
        assert_eq!(r["tender"]["mainProcurementCategory"], "works");
        assert_eq!(r["tender"]["minValue"]["amount"], 400_000);
        assert_eq!(r["tender"]["value"]["amount"], 600_000);
        assert_eq!(r["tender"]["contractPeriod"]["durationInDays"], 366);
        assert_eq!(r["tender"]["items"][1]["description"], "Lot 2 : Zinguerie");
        assert_eq!(r["tender"]["items"][1]["classification"]["id"], "45261310");
        let m = &r["planning"]["milestones"][0];
        assert_eq!(m["dueDate"], "2027-06-30T00:00:00Z");
        assert_eq!(m["status"], "scheduled");
        assert_eq!(r["parties"][0]["id"], "FR-RCS-20004697700019-buyer");
    }

    #[test]
    fn later_stages_change_the_tag_and_status() {
        let mut f = facts();
        f.status = PlanStatus::Published;
        f.tender_url = Some("https://marches.example/avis/1".into());
        let r = plan_release(&f);
        assert_eq!(r["tag"][0], "tender");
        assert_eq!(r["tender"]["status"], "active");
        assert_eq!(r["planning"]["milestones"][0]["status"], "met");
        assert_eq!(
            r["tender"]["documents"][1]["url"],
            "https://marches.example/avis/1"
        );
        f.status = PlanStatus::Cancelled;
        assert_eq!(plan_release(&f)["tag"][0], "tenderCancellation");
        // An adapted procedure's method is not known yet: left out, not guessed.
        f.procedure = Procedure::Adapted;
        assert!(plan_release(&f)["tender"]
            .get("procurementMethod")
            .is_none());
    }

    #[test]
    fn categories_follow_the_cpv_division() {
        assert_eq!(category("45261000"), Some("works"));
        assert_eq!(category("03221000"), Some("goods"));
        assert_eq!(category("48000000"), Some("goods"));
        assert_eq!(category("90910000"), Some("services"));
        assert_eq!(category("x"), None);
    }
}
