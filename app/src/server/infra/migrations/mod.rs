//! Database migrations, written with sea-orm's backend-neutral DSL: the same schema on SQLite
//! and PostgreSQL. They run at every start and in every database test. Seed data never lives here
//! (`passerelle seed-demo` does it); reference data has its own idempotent loader.

use sea_orm_migration::prelude::*;

mod m20261126_000001_reference;
mod m20261126_000002_accounts;
mod m20261126_000003_contracts;
mod m20261126_000004_import_heartbeat;
mod m20261126_000005_sources_without_normalised;
mod m20261126_000006_outbox_pruning;
mod m20261127_000007_offers;
mod m20261127_000008_labels;
mod m20261127_000009_programming;
mod m20261127_000010_plan_interests;
mod m20261127_000011_alerts;
mod m20261201_000012_sourcing;
mod m20261201_000013_plan_notices;
mod m20261202_000014_partner_requests;
mod m20261202_000015_consortia;
mod m20261202_000016_contacts;
mod m20261202_000017_org_capacity;
mod m20261202_000018_sirene;
mod m20261202_000019_awardee_department;
mod m20261205_000020_import_failure;
mod m20261205_000021_account_security;
mod m20261205_000022_audit;
mod m20261205_000023_last_login;
mod m20261206_000024_second_factor;
mod m20261206_000025_org_claims;
mod m20261206_000026_food_offers;
mod m20261207_000027_quotes;
mod m20261208_000028_producer_groupings;
mod m20261209_000029_joint_procurement;
mod m20261210_000030_co_buyer_contract;
mod m20261210_000031_contracts_by_division;
mod m20261211_000032_insertion_sizing;
mod m20261212_000033_facilitators;
mod m20261213_000034_insertion_hours;
mod m20261214_000035_sources;
mod m20261215_000036_notices;
mod m20261216_000037_data_generations;

/// A foreign key from a table's column to another's.
fn fk(
    from: (
        impl sea_orm_migration::prelude::IntoIden,
        impl sea_orm_migration::prelude::IntoIden,
    ),
    to: (
        impl sea_orm_migration::prelude::IntoIden,
        impl sea_orm_migration::prelude::IntoIden,
    ),
    on_delete: sea_orm_migration::prelude::ForeignKeyAction,
) -> sea_orm_migration::prelude::ForeignKeyCreateStatement {
    sea_orm_migration::prelude::ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_reference::Migration),
            Box::new(m20261126_000002_accounts::Migration),
            Box::new(m20261126_000003_contracts::Migration),
            Box::new(m20261126_000004_import_heartbeat::Migration),
            Box::new(m20261126_000005_sources_without_normalised::Migration),
            Box::new(m20261126_000006_outbox_pruning::Migration),
            Box::new(m20261127_000007_offers::Migration),
            Box::new(m20261127_000008_labels::Migration),
            Box::new(m20261127_000009_programming::Migration),
            Box::new(m20261127_000010_plan_interests::Migration),
            Box::new(m20261127_000011_alerts::Migration),
            Box::new(m20261201_000012_sourcing::Migration),
            Box::new(m20261201_000013_plan_notices::Migration),
            Box::new(m20261202_000014_partner_requests::Migration),
            Box::new(m20261202_000015_consortia::Migration),
            Box::new(m20261202_000016_contacts::Migration),
            Box::new(m20261202_000017_org_capacity::Migration),
            Box::new(m20261202_000018_sirene::Migration),
            Box::new(m20261202_000019_awardee_department::Migration),
            Box::new(m20261205_000020_import_failure::Migration),
            Box::new(m20261205_000021_account_security::Migration),
            Box::new(m20261205_000022_audit::Migration),
            Box::new(m20261205_000023_last_login::Migration),
            Box::new(m20261206_000024_second_factor::Migration),
            Box::new(m20261206_000025_org_claims::Migration),
            Box::new(m20261206_000026_food_offers::Migration),
            Box::new(m20261207_000027_quotes::Migration),
            Box::new(m20261208_000028_producer_groupings::Migration),
            Box::new(m20261209_000029_joint_procurement::Migration),
            Box::new(m20261210_000030_co_buyer_contract::Migration),
            Box::new(m20261210_000031_contracts_by_division::Migration),
            Box::new(m20261211_000032_insertion_sizing::Migration),
            Box::new(m20261212_000033_facilitators::Migration),
            Box::new(m20261213_000034_insertion_hours::Migration),
            Box::new(m20261214_000035_sources::Migration),
            Box::new(m20261215_000036_notices::Migration),
            Box::new(m20261216_000037_data_generations::Migration),
        ]
    }
}
