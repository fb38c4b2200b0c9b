//! The demo territory (`passerelle seed-demo`): real public buyers of the Métropole de Lyon (their
//! SIRETs come from the DECP samples), fictitious firms and people who say they are fictitious.
//! Idempotent: what already exists is left alone.

use crate::domain::org::MemberRole;
use crate::domain::org::MembershipStatus;
use crate::domain::siret::complete_siret;
use crate::error::AppError;
use crate::server::infra::entities::{memberships, organisations, users};
use crate::server::infra::passwords;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

/// Password of every demo account (documented in the README; demo data only).
pub const DEMO_PASSWORD: &str = "passerelle-demo";

struct DemoOrg {
    siret: String,
    name: &'static str,
    kind: &'static str,
    commune: &'static str,
    naf: Option<&'static str>,
    size: Option<&'static str>,
    inclusive: Option<&'static str>,
    /// Declared capacity (euros excluding VAT).
    capacity: Option<i64>,
    verified: bool,
    description: &'static str,
}

fn orgs() -> Vec<DemoOrg> {
    let fict = |n: &str| {
        complete_siret(n)
            .map(|s| s.as_str().to_string())
            .unwrap_or_default()
    };
    vec![
        DemoOrg { siret: "21690123100011".into(), name: "Ville de Lyon", kind: "buyer", commune: "69123", naf: Some("84.11Z"), size: None, inclusive: None, capacity: None, verified: true, description: "Acheteur public réel (SIRET des données essentielles de la commande publique)." },
        DemoOrg { siret: "21690256900013".into(), name: "Ville de Vaulx-en-Velin", kind: "buyer", commune: "69256", naf: Some("84.11Z"), size: None, inclusive: None, capacity: None, verified: true, description: "Acheteur public réel (SIRET des données essentielles de la commande publique)." },
        DemoOrg { siret: "21690202300011".into(), name: "Ville de Sainte-Foy-lès-Lyon", kind: "buyer", commune: "69202", naf: Some("84.11Z"), size: None, inclusive: None, capacity: None, verified: true, description: "Acheteur public réel (SIRET des données essentielles de la commande publique)." },
        DemoOrg { siret: "21690100900011".into(), name: "Commune d'Irigny", kind: "buyer", commune: "69100", naf: Some("84.11Z"), size: None, inclusive: None, capacity: None, verified: false, description: "Acheteur public réel, pas encore vérifié dans la démonstration." },
        DemoOrg { siret: fict("9990000100001"), name: "Menuiserie des Monts (fictive)", kind: "business", commune: "69089", naf: Some("16.23Z"), size: Some("micro"), inclusive: None, capacity: Some(150_000), verified: false, description: "Entreprise fictive de démonstration : menuiserie bois, mobilier scolaire." },
        DemoOrg { siret: fict("9990000200001"), name: "Les Jardins du Val (fictifs)", kind: "business", commune: "69244", naf: Some("01.13Z"), size: Some("small"), inclusive: Some("siae"), capacity: Some(80_000), verified: false, description: "Structure d'insertion fictive de démonstration : maraîchage biologique, paniers pour la restauration collective." },
        DemoOrg { siret: fict("9990000300001"), name: "Électricité Saône Services (fictive)", kind: "business", commune: "69266", naf: Some("43.21A"), size: Some("small"), inclusive: None, capacity: Some(400_000), verified: false, description: "Entreprise fictive de démonstration : électricité du bâtiment, éclairage public." },
        DemoOrg { siret: fict("9990000400001"), name: "Chambre de démonstration (fictive)", kind: "chamber", commune: "69123", naf: Some("94.11Z"), size: None, inclusive: None, capacity: None, verified: true, description: "Chambre consulaire fictive de démonstration." },
    ]
}

/// (email, display name, admin, analyst, SIRET prefix of the organisation owned or None)
fn people() -> Vec<(&'static str, &'static str, bool, bool, Option<&'static str>)> {
    vec![
        (
            "admin@demo.passerelle.example",
            "Alice Admin (fictive)",
            true,
            false,
            None,
        ),
        (
            "acheteuse@demo.passerelle.example",
            "Béatrice Acheteuse (fictive)",
            false,
            false,
            Some("21690123100011"),
        ),
        (
            "menuisier@demo.passerelle.example",
            "Marc Menuisier (fictif)",
            false,
            false,
            Some("9990000100001"),
        ),
        (
            "maraichere@demo.passerelle.example",
            "Nadia Maraîchère (fictive)",
            false,
            false,
            Some("9990000200001"),
        ),
        (
            "analyste@demo.passerelle.example",
            "Claire Analyste (fictive)",
            false,
            true,
            Some("9990000400001"),
        ),
    ]
}

