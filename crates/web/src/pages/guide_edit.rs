//! The authority's editing page: every section of the guide on one form that a municipal
//! employee can fill in minutes, saved as a draft or published; problems are listed by field,
//! linked to the field, with what was typed kept.

use super::form::{self, problem_text};
use super::guide_view::freshness;
use super::{Ctx, Form, PageError, PageResult, Path, local_time, page};
use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::Permission;
use domain::guide::{Contact, Guide, Situation};
use domain::incident::Incident;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

/// Empty rows offered for new situations and contacts.
const SPARE_ROWS: usize = 3;
/// The example questions' box: every question at its longest, one per line.
const QUESTIONS_MAX: usize = domain::guide::MAX_CITIZEN_QUESTIONS * (domain::guide::QUESTION_MAX + 1);

pub fn routes() -> Router<AppState> {
    Router::new().route("/incidents/{id}/guide", get(edit).post(submit))
}

/// The form's id for an error's field name: `situations[0].action` → `g-situations-0-action`.
fn field_id(field: &str) -> String {
    format!("g-{}", field.replace("].", "-").replace(['[', '.'], "-").replace(']', ""))
}

/// Where a problem's link leads: a field, or the first field of the row or list it is about.
fn problem_target(field: &str) -> String {
    match field {
        "situations" => field_id("situations[0].situation"),
        "contacts" => field_id("contacts[0].name"),
        f if f.ends_with(']') && f.starts_with("situations[") => field_id(&format!("{f}.situation")),
        f if f.ends_with(']') && f.starts_with("contacts[") => field_id(&format!("{f}.name")),
        f => field_id(f),
    }
}

/// The label the editor sees for an error's field: `contacts[0].phone` → "Kontakt 1: Telefon".
fn problem_label(ctx: &Ctx, field: &str) -> String {
    let label = |f: &str| -> String {
        // The same words as the form's labels.
        let key = if matches!(f, "name" | "phone") { format!("field.{f}") } else { format!("guide.{f}") };
        crate::i18n::t_or(ctx.lang, &key, f).to_string()
    };
    match field.split_once('[') {
        Some((list, rest)) => {
            let (n, sub) = rest.split_once(']').unwrap_or((rest, ""));
            let row = n.parse::<usize>().map_or(0, |n| n + 1);
            let what = if list == "situations" { ctx.t("guide.row_situation") } else { ctx.t("guide.row_contact") };
            match sub.strip_prefix('.') {
                Some(f) => format!("{what} {row}: {}", label(f)),
                None => format!("{what} {row}"),
            }
        }
        None => label(field),
    }
}

async fn edit(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::EditGuide).await.map_err(&err)?;
    let draft = s.app.guide_draft(&actor, id).await.map_err(&err)?;
    form_page(&s, &ctx, &i, &draft, None, None).await
}

