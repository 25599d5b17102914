//! The second factor: time-based one-time passwords (RFC 6238, over HOTP, RFC 4226) as every
//! authenticator app makes them: HMAC-SHA-1, six digits, 30-second steps, one step of clock skew
//! either way. The secret is shown in base32 (RFC 4648) and as an `otpauth://` URI. Pure: the
//! caller brings the time and the random secret, and keeps the last step it accepted, so that
//! no code is taken twice.

use crate::{DomainError, Permission, Role};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

pub const DIGITS: u32 = 6;
pub const STEP_S: i64 = 30;
/// Steps accepted before and after the current one: a phone's clock a little off still works.
pub const SKEW: i64 = 1;
/// 160 bits, the length RFC 4226 recommends and SHA-1's own.
pub const SECRET_BYTES: usize = 20;
pub const ISSUER: &str = "Kriseservice";

/// The HOTP value of `counter`: dynamic truncation of HMAC-SHA-1 to `digits` decimal digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
    bin % 10u32.pow(digits)
}

/// The time step a Unix time falls in.
pub fn step(unix_s: i64) -> i64 {
    unix_s.div_euclid(STEP_S)
}

/// The code an authenticator app shows at `unix_s`, with its leading zeros.
pub fn code_at(secret: &[u8], unix_s: i64) -> String {
    format!("{:0width$}", hotp(secret, step(unix_s) as u64, DIGITS), width = DIGITS as usize)
}

/// A person's second factor as stored: the confirmed secret logins check, one being enrolled,
/// and the step of the last code accepted (base32 secrets).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enrolment {
    pub secret: Option<String>,
    pub pending: Option<String>,
    pub last_step: Option<i64>,
}

/// What a code is worth at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Right, for this step (keep it: a code of this step or an earlier one is refused from now on).
    Accepted(i64),
    /// Right, but its step was already used.
    Reused,
    Wrong,
}

/// The `code` of a validation error for a code that is not six digits.
pub const CODE_FORMAT: &str = "totp_format";

/// A code as typed: six digits; spaces and hyphens (`123 456`) are allowed.
pub fn parse_code(raw: &str) -> Result<u32, DomainError> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    match digits.parse() {
        Ok(code) if digits.len() == DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(code),
        _ => {
            let mut p = crate::error::Problems::default();
            p.add_coded("totp", CODE_FORMAT, "the code is the 6 digits the authenticator app shows");
            Err(p.into_result().expect_err("one problem"))
        }
    }
}

/// Checks `code` against the steps around `unix_s`; a step at or before `last_used` does not count.
pub fn verify(secret: &[u8], code: u32, unix_s: i64, last_used: Option<i64>) -> Verdict {
    let now = step(unix_s);
    let mut reused = false;
    for s in now - SKEW..=now + SKEW {
        // Every step is computed, so the time taken does not tell which one matched.
        let matches = s >= 0 && hotp(secret, s as u64, DIGITS) == code;
        if matches && last_used.is_none_or(|last| s > last) {
            return Verdict::Accepted(s);
        }
        reused |= matches;
    }
    if reused { Verdict::Reused } else { Verdict::Wrong }
}

/// The roles that may enrol a second factor, and so the ones the secretariat may require it of:
/// those the permission table gives [`Permission::UseSecondFactor`].
pub fn roles() -> Vec<Role> {
    Role::ALL.iter().copied().filter(|r| crate::permission::allows(*r, Permission::UseSecondFactor)).collect()
}

/// The roles the secretariat requires a second factor of: each must be one that can enrol.
pub fn check_required(required: &[Role]) -> Result<(), DomainError> {
    let mut p = crate::error::Problems::default();
    for r in required.iter().filter(|r| !roles().contains(r)) {
        let message = format!("the role '{r}' cannot enrol a second factor, so it cannot be required of it");
        p.add_coded("roles", crate::error::code::NO_SECOND_FACTOR, message);
    }
    p.into_result()
}

