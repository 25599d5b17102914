//! The crisis message for the phone: plain text for a voicebot, an SSML 1.1 document for a
//! speech synthesiser, and VoiceXML 2.1 documents for the municipalities' IVR.
//!
//! The IVR menu (DTMF only): 1 transfers to the crisis line, 2 plays the message again,
//! 3 posts the caller's number to `callback_url` as the form field [`CALLBACK_FIELD`]; the
//! platform then fetches the page that answers, e.g. [`callback_confirmation`] or
//! [`callback_failed`]. Three missed or wrong keys in a row transfer to the crisis line.

use crate::speech::{self, Paragraph, Piece};
use crate::xml::Writer;
use crate::{Area, Published, text};

const VXML_NS: &str = "http://www.w3.org/2001/vxml";
const SSML_NS: &str = "http://www.w3.org/2001/10/synthesis";

/// The form field the callback request posts the caller's URI in (`session.connection.remote.uri`,
/// typically `tel:+4512345678`; the platform may leave it empty for a withheld number).
pub const CALLBACK_FIELD: &str = "caller";

/// What the IVR needs besides the guide.
#[derive(Debug, Clone, Copy)]
pub struct VoiceOptions<'a> {
    /// The municipality the caller rang, named in the greeting.
    pub municipality: &'a Area,
    /// The crisis line as written, e.g. "70 00 00 00"; transfers go to its `tel:` URI.
    pub crisis_line: &'a str,
    /// Where the platform POSTs the caller's number (absolute or relative URL).
    pub callback_url: &'a str,
}

/// The message as plain text: title, citizen summary, urgent contacts, the next update.
pub fn message_text(p: &Published) -> String {
    speech::to_text(&speech::message(p))
}

/// The message as an SSML 1.1 document with `<p>`/`<s>`, telephone numbers and short breaks.
pub fn message_ssml(p: &Published) -> String {
    let mut w = Writer::new();
    w.open("speak", &[("version", "1.1"), ("xmlns", SSML_NS), ("xml:lang", "da-DK")]);
    speech::write(&mut w, &speech::message(p));
    w.finish()
}

/// The IVR document: with a crisis, the message and the menu; without one, a quiet transfer.
pub fn vxml(p: Option<&Published>, o: &VoiceOptions) -> String {
    let mut w = document();
    match p {
        Some(p) => crisis(&mut w, p, o),
        None => {
            let greeting =
                vec![speech::words(&format!("Du har ringet til {}.", name(o))), speech::words("Et øjeblik, du bliver stillet videre.")];
            transfer_form(&mut w, "viderestil", o, vec![greeting]);
        }
    }
    w.finish()
}

/// Played after the callback request was stored: thanks, then hang up.
pub fn callback_confirmation() -> String {
    let mut w = document();
    w.open("form", &[("id", "kvittering")]);
    w.open("block", &[]);
    prompt(
        &mut w,
        &[],
        &[vec![
            speech::words("Tak. Vi har modtaget din anmodning om at blive ringet op."),
            speech::words("Kommunen ringer dig op, så snart det er muligt."),
            speech::words("Farvel."),
        ]],
    );
    w.empty("disconnect", &[]);
    w.finish()
}

/// Played when the callback request could not be stored: an apology, then the crisis line.
pub fn callback_failed(o: &VoiceOptions) -> String {
    let mut w = document();
    let sorry = vec![
        speech::words("Vi beklager, men vi kunne ikke modtage din anmodning om at blive ringet op."),
        speech::words("Du bliver nu stillet om til en medarbejder."),
    ];
    transfer_form(&mut w, "undskyld", o, vec![sorry]);
    w.finish()
}

fn document() -> Writer {
    let mut w = Writer::new();
    w.open("vxml", &[("version", "2.1"), ("xmlns", VXML_NS), ("xml:lang", "da-DK")]);
    // Keys only: no Danish speech recognition is assumed.
    w.empty("property", &[("name", "inputmodes"), ("value", "dtmf")]);
    w
}

