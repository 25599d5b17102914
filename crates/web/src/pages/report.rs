//! The after-action report in the shape of HSEEP's AAR/IP: overview, timeline, KPIs with
//! charts, evaluation results, strengths and areas for improvement, and the improvement plan.
//! One page for the screen and for print (a table of contents, page breaks), the same content as
//! a PDF, and the crisis staff's forms for what they write. Also the evaluation form behind a
//! person's link.

use super::{Ctx, Form, PageError, PageResult, Path, back_to, local_time, page, paragraphs};
use crate::AppState;
use crate::i18n::{Lang, t};
use crate::pdf::Pdf;
use app::review::{Evaluation, FormResults, Report};
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::evaluation::{Answer, QuestionKind};
use domain::kpi::{Kpi, Unit};
use domain::report::{ActionStatus, NewAction, Notes};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn path(id: Uuid) -> String {
    format!("/incidents/{id}/report")
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/report", get(show))
        .route("/incidents/{id}/report/notes", post(set_notes))
        .route("/incidents/{id}/report/actions", post(add_action))
        .route("/incidents/{id}/report/actions/{action}", post(set_action_status))
        .route("/evaluering/{token}", get(form).post(answer))
}

/// A KPI's value as people read it: minutes, per cent, a count, hours.
pub fn figure(unit: Unit, v: Option<f64>) -> String {
    let Some(v) = v else { return "–".into() };
    match unit {
        Unit::Seconds if v >= 3600.0 => format!("{:.1} t", v / 3600.0).replace('.', ","),
        Unit::Seconds => format!("{:.0} min", v / 60.0),
        Unit::Share => format!("{:.0} %", v * 100.0),
        Unit::Count => format!("{v:.0}"),
        Unit::Hours => format!("{v:.1} t").replace('.', ","),
    }
}

fn met(ctx: &Ctx, k: &Kpi) -> &'static str {
    match k.met {
        Some(true) => ctx.t("report.met"),
        Some(false) => ctx.t("report.missed"),
        None => "–",
    }
}

async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    let r = s.app.report(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    let title = crate::i18n::tf(ctx.lang, "report.title", &[("title", &r.incident.title)]);
    Ok(page(&ctx, &title, render(&ctx, &r), Some(&id.to_string())).into_response())
}

