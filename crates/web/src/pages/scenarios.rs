//! The scenarios the secretariat keeps for exercises: the list with a start button, a
//! scenario's objectives and injects, the editor of its MSEL rows, an import of a scenario file,
//! and a copy of a built-in one to change.

use super::form::{Field, Posted, delete_button};
use super::{Ctx, Form, PageError, PageResult, Path, Typed, back_to, page};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::tf;
use app::exercises::KeptScenario;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use domain::Permission;
use domain::exercise::scenario::format_offset;
use domain::exercise::{InjectChannel, NewInject, NewScenario, Scenario};
use domain::role::StaffRole;
use maud::{Markup, html};
use serde::Deserialize;

pub const PATH: &str = "/scenarios";
const SPEEDS: &[u32] = &[1, 2, 5, 10, 30, 60];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list).post(import))
        .route("/scenarios/{id}", get(show).post(save))
        .route("/scenarios/{id}/copy", post(copy))
        .route("/scenarios/{id}/run", post(run))
        .route("/scenarios/{id}/delete", post(delete))
}

async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    list_page(&s, &ctx, &Posted::none()).await
}

async fn list_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let all = s.app.scenarios(&ctx.caller.actor()).await.map_err(&err)?;
    let file = Field::new("scenario", "import-file", ctx.t("scenarios.file")).hint(ctx.t("scenarios.file_hint"));
    let body = html! {
        h1 { (ctx.t("scenarios.title")) }
        p.hint { (ctx.t("scenarios.hint")) }
        table.scenarios {
            caption.visually-hidden { (ctx.t("scenarios.title")) }
            thead { tr {
                th scope="col" { (ctx.t("scenarios.name")) }
                th scope="col" { (ctx.t("scenarios.length")) }
                th scope="col" { (ctx.t("scenarios.injects")) }
                @if ctx.may(Permission::RunExercise) { th scope="col" { (ctx.t("scenarios.start")) } }
            } }
            tbody {
                @for (n, k) in all.iter().enumerate() {
                    tr {
                        th scope="row" {
                            a href={ "/scenarios/" (k.scenario.id) } { (k.scenario.title) }
                            br; span.meta { (ctx.word("kind", k.scenario.kind)) " · " (k.scenario.affected.len()) " " (ctx.t("scenarios.organisations"))
                                " · " @if k.builtin { (ctx.t("scenarios.builtin")) } @else { (ctx.t("scenarios.own")) } }
                        }
                        td { (format_offset(k.scenario.duration_s)) }
                        td { (k.scenario.injects.len()) }
                        @if ctx.may(Permission::RunExercise) { td { (run_form(ctx, &k.scenario, n)) } }
                    }
                }
            }
        }
        @if ctx.may(Permission::KeepScenarios) {
            section aria-labelledby="h-import" {
                h2 #h-import { (ctx.t("scenarios.import")) }
                form.stack method="post" action=(PATH) {
                    (ctx.csrf_field())
                    (posted.summary_of(ctx.lang, &[file]))
                    (posted.field(ctx.lang, file, |invalid, described| html! {
                        textarea id=(file.id) name="scenario" rows="8" required aria-invalid=[invalid] aria-describedby=[described] { (posted.value("scenario").unwrap_or("")) }
                    }))
                    button type="submit" { (ctx.t("scenarios.import_button")) }
                }
            }
        }
    };
    let mut r = page(ctx, ctx.t("scenarios.title"), body, None);
    *r.status_mut() = posted.status;
    Ok(r)
}

fn run_form(ctx: &Ctx, s: &Scenario, n: usize) -> Markup {
    let id = format!("run-speed-{n}");
    html! {
        form.inline method="post" action={ "/scenarios/" (s.id) "/run" } {
            (ctx.csrf_field())
            label for=(id) { (ctx.t("exercise.speed")) }
            " " select id=(id) name="speed" { @for v in SPEEDS { option value=(v) { (v) "×" } } }
            " " button.small type="submit" aria-label={ (ctx.t("scenarios.start")) ": " (s.title) } { (ctx.t("scenarios.start")) }
        }
    }
}

async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    scenario_page(&s, &ctx, &id, &Posted::none()).await
}