fn name(o: &VoiceOptions) -> String {
    text::one_line(&o.municipality.name)
}

fn prompt(w: &mut Writer, attrs: &[(&str, &str)], paragraphs: &[Paragraph]) {
    w.open("prompt", attrs);
    speech::write(w, paragraphs);
    w.close();
}

fn options() -> Paragraph {
    vec![
        speech::words("Tast 1 for at tale med en medarbejder."),
        speech::words("Tast 2 for at høre beskeden igen."),
        speech::words("Tast 3 for at bestille et opkald."),
    ]
}

/// The message and the menu in one `<menu>`, so a caller may press a key while it plays.
fn crisis(w: &mut Writer, p: &Published, o: &VoiceOptions) {
    w.empty("var", &[("name", "forsoeg"), ("expr", "0")]);
    w.open("menu", &[("id", "besked")]);
    let mut first = vec![vec![speech::words(&format!("Du har ringet til {}.", name(o)))]];
    first.extend(speech::message(p));
    first.push(options());
    prompt(w, &[("count", "1")], &first);
    prompt(w, &[("count", "2")], &[options()]);
    for (key, next) in [("1", "#medarbejder"), ("2", "#besked"), ("3", "#opkald")] {
        w.empty("choice", &[("dtmf", key), ("next", next)]);
    }
    retry(w, "noinput", "Jeg hørte ikke noget valg.");
    retry(w, "nomatch", "Det valg findes ikke.");
    w.close();
    let to_agent = vec![vec![speech::words("Du bliver nu stillet om til en medarbejder.")]];
    transfer_form(w, "medarbejder", o, to_agent);
    callback_form(w, o);
}

/// Re-prompts after a missed or wrong key; the third miss in a row goes to a person.
fn retry(w: &mut Writer, event: &'static str, what: &str) {
    w.open(event, &[]);
    w.empty("assign", &[("name", "forsoeg"), ("expr", "forsoeg + 1")]);
    w.open("if", &[("cond", "forsoeg >= 3")]);
    w.empty("goto", &[("next", "#medarbejder")]);
    w.empty("else", &[]);
    prompt(w, &[], &[vec![speech::words(what)]]);
    w.empty("reprompt", &[]);
    w.close();
    w.close();
}

/// Posts the caller's number; a withheld number or a failed post goes to a person instead.
fn callback_form(w: &mut Writer, o: &VoiceOptions) {
    w.open("form", &[("id", "opkald")]);
    w.empty("var", &[("name", CALLBACK_FIELD), ("expr", "session.connection.remote.uri")]);
    w.open("block", &[]);
    w.open("if", &[("cond", &format!("typeof {CALLBACK_FIELD} != 'string' || {CALLBACK_FIELD} == ''"))]);
    let hidden = vec![
        speech::words("Dit nummer er skjult, så vi kan ikke ringe dig op."),
        speech::words("Du bliver stillet om til en medarbejder."),
    ];
    prompt(w, &[], &[hidden]);
    w.empty("goto", &[("next", "#medarbejder")]);
    w.empty("else", &[]);
    prompt(w, &[], &[vec![speech::words("Et øjeblik, vi registrerer dit nummer.")]]);
    w.empty("submit", &[("next", o.callback_url), ("method", "post"), ("namelist", CALLBACK_FIELD)]);
    w.close();
    w.close();
    w.open("error", &[]);
    prompt(w, &[], &[vec![speech::words("Det lykkedes ikke at bestille et opkald. Du bliver stillet om til en medarbejder.")]]);
    w.empty("goto", &[("next", "#medarbejder")]);
    w.close();
    w.close();
}

