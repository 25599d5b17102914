//! The Danish spelling dictionary Debian ships (`hunspell-da`, `/usr/share/hunspell/da_DK.aff`
//! and `.dic`) read so that the chatbot knows the words of the language and not only those of
//! its guides: which dictionary word a form is ("husene" is a form of "hus", "strømmen" of
//! "strøm"), whether a word is Danish at all (forms and compounds included), which dictionary
//! words a compound is made of, and what a misspelt word probably was ("elektrisitet" →
//! "elektricitet"). Snowball stemming cuts endings by rule and knows no words; this knows the
//! words and only the endings each of them really takes.
//!
//! A small reader of the parts of Hunspell's format the Danish files use, not a Hunspell:
//! - `SFX`/`PFX` rules (`SFX flag strip add/continuation condition`), reversed the way Hunspell
//!   checks a word: a suffix, two suffixes where the inner one's continuation flags carry the
//!   outer one's flag ("strøm" → "strømm", which needs an affix, → "strømmen"), a prefix, and a
//!   prefix with a suffix when both are marked `Y`;
//! - the `st:` field of a `.dic` line, by which the file lists irregular forms ("gik st:gå");
//! - `FORBIDDENWORD`, `NEEDAFFIX`, `ONLYINCOMPOUND`, `NOSUGGEST`;
//! - compounds by `COMPOUNDBEGIN`/`COMPOUNDMIDDLE`/`COMPOUNDEND` (or `COMPOUNDFLAG`),
//!   `COMPOUNDPERMITFLAG`, `COMPOUNDMIN`, `COMPOUNDWORDMAX` and `CHECKCOMPOUNDREP`. The Danish
//!   file gives the compound flags through affixes: a zero suffix makes a word a first part, the
//!   linking "s" and "e" are suffixes of their own, and every ending makes a last part;
//! - `REP`, `TRY` and `MAXCPDSUGS` for suggestions (`0` in the Danish file: no compound is
//!   suggested).
//!
//! Words are compared lower-cased: the dictionary's words and rules are lower-cased when read, so
//! a rule meant for words in capitals (the genitive `'s` of an abbreviation) applies to every
//! word that ends the same way.
//!
//! Measured on the real files, release build, on 2 cores shared with other builds (load about 5):
//! loading 157 838 words and 2 085 rules takes 0.25 s and about 34 MB; `lemmas` about 1 µs a
//! word; `is_word` of a compound 50–100 µs (most of it `CHECKCOMPOUNDREP`: every `REP` variant of
//! the word is checked); `suggest` 0.2 ms of CPU for a five-letter word and 0.6–1.6 ms for one
//! of 9–12 letters, about 1 µs for each of its 1 100 candidates (60-odd rules of the letters
//! the candidate ends with checked, ten stems looked up).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::path::Path;

/// Where Debian's `hunspell-da` installs the affix file.
pub const SYSTEM_AFF: &str = "/usr/share/hunspell/da_DK.aff";
/// Where Debian's `hunspell-da` installs the word list.
pub const SYSTEM_DIC: &str = "/usr/share/hunspell/da_DK.dic";

/// Hunspell's default shortest compound part, when the file sets none.
const DEFAULT_COMPOUNDMIN: usize = 3;
/// The most parts a compound is searched for, when the file sets no `COMPOUNDWORDMAX`.
const DEFAULT_COMPOUNDWORDMAX: usize = 10;
/// Longer words are not split into compounds: the search stays bounded.
const MAX_COMPOUND_CHARS: usize = 64;

type Flag = u32;

/// FxHash: the keys are short words, and SipHash would cost more than the rest of a look-up.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    /// Mixed at the end (murmur3's finaliser): a multiplication only carries bits upwards, and
    /// the table picks its bucket by the low ones.
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A Bloom filter of the words' hashes: 2²¹ bits (256 kB), two bits a word; for the 158 000
/// Danish words about one stem in fifty that is no word gets past it.
struct Bloom(Vec<u64>);

const BLOOM_BITS: u32 = 21;

impl Default for Bloom {
    fn default() -> Bloom {
        Bloom(vec![0; 1 << (BLOOM_BITS - 6)])
    }
}

impl std::fmt::Debug for Bloom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bloom({} bits)", self.0.len() * 64)
    }
}

impl Bloom {
    fn bits(hash: u64) -> [usize; 2] {
        let mask = (1u64 << BLOOM_BITS) - 1;
        [(hash & mask) as usize, ((hash >> 32) & mask) as usize]
    }

    fn insert(&mut self, hash: u64) {
        for b in Bloom::bits(hash) {
            self.0[b / 64] |= 1 << (b % 64);
        }
    }

