//! The person's own second factor: enrolling an authenticator app (TOTP). A person whose role
//! requires one and who has not enrolled reaches only this page (and logging out).

use super::form::{Field, Posted, on_field};
use super::{Ctx, EnrolCtx, Form, NoFields, PageError, PageResult, Typed, back_to, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use maud::html;
use serde::Deserialize;

pub const PATH: &str = "/account/totp";

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(show).post(start)).route("/account/totp/confirm", post(confirm))
}

/// A base32 secret in groups of four, as people type it.
fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

async fn show(State(s): State<AppState>, EnrolCtx(ctx): EnrolCtx) -> PageResult {
    account_page(&s, &ctx, &Posted::none()).await
}

/// The enrolment, with a refused code on its form.
async fn account_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    super::admin::require(ctx, Permission::UseSecondFactor)?;
    let status = s.app.totp_status(&ctx.caller.actor()).await.map_err(PageError::from(ctx.lang))?;
    let code = [Field::new("code", "totp-code", ctx.t("account.code"))];
    let body = html! {
        h1 { (ctx.t("account.title")) }
        @if ctx.caller.must_enrol { div.notice role="status" { p { (ctx.t("account.must_enrol")) } } }
        @if status.enrolled {
            p { (ctx.t("account.enrolled")) }
        } @else {
            p { (ctx.t("account.not_enrolled")) }
            @if status.required { p { (ctx.t("account.required")) } }
        }
        @if let Some(pending) = &status.pending {
            section aria-labelledby="h-setup" {
                h2 #h-setup { (ctx.t("account.setup")) }
                ol {
                    li { (ctx.t("account.step_open")) }
                    li { (ctx.t("account.step_key")) }
                    li { (ctx.t("account.step_code")) }
                }
                dl {
                    dt { (ctx.t("account.key")) } dd { code.secret { (grouped(&pending.secret)) } }
                    dt { (ctx.t("account.uri")) } dd { pre.embed { (pending.uri) } }
                }
                form method="post" action="/account/totp/confirm" {
                    (ctx.csrf_field())
                    (posted.summary_of(ctx.lang, &code))
                    (posted.field(ctx.lang, code[0], |i, d| html! {
                        input #totp-code name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="16"
                            value=[posted.value("code")] aria-invalid=[i] aria-describedby=[d];
                    }))
                    button type="submit" { (ctx.t("account.confirm")) }
                }
            }
        }
        form method="post" action=(PATH) {
            (ctx.csrf_field())
            button type="submit" { (if status.enrolled { ctx.t("account.new_phone") } else if status.pending.is_some() { ctx.t("account.new_key") } else { ctx.t("account.start") }) }
        }
    };
    Ok((posted.status, page(ctx, ctx.t("account.title"), body, None)).into_response())
}

async fn start(State(s): State<AppState>, EnrolCtx(ctx): EnrolCtx, Form(_): Form<NoFields>) -> PageResult {
    s.app.start_totp(&ctx.caller.actor()).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(PATH))
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn confirm(State(s): State<AppState>, EnrolCtx(ctx): EnrolCtx, Typed(f, typed): Typed<CodeForm>) -> PageResult {
    use domain::error::code;
    match s.app.confirm_totp(&ctx.caller.actor(), &f.code).await {
        Ok(_) => Ok(back_to(PATH)),
        Err(e) => {
            // A wrong code, or none started, is about the code typed.
            let e = on_field(e.into(), "invalid_totp", "code", code::TOTP_WRONG, "");
            let e = on_field(e, "no_enrolment", "code", code::NO_ENROLMENT, "");
            let posted = Posted::refused(ctx.lang, "code", typed, e).map_err(PageError::from(ctx.lang))?;
            account_page(&s, &ctx, &posted).await
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_shown_in_groups_of_four() {
        assert_eq!(super::grouped("GEZDGNBVGY3TQOJQ"), "GEZD GNBV GY3T QOJQ");
        assert_eq!(super::grouped("ABCDEF"), "ABCD EF");
    }
}
