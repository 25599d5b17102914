//! The chatbot widget `/chat?municipality=0250` that a municipality embeds on its site. Danish,
//! no login, works without JavaScript (each question is a form post, the conversation is kept
//! on the server for half an hour) and with it (`chat.js` talks to `/api/v1/chat`).

use crate::AppState;
use crate::auth::ClientIp;
use crate::error::ApiError;
use crate::i18n::{Lang, t, tf};
use app::chat::Turn;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::chat::ChatRequest;
use domain::inquiry::NewCallback;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use uuid::Uuid;

/// The widget speaks Danish, as the municipality's site that embeds it does.
const LANG: Lang = Lang::Da;

pub fn routes() -> Router<AppState> {
    Router::new().route("/chat", get(show).post(ask)).route("/chat/callback", axum::routing::post(callback))
}

#[derive(Deserialize, Default)]
struct View {
    municipality: Option<String>,
    /// Text, not a UUID, so a mangled address still shows the page (as a new conversation).
    conversation: Option<String>,
    /// `ok` after a callback request was received.
    callback: Option<String>,
}

impl View {
    fn conversation(&self) -> Option<Uuid> {
        self.conversation.as_deref().and_then(|c| c.parse().ok())
    }
}

/// Form fields are all text, so no form is ever refused before we can answer in Danish.
#[derive(Deserialize)]
struct Ask {
    #[serde(default)]
    message: String,
    municipality: Option<String>,
    #[serde(default)]
    conversation: String,
}

#[derive(Deserialize)]
struct CallbackForm {
    #[serde(default)]
    conversation: String,
    municipality: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    reason: String,
}

fn frame(body: Markup) -> Response {
    let page = html! {
        (DOCTYPE)
        html lang=(LANG.code()) {
            head {
                (super::head_start(t(LANG, "chat.title")))
                (super::script_texts(&[
                    ("you_wrote", t(LANG, "chat.you_wrote")),
                    ("bot_replies", t(LANG, "chat.bot_replies")),
                    ("source", t(LANG, "chat.source")),
                    ("rate_limited", t(LANG, "chat.error.rate_limited")),
                    ("validation_failed", t(LANG, "chat.error.write_question")),
                    ("failed", t(LANG, "chat.error.failed")),
                    ("offline", t(LANG, "chat.error.offline")),
                ]))
                script src="/static/chat.js" defer {}
            }
            body.public.chat-widget { main #main { (body) } }
        }
    };
    // Embeddable on the municipality's own site.
    ([(header::CONTENT_SECURITY_POLICY, crate::headers::CSP_EMBEDDABLE), (header::CACHE_CONTROL, "no-store")], page).into_response()
}

fn location(municipality: Option<&str>, conversation: Option<Uuid>, extra: &str) -> String {
    let mut q = Vec::new();
    if let Some(m) = municipality {
        q.push(format!("municipality={}", super::urlencode(m)));
    }
    if let Some(c) = conversation {
        q.push(format!("conversation={c}"));
    }
    if !extra.is_empty() {
        q.push(extra.to_string());
    }
    format!("/chat?{}", q.join("&"))
}

fn turn(turn: &Turn) -> Markup {
    html! {
        div.turn.from-citizen { p { span.visually-hidden { (t(LANG, "chat.you_wrote")) " " } (turn.question) } }
        div.turn.from-bot data-handover=(turn.reply.handover) {
            p { span.visually-hidden { (t(LANG, "chat.bot_replies")) " " } @for (i, line) in turn.reply.answer.lines().enumerate() { @if i > 0 { br; } (line) } }
            @if let Some(src) = &turn.reply.source { (source(src)) }
            @if let Some(g) = &turn.reply.guide { p.guide-link { a href=(g.href) { (g.title) } } }
        }
    }
}

/// Which crisis an answer comes from, and when its guide was updated.
fn source(src: &app::chat::Source) -> Markup {
    html! {
        p.source { (t(LANG, "chat.source")) " " (src.incident_title) ". " time datetime=(domain::time::rfc3339(src.updated_at)) { (src.updated) } "." }
    }
}

fn conversation_view(s: &AppState, v: &View, error: Option<&str>) -> Markup {
    let crises = s.app.live().crises();
    let municipality = v.municipality.as_deref().filter(|m| crises.name(m).is_some());
    let name = municipality.and_then(|m| crises.name(m));
    let turns = v.conversation().map(|c| s.app.chat_turns(c)).unwrap_or_default();
    let last = turns.last().map(|t| &t.reply);
    html! {
        h1 { @if let Some(n) = name { (tf(LANG, "chat.heading_in", &[("name", n)])) } @else { (t(LANG, "chat.heading")) } }
        p.hint { (t(LANG, "chat.intro")) }
        div #chat-log.chat-log role="log" aria-live="polite" aria-label=(t(LANG, "chat.log")) {
            @for t in &turns { (turn(t)) }
        }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        div #handover.handover hidden[!last.is_some_and(|r| r.handover)] {
            @if let Some(line) = &s.app.config().crisis_line {
                p { (t(LANG, "chat.crisis_phone")) " " a href={ "tel:" (line.replace(' ', "")) } { strong { (line) } } }
            }
        }
        @if v.callback.as_deref() == Some("ok") {
            p.notice role="status" { (t(LANG, "chat.callback_sent")) }
        } @else if last.is_some_and(|r| r.handover && r.callback) {
            (callback_form(v))
        }
        form #chat-form.chat-form method="post" action="/chat" {
            @if let Some(m) = municipality { input type="hidden" name="municipality" value=(m); }
            input #chat-conversation type="hidden" name="conversation" value=[v.conversation()];
            label for="chat-message" { (t(LANG, "chat.question")) }
            div.chat-input {
                input #chat-message type="text" name="message" required maxlength=(domain::chat::MESSAGE_MAX) autocomplete="off";
                button type="submit" { (t(LANG, "chat.send")) }
            }
        }
    }
}

