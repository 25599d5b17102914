//! Handing one message to an SMS gateway or a Teams Workflows webhook over HTTP, and what came of
//! it. The outbox worker and `notify test` both send through here. The request's shape is
//! `channels`' (`sms_gateway`, `teams`); this module only makes the call and reads the answer.

use channels::sms_gateway::{Answer, Gateway};
use std::time::Duration;

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handed over, with the provider's id of the message if it gave one.
    Sent(Option<String>),
    /// Not sent: `retry` when trying again cannot send it twice.
    Failed { error: String, retry: bool },
    /// It may have gone (a time-out after the request was written): never tried again.
    Unknown(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Sent(Some(r)) => write!(f, "sent (provider reference {r})"),
            Outcome::Sent(None) => write!(f, "sent"),
            Outcome::Failed { error, retry: true } => write!(f, "failed, may be tried again: {error}"),
            Outcome::Failed { error, retry: false } => write!(f, "failed: {error}"),
            Outcome::Unknown(e) => write!(f, "unknown, it may have gone and is not sent again: {e}"),
        }
    }
}

/// The Teams webhooks by team name; the unnamed one (`""`) serves every team without its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamsWebhooks(pub Vec<(String, String)>);

impl TeamsWebhooks {
    /// The webhook for a Teams method's address (its team's name).
    pub fn url(&self, team: &str) -> Option<&str> {
        let named = self.0.iter().find(|(name, _)| !name.is_empty() && name.eq_ignore_ascii_case(team.trim()));
        named.or_else(|| self.0.iter().find(|(name, _)| name.is_empty())).map(|(_, url)| url.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The HTTP client for gateways and webhooks: TLS by rustls, no redirects (a webhook URL is
/// where we post, never somewhere it points us to), bounded waits.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .user_agent(concat!("kriseservice/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("an HTTP client with rustls")
}

/// Sends `text` to `to` (`+45…`) through the gateway; `reference` (our id) comes back in its
/// delivery reports.
pub async fn sms(client: &reqwest::Client, gateway: &Gateway, to: &str, text: &str, reference: &str) -> Outcome {
    let request = match gateway.request(to, text, reference) {
        Ok(r) => r,
        Err(error) => return Outcome::Failed { error, retry: false },
    };
    let mut call = client.post(&request.url).body(request.body);
    for (name, value) in &request.headers {
        call = call.header(name, value);
    }
    match answer(call.send().await).await {
        Ok((status, body)) => match gateway.answer(status, &body) {
            Answer::Accepted(provider_ref) => Outcome::Sent(provider_ref),
            Answer::Refused { reason, retry } => Outcome::Failed { error: reason, retry },
        },
        Err(outcome) => outcome,
    }
}

/// Posts the Adaptive Card to a Workflows webhook; it answers 202 with nothing to keep.
pub async fn teams(client: &reqwest::Client, url: &str, title: &str, text: &str, link: Option<(&str, &str)>) -> Outcome {
    let message = channels::teams::webhook_message(title, text, link);
    match answer(client.post(url).json(&message).send().await).await {
        Ok((status, _)) if (200..300).contains(&status) => Outcome::Sent(None),
        Ok((status, body)) => {
            let short: String = body.chars().take(200).collect();
            Outcome::Failed { error: format!("the webhook answered {status}: {short}"), retry: status == 429 || status >= 500 }
        }
        Err(outcome) => outcome,
    }
}

/// The status and body, or what a failure to get them means: refused before anything was
/// written may be retried; a time-out or a broken connection afterwards may have sent it.
async fn answer(sent: reqwest::Result<reqwest::Response>) -> Result<(u16, String), Outcome> {
    let response = sent.map_err(|e| {
        let error = chain(&e);
        if e.is_connect() {
            Outcome::Failed { error: format!("cannot connect: {error}"), retry: true }
        } else if e.is_builder() {
            Outcome::Failed { error, retry: false }
        } else if e.is_timeout() {
            Outcome::Unknown(format!("no answer in time after the request was sent: {error}"))
        } else {
            Outcome::Unknown(format!("the connection failed after the request was sent: {error}"))
        }
    })?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| Outcome::Unknown(format!("the answer ({status}) could not be read: {}", chain(&e))))?;
    Ok((status, body))
}

/// An error with its causes, which is where reqwest says what actually happened.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use channels::sms_gateway::{Auth, Preset};

    /// A one-shot HTTP server on loopback that answers `reply` (or never, when `None`).
    fn server(reply: Option<&'static str>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = vec![0; 65536];
            let _ = s.read(&mut buf);
            match reply {
                Some(r) => s.write_all(r.as_bytes()).unwrap(),
                None => std::thread::sleep(Duration::from_secs(5)),
            }
        });
        format!("http://{addr}/send")
    }

    fn gateway(url: &str) -> Gateway {
        Gateway::configured(Preset::GatewayApi, Some(url), Auth::None, "DDH", None).unwrap()
    }

    #[tokio::test]
    async fn answers_become_outcomes() {
        let ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"ids\":[77]}";
        let url = server(Some(ok));
        assert_eq!(sms(&client(), &gateway(&url), "+4512345678", "Hej", "1").await, Outcome::Sent(Some("77".into())));
        let busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy";
        let url = server(Some(busy));
        assert!(matches!(sms(&client(), &gateway(&url), "+4512345678", "Hej", "1").await, Outcome::Failed { retry: true, .. }));
        let refused = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno";
        let url = server(Some(refused));
        assert!(matches!(sms(&client(), &gateway(&url), "+4512345678", "Hej", "1").await, Outcome::Failed { retry: false, .. }));
        let accepted = "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        let url = server(Some(accepted));
        assert_eq!(teams(&client(), &url, "Udkald", "Tekst", Some(("Kvittér", "https://k/x"))).await, Outcome::Sent(None));
    }

    #[tokio::test]
    async fn nobody_listening_is_retried_and_a_time_out_is_not() {
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}/send", l.local_addr().unwrap())
        };
        assert!(matches!(sms(&client(), &gateway(&closed), "+4512345678", "Hej", "1").await, Outcome::Failed { retry: true, .. }));
        let url = server(None);
        let quick = reqwest::Client::builder().timeout(Duration::from_millis(300)).build().unwrap();
        assert!(matches!(sms(&quick, &gateway(&url), "+4512345678", "Hej", "1").await, Outcome::Unknown(_)));
    }

    #[test]
    fn a_team_finds_its_webhook_or_the_unnamed_one() {
        let hooks = TeamsWebhooks(vec![("staben".into(), "https://a".into()), (String::new(), "https://b".into())]);
        assert_eq!(hooks.url("Staben"), Some("https://a"));
        assert_eq!(hooks.url("andre"), Some("https://b"));
        assert_eq!(TeamsWebhooks(vec![("staben".into(), "https://a".into())]).url("andre"), None);
    }
}
