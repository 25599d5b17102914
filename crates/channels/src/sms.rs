//! The citizen summary as an SMS: GSM-7 (3GPP TS 23.038) when the text fits it, after
//! transliterating the usual typographic characters; UCS-2 otherwise. Counts the septets or
//! UTF-16 units and the segments an SMS gateway will send.

use crate::Published;
use crate::text::{self, Links};
use serde::Serialize;

/// GSM 03.38 basic character set, one septet each (the escape 0x1B is not a character).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: an escape and the character, two septets each.
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

const GSM7_SINGLE: usize = 160;
const GSM7_SEGMENT: usize = 153;
const UCS2_SINGLE: usize = 70;
const UCS2_SEGMENT: usize = 67;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Sms {
    /// The text as it will be sent (transliterated when GSM-7).
    pub text: String,
    pub encoding: Encoding,
    /// Messages the text is sent as; an empty text is still one message.
    pub segments: usize,
    /// Septets for GSM-7, UTF-16 code units for UCS-2.
    pub units: usize,
    /// Characters transliterated to fit GSM-7 and what replaced them, each once, in order of
    /// first appearance. Empty for UCS-2, which sends the text unchanged.
    pub replaced: Vec<(char, String)>,
}

/// The citizen summary as plain text, then " Mere: {url}" when a public page is given.
pub fn render(p: &Published, public_url: Option<&str>) -> Sms {
    let mut out = String::new();
    if p.incident.exercise && !text::bare_title(p).to_lowercase().starts_with("øvelse") {
        out.push_str("ØVELSE: ");
    }
    let summary = text::plain(&p.version.guide.citizen_summary, Links::Inline);
    if p.is_closed() {
        out.push_str(&format!("{}: Krisen er afsluttet. Du kan kontakte kommunen som normalt.", text::bare_title(p)));
    } else if summary.is_empty() {
        out.push_str(&text::bare_title(p));
    } else {
        out.push_str(&summary);
    }
    if let Some(url) = public_url.map(str::trim).filter(|u| !u.is_empty()) {
        out.push_str(&format!(" Mere: {url}"));
    }
    encode(&out)
}

/// Septets a character takes in GSM-7, or `None` if it has no GSM-7 form.
fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Typographic and accented characters with a faithful GSM-7 spelling.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
        '“' | '”' | '„' | '‟' | '«' | '»' | '″' => "\"",
        '‘' | '’' | '‚' | '‛' | '‹' | '›' | '′' | '`' | '´' => "'",
        '…' => "...",
        '•' | '·' => "-",
        '\t' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => " ",
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => "",
        'á' | 'â' | 'ã' | 'ā' | 'ą' | 'ă' => "a",
        'Á' | 'À' | 'Â' | 'Ã' | 'Ā' | 'Ą' | 'Ă' => "A",
        'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ó' | 'ô' | 'õ' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ő' => "O",
        'ú' | 'û' | 'ū' | 'ű' | 'ů' => "u",
        'Ú' | 'Û' | 'Ū' | 'Ű' | 'Ů' | 'Ù' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ç' => "Ç",
        'ć' | 'č' => "c",
        'Ć' | 'Č' => "C",
        'ł' => "l",
        'Ł' => "L",
        'ń' | 'ň' => "n",
        'Ń' | 'Ň' => "N",
        'ś' | 'š' => "s",
        'Ś' | 'Š' => "S",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ř' => "r",
        'Ř' => "R",
        'ď' | 'ð' => "d",
        'Ď' | 'Đ' | 'Ð' => "D",
        'ť' => "t",
        'Ť' => "T",
        'þ' => "th",
        'Þ' => "Th",
        'œ' => "oe",
        'Œ' => "OE",
        '×' => "x",
        // Control characters other than line breaks mean nothing in a message.
        c if c.is_control() => "",
        _ => return None,
    })
}