    fn contains(&self, hash: u64) -> bool {
        Bloom::bits(hash).iter().all(|&b| self.0[b / 64] & (1 << (b % 64)) != 0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FlagKind {
    /// One character a flag (Hunspell's default).
    Char,
    /// Two characters a flag.
    Long,
    /// Decimal numbers separated by commas.
    Num,
}

#[derive(Debug, Clone)]
enum Unit {
    Any,
    Char(char),
    Set { chars: Vec<char>, negated: bool },
}

impl Unit {
    fn matches(&self, c: char) -> bool {
        match self {
            Unit::Any => true,
            Unit::Char(x) => *x == c,
            Unit::Set { chars, negated } => chars.contains(&c) != *negated,
        }
    }
}

/// An affix rule's condition: `.`, letters and `[…]`/`[^…]` sets, matched against the end of
/// the stem (a suffix) or its start (a prefix).
#[derive(Debug, Clone)]
struct Condition(Vec<Unit>);

impl Condition {
    fn parse(text: &str) -> Result<Condition, String> {
        let mut units = Vec::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            units.push(match c {
                '.' => Unit::Any,
                '[' => {
                    let mut set = Vec::new();
                    let mut negated = false;
                    let mut closed = false;
                    for (i, c) in chars.by_ref().enumerate() {
                        match c {
                            '^' if i == 0 => negated = true,
                            ']' => {
                                closed = true;
                                break;
                            }
                            c => set.push(c),
                        }
                    }
                    if !closed {
                        return Err(format!("the condition {text:?} opens a `[` it does not close"));
                    }
                    Unit::Set { chars: set, negated }
                }
                c => Unit::Char(c),
            });
        }
        if units.iter().all(|u| matches!(u, Unit::Any)) {
            units.clear();
        }
        Ok(Condition(units))
    }

    fn matches_end(&self, stem: &str) -> bool {
        let mut chars = stem.chars().rev();
        self.0.iter().rev().all(|u| chars.next().is_some_and(|c| u.matches(c)))
    }

    fn matches_start(&self, stem: &str) -> bool {
        let mut chars = stem.chars();
        self.0.iter().all(|u| chars.next().is_some_and(|c| u.matches(c)))
    }
}

#[derive(Debug, Clone)]
struct Affix {
    flag: Flag,
    cross: bool,
    strip: Box<str>,
    add: Box<str>,
    cond: Condition,
    /// Continuation flags: what the affixed form carries (compound flags, `NEEDAFFIX`) and which
    /// further affixes it takes.
    cont: Box<[Flag]>,
    /// A suffix whose flag another suffix's continuation carries: it may follow that one.
    followed: bool,
}

/// Rules by the text they add, each list ordered by what they strip (one stem per strip). Every
/// end of a suffix's text (every start of a prefix's) is a key, most with no rules: a look-up
/// that finds no key ends the search, as no longer affix can match either.
#[derive(Debug, Default)]
struct AffixIndex {
    by_add: FxMap<Box<str>, Vec<Slot>>,
    max_chars: usize,
    suffix: bool,
}

/// A rule in an [`AffixIndex`] list, with what is checked before the rule itself is read.
#[derive(Debug, Clone, Copy)]
struct Slot {
    rule: u32,
    /// Which strip of the list's (rules are ordered by strip, and one stem serves a strip).
    strip: u32,
    /// The letter the condition wants next to the affix, where it wants one: "bbe" of the
    /// imperative `be → 0` wants a "b" before the "e" left; most rules of a list are told apart
    /// by it without reading the condition.
    next_to: Option<char>,
}

impl AffixIndex {
    fn new(suffix: bool) -> AffixIndex {
        AffixIndex { suffix, ..AffixIndex::default() }
    }

    fn insert(&mut self, rules: &[Affix], i: usize) {
        let rule = &rules[i];
        let add = &rule.add;
        self.max_chars = self.max_chars.max(add.chars().count());
        let cuts = add.char_indices().map(|(c, _)| c).chain([add.len()]);
        for cut in cuts {
            let part = if self.suffix { &add[cut..] } else { &add[..cut] };
            self.by_add.entry(part.into()).or_default();
        }
        let (n, s) = (rule.cond.0.len(), rule.strip.chars().count());
        let unit = if n <= s {
            None
        } else if self.suffix {
            rule.cond.0.get(n - s - 1)
        } else {
            rule.cond.0.get(s)
        };
        let next_to = match unit {
            Some(Unit::Char(c)) => Some(*c),
            _ => None,
        };
        self.by_add.entry(add.clone()).or_default().push(Slot { rule: i as u32, strip: 0, next_to });
    }

    fn sort(&mut self, rules: &[Affix]) {
        for list in self.by_add.values_mut() {
            list.sort_by(|a, b| rules[a.rule as usize].strip.cmp(&rules[b.rule as usize].strip));
            let mut group = 0;
            for k in 1..list.len() {
                if rules[list[k].rule as usize].strip != rules[list[k - 1].rule as usize].strip {
                    group += 1;
                }
                list[k].strip = group;
            }
        }
    }
}

/// One dictionary line: its flags (an index into the interned flag sets) and the stem its `st:`
/// field names, if any.
#[derive(Debug)]
struct Homonym {
    flags: u32,
    stem: Option<Box<str>>,
}

/// One way a word is a dictionary word with affixes.
struct Analysis<'a> {
    root: &'a str,
    homonym: &'a Homonym,
    prefix: Option<&'a Affix>,
    /// The outer suffix, and the inner one of two.
    suffixes: [Option<&'a Affix>; 2],
}

impl Analysis<'_> {
    fn affixes(&self) -> impl Iterator<Item = &Affix> {
        self.prefix.into_iter().chain(self.suffixes.iter().flatten().copied())
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    Begin,
    Middle,
    End,
}

#[derive(Debug, Clone)]
struct Rep {
    from: Box<str>,
    to: Box<str>,
    at_start: bool,
    at_end: bool,
}

#[derive(Debug, Default, Clone, Copy)]
struct Flags {
    forbidden: Option<Flag>,
    need_affix: Option<Flag>,
    only_in_compound: Option<Flag>,
    no_suggest: Option<Flag>,
    compound: Option<Flag>,
    compound_begin: Option<Flag>,
    compound_middle: Option<Flag>,
    compound_end: Option<Flag>,
    compound_permit: Option<Flag>,
}

/// A Hunspell dictionary, read for the parts the chatbot needs. All words are lower-case.
#[derive(Debug)]
pub struct Hunspell {
    words: FxMap<Box<str>, Vec<Homonym>>,
    bloom: Bloom,
    flag_sets: Vec<Box<[Flag]>>,
    rules: Vec<Affix>,
    suffixes: AffixIndex,
    prefixes: AffixIndex,
    /// The suffixes whose continuation carries another suffix's flag: those an outer one follows.
    inner_suffixes: AffixIndex,
    reps: Vec<Rep>,
    try_chars: Vec<char>,
    flags: Flags,
    compound_min: usize,
    compound_word_max: usize,
    check_compound_rep: bool,
    max_compound_suggestions: Option<usize>,
    /// How the word list writes its flags, as the affix file declared.
    flag_kind: FlagKind,
}

fn has(set: &[Flag], flag: Option<Flag>) -> bool {
    flag.is_some_and(|f| set.contains(&f))
}

fn parse_flags(kind: FlagKind, text: &str) -> Result<Vec<Flag>, String> {
    match kind {
        FlagKind::Char => Ok(text.chars().map(|c| c as Flag).collect()),
        FlagKind::Long => {
            let chars: Vec<char> = text.chars().collect();
            if !chars.len().is_multiple_of(2) {
                return Err(format!("the long flags {text:?} are not pairs of characters"));
            }
            Ok(chars.chunks(2).map(|p| ((p[0] as Flag) << 16) | p[1] as Flag).collect())
        }
        FlagKind::Num => text
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.trim().parse::<Flag>().map_err(|_| format!("{s:?} is not a numeric flag")))
            .collect(),
    }
}

fn zero(s: &str) -> &str {
    if s == "0" { "" } else { s }
}

impl Hunspell {
    /// Reads the affix file `aff` and the word list `dic`; the error names the file and what is
    /// wrong with it.
    pub fn load(aff: &Path, dic: &Path) -> Result<Hunspell, String> {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("cannot read the Hunspell file {}: {e}", p.display()));
        let (aff_text, dic_text) = (read(aff)?, read(dic)?);
        let mut h = Hunspell::parse_aff(&aff_text).map_err(|e| format!("the Hunspell affix file {}: {e}", aff.display()))?;
        h.read_dic(&dic_text).map_err(|e| format!("the Hunspell word list {}: {e}", dic.display()))?;
        Ok(h)
    }