/// The whole report as HTML (the page's body; the API serves it too).
pub fn render(ctx: &Ctx, r: &Report) -> Markup {
    let i = &r.incident;
    let writes = ctx.may(domain::Permission::WriteReport);
    let sections = [
        ("overview", ctx.t("report.overview")),
        ("timeline", ctx.t("report.timeline")),
        ("kpis", ctx.t("report.kpis")),
        ("evaluation", ctx.t("report.evaluation")),
        ("analysis", ctx.t("report.analysis")),
        ("plan", ctx.t("report.plan")),
    ];
    html! {
        article.report {
            h1 { (crate::i18n::tf(ctx.lang, "report.title", &[("title", &i.title)])) (super::incidents::exercise_badge(ctx, i)) }
            p.noprint {
                button type="button" data-print { (ctx.t("print.print")) } " "
                a href={ "/api/v1/incidents/" (i.id) "/report.pdf" } { (ctx.t("report.pdf")) } " "
                a href={ "/incidents/" (i.id) } { (ctx.t("report.back")) }
            }
            p.chain { (ctx.t("report.chain")) " " code { "#" (r.chain_head.0) " " (r.chain_head.1) } " (" (r.entries) " " (ctx.t("report.entries")) ")" }
            nav.toc aria-labelledby="toc-title" {
                h2 #toc-title { (ctx.t("report.contents")) }
                ol { @for (anchor, label) in sections { li { a href={ "#" (anchor) } { (label) } } } }
            }
            section #overview aria-labelledby="h-overview" {
                h2 #h-overview { (ctx.t("report.overview")) }
                dl {
                    dt { (ctx.t("report.scope")) } dd { (ctx.word("kind", i.kind)) ", " (ctx.word("status", i.status)) }
                    dt { (ctx.t("report.organisations")) } dd { (r.organisations.join(", ")) }
                    dt { (ctx.t("report.dates")) } dd {
                        (local_time(i.created_at)) " – " @if let Some(c) = i.closed_at { (local_time(c)) } @else { (ctx.t("print.until_now")) }
                    }
                    dt { (ctx.t("report.staff")) } dd { ul { @for a in &r.staff {
                        li { (ctx.word("role", a.role.account_role())) ": "
                            (a.primary.as_ref().map_or("–".to_string(), |p| p.name.clone()))
                            @if let Some(d) = &a.deputy { " (" (ctx.t("room.deputy")) " " (d.name) ")" } }
                    } } }
                }
            }
            section #timeline.page-break aria-labelledby="h-timeline" {
                h2 #h-timeline { (ctx.t("report.timeline")) }
                table { thead { tr { th scope="col" { (ctx.t("print.time")) } th scope="col" { (ctx.t("report.event")) } } }
                    tbody { @for m in &r.timeline { tr { td.nowrap { (local_time(m.at)) } td { (m.what) } } } } }
            }
            section #kpis.page-break aria-labelledby="h-kpis" {
                h2 #h-kpis { (ctx.t("report.kpis")) }
                @match &r.kpis {
                    None => p { (ctx.t("report.exercise_not_measured")) },
                    Some(kpis) => (kpi_section(ctx, kpis)),
                }
            }
            section #evaluation.page-break aria-labelledby="h-evaluation" {
                h2 #h-evaluation { (ctx.t("report.evaluation")) }
                (evaluation_section(ctx, &r.evaluation))
            }
            section #analysis aria-labelledby="h-analysis" {
                h2 #h-analysis { (ctx.t("report.analysis")) }
                h3 { (ctx.t("report.strengths")) } p { (paragraphs(&r.notes.strengths)) }
                h3 { (ctx.t("report.improvements")) } p { (paragraphs(&r.notes.improvements)) }
                @if writes { (notes_form(ctx, i.id, &r.notes)) }
            }
            section #plan aria-labelledby="h-plan" {
                h2 #h-plan { (ctx.t("report.plan")) }
                @if r.actions.is_empty() { p { (ctx.t("report.no_actions")) } } @else {
                    table {
                        thead { tr { th scope="col" { (ctx.t("report.action")) } th scope="col" { (ctx.t("report.owner")) }
                            th scope="col" { (ctx.t("report.due")) } th scope="col" { (ctx.t("report.status")) } } }
                        tbody { @for a in &r.actions { tr {
                            td { (a.text) } td { (a.owner) } td.nowrap { (a.due) }
                            td { @if writes { (status_form(ctx, i.id, a)) } @else { (ctx.word("action_status", a.status)) } }
                        } } }
                    }
                }
                @if writes { (action_form(ctx, i.id)) }
            }
            p.signature { (ctx.t("field.created")) ": " (local_time(r.built_at)) }
        }
    }
}

fn kpi_section(ctx: &Ctx, kpis: &[Kpi]) -> Markup {
    let shares: Vec<&Kpi> = kpis.iter().filter(|k| k.unit == Unit::Share && k.value.is_some()).collect();
    let (w, row) = (640.0, 28.0);
    let h = row * shares.len() as f64 + 8.0;
    html! {
        @if !shares.is_empty() {
            figure.chart {
                svg viewBox={ "0 0 " (w) " " (h) } role="img" aria-labelledby="kpi-chart-title kpi-chart-desc" {
                    title #kpi-chart-title { (ctx.t("report.kpi_chart")) }
                    desc #kpi-chart-desc { (ctx.t("report.kpi_chart_desc")) }
                    @for (n, k) in shares.iter().enumerate() {
                        @let y = 4.0 + row * n as f64;
                        @let v = k.value.unwrap_or(0.0).clamp(0.0, 1.0);
                        text.tick x="0" y=(format!("{:.0}", y + 14.0)) { (k.label) }
                        rect.track x="330" y=(format!("{y:.0}")) width="300" height="16" {}
                        rect.answered x="330" y=(format!("{y:.0}")) width=(format!("{:.1}", 300.0 * v)) height="16" {}
                        @if let Some(goal) = k.target { line.target x1=(format!("{:.1}", 330.0 + 300.0 * goal.clamp(0.0, 1.0))) x2=(format!("{:.1}", 330.0 + 300.0 * goal.clamp(0.0, 1.0))) y1=(format!("{:.0}", y - 2.0)) y2=(format!("{:.0}", y + 18.0)) {} }
                    }
                }
                figcaption { (ctx.t("report.kpi_chart_caption")) }
            }
        }
        table.kpis {
            thead { tr { th scope="col" { (ctx.t("report.kpi")) } th.num scope="col" { (ctx.t("report.value")) }
                th.num scope="col" { (ctx.t("report.target")) } th scope="col" { (ctx.t("report.result")) } } }
            tbody { @for k in kpis {
                tr {
                    th scope="row" { (k.label)
                        @if !k.parts.is_empty() { ul.parts { @for p in &k.parts { li { (p.label) ": " (figure(if k.unit == Unit::Share { Unit::Share } else { k.unit }, Some(p.value))) } } } } }
                    td.num { (figure(k.unit, k.value)) } td.num { (figure(k.unit, k.target)) } td { (met(ctx, k)) }
                }
            } }
        }
    }
}

