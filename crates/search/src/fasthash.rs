//! Hashing for the engine's own tables, which sit on every question's path: the keys are
//! already hashes (of trigrams, of compound pieces) or terms from the guides, and only the
//! guides insert, so SipHash's protection against flooding buys nothing here and costs a tenth
//! of an answer's time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a over what is written, finished with a multiplicative mix so that a u64 key that is
/// already a hash spreads over the table's low bits.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { OFFSET } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
        self.0 = h;
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// One u64 key for a sequence of characters (FNV-1a over their code points).
pub fn key_of(chars: impl Iterator<Item = char>) -> u64 {
    let mut h = OFFSET;
    for c in chars {
        h = (h ^ u64::from(u32::from(c))).wrapping_mul(PRIME);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_sequences_get_different_keys_and_a_map_finds_what_it_holds() {
        assert_ne!(key_of("vand".chars()), key_of("vnad".chars()));
        assert_ne!(key_of("".chars()), key_of("a".chars()));
        assert_eq!(key_of("strøm".chars()), key_of("strøm".chars()));
        let mut m: FastMap<u64, u32> = FastMap::default();
        for i in 0..10_000u64 {
            m.insert(key_of(i.to_string().chars()), i as u32);
        }
        assert!((0..10_000u64).all(|i| m[&key_of(i.to_string().chars())] == i as u32));
    }
}
