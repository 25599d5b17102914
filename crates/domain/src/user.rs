//! User accounts.

use crate::error::{Problems, code};
use crate::{DomainError, Role, text};

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub org: String,
    pub role: Role,
}

impl NewUser {
    pub fn validate(mut self, password: &str, known_org: impl Fn(&str) -> bool) -> Result<NewUser, DomainError> {
        self.email = self.email.trim().to_lowercase();
        self.name = text::one_line(&self.name);
        let mut p = Problems::default();
        if !text::is_email(&self.email) {
            p.add_coded("email", code::EMAIL, "is not a valid e-mail address");
        }
        p.text("name", &self.name, 2, 120);
        if !known_org(&self.org) {
            p.add_about("org", code::UNKNOWN_ORG, &self.org, format!("unknown organisation code '{}'", self.org));
        }
        check_password(&mut p, password);
        p.into_result()?;
        Ok(self)
    }
}

crate::word_enum!(
    /// Why a password is refused (OWASP ASVS 2.1.1, 2.1.2 and 2.1.7): its `code` in the
    /// validation error, which the pages translate.
    PasswordWeakness, "password weakness" {
        TooShort = "password_too_short",
        TooLong = "password_too_long",
        Repeated = "password_repeated",
        Sequence = "password_sequence",
        Common = "password_common",
    }
);

impl PasswordWeakness {
    /// The English message for the API.
    pub fn message(self) -> String {
        match self {
            PasswordWeakness::TooShort => format!("must be at least {PASSWORD_MIN} characters"),
            PasswordWeakness::TooLong => format!("must be at most {PASSWORD_MAX} characters"),
            PasswordWeakness::Repeated => "must not be one character or a short pattern repeated (like aaaaaaaaaaaa)".into(),
            PasswordWeakness::Sequence => "must not be a sequence (like 123456789012, abcdefghijkl or qwertyuiopas)".into(),
            PasswordWeakness::Common => format!(
                "is built on a common password (like password, sommer or kodeord), which attackers try first; \
                 choose a sentence of several words with at least {PASSWORD_OWN_MIN} characters of its own"
            ),
        }
    }
}

pub fn check_password(p: &mut Problems, password: &str) {
    if let Some(w) = password_weakness(password) {
        p.add_coded("password", w.as_str(), w.message());
    }
}

/// Letters and digits of its own a password must keep besides the common passwords it contains.
pub const PASSWORD_OWN_MIN: usize = 8;

/// The first rule a password breaks, if any.
pub fn password_weakness(password: &str) -> Option<PasswordWeakness> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Some(PasswordWeakness::TooShort);
    }
    if n > PASSWORD_MAX {
        return Some(PasswordWeakness::TooLong);
    }
    let compact: Vec<char> = password.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    if repeats(&compact) {
        Some(PasswordWeakness::Repeated)
    } else if sequential(&compact) {
        Some(PasswordWeakness::Sequence)
    } else if built_on_common(&compact) {
        Some(PasswordWeakness::Common)
    } else {
        None
    }
}

/// Fewer than four different characters, or a unit of under eight characters said over and over.
fn repeats(c: &[char]) -> bool {
    let mut distinct = c.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() < 4 || (1..8.min(c.len())).any(|unit| c.len().is_multiple_of(unit) && c.chunks(unit).all(|chunk| chunk == &c[..unit]))
}

/// Runs along the alphabet, the digits or a keyboard row (either way): at most two places where
/// the next character is not a neighbour of the one before.
fn sequential(c: &[char]) -> bool {
    const RUNS: &[&str] =
        &["abcdefghijklmnopqrstuvwxyzæøå", "01234567890", "1234567890+", "qwertyuiopasdfghjklzxcvbnm", "qwertyuiopåasdfghjklæøzxcvbnm"];
    let neighbours = |a: char, b: char| {
        RUNS.iter().any(|run| {
            let r: Vec<char> = run.chars().collect();
            r.windows(2).any(|w| (w[0] == a && w[1] == b) || (w[0] == b && w[1] == a))
        })
    };
    let breaks = c.windows(2).filter(|w| !neighbours(w[0], w[1])).count();
    breaks <= 2
}

/// The common passwords, longest first: a longer one is taken out before the shorter ones inside it.
fn common_passwords() -> &'static [&'static str] {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut list: Vec<&str> =
            include_str!("common_passwords.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        list.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        list
    })
}