    /// Reads an affix file's text and a word list's text.
    pub fn parse(aff: &str, dic: &str) -> Result<Hunspell, String> {
        let mut h = Hunspell::parse_aff(aff).map_err(|e| format!("the affix file: {e}"))?;
        h.read_dic(dic).map_err(|e| format!("the word list: {e}"))?;
        Ok(h)
    }

    fn parse_aff(text: &str) -> Result<Hunspell, String> {
        let mut h = Hunspell {
            words: FxMap::default(),
            bloom: Bloom::default(),
            flag_sets: Vec::new(),
            rules: Vec::new(),
            suffixes: AffixIndex::new(true),
            prefixes: AffixIndex::new(false),
            inner_suffixes: AffixIndex::new(true),
            reps: Vec::new(),
            try_chars: Vec::new(),
            flags: Flags::default(),
            compound_min: DEFAULT_COMPOUNDMIN,
            compound_word_max: DEFAULT_COMPOUNDWORDMAX,
            check_compound_rep: false,
            max_compound_suggestions: None,
            flag_kind: FlagKind::Char,
        };
        let mut kind = FlagKind::Char;
        // The rule lines a `SFX`/`PFX` header still promises, by kind and flag.
        let mut pending: HashMap<(bool, Flag), (bool, usize)> = HashMap::new();
        let mut reps_pending: Option<usize> = None;
        let mut suffix_rules: Vec<usize> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let at = |e: String| format!("line {}: {e}", n + 1);
            let line = line.trim_start_matches('\u{feff}');
            let f: Vec<&str> = line.split_whitespace().collect();
            let Some(&key) = f.first() else { continue };
            if key.starts_with('#') {
                continue;
            }
            let arg = f.get(1).copied().unwrap_or("");
            let flag = |s: &str| -> Result<Option<Flag>, String> { Ok(parse_flags(kind, s).map_err(at)?.first().copied()) };
            let number = |s: &str| s.parse::<usize>().map_err(|_| at(format!("{key} needs a number, found {s:?}")));
            match key {
                "SET" if !arg.eq_ignore_ascii_case("utf-8") => {
                    return Err(at(format!("encoding {arg:?}; only UTF-8 is read (Debian's hunspell-da is UTF-8)")));
                }
                "FLAG" => {
                    kind = match arg {
                        "num" => FlagKind::Num,
                        "long" => FlagKind::Long,
                        "UTF-8" | "utf-8" => FlagKind::Char,
                        other => return Err(at(format!("FLAG {other:?} is not a flag type"))),
                    }
                }
                "AF" | "AM" => return Err(at(format!("{key} (flag aliases) is not read"))),
                "FORBIDDENWORD" => h.flags.forbidden = flag(arg)?,
                "NEEDAFFIX" => h.flags.need_affix = flag(arg)?,
                "ONLYINCOMPOUND" => h.flags.only_in_compound = flag(arg)?,
                "NOSUGGEST" => h.flags.no_suggest = flag(arg)?,
                "COMPOUNDFLAG" => h.flags.compound = flag(arg)?,
                "COMPOUNDBEGIN" => h.flags.compound_begin = flag(arg)?,
                "COMPOUNDMIDDLE" => h.flags.compound_middle = flag(arg)?,
                "COMPOUNDEND" | "COMPOUNDLAST" => h.flags.compound_end = flag(arg)?,
                "COMPOUNDPERMITFLAG" => h.flags.compound_permit = flag(arg)?,
                "COMPOUNDMIN" => h.compound_min = number(arg)?.max(1),
                "COMPOUNDWORDMAX" => h.compound_word_max = number(arg)?.max(2),
                "CHECKCOMPOUNDREP" => h.check_compound_rep = true,
                "MAXCPDSUGS" => h.max_compound_suggestions = Some(number(arg)?),
                "TRY" => {
                    for c in arg.chars().flat_map(char::to_lowercase) {
                        if c.is_lowercase() && !h.try_chars.contains(&c) {
                            h.try_chars.push(c);
                        }
                    }
                }
                "REP" => match reps_pending {
                    None => reps_pending = Some(number(arg)?),
                    Some(0) => return Err(at("more REP lines than the REP header promises".into())),
                    Some(left) => {
                        reps_pending = Some(left - 1);
                        let to = f.get(2).ok_or_else(|| at("a REP line needs what to replace and what with".into()))?;
                        let from = arg.to_lowercase();
                        let (from, at_start) = from.strip_prefix('^').map_or((from.as_str(), false), |s| (s, true));
                        let (from, at_end) = from.strip_suffix('$').map_or((from, false), |s| (s, true));
                        if !from.is_empty() {
                            h.reps.push(Rep { from: from.into(), to: to.to_lowercase().replace('_', " ").into(), at_start, at_end });
                        }
                    }
                },
                "SFX" | "PFX" => {
                    let suffix = key == "SFX";
                    let fl = flag(arg)?.ok_or_else(|| at(format!("{key} needs a flag")))?;
                    match pending.get_mut(&(suffix, fl)) {
                        Some((cross, left)) if *left > 0 => {
                            *left -= 1;
                            let (Some(strip), Some(add)) = (f.get(2), f.get(3)) else {
                                return Err(at(format!("a {key} rule needs strip and add")));
                            };
                            let (add, cont) = add.split_once('/').unwrap_or((add, ""));
                            let rule = Affix {
                                flag: fl,
                                cross: *cross,
                                strip: zero(strip).to_lowercase().into(),
                                add: zero(add).to_lowercase().into(),
                                cond: Condition::parse(&f.get(4).unwrap_or(&".").to_lowercase()).map_err(at)?,
                                cont: parse_flags(kind, cont).map_err(at)?.into(),
                                followed: false,
                            };
                            h.rules.push(rule);
                            let i = h.rules.len() - 1;
                            if suffix {
                                h.suffixes.insert(&h.rules, i);
                                suffix_rules.push(i);
                            } else {
                                h.prefixes.insert(&h.rules, i);
                            }
                        }
                        _ => {
                            let cross = match f.get(2) {
                                Some(&"Y") => true,
                                Some(&"N") => false,
                                _ => return Err(at(format!("a {key} header is `{key} flag Y|N count`"))),
                            };
                            let count = number(f.get(3).unwrap_or(&""))?;
                            pending.insert((suffix, fl), (cross, count));
                        }
                    }
                }
                _ => {}
            }
        }
        h.flag_kind = kind;
        let suffix_flags: HashSet<Flag> = suffix_rules.iter().map(|&i| h.rules[i].flag).collect();
        let continued: HashSet<Flag> = suffix_rules.iter().flat_map(|&i| h.rules[i].cont.iter().copied()).collect();
        for &i in &suffix_rules {
            h.rules[i].followed = continued.contains(&h.rules[i].flag);
            if h.rules[i].cont.iter().any(|c| suffix_flags.contains(c)) {
                h.inner_suffixes.insert(&h.rules, i);
            }
        }
        h.suffixes.sort(&h.rules);
        h.prefixes.sort(&h.rules);
        h.inner_suffixes.sort(&h.rules);
        Ok(h)
    }

    fn read_dic(&mut self, text: &str) -> Result<(), String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            // "160502 # Produced By Stavekontrolden.dk"
            Some((_, first))
                if first.trim_start_matches('\u{feff}').split_whitespace().next().is_some_and(|n| n.parse::<usize>().is_ok()) => {}
            Some((_, first)) => return Err(format!("line 1: expected the number of words, found {first:?}")),
            None => return Err("it is empty".into()),
        }
        let mut interned: HashMap<Vec<Flag>, u32> = HashMap::new();
        let kind = self.flag_kind;
        for (_, line) in lines {
            // The word ends at a tab, or at a space that starts a morphological field (`st:gå`);
            // "a cappella" is one word.
            let (entry, morph) = match line.find('\t') {
                Some(t) => (&line[..t], &line[t + 1..]),
                None => {
                    let b = line.as_bytes();
                    let cut = (0..b.len()).find(|&i| b[i] == b' ' && b.len() > i + 3 && b[i + 3] == b':' && line.is_char_boundary(i + 3));
                    cut.map_or((line, ""), |i| (&line[..i], &line[i + 1..]))
                }
            };
            let entry = entry.trim_end();
            if entry.is_empty() {
                continue;
            }
            let slash = entry.char_indices().find(|&(i, c)| c == '/' && i > 0 && !entry[..i].ends_with('\\')).map(|(i, _)| i);
            // A word with a slash of its own ("A/S") has flags that do not read: it is the word.
            let (word, mut flags) = match slash.map(|i| (&entry[..i], parse_flags(kind, &entry[i + 1..]))) {
                Some((word, Ok(flags))) => (word, flags),
                None | Some((_, Err(_))) => (entry, Vec::new()),
            };
            flags.sort_unstable();
            flags.dedup();
            let id = match interned.get(&flags) {
                Some(&id) => id,
                None => {
                    let id = self.flag_sets.len() as u32;
                    self.flag_sets.push(flags.clone().into());
                    interned.insert(flags, id);
                    id
                }
            };
            let stem = morph.split_whitespace().find_map(|m| m.strip_prefix("st:")).map(|s| s.to_lowercase().into());
            let word = word.replace("\\/", "/").to_lowercase();
            self.bloom.insert(BuildHasherDefault::<Fx>::default().hash_one(word.as_str()));
            self.words.entry(word.into()).or_default().push(Homonym { flags: id, stem });
        }
        Ok(())
    }

    /// How many words the word list holds (lower-cased, homonyms once).
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

