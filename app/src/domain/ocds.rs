//! Past contracts as OCDS 1.1 releases, following the DECP→OCDS mapping of the State's DECP
//! consolidation (139bercy/decp-rama, scripts/jq/ocds): ocid = `ocds-78apv2-` + uid; the
//! contract as awarded is release `-00` (tags award and contract); parties identified by
//! `FR-RCS-<SIRET>-buyer|supplier`; one award and one contract with one item (the CPV);
//! durations in days at 30.5 days a month.
//!
//! Where the reference stops (its modifications are "not implemented yet"), each modification
//! becomes a further release `-NN` (tag contractAmendment) carrying the contract's new value,
//! duration and suppliers and one amendment, as its README describes.

use crate::domain::decp::record::{Awardee, Modification};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// The ocid prefix given to the French DECP by the Open Contracting Partnership.
pub const OCID_PREFIX: &str = "ocds-78apv2";

/// What a release is made of: one contract as stored, its awardees and its modifications.
#[derive(Clone, Debug, PartialEq)]
pub struct ContractFacts {
    pub uid: String,
    pub buyer_siret: String,
    pub buyer_name: Option<String>,
    pub object: Option<String>,
    /// With its check digit: `38950000-9`.
    pub cpv: Option<String>,
    /// As awarded (before modifications).
    pub amount_cents: Option<i64>,
    pub duration_months: Option<i32>,
    pub notified_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    /// When nothing else dates the release (the day it was last imported).
    pub known_on: NaiveDate,
    /// The awardees as awarded, in their published order.
    pub awardees: Vec<Awardee>,
    /// In order.
    pub modifications: Vec<Modification>,
}

/// Information about the publication, at the top of a release package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageMeta {
    /// The URL the package was downloaded from.
    pub uri: String,
    /// RFC 3339.
    pub published_date: String,
    pub publisher_name: String,
    /// The OCDS extensions its releases use (their `extension.json` addresses).
    pub extensions: &'static [&'static str],
}

pub fn ocid(uid: &str) -> String {
    format!("{OCID_PREFIX}-{uid}")
}

/// 30.5 days a month, rounded down, as the reference mapping does (39 months → 1189 days).
pub fn duration_days(months: i32) -> i64 {
    (i64::from(months) * 61) / 2
}

fn day(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// Euros as a JSON number: whole euros as an integer, else with cents.
fn euros(cents: i64) -> Value {
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        json!(cents as f64 / 100.0)
    }
}

fn scheme(id_type: &str) -> String {
    match id_type {
        "SIRET" | "" => "FR-RCS".to_string(),
        other => other.to_string(),
    }
}

fn party_id(id_type: &str, id: &str, role: &str) -> String {
    format!("{}-{id}-{role}", scheme(id_type))
}

pub(crate) fn party(name: Option<&str>, id_type: &str, id: &str, role: &str) -> Value {
    let mut identifier = Map::new();
    identifier.insert("scheme".into(), json!(scheme(id_type)));
    identifier.insert("id".into(), json!(id));
    let mut p = Map::new();
    if let Some(n) = name {
        p.insert("name".into(), json!(n));
        identifier.insert("legalName".into(), json!(n));
    }
    p.insert("id".into(), json!(party_id(id_type, id, role)));
    p.insert("roles".into(), json!([role]));
    p.insert("identifier".into(), Value::Object(identifier));
    Value::Object(p)
}

pub(crate) fn reference(name: Option<&str>, id: String) -> Value {
    match name {
        Some(n) => json!({ "name": n, "id": id }),
        None => json!({ "id": id }),
    }
}

/// The suppliers once each (a record may list the same awardee twice).
fn distinct(awardees: &[Awardee]) -> Vec<&Awardee> {
    let mut out: Vec<&Awardee> = Vec::new();
    for a in awardees {
        if !out.iter().any(|b| b.id == a.id && b.id_type == a.id_type) {
            out.push(a);
        }
    }
    out
}

fn parties(c: &ContractFacts, suppliers: &[&Awardee]) -> Value {
    let mut list = vec![party(
        c.buyer_name.as_deref(),
        "SIRET",
        &c.buyer_siret,
        "buyer",
    )];
    list.extend(
        suppliers
            .iter()
            .map(|a| party(a.name.as_deref(), &a.id_type, &a.id, "supplier")),
    );
    Value::Array(list)
}

fn supplier_refs(suppliers: &[&Awardee]) -> Value {
    Value::Array(
        suppliers
            .iter()
            .map(|a| reference(a.name.as_deref(), party_id(&a.id_type, &a.id, "supplier")))
            .collect(),
    )
}

