//! The call-out in the crisis room (who was called on which channel, who acknowledged), the
//! forms that call the staff out again, acknowledge in the app and send a staffing call, and
//! the page a message's acknowledgement link opens.

use super::form::{Field, Posted};
use super::{Ctx, Form, NoFields, PageError, PageResult, Path, Typed, back_to, layout, local_time};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::{Lang, t, tf};
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::Permission;
use domain::callout::{CalloutKind, CalloutStatus, RoleCallout};
use domain::incident::{Incident, Status};
use domain::role::StaffRole;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/callout", get(fragment).post(start))
        .route("/incidents/{id}/callout/{callout}/{role}/ack", post(acknowledge))
        .route("/incidents/{id}/staffing-call", post(staffing_call))
        .route("/kvittering/{token}", get(link_page).post(link_ack))
}

/// The room's call-out section: the latest call-out of the staff and the latest staffing call.
pub fn section(ctx: &Ctx, i: &Incident, callouts: &[CalloutStatus], posted: &Posted) -> Markup {
    let staff = callouts.iter().find(|c| c.kind == CalloutKind::Staff);
    let staffing = callouts.iter().find(|c| c.kind == CalloutKind::Staffing);
    let open = i.status != Status::Closed;
    html! {
        section #callout aria-labelledby="h-callout" data-callout=(i.id) {
            h2 #h-callout { (ctx.t("callout.title")) }
            p.visually-hidden #callout-live aria-live="polite" {}
            @match staff {
                Some(c) => (status(ctx, i, c)),
                None => p { (ctx.t("callout.none")) },
            }
            @if open && ctx.may(Permission::StartCallout) { (start_form(ctx, i, posted.only("callout"))) }
            @if let Some(c) = staffing { (staffing_status(ctx, c)) }
            @if open && ctx.may(Permission::SendStaffingCall) { (staffing_form(ctx, i, posted.only("staffing_call"))) }
        }
    }
}

fn status(ctx: &Ctx, i: &Incident, c: &CalloutStatus) -> Markup {
    html! {
        p.meta { (tf(ctx.lang, "callout.started", &[("by", &c.started_by)])) " " (local_time(c.started_at))
            @if !c.message.is_empty() { " · »" (c.message) "«" } }
        table.callout {
            caption.visually-hidden { (ctx.t("callout.table")) }
            thead { tr { th scope="col" { (ctx.t("callout.role")) } th scope="col" { (ctx.t("callout.notified")) } th scope="col" { (ctx.t("callout.acknowledged")) } } }
            tbody {
                @for r in &c.roles { (role_row(ctx, i, c, r)) }
            }
        }
    }
}

fn role_row(ctx: &Ctx, i: &Incident, c: &CalloutStatus, r: &RoleCallout) -> Markup {
    let role = r.role.map(|r| ctx.word("role", r)).unwrap_or("");
    let mine = r.acknowledged.is_none() && r.steps.iter().any(|s| s.user_id == ctx.caller.user.id && s.notified_at.is_some());
    let waiting = r.acknowledged.is_none() && r.steps.iter().all(|s| s.notified_at.is_some());
    html! {
        tr.unanswered[waiting] {
            th scope="row" { (role) }
            td {
                ul.plain {
                    @for s in r.steps.iter().filter(|s| s.notified_at.is_some()) {
                        li {
                            (s.name) " · " (local_time(s.notified_at.unwrap_or(s.due_at))) " · "
                            @if s.messages.is_empty() { strong { (ctx.t("callout.no_method")) } }
                            @for (n, m) in s.messages.iter().enumerate() {
                                @if n > 0 { ", " }
                                (ctx.word("contact_channel", m.channel)) " " span.state { "(" (ctx.word("delivery", m.state)) ")" }
                            }
                        }
                    }
                    @if let Some(next) = r.steps.iter().find(|s| s.notified_at.is_none()).filter(|_| r.acknowledged.is_none()) {
                        li.meta { (tf(ctx.lang, "callout.next", &[("name", &next.name)])) " " (local_time(next.due_at)) }
                    }
                }
            }
            td {
                @if let Some(a) = &r.acknowledged {
                    (a.name) " · " (local_time(a.at)) " (" (ctx.word("ack_via", a.via)) ")"
                } @else if waiting {
                    strong { (ctx.t("callout.nobody")) }
                } @else {
                    (ctx.t("callout.waiting"))
                }
                @if mine {
                    @if let Some(role) = r.role {
                        form.inline method="post" action={ "/incidents/" (i.id) "/callout/" (c.id) "/" (role) "/ack" } {
                            (ctx.csrf_field())
                            button type="submit" { (ctx.t("callout.ack_button")) }
                        }
                    }
                }
            }
        }
    }
}

fn staffing_status(ctx: &Ctx, c: &CalloutStatus) -> Markup {
    let called = c.roles.iter().map(|r| r.steps.len()).sum::<usize>();
    let reached = c.roles.iter().flat_map(|r| &r.steps).filter(|s| !s.messages.is_empty()).count();
    html! {
        h3 { (ctx.t("callout.staffing_title")) }
        p { (tf(ctx.lang, "callout.staffing_sent", &[("need", &c.message), ("called", &called.to_string()), ("reached", &reached.to_string())])) " " (local_time(c.started_at)) }
    }
}