async fn scenario_page(s: &AppState, ctx: &Ctx, id: &str, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let KeptScenario { scenario: sc, builtin } = s.app.scenario(&ctx.caller.actor(), id).await.map_err(&err)?;
    let editable = !builtin && ctx.may(Permission::KeepScenarios);
    let body = html! {
        p.crumbs { a href=(PATH) { (ctx.t("scenarios.title")) } }
        h1 { (sc.title) }
        p.meta { (ctx.word("kind", sc.kind)) " · " (format_offset(sc.duration_s)) " · " @if builtin { (ctx.t("scenarios.builtin")) } @else { (ctx.t("scenarios.own")) } }
        @if !sc.summary.is_empty() { p { (sc.summary) } }
        p.links {
            a href={ "/api/v1/scenarios/" (sc.id) } download={ (sc.id) ".json" } { (ctx.t("scenarios.download_json")) } " · "
            a href={ "/api/v1/scenarios/" (sc.id) "/msel.csv" } { (ctx.t("scenarios.download_csv")) }
        }
        section aria-labelledby="h-objectives" {
            h2 #h-objectives { (ctx.t("scenarios.objectives")) }
            ul { @for o in &sc.objectives { li { strong { (o.id) } " " (o.text) } } }
        }
        @if editable {
            (editor(ctx, &sc, posted.only("scenario")))
            (delete_button(ctx, &format!("/scenarios/{}/delete", sc.id), &sc.title))
        } @else {
            (injects_table(ctx, &sc))
            @if builtin && ctx.may(Permission::KeepScenarios) { (copy_form(ctx, &sc, posted.only("copy"))) }
        }
    };
    let mut r = page(ctx, &sc.title, body, None);
    *r.status_mut() = posted.status;
    Ok(r)
}

fn injects_table(ctx: &Ctx, sc: &Scenario) -> Markup {
    html! {
        section aria-labelledby="h-msel" {
            h2 #h-msel { (ctx.t("exercise.injects")) }
            table.injects {
                caption.visually-hidden { (ctx.t("exercise.injects")) }
                thead { tr {
                    th scope="col" { (ctx.t("exercise.number")) } th scope="col" { (ctx.t("exercise.at")) }
                    th scope="col" { (ctx.t("exercise.from_to")) } th scope="col" { (ctx.t("exercise.message")) }
                } }
                tbody {
                    @for i in &sc.injects {
                        tr { (super::exercise::inject_cells(ctx, i)) }
                    }
                }
            }
        }
    }
}

/// The editor of a kept scenario: its title, summary and length, and one row per inject (MSEL),
/// with an empty row to add one; a row left empty is taken out.
fn editor(ctx: &Ctx, sc: &Scenario, posted: &Posted) -> Markup {
    let title = Field::new("title", "sc-title", ctx.t("scenarios.name"));
    let summary = Field::new("summary", "sc-summary", ctx.t("scenarios.summary"));
    let duration = Field::new("duration", "sc-duration", ctx.t("scenarios.length")).hint(ctx.t("scenarios.length_hint"));
    let rows: Vec<NewInject> = if posted.is_refused() {
        (0..).map_while(|n| posted.value(&format!("injects[{n}].message")).map(|_| row_of(posted, n))).collect()
    } else {
        let mut rows: Vec<NewInject> = sc.injects.iter().map(|i| i.to_new()).collect();
        rows.sort_by_key(|i| i.number);
        rows.push(NewInject { number: rows.last().map_or(1, |r| r.number + 1), ..NewInject::default() });
        rows
    };
    let value = |name: &str, stored: String| posted.value(name).map(str::to_string).unwrap_or(stored);
    let target = |field: &str| Some(field_id(field));
    let label = |field: &str| field_label(ctx, field);
    html! {
        section aria-labelledby="h-editor" {
            h2 #h-editor { (ctx.t("scenarios.edit")) }
            form.stack.scenario-editor method="post" action={ "/scenarios/" (sc.id) } {
                (ctx.csrf_field())
                (posted.summary(ctx.lang, &target, &label))
                (posted.field(ctx.lang, title, |invalid, described| html! {
                    input id=(title.id) name="title" type="text" required maxlength="200" value=(value("title", sc.title.clone())) aria-invalid=[invalid] aria-describedby=[described];
                }))
                (posted.field(ctx.lang, summary, |invalid, described| html! {
                    textarea id=(summary.id) name="summary" rows="3" maxlength="2000" aria-invalid=[invalid] aria-describedby=[described] { (value("summary", sc.summary.clone())) }
                }))
                (posted.field(ctx.lang, duration, |invalid, described| html! {
                    input id=(duration.id) name="duration" type="text" required maxlength="20" value=(value("duration", format_offset(sc.duration_s))) aria-invalid=[invalid] aria-describedby=[described];
                }))
                fieldset {
                    legend { (ctx.t("exercise.injects")) }
                    p.hint { (ctx.t("scenarios.rows_hint")) }
                    @for (n, r) in rows.iter().enumerate() { (row(ctx, sc, posted, n, r)) }
                }
                button type="submit" { (ctx.t("scenarios.save")) }
            }
        }
    }
}