impl Hunspell {
    /// The word list's entry for `word`. Most stems tried are no words, and the list is too
    /// big for the cache: a bit set of the words' hashes answers most of them first.
    fn entry(&self, word: &str) -> Option<(&str, &[Homonym])> {
        let hash = BuildHasherDefault::<Fx>::default().hash_one(word);
        if !self.bloom.contains(hash) {
            return None;
        }
        self.words.get_key_value(word).map(|(k, v)| (&**k, v.as_slice()))
    }

    fn flags_of(&self, h: &Homonym) -> &[Flag] {
        &self.flag_sets[h.flags as usize]
    }

    /// Every way `word` is a dictionary word as it stands or with affixes, until `visit` says
    /// it has found what it looks for (returns true).
    /// A word the list forbids (`FORBIDDENWORD`) has none, whatever its affixes would allow.
    fn analyses<'s>(&'s self, word: &str, visit: &mut dyn FnMut(&Analysis<'s>) -> bool) -> bool {
        let whole = self.entry(word);
        if let Some((root, homonyms)) = whole {
            if homonyms.iter().any(|h| has(self.flags_of(h), self.flags.forbidden)) {
                return false;
            }
            for homonym in homonyms {
                if visit(&Analysis { root, homonym, prefix: None, suffixes: [None, None] }) {
                    return true;
                }
            }
        }
        if self.suffix_analyses(word, Some(whole), None, visit) {
            return true;
        }
        let mut stem = String::new();
        let starts = std::iter::once(0).chain(word.char_indices().skip(1).map(|(i, _)| i)).take(self.prefixes.max_chars + 1);
        for cut in starts {
            let Some(list) = self.prefixes.by_add.get(&word[..cut]) else { break };
            if cut == word.len() {
                continue;
            }
            let next = word[cut..].chars().next();
            for slot in list {
                if slot.next_to.is_some_and(|c| Some(c) != next) {
                    continue;
                }
                let rule = &self.rules[slot.rule as usize];
                stem.clear();
                stem.push_str(&rule.strip);
                stem.push_str(&word[cut..]);
                if !rule.cond.matches_start(&stem) {
                    continue;
                }
                if let Some((root, homonyms)) = self.entry(&stem) {
                    for homonym in homonyms {
                        if self.flags_of(homonym).contains(&rule.flag)
                            && visit(&Analysis { root, homonym, prefix: Some(rule), suffixes: [None, None] })
                        {
                            return true;
                        }
                    }
                }
                if rule.cross && self.suffix_analyses(&stem, None, Some(rule), visit) {
                    return true;
                }
            }
        }
        false
    }