fn evaluation_section(ctx: &Ctx, e: &Evaluation) -> Markup {
    html! {
        @if !e.sent { p { (ctx.t("report.forms_not_sent")) } }
        @for f in &e.forms { (form_results(ctx, f)) }
        @if !e.observations.is_empty() {
            h3 { (ctx.t("report.observations")) }
            table { thead { tr { th scope="col" { (ctx.t("report.objective")) } th scope="col" { (ctx.t("report.rating")) } th scope="col" { (ctx.t("report.observation")) } } }
                tbody { @for o in &e.observations { tr { td { (o.objective) } td { (ctx.word("rating", o.rating)) } td { (o.text) " – " (o.author_name) } } } } }
        }
    }
}

fn form_results(ctx: &Ctx, f: &FormResults) -> Markup {
    let rate = if f.asked > 0 { format!("{:.0} %", 100.0 * f.answered as f64 / f.asked as f64) } else { "–".into() };
    html! {
        h3 { (f.title) }
        p { (crate::i18n::tf(ctx.lang, "report.response", &[("answered", &f.answered.to_string()), ("asked", &f.asked.to_string()), ("rate", &rate)])) }
        @if f.response.len() > 1 { ul { @for r in &f.response { li { (r.org) ": " (r.answered) "/" (r.asked) } } } }
        @if !f.visible { p { (crate::i18n::tf(ctx.lang, "report.results_later", &[("date", &domain::time::format_danish(f.results_from))])) } }
        @else { @for q in &f.questions {
            h4 { (q.text) }
            @if !q.shown { p { (crate::i18n::tf(ctx.lang, "report.too_few", &[("n", &q.answers.to_string()), ("min", &domain::evaluation::MIN_ANSWERS.to_string())])) } }
            @else {
                @if let Some(m) = q.mean { p { (ctx.t("report.mean")) " " (format!("{m:.1}").replace('.', ",")) " / 5" } }
                @if !q.counts.is_empty() {
                    @let top = q.counts.iter().map(|c| c.count).max().unwrap_or(1).max(1) as f64;
                    table.counts { tbody { @for c in &q.counts { tr {
                        th scope="row" { (c.label) } td.num { (c.count) }
                        td aria-hidden="true" { svg.bar viewBox="0 0 200 12" width="200" height="12" { rect.answered x="0" y="0" height="12" width=(format!("{:.1}", 200.0 * c.count as f64 / top)) {} } }
                    } } } }
                }
                @if !q.texts.is_empty() { ul.free-texts { @for t in &q.texts { li { (t) } } } }
            }
        }
        }
    }
}

fn notes_form(ctx: &Ctx, id: Uuid, n: &Notes) -> Markup {
    html! {
        form.noprint method="post" action={ (path(id)) "/notes" } {
            (ctx.csrf_field())
            label for="strengths" { (ctx.t("report.strengths")) } textarea #strengths name="strengths" rows="4" { (n.strengths) }
            label for="improvements" { (ctx.t("report.improvements")) } textarea #improvements name="improvements" rows="4" { (n.improvements) }
            button type="submit" { (ctx.t("report.save_notes")) }
        }
    }
}

fn action_form(ctx: &Ctx, id: Uuid) -> Markup {
    html! {
        form.noprint method="post" action={ (path(id)) "/actions" } {
            (ctx.csrf_field())
            h3 { (ctx.t("report.add_action")) }
            label for="action-text" { (ctx.t("report.action")) } input #action-text type="text" name="text" required maxlength="500";
            label for="action-owner" { (ctx.t("report.owner")) } input #action-owner type="text" name="owner" required maxlength="120";
            label for="action-due" { (ctx.t("report.due")) } input #action-due type="date" name="due" required;
            button type="submit" { (ctx.t("report.add_action")) }
        }
    }
}

fn status_form(ctx: &Ctx, id: Uuid, a: &domain::report::CorrectiveAction) -> Markup {
    let field = format!("status-{}", a.id);
    html! {
        form.inline method="post" action={ (path(id)) "/actions/" (a.id) } {
            (ctx.csrf_field())
            label.visually-hidden for=(field) { (ctx.t("report.status")) ": " (a.text) }
            select id=(field) name="status" {
                @for st in ActionStatus::ALL { option value=(st) selected[*st == a.status] { (ctx.word("action_status", st)) } }
            }
            " " button type="submit" { (ctx.t("report.save_status")) }
        }
        span.print-only { (ctx.word("action_status", a.status)) }
    }
}

