//! The Danish, server-rendered pages. Forms work without JavaScript; `app.js` adds live updates.

mod account;
mod admin;
mod agent;
mod authority;
mod billing;
mod callout;
mod chart;
mod chat;
pub mod contact_lists;
mod evaluation_admin;
mod exercise;
mod form;
mod guide_edit;
mod guide_view;
mod handovers;
mod incidents;
mod login;
mod print;
pub mod public;
mod readiness;
pub mod report;
mod room;
mod scenarios;
mod search;
mod security;
mod shifts;
mod staffing;
mod tokens;

pub use print::{callbacks_csv, csv, log_csv};

use crate::AppState;
use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::i18n::{Lang, t};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};
use serde::de::DeserializeOwned;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/incidents") }))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::set_lang))
        .route("/static/app.css", get(|| async { static_file("text/css", include_str!("../../static/app.css")) }))
        .route("/static/app.js", get(|| async { static_file("text/javascript", include_str!("../../static/app.js")) }))
        .route("/static/public.js", get(|| async { static_file("text/javascript", include_str!("../../static/public.js")) }))
        .route("/static/chat.js", get(|| async { static_file("text/javascript", include_str!("../../static/chat.js")) }))
        .merge(incidents::routes())
        .merge(room::routes())
        .merge(exercise::routes())
        .merge(report::routes())
        .merge(billing::routes())
        .merge(evaluation_admin::routes())
        .merge(scenarios::routes())
        .merge(callout::routes())
        .merge(readiness::routes())
        .merge(agent::routes())
        .merge(guide_edit::routes())
        .merge(authority::routes())
        .merge(handovers::routes())
        .merge(public::routes())
        .merge(chat::routes())
        .merge(search::routes())
        .merge(admin::routes())
        .merge(tokens::routes())
        .merge(account::routes())
        .merge(security::routes())
        .merge(staffing::routes())
        .merge(shifts::routes())
        .merge(contact_lists::routes())
        .fallback(not_found)
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

async fn not_found(parts: Parts) -> Response {
    PageError::Api(ApiError::not_found("page"), Lang::from_headers(&parts.headers)).into_response()
}

/// What every page knows about its request.
pub struct Ctx {
    pub caller: Caller,
    pub lang: Lang,
}

impl Ctx {
    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// `t` for a domain word: `word("status", "active")`.
    pub fn word(&self, prefix: &str, w: impl std::fmt::Display) -> &'static str {
        t(self.lang, &format!("{prefix}.{w}"))
    }

    pub fn may(&self, action: domain::Permission) -> bool {
        domain::permission::allows(self.caller.user.role, action)
    }

    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="_csrf" value=(self.caller.csrf); }
    }
}

/// A logged-in page request; anyone else is sent to the login page, and a person who must enrol
/// a second factor first to the enrolment ([`EnrolCtx`] lets them in).
impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let EnrolCtx(ctx) = EnrolCtx::from_request_parts(parts, state).await?;
        if ctx.caller.must_enrol {
            return Err(Redirect::to(account::PATH).into_response());
        }
        Ok(ctx)
    }
}

/// [`Ctx`], also for a person who must enrol a second factor first: the enrolment and logging out.
pub struct EnrolCtx(pub Ctx);