    /// The analyses of `word` by one suffix, or two, or one after `prefix` was taken off;
    /// `whole` is the word's own entry where it was looked up already.
    #[allow(clippy::type_complexity)]
    fn suffix_analyses<'s>(
        &'s self,
        word: &str,
        whole: Option<Option<(&'s str, &'s [Homonym])>>,
        prefix: Option<&'s Affix>,
        visit: &mut dyn FnMut(&Analysis<'s>) -> bool,
    ) -> bool {
        // Built only for a rule that strips something; otherwise the stem is a slice of the word.
        let mut built = String::new();
        // The rules of one strip whose condition holds and that an inner suffix may precede.
        let mut outer: Vec<&'s Affix> = Vec::new();
        let cuts = std::iter::once(word.len()).chain(word.char_indices().rev().map(|(i, _)| i)).take(self.suffixes.max_chars + 1);
        for cut in cuts {
            if cut == 0 {
                break;
            }
            let Some(list) = self.suffixes.by_add.get(&word[cut..]) else { break };
            let before = word[..cut].chars().next_back();
            for group in list.chunk_by(|a, b| a.strip == b.strip) {
                if !group.iter().any(|s| s.next_to.is_none_or(|c| Some(c) == before)) {
                    continue;
                }
                let strip = &self.rules[group[0].rule as usize].strip;
                let stem = if strip.is_empty() {
                    &word[..cut]
                } else {
                    built.clear();
                    built.push_str(&word[..cut]);
                    built.push_str(strip);
                    built.as_str()
                };
                // The stem's dictionary entry, looked up once a rule's condition holds for it.
                let mut found: Option<Option<(&'s str, &'s [Homonym])>> = if cut == word.len() && strip.is_empty() { whole } else { None };
                outer.clear();
                for slot in group {
                    if slot.next_to.is_some_and(|c| Some(c) != before) {
                        continue;
                    }
                    let rule = &self.rules[slot.rule as usize];
                    if (prefix.is_some() && !rule.cross) || !rule.cond.matches_end(stem) {
                        continue;
                    }
                    if rule.followed && prefix.is_none() {
                        outer.push(rule);
                    }
                    let entry = *found.get_or_insert_with(|| self.entry(stem));
                    let Some((root, homonyms)) = entry else { continue };
                    for homonym in homonyms {
                        let flags = self.flags_of(homonym);
                        let suffix_ok = flags.contains(&rule.flag) || prefix.is_some_and(|p| p.cont.contains(&rule.flag));
                        let prefix_ok = prefix.is_none_or(|p| flags.contains(&p.flag) || rule.cont.contains(&p.flag));
                        if suffix_ok && prefix_ok && visit(&Analysis { root, homonym, prefix, suffixes: [Some(rule), None] }) {
                            return true;
                        }
                    }
                }
                if !outer.is_empty() && self.inner_analyses(stem, &outer, visit) {
                    return true;
                }
            }
        }
        false
    }