/// The general encoder: GSM-7 if every character has a GSM-7 form (after transliteration),
/// else UCS-2 with the text unchanged.
pub fn encode(text: &str) -> Sms {
    let mut out = String::with_capacity(text.len());
    let mut replaced: Vec<(char, String)> = Vec::new();
    for c in text.chars() {
        if septets(c).is_some() {
            out.push(c);
            continue;
        }
        let Some(r) = transliterate(c) else {
            return ucs2(text);
        };
        out.push_str(r);
        if !replaced.iter().any(|(x, _)| *x == c) {
            replaced.push((c, r.to_string()));
        }
    }
    let costs: Vec<usize> = out.chars().map(|c| septets(c).expect("transliterated to GSM-7")).collect();
    let (units, segments) = count(&costs, GSM7_SINGLE, GSM7_SEGMENT);
    Sms { text: out, encoding: Encoding::Gsm7, segments, units, replaced }
}

fn ucs2(text: &str) -> Sms {
    let costs: Vec<usize> = text.chars().map(char::len_utf16).collect();
    let (units, segments) = count(&costs, UCS2_SINGLE, UCS2_SEGMENT);
    Sms { text: text.to_string(), encoding: Encoding::Ucs2, segments, units, replaced: Vec::new() }
}

/// Total units and segments. A character's units (an escape pair, a surrogate pair) never
/// straddle two segments: one that does not fit starts the next.
fn count(costs: &[usize], single: usize, per_segment: usize) -> (usize, usize) {
    let units = costs.iter().sum();
    if units <= single {
        return (units, 1);
    }
    let (mut segments, mut used) = (1, 0);
    for &c in costs {
        if used + c > per_segment {
            segments += 1;
            used = 0;
        }
        used += c;
    }
    (units, segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// GSM 03.38 by code point, 0x00–0x7F, written out independently of `BASIC`; ESC at 0x1B.
    const TABLE: [&str; 8] = [
        "@£$¥èéùìòÇ\nØø\rÅå",
        "Δ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ",
        " !\"#¤%&'()*+,-./",
        "0123456789:;<=>?",
        "¡ABCDEFGHIJKLMNO",
        "PQRSTUVWXYZÄÖÑÜ§",
        "¿abcdefghijklmno",
        "pqrstuvwxyzäöñüà",
    ];

    fn gsm_cost(c: char) -> Option<usize> {
        if c == '\u{1b}' {
            None
        } else if TABLE.iter().any(|row| row.contains(c)) {
            Some(1)
        } else if "\u{c}^{}\\[~]|€".contains(c) {
            Some(2)
        } else {
            None
        }
    }

    /// Splits the text into the segments a gateway sends, character by character.
    fn reference(text: &str, cost: impl Fn(char) -> usize, single: usize, per: usize) -> Vec<String> {
        if text.chars().map(&cost).sum::<usize>() <= single {
            return vec![text.to_string()];
        }
        let mut parts = vec![String::new()];
        for c in text.chars() {
            let used: usize = parts.last().expect("a part").chars().map(&cost).sum();
            if used + cost(c) > per {
                parts.push(String::new());
            }
            parts.last_mut().expect("a part").push(c);
        }
        assert!(parts.iter().all(|p| p.chars().map(&cost).sum::<usize>() <= per));
        parts
    }

    #[test]
    fn the_table_has_128_positions() {
        assert_eq!(TABLE.iter().map(|r| r.chars().count()).sum::<usize>(), 128);
        assert_eq!(BASIC.chars().count(), 127, "128 positions less the escape");
    }

    #[test]
    fn danish_fits_gsm7() {
        let s = encode("Æbler, øl og Åbenrå: é, ü, ß.");
        assert_eq!((s.encoding, s.units, s.segments), (Encoding::Gsm7, 29, 1));
        assert!(s.replaced.is_empty());
    }

    #[test]
    fn limits_and_escape_pairs() {
        assert_eq!(encode(&"a".repeat(160)).segments, 1);
        assert_eq!(encode(&"a".repeat(161)).segments, 2);
        assert_eq!(encode(&"a".repeat(306)).segments, 2);
        assert_eq!(encode(&"a".repeat(307)).segments, 3);
        let euro = encode(&"€".repeat(80));
        assert_eq!((euro.units, euro.segments), (160, 1));
        // 152 septets, then an escape pair that would straddle: it opens segment two.
        let s = encode(&format!("{}€{}", "a".repeat(152), "a".repeat(7)));
        assert_eq!((s.units, s.segments), (161, 2));
        assert_eq!(encode("").segments, 1);
    }

    #[test]
    fn typography_is_transliterated_and_recorded_once() {
        let s = encode("“Kør” – nu… ‘ok’ á\u{a0}á");
        assert_eq!(s.text, "\"Kør\" - nu... 'ok' a a");
        assert_eq!(s.encoding, Encoding::Gsm7);
        let from: String = s.replaced.iter().map(|(c, _)| *c).collect();
        assert_eq!(from, "“”–…‘’á\u{a0}");
    }

    #[test]
    fn emoji_and_chinese_fall_back_to_ucs2_unchanged() {
        let s = encode("Brand – 🚒 “nu”");
        assert_eq!((s.encoding, s.text.as_str(), s.units, s.segments), (Encoding::Ucs2, "Brand – 🚒 “nu”", 15, 1));
        assert!(s.replaced.is_empty());
        // 66 units and a surrogate pair: 68 units; the pair may not straddle the 67-unit line.
        let s = encode(&format!("{}🚒{}", "中".repeat(66), "中".repeat(3)));
        assert_eq!((s.units, s.segments), (71, 2));
        assert_eq!(encode(&"中".repeat(70)).segments, 1);
        assert_eq!(encode(&"中".repeat(71)).segments, 2);
    }

    #[test]
    fn serialises_for_the_api() {
        let v = serde_json::to_value(encode("“a”")).unwrap();
        assert_eq!(v["encoding"], "gsm7");
        assert_eq!(v["replaced"][0], serde_json::json!(["“", "\""]));
        assert_eq!(serde_json::to_value(encode("🚒")).unwrap()["encoding"], "ucs2");
    }

    #[test]
    fn renders_the_summary_and_the_link() {
        let mut p = crate::fixture::published();
        let s = render(&p, Some("https://k.invalid/krise/0250"));
        assert_eq!(
            s.text,
            "Kommunens telefoner virker ikke. Ring til kriselinjen, er det akut så ring 112. Mere: https://k.invalid/krise/0250"
        );
        p.incident.exercise = true;
        assert!(render(&p, None).text.starts_with("ØVELSE: Kommunens"));
    }

    fn any_text() -> impl Strategy<Value = String> {
        r"[a-zæøåÆØÅé0-9 .,\n€\[\]{}^~|“”–…á\u{a0}]{0,400}|[a-z€🚒中“]{0,200}"
    }

    proptest! {
        #[test]
        fn segments_match_the_reference(s in any_text()) {
            let sms = encode(&s);
            match sms.encoding {
                Encoding::Gsm7 => {
                    prop_assert!(sms.text.chars().all(|c| gsm_cost(c).is_some()), "{:?}", sms.text);
                    let cost = |c| gsm_cost(c).unwrap();
                    prop_assert_eq!(sms.units, sms.text.chars().map(cost).sum::<usize>());
                    prop_assert_eq!(sms.segments, reference(&sms.text, cost, 160, 153).len());
                }
                Encoding::Ucs2 => {
                    prop_assert_eq!(&sms.text, &s);
                    prop_assert!(s.chars().any(|c| gsm_cost(c).is_none() && transliterate(c).is_none()));
                    prop_assert_eq!(sms.units, s.encode_utf16().count());
                    prop_assert_eq!(sms.segments, reference(&s, char::len_utf16, 70, 67).len());
                }
            }
        }

        #[test]
        fn transliterations_are_gsm7(c in any::<char>()) {
            if let Some(r) = transliterate(c) {
                prop_assert!(r.chars().all(|x| gsm_cost(x) == Some(1)), "{:?} -> {:?}", c, r);
            }
        }
    }
}
