//! The consolidated tabular DECP (one CSV row per contract × awardee, as published by
//! data.gouv.fr / decp.info) read into the JSON shape the record normaliser takes.

use serde_json::{json, Map, Value};

/// One CSV row, as (header, value) pairs, turned into a 2019-shaped record with one awardee.
/// Rows of the same contract merge at storage time (their awardees add up).
pub fn row_to_record<'a>(row: impl IntoIterator<Item = (&'a str, &'a str)>) -> Value {
    let mut rec = Map::new();
    let mut buyer = Map::new();
    let mut awardee = Map::new();
    for (header, value) in row {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let v = Value::String(value.to_string());
        match header.trim() {
            "id" => {
                rec.insert("id".into(), v);
            }
            "acheteur_id" | "acheteur.id" => {
                buyer.insert("id".into(), v);
            }
            "acheteur_nom" | "acheteur.nom" => {
                buyer.insert("nom".into(), v);
            }
            "titulaire_id" | "titulaire.id" => {
                awardee.insert("id".into(), v);
            }
            "titulaire_nom" | "titulaire_denominationSociale" | "titulaire.denominationSociale" => {
                awardee.insert("denominationSociale".into(), v);
            }
            "titulaire_typeIdentifiant" => {
                awardee.insert("typeIdentifiant".into(), v);
            }
            "titulaire_departement_code" => {
                awardee.insert("_departement".into(), v);
            }
            // "Marché"/"Concession", or in the consolidated file the works/supplies/services
            // category ("Travaux"): only the former says the kind.
            "type" | "_type" if value.to_lowercase().contains("concession") => {
                rec.insert("_type".into(), json!("Contrat de concession"));
            }
            "lieuExecution_code" | "lieuExecution.code" => {
                lieu(&mut rec).insert("code".into(), v);
            }
            "lieuExecution_typeCode" | "lieuExecution.typeCode" => {
                lieu(&mut rec).insert("typeCode".into(), v);
            }
            "lieuExecution_nom" | "lieuExecution.nom" => {
                lieu(&mut rec).insert("nom".into(), v);
            }
            h @ ("objet"
            | "codeCPV"
            | "nature"
            | "procedure"
            | "montant"
            | "dureeMois"
            | "dateNotification"
            | "datePublicationDonnees"
            | "offresRecues"
            | "formePrix"
            | "typeGroupementOperateurs"
            | "sousTraitanceDeclaree") => {
                rec.insert(h.into(), v);
            }
            "considerationsSociales" | "considerationsEnvironnementales" => {
                let list: Vec<Value> = value.split(',').map(|s| json!(s.trim())).collect();
                rec.insert(header.trim().into(), Value::Array(list));
            }
            _ => {}
        }
    }
    if !buyer.is_empty() {
        rec.insert("acheteur".into(), Value::Object(buyer));
    }
    if !awardee.is_empty() {
        rec.insert("titulaires".into(), json!([awardee]));
    }
    Value::Object(rec)
}

fn lieu(rec: &mut Map<String, Value>) -> &mut Map<String, Value> {
    rec.entry("lieuExecution")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("inserted as an object")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_of_the_consolidated_file() {
        let headers = [
            "uid",
            "id",
            "type",
            "codeCPV",
            "acheteur_id",
            "acheteur_nom",
            "titulaire_id",
            "titulaire_nom",
            "montant",
            "dateNotification",
            "procedure",
            "dureeMois",
            "offresRecues",
        ];
        let row = [
            "2000625860015720241300104",
            "20241300104",
            "Travaux",
            "45214200",
            "20006258600157",
            "COMMUNE DE FILLIERE (MAIRIE)",
            "42199758600035",
            "ALU CONCEPT HABITAT",
            "61100",
            "2025-01-01",
            "Procédure adaptée",
            "12",
            "1",
        ];
        let rec = row_to_record(headers.iter().copied().zip(row.iter().copied()));
        assert_eq!(rec["id"], "20241300104");
        assert_eq!(rec["acheteur"]["id"], "20006258600157");
        assert_eq!(
            rec["titulaires"][0]["denominationSociale"],
            "ALU CONCEPT HABITAT"
        );
        assert_eq!(rec["offresRecues"], "1");
        assert!(rec.get("_type").is_none());
    }
}
