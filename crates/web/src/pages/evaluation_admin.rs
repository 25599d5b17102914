//! The secretariat's after-the-crisis settings: the KPIs' targets, and the evaluation form per
//! audience, question by question.

use super::{Ctx, Form, PageError, PageResult, back_to, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::evaluation::{Audience, Question, QuestionKind, Template};
use domain::kpi::{KpiKey, Targets, Unit};
use maud::{Markup, html};

pub const PATH: &str = "/admin/evaluering";
/// Blank rows under a form's questions, for new ones.
const NEW_ROWS: usize = 2;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show))
        .route("/admin/evaluering/maal", post(set_targets))
        .route("/admin/evaluering/skema", post(keep_template))
}

/// A target as the form shows it: minutes, per cent or a count.
fn shown(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Seconds => format!("{}", (v / 60.0 * 10.0).round() / 10.0),
        Unit::Share => format!("{}", (v * 1000.0).round() / 10.0),
        Unit::Count | Unit::Hours => format!("{v}"),
    }
}

fn unit_label(ctx: &Ctx, unit: Unit) -> &'static str {
    match unit {
        Unit::Seconds => ctx.t("kpi_admin.minutes"),
        Unit::Share => ctx.t("kpi_admin.percent"),
        Unit::Count | Unit::Hours => ctx.t("kpi_admin.count"),
    }
}

async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    actor.may(Permission::KeepEvaluationTemplates).map_err(|e| err(app::Error::from(e)))?;
    let targets = s.app.kpi_targets(&actor).await.map_err(&err)?;
    let templates = s.app.evaluation_templates(&actor).await.map_err(&err)?;
    let body = html! {
        h1 { (ctx.t("kpi_admin.title")) }
        section aria-labelledby="h-targets" {
            h2 #h-targets { (ctx.t("kpi_admin.targets")) }
            form method="post" action="/admin/evaluering/maal" {
                (ctx.csrf_field())
                @for key in KpiKey::ALL {
                    @let id = format!("t-{key}");
                    label for=(id) { (key.label()) " (" (unit_label(&ctx, key.unit())) ")" }
                    input id=(id) type="number" name=(key.as_str()) min="0" step="any" value=[targets.target(*key).map(|v| shown(key.unit(), v))];
                }
                label for="callback_agreed" { (ctx.t("kpi_admin.callback_agreed")) }
                input #callback_agreed type="number" name="callback_agreed_min" min="1" step="1" value=(targets.callback_agreed_s / 60);
                button type="submit" { (ctx.t("kpi_admin.save_targets")) }
            }
        }
        @for t in &templates { (template_form(&ctx, t)) }
    };
    Ok(page(&ctx, ctx.t("kpi_admin.title"), body, None).into_response())
}

fn template_form(ctx: &Ctx, t: &Template) -> Markup {
    let a = t.audience;
    let rows = t.questions.len() + NEW_ROWS;
    html! {
        section aria-labelledby={ "h-" (a) } {
            h2 id={ "h-" (a) } { (t.title) }
            form method="post" action="/admin/evaluering/skema" {
                (ctx.csrf_field())
                input type="hidden" name="audience" value=(a);
                label for={ (a) "-title" } { (ctx.t("kpi_admin.form_title")) } input id={ (a) "-title" } type="text" name="title" value=(t.title) required maxlength="200";
                @for n in 0..rows {
                    @let q = t.questions.get(n);
                    fieldset {
                        legend { (ctx.t("kpi_admin.question")) " " (n + 1) }
                        label for={ (a) "-" (n) "-kind" } { (ctx.t("kpi_admin.kind")) }
                        select id={ (a) "-" (n) "-kind" } name={ "q" (n) ".kind" } {
                            @for k in QuestionKind::ALL { option value=(k) selected[q.is_some_and(|q| q.kind == *k)] { (ctx.word("question_kind", k)) } }
                        }
                        label for={ (a) "-" (n) "-text" } { (ctx.t("kpi_admin.text")) }
                        input id={ (a) "-" (n) "-text" } type="text" name={ "q" (n) ".text" } maxlength="300" value=[q.map(|q| q.text.as_str())];
                        label for={ (a) "-" (n) "-choices" } { (ctx.t("kpi_admin.choices")) }
                        input id={ (a) "-" (n) "-choices" } type="text" name={ "q" (n) ".choices" } value=[q.map(|q| q.choices.join("; "))];
                    }
                }
                p { (ctx.t("kpi_admin.form_hint")) }
                button type="submit" { (ctx.t("kpi_admin.save_form")) }
            }
        }
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

async fn set_targets(State(s): State<AppState>, ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let bad = |field: &str| err(app::Error::from(domain::DomainError::invalid(field, "a number")));
    let mut t = Targets::default();
    for key in KpiKey::ALL {
        let Some(v) = field(&fields, key.as_str()) else { continue };
        let v: f64 = v.replace(',', ".").parse().map_err(|_| bad(key.as_str()))?;
        let v = match key.unit() {
            Unit::Seconds => v * 60.0,
            Unit::Share => v / 100.0,
            Unit::Count | Unit::Hours => v,
        };
        // A key left at its default is not kept, so that a new default reaches it.
        if key.default_target() != Some(v) {
            t.targets.insert(*key, v);
        }
    }
    if let Some(m) = field(&fields, "callback_agreed_min") {
        t.callback_agreed_s = m.parse::<i64>().ok().and_then(|m| m.checked_mul(60)).ok_or_else(|| bad("callback_agreed_s"))?;
    }
    s.app.set_kpi_targets(&ctx.caller.actor(), t).await.map_err(&err)?;
    Ok(back_to(&format!("{PATH}#h-targets")))
}

async fn keep_template(State(s): State<AppState>, ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let audience: Audience = field(&fields, "audience").unwrap_or_default().parse().map_err(|e| err(app::Error::from(e)))?;
    let mut questions = Vec::new();
    for n in 0..domain::evaluation::QUESTIONS_MAX + NEW_ROWS {
        let Some(text) = field(&fields, &format!("q{n}.text")) else { continue };
        let kind = field(&fields, &format!("q{n}.kind")).unwrap_or("likert").parse().map_err(|e| err(app::Error::from(e)))?;
        let choices = field(&fields, &format!("q{n}.choices"))
            .map_or(Vec::new(), |c| c.split(';').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect());
        questions.push(Question { kind, text: text.to_string(), choices });
    }
    let t = Template { audience, title: field(&fields, "title").unwrap_or_default().to_string(), questions };
    s.app.keep_evaluation_template(&ctx.caller.actor(), t).await.map_err(&err)?;
    Ok(back_to(&format!("{PATH}#h-{audience}")))
}
