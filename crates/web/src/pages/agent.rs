//! The agent console: the banners of every live crisis (updated live), and for each crisis the
//! guide with the situation → action table first, where one click records what a citizen asked.

use super::form::{Field, Posted};
use super::guide_view::{contacts, freshness, md};
use super::{Ctx, PageError, PageResult, Path, Typed, back_to, local_time, page};
use crate::AppState;
use crate::error::ApiError;
use app::LiveGuide;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::feedback::{FeedbackCategory, GuideSection, NewFeedback};
use domain::inquiry::{NewCallback, NewInquiry};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agent", get(console))
        .route("/agent/banners", get(banners_fragment))
        .route("/agent/{id}", get(guide_page))
        .route("/agent/{id}/inquiries", post(record))
        .route("/agent/{id}/feedback", post(feedback))
        .route("/agent/{id}/callbacks", post(callback))
}

fn banner(ctx: &Ctx, g: &LiveGuide, link: bool) -> Markup {
    let i = &g.incident;
    let overdue = g.freshness.as_ref().is_some_and(|f| f.is_overdue());
    html! {
        article.banner.overdue[overdue] id={ "banner-" (i.id) } data-version=[g.version.as_ref().map(|v| v.version)] {
            h2 {
                @if link { a href={ "/agent/" (i.id) } { (i.title) } } @else { (i.title) }
                (super::incidents::exercise_badge(ctx, i))
            }
            @match &g.version {
                Some(v) => {
                    p.banner-text { (v.guide.banner) }
                    p.meta { (ctx.t("guide.version")) " " (v.version) ", " (local_time(v.published_at)) }
                    (freshness(ctx.lang, g.freshness.as_ref()))
                }
                None => p { (ctx.t("guide.unpublished")) }
            }
        }
    }
}

fn banners(ctx: &Ctx, guides: &[LiveGuide]) -> Markup {
    html! {
        div #banners aria-live="polite" {
            @if guides.is_empty() { p { (ctx.t("agent.none")) } }
            @for g in guides { (banner(ctx, g, true)) }
        }
    }
}

async fn console(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let err = PageError::from(ctx.lang);
    let last = s.app.last_event_seq().await.map_err(&err)?;
    let guides = s.app.live_guides(&ctx.caller.actor()).await.map_err(&err)?;
    let body = html! {
        h1 { (ctx.t("agent.title")) }
        (super::search::search_form(&ctx, "", None))
        div data-last-event=(last) data-agent="all" { (banners(&ctx, &guides)) }
    };
    Ok(page(&ctx, ctx.t("agent.title"), body, None))
}

#[derive(Deserialize)]
struct BannerQuery {
    incident: Option<Uuid>,
}

/// The banners alone, for the console's live update.
async fn banners_fragment(State(s): State<AppState>, ctx: Ctx, Query(q): Query<BannerQuery>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let markup = match q.incident {
        Some(id) => banner(&ctx, &s.app.live_guide(&ctx.caller.actor(), id).await.map_err(&err)?, false),
        None => banners(&ctx, &s.app.live_guides(&ctx.caller.actor()).await.map_err(&err)?),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], markup).into_response())
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
    /// The caller's municipality the agent chose last: the forms keep it.
    municipality: Option<String>,
}

async fn guide_page(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Query(d): Query<Done>) -> PageResult {
    agent_page(&s, &ctx, id, &d, &Posted::none()).await
}

