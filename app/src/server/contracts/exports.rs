//! The contracts as downloads: the explorer's CSV lines and OCDS releases.

use super::*;

/// Header of the CSV export (French column names, like the DECP's).
pub const CSV_HEADER: [&str; 18] = [
    "uid",
    "id",
    "type",
    "acheteur_siret",
    "acheteur_nom",
    "objet",
    "code_cpv",
    "procedure",
    "nature",
    "montant_initial_eur",
    "montant_final_eur",
    "date_notification",
    "annee",
    "duree_mois",
    "lieu_execution",
    "departement",
    "offres_recues",
    "titulaires",
];

/// CSV lines (no header) of these contracts, in the order given.
pub async fn export_lines(db: &DatabaseConnection, ids: &[i32]) -> Result<String, DbErr> {
    let models = models_in_order(db, ids).await?;
    let ids: Vec<i32> = models.iter().map(|m| m.id).collect();
    let mut names: HashMap<i32, Vec<String>> = awardees_of(db, ids, true)
        .await?
        .into_iter()
        .map(|(id, list)| {
            let labels = list
                .into_iter()
                .map(|a| match a.name {
                    Some(n) => format!("{n} ({})", a.awardee_id),
                    None => a.awardee_id,
                })
                .collect();
            (id, labels)
        })
        .collect();
    let euros = |c: Option<i64>| {
        c.map(|c| format!("{}.{:02}", c / 100, c % 100))
            .unwrap_or_default()
    };
    let mut w = crate::server::infra::csv::CsvOut::new();
    for m in models {
        let line = [
            m.uid.clone(),
            m.source_id.clone(),
            m.kind.clone(),
            m.buyer_siret.clone(),
            m.buyer_name.clone().unwrap_or_default(),
            m.object.clone().unwrap_or_default(),
            m.cpv.clone().unwrap_or_default(),
            m.procedure.clone().unwrap_or_default(),
            m.nature.clone().unwrap_or_default(),
            euros(m.amount_cents),
            euros(m.final_amount_cents),
            m.notified_on.map(|d| d.to_string()).unwrap_or_default(),
            m.year.map(|y| y.to_string()).unwrap_or_default(),
            m.final_duration_months
                .map(|d| d.to_string())
                .unwrap_or_default(),
            m.place_name
                .clone()
                .or(m.place_code.clone())
                .unwrap_or_default(),
            m.place_departement.clone().unwrap_or_default(),
            m.offers_received.map(|n| n.to_string()).unwrap_or_default(),
            names.remove(&m.id).unwrap_or_default().join(" | "),
        ];
        w.row(&line);
    }
    let bytes = w
        .bytes()
        .map_err(|_| DbErr::Custom("csv: the export could not be written".into()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// OCDS releases of these contracts (JSON objects separated by commas), in the order given.
pub async fn ocds_releases(db: &DatabaseConnection, ids: &[i32]) -> Result<String, DbErr> {
    use crate::domain::decp::record::{Awardee, Modification};
    use crate::domain::ocds::{releases, ContractFacts};
    let models = models_in_order(db, ids).await?;
    if models.is_empty() {
        return Ok(String::new());
    }
    let ids: Vec<i32> = models.iter().map(|m| m.id).collect();
    let mut people = awardees_of(db, ids.clone(), false).await?;
    let mut changes: HashMap<i32, Vec<Modification>> = HashMap::new();
    for m in modifications::Entity::find()
        .filter(modifications::Column::ContractId.is_in(ids))
        .order_by_asc(modifications::Column::Position)
        .all(db)
        .await?
    {
        changes
            .entry(m.contract_id)
            .or_default()
            .push(Modification {
                index: m.position,
                object: m.object,
                signed_on: m.signed_on,
                published_on: m.published_on,
                duration_months: m.duration_months,
                amount_cents: m.amount_cents,
                awardees: serde_json::from_str(&m.awardees).unwrap_or_default(),
            });
    }
    let cpv = cpv_codes_of(db, models.iter().filter_map(|m| m.cpv.clone()).collect()).await?;
    let mut out = Vec::with_capacity(models.len());
    for m in models {
        let modifications = changes.remove(&m.id).unwrap_or_default();
        let all: Vec<Awardee> = people
            .remove(&m.id)
            .unwrap_or_default()
            .into_iter()
            .map(|a| Awardee {
                id_type: a.id_type,
                id: a.awardee_id,
                name: a.name,
                department: a.department,
            })
            .collect();
        // As awarded: those no modification brought in (all of them if that leaves none).
        let brought: Vec<&Awardee> = modifications.iter().flat_map(|x| &x.awardees).collect();
        let initial: Vec<Awardee> = all
            .iter()
            .filter(|a| !brought.iter().any(|b| b.id == a.id))
            .cloned()
            .collect();
        let facts = ContractFacts {
            cpv: m.cpv.as_ref().map(|c| match cpv.get(c) {
                Some(code) => format!("{c}-{}", code.check_digit),
                None => c.clone(),
            }),
            uid: m.uid,
            buyer_siret: m.buyer_siret,
            buyer_name: m.buyer_name,
            object: m.object,
            amount_cents: m.amount_cents,
            duration_months: m.duration_months,
            notified_on: m.notified_on,
            published_on: m.published_on,
            known_on: m.updated_at.date_naive(),
            awardees: if initial.is_empty() { all } else { initial },
            modifications,
        };
        for r in releases(&facts) {
            out.push(r.to_string());
        }
    }
    Ok(out.join(","))
}
