//! The staffing lead's page: the calls so far, the plan for the coming hours with its gaps and
//! recommendations, the targets, hand-set forecasts and the contact centre's figures.

use super::form::{Field, Posted, form_section, lines_field_posted};
use super::{Ctx, Form, PageError, PageResult, Path, Typed, back_to, chart, page};
use crate::AppState;
use crate::error::ApiError;
use app::CallsReport;
use app::staffing;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::calls::StaffingSettings;
use domain::error::{Problems, code};
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
    render(&s, &ctx, id, None, &Posted::none()).await
}

/// The page, with an import's report or a refused form (`settings`, `override`, `import`).
async fn render(s: &AppState, ctx: &Ctx, id: Uuid, report: Option<CallsReport>, posted: &Posted) -> PageResult {
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
            (override_form(ctx, id, posted.only("override")))
            (settings_form(ctx, id, &o.settings, posted.only("settings")))
        }
        @if ctx.may(Permission::RecordCallStats) { (import_form(ctx, id, posted.only("import"))) }
    };
    Ok((posted.status, page(ctx, ctx.t("staffing.title"), body, None)).into_response())
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

/// A number field, showing what was typed on a refused form, else `value`.
fn number(ctx: &Ctx, posted: &Posted, f: Field, value: String) -> Markup {
    let value = posted.value(f.name).map_or(value, str::to_string);
    posted.field(ctx.lang, f, |i, d| html! {
        input id=(f.id) name=(f.name) type="number" step="1" min="0" value=(value) inputmode="decimal" aria-invalid=[i] aria-describedby=[d];
    })
}

/// The settings form's fields, by the names the rules give them.
fn settings_fields(ctx: &Ctx) -> [Field<'static>; 8] {
    [
        Field::new("target_service_level", "s-target_service_level", ctx.t("staffing.target_sl")),
        Field::new("target_answer_s", "s-target_answer_s", ctx.t("staffing.target_answer")),
        Field::new("max_occupancy", "s-max_occupancy", ctx.t("staffing.max_occupancy")),
        Field::new("shrinkage", "s-shrinkage", ctx.t("staffing.shrinkage")),
        Field::new("aht_s", "s-aht_s", ctx.t("staffing.aht")).hint(ctx.t("staffing.aht_hint")),
        Field::new("patience_s", "s-patience_s", ctx.t("staffing.patience")).hint(ctx.t("staffing.optional")),
        Field::new("max_abandon", "s-max_abandon", ctx.t("staffing.max_abandon")).hint(ctx.t("staffing.optional")),
        Field::new("interval_s", "s-interval", ctx.t("staffing.interval_length")),
    ]
}

fn settings_form(ctx: &Ctx, id: Uuid, s: &StaffingSettings, posted: &Posted) -> Markup {
    let opt = |v: Option<f64>, scale: f64| v.map(|x| format!("{}", x * scale)).unwrap_or_default();
    let action = format!("/incidents/{id}/staffing/settings");
    let f = settings_fields(ctx);
    let interval = posted.value("interval_s").and_then(|v| v.parse().ok()).unwrap_or(s.interval_s);
    let values = [
        format!("{}", s.target_service_level * 100.0),
        format!("{}", s.target_answer_s),
        format!("{}", s.max_occupancy * 100.0),
        format!("{}", s.shrinkage * 100.0),
        opt(s.aht_s, 1.0),
        opt(s.patience_s, 1.0),
        opt(s.max_abandon, 100.0),
    ];
    let fields = html! {
        (posted.summary_of(ctx.lang, &f))
        @for (field, value) in f.iter().zip(values) { (number(ctx, posted, *field, value)) }
        (posted.field(ctx.lang, f[7], |i, d| html! {
            select id="s-interval" name="interval_s" aria-invalid=[i] aria-describedby=[d] {
                @for m in [15, 30, 60] { option value=(m * 60) selected[interval == m * 60] { (m) " min" } }
            }
        }))
    };
    form_section(ctx, "h-settings", ctx.t("staffing.settings"), &action, ctx.t("staffing.save"), fields)
}

fn override_form(ctx: &Ctx, id: Uuid, posted: &Posted) -> Markup {
    let action = format!("/incidents/{id}/staffing/override");
    let f = [
        Field::new("start", "o-start", ctx.t("staffing.override_start")),
        Field::new("calls", "s-calls", ctx.t("staffing.override_calls")).hint(ctx.t("staffing.override_hint")),
    ];
    let fields = html! {
        (posted.summary_of(ctx.lang, &f))
        (posted.field(ctx.lang, f[0], |i, d| html! {
            input id="o-start" name="start" type="datetime-local" required value=[posted.value("start")] aria-invalid=[i] aria-describedby=[d];
        }))
        (number(ctx, posted, f[1], String::new()))
    };
    form_section(ctx, "h-override", ctx.t("staffing.override"), &action, ctx.t("staffing.save"), fields)
}