/// Whether a common password is what the password is made of: with the digits around it taken
/// off (`password1234`, `2024sommer`), it is one, or taking out the common passwords inside it
/// (four characters or more; `Mit-Kodeord-2024!`) leaves fewer than [`PASSWORD_OWN_MIN`] characters of its
/// own. Leetspeak (`p@ssw0rd`) is read as letters.
fn built_on_common(c: &[char]) -> bool {
    let leet = |one: char| {
        move |ch: char| match ch {
            '@' | '4' => 'a',
            '3' => 'e',
            '0' => 'o',
            '$' | '5' => 's',
            '7' => 't',
            '!' | '1' => one,
            other => other,
        }
    };
    let plain: String = c.iter().collect();
    let variants = [plain.clone(), plain.chars().map(leet('i')).collect(), plain.chars().map(leet('l')).collect()];
    variants.iter().any(|v| {
        let alnum: String = v.chars().filter(|ch| ch.is_alphanumeric()).collect();
        let trimmed = alnum.trim_matches(|ch: char| ch.is_ascii_digit());
        let mut core = if trimmed.is_empty() { alnum.clone() } else { trimmed.to_string() };
        let list = common_passwords();
        if list.contains(&core.as_str()) {
            return true;
        }
        let mut found = false;
        for word in list.iter().filter(|w| w.chars().count() >= 4) {
            while let Some(at) = core.find(word) {
                core.replace_range(at..at + word.len(), "");
                found = true;
            }
        }
        found && core.chars().count() < PASSWORD_OWN_MIN
    })
}

/// A user account as the rest of the system sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: uuid::Uuid,
    pub email: String,
    pub name: String,
    pub org: String,
    pub role: Role,
    pub active: bool,
}

impl User {
    pub fn actor(&self) -> crate::Actor {
        crate::Actor { user_id: self.id, name: self.name.clone(), role: self.role, org: self.org.clone() }
    }
}

/// A person named in a role: enough to show and to contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    /// Home organisation code.
    pub org: String,
}

/// The name of an integration (the contact-centre platform) its tokens are issued to: 1–100
/// characters, no control characters.
pub fn integration_name(raw: &str) -> Result<&str, DomainError> {
    let name = raw.trim();
    if name.is_empty() || name.len() > 100 || text::has_control(name) {
        return Err(DomainError::invalid("integration", "a name of 1–100 characters, e.g. \"Telefoniplatform\""));
    }
    Ok(name)
}

/// How long a person's bearer token lasts unless another lifetime is asked for.
pub const TOKEN_DAYS: i64 = 90;
/// How long an integration's token lasts unless another lifetime is asked for: the platform's
/// operators renew it once a year.
pub const INTEGRATION_TOKEN_DAYS: i64 = 365;
/// A token lasts at most this long: no credential lives for ever.
pub const TOKEN_DAYS_MAX: i64 = 730;

/// A token's public id: the first characters of its hash. It names the token in lists, the log and
/// `token revoke` without revealing anything that opens it.
pub fn token_id(token_hash: &str) -> &str {
    &token_hash[..token_hash.len().min(TOKEN_ID_LEN)]
}

pub const TOKEN_ID_LEN: usize = 12;

/// A token id as someone typed it: twelve hexadecimal characters.
pub fn parse_token_id(raw: &str) -> Result<String, DomainError> {
    let id = raw.trim().to_ascii_lowercase();
    if id.len() != TOKEN_ID_LEN || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(DomainError::invalid("token_id", "twelve hexadecimal characters, as `kriseservice token list` shows them"));
    }
    Ok(id)
}

/// A lifetime in days as asked for: from 1 to [`TOKEN_DAYS_MAX`].
pub fn token_days(days: i64) -> Result<time::Duration, DomainError> {
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        return Err(DomainError::invalid("days", format!("a token lasts from 1 to {TOKEN_DAYS_MAX} days")));
    }
    Ok(time::Duration::days(days))
}

