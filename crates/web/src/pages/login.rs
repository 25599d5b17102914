use super::{Form, back_to, layout};
use crate::AppState;
use crate::auth;
use crate::error::ApiError;
use crate::i18n::{Lang, t};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

const LOGIN_CSRF: &str = "ks_login_csrf";

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only local paths, so the login page cannot be used to send people elsewhere. Browsers drop
/// tabs and newlines inside URLs, so `/\t/evil` would become `//evil`: no control characters.
fn safe_next(next: Option<&str>) -> Option<String> {
    match next {
        Some(n) if n.starts_with('/') && !n[1..].starts_with(['/', '\\']) && !n.contains('\\') && !n.chars().any(char::is_control) => {
            Some(n.to_string())
        }
        _ => None,
    }
}

/// Where a person starts after logging in without a page to go back to: agents and shift
/// contacts in the agent console, where the guides are; the crisis organisation in the crises.
fn start_page(role: domain::Role) -> &'static str {
    match role {
        domain::Role::Agent | domain::Role::ShiftContact => "/agent",
        _ => "/incidents",
    }
}

fn login_page(lang: Lang, token: &str, next: &str, error: Option<&str>, email: &str) -> maud::Markup {
    let body = html! {
        div.narrow {
            h1 { (t(lang, "login.title")) }
            @if let Some(e) = error { div.notice.error role="alert" { p { (e) } } }
            form method="post" action="/login" {
                input type="hidden" name="_csrf" value=(token);
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="email" { (t(lang, "login.email")) }
                    input #email type="email" name="email" autocomplete="username" required value=(email);
                }
                div.field {
                    label for="password" { (t(lang, "login.password")) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                }
                div.field {
                    label for="totp" { (t(lang, "login.totp")) }
                    p.hint #totp-hint { (t(lang, "login.totp_hint")) }
                    input #totp type="text" name="totp" inputmode="numeric" autocomplete="one-time-code" maxlength="16" aria-describedby="totp-hint";
                }
                button type="submit" { (t(lang, "login.submit")) }
            }
        }
    };
    layout(lang, None, t(lang, "login.title"), body, None)
}

/// Login CSRF uses a double-submit cookie: there is no session yet to bind the token to.
pub async fn form(State(s): State<AppState>, headers: HeaderMap, Query(q): Query<Next>) -> Response {
    let lang = Lang::from_headers(&headers);
    let token = app::accounts::new_secret();
    let secure = if s.config.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{LOGIN_CSRF}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}");
    let next = safe_next(q.next.as_deref()).unwrap_or_default();
    ([(header::SET_COOKIE, cookie), (header::CACHE_CONTROL, "no-store".to_string())], login_page(lang, &token, &next, None, ""))
        .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    email: String,
    password: String,
    #[serde(default)]
    totp: String,
    next: Option<String>,
}

pub async fn submit(
    State(s): State<AppState>,
    auth::ClientIp(ip): auth::ClientIp,
    headers: HeaderMap,
    axum::extract::Form(f): axum::extract::Form<LoginForm>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let cookie_token = auth::cookie(&headers, LOGIN_CSRF).unwrap_or_default().to_string();
    let asked = safe_next(f.next.as_deref());
    let next = asked.clone().unwrap_or_default();
    if f.csrf.is_empty() || !auth::constant_eq(&f.csrf, &cookie_token) {
        return (StatusCode::FORBIDDEN, login_page(lang, &cookie_token, &next, Some(t(lang, "error.csrf")), &f.email)).into_response();
    }
    match s.app.login(&f.email, &f.password, Some(&f.totp), ip).await.map_err(ApiError::from) {
        Ok(done) => match auth::start_session(&s, &done.user).await {
            // A role that requires a second factor not yet enrolled: the enrolment first.
            Ok((cookie, _)) => {
                let to = if done.must_enrol { super::account::PATH } else { asked.as_deref().unwrap_or(start_page(done.user.role)) };
                ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response()
            }
            Err(e) => super::PageError::Api(e, lang).into_response(),
        },
        Err(e) => {
            let msg = match e.code {
                _ if e.status == StatusCode::TOO_MANY_REQUESTS => t(lang, "login.throttled"),
                "totp_required" => t(lang, "login.totp_required"),
                "invalid_totp" => t(lang, "login.totp_invalid"),
                _ => t(lang, "login.failed"),
            };
            (e.status, login_page(lang, &cookie_token, &next, Some(msg), &f.email)).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(State(s): State<AppState>, super::EnrolCtx(ctx): super::EnrolCtx, Form(_): Form<Empty>) -> Response {
    if ctx.caller.via == auth::Via::Session {
        let _ = s.app.logout(&ctx.caller.credential_hash).await;
    }
    ([(header::SET_COOKIE, auth::clear_cookie(s.config.secure_cookies))], back_to("/login")).into_response()
}

pub async fn set_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = if code == "en" { "en" } else { "da" };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string())));
    let cookie = format!("lang={lang}; Path=/; SameSite=Lax; Max-Age=31536000");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&safe_next(back.as_deref()).unwrap_or_else(|| "/incidents".into()))).into_response()
}

#[cfg(test)]
mod tests {
    use super::{safe_next, start_page};
    use domain::Role;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/incidents/1?x=2")).as_deref(), Some("/incidents/1?x=2"));
        for evil in ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example", "evil"] {
            assert_eq!(safe_next(Some(evil)), None, "{evil:?}");
        }
    }

    #[test]
    fn agents_start_in_the_agent_console_and_the_crisis_staff_in_the_crises() {
        assert_eq!((start_page(Role::Agent), start_page(Role::ShiftContact)), ("/agent", "/agent"));
        for role in [Role::CrisisLeader, Role::LogKeeper, Role::Secretariat, Role::AuthorityEditor] {
            assert_eq!(start_page(role), "/incidents", "{role}");
        }
    }
}
