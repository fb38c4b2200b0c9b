//! Validation of what people type: the same rules run in the browser (for quick feedback) and
//! on the server (the only place they are trusted). Each check returns the i18n key of its message.

use crate::error::FieldError;

/// Collects field errors while checking a form.
#[derive(Default, Debug)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trims `value`; records an error if it is empty or longer than `max` characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.errors
                .push(FieldError::new(field, "validation.required"));
        } else if v.chars().count() > max {
            self.errors
                .push(FieldError::with_arg(field, "validation.too_long", max));
        }
        v.to_string()
    }

    /// Trims `value`; `None` when empty; records an error if longer than `max` characters.
    pub fn optional(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let v = value.trim();
        if v.chars().count() > max {
            self.errors
                .push(FieldError::with_arg(field, "validation.too_long", max));
        }
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A plausible email address, lower-cased.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = value.trim().to_lowercase();
        if v.is_empty() {
            self.errors
                .push(FieldError::new(field, "validation.required"));
        } else if v.chars().count() > 254 || !is_plausible_email(&v) {
            self.errors.push(FieldError::new(field, "validation.email"));
        }
        v
    }

    /// A new password: 10 to 128 characters.
    pub fn new_password(&mut self, field: &str, value: &str) -> String {
        let n = value.chars().count();
        if n < MIN_PASSWORD_LEN {
            self.errors.push(FieldError::with_arg(
                field,
                "validation.password_short",
                MIN_PASSWORD_LEN,
            ));
        } else if n > MAX_PASSWORD_LEN {
            self.errors.push(FieldError::with_arg(
                field,
                "validation.too_long",
                MAX_PASSWORD_LEN,
            ));
        }
        value.to_string()
    }

    /// A number as people type it ("12", "1 200", "12,5" or "12.5"), scaled by 10^`decimals`
    /// and rounded (`decimal("price", "12,50", 2, …)` is 1250); `None` when empty. Records an
    /// error when it is not a number, has more decimals, or is outside `min..=max` (scaled).
    pub fn decimal(
        &mut self,
        field: &str,
        value: &str,
        decimals: u32,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let v: String = value
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        if v.is_empty() {
            return None;
        }
        let (whole, frac) = v.split_once('.').unwrap_or((&v, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let (negative, whole) = match whole.strip_prefix('-') {
            Some(w) => (true, w),
            None => (false, whole),
        };
        if whole.is_empty() || !digits(whole) || !digits(frac) || whole.len() > 12 {
            self.push(field, "validation.number");
            return None;
        }
        if frac.len() > decimals as usize {
            self.errors
                .push(FieldError::with_arg(field, "validation.decimals", decimals));
            return None;
        }
        let scale = 10i64.pow(decimals);
        let padded = format!("{frac:0<width$}", width = decimals as usize);
        let scaled = whole.parse::<i64>().unwrap_or(i64::MAX / scale) * scale
            + padded.parse::<i64>().unwrap_or(0);
        let scaled = if negative { -scaled } else { scaled };
        if scaled < min || scaled > max {
            let show = |n: i64| {
                if decimals == 0 {
                    n.to_string()
                } else {
                    format!("{}", n as f64 / scale as f64).replace('.', ",")
                }
            };
            self.errors.push(FieldError::with_arg(
                field,
                "validation.range",
                format!("{} – {}", show(min), show(max)),
            ));
            return None;
        }
        Some(scaled)
    }

    pub fn push(&mut self, field: &str, key: &str) {
        self.errors.push(FieldError::new(field, key));
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` if nothing was wrong, else the collected errors.
    pub fn finish(self) -> Result<(), crate::error::AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(crate::error::AppError::Invalid(self.errors))
        }
    }
}

/// When a form is checked in the browser: the instant, and the day on the person's calendar
/// (a deadline "today or later", a meeting "in the future").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub now: chrono::DateTime<chrono::Utc>,
    pub today: chrono::NaiveDate,
}

/// A form whose rules also run in the browser as the person types (`components::live_check`):
/// the checks of the domain, those that need no database, with the server's very messages.
pub trait LiveChecked: serde::de::DeserializeOwned {
    /// One error per faulty field, as the server's check would give them at `clock`.
    fn field_errors(&self, clock: &Clock) -> Vec<FieldError>;
}

/// The errors of a form sent as one struct named `form` (`form[title]=…`), the way the server
/// functions that take a `form` argument receive it; `None` when the query does not parse.
pub fn errors_in_form<T: LiveChecked>(query: &str, clock: &Clock) -> Option<Vec<FieldError>> {
    #[derive(serde::Deserialize)]
    struct Sent<T> {
        form: T,
    }
    serde_qs::Config::new(5, false)
        .deserialize_str::<Sent<T>>(query)
        .ok()
        .map(|s| s.form.field_errors(clock))
}

/// The errors of a form whose fields are the server function's arguments (`email=…&password=…`).
pub fn errors_in_fields<T: LiveChecked>(query: &str, clock: &Clock) -> Option<Vec<FieldError>> {
    serde_qs::Config::new(5, false)
        .deserialize_str::<T>(query)
        .ok()
        .map(|t| t.field_errors(clock))
}

/// The field errors of a check's result (none when it passed or failed otherwise).
pub fn field_errors_of<T>(result: Result<T, crate::error::AppError>) -> Vec<FieldError> {
    match result {
        Err(crate::error::AppError::Invalid(errors)) => errors,
        _ => vec![],
    }
}

/// A new password and its confirmation, as the sign-up, reset and change forms send them.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewPassword {
    pub password: String,
    pub password_confirm: String,
}

impl NewPassword {
    /// The domain's rules (length, the confirmation); the lists of common passwords and the
    /// account's own words are refused on the server after these.
    pub fn check_into(&self, c: &mut Checker) -> String {
        let password = c.new_password("password", &self.password);
        if password != self.password_confirm {
            c.push("password_confirm", "validation.password_mismatch");
        }
        password
    }
}

impl LiveChecked for NewPassword {
    fn field_errors(&self, _: &Clock) -> Vec<FieldError> {
        let mut c = Checker::new();
        self.check_into(&mut c);
        c.errors
    }
}

/// The sign-up form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

impl NewAccount {
    /// The e-mail address (lower-cased), the name and the password, checked by the domain's rules.
    pub fn check_into(&self, c: &mut Checker) -> (String, String, String) {
        let email = c.email("email", &self.email);
        let display_name = c.required("display_name", &self.display_name, MAX_DISPLAY_NAME);
        let password = NewPassword {
            password: self.password.clone(),
            password_confirm: self.password_confirm.clone(),
        }
        .check_into(c);
        (email, display_name, password)
    }
}

impl LiveChecked for NewAccount {
    fn field_errors(&self, _: &Clock) -> Vec<FieldError> {
        let mut c = Checker::new();
        self.check_into(&mut c);
        c.errors
    }
}

pub const MAX_DISPLAY_NAME: usize = 120;
pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 128;

/// One `@`, a non-empty local part, a dotted domain, no spaces: enough to catch typos; the
/// confirmation email is the real check.
pub fn is_plausible_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        let now = chrono::DateTime::parse_from_rfc3339("2027-03-16T09:00:00Z")
            .unwrap()
            .to_utc();
        Clock {
            now,
            today: now.date_naive(),
        }
    }

    #[test]
    fn live_checks_read_the_form_as_the_server_does() {
        let errors = errors_in_fields::<NewAccount>(
            "display_name=&email=marie%40exemple&password=court&password_confirm=autre",
            &clock(),
        )
        .unwrap();
        let keys: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.key.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("email", "validation.email"),
                ("display_name", "validation.required"),
                ("password", "validation.password_short"),
                ("password_confirm", "validation.password_mismatch"),
            ]
        );
        let fine = "display_name=Marie&email=marie%40exemple.fr&password=une+longue+phrase&password_confirm=une+longue+phrase";
        assert_eq!(errors_in_fields::<NewAccount>(fine, &clock()), Some(vec![]));
        // Fields missing from the query are empty, as an empty input sends them.
        assert_eq!(
            errors_in_fields::<NewPassword>("password=une+longue+phrase", &clock()).unwrap(),
            [FieldError::new(
                "password_confirm",
                "validation.password_mismatch"
            )]
        );
    }

    #[test]
    fn required_trims_and_limits() {
        let mut c = Checker::new();
        assert_eq!(c.required("name", "  Atelier  ", 10), "Atelier");
        assert!(c.is_ok());
        c.required("name", "   ", 10);
        c.required("other", "abcdefghijk", 10);
        assert_eq!(c.errors[0], FieldError::new("name", "validation.required"));
        assert_eq!(
            c.errors[1],
            FieldError::with_arg("other", "validation.too_long", 10)
        );
    }

    #[test]
    fn emails() {
        assert!(is_plausible_email("marie.dupont@exemple.fr"));
        assert!(!is_plausible_email("marie.dupont"));
        assert!(!is_plausible_email("marie@exemple"));
        assert!(!is_plausible_email("ma rie@exemple.fr"));
        assert!(!is_plausible_email("a@b@exemple.fr"));
        let mut c = Checker::new();
        assert_eq!(c.email("email", " Marie@Exemple.FR "), "marie@exemple.fr");
        assert!(c.is_ok());
    }

    #[test]
    fn numbers_as_people_type_them() {
        let mut c = Checker::new();
        assert_eq!(c.decimal("p", "12,50", 2, 0, 100_000), Some(1250));
        assert_eq!(c.decimal("p", " 1 200 ", 2, 0, 1_000_000), Some(120_000));
        assert_eq!(c.decimal("p", "7.5", 1, 0, 100), Some(75));
        assert_eq!(c.decimal("p", "3", 0, 0, 20), Some(3));
        assert_eq!(c.decimal("p", "", 0, 0, 20), None);
        assert!(c.is_ok());
        assert_eq!(c.decimal("a", "douze", 2, 0, 100), None);
        assert_eq!(c.decimal("b", "1,234", 2, 0, 100_000), None);
        assert_eq!(c.decimal("c", "21", 0, 0, 20), None);
        assert_eq!(c.decimal("d", "-1", 0, 0, 20), None);
        assert_eq!(c.decimal("e", "99999999999999999", 0, 0, 20), None);
        let keys: Vec<_> = c.errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "validation.number",
                "validation.decimals",
                "validation.range",
                "validation.range",
                "validation.number"
            ]
        );
        assert_eq!(c.errors[2].arg.as_deref(), Some("0 – 20"));
    }

    #[test]
    fn passwords_have_a_minimum_length() {
        let mut c = Checker::new();
        c.new_password("password", "court");
        assert_eq!(c.errors[0].key, "validation.password_short");
        let mut c = Checker::new();
        c.new_password("password", "une phrase de passe");
        assert!(c.is_ok());
    }
}