fn field_id(field: &str) -> String {
    field.replace(['[', ']'], "-").replace('.', "").replace("--", "-")
}

fn field_label(ctx: &Ctx, field: &str) -> String {
    match field.split_once("].") {
        Some((row, col)) => format!(
            "{} {}: {}",
            ctx.t("exercise.number"),
            row.trim_start_matches("injects[").parse::<usize>().map_or(0, |n| n + 1),
            ctx.word("msel", col)
        ),
        None => ctx.word("msel", field).to_string(),
    }
}

fn row_of(posted: &Posted, n: usize) -> NewInject {
    inject_of(&|c| posted.value(&format!("injects[{n}].{c}")).unwrap_or("").to_string())
}

/// An inject from the editor's inputs, by column.
fn inject_of(v: &dyn Fn(&str) -> String) -> NewInject {
    NewInject {
        number: v("number").trim().parse().unwrap_or(0),
        at: v("at"),
        from: v("from"),
        to: v("to"),
        channel: v("channel"),
        message: v("message"),
        expected_action: v("expected_action"),
        objective: v("objective"),
    }
}

/// One inject's inputs, grouped and named by its number for assistive technology.
fn row(ctx: &Ctx, sc: &Scenario, posted: &Posted, n: usize, r: &NewInject) -> Markup {
    let name = |c: &str| format!("injects[{n}].{c}");
    let recipients: Vec<(String, String)> = StaffRole::ALL
        .iter()
        .map(|r| (r.to_string(), ctx.word("role", r).to_string()))
        .chain([("agents".to_string(), ctx.t("exercise.agents").to_string())])
        .chain(sc.affected.iter().map(|c| (format!("authority:{c}"), tf(ctx.lang, "exercise.authority", &[("code", c)]))))
        .collect();
    let input = |c: &str, value: &str, kind: &str, max: &str| {
        let (f, id) = (name(c), field_id(&name(c)));
        html! {
            div.field {
                label for=(id) { (ctx.word("msel", c)) }
                input id=(id) name=(f) type=(kind) maxlength=(max) value=(value) aria-invalid=[posted.invalid(&f)] aria-describedby=[posted.described_by(&f, &id, None)];
                (posted.message(ctx.lang, &f, &id))
            }
        }
    };
    let select = |c: &str, chosen: &str, options: &[(String, String)]| {
        let (f, id) = (name(c), field_id(&name(c)));
        html! {
            div.field {
                label for=(id) { (ctx.word("msel", c)) }
                select id=(id) name=(f) aria-invalid=[posted.invalid(&f)] aria-describedby=[posted.described_by(&f, &id, None)] {
                    @for (v, l) in options { option value=(v) selected[v == chosen] { (l) } }
                }
                (posted.message(ctx.lang, &f, &id))
            }
        }
    };
    let channels: Vec<(String, String)> =
        InjectChannel::ALL.iter().map(|c| (c.to_string(), ctx.word("inject_channel", c).to_string())).collect();
    let mut objectives = vec![(String::new(), ctx.t("exercise.obs_none").to_string())];
    objectives.extend(sc.objectives.iter().map(|o| (o.id.clone(), format!("{}: {}", o.id, o.text.chars().take(50).collect::<String>()))));
    html! {
        fieldset.inject-row {
            legend { (ctx.t("exercise.number")) " " (n + 1) }
            (input("number", &r.number.to_string(), "number", "4"))
            (input("at", &r.at, "text", "20"))
            (input("from", &r.from, "text", "100"))
            (select("to", &r.to, &recipients))
            (select("channel", &r.channel, &channels))
            (input("message", &r.message, "text", "1000"))
            (input("expected_action", &r.expected_action, "text", "600"))
            (select("objective", &r.objective, &objectives))
        }
    }
}

