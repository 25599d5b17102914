//! One configurable HTTP SMS gateway, as data and pure functions: the request a message becomes
//! (URL, headers, a JSON or form body from a template), what the gateway's answer means, and the
//! gateway's delivery-report and inbound-SMS callbacks read into plain structs. Nothing here
//! sends anything; `app` does, with whatever HTTP client it has.
//!
//! Presets hold the published API of the Danish gateways municipalities use; `custom` is the same
//! machinery with a template the operator writes.

use crate::sms::{self, Encoding};
use base64::Engine;
use serde_json::Value;

/// The gateways with a preset, and `custom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    GatewayApi,
    Inmobile,
    Cpsms,
    LinkMobility,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 5] = [Preset::GatewayApi, Preset::Inmobile, Preset::Cpsms, Preset::LinkMobility, Preset::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::GatewayApi => "gatewayapi",
            Preset::Inmobile => "inmobile",
            Preset::Cpsms => "cpsms",
            Preset::LinkMobility => "linkmobility",
            Preset::Custom => "custom",
        }
    }
}

impl std::str::FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Preset, String> {
        let names: Vec<&str> = Preset::ALL.iter().map(|p| p.as_str()).collect();
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown SMS gateway '{s}': one of {}", names.join(", ")))
    }
}

/// How a body (a request's, or a callback's) is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    /// `application/x-www-form-urlencoded` (a callback may also come as the query string).
    Form,
}

/// How the gateway knows it is us.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Basic {
        user: String,
        password: String,
    },
    Bearer(String),
    Header {
        name: String,
        value: String,
    },
    /// A token as a query parameter of the URL.
    Query {
        name: String,
        value: String,
    },
}

impl Auth {
    /// `basic:USER:PASSWORD`, `bearer:TOKEN`, `header:NAME:VALUE`, `query:NAME:VALUE` or `none`.
    pub fn parse(raw: &str) -> Result<Auth, String> {
        let usage = "sms_auth must be basic:USER:PASSWORD, bearer:TOKEN, header:NAME:VALUE, query:NAME:VALUE or none";
        let (kind, rest) = raw.split_once(':').unwrap_or((raw, ""));
        let pair = |what: &str| -> Result<(String, String), String> {
            match rest.split_once(':') {
                Some((a, b)) if !a.is_empty() => Ok((a.to_string(), b.to_string())),
                _ => Err(format!("{usage} (a {what} needs NAME:VALUE)")),
            }
        };
        match kind.to_ascii_lowercase().as_str() {
            "none" if rest.is_empty() => Ok(Auth::None),
            "basic" => pair("basic login").map(|(user, password)| Auth::Basic { user, password }),
            "bearer" if !rest.is_empty() => Ok(Auth::Bearer(rest.to_string())),
            "header" => {
                let (name, value) = pair("header")?;
                if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                    return Err(format!("sms_auth: '{name}' is not a header name"));
                }
                Ok(Auth::Header { name, value })
            }
            "query" => pair("query token").map(|(name, value)| Auth::Query { name, value }),
            _ => Err(usage.to_string()),
        }
    }

    /// For logs and start-up output: the kind and the names, never a secret.
    pub fn masked(&self) -> String {
        match self {
            Auth::None => "none".into(),
            // GatewayAPI takes its token as the user with no password: then the user is the secret.
            Auth::Basic { password, .. } if password.is_empty() => "basic:***:".into(),
            Auth::Basic { user, .. } => format!("basic:{user}:***"),
            Auth::Bearer(_) => "bearer:***".into(),
            Auth::Header { name, .. } => format!("header:{name}:***"),
            Auth::Query { name, .. } => format!("query:{name}:***"),
        }
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

/// How a Danish mobile number (`+4512345678`) is written for the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientFormat {
    /// `"4512345678"`
    Digits,
    /// `"+4512345678"`
    Plus,
    /// `4512345678`, a JSON number.
    Number,
}

/// What a 2xx answer must also hold to mean "accepted".
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// The field (a JSON pointer, `/ids/0`) must be there.
    Present(String),
    /// The field must equal the value.
    Equals(String, Value),
}