/// A form that says `before` and blind-transfers to the crisis line; if the transfer cannot
/// be made, the caller hears the number to ring instead, not named a crisis line, since this
/// form also serves the quiet routing when there is no crisis.
fn transfer_form(w: &mut Writer, id: &'static str, o: &VoiceOptions, before: Vec<Paragraph>) {
    let dest = text::tel_uri(o.crisis_line);
    w.open("form", &[("id", id)]);
    w.open("transfer", &[("name", "omstilling"), ("dest", &dest), ("type", "blind")]);
    prompt(w, &[], &before);
    w.close();
    w.open("error", &[]);
    let ring = vec![
        speech::words("Vi kan desværre ikke stille dig om lige nu."),
        vec![Piece::Text("Ring i stedet på ".into()), Piece::Phone(text::phone(o.crisis_line)), Piece::Text(".".into())],
    ];
    prompt(w, &[], &[ring]);
    w.empty("disconnect", &[]);
    w.close();
    w.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::published;

    fn options(area: &Area) -> VoiceOptions<'_> {
        VoiceOptions { municipality: area, crisis_line: "70 00 00 00", callback_url: "https://k.invalid/voice/callback?i=1&v=2" }
    }

    #[test]
    fn the_crisis_menu_plays_the_message_and_offers_three_keys() {
        let area = Area { code: "0250".into(), name: "Frederikssund Kommune".into() };
        let doc = vxml(Some(&published()), &options(&area));
        assert!(doc.contains("<vxml version=\"2.1\" xmlns=\"http://www.w3.org/2001/vxml\" xml:lang=\"da-DK\">"));
        assert!(doc.contains("<s>Du har ringet til Frederikssund Kommune.</s>"));
        assert!(doc.contains("<s>Næste opdatering kommer kl. 14.30.</s>"));
        for choice in ["dtmf=\"1\" next=\"#medarbejder\"", "dtmf=\"2\" next=\"#besked\"", "dtmf=\"3\" next=\"#opkald\""] {
            assert!(doc.contains(choice), "{choice}");
        }
        assert!(doc.contains("<transfer name=\"omstilling\" dest=\"tel:+4570000000\" type=\"blind\">"));
        assert!(doc.contains("<var name=\"caller\" expr=\"session.connection.remote.uri\"/>"));
        assert!(doc.contains("<submit next=\"https://k.invalid/voice/callback?i=1&amp;v=2\" method=\"post\" namelist=\"caller\"/>"));
        assert_eq!(doc.matches("<if cond=\"forsoeg &gt;= 3\">\n        <goto next=\"#medarbejder\"/>").count(), 2, "{doc}");
        assert_eq!(doc.matches("<reprompt/>").count(), 2);
    }

    #[test]
    fn without_a_crisis_the_call_is_transferred_quietly() {
        let area = Area { code: "0250".into(), name: "Frederikssund Kommune".into() };
        let doc = vxml(None, &options(&area));
        assert!(doc.contains("dest=\"tel:+4570000000\""));
        assert!(doc.contains("Et øjeblik, du bliver stillet videre."));
        for alarming in ["Tast", "krise", "IT-nedbrud", "menu"] {
            assert!(!doc.contains(alarming), "{alarming} in {doc}");
        }
    }

    #[test]
    fn callback_documents() {
        let confirmation = callback_confirmation();
        assert!(confirmation.contains("anmodning om at blive ringet op") && confirmation.contains("<disconnect/>"));
        let area = Area { code: "0250".into(), name: "Frederikssund Kommune".into() };
        let failed = callback_failed(&options(&area));
        assert!(failed.contains("Vi beklager") && failed.contains("dest=\"tel:+4570000000\""));
    }

    #[test]
    fn the_ssml_document_marks_phone_numbers() {
        let doc = message_ssml(&published());
        assert!(doc.contains("<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"da-DK\">"));
        assert!(doc.contains("ring til Alarmcentralen på <say-as interpret-as=\"telephone\">112</say-as>.</s>"));
        assert!(doc.contains("<break time=\"400ms\"/>"));
        assert_eq!(message_text(&published()).lines().count(), 4);
    }
}