async fn save(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Typed(pairs, typed): Typed<Vec<(String, String)>>,
) -> PageResult {
    let err = PageError::from(ctx.lang);
    let stored = s.app.scenario(&ctx.caller.actor(), &id).await.map_err(&err)?.scenario;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut written: NewScenario = stored.to_new();
    written.title = get("title");
    written.summary = get("summary");
    written.duration = get("duration");
    // The form's rows that hold anything, and where each sits on the form.
    let mut at_row = Vec::new();
    written.injects = (0..)
        .map_while(|n| pairs.iter().any(|(k, _)| k.starts_with(&format!("injects[{n}]."))).then_some(n))
        .filter_map(|n| {
            let v = |c: &str| get(&format!("injects[{n}].{c}"));
            let blank = ["at", "from", "message", "expected_action"].iter().all(|c| v(c).trim().is_empty());
            (!blank).then(|| {
                at_row.push(n);
                inject_of(&v)
            })
        })
        .collect();
    match s.app.keep_scenario(&ctx.caller.actor(), written).await {
        Ok(sc) => Ok(back_to(&format!("/scenarios/{}", sc.id))),
        Err(e) => {
            let mut e = ApiError::from(e);
            for f in &mut e.fields {
                if let Some((k, rest)) = f.field.strip_prefix("injects[").and_then(|r| r.split_once(']'))
                    && let Some(n) = k.parse::<usize>().ok().and_then(|k| at_row.get(k))
                {
                    f.field = format!("injects[{n}]{rest}");
                }
            }
            match Posted::refused(ctx.lang, "scenario", typed, e) {
                Ok(posted) => scenario_page(&s, &ctx, &id, &posted).await,
                Err(e) => Err(PageError::Api(e, ctx.lang)),
            }
        }
    }
}

#[derive(Deserialize)]
struct ImportForm {
    scenario: String,
}

async fn import(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<ImportForm>) -> PageResult {
    let result = match serde_json::from_str::<NewScenario>(&f.scenario) {
        Ok(n) => s.app.keep_scenario(&ctx.caller.actor(), n).await.map_err(ApiError::from),
        Err(e) => Err(ApiError::from(domain::DomainError::invalid("scenario", format!("the file is not a scenario: {e}")))),
    };
    match result {
        Ok(sc) => Ok(back_to(&format!("/scenarios/{}", sc.id))),
        Err(e) => match Posted::refused(ctx.lang, "import", typed, e) {
            Ok(posted) => list_page(&s, &ctx, &posted).await,
            Err(e) => Err(PageError::Api(e, ctx.lang)),
        },
    }
}

fn copy_form(ctx: &Ctx, sc: &Scenario, posted: &Posted) -> Markup {
    let id = Field::new("id", "copy-id", ctx.t("scenarios.copy_id")).hint(ctx.t("scenarios.copy_id_hint"));
    html! {
        section aria-labelledby="h-copy" {
            h2 #h-copy { (ctx.t("scenarios.copy")) }
            form.stack method="post" action={ "/scenarios/" (sc.id) "/copy" } {
                (ctx.csrf_field())
                (posted.summary_of(ctx.lang, &[id]))
                (posted.field(ctx.lang, id, |invalid, described| html! {
                    input id=(id.id) name="id" type="text" required maxlength="60" pattern="[a-z][a-z0-9\\-]{2,59}" value=[posted.value("id")] aria-invalid=[invalid] aria-describedby=[described];
                }))
                button type="submit" { (ctx.t("scenarios.copy_button")) }
            }
        }
    }
}

#[derive(Deserialize)]
struct CopyForm {
    id: String,
}

async fn copy(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>, Typed(f, typed): Typed<CopyForm>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let mut written = s.app.scenario(&ctx.caller.actor(), &id).await.map_err(&err)?.scenario.to_new();
    written.id = f.id;
    match s.app.keep_scenario(&ctx.caller.actor(), written).await {
        Ok(sc) => Ok(back_to(&format!("/scenarios/{}", sc.id))),
        Err(e) => match Posted::refused(ctx.lang, "copy", typed, ApiError::from(e)) {
            Ok(posted) => scenario_page(&s, &ctx, &id, &posted).await,
            Err(e) => Err(PageError::Api(e, ctx.lang)),
        },
    }
}

#[derive(Deserialize)]
struct RunForm {
    speed: u32,
}

async fn run(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>, Form(f): Form<RunForm>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let incident = s.app.run_scenario(&ctx.caller.actor(), &id, f.speed).await.map_err(&err)?;
    Ok(back_to(&super::exercise::path(incident.id)))
}

async fn delete(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>, Form(_): Form<super::login::Empty>) -> PageResult {
    let err = PageError::from(ctx.lang);
    s.app.remove_scenario(&ctx.caller.actor(), &id).await.map_err(&err)?;
    Ok(back_to(PATH))
}