/// The `otpauth://` URI an authenticator app reads (typed in, or from a QR code).
pub fn otpauth_uri(email: &str, secret_base32: &str) -> String {
    let label = percent(&format!("{ISSUER}:{email}"));
    format!("otpauth://totp/{label}?secret={secret_base32}&issuer={ISSUER}")
}

/// Percent-encodes all but RFC 3986's unreserved characters and the `:` and `@` of the label.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, without the `=` padding (authenticator apps take it either way).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads base32 in either case, with or without padding and spaces; `None` for anything else.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = ALPHABET.iter().position(|&a| a as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    /// RFC 6238 Appendix B, the SHA-1 column: 8 digits, and their last 6 as apps show them.
    #[test]
    fn rfc_6238_test_vectors() {
        let vectors = [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ];
        for (time, code) in vectors {
            assert_eq!(hotp(RFC_SECRET, step(time) as u64, 8), code, "T = {time}");
            assert_eq!(code_at(RFC_SECRET, time), format!("{:06}", code % 1_000_000), "T = {time}");
        }
        assert_eq!(code_at(RFC_SECRET, 1111111109), "081804", "leading zeros kept");
    }

    /// RFC 4226 Appendix D: HOTP itself.
    #[test]
    fn rfc_4226_hotp_values() {
        let want = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (counter, code) in want.iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64, 6), *code, "counter {counter}");
        }
    }

    #[test]
    fn one_step_of_skew_either_way_and_no_reuse() {
        let t = 1_700_000_000;
        let code = |at: i64| parse_code(&code_at(RFC_SECRET, at)).unwrap();
        assert_eq!(verify(RFC_SECRET, code(t), t, None), Verdict::Accepted(step(t)));
        assert_eq!(verify(RFC_SECRET, code(t - 30), t, None), Verdict::Accepted(step(t) - 1));
        assert_eq!(verify(RFC_SECRET, code(t + 30), t, None), Verdict::Accepted(step(t) + 1));
        assert_eq!(verify(RFC_SECRET, code(t - 60), t, None), Verdict::Wrong);
        assert_eq!(verify(RFC_SECRET, code(t + 60), t, None), Verdict::Wrong);
        assert_eq!(verify(RFC_SECRET, code(t), t, Some(step(t))), Verdict::Reused, "the same code twice");
        assert_eq!(verify(RFC_SECRET, code(t - 30), t, Some(step(t))), Verdict::Reused, "an older one after a newer");
        assert_eq!(verify(RFC_SECRET, code(t + 30), t, Some(step(t))), Verdict::Accepted(step(t) + 1));
        assert_eq!(verify(RFC_SECRET, (code(t) + 1) % 1_000_000, t, None), Verdict::Wrong);
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(parse_code(" 081 804 ").unwrap(), 81804);
        assert_eq!(parse_code("081-804").unwrap(), 81804);
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            assert!(parse_code(bad).is_err(), "{bad:?}");
        }
    }

    /// RFC 4648 section 10.
    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        for (plain, encoded) in
            [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base32_decode("mzxw 6ytb oi======").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZXW1"), None, "1 is not in the alphabet");
        assert_eq!(base32_encode(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        assert_eq!(
            otpauth_uri("lone+krise@ddh.dk", "GEZDGNBV"),
            "otpauth://totp/Kriseservice:lone%2Bkrise@ddh.dk?secret=GEZDGNBV&issuer=Kriseservice"
        );
    }

    #[test]
    fn the_secretariat_and_the_crisis_organisation_may_enrol() {
        assert_eq!(
            roles(),
            [Role::Secretariat, Role::SteeringGroup, Role::CrisisLeader, Role::LogKeeper, Role::ProcessLead, Role::StaffingLead]
        );
        assert!(check_required(&[Role::Secretariat, Role::CrisisLeader]).is_ok());
        assert!(check_required(&[Role::Agent]).is_err());
    }
}
