//! Quick consultations as OCDS 1.1 releases: one release a consultation as it stands — tag
//! `tender` while answers are taken or compared, `tender` and `award` once awarded (tender
//! `complete`, one award a supplier with its items, quantities and unit prices), tender
//! `unsuccessful` when given up. Answers never appear (they are private); the awards do, once
//! decided. Products are items with their CPV code, quantity and unit (UN/CEFACT codes).

use super::food::Unit;
use super::ocds::{party, reference};
use super::quotes::{Quality, Stage};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};

pub const QUOTE_OCID_PREFIX: &str = "ocds-passerelle-devis";

pub fn quote_ocid(id: i32) -> String {
    format!("{QUOTE_OCID_PREFIX}-{id}")
}

/// A product asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct LineFacts {
    pub id: i32,
    pub cpv: String,
    pub label: String,
    pub quantity_milli: i64,
    pub unit: Unit,
}

/// A part awarded.
#[derive(Clone, Debug, PartialEq)]
pub struct AwardFacts {
    pub line_id: i32,
    pub supplier_siret: String,
    pub supplier_name: String,
    /// The other producers of the grouping the supplier answered for (SIRET, name), if any:
    /// suppliers of the award too.
    pub partners: Vec<(String, String)>,
    pub quantity_milli: i64,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
}

