//! The log for paper and spreadsheets: a page modelled on the ICS 214 activity log, and CSV.

use super::Path;
use super::{Ctx, PageError, PageResult, local_time, paragraphs};
use crate::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use maud::html;
use uuid::Uuid;

pub async fn activity_log(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> PageResult {
    let err = PageError::from(ctx.lang);
    let app::PrintedLog { incident: i, log, roles, organisations: orgs } =
        s.app.printed_log(&ctx.caller.actor(), id).await.map_err(&err)?;
    let home = |code: &str| orgs.iter().find(|o| o.code == code).map(|o| o.name.clone()).unwrap_or_else(|| code.to_string());
    let me = &ctx.caller.user;
    let start = i.activated_at.unwrap_or(i.created_at);
    let body = html! {
        div.print-sheet {
            h1 { (ctx.t("print.title")) (super::incidents::exercise_badge(&ctx, &i)) }
            p.noprint { button type="button" data-print { (ctx.t("print.print")) } " " a href={ "/incidents/" (i.id) } { (i.title) } }
            table.ics {
                tbody {
                    tr { th scope="row" { (ctx.t("print.incident")) } td { (i.title) " (" (i.affected.join(", ")) ")" } }
                    tr { th scope="row" { (ctx.t("print.period")) } td { (local_time(start)) " – " @if let Some(c) = i.closed_at { (local_time(c)) } @else { (ctx.t("print.until_now")) " (" (local_time(domain::time::now())) ")" } } }
                    tr { th scope="row" { (ctx.t("print.prepared_by")) } td { (me.name) ", " (ctx.word("role", me.role)) ", " (home(&me.org)) } }
                }
            }
            h2 { (ctx.t("print.resources")) }
            table.ics {
                thead { tr { th scope="col" { (ctx.t("admin.name")) } th scope="col" { (ctx.t("room.role")) } th scope="col" { (ctx.t("admin.org")) } } }
                tbody {
                    @for a in &roles {
                        @for (p, label) in [(&a.primary, ctx.t("room.primary")), (&a.deputy, ctx.t("room.deputy"))] {
                            @if let Some(p) = p { tr { td { (p.name) } td { (ctx.word("role", a.role)) " – " (label) } td { (home(&p.org)) } } }
                        }
                    }
                }
            }
            h2 { (ctx.t("print.activity")) }
            table.ics.activity {
                thead { tr { th scope="col" { (ctx.t("print.time")) } th scope="col" { (ctx.t("print.activities")) } } }
                tbody {
                    @for e in &log {
                        tr {
                            td.nowrap { (local_time(e.at)) br; "#" (e.seq) }
                            td {
                                strong { (ctx.word("category", e.category)) } " – " (e.author.name) ", " (ctx.word("role", e.author.role)) " (" (home(&e.author.org)) ")"
                                @if let Some(c) = e.corrects { " – " (ctx.t("room.log.corrects")) " " (c) }
                                br; (paragraphs(&e.text))
                            }
                        }
                    }
                }
            }
            p.signature { (ctx.t("print.signature")) ": ______________________________ " (ctx.t("field.created")) ": " (local_time(domain::time::now())) }
        }
    };
    Ok(super::page(&ctx, ctx.t("print.title"), body, None).into_response())
}

pub use domain::export::{csv, log_csv};

/// The authority's export of its callback requests.
pub fn callbacks_csv(callbacks: &[domain::inquiry::Callback]) -> String {
    let header = ["received_utc", "received_copenhagen", "name", "phone", "email", "municipality", "reason", "recorded_by", "mailed"];
    csv(
        &header,
        callbacks.iter().map(|c| {
            vec![
                domain::time::rfc3339(c.created_at),
                domain::time::format_danish(c.created_at),
                c.name.clone(),
                c.phone.clone(),
                c.email.clone(),
                c.municipality.clone(),
                c.reason.clone(),
                c.created_by.clone(),
                if c.mailed { "ja" } else { "nej" }.to_string(),
            ]
        }),
    )
}