/// Seeds the demo territory; returns how many organisations and users were created.
pub async fn seed(db: &DatabaseConnection) -> Result<(usize, usize), AppError> {
    let now = chrono::Utc::now();
    let mut created_orgs = 0;
    for o in orgs() {
        let exists = organisations::Entity::find()
            .filter(organisations::Column::Siret.eq(&o.siret))
            .one(db)
            .await?;
        if exists.is_some() {
            continue;
        }
        let org = organisations::ActiveModel {
            kind: Set(o.kind.into()),
            siret: Set(o.siret.clone()),
            name: Set(o.name.into()),
            naf_code: Set(o.naf.map(Into::into)),
            commune_insee: Set(Some(o.commune.into())),
            size: Set(o.size.map(Into::into)),
            inclusive: Set(o.inclusive.map(Into::into)),
            capacity_eur: Set(o.capacity),
            website: Set(None),
            description: Set(Some(o.description.into())),
            is_public: Set(true),
            verified_at: Set(o.verified.then_some(now)),
            verified_by: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        crate::server::infra::search::changed::organisation_and_offers(db, org.id).await?;
        created_orgs += 1;
    }
    let hash = passwords::hash(DEMO_PASSWORD.into()).await?;
    let mut created_users = 0;
    for (email, name, admin, analyst, org_prefix) in people() {
        if users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(db)
            .await?
            .is_some()
        {
            continue;
        }
        let user = users::ActiveModel {
            email: Set(email.into()),
            display_name: Set(name.into()),
            password_hash: Set(hash.clone()),
            is_admin: Set(admin),
            is_analyst: Set(analyst),
            lang: Set("fr".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        created_users += 1;
        if let Some(prefix) = org_prefix {
            let org = organisations::Entity::find()
                .filter(organisations::Column::Siret.starts_with(prefix))
                .one(db)
                .await?;
            if let Some(org) = org {
                memberships::ActiveModel {
                    user_id: Set(user.id),
                    organisation_id: Set(org.id),
                    role: Set(MemberRole::Owner.as_str().into()),
                    status: Set(MembershipStatus::Active.as_str().into()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
    }
    Ok((created_orgs, created_users))
}

/// Creates an admin, or makes an existing user admin and sets the password.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    password: String,
) -> Result<bool, AppError> {
    let hash = passwords::hash(password).await?;
    match crate::server::auth::find_by_email(db, email).await? {
        Some(u) => {
            let mut am: users::ActiveModel = u.into();
            am.is_admin = Set(true);
            am.password_hash = Set(hash);
            am.update(db).await?;
            Ok(false)
        }
        None => {
            let u = crate::server::auth::create_user(db, email, name, hash).await?;
            let mut am: users::ActiveModel = u.into();
            am.is_admin = Set(true);
            am.update(db).await?;
            Ok(true)
        }
    }
}

/// Real past contracts of the Métropole de Lyon (DECP 2019 format), for the demo.
const DEMO_DECP: &str = include_str!("data/decp_metropole_lyon_2019.json");

/// Imports the demo's real past contracts when the contracts table is empty. Returns the import
/// run, or None when there were contracts already.
pub async fn seed_contracts(
    db: &DatabaseConnection,
) -> Result<Option<crate::server::infra::entities::imports::Model>, sea_orm::DbErr> {
    use crate::server::infra::entities::contracts;
    use sea_orm::PaginatorTrait;
    if contracts::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let path =
        std::env::temp_dir().join(format!("passerelle-demo-decp-{}.json", std::process::id()));
    std::fs::write(&path, DEMO_DECP)
        .map_err(|e| sea_orm::DbErr::Custom(format!("cannot write {}: {e}", path.display())))?;
    let run = crate::server::imports::decp::import_file(
        db,
        None,
        &path,
        "decp_metropole_lyon_2019.json",
        None,
        |_| {},
    )
    .await;
    let _ = std::fs::remove_file(&path);
    run.map(Some)
}