/// Where a callback's values are: a JSON pointer (`/status`) for JSON, a key for a form. `list`,
/// if given, points to an array of such records (a gateway that batches its callbacks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFields {
    pub list: Option<String>,
    pub reference: String,
    pub status: String,
    /// Status values that mean delivered, and those that mean it never will be; any other is an
    /// intermediate state and is passed over.
    pub delivered: Vec<String>,
    pub failed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundFields {
    pub list: Option<String>,
    pub from: String,
    pub text: String,
}

/// A gateway: how to send through it and how to read what it posts back.
#[derive(Debug, Clone, PartialEq)]
pub struct Gateway {
    pub preset: Preset,
    pub url: String,
    pub format: BodyFormat,
    /// The body with placeholders `{sender}`, `{to}`, `{text}`, `{encoding}`, `{reference}`.
    /// In JSON each becomes a JSON value (a quoted string, or a number for `{to}` as
    /// [`RecipientFormat::Number`]), so the template writes them unquoted:
    /// `{"from":{sender},"to":[{to}],"text":{text}}`. In a form each is URL-encoded.
    pub template: String,
    pub auth: Auth,
    pub sender: String,
    pub recipient: RecipientFormat,
    /// The value of `{encoding}` for a GSM-7 text and for a UCS-2 one.
    pub encoding: (String, String),
    pub success: Option<Check>,
    /// Where the answer names the gateway's own id of the message (a JSON pointer).
    pub reference: Option<String>,
    pub callbacks: BodyFormat,
    pub report: ReportFields,
    pub inbound: InboundFields,
}

/// One HTTP POST to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the gateway's answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Accepted, with the gateway's id of the message if it gave one.
    Accepted(Option<String>),
    /// Refused: `retry` when trying again may succeed and cannot send it twice (429, 5xx).
    Refused { reason: String, retry: bool },
}

/// A delivery report: the message (the gateway's id, or ours echoed back) and whether it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub reference: String,
    pub delivered: bool,
}

/// A text someone sent to the service's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundSms {
    pub from: String,
    pub text: String,
}

/// GatewayAPI (https://gatewayapi.com/docs/rest.html): `POST /rest/mtsms`, JSON
/// `{"sender","message","recipients":[{"msisdn":4512345678}]}`, the API token as the basic-auth
/// user (or `header:Authorization:Token …`); answers `{"ids":[…]}`. `encoding` `UCS2` for
/// unicode (the default `UTF8` sends GSM 03.38). Its status webhook posts
/// `{"id","msisdn","status":"DELIVERED",…,"userref"}`; its MO webhook `{"msisdn","message",…}`.
fn gatewayapi() -> Gateway {
    Gateway {
        preset: Preset::GatewayApi,
        url: "https://gatewayapi.com/rest/mtsms".into(),
        format: BodyFormat::Json,
        template: r#"{"sender":{sender},"message":{text},"recipients":[{"msisdn":{to}}],"encoding":{encoding},"userref":{reference}}"#
            .into(),
        auth: Auth::None,
        sender: String::new(),
        recipient: RecipientFormat::Number,
        encoding: ("UTF8".into(), "UCS2".into()),
        success: Some(Check::Present("/ids/0".into())),
        reference: Some("/ids/0".into()),
        callbacks: BodyFormat::Json,
        report: ReportFields {
            list: None,
            reference: "/id".into(),
            status: "/status".into(),
            delivered: vec!["DELIVERED".into()],
            failed: ["EXPIRED", "DELETED", "UNDELIVERABLE", "REJECTED", "SKIPPED"].map(String::from).to_vec(),
        },
        inbound: InboundFields { list: None, from: "/msisdn".into(), text: "/message".into() },
    }
}