fn start_form(ctx: &Ctx, i: &Incident, posted: &Posted) -> Markup {
    let f = Field::new("message", "callout-message", ctx.t("callout.message")).hint(ctx.t("callout.message_hint"));
    html! {
        details open[posted.is_refused()] {
            summary { (ctx.t("callout.again")) }
            form.stack method="post" action={ "/incidents/" (i.id) "/callout" } {
                (ctx.csrf_field())
                (posted.summary_of(ctx.lang, &[f]))
                (posted.field(ctx.lang, f, |invalid, described| html! {
                    textarea id=(f.id) name="message" rows="2" maxlength="500" aria-invalid=[invalid] aria-describedby=[described] { (posted.value("message").unwrap_or("")) }
                }))
                button type="submit" { (ctx.t("callout.again_button")) }
            }
        }
    }
}

fn staffing_form(ctx: &Ctx, i: &Incident, posted: &Posted) -> Markup {
    let f = Field::new("need", "staffing-need", ctx.t("callout.need")).hint(ctx.t("callout.need_hint"));
    html! {
        details open[posted.is_refused()] {
            summary { (ctx.t("callout.staffing_call")) }
            form.stack method="post" action={ "/incidents/" (i.id) "/staffing-call" } {
                (ctx.csrf_field())
                (posted.summary_of(ctx.lang, &[f]))
                (posted.field(ctx.lang, f, |invalid, described| html! {
                    input id=(f.id) name="need" type="text" required maxlength="500" value=[posted.value("need")] aria-invalid=[invalid] aria-describedby=[described];
                }))
                button type="submit" { (ctx.t("callout.staffing_button")) }
            }
        }
    }
}

/// The section alone, for the room's script to refresh it when the call-out moves on.
async fn fragment(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let i = s.app.incident(&ctx.caller.actor(), id, Permission::ViewCallout).await.map_err(&err)?;
    let callouts = s.app.callouts(&ctx.caller.actor(), id).await.map_err(&err)?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], section(&ctx, &i, &callouts, &Posted::none())).into_response())
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    message: String,
}

async fn start(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<StartForm>) -> PageResult {
    match s.app.start_callout(&ctx.caller.actor(), id, &f.message).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}#h-callout"))),
        Err(e) => super::room::refused(&s, &ctx, id, "callout", typed, e).await,
    }
}

#[derive(Deserialize)]
struct NeedForm {
    need: String,
}

async fn staffing_call(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<NeedForm>) -> PageResult {
    match s.app.staffing_call(&ctx.caller.actor(), id, &f.need).await {
        Ok(_) => Ok(back_to(&format!("/incidents/{id}#h-callout"))),
        Err(e) => super::room::refused(&s, &ctx, id, "staffing_call", typed, e).await,
    }
}

async fn acknowledge(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, callout, role)): Path<(Uuid, Uuid, String)>,
    Form(NoFields {}): Form<NoFields>,
) -> PageResult {
    let err = PageError::from(ctx.lang);
    let role: StaffRole = role.parse().map_err(|e: domain::DomainError| err(e.into()))?;
    s.app.acknowledge(&ctx.caller.actor(), id, callout, role).await.map_err(&err)?;
    Ok(back_to(&format!("/incidents/{id}#h-callout")))
}

/// What a message's link opens. A GET only shows the button: mail scanners follow links, and
/// must not acknowledge for the person.
async fn link_page(Path(token): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    let body = html! {
        h1 { (t(lang, "ack.title")) }
        p { (t(lang, "ack.explain")) }
        form method="post" action={ "/kvittering/" (token) } {
            button type="submit" { (t(lang, "ack.button")) }
        }
    };
    public_page(lang, t(lang, "ack.title"), body)
}

async fn link_ack(State(s): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::from_headers(&headers);
    match s.app.acknowledge_link(&token).await {
        Ok(a) => {
            let role = match a.role {
                StaffRole::CrisisLeader => t(lang, "role.crisis_leader"),
                StaffRole::LogKeeper => t(lang, "role.log_keeper"),
                StaffRole::ProcessLead => t(lang, "role.process_lead"),
                StaffRole::StaffingLead => t(lang, "role.staffing_lead"),
            };
            let said = if a.before {
                tf(lang, "ack.before", &[("role", role), ("name", &a.by)])
            } else {
                tf(lang, "ack.done", &[("role", role), ("name", &a.by)])
            };
            let body = html! {
                h1 { (t(lang, "ack.title")) }
                p role="status" { (said) " " (local_time(a.at)) }
                p { a href={ "/incidents/" (a.incident_id) } { (t(lang, "ack.open")) } }
            };
            public_page(lang, t(lang, "ack.title"), body)
        }
        Err(e) => PageError::Api(ApiError::from(e), lang).into_response(),
    }
}

/// A page a message's link opens, without a session: never cached, and its token not passed
/// on in a Referer.
pub(super) fn public_page(lang: Lang, title: &str, body: Markup) -> Response {
    (
        [(axum::http::header::CACHE_CONTROL, "no-store"), (axum::http::header::REFERRER_POLICY, "no-referrer")],
        layout(lang, None, title, body, None),
    )
        .into_response()
}