/// What a consultation's release is made of.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteFacts {
    pub id: i32,
    pub buyer_siret: String,
    pub buyer_name: String,
    pub title: String,
    pub details: Option<String>,
    pub commune: String,
    pub quality: Quality,
    /// As seen now.
    pub stage: Stage,
    pub created_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub decided_at: Option<DateTime<Utc>>,
    pub lines: Vec<LineFacts>,
    pub awards: Vec<AwardFacts>,
    /// Its page on the site.
    pub url: String,
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn day_start(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

fn day_end(d: NaiveDate) -> String {
    format!("{}T23:59:59Z", d.format("%Y-%m-%d"))
}

/// Euros as OCDS amounts: a number, cents as decimals.
fn euros(cents: i64) -> Value {
    json!({ "amount": cents as f64 / 100.0, "currency": "EUR" })
}

/// The unit as UN/CEFACT Recommendation 20 names it (a portion has no code: its name alone).
fn unit(u: Unit, price_cents: Option<i64>) -> Value {
    let mut m = Map::new();
    match u {
        Unit::Kg => {
            m.insert("scheme".into(), json!("UNCEFACT"));
            m.insert("id".into(), json!("KGM"));
            m.insert("name".into(), json!("kilogramme"));
        }
        Unit::Piece => {
            m.insert("scheme".into(), json!("UNCEFACT"));
            m.insert("id".into(), json!("H87"));
            m.insert("name".into(), json!("pièce"));
        }
        Unit::Litre => {
            m.insert("scheme".into(), json!("UNCEFACT"));
            m.insert("id".into(), json!("LTR"));
            m.insert("name".into(), json!("litre"));
        }
        Unit::Portion => {
            m.insert("name".into(), json!("portion"));
        }
    }
    if let Some(p) = price_cents {
        m.insert("value".into(), euros(p));
    }
    Value::Object(m)
}

fn item(ocid: &str, l: &LineFacts, quantity_milli: i64, price: Option<i64>) -> Value {
    json!({
        "id": format!("{ocid}-item-{}", l.id),
        "description": l.label,
        "classification": { "scheme": "CPV", "id": l.cpv },
        "quantity": quantity_milli as f64 / 1000.0,
        "unit": unit(l.unit, price),
    })
}

/// The release of one consultation.
pub fn quote_release(q: &QuoteFacts) -> Value {
    let ocid = quote_ocid(q.id);
    let buyer_id = format!("FR-RCS-{}-buyer", q.buyer_siret);
    let status = match q.stage {
        Stage::Open | Stage::Closed => "active",
        Stage::Awarded => "complete",
        Stage::Unsuccessful => "unsuccessful",
    };
    let mut description = format!("Livraison à {}.", q.commune);
    if let Some(d) = q.details.as_deref().filter(|d| !d.trim().is_empty()) {
        description.push(' ');
        description.push_str(d.trim());
    }
    let items: Vec<Value> = q
        .lines
        .iter()
        .map(|l| item(&ocid, l, l.quantity_milli, None))
        .collect();
    let mut tender = json!({
        "id": format!("{ocid}-tender"),
        "title": q.title,
        "description": description,
        "status": status,
        "procuringEntity": reference(Some(&q.buyer_name), buyer_id.clone()),
        "procurementMethod": "open",
        "procurementMethodDetails": "Demande de devis (achat de faible montant), ouverte à toute entreprise",
        "mainProcurementCategory": "goods",
        "items": items,
        "tenderPeriod": { "startDate": instant(q.created_at), "endDate": instant(q.deadline) },
        "contractPeriod": { "startDate": day_start(q.from), "endDate": day_end(q.to) },
        "documents": [{
            "id": format!("{ocid}-page"),
            "documentType": "tenderNotice",
            "title": "Demande de devis sur Passerelle",
            "url": q.url,
            "language": "fr",
        }],
    });
    if q.quality != Quality::Any {
        tender["awardCriteriaDetails"] = json!(match q.quality {
            Quality::PreferOrganic => "Prix ; produits biologiques préférés",
            Quality::Organic => "Prix ; produits biologiques (ou en conversion) exigés",
            Quality::Egalim => "Prix ; signe de qualité EGalim exigé (code rural, L230-5-1)",
            Quality::Any => "",
        });
    }
    let mut parties = vec![party(Some(&q.buyer_name), "SIRET", &q.buyer_siret, "buyer")];
    let mut awards = Vec::new();
    // One award a supplier, in the order they were first awarded a part.
    let mut suppliers: Vec<&str> = Vec::new();
    for a in &q.awards {
        if !suppliers.contains(&a.supplier_siret.as_str()) {
            suppliers.push(&a.supplier_siret);
        }
    }
    for (n, siret) in suppliers.iter().enumerate() {
        let parts: Vec<&AwardFacts> = q
            .awards
            .iter()
            .filter(|a| a.supplier_siret == *siret)
            .collect();
        let name = parts[0].supplier_name.as_str();
        let mut award_suppliers = vec![reference(Some(name), format!("FR-RCS-{siret}-supplier"))];
        let add_party = |parties: &mut Vec<Value>, name: &str, siret: &str| {
            let p = party(Some(name), "SIRET", siret, "supplier");
            if !parties.iter().any(|q| q["id"] == p["id"]) {
                parties.push(p);
            }
        };
        add_party(&mut parties, name, siret);
        for (partner_siret, partner_name) in &parts[0].partners {
            add_party(&mut parties, partner_name, partner_siret);
            award_suppliers.push(reference(
                Some(partner_name),
                format!("FR-RCS-{partner_siret}-supplier"),
            ));
        }
        let items: Vec<Value> = parts
            .iter()
            .filter_map(|a| {
                let l = q.lines.iter().find(|l| l.id == a.line_id)?;
                Some(item(&ocid, l, a.quantity_milli, Some(a.unit_price_cents)))
            })
            .collect();
        let mut award = json!({
            "id": format!("{ocid}-award-{}", n + 1),
            "status": "active",
            "value": euros(parts.iter().map(|a| a.amount_cents).sum()),
            "suppliers": award_suppliers,
            "items": items,
        });
        if let Some(d) = q.decided_at {
            award["date"] = json!(instant(d));
        }
        awards.push(award);
    }
    let date = q.decided_at.unwrap_or(q.created_at);
    let mut release = json!({
        "ocid": ocid,
        "id": format!("{ocid}-{}", date.format("%Y%m%dT%H%M%SZ")),
        "date": instant(date),
        "language": "fr",
        "tag": if awards.is_empty() { json!(["tender"]) } else { json!(["tender", "award"]) },
        "initiationType": "tender",
        "parties": parties,
        "buyer": reference(Some(&q.buyer_name), buyer_id),
        "tender": tender,
    });
    if !awards.is_empty() {
        release["awards"] = Value::Array(awards);
    }
    release
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_awarded_consultation_has_its_tender_and_one_award_a_supplier() {
        let at = Utc.with_ymd_and_hms(2027, 3, 13, 11, 0, 0).unwrap();
        let q = QuoteFacts {
            id: 7,
            buyer_siret: "21690256900013".into(),
            buyer_name: "Ville de Vaulx-en-Velin".into(),
            title: "Carottes".into(),
            details: None,
            commune: "Vaulx-en-Velin".into(),
            quality: Quality::PreferOrganic,
            stage: Stage::Awarded,
            created_at: at,
            deadline: at,
            from: NaiveDate::from_ymd_opt(2027, 3, 22).unwrap(),
            to: NaiveDate::from_ymd_opt(2027, 3, 26).unwrap(),
            decided_at: Some(at),
            lines: vec![LineFacts {
                id: 1,
                cpv: "03221112".into(),
                label: "Carottes".into(),
                quantity_milli: 200_000,
                unit: Unit::Kg,
            }],
            awards: vec![
                AwardFacts {
                    line_id: 1,
                    supplier_siret: "99900002000011".into(),
                    supplier_name: "Jardins".into(),
                    partners: vec![],
                    quantity_milli: 120_000,
                    unit_price_cents: 120,
                    amount_cents: 14_400,
                },
                AwardFacts {
                    line_id: 1,
                    supplier_siret: "99900003000011".into(),
                    supplier_name: "Ferme".into(),
                    partners: vec![],
                    quantity_milli: 80_000,
                    unit_price_cents: 110,
                    amount_cents: 8_800,
                },
            ],
            url: "https://passerelle.example/demandes-de-devis/7".into(),
        };
        let r = quote_release(&q);
        assert_eq!(r["tag"], json!(["tender", "award"]));
        assert_eq!(r["tender"]["status"], "complete");
        assert_eq!(r["tender"]["items"][0]["quantity"], 200.0);
        assert_eq!(r["tender"]["items"][0]["unit"]["id"], "KGM");
        assert_eq!(r["awards"].as_array().unwrap().len(), 2);
        assert_eq!(r["awards"][0]["value"]["amount"], 144.0);
        assert_eq!(r["awards"][1]["items"][0]["unit"]["value"]["amount"], 1.1);
        assert_eq!(r["parties"].as_array().unwrap().len(), 3);
        // Awarded to a producers' grouping led by the Jardins, with the Ferme in it: both are
        // suppliers of that award, and the Ferme is a party once.
        let mut grouped = q.clone();
        grouped.awards[0].partners = vec![("99900003000011".into(), "Ferme".into())];
        let r = quote_release(&grouped);
        let names: Vec<&str> = r["awards"][0]["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Jardins", "Ferme"]);
        assert_eq!(r["parties"].as_array().unwrap().len(), 3);
        let open = QuoteFacts {
            stage: Stage::Open,
            awards: vec![],
            decided_at: None,
            ..q
        };
        let r = quote_release(&open);
        assert_eq!(r["tag"], json!(["tender"]));
        assert!(r.get("awards").is_none());
    }
}