fn value(cents: i64) -> Value {
    json!({ "amount": euros(cents), "currency": "EUR" })
}

/// The releases of one contract: as awarded, then one per modification.
pub fn releases(c: &ContractFacts) -> Vec<Value> {
    let ocid = ocid(&c.uid);
    let award_id = format!("{ocid}-award-1");
    let contract_id = format!("{ocid}-contract-1");
    let buyer = reference(
        c.buyer_name.as_deref(),
        party_id("SIRET", &c.buyer_siret, "buyer"),
    );
    let description = c.object.as_deref();
    let items = c.cpv.as_ref().map(|cpv| {
        let mut item = Map::new();
        item.insert("id".into(), json!(format!("{ocid}-item-1")));
        if let Some(d) = description {
            item.insert("description".into(), json!(d));
        }
        item.insert(
            "classification".into(),
            json!({ "scheme": "CPV", "id": cpv }),
        );
        json!([Value::Object(item)])
    });
    let suppliers = distinct(&c.awardees);

    let mut award = Map::new();
    award.insert("id".into(), json!(award_id));
    if let Some(d) = description {
        award.insert("description".into(), json!(d));
    }
    award.insert("status".into(), json!("active"));
    if let Some(d) = c.notified_on {
        award.insert("date".into(), json!(day(d)));
    }
    if let Some(a) = c.amount_cents {
        award.insert("value".into(), value(a));
    }
    award.insert("suppliers".into(), supplier_refs(&suppliers));
    if let Some(items) = &items {
        award.insert("items".into(), items.clone());
    }
    if let Some(m) = c.duration_months {
        award.insert(
            "contractPeriod".into(),
            json!({ "durationInDays": duration_days(m) }),
        );
    }

    let mut contract = Map::new();
    contract.insert("id".into(), json!(contract_id));
    contract.insert("awardID".into(), json!(award_id));
    if let Some(a) = c.amount_cents {
        contract.insert("value".into(), value(a));
    }
    if let Some(d) = description {
        contract.insert("description".into(), json!(d));
    }
    if let Some(m) = c.duration_months {
        contract.insert(
            "period".into(),
            json!({ "durationInDays": duration_days(m) }),
        );
    }
    contract.insert("status".into(), json!("pending"));
    if let Some(items) = &items {
        contract.insert("items".into(), items.clone());
    }

    let date = c.published_on.or(c.notified_on).unwrap_or(c.known_on);
    let mut out = vec![json!({
        "ocid": ocid,
        "id": format!("{ocid}-00"),
        "decpUID": c.uid,
        "date": day(date),
        "language": "fr",
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "parties": parties(c, &suppliers),
        "buyer": buyer,
        "awards": [Value::Object(award)],
        "contracts": [Value::Object(contract)],
    })];

    // Each modification: the contract as it stands after it.
    let mut amount = c.amount_cents;
    let mut months = c.duration_months;
    let mut current: Vec<Awardee> = c.awardees.clone();
    for (i, m) in c.modifications.iter().enumerate() {
        let n = i + 1;
        amount = m.amount_cents.or(amount);
        months = m.duration_months.or(months);
        if !m.awardees.is_empty() {
            current = m.awardees.clone();
        }
        let suppliers = distinct(&current);
        let mut amendment = Map::new();
        amendment.insert("id".into(), json!(format!("{ocid}-amendment-{n}")));
        if let Some(d) = m.signed_on.or(m.published_on) {
            amendment.insert("date".into(), json!(day(d)));
        }
        if let Some(o) = &m.object {
            amendment.insert("description".into(), json!(o));
        }
        let mut contract = Map::new();
        contract.insert("id".into(), json!(contract_id));
        contract.insert("awardID".into(), json!(award_id));
        if let Some(a) = amount {
            contract.insert("value".into(), value(a));
        }
        if let Some(m) = months {
            contract.insert(
                "period".into(),
                json!({ "durationInDays": duration_days(m) }),
            );
        }
        contract.insert("status".into(), json!("active"));
        contract.insert("amendments".into(), json!([Value::Object(amendment)]));
        let mut release = json!({
            "ocid": ocid,
            "id": format!("{ocid}-{n:02}"),
            "decpUID": c.uid,
            "date": day(m.published_on.or(m.signed_on).unwrap_or(date)),
            "language": "fr",
            "tag": ["contractAmendment"],
            "initiationType": "tender",
            "parties": parties(c, &suppliers),
            "buyer": buyer,
            "contracts": [Value::Object(contract)],
        });
        if !m.awardees.is_empty() {
            release["awards"] = json!([{
                "id": award_id,
                "suppliers": supplier_refs(&suppliers),
            }]);
        }
        out.push(release);
    }
    out
}

