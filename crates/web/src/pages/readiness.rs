//! Being reachable for a call-out: "Mine kontaktmetoder" (add a method, type in its code, ask
//! for a new one, remove it), the page a verification link opens, and the readiness view of the
//! standing roster with the secretariat's call-out settings.

use super::callout::public_page;
use super::form::{Field, Posted};
use super::{Ctx, Form, NoFields, PageError, PageResult, Path, Typed, back_to, local_time, page};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::{Lang, t, tf};
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Permission;
use domain::callout::{ContactChannel, MethodReadiness, PersonReadiness, Policy, Standing};
use domain::role::StaffRole;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub const MINE: &str = "/account/contact-methods";
pub const READINESS: &str = "/readiness";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(MINE, get(mine).post(add))
        .route("/account/contact-methods/{id}/verify", post(verify))
        .route("/account/contact-methods/{id}/send", post(send))
        .route("/account/contact-methods/{id}/delete", post(remove))
        .route("/bekraeft/{token}", get(link_page).post(link_verify))
        .route(READINESS, get(readiness))
        .route("/readiness/policy", post(set_policy))
}

fn standing(ctx: &Ctx, s: Standing, stale_at: Option<time::OffsetDateTime>) -> Markup {
    html! {
        span class={ "standing " (s.as_str()) } { (ctx.word("standing", s)) }
        @if let (Some(at), Standing::Verified | Standing::RemindSoon) = (stale_at, s) { " · " (ctx.t("contact.until")) " " (local_time(at)) }
    }
}

async fn mine(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    mine_page(&s, &ctx, &Posted::none()).await
}

async fn mine_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    let (methods, stale_days) = s.app.my_contact_methods(&ctx.caller.actor()).await.map_err(PageError::from(ctx.lang))?;
    let now = domain::time::now();
    let address = Field::new("address", "method-address", ctx.t("contact.address")).hint(ctx.t("contact.address_hint"));
    let code = Field::new("code", "method-code", ctx.t("contact.code"));
    let body = html! {
        h1 { (ctx.t("contact.title")) }
        p { (tf(ctx.lang, "contact.explain", &[("days", &stale_days.to_string())])) }
        @if methods.is_empty() {
            p.notice { (ctx.t("contact.none")) }
        } @else {
            ul.methods {
                @for m in &methods {
                    @let st = m.method.standing(now, stale_days);
                    @let label = format!("{} {}", ctx.word("contact_channel", m.method.channel), m.method.address);
                    @let this_code = posted.only(&format!("code-{}", m.id));
                    li {
                        p { strong { (ctx.word("contact_channel", m.method.channel)) ": " (m.method.address) } " · " (standing(ctx, st, m.method.stale_at(stale_days)))
                            @if let Some(at) = m.method.verified_at { " · " (ctx.t("contact.verified_at")) " " (local_time(at)) } }
                        @if st != Standing::Verified {
                            @let id = format!("code-{}", m.id);
                            form.inline method="post" action={ "/account/contact-methods/" (m.id) "/verify" } {
                                (ctx.csrf_field())
                                (this_code.summary_of(ctx.lang, &[code]))
                                div.field {
                                    label for=(id) { (ctx.t("contact.code")) " (" (label) ")" }
                                    input id=(id) name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="6" pattern="[0-9]{6}"
                                        aria-invalid=[this_code.invalid("code")] aria-describedby=[this_code.described_by("code", &id, None)];
                                    (this_code.message(ctx.lang, "code", &id))
                                }
                                button type="submit" { (ctx.t("contact.verify")) }
                            }
                        }
                        form.inline method="post" action={ "/account/contact-methods/" (m.id) "/send" } {
                            (ctx.csrf_field())
                            button.small type="submit" aria-label={ (ctx.t("contact.send")) ": " (label) } { (ctx.t("contact.send")) }
                        }
                        (super::form::delete_button(ctx, &format!("/account/contact-methods/{}/delete", m.id), &label))
                    }
                }
            }
        }
        section aria-labelledby="h-add-method" {
            h2 #h-add-method { (ctx.t("contact.add")) }
            form.stack method="post" action=(MINE) {
                (ctx.csrf_field())
                (posted.only("add").summary_of(ctx.lang, &[address]))
                div.field {
                    label for="method-channel" { (ctx.t("contact.channel")) }
                    select #method-channel name="channel" {
                        @for c in ContactChannel::ALL {
                            option value=(c.as_str()) selected[posted.only("add").value("channel") == Some(c.as_str())] { (ctx.word("contact_channel", c)) }
                        }
                    }
                }
                (posted.only("add").field(ctx.lang, address, |i, d| html! {
                    input id=(address.id) name="address" type="text" required maxlength="254" autocomplete="off"
                        value=[posted.only("add").value("address")] aria-invalid=[i] aria-describedby=[d];
                }))
                button type="submit" { (ctx.t("contact.add_button")) }
            }
        }
    };
    Ok((posted.status, page(ctx, ctx.t("contact.title"), body, None)).into_response())
}

