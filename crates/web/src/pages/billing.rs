//! The economic model's pages: an incident's cost estimate and statements (issued here by the
//! secretariat, downloadable as CSV), and the secretariat's tariff versions.

use super::{Ctx, Form, NoFields, PageError, PageResult, Path, back_to, local_time, page};
use crate::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::economy::{LineKind, OpeningHours, StatementKind, Tariff, as_hours};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub const TARIFFS: &str = "/takster";

pub fn path(id: Uuid) -> String {
    format!("/incidents/{id}/afregning")
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/afregning", get(show))
        .route("/incidents/{id}/afregning/udsted", post(issue))
        .route(TARIFFS, get(tariffs).post(add_tariff))
}

/// DKK as Danes write it: 43.000,00 kr.
pub fn kroner(ore: i64) -> String {
    let whole = crate::i18n::thousands(crate::i18n::Lang::Da, (ore.unsigned_abs() / 100) as usize);
    format!("{}{whole},{:02} kr.", if ore < 0 { "-" } else { "" }, ore.unsigned_abs() % 100)
}

fn line_label(ctx: &Ctx, k: LineKind) -> &'static str {
    match k {
        LineKind::Activation => ctx.t("billing.activation"),
        LineKind::HoursInside => ctx.t("billing.hours_inside"),
        LineKind::HoursOutside => ctx.t("billing.hours_outside"),
        LineKind::Compensation => ctx.t("billing.compensation"),
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    #[serde(default)]
    nothing: Option<u8>,
}

async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Query(q): Query<ShowQuery>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    let i = s.app.incident(&actor, id, Permission::ViewStatements).await.map_err(&err)?;
    let statements = s.app.statements(&actor, id).await.map_err(&err)?;
    let estimate = if i.exercise { None } else { Some(s.app.cost_estimate(&actor, id).await.map_err(&err)?) };
    let orgs = s.app.public_organisations().await.map_err(&err)?;
    let name = |code: &str| orgs.iter().find(|o| o.code == code).map_or(code.to_string(), |o| o.name.clone());
    let title = crate::i18n::tf(ctx.lang, "billing.title", &[("title", &i.title)]);
    let body = html! {
        p.crumbs { a href={ "/incidents/" (i.id) } { (i.title) } }
        h1 { (title) }
        @if i.exercise { p { (ctx.t("billing.exercise")) } }
        @if let Some(e) = &estimate {
            section aria-labelledby="h-estimate" {
                h2 #h-estimate { (ctx.t("billing.estimate")) }
                @if e.tariff_from.is_none() { p { (ctx.t("billing.no_tariff")) } } @else {
                    table {
                        thead { tr { th scope="col" { (ctx.t("billing.org")) } th.num scope="col" { (ctx.t("billing.so_far")) }
                            th.num scope="col" { (ctx.t("billing.planned")) } th.num scope="col" { (ctx.t("billing.per_day")) } } }
                        tbody { @for a in &e.authorities { tr {
                            th scope="row" { (name(&a.org)) @if a.member { " (" (ctx.t("billing.member")) ")" } }
                            td.num { (kroner(a.estimate.so_far)) } td.num { (kroner(a.estimate.planned)) } td.num { (kroner(a.estimate.per_day)) }
                        } } }
                    }
                    p { (ctx.t("billing.before_vat")) }
                }
            }
        }
        section aria-labelledby="h-statements" {
            h2 #h-statements { (ctx.t("billing.statements")) }
            @if q.nothing.is_some() { p.notice role="status" { (ctx.t("billing.nothing_new")) } }
            @if statements.is_empty() { p { (ctx.t("billing.none")) } }
            @for st in &statements {
                article.statement {
                    h3 { (ctx.t("billing.number")) " " (st.number) ": " (name(&st.org)) " – "
                        (if st.kind == StatementKind::Compensation { ctx.t("billing.compensation_statement") } else { ctx.t("billing.billing_statement") }) }
                    p { (ctx.t("billing.issued")) " " (local_time(st.issued_at)) ", " (st.issued_by) " · " (ctx.t("billing.tariff")) " " (st.tariff_from)
                        @if let Some(r) = st.replaces { @if let Some(old) = statements.iter().find(|o| o.id == r) { " · " (ctx.t("billing.replaces")) " " (old.number) } } }
                    table {
                        thead { tr { th scope="col" { (ctx.t("billing.line")) } th.num scope="col" { (ctx.t("billing.hours")) } th.num scope="col" { (ctx.t("billing.amount")) } } }
                        tbody { @for l in &st.lines { tr { th scope="row" { (line_label(&ctx, l.kind)) } td.num { @if l.seconds > 0 { (format!("{:.2}", as_hours(l.seconds)).replace('.', ",")) } } td.num { (kroner(l.amount_ore)) } } } }
                        tfoot {
                            tr { th scope="row" colspan="2" { (ctx.t("billing.total")) } td.num { (kroner(st.total_ore)) } }
                            tr { th scope="row" colspan="2" { (ctx.t("billing.vat")) } td.num { (kroner(st.vat_ore)) } }
                            tr { th scope="row" colspan="2" { (ctx.t("billing.with_vat")) } td.num { (kroner(st.total_ore + st.vat_ore)) } }
                        }
                    }
                }
            }
            p.links { a href={ "/api/v1/incidents/" (i.id) "/statements.csv" } { (ctx.t("billing.csv")) } }
            @if ctx.may(Permission::IssueStatements) && !i.exercise {
                form.noprint method="post" action={ (path(i.id)) "/udsted" } {
                    (ctx.csrf_field())
                    button type="submit" { (ctx.t("billing.issue")) }
                }
            }
        }
    };
    Ok(page(&ctx, &title, body, None).into_response())
}