fn import_form(ctx: &Ctx, id: Uuid, posted: &Posted) -> Markup {
    let action = format!("/incidents/{id}/staffing/import");
    let label = ctx.t("staffing.import_label");
    let fields = html! {
        (posted.summary_of(ctx.lang, &[Field::new("csv", "i-csv", label)]))
        (lines_field_posted(ctx.lang, ("i-csv", "csv"), label, ctx.t("staffing.import_hint"), posted, &|_| String::new()))
    };
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

/// The form's percentages and seconds as typed; empty optional fields are `None`.
#[derive(Deserialize)]
struct SettingsForm {
    target_service_level: String,
    target_answer_s: String,
    max_occupancy: String,
    shrinkage: String,
    interval_s: i64,
    #[serde(default)]
    aht_s: String,
    #[serde(default)]
    patience_s: String,
    #[serde(default)]
    max_abandon: String,
}

/// A typed number (a decimal comma allowed); empty is `None`, anything else not a number is a
/// problem of `field`.
fn optional(p: &mut Problems, field: &str, raw: &str) -> Option<f64> {
    let raw = raw.trim().replace(',', ".");
    if raw.is_empty() {
        return None;
    }
    raw.parse().map_err(|_| p.add_coded(field, code::NUMBER, "write a number")).ok()
}

/// [`optional`] for a field that must hold a number.
fn required(p: &mut Problems, field: &str, raw: &str) -> f64 {
    if raw.trim().is_empty() {
        p.add_coded(field, code::NUMBER, "write a number");
    }
    optional(p, field, raw).unwrap_or_default()
}

/// The staffing page again after a refused post of `form`.
async fn refused(s: &AppState, ctx: &Ctx, id: Uuid, form: &str, typed: Vec<(String, String)>, e: ApiError) -> PageResult {
    let posted = Posted::refused(ctx.lang, form, typed, e).map_err(PageError::from(ctx.lang))?;
    render(s, ctx, id, None, &posted).await
}

async fn settings(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<SettingsForm>) -> PageResult {
    let mut p = Problems::default();
    let settings = StaffingSettings {
        interval_s: f.interval_s,
        aht_s: optional(&mut p, "aht_s", &f.aht_s),
        target_answer_s: required(&mut p, "target_answer_s", &f.target_answer_s),
        target_service_level: required(&mut p, "target_service_level", &f.target_service_level) / 100.0,
        shrinkage: required(&mut p, "shrinkage", &f.shrinkage) / 100.0,
        max_occupancy: required(&mut p, "max_occupancy", &f.max_occupancy) / 100.0,
        patience_s: optional(&mut p, "patience_s", &f.patience_s),
        max_abandon: optional(&mut p, "max_abandon", &f.max_abandon).map(|m| m / 100.0),
    };
    let done = match p.into_result() {
        Ok(()) => s.app.set_staffing_settings(&ctx.caller.actor(), id, settings).await.map(|_| ()).map_err(ApiError::from),
        Err(e) => Err(e.into()),
    };
    match done {
        Ok(()) => Ok(back_to(&format!("/incidents/{id}/staffing#h-plan"))),
        Err(e) => refused(&s, &ctx, id, "settings", typed, e).await,
    }
}

#[derive(Deserialize)]
struct OverrideForm {
    start: String,
    #[serde(default)]
    calls: String,
}

async fn set_override(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<OverrideForm>) -> PageResult {
    let mut p = Problems::default();
    // An unread start is a problem, so the placeholder time is never used.
    let start = domain::time::from_local_input(&f.start).unwrap_or_else(|| {
        p.add_coded("start", code::DATETIME, "write a date and time, e.g. 2026-11-23T14:00");
        time::OffsetDateTime::UNIX_EPOCH
    });
    let calls = optional(&mut p, "calls", &f.calls);
    let done = match p.into_result() {
        Ok(()) => s.app.set_forecast_override(&ctx.caller.actor(), id, start, calls).await.map_err(ApiError::from),
        Err(e) => Err(e.into()),
    };
    match done {
        Ok(()) => Ok(back_to(&format!("/incidents/{id}/staffing#h-plan"))),
        Err(e) => refused(&s, &ctx, id, "override", typed, e).await,
    }
}

#[derive(Deserialize)]
struct ImportForm {
    csv: String,
}

/// A broken file as a whole is refused on the form (the API calls the upload `file`); rows
/// refused one by one are the import's own report.
async fn import(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<ImportForm>) -> PageResult {
    match s.app.import_calls(&ctx.caller.actor(), id, &f.csv).await {
        Ok(report) => render(&s, &ctx, id, Some(report), &Posted::none()).await,
        Err(e) => {
            let mut e = ApiError::from(e);
            e.fields.iter_mut().filter(|f| f.field == "file").for_each(|f| f.field = "csv".into());
            refused(&s, &ctx, id, "import", typed, e).await
        }
    }
}

async fn log(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<super::NoFields>) -> PageResult {
    s.app.log_staffing_recommendations(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}#h-log")))
}