#[derive(Deserialize)]
struct NotesForm {
    strengths: String,
    improvements: String,
}

async fn set_notes(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<NotesForm>) -> PageResult {
    let n = Notes { strengths: f.strengths, improvements: f.improvements };
    s.app.set_report_notes(&ctx.caller.actor(), id, n).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("{}#analysis", path(id))))
}

#[derive(Deserialize)]
struct ActionForm {
    text: String,
    owner: String,
    due: String,
}

fn day(lang: Lang, s: &str) -> Result<time::Date, PageError> {
    domain::time::parse_date(s)
        .ok_or_else(|| PageError::from(lang)(app::Error::from(domain::DomainError::invalid("due", "a day as YYYY-MM-DD"))))
}

async fn add_action(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> PageResult {
    let a = NewAction { text: f.text, owner: f.owner, due: day(ctx.lang, &f.due)?, status: ActionStatus::Open };
    s.app.save_corrective_action(&ctx.caller.actor(), id, None, a).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("{}#plan", path(id))))
}

#[derive(Deserialize)]
struct StatusForm {
    status: ActionStatus,
}

async fn set_action_status(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(Uuid, Uuid)>,
    Form(f): Form<StatusForm>,
) -> PageResult {
    let actor = ctx.caller.actor();
    let err = PageError::from(ctx.lang);
    let current = s.app.corrective_actions(&actor, id).await.map_err(&err)?.into_iter().find(|a| a.id == action);
    let Some(a) = current else { return Err(err(app::Error::not_found("corrective action"))) };
    let changed = NewAction { text: a.text, owner: a.owner, due: a.due, status: f.status };
    s.app.save_corrective_action(&actor, id, Some(action), changed).await.map_err(&err)?;
    Ok(back_to(&format!("{}#plan", path(id))))
}

/// The report as a PDF: the same sections, for a standard reader.
pub fn pdf(ctx: &Ctx, r: &Report) -> Vec<u8> {
    let (i, lang) = (&r.incident, ctx.lang);
    let mut d = Pdf::new(&crate::i18n::tf(lang, "report.title", &[("title", &i.title)]));
    d.text(&crate::i18n::tf(lang, "report.title", &[("title", &i.title)]), 18.0, true, 0.0);
    d.para(&format!("{} #{} {}", ctx.t("report.chain"), r.chain_head.0, r.chain_head.1));
    d.heading(ctx.t("report.overview"));
    d.para(&format!("{}: {}", ctx.t("report.organisations"), r.organisations.join(", ")));
    let end = i.closed_at.map_or(ctx.t("print.until_now").to_string(), domain::time::format_danish);
    d.para(&format!("{}: {} – {end}", ctx.t("report.dates"), domain::time::format_danish(i.created_at)));
    for a in &r.staff {
        let name = a.primary.as_ref().map_or("–".to_string(), |p| p.name.clone());
        d.para(&format!("{}: {name}", ctx.word("role", a.role.account_role())));
    }
    d.heading(ctx.t("report.timeline"));
    for m in &r.timeline {
        d.para(&format!("{}  {}", domain::time::format_danish(m.at), m.what));
    }
    d.heading(ctx.t("report.kpis"));
    match &r.kpis {
        None => d.para(ctx.t("report.exercise_not_measured")),
        Some(kpis) => {
            for k in kpis {
                d.text(
                    &format!(
                        "{}: {} ({} {}; {})",
                        k.label,
                        figure(k.unit, k.value),
                        ctx.t("report.target"),
                        figure(k.unit, k.target),
                        met(ctx, k)
                    ),
                    10.0,
                    false,
                    0.0,
                );
                if k.unit == Unit::Share
                    && let Some(v) = k.value
                {
                    d.bar(v, k.target);
                }
            }
        }
    }
    d.heading(ctx.t("report.evaluation"));
    if !r.evaluation.sent {
        d.para(ctx.t("report.forms_not_sent"));
    }
    for f in &r.evaluation.forms {
        d.text(&f.title, 12.0, true, 0.0);
        d.para(&format!("{}/{}", f.answered, f.asked));
        if !f.visible {
            d.para(&crate::i18n::tf(lang, "report.results_later", &[("date", &domain::time::format_danish(f.results_from))]));
        }
        for q in f.questions.iter().filter(|_| f.visible) {
            d.text(&q.text, 10.0, true, 10.0);
            if !q.shown {
                d.text(
                    &crate::i18n::tf(
                        lang,
                        "report.too_few",
                        &[("n", &q.answers.to_string()), ("min", &domain::evaluation::MIN_ANSWERS.to_string())],
                    ),
                    10.0,
                    false,
                    10.0,
                );
                continue;
            }
            let counts: Vec<String> = q.counts.iter().map(|c| format!("{}: {}", c.label, c.count)).collect();
            d.text(&counts.join(", "), 10.0, false, 10.0);
            for text in &q.texts {
                d.text(&format!("• {text}"), 10.0, false, 20.0);
            }
        }
    }
    for o in &r.evaluation.observations {
        d.para(&format!("{} – {}: {}", o.objective, ctx.word("rating", o.rating), o.text));
    }
    d.heading(ctx.t("report.analysis"));
    d.text(ctx.t("report.strengths"), 11.0, true, 0.0);
    d.para(&r.notes.strengths);
    d.text(ctx.t("report.improvements"), 11.0, true, 0.0);
    d.para(&r.notes.improvements);
    d.heading(ctx.t("report.plan"));
    for a in &r.actions {
        d.para(&format!("{} – {} – {} – {}", a.text, a.owner, a.due, ctx.word("action_status", a.status)));
    }
    d.gap();
    d.para(&format!("{}: {}", ctx.t("field.created"), domain::time::format_danish(r.built_at)));
    d.finish()
}