/// Inmobile, API v4 (https://www.inmobile.com/docs/rest-api; the older XML API is at
/// https://docs.inmobile.dk/): `POST https://api.inmobile.com/v4/sms/outgoing`, basic auth with
/// the API key as the password, JSON `{"messages":[{"to","text","from","messageId","encoding"}]}`
/// (`gsm7` or `ucs2`); answers `{"results":[{…,"messageId"}]}`. Status callbacks post
/// `{"reports":[{"messageId","status":{"code","description"}}]}`, code 2 delivered.
/// Not in the stored copies this was checked against: confirm the callback shape on the account.
fn inmobile() -> Gateway {
    Gateway {
        preset: Preset::Inmobile,
        url: "https://api.inmobile.com/v4/sms/outgoing".into(),
        format: BodyFormat::Json,
        template: r#"{"messages":[{"to":{to},"text":{text},"from":{sender},"messageId":{reference},"encoding":{encoding}}]}"#.into(),
        auth: Auth::None,
        sender: String::new(),
        recipient: RecipientFormat::Digits,
        encoding: ("gsm7".into(), "ucs2".into()),
        success: Some(Check::Present("/results/0".into())),
        reference: Some("/results/0/messageId".into()),
        callbacks: BodyFormat::Json,
        report: ReportFields {
            list: Some("/reports".into()),
            reference: "/messageId".into(),
            status: "/status/code".into(),
            delivered: vec!["2".into()],
            failed: ["3", "4", "5"].map(String::from).to_vec(),
        },
        inbound: InboundFields { list: Some("/messages".into()), from: "/from".into(), text: "/text".into() },
    }
}

/// CPSMS (https://api.cpsms.dk/documentation/): `POST https://api.cpsms.dk/v2/send`, basic auth
/// `username:apikey`, JSON `{"to","message","from","reference","format"}` (`UNICODE` for
/// unicode, `GSM` otherwise); answers `{"success":[{"to",…}]}` or `{"error":{…}}` and no id of
/// its own, so delivery reports name our `reference`. The DLR URL is called with the parameters
/// `status` (1 delivered, 2 failed), `receiver` and `reference`; inbound texts with `from` and `message`.
fn cpsms() -> Gateway {
    Gateway {
        preset: Preset::Cpsms,
        url: "https://api.cpsms.dk/v2/send".into(),
        format: BodyFormat::Json,
        template: r#"{"to":{to},"message":{text},"from":{sender},"reference":{reference},"format":{encoding}}"#.into(),
        auth: Auth::None,
        sender: String::new(),
        recipient: RecipientFormat::Digits,
        encoding: ("GSM".into(), "UNICODE".into()),
        success: Some(Check::Present("/success/0".into())),
        reference: None,
        callbacks: BodyFormat::Form,
        report: ReportFields {
            list: None,
            reference: "reference".into(),
            status: "status".into(),
            delivered: vec!["1".into()],
            failed: vec!["2".into()],
        },
        inbound: InboundFields { list: None, from: "from".into(), text: "message".into() },
    }
}

/// LINK Mobility, the Nordic "Common" SMS REST API (MT and Delivery Reports, v2.4;
/// https://www.linkmobility.com/developer/, and the parameter list at
/// https://developers.melroselabs.com/docs/adapter-link-mobility-sms-rest-api):
/// `POST https://wsx.sp247.net/sms/send`, basic auth, JSON `{"source","destination":"+45…",
/// "userData","platformId","platformPartnerId","refId","useDeliveryReport","dcs"}` (`dcs` `TEXT`
/// for GSM-7, `UCS2` for unicode). It answers
/// `{"messageId","resultCode","description"}`, resultCode 1005 queued. Delivery reports post
/// `{"id","refId","resultCode",…}`, resultCode 1001 delivered. The platform ids come with the
/// account: write them into a custom template (`--sms-body`) based on this one.
fn linkmobility() -> Gateway {
    Gateway {
        preset: Preset::LinkMobility,
        url: "https://wsx.sp247.net/sms/send".into(),
        format: BodyFormat::Json,
        template: r#"{"source":{sender},"destination":{to},"userData":{text},"platformId":"COMMON_API","platformPartnerId":"","refId":{reference},"useDeliveryReport":true,"dcs":{encoding}}"#.into(),
        auth: Auth::None,
        sender: String::new(),
        recipient: RecipientFormat::Plus,
        encoding: ("TEXT".into(), "UCS2".into()),
        success: Some(Check::Equals("/resultCode".into(), Value::from(1005))),
        reference: Some("/messageId".into()),
        callbacks: BodyFormat::Json,
        report: ReportFields {
            list: None,
            reference: "/id".into(),
            status: "/resultCode".into(),
            delivered: vec!["1001".into()],
            failed: ["1002", "1003", "1004", "1006", "1007", "1008"].map(String::from).to_vec(),
        },
        inbound: InboundFields { list: None, from: "/source".into(), text: "/content/userData".into() },
    }
}

