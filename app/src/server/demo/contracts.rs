//! The demo's real past contracts: the Métropole's 2019 records and the consolidated tabular
//! rows of the demo's buyers (provenance in `data/README.md`), imported once each by the DECP
//! import itself (so that the admin's import history shows the runs).

use crate::server::infra::entities::contracts;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};

const FILES: &[(&str, &str)] = &[
    (
        "decp_metropole_lyon_2019.json",
        include_str!("data/decp_metropole_lyon_2019.json"),
    ),
    (
        "decp_tabular_2024_demo_buyers.csv",
        include_str!("data/decp_tabular_2024_demo_buyers.csv"),
    ),
];

/// Imports the files when the contracts table is empty; returns each file's accepted records.
pub(super) async fn seed(db: &DatabaseConnection) -> Result<Vec<(String, i32)>, DbErr> {
    if contracts::Entity::find().count(db).await? > 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (name, text) in FILES {
        let path =
            std::env::temp_dir().join(format!("passerelle-demo-{}-{name}", std::process::id()));
        std::fs::write(&path, text)
            .map_err(|e| DbErr::Custom(format!("cannot write {}: {e}", path.display())))?;
        let run =
            crate::server::imports::decp::import_file(db, None, &path, name, None, |_| {}).await;
        let _ = std::fs::remove_file(&path);
        out.push((name.to_string(), run?.accepted));
    }
    Ok(out)
}
