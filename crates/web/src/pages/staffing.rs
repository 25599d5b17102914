//! The staffing lead's page: the calls so far, the plan for the coming hours with its gaps and
//! recommendations, the targets, hand-set forecasts and the contact centre's figures.

use super::form::{form_section, lines_field};
use super::{Ctx, Form, PageError, PageResult, Path, back_to, chart, page};
use crate::AppState;
use app::CallsReport;
use app::staffing;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use domain::Permission;
use domain::calls::StaffingSettings;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/staffing", get(show))
        .route("/incidents/{id}/staffing/settings", post(settings))
        .route("/incidents/{id}/staffing/override", post(set_override))
        .route("/incidents/{id}/staffing/import", post(import).layer(axum::extract::DefaultBodyLimit::max(crate::CSV_LIMIT)))
        .route("/incidents/{id}/staffing/log", post(log))
}

async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    render(&s, &ctx, id, None).await
}

async fn render(s: &AppState, ctx: &Ctx, id: Uuid, report: Option<CallsReport>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::ViewStaffing).await.map_err(&err)?;
    let o = s.app.staffing_plan(&actor, id).await.map_err(&err)?;
    let plans = ctx.may(Permission::PlanStaffing);
    let body = html! {
        p.crumbs { a href={ "/incidents/" (id) } { (i.title) } }
        h1 { (ctx.t("staffing.title")) }
        p.links { a href={ "/incidents/" (id) "/shifts" } { (ctx.t("shifts.title")) } }
        @if let Some(r) = report { (import_report(ctx, &r)) }
        section aria-labelledby="h-calls" {
            h2 #h-calls { (ctx.t("staffing.calls")) }
            (chart::calls_chart(ctx, &o.intervals))
        }
        section aria-labelledby="h-plan" {
            h2 #h-plan { (ctx.t("staffing.plan")) }
            p.meta { (ctx.t("staffing.plan_hint")) " " (format!("{:.0}", o.aht_s)) " s" @if o.aht_from_calls { " (" (ctx.t("staffing.aht_from_calls")) ")" } "." }
            @if o.recommendations.is_empty() { p { (ctx.t("staffing.covered")) } }
            @else { ul.recommendations { @for a in &o.recommendations { li { strong { (a.text) } } } } }
            @if plans {
                form method="post" action={ "/incidents/" (id) "/staffing/log" } {
                    (ctx.csrf_field())
                    button type="submit" { (ctx.t("staffing.log")) }
                }
            }
            (plan_table(ctx, &o))
        }
        @if plans {
            (override_form(ctx, id))
            (settings_form(ctx, id, &o.settings))
        }
        @if ctx.may(Permission::RecordCallStats) { (import_form(ctx, id)) }
    };
    Ok(page(ctx, ctx.t("staffing.title"), body, None))
}

fn plan_table(ctx: &Ctx, o: &staffing::Overview) -> Markup {
    html! {
        // Wider than a phone: the region scrolls, so it takes the keyboard's focus.
        div.scroll tabindex="0" role="region" aria-labelledby="h-plan" { table {
            thead { tr {
                th scope="col" { (ctx.t("staffing.interval")) } th.num scope="col" { (ctx.t("staffing.forecast")) }
                th.num scope="col" { (ctx.t("staffing.required")) } th.num scope="col" { (ctx.t("staffing.scheduled")) }
                th.num scope="col" { (ctx.t("staffing.rostered")) } th.num scope="col" { (ctx.t("staffing.gap")) }
            } }
            tbody { @for p in &o.plan {
                tr {
                    th scope="row" { (super::local_time(p.start)) }
                    td.num { (format!("{:.0}", p.row.forecast_calls)) @if p.row.overridden { " " abbr title=(ctx.t("staffing.overridden")) { "*" } } }
                    td.num { (p.row.required_agents) } td.num { (p.row.scheduled_agents) } td.num { (p.row.rostered_agents) }
                    td.num { @if p.row.gap > 0 { strong { "+" (p.row.gap) } } @else { (p.row.gap) } }
                }
            } }
        } }
    }
}

fn number(name: &str, label: &str, value: String, step: &str, hint: Option<&str>) -> Markup {
    let id = format!("s-{name}");
    html! {
        div.field {
            label for=(id) { (label) }
            @if let Some(h) = hint { span.hint id={ (id) "-hint" } { (h) } }
            input id=(id) name=(name) type="number" step=(step) min="0" value=(value) inputmode="decimal" aria-describedby=[hint.map(|_| format!("{id}-hint"))];
        }
    }
}