/// A custom gateway starts from this: JSON with obvious names, 2xx is success, and callbacks
/// `{"reference","status":"delivered"|"failed"}` and `{"from","text"}`.
fn custom() -> Gateway {
    Gateway {
        preset: Preset::Custom,
        url: String::new(),
        format: BodyFormat::Json,
        template: r#"{"from":{sender},"to":{to},"text":{text},"reference":{reference}}"#.into(),
        auth: Auth::None,
        sender: String::new(),
        recipient: RecipientFormat::Plus,
        encoding: ("gsm7".into(), "ucs2".into()),
        success: None,
        reference: Some("/id".into()),
        callbacks: BodyFormat::Json,
        report: ReportFields {
            list: None,
            reference: "/reference".into(),
            status: "/status".into(),
            delivered: vec!["delivered".into()],
            failed: vec!["failed".into(), "undelivered".into()],
        },
        inbound: InboundFields { list: None, from: "/from".into(), text: "/text".into() },
    }
}

/// A recipient, sender and text to try a template with.
const SAMPLE: (&str, &str, &str) = ("+4512345678", "Krise \"DDH\"", "Prøv & se: 100% {text} \\ æøå");

impl Gateway {
    pub fn preset(preset: Preset) -> Gateway {
        match preset {
            Preset::GatewayApi => gatewayapi(),
            Preset::Inmobile => inmobile(),
            Preset::Cpsms => cpsms(),
            Preset::LinkMobility => linkmobility(),
            Preset::Custom => custom(),
        }
    }

    /// The gateway as configured: a preset with what the operator changed. A custom gateway
    /// needs its URL. A JSON template must give JSON for every text.
    pub fn configured(preset: Preset, url: Option<&str>, auth: Auth, sender: &str, body: Option<&str>) -> Result<Gateway, String> {
        let mut g = Gateway::preset(preset);
        match url {
            Some(u) => g.url = u.trim().to_string(),
            None if preset == Preset::Custom => return Err("sms_gateway custom needs sms_url".into()),
            None => {}
        }
        if !(g.url.starts_with("https://") || g.url.starts_with("http://")) {
            return Err(format!("sms_url '{}' must start with https:// (or http://)", g.url));
        }
        if let Some(b) = body {
            let b = b.trim();
            g.format = if b.starts_with('{') || b.starts_with('[') { BodyFormat::Json } else { BodyFormat::Form };
            g.template = b.to_string();
        }
        if !g.template.contains("{to}") || !g.template.contains("{text}") {
            return Err("sms_body must have the placeholders {to} and {text}".into());
        }
        g.auth = auth;
        let sender = sender.trim();
        if sender.is_empty() || sender.chars().count() > 11 && !sender.bytes().all(|b| b.is_ascii_digit()) {
            return Err("sms_sender must be a name of 1–11 characters or a number".into());
        }
        g.sender = sender.to_string();
        if g.format == BodyFormat::Json {
            let (to, sender, text) = SAMPLE;
            let sample = Gateway { sender: sender.into(), ..g.clone() }.request(to, text, "1")?;
            serde_json::from_str::<Value>(&sample.body).map_err(|e| format!("sms_body is not JSON once filled in: {e}"))?;
        }
        Ok(g)
    }