/// The crisis's page for agents, with `posted` shown on its form when a post was refused.
async fn agent_page(s: &AppState, ctx: &Ctx, id: Uuid, d: &Done, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let last = s.app.last_event_seq().await.map_err(&err)?;
    let g = s.app.live_guide(&actor, id).await.map_err(&err)?;
    let changes = match &g.version {
        Some(v) if v.version > 1 => s.app.published_guide(&actor, id, Some(v.version)).await.map_err(&err)?.1,
        _ => Vec::new(),
    };
    let orgs = s.app.public_organisations().await.map_err(&err)?;
    let reached = domain::org::municipalities_reached(&g.incident.affected, &orgs);
    // The crisis's own municipalities first: they are whom citizens call about.
    let (near, far): (Vec<_>, Vec<_>) =
        orgs.iter().filter(|o| domain::org::is_statistics_code(&o.code)).partition(|o| reached.contains(&o.code));
    let home = domain::inquiry::default_municipality(d.municipality.as_deref(), &reached).unwrap_or_default();
    let title = g.incident.title.clone();
    let done_text = d.done.as_deref().map(|k| match k {
        "inquiry" => ctx.t("agent.done_inquiry"),
        "feedback" => ctx.t("agent.done_feedback"),
        _ => ctx.t("agent.done_callback"),
    });
    // A refused form keeps the municipality chosen on it, even the empty "choose" option.
    let municipality_select = |id: &str, posted: &Posted, invalid: Option<&str>, described: Option<String>| {
        let chosen = posted.value("municipality").unwrap_or(home);
        html! {
            select name="municipality" id=(id) required aria-invalid=[invalid] aria-describedby=[described] {
                @if chosen.is_empty() || home.is_empty() { option value="" selected[chosen.is_empty()] { (ctx.t("agent.choose_municipality")) } }
                optgroup label=(ctx.t("agent.affected_municipalities")) {
                    @for o in &near { option value=(o.code) selected[o.code == chosen] { (o.name) " (" (o.code) ")" } }
                }
                optgroup label=(ctx.t("agent.other_municipalities")) {
                    @for o in &far { option value=(o.code) selected[o.code == chosen] { (o.name) " (" (o.code) ")" } }
                }
            }
        }
    };
    let body = html! {
        p.crumbs { a href="/agent" { (ctx.t("agent.title")) } }
        div data-last-event=(last) data-agent=(id) { (banner(ctx, &g, false)) }
        @if let Some(text) = done_text { p.notice role="status" { (text) } }
        @match &g.version {
            None => p { (ctx.t("agent.no_guide")) }
            Some(v) => {
                @if !changes.is_empty() {
                    section.changes aria-labelledby="h-changes" {
                        h2 #h-changes { (ctx.t("guide.changes")) " " (v.version - 1) }
                        ul { @for c in &changes { li { strong { (ctx.word("section", c.section)) } ": " (c.what) } } }
                    }
                }
                section aria-labelledby="h-situations" {
                    h2 #h-situations { (ctx.t("guide.situations")) }
                    @if ctx.may(Permission::RecordInquiry) {
                        (inquiry_form(ctx, id, v, posted.only("inquiry"), &municipality_select))
                    } @else {
                        (situations_table(ctx, v, false))
                    }
                }
                section aria-labelledby="h-contacts" {
                    h2 #h-contacts { (ctx.t("guide.contacts")) }
                    (contacts(ctx.lang, &v.guide.contacts))
                    p { (ctx.t("guide.callback_email")) ": " a href={ "mailto:" (v.guide.callback_email) } { (v.guide.callback_email) } }
                }
                section aria-labelledby="h-status" {
                    h2 #h-status { (ctx.t("guide.short_status")) }
                    (md(&v.guide.short_status))
                    h3 { (ctx.t("guide.scope")) } (md(&v.guide.scope))
                    dl.facts {
                        @if let Some(t) = v.guide.started_at { dt { (ctx.t("guide.started_at")) } dd { (local_time(t)) } }
                        dt { (ctx.t("guide.expected_duration")) } dd { (v.guide.expected_duration) }
                    }
                    h3 { (ctx.t("guide.citizen_summary")) } (md(&v.guide.citizen_summary))
                }
                @if ctx.may(Permission::RecordInquiry) { (callback_form(ctx, id, posted.only("callback"), &municipality_select)) }
                @if ctx.may(Permission::SendFeedback) { (feedback_form(ctx, id, v, posted.only("feedback"))) }
            }
        }
    };
    Ok((posted.status, page(ctx, &title, body, None)).into_response())
}

/// Draws the caller's municipality select: its id, the posting, `aria-invalid`, `aria-describedby`.
type MunicipalitySelect<'a> = dyn Fn(&str, &Posted, Option<&str>, Option<String>) -> Markup + 'a;

