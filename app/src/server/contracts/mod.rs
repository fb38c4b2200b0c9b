//! Queries of the contracts explorer: the filtered, sorted, paginated list (found in the search
//! index, read from the database), one contract, a buyer's or awardee's figures, the exports.

pub mod http;

use crate::domain::contracts::*;
use crate::server::infra::entities::{
    contract_awardees as awardees, contract_modifications as modifications,
    contract_sources as sources, contracts, cpv_codes,
};
use crate::server::infra::search::contracts::Counts;
use crate::server::infra::search::{SearchError, SearchIndex};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

/// The CPV codes listed (label, check digit), by code.
pub(crate) async fn cpv_codes_of(
    db: &DatabaseConnection,
    codes: Vec<String>,
) -> Result<HashMap<String, cpv_codes::Model>, DbErr> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cpv_codes::Entity::find()
        .filter(cpv_codes::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code.clone(), c))
        .collect())
}

pub(crate) async fn cpv_labels(
    db: &DatabaseConnection,
    codes: Vec<String>,
) -> Result<HashMap<String, String>, DbErr> {
    Ok(cpv_codes_of(db, codes)
        .await?
        .into_iter()
        .map(|(code, c)| (code, c.label_fr))
        .collect())
}

/// The awardees of these contracts (the current ones only, or all, a modification's replaced
/// ones included), in their published order: the explorer, the exports, the search documents and
/// the importer's merge read them alike.
pub(crate) async fn awardees_of(
    db: &impl sea_orm::ConnectionTrait,
    ids: Vec<i32>,
    current_only: bool,
) -> Result<HashMap<i32, Vec<awardees::Model>>, DbErr> {
    let mut out: HashMap<i32, Vec<awardees::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut query = awardees::Entity::find().filter(awardees::Column::ContractId.is_in(ids));
    if current_only {
        query = query.filter(awardees::Column::IsCurrent.eq(true));
    }
    for a in query
        .order_by_asc(awardees::Column::Position)
        .all(db)
        .await?
    {
        out.entry(a.contract_id).or_default().push(a);
    }
    Ok(out)
}

/// Failure of a query over the index and the database.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl From<QueryError> for crate::error::AppError {
    fn from(e: QueryError) -> Self {
        tracing::error!("explorer query failed: {e}");
        crate::error::AppError::Internal
    }
}