#[derive(Deserialize)]
struct NewMethod {
    channel: String,
    address: String,
}

async fn add(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<NewMethod>) -> PageResult {
    let done = match f.channel.parse::<ContactChannel>() {
        Ok(channel) => s.app.add_contact_method(&ctx.caller.actor(), channel, &f.address).await,
        Err(e) => Err(e.into()),
    };
    match done {
        Ok(_) => Ok(back_to(MINE)),
        Err(e) => {
            let posted = Posted::refused(ctx.lang, "add", typed, e.into()).map_err(PageError::from(ctx.lang))?;
            mine_page(&s, &ctx, &posted).await
        }
    }
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn verify(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<CodeForm>) -> PageResult {
    match s.app.verify_contact_code(&ctx.caller.actor(), id, &f.code).await {
        Ok(_) => Ok(back_to(MINE)),
        Err(e) => {
            let posted = Posted::refused(ctx.lang, &format!("code-{id}"), typed, e.into()).map_err(PageError::from(ctx.lang))?;
            mine_page(&s, &ctx, &posted).await
        }
    }
}

async fn send(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(NoFields {}): Form<NoFields>) -> PageResult {
    s.app.request_verification(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(MINE))
}

async fn remove(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(NoFields {}): Form<NoFields>) -> PageResult {
    s.app.remove_contact_method(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(MINE))
}

/// What a verification message's link opens. A GET only shows the button: mail scanners follow
/// links, and must not verify for the person.
async fn link_page(State(s): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    match s.app.verification_link(&token).await {
        Ok(m) => {
            let body = html! {
                h1 { (t(lang, "verify.title")) }
                p { (tf(lang, "verify.explain", &[("channel", channel_word(lang, m.method.channel)), ("address", &m.method.address)])) }
                form method="post" action={ "/bekraeft/" (token) } {
                    button type="submit" { (t(lang, "verify.button")) }
                }
            };
            public_page(lang, t(lang, "verify.title"), body)
        }
        Err(e) => PageError::Api(ApiError::from(e), lang).into_response(),
    }
}

async fn link_verify(State(s): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    match s.app.verify_contact_link(&token).await {
        Ok(m) => {
            let body = html! {
                h1 { (t(lang, "verify.title")) }
                p role="status" { (tf(lang, "verify.done", &[("channel", channel_word(lang, m.method.channel))])) }
                p { a href=(MINE) { (t(lang, "verify.open")) } }
            };
            public_page(lang, t(lang, "verify.title"), body)
        }
        Err(e) => PageError::Api(ApiError::from(e), lang).into_response(),
    }
}

/// A channel's name on a page without a signed-in context.
fn channel_word(lang: Lang, c: ContactChannel) -> &'static str {
    match c {
        ContactChannel::Email => t(lang, "contact_channel.email"),
        ContactChannel::Sms => t(lang, "contact_channel.sms"),
        ContactChannel::Teams => t(lang, "contact_channel.teams"),
    }
}

async fn readiness(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    readiness_page(&s, &ctx, &Posted::none()).await
}

fn person(ctx: &Ctx, p: Option<&PersonReadiness>) -> Markup {
    html! {
        @match p {
            None => em { (ctx.t("readiness.nobody")) },
            Some(p) => {
                strong { (p.name) } " (" (p.org) ")"
                @if p.methods.is_empty() { br; (ctx.t("readiness.no_methods")) }
                ul.plain { @for m in &p.methods { li { (method(ctx, m)) } } }
            }
        }
    }
}

fn method(ctx: &Ctx, m: &MethodReadiness) -> Markup {
    html! {
        (ctx.word("contact_channel", m.channel)) " " (m.address) " · " (standing(ctx, m.standing, m.stale_at))
        @if let Some(at) = m.verified_at { " · " (ctx.t("contact.verified_at")) " " (local_time(at)) }
    }
}

async fn readiness_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let view = s.app.readiness(&ctx.caller.actor()).await.map_err(&err)?;
    let settings = s.app.callout_settings(&ctx.caller.actor()).await.map_err(&err)?;
    let at_risk = view.roles.iter().filter(|r| r.at_risk).count();
    let body = html! {
        h1 { (ctx.t("readiness.title")) }
        p { (tf(ctx.lang, "readiness.explain", &[("days", &view.stale_after_days.to_string())])) }
        @if at_risk > 0 {
            div.notice.error role="status" { p { strong { (tf(ctx.lang, "readiness.at_risk_count", &[("n", &at_risk.to_string())])) } } }
        }
        table.readiness {
            caption { (ctx.t("readiness.table")) }
            thead { tr { th scope="col" { (ctx.t("callout.role")) } th scope="col" { (ctx.t("readiness.primary")) } th scope="col" { (ctx.t("readiness.deputy")) } } }
            tbody {
                @for r in &view.roles {
                    tr.at-risk[r.at_risk] {
                        th scope="row" {
                            (ctx.word("role", r.role))
                            @if r.at_risk { br; strong.risk { (ctx.t("readiness.at_risk")) } }
                        }
                        td { (person(ctx, r.primary.as_ref())) }
                        td { (person(ctx, r.deputy.as_ref())) }
                    }
                }
            }
        }
        p { a href=(MINE) { (ctx.t("readiness.mine")) } }
        (policy_section(ctx, &settings, posted.only("policy")))
    };
    Ok((posted.status, page(ctx, ctx.t("readiness.title"), body, None)).into_response())
}