async fn issue(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(NoFields {}): Form<NoFields>) -> PageResult {
    let issued = s.app.issue_statements(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    let query = if issued.is_empty() { "?nothing=1" } else { "" };
    Ok(back_to(&format!("{}{query}#h-statements", path(id))))
}

fn tariff_row(ctx: &Ctx, t: &Tariff) -> Markup {
    html! { tr {
        th scope="row" { (t.valid_from) } td.num { (kroner(t.activation_fee)) } td.num { (kroner(t.hour_rate)) }
        td.num { (kroner(t.outside_surcharge)) } td.num { (kroner(t.bid_compensation)) }
        td { @if t.opening_hours == OpeningHours::default() { (ctx.t("billing.hours_2027")) } @else { (ctx.t("billing.hours_own")) } }
    } }
}

async fn tariffs(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let list = s.app.tariffs(&ctx.caller.actor()).await.map_err(PageError::from(ctx.lang))?;
    let body = html! {
        h1 { (ctx.t("billing.tariffs")) }
        p { (ctx.t("billing.tariffs_intro")) }
        @if list.is_empty() { p { (ctx.t("billing.no_tariff")) } } @else {
            table {
                thead { tr { th scope="col" { (ctx.t("billing.valid_from")) } th.num scope="col" { (ctx.t("billing.activation")) }
                    th.num scope="col" { (ctx.t("billing.hour_rate")) } th.num scope="col" { (ctx.t("billing.surcharge")) }
                    th.num scope="col" { (ctx.t("billing.bid_rate")) } th scope="col" { (ctx.t("billing.opening_hours")) } } }
                tbody { @for t in &list { (tariff_row(&ctx, t)) } }
            }
        }
        @if ctx.may(Permission::KeepTariffs) {
            form method="post" action=(TARIFFS) {
                (ctx.csrf_field())
                h2 { (ctx.t("billing.add_tariff")) }
                label for="valid_from" { (ctx.t("billing.valid_from")) } input #valid_from type="date" name="valid_from" required;
                label for="activation_fee" { (ctx.t("billing.activation")) " (kr.)" } input #activation_fee type="number" name="activation_fee" min="0" step="0.01" required;
                label for="hour_rate" { (ctx.t("billing.hour_rate")) " (kr.)" } input #hour_rate type="number" name="hour_rate" min="0" step="0.01" required;
                label for="outside_surcharge" { (ctx.t("billing.surcharge")) " (kr.)" } input #outside_surcharge type="number" name="outside_surcharge" min="0" step="0.01" required;
                label for="bid_compensation" { (ctx.t("billing.bid_rate")) " (kr.)" } input #bid_compensation type="number" name="bid_compensation" min="0" step="0.01" required;
                p { (ctx.t("billing.hours_2027")) }
                button type="submit" { (ctx.t("billing.add_tariff")) }
            }
        }
    };
    Ok(page(&ctx, ctx.t("billing.tariffs"), body, None).into_response())
}

#[derive(Deserialize)]
struct TariffForm {
    valid_from: String,
    activation_fee: f64,
    hour_rate: f64,
    outside_surcharge: f64,
    bid_compensation: f64,
}

async fn add_tariff(State(s): State<AppState>, ctx: Ctx, Form(f): Form<TariffForm>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let valid_from = domain::time::parse_date(&f.valid_from)
        .ok_or_else(|| err(app::Error::from(domain::DomainError::invalid("valid_from", "a day as YYYY-MM-DD"))))?;
    // An amount that is none is refused by the tariff's check, by its field.
    let ore = |k: f64| domain::economy::ore(k).unwrap_or(-1);
    let t = Tariff {
        valid_from,
        activation_fee: ore(f.activation_fee),
        hour_rate: ore(f.hour_rate),
        outside_surcharge: ore(f.outside_surcharge),
        bid_compensation: ore(f.bid_compensation),
        opening_hours: OpeningHours::default(),
    };
    s.app.add_tariff(&ctx.caller.actor(), t).await.map_err(&err)?;
    Ok(back_to(TARIFFS))
}

#[cfg(test)]
mod tests {
    #[test]
    fn kroner_are_written_the_danish_way() {
        assert_eq!(super::kroner(4_300_000), "43.000,00 kr.");
        assert_eq!(super::kroner(1_581_250), "15.812,50 kr.");
        assert_eq!(super::kroner(5), "0,05 kr.");
    }
}