fn callback_form(v: &View) -> Markup {
    html! {
        form #callback-form.callback-form method="post" action="/chat/callback" {
            h2 { (t(LANG, "chat.callback")) }
            input type="hidden" name="conversation" value=[v.conversation()];
            @if let Some(m) = &v.municipality { input type="hidden" name="municipality" value=(m); }
            div.field { label for="cb-name" { (t(LANG, "field.name")) } input #cb-name name="name" required maxlength="120" autocomplete="name"; }
            div.field { label for="cb-phone" { (t(LANG, "chat.phone")) } input #cb-phone name="phone" type="tel" required inputmode="tel" autocomplete="tel"; }
            div.field { label for="cb-reason" { (t(LANG, "field.reason")) } textarea #cb-reason name="reason" required maxlength="500" rows="3" {} }
            button type="submit" { (t(LANG, "chat.call_me")) }
        }
    }
}

async fn show(State(s): State<AppState>, Query(v): Query<View>) -> Response {
    frame(conversation_view(&s, &v, None))
}

/// The citizen's words for what went wrong, so they know what to do.
fn explain(e: &ApiError) -> String {
    let text = match e.code {
        "rate_limited" => t(LANG, "chat.error.rate_limited"),
        "validation_failed" if e.fields.iter().any(|f| f.field == "municipality") => t(LANG, "chat.error.unknown_municipality"),
        "validation_failed" if e.fields.iter().any(|f| f.message.starts_with("at most")) => {
            return tf(LANG, "chat.error.too_long", &[("max", &domain::chat::MESSAGE_MAX.to_string())]);
        }
        "validation_failed" => t(LANG, "chat.error.empty"),
        "unknown_conversation" => t(LANG, "chat.error.expired"),
        "no_live_crisis" => t(LANG, "chat.error.no_crisis"),
        "already_requested" => t(LANG, "chat.error.already_requested"),
        _ => t(LANG, "chat.error.failed"),
    };
    text.to_string()
}

async fn ask(State(s): State<AppState>, ClientIp(ip): ClientIp, axum::extract::Form(a): axum::extract::Form<Ask>) -> Response {
    let conversation = a.conversation.parse().ok();
    let req = ChatRequest { message: a.message, municipality: a.municipality.clone(), conversation, exercise: None };
    match s.app.chat(ip, req).await.map_err(ApiError::from) {
        Ok(reply) => Redirect::to(&location(a.municipality.as_deref(), Some(reply.conversation), "")).into_response(),
        Err(e) => {
            let v = View { municipality: a.municipality, conversation: Some(a.conversation), callback: None };
            (e.status, frame(conversation_view(&s, &v, Some(&explain(&e))))).into_response()
        }
    }
}

async fn callback(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    axum::extract::Form(f): axum::extract::Form<CallbackForm>,
) -> Response {
    let new = NewCallback { name: f.name, phone: f.phone, email: String::new(), reason: f.reason, municipality: String::new() };
    let conversation: Option<Uuid> = f.conversation.parse().ok();
    let outcome = match conversation {
        Some(c) => s.app.chat_callback(ip, c, new).await.map_err(ApiError::from),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_conversation", "no conversation")),
    };
    match outcome {
        Ok(()) => Redirect::to(&location(f.municipality.as_deref(), conversation, "callback=ok")).into_response(),
        Err(e) => {
            let v = View { municipality: f.municipality, conversation: Some(f.conversation), callback: None };
            let message = if e.code == "validation_failed" { t(LANG, "chat.error.callback_fields").to_string() } else { explain(&e) };
            let status = if e.status.is_client_error() { e.status } else { StatusCode::BAD_REQUEST };
            (status, frame(conversation_view(&s, &v, Some(&message)))).into_response()
        }
    }
}
