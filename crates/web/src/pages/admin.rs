//! The secretariat's pages: organisations, users, the standing roster, templates.

use super::Path;
use super::form::{Field, Posted, delete_button, on_field};
use super::{Ctx, Form, PageError, PageResult, Typed, back_to, page};
use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
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
    users_page(&s, &ctx, &Posted::none()).await
}

/// The users, and the form for a new one with `posted` on it when a post was refused.
async fn users_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    require(ctx, Permission::ManageUsers)?;
    let err = PageError::from(ctx.lang);
    let users = s.app.users(&ctx.caller.actor()).await.map_err(&err)?;
    let orgs = s.app.organisations(&ctx.caller.actor()).await.map_err(&err)?;
    let body = html! {
        (tabs(ctx, "/admin/users"))
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
        (user_form(ctx, &orgs, posted.only("user")))
    };
    Ok((posted.status, page(ctx, ctx.t("admin.users"), body, None)).into_response())
}

fn user_form(ctx: &Ctx, orgs: &[domain::org::Organisation], posted: &Posted) -> Markup {
    let fields = [
        Field::new("name", "u-name", ctx.t("admin.name")),
        Field::new("email", "u-email", ctx.t("login.email")),
        Field::new("role", "u-role", ctx.t("admin.role")),
        Field::new("org", "u-org", ctx.t("admin.org")),
        Field::new("password", "u-password", ctx.t("admin.password")),
    ];
    let (role, org) = (posted.value("role"), posted.value("org").unwrap_or("DDH"));
    html! {
        h2 #h-new-user { (ctx.t("admin.new_user")) }
        form method="post" action="/admin/users" {
            (ctx.csrf_field())
            (posted.summary_of(ctx.lang, &fields))
            (posted.field(ctx.lang, fields[0], |i, d| html! { input #u-name name="name" required maxlength="120" value=[posted.value("name")] aria-invalid=[i] aria-describedby=[d]; }))
            (posted.field(ctx.lang, fields[1], |i, d| html! { input #u-email name="email" type="email" required autocomplete="off" value=[posted.value("email")] aria-invalid=[i] aria-describedby=[d]; }))
            (posted.field(ctx.lang, fields[2], |i, d| html! {
                select #u-role name="role" aria-invalid=[i] aria-describedby=[d] { @for r in Role::ALL { option value=(r) selected[role == Some(r.as_str())] { (ctx.word("role", r)) } } }
            }))
            (posted.field(ctx.lang, fields[3], |i, d| html! {
                select #u-org name="org" aria-invalid=[i] aria-describedby=[d] { @for o in orgs { option value=(o.code) selected[o.code == org] { (o.name) " (" (o.code) ")" } } }
            }))
            // A refused password is not shown again: it is typed anew.
            (posted.field(ctx.lang, fields[4], |i, d| html! { input #u-password name="password" type="password" required minlength="12" autocomplete="new-password" aria-invalid=[i] aria-describedby=[d]; }))
            button type="submit" { (ctx.t("admin.create")) }
        }
    }
}

#[derive(Deserialize)]
struct UserForm {
    name: String,
    email: String,
    role: Role,
    org: String,
    password: String,
}

async fn create_user(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<UserForm>) -> PageResult {
    let email = f.email.trim().to_lowercase();
    let new = NewUser { email: f.email, name: f.name, org: f.org, role: f.role };
    match s.app.create_user(&ctx.caller.actor(), new, f.password).await {
        Ok(_) => Ok(back_to("/admin/users")),
        Err(e) => {
            // The one clash a new account can meet: its e-mail address is taken.
            let e = on_field(e.into(), "conflict", "email", domain::error::code::EMAIL_TAKEN, &email);
            let posted = Posted::refused(ctx.lang, "user", typed, e).map_err(PageError::from(ctx.lang))?;
            users_page(&s, &ctx, &posted).await
        }
    }
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
    roster_page(&s, &ctx, &Posted::none()).await
}

/// The standing roster, one form per role (`roster-{role}`), with `posted` on its form.
async fn roster_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    require(ctx, Permission::ManageRoster)?;
    let err = PageError::from(ctx.lang);
    let roster = s.app.roster(&ctx.caller.actor()).await.map_err(&err)?;
    let staff: Vec<_> = s.app.crisis_staff(&ctx.caller.actor()).await.map_err(&err)?;
    let body = html! {
        (tabs(ctx, "/admin/roster"))
        h2 { (ctx.t("admin.roster")) }
        @for a in &roster {
            @let posted = posted.only(&format!("roster-{}", a.role));
            @let (pid, did) = (format!("p-{}", a.role), format!("d-{}", a.role));
            @let fields = [Field::new("primary", &pid, ctx.t("room.primary")), Field::new("deputy", &did, ctx.t("room.deputy"))];
            form.roster method="post" action="/admin/roster" {
                (ctx.csrf_field())
                input type="hidden" name="role" value=(a.role);
                fieldset {
                    legend { (ctx.word("role", a.role)) }
                    (posted.summary_of(ctx.lang, &fields))
                    @for (f, held) in fields.iter().zip([&a.primary, &a.deputy]) {
                        @let current = posted.value(f.name).or(held.as_ref().map(|p| p.email.as_str()));
                        (posted.field(ctx.lang, *f, |i, d| html! {
                            select id=(f.id) name=(f.name) aria-invalid=[i] aria-describedby=[d] {
                                option value="" { (ctx.t("room.nobody")) }
                                @for u in &staff { option value=(u.email) selected[current == Some(u.email.as_str())] { (u.name) " – " (ctx.word("role", u.role)) } }
                            }
                        }))
                    }
                    button type="submit" { (ctx.t("admin.save")) }
                }
            }
        }
    };
    Ok((posted.status, page(ctx, ctx.t("admin.roster"), body, None)).into_response())
}

#[derive(Deserialize)]
struct RosterForm {
    role: StaffRole,
    primary: Option<String>,
    deputy: Option<String>,
}

async fn set_roster(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<RosterForm>) -> PageResult {
    match s.app.set_roster(&ctx.caller.actor(), f.role, f.primary.as_deref(), f.deputy.as_deref()).await {
        Ok(_) => Ok(back_to("/admin/roster")),
        Err(e) => {
            let posted = Posted::refused(ctx.lang, &format!("roster-{}", f.role), typed, e.into()).map_err(PageError::from(ctx.lang))?;
            roster_page(&s, &ctx, &posted).await
        }
    }
}

async fn templates(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    templates_page(&s, &ctx, &Posted::none()).await
}

/// The checklist and action card templates, with `posted` on the form (`item` or `card`) that
/// was refused.
async fn templates_page(s: &AppState, ctx: &Ctx, posted: &Posted) -> PageResult {
    require(ctx, Permission::ManageTemplates)?;
    let err = PageError::from(ctx.lang);
    let items = s.app.checklist_templates(&ctx.caller.actor()).await.map_err(&err)?;
    let cards = s.app.action_cards(&ctx.caller.actor()).await.map_err(&err)?;
    let body = html! {
        (tabs(ctx, "/admin/templates"))
        h2 { (ctx.t("admin.checklist")) }
        @for side in Side::ALL {
            h3 { (ctx.word("side", side)) }
            ul.checklist {
                @for (id, item) in items.iter().filter(|(_, i)| i.side == *side) {
                    li {
                        span.item-title { (item.title) } span.meta { (ctx.t("responsible")) ": " (ctx.word("role", item.responsible)) }
                        (delete_button(ctx, &format!("/admin/templates/checklist/{id}/delete"), &item.title))
                    }
                }
            }
        }
        (item_form(ctx, posted.only("item")))
        h2 { (ctx.t("admin.cards")) }
        @for (id, c) in &cards {
            article.actioncard {
                h3 { (ctx.word("kind", c.kind)) ": " (c.title) }
                (super::card_details(ctx, c))
                @if !c.steps.is_empty() { ol { @for s in &c.steps { li { (s) } } } }
                (delete_button(ctx, &format!("/admin/templates/cards/{id}/delete"), &c.title))
            }
        }
        (card_form(ctx, posted.only("card")))
    };
    Ok((posted.status, page(ctx, ctx.t("admin.templates"), body, None)).into_response())
}

/// The responsible role, as chosen on a refused form.
fn role_select(ctx: &Ctx, id: &str, posted: &Posted, invalid: Option<&str>, described: Option<String>) -> Markup {
    let chosen = posted.value("responsible");
    html! {
        select id=(id) name="responsible" aria-invalid=[invalid] aria-describedby=[described] {
            @for r in Role::ALL { option value=(r) selected[chosen == Some(r.as_str())] { (ctx.word("role", r)) } }
        }
    }
}

fn item_form(ctx: &Ctx, posted: &Posted) -> Markup {
    let fields = [
        Field::new("side", "t-side", ctx.t("admin.side")),
        Field::new("title", "t-title", ctx.t("field.title")),
        Field::new("responsible", "t-resp", ctx.t("responsible")),
    ];
    let side = posted.value("side");
    html! {
        form method="post" action="/admin/templates/checklist" {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.t("admin.add_item")) }
                (posted.summary_of(ctx.lang, &fields))
                (posted.field(ctx.lang, fields[0], |i, d| html! {
                    select #t-side name="side" aria-invalid=[i] aria-describedby=[d] { @for s in Side::ALL { option value=(s) selected[side == Some(s.as_str())] { (ctx.word("side", s)) } } }
                }))
                (posted.field(ctx.lang, fields[1], |i, d| html! { input #t-title name="title" required maxlength="300" value=[posted.value("title")] aria-invalid=[i] aria-describedby=[d]; }))
                (posted.field(ctx.lang, fields[2], |i, d| role_select(ctx, "t-resp", posted, i, d)))
                button type="submit" { (ctx.t("admin.add_item")) }
            }
        }
    }
}

fn card_form(ctx: &Ctx, posted: &Posted) -> Markup {
    let fields = [
        Field::new("kind", "c-kind", ctx.t("field.kind")),
        Field::new("title", "c-title", ctx.t("field.title")),
        Field::new("problem", "c-problem", ctx.t("admin.problem")),
        Field::new("solution", "c-solution", ctx.t("admin.solution")),
        Field::new("communication", "c-comm", ctx.t("admin.communication")),
        Field::new("responsible", "c-resp", ctx.t("responsible")),
        Field::new("steps", "c-steps", ctx.t("admin.steps")),
    ];
    let kind = posted.value("kind");
    let text = |f: Field, rows: &'static str, required: bool| {
        posted.field(ctx.lang, f, |i, d| html! {
            textarea id=(f.id) name=(f.name) required[required] rows=(rows) aria-invalid=[i] aria-describedby=[d] { (posted.value(f.name).unwrap_or("")) }
        })
    };
    html! {
        form method="post" action="/admin/templates/cards" {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.t("admin.add_card")) }
                (posted.summary_of(ctx.lang, &fields))
                (posted.field(ctx.lang, fields[0], |i, d| html! {
                    select #c-kind name="kind" aria-invalid=[i] aria-describedby=[d] { @for k in IncidentKind::ALL { option value=(k) selected[kind == Some(k.as_str())] { (ctx.word("kind", k)) } } }
                }))
                (posted.field(ctx.lang, fields[1], |i, d| html! { input #c-title name="title" required maxlength="200" value=[posted.value("title")] aria-invalid=[i] aria-describedby=[d]; }))
                (text(fields[2], "2", true))
                (text(fields[3], "2", true))
                (text(fields[4], "2", true))
                (posted.field(ctx.lang, fields[5], |i, d| role_select(ctx, "c-resp", posted, i, d)))
                (text(fields[6], "3", false))
                button type="submit" { (ctx.t("admin.add_card")) }
            }
        }
    }
}

/// The form's own shape: `TemplateItem` refuses unknown fields, and a form carries `_csrf`.
#[derive(Deserialize)]
struct ItemForm {
    side: Side,
    title: String,
    responsible: Role,
}

/// The templates page again after a refused post of `form`.
async fn templates_refused(s: &AppState, ctx: &Ctx, form: &str, typed: Vec<(String, String)>, e: app::Error) -> PageResult {
    let posted = Posted::refused(ctx.lang, form, typed, e.into()).map_err(PageError::from(ctx.lang))?;
    templates_page(s, ctx, &posted).await
}

async fn add_item(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<ItemForm>) -> PageResult {
    let item = TemplateItem { side: f.side, title: f.title, responsible: f.responsible };
    match s.app.add_checklist_template(&ctx.caller.actor(), item).await {
        Ok(_) => Ok(back_to("/admin/templates")),
        Err(e) => templates_refused(&s, &ctx, "item", typed, e).await,
    }
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

async fn add_card(State(s): State<AppState>, ctx: Ctx, Typed(f, typed): Typed<CardForm>) -> PageResult {
    let card = ActionCard {
        kind: f.kind,
        title: f.title,
        problem: f.problem,
        solution: f.solution,
        communication: f.communication,
        responsible: f.responsible,
        steps: f.steps.lines().map(String::from).collect(),
    };
    match s.app.add_action_card(&ctx.caller.actor(), card).await {
        Ok(_) => Ok(back_to("/admin/templates")),
        Err(e) => templates_refused(&s, &ctx, "card", typed, e).await,
    }
}

async fn delete_card(State(s): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>, Form(_): Form<super::login::Empty>) -> PageResult {
    s.app.delete_action_card(&ctx.caller.actor(), id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to("/admin/templates"))
}
