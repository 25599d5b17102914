//! The shift plan's page: the staffing lead lays the plan and awards the open seats; a member
//! municipality's shift contact sees its own commitments and bids for open shifts.

use super::form::{Posted, form_section, lines_field_posted};
use super::{Ctx, Form, PageError, PageResult, Path, Typed, back_to, local_time, page};
use crate::AppState;
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
        @if lead { (plan_form(ctx, id, posted)) }
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

fn plan_form(ctx: &Ctx, id: Uuid, posted: &Posted) -> Markup {
    let action = format!("/incidents/{id}/shifts/plan");
    // A line's problem is named by its line: `shifts[2].end` is line 3.
    let label = |f: &str| match f.strip_prefix("shifts[").and_then(|r| r.split(']').next()).and_then(|n| n.parse::<usize>().ok()) {
        Some(n) => crate::i18n::tf(ctx.lang, "shifts.line", &[("n", &(n + 1).to_string())]),
        None if f == "base_share" => ctx.t("shifts.base_share").to_string(),
        None => ctx.t("shifts.lines").to_string(),
    };
    let target = |f: &str| Some(if f == "base_share" { "p-share" } else { "p-shifts" }.to_string());
    form_section(
        ctx,
        "h-plan-form",
        ctx.t("shifts.lay"),
        &action,
        ctx.t("shifts.lay_button"),
        html! {
            (posted.summary(ctx.lang, &target, &label))
            (lines_field_posted(ctx.lang, ("p-shifts", "shifts"), ctx.t("shifts.lines"), ctx.t("shifts.lines_hint"), posted, &label))
            div.field {
                label for="p-share" { (ctx.t("shifts.base_share")) }
                input id="p-share" name="base_share" type="number" min="0" max="100" step="1" value=(posted.value("base_share").unwrap_or("65")) inputmode="numeric"
                    aria-invalid=[posted.invalid("base_share")] aria-describedby=[posted.described_by("base_share", "p-share", None)];
                (posted.message(ctx.lang, "base_share", "p-share"))
            }
        },
    )
}

#[derive(Deserialize)]
struct PlanForm {
    shifts: String,
    base_share: String,
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
    let result = match parse_lines(&f.shifts) {
        Ok(shifts) => s.app.set_plan(&ctx.caller.actor(), id, NewPlan { shifts, base_share: share(&f.base_share) }).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(back_to(&format!("/incidents/{id}/shifts"))),
        Err(e) => match Posted::refused(ctx.lang, "plan", typed, e.into()) {
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