impl FromRequestParts<AppState> for EnrolCtx {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = Lang::from_headers(&parts.headers);
        match auth::identify(state, &parts.headers).await {
            Ok(Some(caller)) => {
                // A form extractor after this one reuses the caller instead of looking it up again.
                parts.extensions.insert(caller.clone());
                Ok(EnrolCtx(Ctx { caller, lang }))
            }
            Ok(None) => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                Err(Redirect::to(&format!("/login?next={}", urlencode(next))).into_response())
            }
            Err(e) => Err(PageError::Api(e, lang).into_response()),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A page's failure, rendered as a Danish page with the right status.
pub enum PageError {
    Api(ApiError, Lang),
}

pub type PageResult = Result<Response, PageError>;

impl PageError {
    pub fn from<E: Into<ApiError>>(lang: Lang) -> impl Fn(E) -> PageError {
        move |e| PageError::Api(e.into(), lang)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError::Api(e, lang) = self;
        // What went wrong, and whether the error's own message adds to it.
        let (lead, own_message) = match e.code {
            "forbidden" => (t(lang, "error.forbidden"), false),
            "not_found" => (t(lang, "error.not_found"), false),
            "validation_failed" => (t(lang, "error.invalid"), true),
            "conflict" => (t(lang, "error.conflict"), true),
            "unavailable" => (t(lang, "error.unavailable"), true),
            "csrf" => (t(lang, "error.csrf"), true),
            "invalid_totp" => (t(lang, "account.totp_wrong"), false),
            "no_enrolment" => (t(lang, "account.no_enrolment"), false),
            "totp_enrolment_required" => (t(lang, "account.enrol_first"), false),
            _ => (t(lang, "error.generic"), true),
        };
        let body = html! {
            h1 { (t(lang, "error.title")) }
            div.notice.error role="alert" {
                p { (lead) }
                @if e.fields.is_empty() {
                    @if own_message { p { (e.message) } }
                } @else {
                    ul { @for f in &e.fields { @let (field, message) = field_problem(lang, f); li { strong { (field) } ": " (message) } } }
                }
            }
            p { a href="/incidents" { (t(lang, "error.back")) " – " (t(lang, "nav.incidents")) } }
        };
        (e.status, crate::error::retry_header(e.retry_after), layout(lang, None, t(lang, "error.title"), body, None)).into_response()
    }
}

/// A field's problem for people: in their language where the rule names its refusal by `code`
/// (a password's weakness), else as the domain worded it.
pub fn field_problem(lang: Lang, f: &domain::FieldError) -> (String, String) {
    use domain::user::{PASSWORD_MAX, PASSWORD_MIN, PASSWORD_OWN_MIN, PasswordWeakness as W};
    if f.code == Some(domain::totp::CODE_FORMAT) {
        return (t(lang, "account.code").to_string(), t(lang, "account.totp_format").to_string());
    }
    let Some(w) = f.code.and_then(|c| c.parse::<W>().ok()) else { return (f.field.clone(), f.message.clone()) };
    let message = match w {
        W::TooShort => crate::i18n::tf(lang, "password.too_short", &[("min", &PASSWORD_MIN.to_string())]),
        W::TooLong => crate::i18n::tf(lang, "password.too_long", &[("max", &PASSWORD_MAX.to_string())]),
        W::Repeated => t(lang, "password.repeated").to_string(),
        W::Sequence => t(lang, "password.sequence").to_string(),
        W::Common => crate::i18n::tf(lang, "password.common", &[("own", &PASSWORD_OWN_MIN.to_string())]),
    };
    (t(lang, "login.password").to_string(), message)
}

/// A form that is only its button (and the CSRF token).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// A form body with its CSRF token checked against the session.
pub struct Form<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Form<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let lang = Lang::from_headers(req.headers());
        let bytes = checked_form(req, state).await?;
        parse_form(&bytes, lang).map(Form)
    }
}

/// [`Form`], with the fields as typed (without the token): what a refused form shows again.
pub struct Typed<T>(pub T, pub Vec<(String, String)>);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Typed<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let lang = Lang::from_headers(req.headers());
        let bytes = checked_form(req, state).await?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).unwrap_or_default();
        let typed = pairs.into_iter().filter(|(k, _)| k != "_csrf").collect();
        Ok(Typed(parse_form(&bytes, lang)?, typed))
    }
}

/// The body of a form post whose CSRF token matches the caller's session.
async fn checked_form(req: Request, state: &AppState) -> Result<axum::body::Bytes, PageError> {
    let lang = Lang::from_headers(req.headers());
    let caller = match req.extensions().get::<Caller>() {
        Some(c) => c.clone(),
        None => auth::identify(state, req.headers())
            .await
            .map_err(PageError::from(lang))?
            .ok_or_else(|| PageError::Api(ApiError::unauthorized(), lang))?
            .enrolled()
            .map_err(PageError::from(lang))?,
    };
    let bytes = axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|_| PageError::Api(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the form is too large"), lang))?;
    let token: CsrfOnly = serde_html_form::from_bytes(&bytes).unwrap_or(CsrfOnly { csrf: String::new() });
    if !auth::constant_eq(&token.csrf, &caller.csrf) {
        return Err(PageError::Api(ApiError::new(StatusCode::FORBIDDEN, "csrf", "missing or wrong form token"), lang));
    }
    Ok(bytes)
}

fn parse_form<T: DeserializeOwned>(bytes: &[u8], lang: Lang) -> Result<T, PageError> {
    // `serde_html_form` collects repeated fields (checkbox groups) into a `Vec`.
    serde_html_form::from_bytes(bytes)
        .map_err(|e| PageError::Api(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_form", e.to_string()), lang))
}

/// A path parameter for pages; a malformed one is a Danish 404 page, not plain text.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Path<T> {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let lang = Lang::from_headers(&parts.headers);
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| PageError::Api(ApiError::not_found("page"), lang))
    }
}

/// 303 back to a page after a successful form post.
pub fn back_to(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// What every page's head begins with: the character set, the phone's viewport, the title and
/// the one style sheet.
pub fn head_start(title: &str) -> Markup {
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        title { (title) }
        link rel="stylesheet" href="/static/app.css";
    }
}