async fn form(State(s): State<AppState>, headers: axum::http::HeaderMap, Path(token): Path<String>) -> PageResult {
    let lang = Lang::from_headers(&headers);
    let f = s.app.evaluation_form(&token).await.map_err(PageError::from(lang))?;
    Ok(form_page(lang, &token, &f, None).into_response())
}

fn form_page(lang: Lang, token: &str, f: &app::review::FormToAnswer, thanks: Option<bool>) -> Markup {
    let body = html! {
        h1 { (f.template.title) }
        p { (f.incident_title) @if f.exercise { " (" (t(lang, "exercise")) ")" } }
        @if thanks == Some(true) || f.answered { p.notice role="status" { (t(lang, "evaluation.thanks")) } }
        @else if !f.open { p.notice { (t(lang, "evaluation.closed")) } }
        @else {
            p { (t(lang, "evaluation.anonymous")) }
            form method="post" action={ "/evaluering/" (token) } {
                @for (n, q) in f.template.questions.iter().enumerate() {
                    @let name = format!("q{n}");
                    @match q.kind {
                        QuestionKind::FreeText => {
                            label for=(name) { (q.text) }
                            textarea id=(name) name=(name) rows="4" maxlength="2000" {}
                        }
                        _ => {
                            fieldset {
                                legend { (q.text) }
                                @for (value, label) in choices(lang, q) {
                                    @let id = format!("{name}-{value}");
                                    span.choice { input type="radio" id=(id) name=(name) value=(value); label for=(id) { (label) } }
                                }
                            }
                        }
                    }
                }
                button type="submit" { (t(lang, "evaluation.send")) }
            }
        }
    };
    super::layout(lang, None, &f.template.title, body, None)
}

fn choices(lang: Lang, q: &domain::evaluation::Question) -> Vec<(String, String)> {
    match q.kind {
        QuestionKind::Likert => (1..=5)
            .map(|n| {
                (
                    n.to_string(),
                    match n {
                        1 => format!("1 – {}", t(lang, "evaluation.least")),
                        5 => format!("5 – {}", t(lang, "evaluation.most")),
                        _ => n.to_string(),
                    },
                )
            })
            .collect(),
        QuestionKind::YesNo => vec![("true".into(), t(lang, "evaluation.yes").into()), ("false".into(), t(lang, "evaluation.no").into())],
        QuestionKind::Choice => q.choices.iter().enumerate().map(|(n, c)| (n.to_string(), c.clone())).collect(),
        QuestionKind::FreeText => Vec::new(),
    }
}

async fn answer(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = Lang::from_headers(&headers);
    let err = PageError::from(lang);
    let f = s.app.evaluation_form(&token).await.map_err(&err)?;
    let value = |n: usize| fields.iter().find(|(k, _)| *k == format!("q{n}")).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
    let answers = f
        .template
        .questions
        .iter()
        .enumerate()
        .map(|(n, q)| {
            value(n).map(|v| match q.kind {
                QuestionKind::FreeText => Answer::Text(v),
                QuestionKind::YesNo => Answer::Yes(v == "true"),
                _ => v.parse().map_or(Answer::Text(v), Answer::Number),
            })
        })
        .collect();
    s.app.answer_evaluation(&token, answers).await.map_err(&err)?;
    Ok(form_page(lang, &token, &f, Some(true)).into_response())
}
