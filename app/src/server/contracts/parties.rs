//! A buyer's or an awardee's figures on its page: contracts, amounts, trades, partners.

use super::*;

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