    /// Two suffixes: `stem` is what an outer rule of `outer` left, and an inner suffix whose
    /// continuation carries the outer one's flag comes off it.
    fn inner_analyses<'s>(&'s self, stem: &str, outer: &[&'s Affix], visit: &mut dyn FnMut(&Analysis<'s>) -> bool) -> bool {
        let inner = &self.inner_suffixes;
        let mut built = String::new();
        let cuts = std::iter::once(stem.len()).chain(stem.char_indices().rev().map(|(i, _)| i)).take(inner.max_chars + 1);
        for cut in cuts {
            if cut == 0 {
                break;
            }
            let Some(list) = inner.by_add.get(&stem[cut..]) else { break };
            let before = stem[..cut].chars().next_back();
            for slot in list {
                if slot.next_to.is_some_and(|c| Some(c) != before) {
                    continue;
                }
                let inner_rule = &self.rules[slot.rule as usize];
                if !outer.iter().any(|o| inner_rule.cont.contains(&o.flag)) {
                    continue;
                }
                built.clear();
                built.push_str(&stem[..cut]);
                built.push_str(&inner_rule.strip);
                if !inner_rule.cond.matches_end(&built) {
                    continue;
                }
                let Some((root, homonyms)) = self.entry(&built) else { continue };
                for homonym in homonyms {
                    if !self.flags_of(homonym).contains(&inner_rule.flag) {
                        continue;
                    }
                    for &rule in outer.iter().filter(|o| inner_rule.cont.contains(&o.flag)) {
                        if visit(&Analysis { root, homonym, prefix: None, suffixes: [Some(rule), Some(inner_rule)] }) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Whether the affixes of an analysis that need a further affix have one.
    fn needs_met(&self, a: &Analysis) -> bool {
        let need = self.flags.need_affix;
        let outer = match a.suffixes[0] {
            Some(s) => &s.cont[..],
            None if a.prefix.is_some() => &[],
            None => self.flags_of(a.homonym),
        };
        let suffix_side = has(outer, need);
        match a.prefix {
            None => !suffix_side,
            Some(p) => {
                let prefix_needs = has(&p.cont, need);
                !(prefix_needs && (a.suffixes[0].is_none() || suffix_side))
            }
        }
    }

    /// A word of its own: not forbidden, not only for compounds, with every affix it needs.
    fn standalone(&self, a: &Analysis) -> bool {
        let flags = self.flags_of(a.homonym);
        let only = self.flags.only_in_compound;
        !has(flags, self.flags.forbidden) && !has(flags, only) && !a.affixes().any(|x| has(&x.cont, only)) && self.needs_met(a)
    }

    /// A part of a compound at `place`: it carries the place's compound flag, through its own
    /// flags or an affix, and an affix on the inner side of a joint is one that permits it.
    fn part(&self, a: &Analysis, place: Place) -> bool {
        let flags = self.flags_of(a.homonym);
        if has(flags, self.flags.forbidden) || !self.needs_met(a) {
            return false;
        }
        let specific = match place {
            Place::Begin => self.flags.compound_begin,
            Place::Middle => self.flags.compound_middle,
            Place::End => self.flags.compound_end,
        };
        let carries = |f: Option<Flag>| has(flags, f) || a.affixes().any(|x| has(&x.cont, f));
        if !carries(specific) && !carries(self.flags.compound) {
            return false;
        }
        let permit = self.flags.compound_permit;
        let suffixes_ok = place == Place::End || a.suffixes.iter().flatten().all(|s| has(&s.cont, permit));
        let prefix_ok = place == Place::Begin || a.prefix.is_none_or(|p| has(&p.cont, permit));
        suffixes_ok && prefix_ok
    }

    fn forbidden(&self, word: &str) -> bool {
        self.entry(word).is_some_and(|(_, hs)| hs.iter().any(|h| has(self.flags_of(h), self.flags.forbidden)))
    }

    /// Whether `word` is a dictionary word or a form of one (compounds aside), and a root of it
    /// that may be suggested.
    fn simple_word(&self, word: &str) -> Option<bool> {
        let mut any = false;
        let mut suggestible = false;
        self.analyses(word, &mut |a| {
            if self.standalone(a) {
                any = true;
                suggestible = !has(self.flags_of(a.homonym), self.flags.no_suggest);
            }
            suggestible
        });
        any.then_some(suggestible)
    }

    /// The dictionary words (lower-case) of which `word` is a form: the word itself if it is
    /// one, the stems its affixes come off, and the stem the word list names for an irregular
    /// form ("gik" → "gå"). Empty for a word the dictionary does not know (compounds included:
    /// see [`Hunspell::compound_parts`]).
    pub fn lemmas(&self, word: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.analyses(word, &mut |a| {
            if self.standalone(a) {
                if !out.contains(&a.root) {
                    out.push(a.root);
                }
                if a.prefix.is_none()
                    && a.suffixes[0].is_none()
                    && let Some(stem) = a.homonym.stem.as_deref()
                    && !out.contains(&stem)
                {
                    out.push(stem);
                }
            }
            false
        });
        if let Some(i) = out.iter().position(|w| *w == word) {
            out[..=i].rotate_right(1);
        }
        out
    }

    /// Whether `word` is Danish by the dictionary: a dictionary word, a form of one, or a
    /// compound of them the affix file allows.
    pub fn is_word(&self, word: &str) -> bool {
        self.simple_word(word).is_some() || self.compound(word).is_some()
    }

    /// For a word that is neither a dictionary word nor a form of one but a compound the affix
    /// file allows, the dictionary words of its parts, first to last ("strømudfaldet" →
    /// "strøm", "udfald"). A linking "s" or "e" belongs to the part before it.
    pub fn compound_parts(&self, word: &str) -> Option<Vec<String>> {
        if self.simple_word(word).is_some() {
            return None;
        }
        self.compound(word).map(|parts| parts.into_iter().map(str::to_owned).collect())
    }

    /// The roots of a compound's parts, if `word` is one: bounded by `COMPOUNDWORDMAX` parts,
    /// each of at least `COMPOUNDMIN` letters, and a failed rest of the word is not tried twice.
    fn compound(&self, word: &str) -> Option<Vec<&str>> {
        let f = &self.flags;
        if f.compound.is_none() && (f.compound_begin.is_none() || f.compound_end.is_none()) {
            return None;
        }
        let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain([word.len()]).collect();
        let chars = bounds.len() - 1;
        if chars < 2 * self.compound_min || chars > MAX_COMPOUND_CHARS || self.forbidden(word) {
            return None;
        }
        let mut parts = Vec::new();
        let mut failed = vec![false; chars + 1];
        if !self.split(word, &bounds, 0, &mut parts, &mut failed) {
            return None;
        }
        if self.check_compound_rep && self.rep_variants(word).any(|w| self.simple_word(&w).is_some()) {
            return None;
        }
        Some(parts)
    }

    fn part_root(&self, part: &str, place: Place) -> Option<&str> {
        let mut root = None;
        self.analyses(part, &mut |a| {
            if self.part(a, place) {
                root = Some(a.root);
            }
            root.is_some()
        });
        root
    }

    fn split<'s>(&'s self, word: &str, bounds: &[usize], start: usize, parts: &mut Vec<&'s str>, failed: &mut [bool]) -> bool {
        let chars = bounds.len() - 1;
        let first = parts.is_empty();
        if !first && let Some(root) = self.part_root(&word[bounds[start]..], Place::End) {
            parts.push(root);
            return true;
        }
        if parts.len() + 2 > self.compound_word_max || failed[start] {
            return false;
        }
        let place = if first { Place::Begin } else { Place::Middle };
        for end in start + self.compound_min..=chars.saturating_sub(self.compound_min) {
            if failed[end] {
                continue;
            }
            let Some(root) = self.part_root(&word[bounds[start]..bounds[end]], place) else { continue };
            parts.push(root);
            if self.split(word, bounds, end, parts, failed) {
                return true;
            }
            parts.pop();
        }
        if !first {
            failed[start] = true;
        }
        false
    }

    /// The words the `REP` table makes of `word`, one replacement at a time, phrases left out.
    fn rep_variants<'a>(&'a self, word: &'a str) -> impl Iterator<Item = String> + 'a {
        self.reps.iter().filter(|r| !r.to.contains(' ')).flat_map(move |r| {
            word.match_indices(&*r.from)
                .map(|(i, _)| i)
                .filter(move |&i| (!r.at_start || i == 0) && (!r.at_end || i + r.from.len() == word.len()))
                .map(move |i| format!("{}{}{}", &word[..i], r.to, &word[i + r.from.len()..]))
        })
    }

    /// Spelling suggestions for a word [`Hunspell::is_word`] rejects (none for one it accepts):
    /// first what the `REP` table makes of it, then one edit (a letter deleted, two swapped, a
    /// letter replaced by or inserted from the `TRY` letters), each kept only if it is a word,
    /// not marked `NOSUGGEST`, and a compound only as far as `MAXCPDSUGS` allows; in that order,
    /// each once, at most `limit`.
    pub fn suggest(&self, word: &str, limit: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if limit == 0 || word.is_empty() || self.is_word(word) {
            return out;
        }
        let mut compounds = 0;
        let mut consider = |candidate: String, out: &mut Vec<String>| {
            if out.len() >= limit || candidate == word || out.contains(&candidate) {
                return;
            }
            match self.simple_word(&candidate) {
                Some(true) => out.push(candidate),
                Some(false) => {}
                None if self.max_compound_suggestions.is_none_or(|m| compounds < m) && self.compound(&candidate).is_some() => {
                    compounds += 1;
                    out.push(candidate);
                }
                None => {}
            }
        };
        for candidate in self.rep_variants(word) {
            consider(candidate, &mut out);
        }
        let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain([word.len()]).collect();
        let letters: Vec<char> = word.chars().collect();
        let n = letters.len();
        let join = |parts: &[&str]| parts.concat();
        for i in 0..n {
            consider(join(&[&word[..bounds[i]], &word[bounds[i + 1]..]]), &mut out);
        }
        for i in 1..n {
            if letters[i] != letters[i - 1] {
                let (a, b) = (&word[bounds[i - 1]..bounds[i]], &word[bounds[i]..bounds[i + 1]]);
                consider(join(&[&word[..bounds[i - 1]], b, a, &word[bounds[i + 1]..]]), &mut out);
            }
        }
        let mut letter = [0u8; 4];
        for i in 0..n {
            for &c in &self.try_chars {
                if c != letters[i] {
                    consider(join(&[&word[..bounds[i]], c.encode_utf8(&mut letter), &word[bounds[i + 1]..]]), &mut out);
                }
            }
        }
        for i in 0..=n {
            for &c in &self.try_chars {
                consider(join(&[&word[..bounds[i]], c.encode_utf8(&mut letter), &word[bounds[i]..]]), &mut out);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AFF: &str = "SET UTF-8\nFLAG num\n# a comment\nTRY esrntliadkogmufbvph\n\
        NEEDAFFIX 8\nFORBIDDENWORD 6\nONLYINCOMPOUND 36\nNOSUGGEST 86\n\
        COMPOUNDBEGIN 32\nCOMPOUNDMIDDLE 33\nCOMPOUNDEND 34\nCOMPOUNDPERMITFLAG 35\nCOMPOUNDMIN 2\nCHECKCOMPOUNDREP\n\
        REP 4\nREP s c #elektrisitet\nREP ^ph f\nREP x$ ks\nREP ^nutildags$ nu_til_dags\n\
        SFX 2 Y 2\nSFX 2 0 en/34 [^e]\nSFX 2 0 n/34 e\n\
        SFX 4 Y 2\nSFX 4 0 et/34 [^e]\t+BESTEMT_ENTAL\nSFX 4 0 t/34 e\n\
        SFX 5 Y 1\nSFX 5 0 ene/34 [^r]\n\
        SFX 12 Y 1\nSFX 12 el le/34 [^l]el\n\
        SFX 19 Y 1\nSFX 19 0 m/8,2,35,34 m\n\
        SFX 29 Y 2\nSFX 29 0 s/32,35,36 .\nSFX 29 0 s/33,35,36 .\n\
        SFX 31 Y 2\nSFX 31 0 0/32,36,35 .\nSFX 31 0 0/33,36,35 .\n\
        SFX 39 Y 1\nSFX 39 0 0/35,34 .\n\
        PFX 37 Y 1\nPFX 37 0 u .\n\
        PFX 38 N 1\nPFX 38 0 for .\n";

    const DIC: &str = "14\nhus/4,5,31,39\nstrøm/19,31,39\nvand/4,31,39\nsvigt/4,39\nsikkerhed/29,39\n\
        lykke/4,37,38\nmodel/12\nallel/12\ngå\ngik st:gå\nelektricitet/4,39\nstrømsvigt/6\nlort/86\nHus/4\n";

    fn sample() -> Hunspell {
        Hunspell::parse(AFF, DIC).unwrap()
    }

    #[test]
    fn a_suffix_is_taken_off_where_its_condition_holds_and_the_stem_carries_its_flag() {
        let h = sample();
        assert_eq!(h.lemmas("husene"), ["hus"]);
        assert_eq!(h.lemmas("huset"), ["hus"]);
        assert_eq!(h.lemmas("hus"), ["hus"], "homonyms (\"Hus\", \"hus\") are one word lower-cased");
        assert_eq!(h.lemmas("modle"), ["model"], "strip \"el\", add \"le\"");
        assert!(h.lemmas("allle").is_empty(), "the condition [^l]el does not hold for \"allel\"");
        assert!(h.lemmas("vandene").is_empty(), "vand does not carry the flag of -ene");
        assert!(h.lemmas("lykkeet").is_empty(), "-et wants a stem not ending in e");
        assert_eq!(h.lemmas("lykket"), ["lykke"]);
        assert!(h.is_word("husene") && !h.is_word("husen"));
    }

    #[test]
    fn two_suffixes_where_the_inner_one_needs_the_outer() {
        let h = sample();
        assert_eq!(h.lemmas("strømmen"), ["strøm"]);
        assert!(h.lemmas("strømm").is_empty() && !h.is_word("strømm"), "the doubled consonant needs an ending");
    }

    #[test]
    fn prefixes_and_their_cross_products_with_suffixes() {
        let h = sample();
        assert_eq!(h.lemmas("ulykke"), ["lykke"]);
        assert_eq!(h.lemmas("ulykket"), ["lykke"], "u- and -t are both marked Y");
        assert_eq!(h.lemmas("forlykke"), ["lykke"]);
        assert!(h.lemmas("forlykket").is_empty(), "for- is marked N: no suffix with it");
        assert!(h.lemmas("uhus").is_empty(), "hus does not carry u-");
    }

    #[test]
    fn irregular_forms_name_their_stem_and_forbidden_words_are_none() {
        let h = sample();
        assert_eq!(h.lemmas("gik"), ["gik", "gå"]);
        assert_eq!(h.lemmas("gå"), ["gå"]);
        assert!(h.lemmas("strømsvigt").is_empty() && !h.is_word("strømsvigt"), "a forbidden word, though a valid compound");
        assert!(!h.is_word("xyz") && h.lemmas("xyz").is_empty());
        assert_eq!(h.len(), 13);
    }

    #[test]
    fn compounds_by_the_flags_with_a_linking_s_and_an_ending_on_the_last_part() {
        let h = sample();
        assert_eq!(h.compound_parts("vandsvigt"), Some(vec!["vand".into(), "svigt".into()]));
        assert_eq!(h.compound_parts("husvandet"), Some(vec!["hus".into(), "vand".into()]), "an ending on the last part");
        assert_eq!(h.compound_parts("sikkerhedssvigt"), Some(vec!["sikkerhed".into(), "svigt".into()]), "the linking s");
        assert_eq!(h.compound_parts("strømvandsvigtet"), Some(vec!["strøm".into(), "vand".into(), "svigt".into()]));
        assert!(h.is_word("vandsvigtet") && h.lemmas("vandsvigtet").is_empty());
        assert_eq!(h.compound_parts("svigtvand"), None, "svigt is no first part");
        assert_eq!(h.compound_parts("sikkerhedsvigt"), None, "sikkerhed is a first part only with its s");
        assert_eq!(h.compound_parts("husenevand"), None, "-ene does not permit a part after it");
        assert_eq!(h.compound_parts("huset"), None, "a form of a dictionary word is no compound");
        assert!(!h.is_word("van") && !h.is_word("husvan"));
    }

    #[test]
    fn a_compound_the_rep_table_turns_into_a_word_is_a_misspelling() {
        let aff = AFF;
        let dic = "3\nba/31\nsis/39\nbacis\n";
        let h = Hunspell::parse(aff, dic).unwrap();
        assert!(!h.is_word("basis"), "REP s c makes it \"bacis\"");
        let h = Hunspell::parse(&aff.replace("CHECKCOMPOUNDREP\n", ""), dic).unwrap();
        assert_eq!(h.compound_parts("basis"), Some(vec!["ba".into(), "sis".into()]));
    }

    #[test]
    fn suggestions_come_from_the_rep_table_then_one_edit_and_are_words() {
        let h = sample();
        assert_eq!(h.suggest("elektrisitet", 5), ["elektricitet"]);
        assert_eq!(h.suggest("hsu", 5), ["hus"], "two letters swapped");
        assert_eq!(h.suggest("huus", 5), ["hus"], "a letter too many");
        assert_eq!(h.suggest("vnd", 5), ["vand"], "a letter missing");
        assert_eq!(h.suggest("vamd", 5), ["vand"], "a wrong letter");
        assert!(h.suggest("hus", 5).is_empty(), "a word needs no suggestion");
        assert!(h.suggest("lrot", 5).is_empty(), "NOSUGGEST");
        assert!(h.suggest("vamd", 0).is_empty());
        let many = h.suggest("husz", 10);
        assert_eq!(many.first().map(String::as_str), Some("hus"), "{many:?}");
        assert_eq!(h.suggest("husz", 1).len(), 1);
        assert_eq!(h.suggest("vandsvigtx", 5), ["vandsvigt"], "compounds too when MAXCPDSUGS allows");
        let h = Hunspell::parse(&format!("{AFF}MAXCPDSUGS 0\n"), DIC).unwrap();
        assert!(h.suggest("vandsvigtx", 5).is_empty(), "MAXCPDSUGS 0: no compound is suggested");
    }

    #[test]
    fn rep_anchors_are_respected_and_phrases_left_out() {
        let h = Hunspell::parse(AFF, "3\nfase/4\nboks\nvaks\n").unwrap();
        assert_eq!(h.suggest("phase", 3), ["fase"]);
        assert_eq!(h.suggest("box", 3), ["boks"], "x$ at the end");
        assert!(h.rep_variants("nutildags").all(|w| !w.contains(' ')), "a phrase is not a word");
        assert!(h.rep_variants("nutildags").any(|w| w == "nutildagc"));
        assert!(h.rep_variants("xa").all(|w| w != "ksa"), "x$ only at the end");
    }

    #[test]
    fn broken_files_are_refused_with_their_line() {
        assert!(Hunspell::parse("SET ISO8859-1\n", "0\n").unwrap_err().contains("only UTF-8"));
        assert!(Hunspell::parse("FLAG num\nSFX x Y 1\n", "0\n").unwrap_err().contains("line 2:"));
        assert!(Hunspell::parse("SFX a Y 1\nSFX a 0 s [^s\n", "0\n").unwrap_err().contains("line 2:"));
        assert!(Hunspell::parse(AFF, "").unwrap_err().contains("empty"));
        assert!(Hunspell::parse(AFF, "hus/4\n").unwrap_err().contains("line 1:"));
        assert_eq!(Hunspell::parse(AFF, "1\nA/S\n").unwrap().lemmas("a/s"), ["a/s"], "a slash of the word's own");
        let e = Hunspell::load(Path::new("/nonexistent.aff"), Path::new("/nonexistent.dic")).unwrap_err();
        assert!(e.contains("/nonexistent.aff"), "{e}");
    }

    #[test]
    fn single_character_flags_are_read_by_default() {
        let h = Hunspell::parse("SFX A Y 1\nSFX A 0 er .\nPFX B Y 1\nPFX B 0 u .\n", "1\nlærer/AB\n").unwrap();
        assert_eq!(h.lemmas("lærerer"), ["lærer"]);
        assert_eq!(h.lemmas("ulærerer"), ["lærer"]);
    }

    /// Debian's files (`scripts/test` installs `hunspell-da`); skipped with a note only where
    /// they are missing.
    fn system() -> Option<Hunspell> {
        if !Path::new(SYSTEM_AFF).exists() || !Path::new(SYSTEM_DIC).exists() {
            eprintln!("skipped: {SYSTEM_AFF} or {SYSTEM_DIC} is missing (apt-get install hunspell-da)");
            return None;
        }
        Some(Hunspell::load(Path::new(SYSTEM_AFF), Path::new(SYSTEM_DIC)).expect("Debian's hunspell-da reads"))
    }

    #[test]
    fn debians_danish_dictionary_knows_the_forms_of_everyday_words() {
        let Some(h) = system() else { return };
        assert!(h.len() > 150_000, "{} words", h.len());
        assert_eq!(h.lemmas("husene"), ["hus"]);
        assert_eq!(h.lemmas("vandet"), ["vandet", "vande", "vand"], "a word, to water's participle, water's definite form");
        let strømmen = h.lemmas("strømmen");
        assert!(
            strømmen.contains(&"strøm") && strømmen.contains(&"strømme"),
            "{strømmen:?}: the noun's definite form, the verb's participle"
        );
        assert_eq!(h.lemmas("børnene"), ["børn"], "the dictionary lists børn as a word of its own");
        assert_eq!(h.lemmas("barnet"), ["barn"]);
        assert_eq!(h.lemmas("gik"), ["gik", "gå"]);
        assert_eq!(h.lemmas("strømsvigtet"), ["strømsvigt"]);
        assert!(h.lemmas("strømmm").is_empty());
        assert_eq!(h.compound_parts("strømudfaldet"), Some(vec!["strøm".into(), "udfald".into()]));
        assert_eq!(h.compound_parts("skybrudssikring"), Some(vec!["skybrud".into(), "sikring".into()]), "the linking s");
        assert_eq!(h.compound_parts("strømsvigtet"), None, "the dictionary has strømsvigt");
    }

    #[test]
    fn debians_danish_dictionary_checks_compounds_and_suggests() {
        let Some(h) = system() else { return };
        assert!(h.is_word("strømsvigt") && h.is_word("husene"));
        assert!(!h.is_word("elektrisitet") && !h.is_word("hsuene"));
        assert_eq!(h.suggest("elektrisitet", 5), ["elektricitet"]);
        assert_eq!(h.suggest("oversvømelse", 5), ["oversvømmelse"]);
        assert_eq!(h.suggest("evakuerinsplan", 5), ["evakueringsplan"]);
        assert!(h.suggest("husne", 20).contains(&"husene".to_string()), "{:?}", h.suggest("husne", 20));
    }

    /// Prints what loading and the calls cost (no timed assertion: the machine is shared); the
    /// module doc has the figures of a release build.
    #[test]
    fn debians_danish_dictionary_timings_are_printed() {
        use std::time::Instant;
        let rss = || {
            let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
            statm.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()).map_or(0, |pages| pages * 4096 / 1_000_000)
        };
        let before = rss();
        let started = Instant::now();
        let Some(h) = system() else { return };
        eprintln!("load: {:?}, about {} MB", started.elapsed(), rss().saturating_sub(before));
        let words = ["husene", "vandet", "strømmen", "børnene", "evakueringsplanen", "skybrudssikring", "hvor", "kan", "jeg", "få"];
        let rounds = 200;
        let started = Instant::now();
        let mut found = 0;
        for _ in 0..rounds {
            for w in words {
                found += h.lemmas(w).len();
            }
        }
        eprintln!("lemmas: {:?} a word ({found} lemmas)", started.elapsed() / (rounds * words.len()) as u32);
        let started = Instant::now();
        let accepted = (0..rounds).flat_map(|_| words).filter(|w| h.is_word(w)).count();
        eprintln!("is_word: {:?} a word ({accepted} accepted)", started.elapsed() / (rounds * words.len()) as u32);
        for w in ["elektrisitet", "evakuerinsplan", "oversvømelse", "hospitalt", "kogevant"] {
            let started = Instant::now();
            let s = h.suggest(w, 5);
            eprintln!("suggest {w}: {:?} {s:?}", started.elapsed());
        }
        assert!(found > 0 && accepted > 0);
    }
}
