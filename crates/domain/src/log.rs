//! The official log (logbog): append-only, signed, hash-chained.
//!
//! Each entry's hash is SHA-256 over a canonical encoding of the entry that includes its
//! predecessor's hash, so altering, removing or reordering any stored entry breaks the chain
//! from that entry on.

use crate::error::Problems;
use crate::{DomainError, Role, text, word_enum};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

word_enum!(
    LogCategory, "category" {
        Decision = "decision",
        Information = "information",
        Action = "action",
        Staffing = "staffing",
        Contact = "contact",
    }
);

pub const TEXT_MAX: usize = 4000;
/// The predecessor hash of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `POST …/log` as the domain sees it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLogEntry {
    pub category: LogCategory,
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub text: String,
    #[serde(default)]
    pub corrects: Option<i64>,
}

impl NewLogEntry {
    /// `last_seq` is the highest sequence number in the log so far (0 when empty).
    pub fn validate(mut self, last_seq: i64) -> Result<NewLogEntry, DomainError> {
        self.text = text::multi_line(&self.text);
        let mut p = Problems::default();
        p.text("text", &self.text, 1, TEXT_MAX);
        if let Some(c) = self.corrects
            && (c < 1 || c > last_seq)
        {
            p.add("corrects", format!("entry {c} does not exist in this log (it has {last_seq} entries)"));
        }
        p.into_result()?;
        Ok(self)
    }
}

/// Who signs an entry: a named person in a named role from a named organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Author {
    pub user_id: Uuid,
    pub name: String,
    pub role: Role,
    pub org: String,
}

/// A stored log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LogEntry {
    pub incident_id: Uuid,
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub author: Author,
    pub category: LogCategory,
    pub text: String,
    pub corrects: Option<i64>,
    pub prev_hash: String,
    pub hash: String,
}

/// What an entry's hash covers, borrowed from wherever the entry is read: a long log can be
/// verified row by row without building a `LogEntry` (and its Strings) for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored<'a> {
    pub incident_id: Uuid,
    pub seq: i64,
    pub at: OffsetDateTime,
    pub author_id: Uuid,
    pub author_name: &'a str,
    pub author_role: Role,
    pub author_org: &'a str,
    pub category: LogCategory,
    pub text: &'a str,
    pub corrects: Option<i64>,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

impl LogEntry {
    pub fn stored(&self) -> Stored<'_> {
        Stored {
            incident_id: self.incident_id,
            seq: self.seq,
            at: self.at,
            author_id: self.author.user_id,
            author_name: &self.author.name,
            author_role: self.author.role,
            author_org: &self.author.org,
            category: self.category,
            text: &self.text,
            corrects: self.corrects,
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }
}