/// One click on a situation row records what a citizen asked; "not covered" needs a few words.
fn inquiry_form(ctx: &Ctx, id: Uuid, v: &domain::guide::Version, posted: &Posted, municipality: &MunicipalitySelect) -> Markup {
    let fields = [
        Field::new("municipality", "inq-municipality", ctx.t("agent.caller_municipality")),
        Field::new("text", "inq-text", ctx.t("agent.question")),
    ];
    html! {
        form method="post" action={ "/agent/" (id) "/inquiries" } {
            (ctx.csrf_field())
            input type="hidden" name="version" value=(v.version);
            (posted.summary_of(ctx.lang, &fields))
            div.inquiry-bar {
                (posted.field(ctx.lang, fields[0], |invalid, described| municipality(fields[0].id, posted, invalid, described)))
                (posted.field(ctx.lang, fields[1], |invalid, described| {
                    // The hint below the bar is read out with the question as well.
                    let described = Some(described.map_or("inq-hint".to_string(), |d| format!("inq-hint {d}")));
                    html! { input #inq-text type="text" name="text" maxlength="200" autocomplete="off" value=[posted.value("text")] aria-invalid=[invalid] aria-describedby=[described]; }
                }))
            }
            p.hint #inq-hint { (ctx.t("agent.inquiry_hint")) }
            (situations_table(ctx, v, true))
            button type="submit" name="situation" value="none" { (ctx.t("agent.not_covered")) }
        }
    }
}

/// The callback request: the only form with personal data, which a refusal shows again to the
/// agent and nowhere else.
fn callback_form(ctx: &Ctx, id: Uuid, posted: &Posted, municipality: &MunicipalitySelect) -> Markup {
    let fields = [
        Field::new("name", "cb-name", ctx.t("field.name")),
        Field::new("phone", "cb-phone", ctx.t("field.phone")),
        Field::new("email", "cb-email", ctx.t("field.email_optional")),
        Field::new("municipality", "cb-municipality", ctx.t("agent.caller_municipality")),
        Field::new("reason", "cb-reason", ctx.t("field.reason")),
    ];
    let value = |name| posted.value(name);
    html! {
        section aria-labelledby="h-callback" {
            h2 #h-callback { (ctx.t("agent.callback")) }
            p.hint { (ctx.t("agent.callback_hint")) }
            form.stack method="post" action={ "/agent/" (id) "/callbacks" } {
                (ctx.csrf_field())
                (posted.summary_of(ctx.lang, &fields))
                (posted.field(ctx.lang, fields[0], |i, d| html! { input #cb-name name="name" required maxlength="120" autocomplete="off" value=[value("name")] aria-invalid=[i] aria-describedby=[d]; }))
                (posted.field(ctx.lang, fields[1], |i, d| html! { input #cb-phone name="phone" type="tel" required inputmode="tel" autocomplete="off" value=[value("phone")] aria-invalid=[i] aria-describedby=[d]; }))
                (posted.field(ctx.lang, fields[2], |i, d| html! { input #cb-email name="email" type="email" autocomplete="off" value=[value("email")] aria-invalid=[i] aria-describedby=[d]; }))
                (posted.field(ctx.lang, fields[3], |i, d| municipality(fields[3].id, posted, i, d)))
                (posted.field(ctx.lang, fields[4], |i, d| html! { textarea #cb-reason name="reason" required maxlength="500" rows="3" aria-invalid=[i] aria-describedby=[d] { (value("reason").unwrap_or("")) } }))
                button type="submit" { (ctx.t("agent.send_callback")) }
            }
        }
    }
}

fn feedback_form(ctx: &Ctx, id: Uuid, v: &domain::guide::Version, posted: &Posted) -> Markup {
    let fields = [
        Field::new("section", "fb-section", ctx.t("feedback.section")),
        Field::new("category", "fb-category", ctx.t("feedback.category")),
        Field::new("text", "fb-text", ctx.t("feedback.text")),
    ];
    let (section, category) = (posted.value("section"), posted.value("category"));
    html! {
        section aria-labelledby="h-feedback" {
            h2 #h-feedback { (ctx.t("agent.feedback")) }
            form.stack method="post" action={ "/agent/" (id) "/feedback" } {
                (ctx.csrf_field())
                input type="hidden" name="version" value=(v.version);
                (posted.summary_of(ctx.lang, &fields))
                (posted.field(ctx.lang, fields[0], |i, d| html! {
                    select #fb-section name="section" aria-invalid=[i] aria-describedby=[d] { @for sec in GuideSection::ALL { option value=(sec) selected[section == Some(sec.as_str())] { (ctx.word("section", sec)) } } }
                }))
                (posted.field(ctx.lang, fields[1], |i, d| html! {
                    select #fb-category name="category" aria-invalid=[i] aria-describedby=[d] { @for c in FeedbackCategory::ALL { option value=(c) selected[category == Some(c.as_str())] { (ctx.word("feedback", c)) } } }
                }))
                (posted.field(ctx.lang, fields[2], |i, d| html! {
                    textarea #fb-text name="text" required maxlength="1000" rows="3" aria-invalid=[i] aria-describedby=[d] { (posted.value("text").unwrap_or("")) }
                }))
                button type="submit" { (ctx.t("agent.send_feedback")) }
            }
        }
    }
}

fn situations_table(ctx: &Ctx, v: &domain::guide::Version, record: bool) -> Markup {
    html! {
        div.scroll {
            table.situations {
                caption.visually-hidden { (ctx.t("guide.situations")) }
                thead { tr {
                    th scope="col" { (ctx.t("guide.situation")) }
                    th scope="col" { (ctx.t("guide.action")) }
                    @if record { th scope="col" { span.visually-hidden { (ctx.t("agent.record")) } } }
                } }
                tbody {
                    @for (n, row) in v.guide.situations.iter().enumerate() {
                        tr id={ "situation-" (n) } {
                            th scope="row" { (row.situation) }
                            td { (md(&row.action)) }
                            @if record {
                                td { button.small type="submit" name="situation" value=(n) aria-label={ (ctx.t("agent.record")) ": " (row.situation) } { (ctx.t("agent.record")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct InquiryForm {
    version: i64,
    situation: String,
    #[serde(default)]
    text: String,
    municipality: String,
}

/// The agent's page again after a refused post of `form`, with the municipality chosen on it;
/// anything no form can show is the error page.
async fn refused(s: &AppState, ctx: &Ctx, id: Uuid, form: &str, typed: Vec<(String, String)>, e: ApiError) -> PageResult {
    let municipality = typed.iter().find(|(k, _)| k == "municipality").map(|(_, v)| v.clone());
    match Posted::refused(ctx.lang, form, typed, e) {
        Ok(posted) => agent_page(s, ctx, id, &Done { done: None, municipality }, &posted).await,
        Err(e) => Err(PageError::Api(e, ctx.lang)),
    }
}

async fn record(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<InquiryForm>) -> PageResult {
    let situation = match f.situation.as_str() {
        "none" => None,
        n => match n.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = domain::DomainError::invalid_coded("situation", domain::error::code::SITUATION_ROW, "choose a row of the guide");
                return refused(&s, &ctx, id, "inquiry", typed, e.into()).await;
            }
        },
    };
    let new = NewInquiry { version: f.version, situation, text: f.text, municipality: f.municipality };
    let chosen = super::urlencode(&new.municipality);
    match s.app.record_inquiry(&ctx.caller.actor(), id, new).await {
        Ok(_) => Ok(back_to(&format!("/agent/{id}?done=inquiry&municipality={chosen}"))),
        Err(e) => refused(&s, &ctx, id, "inquiry", typed, e.into()).await,
    }
}

#[derive(Deserialize)]
struct FeedbackForm {
    version: i64,
    section: GuideSection,
    category: FeedbackCategory,
    text: String,
}

async fn feedback(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<FeedbackForm>) -> PageResult {
    let new = NewFeedback { version: f.version, section: f.section, category: f.category, text: f.text };
    match s.app.send_feedback(&ctx.caller.actor(), id, new).await {
        Ok(_) => Ok(back_to(&format!("/agent/{id}?done=feedback#h-feedback"))),
        Err(e) => refused(&s, &ctx, id, "feedback", typed, e.into()).await,
    }
}

async fn callback(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<CallbackForm>) -> PageResult {
    let chosen = super::urlencode(&f.municipality);
    let new = NewCallback { name: f.name, phone: f.phone, email: f.email, reason: f.reason, municipality: f.municipality };
    match s.app.request_callback(&ctx.caller.actor(), id, new).await {
        Ok(_) => Ok(back_to(&format!("/agent/{id}?done=callback&municipality={chosen}"))),
        // The personal data typed goes back in this response only: nothing here logs it.
        Err(e) => refused(&s, &ctx, id, "callback", typed, e.into()).await,
    }
}

/// Like `NewCallback`, plus the form token.
#[derive(Deserialize)]
struct CallbackForm {
    name: String,
    phone: String,
    #[serde(default)]
    email: String,
    reason: String,
    municipality: String,
}