    /// The request that sends `text` to `to` (`+4512345678`), with `reference` (our id of the
    /// message) for the delivery report. The text is sent GSM-7 where it fits.
    pub fn request(&self, to: &str, text: &str, reference: &str) -> Result<Request, String> {
        let Some(national) = to.strip_prefix("+45").filter(|n| n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit())) else {
            return Err(format!("'{to}' is not a Danish mobile number (+45 and 8 digits)"));
        };
        let encoded = sms::encode(text);
        let encoding = match encoded.encoding {
            Encoding::Gsm7 => &self.encoding.0,
            Encoding::Ucs2 => &self.encoding.1,
        };
        let to = match self.recipient {
            RecipientFormat::Digits | RecipientFormat::Number => format!("45{national}"),
            RecipientFormat::Plus => format!("+45{national}"),
        };
        let value = |v: &str, number: bool| match self.format {
            BodyFormat::Json if number => v.to_string(),
            BodyFormat::Json => Value::from(v).to_string(),
            BodyFormat::Form => form_urlencoded::byte_serialize(v.as_bytes()).collect(),
        };
        let number = self.recipient == RecipientFormat::Number;
        let values = [
            ("{sender}", value(&self.sender, false)),
            ("{to}", value(&to, number)),
            ("{text}", value(&encoded.text, false)),
            ("{encoding}", value(encoding, false)),
            ("{reference}", value(reference, false)),
        ];
        let body = fill(&self.template, &values);
        let content_type = match self.format {
            BodyFormat::Json => "application/json",
            BodyFormat::Form => "application/x-www-form-urlencoded",
        };
        let mut headers = vec![("Content-Type".to_string(), content_type.to_string()), ("Accept".into(), "application/json".into())];
        let mut url = self.url.clone();
        match &self.auth {
            Auth::None => {}
            Auth::Basic { user, password } => {
                let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                headers.push(("Authorization".into(), format!("Basic {token}")));
            }
            Auth::Bearer(token) => headers.push(("Authorization".into(), format!("Bearer {token}"))),
            Auth::Header { name, value } => headers.push((name.clone(), value.clone())),
            Auth::Query { name, value } => {
                let sep = if url.contains('?') { '&' } else { '?' };
                let pair: String = form_urlencoded::Serializer::new(String::new()).append_pair(name, value).finish();
                url = format!("{url}{sep}{pair}");
            }
        }
        Ok(Request { url, headers, body })
    }

    /// What an HTTP answer means: 2xx passing the success check is accepted; 429 and 5xx may be
    /// tried again; any other refusal will not change by trying again.
    pub fn answer(&self, status: u16, body: &str) -> Answer {
        let short: String = body.chars().take(200).collect();
        if !(200..300).contains(&status) {
            let retry = status == 429 || status >= 500;
            return Answer::Refused { reason: format!("the gateway answered {status}: {short}"), retry };
        }
        let json: Option<Value> = serde_json::from_str(body).ok();
        let field = |p: &str| json.as_ref().and_then(|j| j.pointer(p));
        let ok = match &self.success {
            None => true,
            Some(Check::Present(p)) => field(p).is_some_and(|v| !v.is_null()),
            Some(Check::Equals(p, want)) => field(p).is_some_and(|v| v == want || scalar(v).is_some_and(|s| Some(s) == scalar(want))),
        };
        if !ok {
            return Answer::Refused { reason: format!("the gateway did not accept the message: {short}"), retry: false };
        }
        Answer::Accepted(self.reference.as_deref().and_then(field).and_then(scalar))
    }

    /// A delivery-report callback, JSON or a form (the body, or the query string when a gateway
    /// calls with GET parameters). Intermediate states are left out.
    pub fn delivery_reports(&self, body: &str) -> Result<Vec<DeliveryReport>, String> {
        let r = &self.report;
        let records = records(self.callbacks, body, r.list.as_deref())?;
        let mut out = Vec::new();
        for rec in &records {
            let reference = rec.get(&r.reference).ok_or_else(|| format!("a delivery report without {}", r.reference))?;
            let status = rec.get(&r.status).ok_or_else(|| format!("a delivery report without {}", r.status))?;
            let is = |set: &[String]| set.iter().any(|s| s.eq_ignore_ascii_case(&status));
            if is(&r.delivered) {
                out.push(DeliveryReport { reference, delivered: true });
            } else if is(&r.failed) {
                out.push(DeliveryReport { reference, delivered: false });
            }
        }
        Ok(out)
    }

    /// An inbound-SMS callback: who sent what.
    pub fn inbound(&self, body: &str) -> Result<Vec<InboundSms>, String> {
        let f = &self.inbound;
        records(self.callbacks, body, f.list.as_deref())?
            .iter()
            .map(|rec| {
                let from = rec.get(&f.from).ok_or_else(|| format!("an inbound SMS without {}", f.from))?;
                let text = rec.get(&f.text).ok_or_else(|| format!("an inbound SMS without {}", f.text))?;
                Ok(InboundSms { from, text })
            })
            .collect()
    }
}