fn policy_section(ctx: &Ctx, settings: &app::CalloutSettings, posted: &Posted) -> Markup {
    let manage = ctx.may(Permission::ManageCalloutPolicy);
    let stale = Field::new("stale_after_days", "stale-days", ctx.t("readiness.stale_days")).hint(ctx.t("readiness.stale_days_hint"));
    html! {
        section aria-labelledby="h-policy" {
            h2 #h-policy { (ctx.t("readiness.policy")) }
            p { (ctx.t("readiness.policy_explain")) }
            @if manage {
                form.stack method="post" action="/readiness/policy" {
                    (ctx.csrf_field())
                    (posted.summary_of(ctx.lang, &[stale]))
                    (posted.field(ctx.lang, stale, |i, d| html! {
                        input id=(stale.id) name="stale_after_days" type="number" min="14" max="730" required
                            value=(posted.value("stale_after_days").map(str::to_string).unwrap_or(settings.stale_after_days.to_string())) aria-invalid=[i] aria-describedby=[d];
                    }))
                    table.policy {
                        caption { (ctx.t("readiness.policy_table")) }
                        thead { tr { th scope="col" { (ctx.t("callout.role")) } th scope="col" { (ctx.t("readiness.wait")) } th scope="col" { (ctx.t("readiness.rounds")) } } }
                        tbody {
                            @for role in StaffRole::ALL {
                                @let p = settings.policies.get(role).copied().unwrap_or_default();
                                @let (w, r) = (format!("wait-{role}"), format!("rounds-{role}"));
                                tr {
                                    th scope="row" { (ctx.word("role", role)) }
                                    td { label.visually-hidden for=(w) { (ctx.t("readiness.wait")) ": " (ctx.word("role", role)) }
                                        input id=(w) name=(w) type="number" min="1" max="120" required value=(posted.value(&w).map(str::to_string).unwrap_or(minutes(p))); }
                                    td { label.visually-hidden for=(r) { (ctx.t("readiness.rounds")) ": " (ctx.word("role", role)) }
                                        input id=(r) name=(r) type="number" min="1" max="5" required value=(posted.value(&r).map(str::to_string).unwrap_or(p.rounds.to_string())); }
                                }
                            }
                        }
                    }
                    button type="submit" { (ctx.t("readiness.save")) }
                }
            } @else {
                p { (tf(ctx.lang, "readiness.stale_is", &[("days", &settings.stale_after_days.to_string())])) }
                ul { @for role in StaffRole::ALL {
                    @let p = settings.policies.get(role).copied().unwrap_or_default();
                    li { (ctx.word("role", role)) ": " (tf(ctx.lang, "readiness.policy_line", &[("wait", &minutes(p)), ("rounds", &p.rounds.to_string())])) }
                } }
            }
        }
    }
}

/// A wait as the form shows it: whole minutes (a shortened wait of seconds shows as 1).
fn minutes(p: Policy) -> String {
    (p.wait.whole_seconds() / 60).max(1).to_string()
}

async fn set_policy(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<std::collections::HashMap<String, String>>) -> PageResult {
    let number = |name: &str| f.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    let mut problems = domain::error::Problems::default();
    let stale = number("stale_after_days");
    if stale.is_none() {
        problems.add("stale_after_days", "must be a whole number of days");
    }
    let mut policies = Vec::new();
    for &role in StaffRole::ALL {
        match (number(&format!("wait-{role}")), number(&format!("rounds-{role}")).and_then(|r| u32::try_from(r).ok())) {
            (Some(w), Some(r)) => policies.push((role, Policy { wait: time::Duration::minutes(w), rounds: r })),
            _ => problems.add(&format!("wait-{role}"), "the wait and the rounds are whole numbers"),
        }
    }
    let done = match problems.into_result() {
        Ok(()) => s.app.set_callout_settings(&ctx.caller.actor(), stale, &policies).await,
        Err(e) => Err(e.into()),
    };
    match done {
        Ok(_) => Ok(back_to("/readiness#h-policy")),
        Err(e) => {
            let posted = Posted::refused(ctx.lang, "policy", typed, e.into()).map_err(PageError::from(ctx.lang))?;
            readiness_page(&s, &ctx, &posted).await
        }
    }
}