/// SHA-256 over the canonical encoding, as lowercase hex. The encoding is length-prefixed
/// fields (`<len>:<bytes>\n`), so no choice of text can make two different entries encode alike;
/// it is fed to the hasher piece by piece, with nothing allocated but the time's text.
fn digest(e: &Stored<'_>) -> [u8; 64] {
    let mut h = Sha256::new();
    let mut field = |f: &[u8]| {
        h.update(decimal(f.len() as i64, &mut [0; 20]));
        h.update(b":");
        h.update(f);
        h.update(b"\n");
    };
    let mut uuid = [0; uuid::fmt::Hyphenated::LENGTH];
    field(b"kriseservice-log-v1");
    field(e.incident_id.hyphenated().encode_lower(&mut uuid).as_bytes());
    field(decimal(e.seq, &mut [0; 20]));
    field(&rfc3339(e.at, &mut [0; 27]));
    field(e.author_id.hyphenated().encode_lower(&mut uuid).as_bytes());
    field(e.author_name.as_bytes());
    field(e.author_role.as_str().as_bytes());
    field(e.author_org.as_bytes());
    field(e.category.as_str().as_bytes());
    field(e.text.as_bytes());
    let mut corrects = [0; 20];
    field(e.corrects.map_or(&[][..], |c| decimal(c, &mut corrects)));
    field(e.prev_hash.as_bytes());
    let mut hex = [0; 64];
    for (i, b) in h.finalize().iter().enumerate() {
        hex[2 * i] = HEX[usize::from(b >> 4)];
        hex[2 * i + 1] = HEX[usize::from(b & 0xf)];
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `n` in decimal, as `to_string` writes it, without allocating (20 bytes hold any i64).
fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let (mut rest, mut i) = (n.unsigned_abs(), buf.len());
    loop {
        i -= 1;
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// `crate::time::rfc3339(t)` without allocating, for the years 0–9999 that every real entry has
/// (others take that function itself). A unit test holds the two to the same text.
fn rfc3339(t: OffsetDateTime, buf: &mut [u8; 27]) -> std::borrow::Cow<'_, [u8]> {
    let t = t.to_offset(time::UtcOffset::UTC);
    if !(0..=9999).contains(&t.year()) {
        return crate::time::rfc3339(t).into_bytes().into();
    }
    let mut put = |at: usize, width: usize, mut n: u32| {
        for i in (at..at + width).rev() {
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, t.year() as u32);
    put(5, 2, u32::from(t.month() as u8));
    put(8, 2, u32::from(t.day()));
    put(11, 2, u32::from(t.hour()));
    put(14, 2, u32::from(t.minute()));
    put(17, 2, u32::from(t.second()));
    put(20, 6, t.microsecond());
    for (i, c) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':'), (19, b'.'), (26, b'Z')] {
        buf[i] = c;
    }
    (&buf[..]).into()
}

pub fn hash_of(e: &LogEntry) -> String {
    String::from_utf8(digest(&e.stored()).to_vec()).expect("hex is ASCII")
}

impl LogEntry {
    /// Seals a validated new entry onto a chain whose last entry is `prev` (`None` for the first).
    pub fn seal(incident_id: Uuid, prev: Option<(i64, &str)>, at: OffsetDateTime, author: Author, entry: NewLogEntry) -> LogEntry {
        let (seq, prev_hash) = match prev {
            Some((seq, hash)) => (seq + 1, hash.to_string()),
            None => (1, GENESIS.to_string()),
        };
        let mut e = LogEntry {
            incident_id,
            seq,
            at: crate::time::truncate(at),
            author,
            category: entry.category,
            text: entry.text,
            corrects: entry.corrects,
            prev_hash,
            hash: String::new(),
        };
        e.hash = hash_of(&e);
        e
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub valid: bool,
    pub entries: usize,
    pub first_invalid: Option<i64>,
    /// Why the first invalid entry fails, for people reading `verify-log`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Verifies a log entry by entry, in sequence order, as the entries arrive: `verify` and
/// `verify_to_head` are this, over a slice; the store streams a long log through it.
#[derive(Debug, Clone)]
pub struct Verifier {
    entries: usize,
    /// The hash the next entry must name as its predecessor's: the last good entry's.
    expected_prev: [u8; 64],
    broken: Option<(i64, String)>,
}

impl Default for Verifier {
    fn default() -> Verifier {
        let mut expected_prev = [0; 64];
        expected_prev.copy_from_slice(GENESIS.as_bytes());
        Verifier { entries: 0, expected_prev, broken: None }
    }
}

impl Verifier {
    pub fn new() -> Verifier {
        Verifier::default()
    }

    /// Continues after an entry already verified, `(seq, hash)`: a view that verified the chain
    /// once checks only what is new. The count includes the verified entries.
    pub fn after(seq: i64, hash: &str) -> Verifier {
        let mut v = Verifier::default();
        match <[u8; 64]>::try_from(hash.as_bytes()) {
            Ok(h) => v.expected_prev = h,
            // Not a hash this chain writes: no entry can link to it, so the next one is reported.
            Err(_) => v.expected_prev = [0xff; 64],
        }
        v.entries = usize::try_from(seq).unwrap_or(0);
        v
    }

    /// Checks the next entry; `false` once the chain is broken (later entries change nothing).
    pub fn push(&mut self, e: &Stored<'_>) -> bool {
        if self.broken.is_some() {
            return false;
        }
        self.entries += 1;
        let expected_seq = self.entries as i64;
        let reason = if e.seq != expected_seq {
            format!("expected entry {expected_seq} here, found {}", e.seq)
        } else if e.prev_hash.as_bytes() != self.expected_prev {
            "does not link to the previous entry's hash".to_string()
        } else {
            let hash = digest(e);
            if hash != e.hash.as_bytes() {
                "its content does not match its hash: it was altered after it was written".to_string()
            } else {
                self.expected_prev = hash;
                return true;
            }
        };
        self.broken = Some((expected_seq, reason));
        false
    }

    /// The verdict on the chain pushed so far.
    pub fn finish(self) -> Verification {
        match self.broken {
            Some((first, reason)) => Verification { valid: false, entries: self.entries, first_invalid: Some(first), reason: Some(reason) },
            None => Verification { valid: true, entries: self.entries, first_invalid: None, reason: None },
        }
    }

    /// The verdict on the chain and on whether it ends at the head recorded on the incident:
    /// removing the last entries leaves a chain that holds, but not one that reaches the head.
    pub fn finish_at_head(self, head_seq: i64, head_hash: &str) -> Verification {
        if self.broken.is_some() {
            return self.finish();
        }
        // A chain that holds numbers its entries 1, 2, …: the last is the count.
        let last_seq = self.entries as i64;
        let entries = self.entries;
        let broken = |first: i64, reason: String| Verification { valid: false, entries, first_invalid: Some(first), reason: Some(reason) };
        if last_seq < head_seq {
            broken(last_seq + 1, format!("entries {} to {head_seq} are missing: the incident records {head_seq} entries", last_seq + 1))
        } else if last_seq > head_seq {
            broken(
                head_seq + 1,
                format!("entries after {head_seq} were not written through the log: the incident records {head_seq} entries"),
            )
        } else if self.expected_prev != head_hash.as_bytes() {
            broken(last_seq, "the last entry's hash differs from the one recorded on the incident".to_string())
        } else {
            self.finish()
        }
    }
}

/// Verifies a whole log, given in sequence order.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a LogEntry>) -> Verification {
    let mut v = Verifier::new();
    entries.into_iter().take_while(|e| v.push(&e.stored())).for_each(drop);
    v.finish()
}

/// Verifies the entries that follow one already verified, `(seq, hash)`; see [`Verifier::after`].
pub fn verify_from<'a>(after: (i64, &str), entries: impl IntoIterator<Item = &'a LogEntry>) -> Verification {
    let mut v = Verifier::after(after.0, after.1);
    entries.into_iter().take_while(|e| v.push(&e.stored())).for_each(drop);
    v.finish()
}

/// [`verify_to_head`] for the entries after one already verified.
pub fn verify_to_head_from<'a>(
    after: (i64, &str),
    entries: impl IntoIterator<Item = &'a LogEntry>,
    head_seq: i64,
    head_hash: &str,
) -> Verification {
    let mut v = Verifier::after(after.0, after.1);
    entries.into_iter().take_while(|e| v.push(&e.stored())).for_each(drop);
    v.finish_at_head(head_seq, head_hash)
}

/// Verifies a whole log and that it ends at the head recorded on the incident.
pub fn verify_to_head<'a>(entries: impl IntoIterator<Item = &'a LogEntry>, head_seq: i64, head_hash: &str) -> Verification {
    let mut v = Verifier::new();
    entries.into_iter().take_while(|e| v.push(&e.stored())).for_each(drop);
    v.finish_at_head(head_seq, head_hash)
}

#[cfg(test)]
mod tests;