/// A bearer token as lists show it: never the token, never its whole hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    /// Give it to `kriseservice token revoke --token-id`, or revoke it on the admin page.
    pub id: String,
    /// The person's e-mail address, or the integration's name.
    pub owner: String,
    pub integration: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(format = DateTime)]
    pub created_at: time::OffsetDateTime,
    /// `None` for a token made before tokens expired: revoke it and issue a new one.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(format = DateTime)]
    pub expires_at: Option<time::OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ids_and_lifetimes_are_checked() {
        let hash = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
        assert_eq!(token_id(hash), "ab12cd34ef56");
        assert_eq!(parse_token_id(" AB12CD34EF56 ").unwrap(), "ab12cd34ef56");
        for bad in ["", "ab12", "ab12cd34ef56a", "zz12cd34ef56", "ab12cd34ef5%"] {
            assert!(parse_token_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(token_days(90).unwrap(), time::Duration::days(90));
        assert!(token_days(0).is_err() && token_days(TOKEN_DAYS_MAX + 1).is_err());
    }

    #[test]
    fn new_user_normalises_and_checks() {
        let u = NewUser { email: " Ane@Demo.DK ".into(), name: "Ane  Agent".into(), org: "0250".into(), role: Role::Agent };
        let ok = u.clone().validate("gule roser i vindueskarmen", |c| c == "0250").unwrap();
        assert_eq!(ok.email, "ane@demo.dk");
        assert_eq!(ok.name, "Ane Agent");
        assert!(u.clone().validate("kort", |c| c == "0250").is_err());
        let Err(DomainError::Invalid(fields)) = u.validate("password1234", |c| c == "0250") else { panic!("refused") };
        assert_eq!((fields[0].field.as_str(), fields[0].code), ("password", Some("password_common")));
    }

    fn weakness(p: &str) -> Option<PasswordWeakness> {
        password_weakness(p)
    }

    #[test]
    fn the_issue_s_passwords_are_refused() {
        assert_eq!(weakness("aaaaaaaaaaaa"), Some(PasswordWeakness::Repeated));
        assert_eq!(weakness("123456789012"), Some(PasswordWeakness::Sequence));
        assert_eq!(weakness("password1234"), Some(PasswordWeakness::Common));
    }

    #[test]
    fn length_is_checked_first() {
        assert_eq!(weakness("kort"), Some(PasswordWeakness::TooShort));
        assert_eq!(weakness(&"x7q".repeat(90)), Some(PasswordWeakness::TooLong));
    }

    #[test]
    fn repeated_characters_and_short_patterns_are_refused() {
        for p in [
            "aaaaaaaaaaaa",
            "AAAAAAAAAAAAAAAA",
            "abababababab",
            "abcabcabcabc",
            "1212121212121",
            "korrektkorrekt",
            "aaaaaaaaaaab",
            "kat kat kat kat",
        ] {
            assert_eq!(weakness(p), Some(PasswordWeakness::Repeated), "{p}");
        }
    }

    #[test]
    fn sequences_and_keyboard_rows_are_refused() {
        for p in
            ["123456789012", "abcdefghijkl", "qwertyuiopas", "ZYXWVUTSRQPO", "098765432109", "asdfghjklæøå", "abcdef123456", "1234567890+1"]
        {
            assert_eq!(weakness(p), Some(PasswordWeakness::Sequence), "{p}");
        }
    }

    #[test]
    fn common_passwords_with_digits_or_punctuation_around_are_refused() {
        for p in [
            "password1234",
            "Password1234!",
            "P@ssw0rd2024",
            "Sommer2024!!",
            "2024sommer!!",
            "kodeord12345",
            "adgangskode1",
            "Hemmelig1234",
            "Kriseservice1",
            "Mit-Kodeord-2024!",
            "hemmeligkodeord",
            "Januar2025!!",
            "efterår-2024",
            "et langt kodeord",
        ] {
            assert_eq!(weakness(p), Some(PasswordWeakness::Common), "{p}");
        }
    }

    #[test]
    fn good_passphrases_and_random_passwords_pass() {
        for p in [
            "korrekt hest batteri hæfteklamme",
            "Korrekt Hest Batteri Hæfteklamme",
            "sommerhus ved vesterhavet",
            "gule roser i vindueskarmen",
            "839204718263",
            "Tq8#vLm2@xPz",
            "mette elsker lange gåture",
            "blå cykler ved havnefronten",
            "demo-blaa-cykel-ved-havnen",
        ] {
            assert_eq!(weakness(p), None, "{p}");
        }
    }

    #[test]
    fn the_list_is_lower_case_and_holds_the_danish_ones() {
        let list = common_passwords();
        assert!(list.len() > 500, "{}", list.len());
        assert!(list.iter().all(|w| w.to_lowercase() == *w && !w.contains(char::is_whitespace)));
        for w in ["sommer", "kodeord", "adgangskode", "hemmelig", "kriseservice", "januar", "efterår", "password"] {
            assert!(list.contains(&w), "{w}");
        }
    }

    #[test]
    fn every_weakness_has_a_message() {
        for w in PasswordWeakness::ALL {
            assert!(!w.message().is_empty());
        }
    }
}
