//! The secretariat's security page: which roles must log in with a second factor, who has one,
//! and removing a lost one.

use super::admin::{require, tabs};
use super::{Ctx, Form, NoFields, PageError, PageResult, Path, back_to, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use domain::{Permission, Role};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/security", get(show).post(set_required)).route("/admin/users/{id}/totp/remove", post(remove))
}

async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Permission::ManageUsers)?;
    let err = PageError::from(ctx.lang);
    let settings = s.app.second_factor_settings(&ctx.caller.actor()).await.map_err(&err)?;
    let users: Vec<_> =
        s.app.users(&ctx.caller.actor()).await.map_err(&err)?.into_iter().filter(|u| settings.eligible.contains(&u.role)).collect();
    let body = html! {
        (tabs(&ctx, "/admin/security"))
        h2 { (ctx.t("security.totp")) }
        p { (ctx.t("security.intro")) }
        form method="post" action="/admin/security" {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.t("security.require_for")) }
                @for r in &settings.eligible {
                    label.check { input type="checkbox" name="roles" value=(r) checked[settings.required.contains(r)]; " " (ctx.word("role", r)) }
                }
            }
            button type="submit" { (ctx.t("admin.save")) }
        }
        h2 { (ctx.t("security.people")) }
        div.scroll {
            table {
                thead { tr { th scope="col" { (ctx.t("admin.name")) } th scope="col" { (ctx.t("admin.role")) } th scope="col" { (ctx.t("security.enrolled")) } } }
                tbody {
                    @for u in &users {
                        @let enrolled = settings.enrolled.contains(&u.id);
                        tr {
                            th scope="row" { (u.name) } td { (ctx.word("role", u.role)) }
                            td {
                                (if enrolled { ctx.t("admin.yes") } else { ctx.t("admin.no") })
                                @if enrolled {
                                    " "
                                    form.inline method="post" action={ "/admin/users/" (u.id) "/totp/remove" } {
                                        (ctx.csrf_field())
                                        button.small type="submit" aria-label={ (ctx.t("security.remove")) ": " (u.name) } { (ctx.t("security.remove")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, ctx.t("admin.security"), body, None))
}

#[derive(Deserialize)]
struct RequiredForm {
    #[serde(default)]
    roles: Vec<Role>,
}

async fn set_required(State(s): State<AppState>, ctx: Ctx, Form(f): Form<RequiredForm>) -> PageResult {
    s.app.set_totp_required(&ctx.caller.actor(), f.roles).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/security"))
}

async fn remove(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<NoFields>) -> PageResult {
    s.app.remove_totp(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/security"))
}
