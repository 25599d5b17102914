//! The secretariat's pages: organisations, users, the standing roster, templates.

use super::Path;
use super::form::delete_button;
use super::{Ctx, Form, PageError, PageResult, back_to, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::{get, post};
use domain::checklist::{ActionCard, Side, TemplateItem};
use domain::incident::IncidentKind;
use domain::role::StaffRole;
use domain::user::NewUser;
use domain::{Permission, Role};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/organisations") }))
        .route("/admin/organisations", get(organisations))
        .route("/admin/organisations/{code}", post(set_member))
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/roster", get(roster).post(set_roster))
        .route("/admin/templates", get(templates))
        .route("/admin/templates/checklist", post(add_item))
        .route("/admin/templates/checklist/{id}/delete", post(delete_item))
        .route("/admin/templates/cards", post(add_card))
        .route("/admin/templates/cards/{id}/delete", post(delete_card))
}

pub(super) fn tabs(ctx: &Ctx, current: &str) -> Markup {
    let links = [
        ("/admin/organisations", ctx.t("admin.orgs")),
        ("/admin/users", ctx.t("admin.users")),
        ("/admin/tokens", ctx.t("admin.tokens")),
        ("/admin/security", ctx.t("admin.security")),
        ("/admin/roster", ctx.t("admin.roster")),
        ("/admin/templates", ctx.t("admin.templates")),
    ];
    html! {
        h1 { (ctx.t("admin.title")) }
        nav.tabs aria-label=(ctx.t("admin.title")) {
            ul { @for (href, label) in links { li { a href=(href) aria-current=[(href == current).then_some("page")] { (label) } } } }
        }
    }
}

pub(super) fn require(ctx: &Ctx, action: Permission) -> Result<(), PageError> {
    ctx.caller.actor().may(action).map_err(|e| PageError::Api(e.into(), ctx.lang))
}

