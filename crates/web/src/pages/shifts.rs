//! The shift plan's page: the staffing lead lays the plan and awards the open seats; a member
//! municipality's shift contact sees its own commitments and bids for open shifts.

use super::form::{Posted, form_section};
use super::{Ctx, Form, PageError, PageResult, Path, Typed, back_to, local_time, page};
use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::shifts::{Bid, NewPlan, NewShift, Shift};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/shifts", get(show))
        .route("/incidents/{id}/shifts/plan", post(plan))
        .route("/incidents/{id}/shifts/bid", post(bid))
        .route("/incidents/{id}/shifts/award", post(award))
}

async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    show_page(&s, &ctx, id, &Posted::none()).await
}

/// The page, with a refused plan shown on its form.
async fn show_page(s: &AppState, ctx: &Ctx, id: Uuid, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::ViewShifts).await.map_err(&err)?;
    let all = s.app.shifts(&actor, id).await.map_err(&err)?;
    let orgs = s.app.public_organisations().await.map_err(&err)?;
    let name = |code: &str| orgs.iter().find(|o| o.code == code).map_or(code.to_string(), |o| o.name.clone());
    let lead = ctx.may(Permission::PlanStaffing);
    let bidder = ctx.may(Permission::BidForShifts);
    let body = html! {
        p.crumbs { a href={ "/incidents/" (id) } { (i.title) } }
        h1 { (ctx.t("shifts.title")) }
        p { (ctx.t("shifts.intro")) }
        @if all.is_empty() { p { (ctx.t("shifts.none")) } }
        @else {
            p.links {
                a href={ "/api/v1/incidents/" (id) "/shifts.csv" } { (ctx.t("shifts.csv")) }
                @if bidder { " · " a href={ "/api/v1/incidents/" (id) "/shifts/" (actor.org) ".ics" } { (ctx.t("shifts.ics")) } }
            }
            @if lead {
                form method="post" action={ "/incidents/" (id) "/shifts/award" } {
                    (ctx.csrf_field()) button type="submit" { (ctx.t("shifts.award")) }
                }
            }
            @for s in &all { (shift_card(ctx, id, s, bidder, &name)) }
        }
        @if lead { (plan_form(ctx, id, posted, &all)) }
    };
    Ok((posted.status, page(ctx, ctx.t("shifts.title"), body, None)).into_response())
}

fn shift_card(ctx: &Ctx, id: Uuid, s: &Shift, bidder: bool, name: &dyn Fn(&str) -> String) -> Markup {
    let heading = format!("h-shift-{}", s.id);
    let own = s.members.first();
    html! {
        section.card aria-labelledby=(heading) {
            h2 id=(heading) { (local_time(s.start)) " – " (local_time(s.end)) }
            p { (s.agents) " " (ctx.t("shifts.agents")) ": " (s.base) " " (ctx.t("shifts.base")) ", " (s.open) " " (ctx.t("shifts.open")) ", " (s.awarded()) " " (ctx.t("shifts.awarded")) "." }
            @if bidder {
                p { strong { (ctx.t("shifts.yours")) ": " (own.map_or(0, |m| m.base + m.awarded)) } " (" (ctx.t("shifts.base")) " " (own.map_or(0, |m| m.base)) ", " (ctx.t("shifts.awarded")) " " (own.map_or(0, |m| m.awarded)) ")" }
                @if s.open > 0 {
                    form.inline method="post" action={ "/incidents/" (id) "/shifts/bid" } {
                        (ctx.csrf_field())
                        input type="hidden" name="shift" value=(s.id);
                        label for={ "bid-" (s.id) } { (ctx.t("shifts.bid")) }
                        input id={ "bid-" (s.id) } name="agents" type="number" min="0" max=(s.open) value=(own.map_or(0, |m| m.bid)) inputmode="numeric";
                        button type="submit" { (ctx.t("shifts.send_bid")) }
                    }
                }
            } @else {
                div.scroll tabindex="0" role="region" aria-labelledby=(heading) { table {
                    thead { tr {
                        th scope="col" { (ctx.t("shifts.member")) } th.num scope="col" { (ctx.t("shifts.base")) }
                        th.num scope="col" { (ctx.t("shifts.bids")) } th.num scope="col" { (ctx.t("shifts.awarded")) }
                    } }
                    tbody { @for m in s.members.iter().filter(|m| m.base + m.bid + m.awarded > 0) {
                        tr { th scope="row" { (name(&m.org)) } td.num { (m.base) } td.num { (m.bid) } td.num { (m.awarded) } }
                    } }
                } }
            }
        }
    }
}

