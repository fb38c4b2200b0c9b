//! Proving who an organisation is: what a reviewer (a chamber analyst for a firm, an
//! administrator for any organisation) sees before verifying it, and the claims of second
//! claimants of a SIRET.
//!
//! Why a reviewer and not an automatic proof: an email at the domain of the firm's website
//! proves nothing while the website is typed by the claimant, and a code by post to the
//! registered address needs a postal service Passerelle does not have. The chambers keep the
//! trade registers and know the local firms: they check the official record (linked) and the
//! person, as they already do for the territorial label. The hints below help them, they do not
//! decide.

use serde::{Deserialize, Serialize};

/// Where a claim stands.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum ClaimStatus {
    Pending,
    Granted,
    Refused,
}

crate::domain::stored_form!(ClaimStatus);

/// The most a claim's message may hold.
pub const MAX_CLAIM_MESSAGE: usize = 2000;

/// An organisation waiting to be verified, with what helps to decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToVerify {
    pub id: i32,
    pub name: String,
    pub siret: String,
    pub kind: super::org::OrgKind,
    /// The commune it says it is in.
    pub commune: Option<String>,
    /// Who registered it (email), when.
    pub created_by: Option<String>,
    pub created_at: String,
    /// The commune of the SIRET in the imported SIRENE extract, when it is there.
    pub registry_commune: Option<String>,
    /// The registrant's email is at the domain of the website it gave.
    pub email_at_website: bool,
    /// Public contracts won under this SIRET (DECP).
    pub contracts_won: u64,
}

/// A claim on an organisation already registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimToDecide {
    pub id: i32,
    pub org_id: i32,
    pub org_name: String,
    pub siret: String,
    /// Whether the organisation was verified already (for its current owners).
    pub org_verified: bool,
    /// Its current owners' emails.
    pub owners: Vec<String>,
    pub claimant_name: String,
    pub claimant_email: String,
    pub message: String,
    pub created_at: String,
}

/// The reviewer's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub orgs: Vec<ToVerify>,
    pub claims: Vec<ClaimToDecide>,
}

/// The official public record of an establishment (Annuaire des entreprises, by the State's
/// digital service): legal representatives, status, address.
pub fn registry_link(siret: &str) -> String {
    format!("https://annuaire-entreprises.data.gouv.fr/etablissement/{siret}")
}

/// Whether `email`'s domain is the website's host (or a sub-domain of it, or the website's is
/// `www.` + it): a hint for the reviewer.
pub fn email_at_website(email: &str, website: Option<&str>) -> bool {
    let Some(domain) = email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_ascii_lowercase())
    else {
        return false;
    };
    let Some(site) = website else { return false };
    let host = site
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    !host.is_empty()
        && host.contains('.')
        && (domain == host || domain.ends_with(&format!(".{host}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_at_the_website_domain_is_a_hint() {
        let site = Some("https://www.menuiserie-monts.fr/contact");
        assert!(email_at_website("jeanne@menuiserie-monts.fr", site));
        assert!(email_at_website("Jeanne@Compta.Menuiserie-Monts.FR", site));
        assert!(!email_at_website("jeanne@gmail.com", site));
        // A look-alike is not the domain.
        assert!(!email_at_website("x@faux-menuiserie-monts.fr", site));
        assert!(!email_at_website("x@menuiserie-monts.fr", None));
        assert!(!email_at_website("pas-une-adresse", site));
        assert!(!email_at_website("x@localhost", Some("http://localhost")));
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            ClaimStatus::Pending,
            ClaimStatus::Granted,
            ClaimStatus::Refused,
        ] {
            assert_eq!(ClaimStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            registry_link("12345678900012"),
            "https://annuaire-entreprises.data.gouv.fr/etablissement/12345678900012"
        );
    }
}