/// The package's head: everything before the releases, whose array is left open so that the
/// releases can be streamed after it (`,`-separated) and closed with `]}`.
pub fn package_head(meta: &PackageMeta) -> String {
    let mut head = json!({
        "version": "1.1",
        "uri": meta.uri,
        "publishedDate": meta.published_date,
        "publisher": { "name": meta.publisher_name },
        "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "publicationPolicy": "https://www.data.gouv.fr/fr/datasets/5cd57bf68b4c4179299eb0e9/",
    });
    if !meta.extensions.is_empty() {
        head["extensions"] = json!(meta.extensions);
    }
    let text = head.to_string();
    // `{...}` → `{...,"releases":[`
    format!("{},\"releases\":[", &text[..text.len() - 1])
}

pub const PACKAGE_TAIL: &str = "]}";

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ContractFacts {
        ContractFacts {
            uid: "200013183000212018MAPA20180501".into(),
            buyer_siret: "20001318300021".into(),
            buyer_name: Some("LASAT".into()),
            object: Some("FOURNITURE D'UN AUTOMATE DE SET UP PCR".into()),
            cpv: Some("38950000-9".into()),
            amount_cents: Some(8_000_000),
            duration_months: Some(39),
            notified_on: NaiveDate::from_ymd_opt(2018, 12, 3),
            published_on: NaiveDate::from_ymd_opt(2019, 4, 25),
            known_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            awardees: vec![Awardee {
                id_type: "SIRET".into(),
                id: "38024392300089".into(),
                name: Some("TECAN FRANCE SASU".into()),
                department: None,
            }],
            modifications: vec![],
        }
    }

    #[test]
    fn durations_follow_the_reference() {
        assert_eq!(duration_days(39), 1189);
        assert_eq!(duration_days(12), 366);
        assert_eq!(duration_days(0), 0);
    }

    #[test]
    fn a_contract_is_one_release_with_one_award_and_one_contract() {
        let r = releases(&facts());
        assert_eq!(r.len(), 1);
        let r = &r[0];
        assert_eq!(r["ocid"], "ocds-78apv2-200013183000212018MAPA20180501");
        assert_eq!(r["id"], "ocds-78apv2-200013183000212018MAPA20180501-00");
        assert_eq!(r["awards"][0]["value"]["amount"], 80000);
        assert_eq!(r["contracts"][0]["period"]["durationInDays"], 1189);
        assert_eq!(r["parties"][1]["id"], "FR-RCS-38024392300089-supplier");
        assert_eq!(r["date"], "2019-04-25T00:00:00Z");
    }

    #[test]
    fn each_modification_is_a_further_release() {
        let mut c = facts();
        c.amount_cents = Some(1_050);
        c.modifications = vec![Modification {
            index: 1,
            object: Some("Avenant 1".into()),
            signed_on: NaiveDate::from_ymd_opt(2019, 5, 19),
            published_on: NaiveDate::from_ymd_opt(2019, 5, 21),
            duration_months: None,
            amount_cents: Some(10_000_000),
            awardees: vec![],
        }];
        let r = releases(&c);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0]["awards"][0]["value"]["amount"], 10.5);
        assert_eq!(r[1]["id"], "ocds-78apv2-200013183000212018MAPA20180501-01");
        assert_eq!(r[1]["tag"][0], "contractAmendment");
        assert_eq!(r[1]["contracts"][0]["value"]["amount"], 100000);
        // The duration did not change: the one as awarded stands.
        assert_eq!(r[1]["contracts"][0]["period"]["durationInDays"], 1189);
        assert_eq!(
            r[1]["contracts"][0]["amendments"][0]["date"],
            "2019-05-19T00:00:00Z"
        );
    }

    #[test]
    fn the_package_head_is_left_open_for_the_releases() {
        let head = package_head(&PackageMeta {
            uri: "https://x/marches/export.ocds.json".into(),
            published_date: "2026-11-26T00:00:00Z".into(),
            publisher_name: "Passerelle".into(),
            extensions: &[],
        });
        let whole = format!("{head}{}{PACKAGE_TAIL}", releases(&facts())[0]);
        let v: Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(v["version"], "1.1");
        assert_eq!(v["releases"].as_array().unwrap().len(), 1);
    }
}