async fn form_page(s: &AppState, ctx: &Ctx, i: &Incident, g: &Guide, problem: Option<&ApiError>, done: Option<&str>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let (latest, fresh) = s.app.guide_state(&ctx.caller.actor(), i.id).await.map_err(&err)?;
    let problems: Vec<_> = problem.map(|e| e.fields.iter().map(|f| form::problem(ctx.lang, f)).collect()).unwrap_or_default();
    let field = |name: &str, label: &str, value: &str, max: usize, rows: Option<u8>, hint: Option<&str>| {
        let fid = field_id(name);
        let hint_id = format!("{fid}-hint");
        let own: Vec<_> = problems.iter().filter(|p| p.field == name).collect();
        let error_id = format!("{fid}-error");
        let described = [hint.map(|_| hint_id.as_str()), (!own.is_empty()).then_some(error_id.as_str())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let described = (!described.is_empty()).then_some(described);
        let invalid = (!own.is_empty()).then_some("true");
        html! {
            div.field {
                label for=(fid) { (label) }
                @if let Some(h) = hint { span.hint id=(hint_id) { (h) } }
                @match rows {
                    Some(r) => textarea id=(fid) name=(name) rows=(r) maxlength=(max) aria-invalid=[invalid] aria-describedby=[&described] { (value) },
                    None => input id=(fid) name=(name) value=(value) maxlength=(max) aria-invalid=[invalid] aria-describedby=[&described];,
                }
                @if !own.is_empty() {
                    p.field-error id=(error_id) { span.visually-hidden { (ctx.t("form.error")) ": " } @for p in &own { (problem_text(p)) " " } }
                }
            }
        }
    };
    let md_hint = Some(ctx.t("guide.markdown_hint"));
    let time_field = |name: &str, label: &str, value: Option<time::OffsetDateTime>| {
        let fid = field_id(name);
        html! {
            div.field {
                label for=(fid) { (label) } span.hint id={ (fid) "-hint" } { (ctx.t("guide.time_hint")) }
                input id=(fid) type="datetime-local" name=(name) value=(value.map(domain::time::to_local_input).unwrap_or_default()) aria-describedby={ (fid) "-hint" };
            }
        }
    };
    let mut situations = g.situations.clone();
    situations.extend(std::iter::repeat_n(Situation::default(), SPARE_ROWS));
    let mut contacts = g.contacts.clone();
    contacts
        .extend(std::iter::repeat_n(Contact { name: String::new(), phone: String::new(), note: String::new(), urgent: false }, SPARE_ROWS));
    let public = format!("/krise/{}", i.affected[0]);
    let body = html! {
        p.crumbs { a href={ "/incidents/" (i.id) } { (i.title) } }
        h1 { (ctx.t("guide.edit")) }
        @if let Some(text) = done { p.notice role="status" { (text) } }
        @if let Some(e) = problem {
            div.notice.error role="alert" tabindex="-1" #problems {
                @if e.fields.is_empty() {
                    p { strong { (ctx.t("guide.not_done")) } " " span lang="en" { (e.message) } }
                } @else {
                    p { strong { (ctx.t("guide.fix")) } }
                    // The shared validation names each rule by a code, translated here.
                    ul { @for f in &e.fields { li { a href={ "#" (problem_target(&f.field)) } { (problem_label(ctx, &f.field)) } ": " (problem_text(&form::problem(ctx.lang, f))) } } }
                }
            }
        }
        @if let Some(v) = &latest {
            p.meta { (ctx.t("guide.version")) " " (v.version) ", " (local_time(v.published_at)) ", " (v.published_by) }
            (freshness(ctx.lang, fresh.as_ref()))
        }
        p.links {
            a href=(public) { (ctx.t("guide.public_page")) } " · "
            a href={ "/incidents/" (i.id) "/feedback" } { (ctx.t("feedback.title")) } " · "
            a href={ "/incidents/" (i.id) "/inquiries" } { (ctx.t("inquiries.title")) }
            @if ctx.may(Permission::ViewCallbacks) { " · " a href={ "/incidents/" (i.id) "/callbacks" } { (ctx.t("callbacks.title")) } }
        }
        form.guide-form method="post" action={ "/incidents/" (i.id) "/guide" } {
            (ctx.csrf_field())
            // A section with one field has no legend of its own: its label says it once.
            (field("banner", ctx.t("guide.banner"), &g.banner, domain::guide::BANNER_MAX, None, None))
            fieldset { legend { (ctx.t("guide.situation_now")) }
                (field("short_status", ctx.t("guide.short_status"), &g.short_status, domain::guide::STATUS_MAX, Some(3), md_hint))
                (field("scope", ctx.t("guide.scope"), &g.scope, domain::guide::SECTION_MAX, Some(4), md_hint))
                (field("affected_area", ctx.t("guide.affected_area"), &g.affected_area, domain::guide::AREA_MAX, None, Some(ctx.t("guide.affected_area_hint")))) }
            fieldset { legend { (ctx.word("section", "time_perspective")) }
                (time_field("started_at", ctx.t("guide.started_at"), g.started_at))
                (field("expected_duration", ctx.t("guide.expected_duration"), &g.expected_duration, 200, None, None))
                (time_field("next_update_at", ctx.t("guide.next_update_at"), g.next_update_at)) }
            fieldset { legend { (ctx.t("guide.situations")) }
                p.hint { (ctx.t("guide.rows_hint")) }
                @for (n, row) in situations.iter().enumerate() {
                    div.row-group {
                        (field(&format!("situations[{n}].situation"), ctx.t("guide.situation"), &row.situation, 200, None, None))
                        (field(&format!("situations[{n}].action"), ctx.t("guide.action"), &row.action, domain::guide::ROW_MAX, Some(2), None))
                        (field(&format!("situations[{n}].question"), ctx.t("guide.question"), &row.question, domain::guide::QUESTION_MAX, None, Some(ctx.t("guide.question_hint"))))
                        // A template's placeholder is marked where it must be rewritten.
                        @let placeholder = domain::guide::is_placeholder(&row.citizen_text).then(|| ctx.t("guide.placeholder_hint"));
                        (field(&format!("situations[{n}].citizen_text"), ctx.t("guide.citizen_text"), &row.citizen_text, domain::guide::ROW_MAX, Some(2), placeholder))
                        (field(&format!("situations[{n}].citizen_questions"), ctx.t("guide.citizen_questions"), &row.citizen_questions.join("\n"), QUESTIONS_MAX, Some(3), Some(ctx.t("guide.citizen_questions_hint"))))
                    }
                }
            }
            fieldset { legend { (ctx.t("guide.contacts")) }
                p.hint { (ctx.t("guide.rows_hint")) }
                @for (n, c) in contacts.iter().enumerate() {
                    div.row-group {
                        (field(&format!("contacts[{n}].name"), ctx.t("field.name"), &c.name, 120, None, None))
                        (field(&format!("contacts[{n}].phone"), ctx.t("field.phone"), &c.phone, 40, None, None))
                        (field(&format!("contacts[{n}].note"), ctx.t("guide.note"), &c.note, 300, None, None))
                        div.field {
                            label for={ (field_id(&format!("contacts[{n}].urgent"))) } { (ctx.t("guide.urgent")) }
                            select id={ (field_id(&format!("contacts[{n}].urgent"))) } name={ "contacts[" (n) "].urgent" } {
                                option value="0" selected[!c.urgent] { (ctx.t("no")) }
                                option value="1" selected[c.urgent] { (ctx.t("yes")) }
                            }
                        }
                    }
                }
                (field("callback_email", ctx.t("guide.callback_email"), &g.callback_email, 254, None, None))
            }
            (field("citizen_summary", ctx.t("guide.citizen_summary"), &g.citizen_summary, domain::guide::STATUS_MAX, Some(4), md_hint))
            (field("purpose", ctx.t("guide.purpose"), &g.purpose, domain::guide::SECTION_MAX, Some(3), None))
            div.actions {
                button type="submit" name="then" value="save" { (ctx.t("guide.save")) } " "
                button type="submit" name="then" value="publish" { (ctx.t("guide.publish")) }
            }
        }
        section aria-labelledby="h-embed" {
            h2 #h-embed { (ctx.t("guide.embed")) }
            p.hint { (ctx.t("guide.embed_hint")) }
            pre.embed { code { "<iframe src=\"https://KRISESERVICE-ADRESSE" (public) "/embed\" title=\"Krisesiden\" style=\"width:100%;height:32rem;border:0\" loading=\"lazy\"></iframe>" } }
        }
    };
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, page(ctx, ctx.t("guide.edit"), body, None)).into_response())
}