/// Contracts by id, in the order of `ids`.
async fn models_in_order(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<Vec<contracts::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_id: HashMap<i32, contracts::Model> = contracts::Entity::find()
        .filter(contracts::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    // A contract indexed but gone from the database (removed since) is left out.
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Facet values with their labels, in the index's order.
pub(crate) fn facet(counts: Counts, labels: impl Fn(&str) -> Option<String>) -> Vec<FacetValue> {
    counts
        .into_iter()
        .map(|(value, count)| FacetValue {
            label: labels(&value),
            value,
            count,
        })
        .collect()
}

/// The explorer's page: words, filters, sort and facets from the index; rows from the database.
pub async fn search(
    db: &DatabaseConnection,
    index: &SearchIndex,
    f: &ContractFilters,
) -> Result<ContractPage, QueryError> {
    let hits = index.search_contracts(f)?;
    let models = models_in_order(db, &hits.ids).await?;
    let division_codes: Vec<String> = hits
        .cpv_divisions
        .iter()
        .map(|(d, _)| format!("{d}000000"))
        .collect();
    let division_labels = cpv_labels(db, division_codes).await?;
    let mut years = hits.years;
    years.sort_by(|a, b| b.0.cmp(&a.0));
    let facets = Facets {
        years: facet(years, |_| None),
        cpv_divisions: facet(hits.cpv_divisions, |d| {
            division_labels.get(&format!("{d}000000")).cloned()
        }),
        procedures: facet(hits.procedures, |_| None),
        departements: facet(hits.departements, |_| None),
    };
    let total = hits.total;
    let page = hits.page;
    let pages = Ord::max(total.div_ceil(PER_PAGE), 1);
    let ids: Vec<i32> = models.iter().map(|m| m.id).collect();
    let mut names: HashMap<i32, Vec<String>> = awardees_of(db, ids, true)
        .await?
        .into_iter()
        .map(|(id, list)| {
            (
                id,
                list.into_iter()
                    .map(|a| a.name.unwrap_or(a.awardee_id))
                    .collect(),
            )
        })
        .collect();
    let labels = cpv_labels(db, models.iter().filter_map(|m| m.cpv.clone()).collect()).await?;
    let rows = models
        .into_iter()
        .map(|m| ContractRow {
            id: m.id,
            awardees: names.remove(&m.id).unwrap_or_default(),
            cpv_label: m.cpv.as_ref().and_then(|c| labels.get(c).cloned()),
            object: m.object,
            buyer_siret: m.buyer_siret,
            buyer_name: m.buyer_name,
            amount_cents: m.final_amount_cents,
            notified_on: m.notified_on.map(|d| d.to_string()),
            year: m.year,
            procedure: m.procedure,
            cpv: m.cpv,
            place: m.place_name.or(m.place_code),
        })
        .collect();
    Ok(ContractPage {
        rows,
        total,
        page,
        pages,
        facets,
    })
}

pub async fn detail(db: &DatabaseConnection, id: i32) -> Result<Option<ContractDetail>, DbErr> {
    let Some(m) = contracts::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let awardees = awardees::Entity::find()
        .filter(awardees::Column::ContractId.eq(id))
        .order_by_asc(awardees::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AwardeeView {
            id_type: a.id_type,
            id: a.awardee_id,
            name: a.name,
            current: a.is_current,
        })
        .collect();
    let modifications = modifications::Entity::find()
        .filter(modifications::Column::ContractId.eq(id))
        .order_by_asc(modifications::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|x| ModificationView {
            position: x.position,
            object: x.object,
            signed_on: x.signed_on.map(|d| d.to_string()),
            duration_months: x.duration_months,
            amount_cents: x.amount_cents,
        })
        .collect();
    let sources = sources::Entity::find()
        .filter(sources::Column::ContractId.eq(id))
        .order_by_asc(sources::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SourceView {
            raw: serde_json::from_str::<serde_json::Value>(&s.raw)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or(s.raw),
            source: s.source,
            format: s.format,
            imported_at: s.imported_at.format("%Y-%m-%d").to_string(),
        })
        .collect();
    let cpv_label = match &m.cpv {
        Some(c) => cpv_labels(db, vec![c.clone()]).await?.remove(c),
        None => None,
    };
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| {
            s.split(',')
                .map(str::to_string)
                .filter(|x| x != "aucune")
                .collect()
        })
        .unwrap_or_default()
    };
    Ok(Some(ContractDetail {
        id: m.id,
        uid: m.uid,
        source_id: m.source_id,
        kind: m.kind,
        object: m.object,
        buyer_siret: m.buyer_siret,
        buyer_name: m.buyer_name,
        cpv: m.cpv,
        cpv_label,
        procedure: m.procedure,
        nature: m.nature,
        place_name: m.place_name,
        place_code: m.place_code,
        place_commune: m.place_commune,
        place_departement: m.place_departement,
        duration_months: m.duration_months,
        amount_cents: m.amount_cents,
        final_duration_months: m.final_duration_months,
        final_amount_cents: m.final_amount_cents,
        notified_on: m.notified_on.map(|d| d.to_string()),
        published_on: m.published_on.map(|d| d.to_string()),
        price_form: m.price_form,
        offers_received: m.offers_received,
        social: split(m.social),
        environmental: split(m.environmental),
        consortium: m.consortium,
        subcontracting_declared: m.subcontracting_declared,
        awardees,
        modifications,
        sources,
    }))
}

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
    let mut w = csv::Writer::from_writer(Vec::new());
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
        w.write_record(&line)
            .map_err(|e| DbErr::Custom(format!("csv: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| DbErr::Custom(format!("csv: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Figures of a buyer (by SIRET) or an awardee (by identifier): None when it has no contract.
pub async fn party_stats(
    db: &DatabaseConnection,
    party: &Party,
) -> Result<Option<PartyStats>, DbErr> {
    use sea_orm::sea_query::Alias;
    use sea_orm::FromQueryResult;
    let cond = match party {
        Party::Buyer(siret) => {
            Condition::all().add(contracts::Column::BuyerSiret.eq(siret.clone()))
        }
        Party::Awardee(id) => Condition::all().add(
            contracts::Column::Id.in_subquery(
                Query::select()
                    .column(awardees::Column::ContractId)
                    .from(awardees::Entity)
                    .and_where(awardees::Column::AwardeeId.eq(id.clone()))
                    .to_owned(),
            ),
        ),
    };
    #[derive(FromQueryResult)]
    struct Row {
        key: Option<String>,
        label: Option<String>,
        n: i64,
        cents: Option<i64>,
    }
    let backend = db.get_database_backend();
    // SUM of a BIGINT is a NUMERIC on PostgreSQL: cast back so both backends give an i64.
    let sum_cents = || {
        Func::cast_as(
            Func::sum(Expr::col((
                contracts::Entity,
                contracts::Column::FinalAmountCents,
            ))),
            Alias::new("BIGINT"),
        )
    };
    let breakdown = |key: sea_orm::sea_query::SimpleExpr,
                     label: Option<sea_orm::sea_query::SimpleExpr>,
                     order_by_count: bool| {
        let mut q = Query::select();
        q.expr_as(
            Func::cast_as(key.clone(), Alias::new("TEXT")),
            Alias::new("key"),
        )
        .expr_as(
            label.unwrap_or_else(|| Expr::val(Option::<String>::None)),
            Alias::new("label"),
        )
        .expr_as(
            Func::count(Expr::col((contracts::Entity, contracts::Column::Id))),
            Alias::new("n"),
        )
        .expr_as(sum_cents(), Alias::new("cents"))
        .from(contracts::Entity)
        .cond_where(cond.clone())
        .add_group_by([key.clone()]);
        if order_by_count {
            q.order_by_expr(
                Func::count(Expr::col((contracts::Entity, contracts::Column::Id))).into(),
                Order::Desc,
            )
            .limit(10);
        } else {
            q.order_by_expr(key, Order::Desc);
        }
        q.to_owned()
    };
    let run = |q: sea_orm::sea_query::SelectStatement| async move {
        let rows = Row::find_by_statement(backend.build(&q)).all(db).await?;
        Ok::<Vec<Breakdown>, DbErr>(
            rows.into_iter()
                .map(|r| Breakdown {
                    key: r.key.unwrap_or_default(),
                    label: r.label,
                    contracts: r.n,
                    cents: r.cents.unwrap_or(0),
                })
                .collect(),
        )
    };
    let by_year = run(breakdown(
        Expr::col((contracts::Entity, contracts::Column::Year)),
        None,
        false,
    ))
    .await?;
    if by_year.is_empty() {
        return Ok(None);
    }
    let mut by_division = run(breakdown(
        Expr::col((contracts::Entity, contracts::Column::CpvDivision)),
        None,
        true,
    ))
    .await?;
    let labels = cpv_labels(
        db,
        by_division
            .iter()
            .map(|b| format!("{}000000", b.key))
            .collect(),
    )
    .await?;
    for b in &mut by_division {
        b.label = labels.get(&format!("{}000000", b.key)).cloned();
    }
    let top = match party {
        Party::Buyer(_) => {
            // Awardees of the buyer's contracts, current ones.
            let mut q = Query::select();
            q.expr_as(
                Expr::col((awardees::Entity, awardees::Column::AwardeeId)),
                Alias::new("key"),
            )
            .expr_as(
                Func::max(Expr::col((awardees::Entity, awardees::Column::Name))),
                Alias::new("label"),
            )
            .expr_as(
                Func::count(Expr::col((contracts::Entity, contracts::Column::Id))),
                Alias::new("n"),
            )
            .expr_as(sum_cents(), Alias::new("cents"))
            .from(contracts::Entity)
            .inner_join(
                awardees::Entity,
                Expr::col((awardees::Entity, awardees::Column::ContractId))
                    .equals((contracts::Entity, contracts::Column::Id)),
            )
            .cond_where(cond.clone())
            .and_where(Expr::col((awardees::Entity, awardees::Column::IsCurrent)).eq(true))
            .add_group_by([Expr::col((awardees::Entity, awardees::Column::AwardeeId))])
            .order_by_expr(
                Func::count(Expr::col((contracts::Entity, contracts::Column::Id))).into(),
                Order::Desc,
            )
            .limit(10);
            run(q.to_owned()).await?
        }
        Party::Awardee(_) => {
            run(breakdown(
                Expr::col((contracts::Entity, contracts::Column::BuyerSiret)),
                Some(
                    Func::max(Expr::col((contracts::Entity, contracts::Column::BuyerName))).into(),
                ),
                true,
            ))
            .await?
        }
    };
    let mut offers: Vec<i32> = contracts::Entity::find()
        .select_only()
        .column(contracts::Column::OffersReceived)
        .filter(cond.clone())
        .filter(contracts::Column::OffersReceived.is_not_null())
        .into_tuple::<Option<i32>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let name = match party {
        Party::Buyer(_) => contracts::Entity::find()
            .filter(cond.clone())
            .filter(contracts::Column::BuyerName.is_not_null())
            .order_by_desc(contracts::Column::NotifiedOn)
            .one(db)
            .await?
            .and_then(|m| m.buyer_name),
        Party::Awardee(id) => awardees::Entity::find()
            .filter(awardees::Column::AwardeeId.eq(id.clone()))
            .filter(awardees::Column::Name.is_not_null())
            .one(db)
            .await?
            .and_then(|a| a.name),
    };
    // The party's profile in the directory, when it is an organisation that chose to be public.
    let siret = match party {
        Party::Buyer(s) | Party::Awardee(s) => s,
    };
    let profile = crate::server::infra::entities::organisations::Entity::find()
        .select_only()
        .column(crate::server::infra::entities::organisations::Column::Id)
        .filter(crate::server::infra::entities::organisations::Column::Siret.eq(siret.as_str()))
        .filter(crate::server::infra::entities::organisations::Column::IsPublic.eq(true))
        .into_tuple::<i32>()
        .one(db)
        .await?;
    Ok(Some(PartyStats {
        party: party.clone(),
        profile,
        name,
        contracts: by_year.iter().map(|b| b.contracts).sum(),
        cents: by_year.iter().map(|b| b.cents).sum(),
        by_year,
        by_division,
        top,
        with_offers: offers.len(),
        median_offers: median(&mut offers),
    }))
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