/// The page frame: skip link, header with navigation, main landmark.
pub fn layout(lang: Lang, ctx: Option<&Ctx>, title: &str, body: Markup, live: Option<&str>) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                (head_start(&format!("{title} – {}", t(lang, "app"))))
                @if let Some(c) = ctx { meta name="csrf-token" content=(c.caller.csrf); (live_texts(c)) }
                script src="/static/app.js" defer {}
            }
            body data-live-incident=[live] {
                a.skip href="#main" { (t(lang, "skip")) }
                header.top {
                    a.brand href="/incidents" { (t(lang, "app")) }
                    @if let Some(c) = ctx {
                        nav aria-label=(t(lang, "nav.main")) {
                            ul {
                                @if !c.caller.must_enrol {
                                    li { a href="/incidents" { (t(lang, "nav.incidents")) } }
                                    li { a href="/agent" { (t(lang, "nav.agent")) } }
                                    @if c.may(domain::Permission::ViewReadiness) { li { a href=(readiness::READINESS) { (t(lang, "nav.readiness")) } } }
                                    @if c.may(domain::Permission::ReadContactLists) { li { a href=(contact_lists::PATH) { (t(lang, "nav.contacts")) } } }
                                    @if c.may(domain::Permission::ViewScenarios) { li { a href=(scenarios::PATH) { (t(lang, "nav.exercises")) } } }
                                    @if c.may(domain::Permission::ViewTariffs) { li { a href=(billing::TARIFFS) { (t(lang, "nav.tariffs")) } } }
                                    @if c.may(domain::Permission::KeepEvaluationTemplates) { li { a href=(evaluation_admin::PATH) { (t(lang, "nav.evaluation")) } } }
                                    @if c.may(domain::Permission::ManageUsers) { li { a href="/admin" { (t(lang, "nav.admin")) } } }
                                    @if c.may(domain::Permission::KeepOwnContactMethods) { li { a href=(readiness::MINE) { (t(lang, "nav.contact")) } } }
                                }
                                @if c.may(domain::Permission::UseSecondFactor) { li { a href=(account::PATH) { (t(lang, "nav.totp")) } } }
                                li { a href={ "/lang/" (if lang == Lang::Da { "en" } else { "da" }) } lang=(if lang == Lang::Da { "en" } else { "da" }) { (t(lang, "nav.lang")) } }
                                li {
                                    form.inline method="post" action="/logout" {
                                        (c.csrf_field())
                                        button.link type="submit" { (t(lang, "nav.logout")) " (" (c.caller.user.name) ")" }
                                    }
                                }
                            }
                        }
                    }
                }
                div #live-notice.notice role="status" aria-live="polite" hidden {
                    (t(lang, "room.live")) " " a href="" { (t(lang, "room.reload")) }
                }
                main #main tabindex="-1" { (body) }
            }
        }
    }
}

/// Renders a full page for a logged-in user.
/// Texts a page's script shows, from the translation table, as JSON the script reads: the
/// scripts hold no words of their own.
pub fn script_texts(texts: &[(&str, &str)]) -> Markup {
    let map: serde_json::Map<String, serde_json::Value> = texts.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
    // `<` escaped, so no text can end the script element.
    let json = serde_json::Value::Object(map).to_string().replace('<', "\\u003c");
    html! { script #ks-texts type="application/json" { (maud::PreEscaped(json)) } }
}

/// What the live updates write into a page: log categories, roles, the overdue notice.
fn live_texts(c: &Ctx) -> Markup {
    let categories = domain::log::LogCategory::ALL.iter().map(|k| (k.as_str(), c.word("category", k)));
    let roles = domain::Role::ALL.iter().map(|r| (r.as_str(), c.word("role", r)));
    let mut texts: Vec<(&str, &str)> = categories.chain(roles).collect();
    texts.extend([("corrects", c.t("room.log.corrects")), ("overdue", c.t("live.overdue")), ("in", c.t("live.in"))]);
    texts.push(("corrected_by", c.t("room.log.corrected_by")));
    texts.push(("callout", c.t("live.callout")));
    script_texts(&texts)
}

pub fn page(ctx: &Ctx, title: &str, body: Markup, live: Option<&str>) -> Response {
    let markup = layout(ctx.lang, Some(ctx), title, body, live);
    ([(header::CACHE_CONTROL, "no-store")], markup).into_response()
}

pub fn local_time(t: time::OffsetDateTime) -> Markup {
    html! { time datetime=(domain::time::rfc3339(t)) { (domain::time::format_danish(t)) } }
}

/// An action card's problem, solution, communication and who is responsible.
pub fn card_details(ctx: &Ctx, c: &domain::checklist::ActionCard) -> Markup {
    html! {
        dl {
            dt { (ctx.t("admin.problem")) } dd { (paragraphs(&c.problem)) }
            dt { (ctx.t("admin.solution")) } dd { (paragraphs(&c.solution)) }
            dt { (ctx.t("admin.communication")) } dd { (paragraphs(&c.communication)) }
            dt { (ctx.t("responsible")) } dd { (ctx.word("role", c.responsible)) }
        }
    }
}

/// Renders text with line breaks kept, escaped.
pub fn paragraphs(text: &str) -> Markup {
    html! { @for (i, line) in text.lines().enumerate() { @if i > 0 { br; } (line) } }
}
