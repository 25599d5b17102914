//! The secretariat's security page: which roles must log in with a second factor, who has one,
//! and removing a lost one.

use super::admin::{require, tabs};
use super::form::{Field, Posted};
use super::{Ctx, Form, NoFields, PageError, PageResult, Path, Typed, back_to, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::{Permission, Role};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/security", get(show).post(set_required)).route("/admin/users/{id}/totp/remove", post(remove))
}

async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    security_page(&s, &ctx, &Posted::none()).await
}

/// The page, with a refused choice of roles on its form.
async fn security_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    require(ctx, Permission::ManageUsers)?;
    let err = PageError::from(ctx.lang);
    let settings = s.app.second_factor_settings(&ctx.caller.actor()).await.map_err(&err)?;
    let users: Vec<_> =
        s.app.users(&ctx.caller.actor()).await.map_err(&err)?.into_iter().filter(|u| settings.eligible.contains(&u.role)).collect();
    let body = html! {
        (tabs(ctx, "/admin/security"))
        h2 { (ctx.t("security.totp")) }
        p { (ctx.t("security.intro")) }
        form method="post" action="/admin/security" {
            (ctx.csrf_field())
            @let first = settings.eligible.first().map(|r| format!("role-{r}")).unwrap_or_default();
            (posted.summary_of(ctx.lang, &[Field::new("roles", &first, ctx.t("security.require_for"))]))
            fieldset {
                legend { (ctx.t("security.require_for")) }
                @for r in &settings.eligible {
                    @let on = if posted.is_refused() { posted.values("roles").any(|v| v == r.as_str()) } else { settings.required.contains(r) };
                    label.check {
                        input id={ "role-" (r) } type="checkbox" name="roles" value=(r) checked[on]
                            aria-invalid=[posted.invalid("roles")] aria-describedby=[posted.described_by("roles", &first, None)];
                        " " (ctx.word("role", r))
                    }
                }
                (posted.message(ctx.lang, "roles", &first))
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
    Ok((posted.status, page(ctx, ctx.t("admin.security"), body, None)).into_response())
}

#[derive(Deserialize)]
struct RequiredForm {
    #[serde(default)]
    roles: Vec<Role>,
}

async fn set_required(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<RequiredForm>) -> PageResult {
    match s.app.set_totp_required(&ctx.caller.actor(), f.roles).await {
        Ok(_) => Ok(back_to("/admin/security")),
        Err(e) => {
            let posted = Posted::refused(ctx.lang, "roles", typed, e.into()).map_err(PageError::from(ctx.lang))?;
            security_page(&s, &ctx, &posted).await
        }
    }
}

async fn remove(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<NoFields>) -> PageResult {
    s.app.remove_totp(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/security"))
}
