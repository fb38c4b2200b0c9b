//! The core of the demo: the buyers, firms and people the end-to-end tests and the README name
//! (their accounts sign in with [`super::DEMO_PASSWORD`]). Idempotent row by row.

use crate::domain::org::MemberRole;
use crate::domain::org::MembershipStatus;
use crate::domain::siret::complete_siret;
use crate::server::infra::entities::{memberships, organisations, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

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
        DemoOrg { siret: fict("9990000100001"), name: "Menuiserie des Monts (fictive)", kind: "business", commune: "69089", naf: Some("16.23Z"), size: Some("micro"), inclusive: None, capacity: Some(150_000), verified: true, description: "Entreprise fictive de démonstration : menuiserie bois, mobilier scolaire." },
        DemoOrg { siret: fict("9990000200001"), name: "Les Jardins du Val (fictifs)", kind: "business", commune: "69244", naf: Some("01.13Z"), size: Some("small"), inclusive: Some("aci"), capacity: Some(80_000), verified: true, description: "Structure d'insertion fictive de démonstration : maraîchage biologique, paniers pour la restauration collective." },
        DemoOrg { siret: fict("9990000300001"), name: "Électricité Saône Services (fictive)", kind: "business", commune: "69266", naf: Some("43.21A"), size: Some("small"), inclusive: None, capacity: Some(400_000), verified: true, description: "Entreprise fictive de démonstration : électricité du bâtiment, éclairage public." },
        DemoOrg { siret: fict("9990000500001"), name: "Ferme des Dombes (fictive)", kind: "business", commune: "01443", naf: Some("01.50Z"), size: Some("micro"), inclusive: None, capacity: Some(60_000), verified: true, description: "Exploitation fictive de démonstration : légumes de plein champ et élevage, livre les cantines de l'Ain." },
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
            "cuisine@demo.passerelle.example",
            "Karim Cuisinier (fictif)",
            false,
            false,
            Some("21690256900013"),
        ),
        (
            "ferme-dombes@demo.passerelle.example",
            "Paul Fermier (fictif)",
            false,
            false,
            Some("9990000500001"),
        ),
        (
            "insertion@demo.passerelle.example",
            "Farid Facilitateur (fictif)",
            false,
            false,
            None,
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
pub(super) async fn seed(db: &impl ConnectionTrait, hash: &str) -> Result<(usize, usize), DbErr> {
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
        crate::server::infra::search::changed::organisation_and_offers(db, org.id)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        created_orgs += 1;
    }
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
            password_hash: Set(hash.into()),
            is_admin: Set(admin),
            is_analyst: Set(analyst),
            lang: Set("fr".into()),
            created_at: Set(now),
            // The demo's administrator has its second factor on, with a key as public as the
            // demo password (README), so that administration can be tried at once.
            totp_secret: Set(admin.then(|| super::DEMO_TOTP_SECRET.to_string())),
            totp_enabled_at: Set(admin.then_some(now)),
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

/// The SIRETs of the core organisations.
pub(super) fn sirets() -> Vec<String> {
    orgs().into_iter().map(|o| o.siret).collect()
}

/// The demo accounts of the core, by their role in the tour.
pub(super) const BUYER: &str = "acheteuse@demo.passerelle.example";
pub(super) const JOINER: &str = "menuisier@demo.passerelle.example";
pub(super) const GARDENER: &str = "maraichere@demo.passerelle.example";
pub(super) const ANALYST: &str = "analyste@demo.passerelle.example";
pub(super) const FACILITATOR: &str = "insertion@demo.passerelle.example";
pub(super) const ADMIN: &str = "admin@demo.passerelle.example";

/// Finds the core's accounts and organisations for the later steps.
pub(super) async fn refs(ctx: &mut super::Ctx<'_>) -> Result<(), DbErr> {
    for (role, email) in [
        ("buyer", BUYER),
        ("joiner", JOINER),
        ("gardener", GARDENER),
        ("analyst", ANALYST),
        ("facilitator", FACILITATOR),
        ("admin", ADMIN),
    ] {
        let user = users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(ctx.txn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(email.into()))?;
        ctx.people.insert(role, user.id);
    }
    let owner_of = |siret: &str| -> Option<&'static str> {
        match siret {
            "21690123100011" => Some("buyer"),
            s if s.starts_with("9990000100001") => Some("joiner"),
            s if s.starts_with("9990000200001") => Some("gardener"),
            s if s.starts_with("9990000400001") => Some("analyst"),
            _ => None,
        }
    };
    for o in orgs() {
        let org = organisations::Entity::find()
            .filter(organisations::Column::Siret.eq(&o.siret))
            .one(ctx.txn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(o.siret.clone()))?;
        let reference = super::OrgRef {
            id: org.id,
            name: org.name.clone(),
            commune: o.commune.into(),
            owner: owner_of(&o.siret).map(|r| ctx.people[r]),
        };
        if let Some((key, _)) = super::buyers::CORE_BUYERS
            .iter()
            .find(|(_, s)| *s == o.siret)
        {
            ctx.buyers.insert(key, reference.clone());
        }
        let firm = match o.naf {
            Some("16.23Z") => Some(("menuiserie", "menuiserie")),
            Some("01.13Z") => Some(("jardins", "agriculture")),
            Some("43.21A") => Some(("elec", "electricite")),
            _ => None,
        };
        if let Some((key, trade)) = firm {
            // The gardens are an insertion structure: they also keep green spaces (as many
            // jardins d'insertion do), so their offers are the SIAE trade's.
            let inclusive = o.inclusive;
            ctx.firms.push(super::Firm {
                org: reference.clone(),
                tpl: super::trades::TRADES
                    .iter()
                    .position(|t| match inclusive {
                        // A kind of SIAE takes the SIAE trade's offers.
                        Some(kind) if crate::domain::org::SIAE_KINDS.contains(&kind) => {
                            t.inclusive == Some("siae")
                        }
                        Some(kind) => t.inclusive == Some(kind),
                        None => t.analytics == trade,
                    })
                    .unwrap_or(0),
                trade,
                inclusive: o.inclusive,
            });
            ctx.core_orgs.insert(key, org.id);
        } else if o.kind == "chamber" {
            ctx.core_orgs.insert("chamber", org.id);
        }
    }
    Ok(())
}