async fn organisations(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Permission::ManageOrganisations)?;
    let orgs = s.app.organisations(&ctx.caller.actor()).await.map_err(|e| PageError::Api(e.into(), ctx.lang))?;
    let body = html! {
        (tabs(&ctx, "/admin/organisations"))
        h2 { (ctx.t("admin.orgs")) " (" (orgs.len()) ")" }
        div.scroll {
            table {
                thead { tr { th scope="col" { (ctx.t("admin.code")) } th scope="col" { (ctx.t("admin.name")) } th scope="col" { (ctx.t("admin.population")) } th scope="col" { (ctx.t("admin.member")) } th scope="col" { span.visually-hidden { (ctx.t("admin.save")) } } } }
                tbody {
                    @for o in &orgs {
                        tr {
                            td { (o.code) } th scope="row" { (o.name) } td.num { (crate::i18n::thousands(ctx.lang, o.population.max(0) as usize)) }
                            td { (if o.member { ctx.t("admin.yes") } else { ctx.t("admin.no") }) }
                            td {
                                form.inline method="post" action={ "/admin/organisations/" (o.code) } {
                                    (ctx.csrf_field())
                                    input type="hidden" name="member" value=(!o.member);
                                    button.small type="submit" aria-label={ (if o.member { ctx.t("admin.remove_member") } else { ctx.t("admin.make_member") }) ": " (o.name) } {
                                        (if o.member { ctx.t("admin.remove_member") } else { ctx.t("admin.make_member") })
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, ctx.t("admin.orgs"), body, None))
}

#[derive(Deserialize)]
struct MemberForm {
    member: bool,
}

async fn set_member(State(s): State<AppState>, ctx: Ctx, Path(code): Path<String>, Form(f): Form<MemberForm>) -> PageResult {
    s.app.set_member(&ctx.caller.actor(), &code, f.member).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/organisations"))
}

async fn users(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Permission::ManageUsers)?;
    let err = PageError::from(ctx.lang);
    let users = s.app.users(&ctx.caller.actor()).await.map_err(&err)?;
    let orgs = s.app.organisations(&ctx.caller.actor()).await.map_err(&err)?;
    let body = html! {
        (tabs(&ctx, "/admin/users"))
        h2 { (ctx.t("admin.users")) " (" (users.len()) ")" }
        div.scroll {
            table {
                thead { tr { th scope="col" { (ctx.t("admin.name")) } th scope="col" { (ctx.t("login.email")) } th scope="col" { (ctx.t("admin.role")) } th scope="col" { (ctx.t("admin.org")) } th scope="col" { (ctx.t("admin.active")) } } }
                tbody {
                    @for u in &users {
                        tr {
                            th scope="row" { (u.name) } td { (u.email) } td { (ctx.word("role", u.role)) } td { (u.org) }
                            td {
                                form.inline method="post" action={ "/admin/users/" (u.id) "/active" } {
                                    (ctx.csrf_field())
                                    input type="hidden" name="active" value=(!u.active);
                                    (if u.active { ctx.t("admin.yes") } else { ctx.t("admin.no") }) " "
                                    button.small type="submit" aria-label={ (if u.active { ctx.t("admin.deactivate") } else { ctx.t("admin.activate") }) ": " (u.name) } {
                                        (if u.active { ctx.t("admin.deactivate") } else { ctx.t("admin.activate") })
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 #h-new-user { (ctx.t("admin.new_user")) }
        form method="post" action="/admin/users" {
            (ctx.csrf_field())
            div.field { label for="u-name" { (ctx.t("admin.name")) } input #u-name name="name" required maxlength="120"; }
            div.field { label for="u-email" { (ctx.t("login.email")) } input #u-email name="email" type="email" required autocomplete="off"; }
            div.field { label for="u-role" { (ctx.t("admin.role")) } select #u-role name="role" { @for r in Role::ALL { option value=(r) { (ctx.word("role", r)) } } } }
            div.field { label for="u-org" { (ctx.t("admin.org")) } select #u-org name="org" { @for o in &orgs { option value=(o.code) selected[o.code == "DDH"] { (o.name) " (" (o.code) ")" } } } }
            div.field { label for="u-password" { (ctx.t("admin.password")) } input #u-password name="password" type="password" required minlength="12" autocomplete="new-password"; }
            button type="submit" { (ctx.t("admin.create")) }
        }
    };
    Ok(page(&ctx, ctx.t("admin.users"), body, None))
}

#[derive(Deserialize)]
struct UserForm {
    name: String,
    email: String,
    role: Role,
    org: String,
    password: String,
}

async fn create_user(State(s): State<AppState>, ctx: Ctx, Form(f): Form<UserForm>) -> PageResult {
    let new = NewUser { email: f.email, name: f.name, org: f.org, role: f.role };
    s.app.create_user(&ctx.caller.actor(), new, f.password).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/users"))
}

#[derive(Deserialize)]
struct ActiveForm {
    active: bool,
}

async fn set_active(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(f): Form<ActiveForm>) -> PageResult {
    s.app.set_user_active(&ctx.caller.actor(), id, f.active).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/users"))
}

async fn roster(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Permission::ManageRoster)?;
    let err = PageError::from(ctx.lang);
    let roster = s.app.roster(&ctx.caller.actor()).await.map_err(&err)?;
    let staff: Vec<_> = s.app.crisis_staff(&ctx.caller.actor()).await.map_err(&err)?;
    let select = |id: String, name: &str, current: Option<&str>| {
        html! {
            select id=(id) name=(name) {
                option value="" { (ctx.t("room.nobody")) }
                @for u in &staff { option value=(u.email) selected[current == Some(u.email.as_str())] { (u.name) " – " (ctx.word("role", u.role)) } }
            }
        }
    };
    let body = html! {
        (tabs(&ctx, "/admin/roster"))
        h2 { (ctx.t("admin.roster")) }
        @for a in &roster {
            form.roster method="post" action="/admin/roster" {
                (ctx.csrf_field())
                input type="hidden" name="role" value=(a.role);
                fieldset {
                    legend { (ctx.word("role", a.role)) }
                    div.field { label for={ "p-" (a.role) } { (ctx.t("room.primary")) } (select(format!("p-{}", a.role), "primary", a.primary.as_ref().map(|p| p.email.as_str()))) }
                    div.field { label for={ "d-" (a.role) } { (ctx.t("room.deputy")) } (select(format!("d-{}", a.role), "deputy", a.deputy.as_ref().map(|p| p.email.as_str()))) }
                    button type="submit" { (ctx.t("admin.save")) }
                }
            }
        }
    };
    Ok(page(&ctx, ctx.t("admin.roster"), body, None))
}

#[derive(Deserialize)]
struct RosterForm {
    role: StaffRole,
    primary: Option<String>,
    deputy: Option<String>,
}

async fn set_roster(State(s): State<AppState>, ctx: Ctx, Form(f): Form<RosterForm>) -> PageResult {
    s.app.set_roster(&ctx.caller.actor(), f.role, f.primary.as_deref(), f.deputy.as_deref()).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/roster"))
}

async fn templates(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require(&ctx, Permission::ManageTemplates)?;
    let err = PageError::from(ctx.lang);
    let items = s.app.checklist_templates(&ctx.caller.actor()).await.map_err(&err)?;
    let cards = s.app.action_cards(&ctx.caller.actor()).await.map_err(&err)?;
    let role_select =
        |id: &str| html! { select id=(id) name="responsible" { @for r in Role::ALL { option value=(r) { (ctx.word("role", r)) } } } };
    let body = html! {
        (tabs(&ctx, "/admin/templates"))
        h2 { (ctx.t("admin.checklist")) }
        @for side in Side::ALL {
            h3 { (ctx.word("side", side)) }
            ul.checklist {
                @for (id, item) in items.iter().filter(|(_, i)| i.side == *side) {
                    li {
                        span.item-title { (item.title) } span.meta { (ctx.t("responsible")) ": " (ctx.word("role", item.responsible)) }
                        (delete_button(&ctx, &format!("/admin/templates/checklist/{id}/delete"), &item.title))
                    }
                }
            }
        }
        form method="post" action="/admin/templates/checklist" {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.t("admin.add_item")) }
                div.field { label for="t-side" { (ctx.t("admin.side")) } select #t-side name="side" { @for s in Side::ALL { option value=(s) { (ctx.word("side", s)) } } } }
                div.field { label for="t-title" { (ctx.t("field.title")) } input #t-title name="title" required maxlength="300"; }
                div.field { label for="t-resp" { (ctx.t("responsible")) } (role_select("t-resp")) }
                button type="submit" { (ctx.t("admin.add_item")) }
            }
        }
        h2 { (ctx.t("admin.cards")) }
        @for (id, c) in &cards {
            article.actioncard {
                h3 { (ctx.word("kind", c.kind)) ": " (c.title) }
                (super::card_details(&ctx, c))
                @if !c.steps.is_empty() { ol { @for s in &c.steps { li { (s) } } } }
                (delete_button(&ctx, &format!("/admin/templates/cards/{id}/delete"), &c.title))
            }
        }
        form method="post" action="/admin/templates/cards" {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.t("admin.add_card")) }
                div.field { label for="c-kind" { (ctx.t("field.kind")) } select #c-kind name="kind" { @for k in IncidentKind::ALL { option value=(k) { (ctx.word("kind", k)) } } } }
                div.field { label for="c-title" { (ctx.t("field.title")) } input #c-title name="title" required maxlength="200"; }
                div.field { label for="c-problem" { (ctx.t("admin.problem")) } textarea #c-problem name="problem" required rows="2" {} }
                div.field { label for="c-solution" { (ctx.t("admin.solution")) } textarea #c-solution name="solution" required rows="2" {} }
                div.field { label for="c-comm" { (ctx.t("admin.communication")) } textarea #c-comm name="communication" required rows="2" {} }
                div.field { label for="c-resp" { (ctx.t("responsible")) } (role_select("c-resp")) }
                div.field { label for="c-steps" { (ctx.t("admin.steps")) } textarea #c-steps name="steps" rows="3" {} }
                button type="submit" { (ctx.t("admin.add_card")) }
            }
        }
    };
    Ok(page(&ctx, ctx.t("admin.templates"), body, None))
}

/// The form's own shape: `TemplateItem` refuses unknown fields, and a form carries `_csrf`.
#[derive(Deserialize)]
struct ItemForm {
    side: Side,
    title: String,
    responsible: Role,
}

async fn add_item(State(s): State<AppState>, ctx: Ctx, Form(f): Form<ItemForm>) -> PageResult {
    let item = TemplateItem { side: f.side, title: f.title, responsible: f.responsible };
    s.app.add_checklist_template(&ctx.caller.actor(), item).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/templates"))
}

async fn delete_item(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<super::login::Empty>) -> PageResult {
    s.app.delete_checklist_template(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/templates"))
}

#[derive(Deserialize)]
struct CardForm {
    kind: IncidentKind,
    title: String,
    problem: String,
    solution: String,
    communication: String,
    responsible: Role,
    #[serde(default)]
    steps: String,
}

async fn add_card(State(s): State<AppState>, ctx: Ctx, Form(f): Form<CardForm>) -> PageResult {
    let card = ActionCard {
        kind: f.kind,
        title: f.title,
        problem: f.problem,
        solution: f.solution,
        communication: f.communication,
        responsible: f.responsible,
        steps: f.steps.lines().map(String::from).collect(),
    };
    s.app.add_action_card(&ctx.caller.actor(), card).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/templates"))
}

async fn delete_card(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<super::login::Empty>) -> PageResult {
    s.app.delete_action_card(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/templates"))
}