/// The form as posted: indexed row fields (`situations[0].action`) arrive as flat keys.
#[derive(Deserialize)]
struct GuideForm {
    then: String,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

impl GuideForm {
    fn guide(&self) -> Result<Guide, ApiError> {
        let get = |k: &str| self.fields.get(k).cloned().unwrap_or_default();
        let time = |k: &str| -> Result<Option<time::OffsetDateTime>, ApiError> {
            let raw = get(k);
            if raw.trim().is_empty() {
                return Ok(None);
            }
            domain::time::from_local_input(&raw).map(Some).ok_or_else(|| {
                domain::DomainError::invalid_coded(k, domain::error::code::DATETIME, "write a date and time, e.g. 2026-11-23T14:00").into()
            })
        };
        // Rows are numbered from 0 without gaps; the first missing key ends them.
        let rows = |key: &'static str| (0..).take_while(move |n| self.fields.contains_key(&key.replace('#', &n.to_string())));
        let situations = rows("situations[#].situation")
            .map(|n| Situation {
                question: get(&format!("situations[{n}].question")),
                situation: get(&format!("situations[{n}].situation")),
                action: get(&format!("situations[{n}].action")),
                citizen_text: get(&format!("situations[{n}].citizen_text")),
                citizen_questions: get(&format!("situations[{n}].citizen_questions")).lines().map(str::to_string).collect(),
            })
            .filter(|s| {
                !(s.situation.trim().is_empty()
                    && s.question.trim().is_empty()
                    && s.action.trim().is_empty()
                    && s.citizen_text.trim().is_empty()
                    && s.citizen_questions.iter().all(|q| q.trim().is_empty()))
            })
            .collect();
        let contacts = rows("contacts[#].name")
            .map(|n| Contact {
                name: get(&format!("contacts[{n}].name")),
                phone: get(&format!("contacts[{n}].phone")),
                note: get(&format!("contacts[{n}].note")),
                urgent: get(&format!("contacts[{n}].urgent")) == "1",
            })
            .filter(|c| !(c.name.trim().is_empty() && c.phone.trim().is_empty() && c.note.trim().is_empty()))
            .collect();
        Ok(Guide {
            banner: get("banner"),
            purpose: get("purpose"),
            scope: get("scope"),
            affected_area: get("affected_area"),
            short_status: get("short_status"),
            started_at: time("started_at")?,
            expected_duration: get("expected_duration"),
            next_update_at: time("next_update_at")?,
            situations,
            contacts,
            callback_email: get("callback_email"),
            citizen_summary: get("citizen_summary"),
        })
    }
}

async fn submit(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<GuideForm>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::EditGuide).await.map_err(&err)?;
    let mut typed = match f.guide() {
        Ok(g) => g,
        Err(e) => return form_page(&s, &ctx, &i, &Guide::default(), Some(&e), None).await,
    };
    // The form shows times to the minute: an untouched field keeps the saved time's seconds, so
    // publishing an unchanged form is refused as unchanged instead of making a new version.
    let saved = s.app.guide_draft(&actor, id).await.map_err(&err)?;
    for (field, before) in [(&mut typed.started_at, saved.started_at), (&mut typed.next_update_at, saved.next_update_at)] {
        if let (Some(t), Some(b)) = (*field, before)
            && domain::time::to_local_input(t) == domain::time::to_local_input(b)
        {
            *field = Some(b);
        }
    }
    let saved = match s.app.save_guide_draft(&actor, id, typed.clone()).await.map_err(ApiError::from) {
        Ok(g) => g,
        Err(e) => return form_page(&s, &ctx, &i, &typed, Some(&e), None).await,
    };
    if f.then != "publish" {
        return form_page(&s, &ctx, &i, &saved, None, Some(ctx.t("guide.saved"))).await;
    }
    match s.app.publish_guide(&actor, id).await.map_err(ApiError::from) {
        Ok(_) => form_page(&s, &ctx, &i, &saved, None, Some(ctx.t("guide.published"))).await,
        Err(e) => form_page(&s, &ctx, &i, &saved, Some(&e), None).await,
    }
}
