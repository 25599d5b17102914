//! The secretariat's list of bearer tokens: whose each is, when it expires, and a button that
//! revokes one at once on every node.

use super::admin::{require, tabs};
use super::{Ctx, Form, NoFields, PageError, PageResult, Path, back_to, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use domain::Permission;
use maud::html;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/tokens", get(list)).route("/admin/tokens/{id}/revoke", post(revoke))
}

async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Permission::ManageUsers)?;
    let tokens = s.app.tokens(&ctx.caller.actor()).await.map_err(PageError::from(ctx.lang))?;
    let body = html! {
        (tabs(&ctx, "/admin/tokens"))
        h2 { (ctx.t("admin.tokens")) " (" (tokens.len()) ")" }
        p { (ctx.t("admin.tokens_hint")) }
        div.scroll tabindex="0" role="region" aria-label=(ctx.t("admin.tokens")) {
            table {
                thead { tr {
                    th scope="col" { (ctx.t("admin.token_id")) } th scope="col" { (ctx.t("admin.token_owner")) }
                    th scope="col" { (ctx.t("field.created")) } th scope="col" { (ctx.t("admin.token_expires")) } th scope="col" { (ctx.t("admin.revoke")) }
                } }
                tbody { @for t in &tokens {
                    tr {
                        th scope="row" { code { (t.id) } }
                        td { (t.owner) @if t.integration { " (" (ctx.t("admin.integration")) ")" } }
                        td { (super::local_time(t.created_at)) }
                        td { @match t.expires_at { Some(at) => (super::local_time(at)), None => strong { (ctx.t("admin.token_never")) } } }
                        td {
                            form.inline method="post" action={ "/admin/tokens/" (t.id) "/revoke" } {
                                (ctx.csrf_field())
                                button.small type="submit" aria-label={ (ctx.t("admin.revoke")) ": " (t.id) " (" (t.owner) ")" } { (ctx.t("admin.revoke")) }
                            }
                        }
                    }
                } }
            }
        }
    };
    Ok(page(&ctx, ctx.t("admin.tokens"), body, None))
}

async fn revoke(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>, Form(_): Form<NoFields>) -> PageResult {
    s.app.revoke_token(&ctx.caller.actor(), &id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/tokens"))
}