fn settings_form(ctx: &Ctx, id: Uuid, s: &StaffingSettings) -> Markup {
    let opt = |v: Option<f64>, scale: f64| v.map(|x| format!("{}", x * scale)).unwrap_or_default();
    let action = format!("/incidents/{id}/staffing/settings");
    form_section(
        ctx,
        "h-settings",
        ctx.t("staffing.settings"),
        &action,
        ctx.t("staffing.save"),
        html! {
            (number("target_service_level", ctx.t("staffing.target_sl"), format!("{}", s.target_service_level * 100.0), "1", None))
            (number("target_answer_s", ctx.t("staffing.target_answer"), format!("{}", s.target_answer_s), "1", None))
            (number("max_occupancy", ctx.t("staffing.max_occupancy"), format!("{}", s.max_occupancy * 100.0), "1", None))
            (number("shrinkage", ctx.t("staffing.shrinkage"), format!("{}", s.shrinkage * 100.0), "1", None))
            (number("aht_s", ctx.t("staffing.aht"), opt(s.aht_s, 1.0), "1", Some(ctx.t("staffing.aht_hint"))))
            (number("patience_s", ctx.t("staffing.patience"), opt(s.patience_s, 1.0), "1", Some(ctx.t("staffing.optional"))))
            (number("max_abandon", ctx.t("staffing.max_abandon"), opt(s.max_abandon, 100.0), "1", Some(ctx.t("staffing.optional"))))
            div.field {
                label for="s-interval" { (ctx.t("staffing.interval_length")) }
                select id="s-interval" name="interval_s" {
                    @for m in [15, 30, 60] { option value=(m * 60) selected[s.interval_s == m * 60] { (m) " min" } }
                }
            }
        },
    )
}

fn override_form(ctx: &Ctx, id: Uuid) -> Markup {
    let action = format!("/incidents/{id}/staffing/override");
    form_section(
        ctx,
        "h-override",
        ctx.t("staffing.override"),
        &action,
        ctx.t("staffing.save"),
        html! {
            div.field {
                label for="o-start" { (ctx.t("staffing.override_start")) }
                input id="o-start" name="start" type="datetime-local" required;
            }
            (number("calls", ctx.t("staffing.override_calls"), String::new(), "1", Some(ctx.t("staffing.override_hint"))))
        },
    )
}

fn import_form(ctx: &Ctx, id: Uuid) -> Markup {
    let action = format!("/incidents/{id}/staffing/import");
    let fields = lines_field("i-csv", "csv", ctx.t("staffing.import_label"), ctx.t("staffing.import_hint"));
    form_section(ctx, "h-import", ctx.t("staffing.import"), &action, ctx.t("staffing.import_button"), fields)
}

fn import_report(ctx: &Ctx, r: &CallsReport) -> Markup {
    html! {
        div.notice role="status" tabindex="-1" #import-report {
            p { (ctx.t("staffing.imported")) ": " (r.recorded) " " (ctx.t("staffing.new")) ", " (r.replaced) " " (ctx.t("staffing.replaced")) "." }
            @if !r.rejected.is_empty() {
                p { strong { (ctx.t("staffing.rejected")) " (" (r.rejected.len()) "):" } }
                ul { @for x in &r.rejected { li { (ctx.t("staffing.line")) " " (x.line) ": " span lang="en" { (x.reason) } } } }
            }
        }
    }
}

/// The form's percentages and seconds; empty optional fields are `None`.
#[derive(Deserialize)]
struct SettingsForm {
    target_service_level: f64,
    target_answer_s: f64,
    max_occupancy: f64,
    shrinkage: f64,
    interval_s: i64,
    #[serde(default)]
    aht_s: String,
    #[serde(default)]
    patience_s: String,
    #[serde(default)]
    max_abandon: String,
}

fn optional(field: &str, raw: &str) -> Result<Option<f64>, crate::error::ApiError> {
    let raw = raw.trim().replace(',', ".");
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| domain::DomainError::invalid(field.to_string(), "write a number").into())
}

async fn settings(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<SettingsForm>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let settings = StaffingSettings {
        interval_s: f.interval_s,
        aht_s: optional("aht_s", &f.aht_s).map_err(&err)?,
        target_answer_s: f.target_answer_s,
        target_service_level: f.target_service_level / 100.0,
        shrinkage: f.shrinkage / 100.0,
        max_occupancy: f.max_occupancy / 100.0,
        patience_s: optional("patience_s", &f.patience_s).map_err(&err)?,
        max_abandon: optional("max_abandon", &f.max_abandon).map_err(&err)?.map(|m| m / 100.0),
    };
    s.app.set_staffing_settings(&ctx.caller.actor(), id, settings).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}/staffing#h-plan")))
}

#[derive(Deserialize)]
struct OverrideForm {
    start: String,
    #[serde(default)]
    calls: String,
}

async fn set_override(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<OverrideForm>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let start = domain::time::from_local_input(&f.start)
        .ok_or_else(|| err(domain::DomainError::invalid("start", "write a date and time, e.g. 2026-11-23T14:00").into()))?;
    let calls = optional("calls", &f.calls).map_err(&err)?;
    s.app.set_forecast_override(&ctx.caller.actor(), id, start, calls).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}/staffing#h-plan")))
}

#[derive(Deserialize)]
struct ImportForm {
    csv: String,
}

async fn import(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<ImportForm>) -> PageResult {
    let report = s.app.import_calls(&ctx.caller.actor(), id, &f.csv).await.map_err(PageError::from(ctx.lang))?;
    render(&s, &ctx, id, Some(report)).await
}

async fn log(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<super::NoFields>) -> PageResult {
    s.app.log_staffing_recommendations(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}#h-log")))
}