/// Empty rows offered beyond the plan's shifts.
const SPARE_ROWS: usize = 3;

fn plan_form(ctx: &Ctx, id: Uuid, posted: &Posted, plan: &[Shift]) -> Markup {
    let action = format!("/incidents/{id}/shifts/plan");
    // A row's problem is named by its row: `shifts[2].end` is shift 3.
    let label = |f: &str| match f.strip_prefix("shifts[").and_then(|r| r.split(']').next()).and_then(|n| n.parse::<usize>().ok()) {
        Some(n) => crate::i18n::tf(ctx.lang, "shifts.line", &[("n", &(n + 1).to_string())]),
        None if f == "base_share" => ctx.t("shifts.base_share").to_string(),
        None => ctx.t("shifts.lines").to_string(),
    };
    let target = |f: &str| {
        Some(match f.strip_prefix("shifts[").and_then(|r| r.split_once(']')) {
            Some((n, part)) => format!("p-shift-{n}-{}", part.strip_prefix('.').unwrap_or("start")),
            None if f == "base_share" => "p-share".to_string(),
            None => "p-shift-0-start".to_string(),
        })
    };
    // What was typed wins; else the plan as laid, to change and lay again.
    let typed_rows = (0..).take_while(|n| posted.value(&format!("shifts[{n}].start")).is_some()).count();
    let rows = typed_rows.max(plan.len() + SPARE_ROWS);
    let laid = |n: usize, part: &str| -> String {
        plan.get(n).map_or(String::new(), |s| match part {
            "start" => domain::time::to_local_input(s.start),
            "end" => domain::time::to_local_input(s.end),
            _ => s.agents.to_string(),
        })
    };
    let input = |n: usize, part: &str, text: &str| {
        let (name, fid) = (format!("shifts[{n}].{part}"), format!("p-shift-{n}-{part}"));
        let value = if typed_rows > 0 { posted.value(&name).unwrap_or("").to_string() } else { laid(n, part) };
        html! {
            div.field {
                label for=(fid) { (text) }
                @if part == "agents" {
                    input id=(fid) name=(name) type="number" min="1" max=(domain::shifts::MAX_AGENTS_PER_SHIFT) inputmode="numeric" value=(value)
                        aria-invalid=[posted.invalid(&name)] aria-describedby=[posted.described_by(&name, &fid, None)];
                } @else {
                    input id=(fid) name=(name) type="datetime-local" value=(value)
                        aria-invalid=[posted.invalid(&name)] aria-describedby=[posted.described_by(&name, &fid, None)];
                }
                (posted.message(ctx.lang, &name, &fid))
            }
        }
    };
    form_section(
        ctx,
        "h-plan-form",
        ctx.t("shifts.lay"),
        &action,
        ctx.t("shifts.lay_button"),
        html! {
            (posted.summary(ctx.lang, &target, &label))
            p.hint { (ctx.t("shifts.rows_hint")) }
            @for n in 0..rows {
                fieldset.shift-row {
                    legend { (label(&format!("shifts[{n}]"))) }
                    (input(n, "start", ctx.t("shifts.row_start"))) (input(n, "end", ctx.t("shifts.row_end"))) (input(n, "agents", ctx.t("shifts.row_agents")))
                }
            }
            div.field {
                label for="p-share" { (ctx.t("shifts.base_share")) }
                input id="p-share" name="base_share" type="number" min="0" max="100" step="1" value=(posted.value("base_share").unwrap_or("65")) inputmode="numeric"
                    aria-invalid=[posted.invalid("base_share")] aria-describedby=[posted.described_by("base_share", "p-share", None)];
                (posted.message(ctx.lang, "base_share", "p-share"))
            }
        },
    )
}

/// The plan as posted: rows (`shifts[0].start`, `.end`, `.agents`), or as the lines that the
/// form took before (`shifts`: "start;slut;agenter" per line), which scripts may still send.
#[derive(Deserialize)]
struct PlanForm {
    #[serde(default)]
    shifts: Option<String>,
    base_share: String,
    #[serde(flatten)]
    rows: std::collections::HashMap<String, String>,
}