/// Fills the placeholders in one pass, so that a value holding `{text}` stays as it is.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 200);
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match values.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &rest[name.len()..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A string or number as text; other JSON values have none.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One record of a callback: a JSON value read by pointers, or a form's pairs read by key.
enum Record {
    Json(Value),
    Form(Vec<(String, String)>),
}

impl Record {
    fn get(&self, field: &str) -> Option<String> {
        match self {
            Record::Json(v) => {
                let pointer = if field.starts_with('/') { field.to_string() } else { format!("/{field}") };
                v.pointer(&pointer).and_then(scalar)
            }
            Record::Form(pairs) => pairs.iter().find(|(k, _)| k == field.trim_start_matches('/')).map(|(_, v)| v.clone()),
        }
    }
}

fn records(format: BodyFormat, body: &str, list: Option<&str>) -> Result<Vec<Record>, String> {
    // A gateway may post JSON although the preset's callbacks are forms, or the other way round.
    let trimmed = body.trim_start();
    let json = match format {
        BodyFormat::Json => true,
        BodyFormat::Form => trimmed.starts_with('{') || trimmed.starts_with('['),
    };
    if !json {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body.trim().as_bytes()).into_owned().collect();
        if pairs.is_empty() {
            return Err("an empty callback".into());
        }
        return Ok(vec![Record::Form(pairs)]);
    }
    let v: Value = serde_json::from_str(body).map_err(|e| format!("the callback is not JSON: {e}"))?;
    match list {
        None => Ok(vec![Record::Json(v)]),
        Some(p) => match v.pointer(p) {
            Some(Value::Array(items)) => Ok(items.iter().cloned().map(Record::Json).collect()),
            _ => Err(format!("the callback has no list at {p}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn configured(p: Preset) -> Gateway {
        Gateway::configured(p, None, Auth::Basic { user: "ks".into(), password: "hemmelig".into() }, "Krisestab", None).unwrap()
    }

    fn body(r: &Request) -> Value {
        serde_json::from_str(&r.body).unwrap()
    }

    #[test]
    fn gatewayapi_sends_its_published_shape() {
        let g = configured(Preset::GatewayApi);
        let r = g.request("+4512345678", "Du kaldes ud. Kvittér: https://k.dk/kvittering/ab", "17").unwrap();
        assert_eq!(r.url, "https://gatewayapi.com/rest/mtsms");
        assert_eq!(
            body(&r),
            json!({"sender": "Krisestab", "message": "Du kaldes ud. Kvittér: https://k.dk/kvittering/ab", "recipients": [{"msisdn": 4512345678u64}], "encoding": "UTF8", "userref": "17"})
        );
        assert!(r.headers.contains(&("Authorization".into(), "Basic a3M6aGVtbWVsaWc=".into())), "{:?}", r.headers);
        assert_eq!(g.answer(200, r#"{"ids":[421332671],"usage":{}}"#), Answer::Accepted(Some("421332671".into())));
        assert_eq!(
            g.delivery_reports(r#"{"id":421332671,"msisdn":4512345678,"time":1450000000,"status":"DELIVERED","userref":"17"}"#).unwrap(),
            [DeliveryReport { reference: "421332671".into(), delivered: true }]
        );
        assert_eq!(g.delivery_reports(r#"{"id":1,"status":"ENROUTE"}"#).unwrap(), [], "an intermediate state");
        assert!(!g.delivery_reports(r#"{"id":1,"status":"UNDELIVERABLE"}"#).unwrap()[0].delivered);
        assert_eq!(
            g.inbound(r#"{"id":1,"msisdn":4512345678,"receiver":4512341234,"message":"KVITTER"}"#).unwrap(),
            [InboundSms { from: "4512345678".into(), text: "KVITTER".into() }]
        );
    }

    #[test]
    fn a_text_outside_gsm7_asks_for_unicode() {
        let g = configured(Preset::GatewayApi);
        assert_eq!(body(&g.request("+4512345678", "Krise 🔥", "1").unwrap())["encoding"], "UCS2");
        // Typographic quotes are transliterated to fit GSM-7, which stays the cheaper encoding.
        let b = body(&g.request("+4512345678", "“Mød” nu", "1").unwrap());
        assert_eq!((b["encoding"].as_str(), b["message"].as_str()), (Some("UTF8"), Some("\"Mød\" nu")));
    }

    #[test]
    fn inmobile_cpsms_and_link_mobility_send_their_published_shapes() {
        let g = configured(Preset::Inmobile);
        let r = g.request("+4512345678", "Hej", "9").unwrap();
        assert_eq!(r.url, "https://api.inmobile.com/v4/sms/outgoing");
        assert_eq!(
            body(&r),
            json!({"messages": [{"to": "4512345678", "text": "Hej", "from": "Krisestab", "messageId": "9", "encoding": "gsm7"}]})
        );
        assert_eq!(g.answer(200, r#"{"results":[{"messageId":"9","smsCount":1}]}"#), Answer::Accepted(Some("9".into())));
        assert_eq!(
            g.delivery_reports(r#"{"reports":[{"messageId":"9","status":{"code":2,"description":"Delivered"}}]}"#).unwrap(),
            [DeliveryReport { reference: "9".into(), delivered: true }]
        );

        let g = configured(Preset::Cpsms);
        let r = g.request("+4512345678", "Hej 😀", "9").unwrap();
        assert_eq!(r.url, "https://api.cpsms.dk/v2/send");
        assert_eq!(body(&r), json!({"to": "4512345678", "message": "Hej 😀", "from": "Krisestab", "reference": "9", "format": "UNICODE"}));
        assert_eq!(g.answer(200, r#"{"success":[{"to":"4512345678","cost":1,"smsAmount":1}]}"#), Answer::Accepted(None));
        assert!(matches!(g.answer(200, r#"{"error":{"code":401,"message":"x"}}"#), Answer::Refused { retry: false, .. }));
        assert_eq!(
            g.delivery_reports("status=1&receiver=4512345678&reference=9&timestamp=1450000000").unwrap(),
            [DeliveryReport { reference: "9".into(), delivered: true }]
        );
        assert_eq!(g.inbound("from=4512345678&message=Kvitter").unwrap()[0].text, "Kvitter");

        let g = configured(Preset::LinkMobility);
        let r = g.request("+4512345678", "Hej", "9").unwrap();
        assert_eq!(r.url, "https://wsx.sp247.net/sms/send");
        let b = body(&r);
        assert_eq!(
            (b["source"].as_str(), b["destination"].as_str(), b["userData"].as_str(), b["refId"].as_str()),
            (Some("Krisestab"), Some("+4512345678"), Some("Hej"), Some("9"))
        );
        assert_eq!(g.answer(200, r#"{"messageId":"AbC","resultCode":1005,"description":"Queued"}"#), Answer::Accepted(Some("AbC".into())));
        assert!(matches!(g.answer(200, r#"{"resultCode":106}"#), Answer::Refused { retry: false, .. }));
        assert_eq!(g.delivery_reports(r#"{"id":"AbC","refId":"9","resultCode":1001}"#).unwrap()[0].reference, "AbC");
    }

    #[test]
    fn values_are_escaped_for_json_and_forms() {
        let (to, sender, text) = SAMPLE;
        let g = Gateway::configured(Preset::Custom, Some("http://127.0.0.1:1/send"), Auth::None, "DDH", None).unwrap();
        let r = Gateway { sender: sender.into(), ..g.clone() }.request(to, text, "1").unwrap();
        assert_eq!(body(&r)["text"], text, "quotes, backslashes and braces survive");
        assert_eq!(body(&r)["from"], sender);
        let form =
            Gateway::configured(Preset::Custom, Some("http://h/s"), Auth::None, "DDH", Some("to={to}&msg={text}&from={sender}")).unwrap();
        let r = form.request(to, "a&b=c ø", "1").unwrap();
        assert_eq!(r.body, "to=%2B4512345678&msg=a%26b%3Dc+%C3%B8&from=DDH");
        assert!(r.headers.contains(&("Content-Type".into(), "application/x-www-form-urlencoded".into())));
    }

    #[test]
    fn authentication_and_its_mask() {
        for (raw, masked) in [
            ("basic:ks:pw:with:colons", "basic:ks:***"),
            ("bearer:tok", "bearer:***"),
            ("header:X-Api-Key:k", "header:X-Api-Key:***"),
            ("query:token:t s", "query:token:***"),
            ("none", "none"),
            ("basic:token:", "basic:***:"),
        ] {
            let a = Auth::parse(raw).unwrap();
            assert_eq!(a.masked(), masked);
            assert_eq!(format!("{a:?}"), masked, "Debug never shows the secret");
        }
        assert_eq!(Auth::parse("basic:ks:pw:with:colons").unwrap(), Auth::Basic { user: "ks".into(), password: "pw:with:colons".into() });
        for bad in ["", "basic:nocolon", "bearer:", "header:Bad Name:v", "digest:x"] {
            assert!(Auth::parse(bad).is_err(), "{bad}");
        }
        let g = Gateway::configured(Preset::Custom, Some("http://h/s?x=1"), Auth::parse("query:token:t s").unwrap(), "DDH", None).unwrap();
        assert_eq!(g.request("+4512345678", "x", "1").unwrap().url, "http://h/s?x=1&token=t+s");
        let g = Gateway::configured(Preset::Custom, Some("http://h/s"), Auth::parse("header:X-Api-Key:k").unwrap(), "DDH", None).unwrap();
        assert!(g.request("+4512345678", "x", "1").unwrap().headers.contains(&("X-Api-Key".into(), "k".into())));
    }

    #[test]
    fn answers_say_whether_to_try_again() {
        let g = configured(Preset::GatewayApi);
        assert!(matches!(g.answer(503, "down"), Answer::Refused { retry: true, .. }));
        assert!(matches!(g.answer(429, ""), Answer::Refused { retry: true, .. }));
        assert!(matches!(g.answer(401, "no"), Answer::Refused { retry: false, .. }));
        assert!(matches!(g.answer(200, "{}"), Answer::Refused { retry: false, .. }), "2xx without the ids");
    }

    #[test]
    fn configuration_is_checked() {
        assert!(Gateway::configured(Preset::Custom, None, Auth::None, "DDH", None).unwrap_err().contains("needs sms_url"));
        assert!(Gateway::configured(Preset::GatewayApi, Some("ftp://x"), Auth::None, "DDH", None).unwrap_err().contains("https://"));
        assert!(Gateway::configured(Preset::GatewayApi, None, Auth::None, "", None).unwrap_err().contains("sms_sender"));
        assert!(Gateway::configured(Preset::GatewayApi, None, Auth::None, "Kriseservicen DDH", None).is_err(), "over 11 characters");
        assert!(Gateway::configured(Preset::GatewayApi, None, Auth::None, "4512345678901", None).is_ok(), "a long number is fine");
        let e =
            Gateway::configured(Preset::Custom, Some("http://h"), Auth::None, "DDH", Some(r#"{"to":{to},"text":"{text}"}"#)).unwrap_err();
        assert!(e.contains("not JSON"), "a quoted placeholder is refused: {e}");
        assert!(
            Gateway::configured(Preset::Custom, Some("http://h"), Auth::None, "DDH", Some(r#"{"to":{to}}"#))
                .unwrap_err()
                .contains("{text}")
        );
        assert_eq!("GatewayAPI".parse::<Preset>(), Ok(Preset::GatewayApi));
        assert!("twilio".parse::<Preset>().unwrap_err().contains("gatewayapi, inmobile, cpsms, linkmobility, custom"));
        assert!(configured(Preset::GatewayApi).request("12345678", "x", "1").is_err(), "numbers are kept as +45…");
    }

    #[test]
    fn bad_callbacks_are_errors() {
        let g = configured(Preset::GatewayApi);
        assert!(g.delivery_reports("not json").is_err());
        assert!(g.delivery_reports(r#"{"status":"DELIVERED"}"#).is_err());
        assert!(configured(Preset::Cpsms).delivery_reports("").is_err());
        assert!(configured(Preset::Inmobile).delivery_reports(r#"{"x":1}"#).is_err());
    }
}