impl PlanForm {
    /// The shifts, and for each its row on the form (blank rows are skipped).
    fn shifts(&self) -> Result<(Vec<NewShift>, Vec<usize>), domain::DomainError> {
        if let Some(lines) = &self.shifts {
            return parse_lines(lines).map(|s| {
                let rows = (0..s.len()).collect();
                (s, rows)
            });
        }
        let get = |n: usize, part: &str| self.rows.get(&format!("shifts[{n}].{part}")).map_or("", |v| v.trim());
        let mut problems = domain::error::Problems::default();
        let (mut shifts, mut rows) = (Vec::new(), Vec::new());
        for n in (0..).take_while(|n| self.rows.contains_key(&format!("shifts[{n}].start"))) {
            let (start, end, agents) = (get(n, "start"), get(n, "end"), get(n, "agents"));
            if start.is_empty() && end.is_empty() && agents.is_empty() {
                continue;
            }
            let time = |part: &str, typed: &str, problems: &mut domain::error::Problems| {
                let t = domain::time::from_local_input(typed);
                if t.is_none() {
                    let field = format!("shifts[{n}].{part}");
                    let code = if typed.is_empty() { domain::error::code::REQUIRED } else { domain::error::code::DATETIME };
                    problems.add_coded(&field, code, "write a date and time, e.g. 2026-11-23T06:00");
                }
                t
            };
            let (start, end) = (time("start", start, &mut problems), time("end", end, &mut problems));
            let agents = agents.parse::<u32>().ok();
            if agents.is_none() {
                problems.add_limit(
                    &format!("shifts[{n}].agents"),
                    domain::error::code::SHIFT_AGENTS,
                    domain::shifts::MAX_AGENTS_PER_SHIFT as usize,
                    "write the number of agents",
                );
            }
            if let (Some(start), Some(end), Some(agents)) = (start, end, agents) {
                shifts.push(NewShift { start, end, agents });
                rows.push(n);
            }
        }
        problems.into_result().map(|_| (shifts, rows))
    }
}

/// The plan's problems, named by their row on the form rather than their place in the plan.
fn on_rows(mut e: ApiError, rows: &[usize]) -> ApiError {
    for f in &mut e.fields {
        if let Some((k, rest)) = f.field.strip_prefix("shifts[").and_then(|r| r.split_once(']'))
            && let Some(n) = k.parse::<usize>().ok().and_then(|k| rows.get(k))
        {
            f.field = format!("shifts[{n}]{rest}");
        }
    }
    e
}

/// "2026-11-23 06:00;2026-11-23 14:00;20" per line, in Copenhagen time; every wrong line named.
fn parse_lines(text: &str) -> Result<Vec<NewShift>, domain::DomainError> {
    let mut problems = domain::error::Problems::default();
    let mut shifts = Vec::new();
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        match parse_line(line) {
            Some(s) => shifts.push(s),
            None => problems.add_coded(
                &format!("shifts[{n}]"),
                domain::error::code::SHIFT_LINE,
                format!("'{line}': write start;end;agents, e.g. 2026-11-23 06:00;2026-11-23 14:00;20"),
            ),
        }
    }
    problems.into_result().map(|_| shifts)
}

fn parse_line(line: &str) -> Option<NewShift> {
    let parts: Vec<&str> = line.split(';').collect();
    let [start, end, agents] = parts[..] else { return None };
    Some(NewShift {
        start: domain::time::from_local_text(start)?,
        end: domain::time::from_local_text(end)?,
        agents: agents.trim().parse().ok()?,
    })
}

/// A share in per cent as typed: a number from 0 to 100 becomes 0–1; anything else is refused
/// by the plan's rule, as the API's would be.
fn share(typed: &str) -> f64 {
    typed.trim().replace(',', ".").parse::<f64>().map_or(f64::NAN, |p| p / 100.0)
}

async fn plan(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Typed(f, typed): Typed<PlanForm>) -> PageResult {
    let result = match f.shifts() {
        Ok((shifts, rows)) => s
            .app
            .set_plan(&ctx.caller.actor(), id, NewPlan { shifts, base_share: share(&f.base_share) })
            .await
            .map(|_| ())
            .map_err(|e| on_rows(e.into(), &rows)),
        Err(e) => Err(ApiError::from(e)),
    };
    match result {
        Ok(()) => Ok(back_to(&format!("/incidents/{id}/shifts"))),
        Err(e) => match Posted::refused(ctx.lang, "plan", typed, e) {
            Ok(posted) => show_page(&s, &ctx, id, &posted).await,
            Err(e) => Err(PageError::Api(e, ctx.lang)),
        },
    }
}

#[derive(Deserialize)]
struct BidForm {
    shift: Uuid,
    agents: u32,
}

async fn bid(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(b): Form<BidForm>) -> PageResult {
    let shift = b.shift;
    s.app.bid_for_shift(&ctx.caller.actor(), id, Bid { shift, agents: b.agents }).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}/shifts#h-shift-{shift}")))
}

async fn award(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<super::NoFields>) -> PageResult {
    s.app.award_shifts(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("/incidents/{id}/shifts")))
}
