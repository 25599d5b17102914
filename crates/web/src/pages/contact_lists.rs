//! The contact lists the secretariat keeps for each organisation: the overview of every list,
//! one organisation's list (phone and e-mail as links, when each entry was last checked, stale
//! ones marked in words as well as colour, "Tjekket i dag" one click away), the forms that keep
//! it, a print view for the printed crisis plan, and links to the CSV and vCard exports.

use super::form::{Field, Posted, delete_button, form_section};
use super::{Ctx, Form, PageError, PageResult, Path, Typed, back_to, local_time, page};
use crate::AppState;
use crate::i18n::{Lang, t, tf};
use app::ContactList;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::Permission;
use domain::contact_list::{Entry, EntryKind, NewEntry};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

pub const PATH: &str = "/kontaktlister";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(overview))
        .route("/kontaktlister/udskrift", get(print_all))
        .route("/kontaktlister/vaelg", get(choose))
        .route("/kontaktlister/{org}", get(show).post(add))
        .route("/kontaktlister/{org}/udskrift", get(print))
        .route("/kontaktlister/{org}/kontakter/{id}", get(edit).post(update))
        .route("/kontaktlister/{org}/kontakter/{id}/slet", post(remove))
        .route("/kontaktlister/{org}/kontakter/{id}/tjekket", post(verified))
}

/// A kind of entry in people's words.
pub fn kind_label(lang: Lang, k: EntryKind) -> &'static str {
    match k {
        EntryKind::AuthorityCrisis => t(lang, "contact_kind.authority_crisis"),
        EntryKind::ShiftContact => t(lang, "contact_kind.shift_contact"),
        EntryKind::VendorHelpdesk => t(lang, "contact_kind.vendor_helpdesk"),
        EntryKind::KnowledgeBase => t(lang, "contact_kind.knowledge_base"),
    }
}

fn list_path(org: &str) -> String {
    format!("{PATH}/{}", super::urlencode(org))
}

async fn overview(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let err = PageError::from(ctx.lang);
    let o = s.app.contact_lists(&ctx.caller.actor()).await.map_err(&err)?;
    let keeper = ctx.may(Permission::KeepContactLists);
    let body = html! {
        h1 { (ctx.t("contacts.title")) }
        p { (ctx.t("contacts.intro")) " " (tf(ctx.lang, "contacts.period", &[("days", &o.stale_after_days.to_string())])) }
        div.scroll tabindex="0" role="region" aria-labelledby="h-lists" {
            table.lists {
                caption #h-lists { (ctx.t("contacts.overview")) }
                thead { tr {
                    th scope="col" { (ctx.t("contacts.org")) }
                    th.num scope="col" { (ctx.t("contacts.entries")) }
                    th.num scope="col" { (ctx.t("contacts.stale_count")) }
                } }
                tbody {
                    @for (org, summary) in &o.lists {
                        tr {
                            th scope="row" { a href=(list_path(&org.code)) { (org.name) } " (" (org.code) ")" }
                            td.num { (summary.entries) }
                            td.num {
                                (summary.stale)
                                @if summary.stale > 0 { " " span.badge.stale { (ctx.t("contacts.stale")) } }
                            }
                        }
                    }
                }
            }
        }
        p.links { a href="/kontaktlister/udskrift" { (ctx.t("contacts.print_all")) } }
        @if keeper {
            form.stack method="get" action="/kontaktlister/vaelg" {
                div.field {
                    label for="c-open" { (ctx.t("contacts.choose")) }
                    select #c-open name="org" {
                        @for org in &o.organisations { option value=(org.code) { (org.name) " (" (org.code) ")" } }
                    }
                }
                button type="submit" { (ctx.t("contacts.open")) }
            }
        }
    };
    Ok(page(&ctx, ctx.t("contacts.title"), body, None))
}

/// The overview's "open a list" form, without JavaScript.
#[derive(Deserialize)]
struct Choose {
    org: String,
}

async fn choose(_ctx: Ctx, axum::extract::Query(c): axum::extract::Query<Choose>) -> PageResult {
    Ok(back_to(&list_path(&c.org)))
}

async fn show(State(s): State<AppState>, ctx: Ctx, Path(org): Path<String>) -> PageResult {
    show_page(&s, &ctx, &org, &Posted::none()).await
}

async fn show_page(s: &AppState, ctx: &Ctx, org: &str, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let list = s.app.contact_list(&ctx.caller.actor(), org).await.map_err(&err)?;
    let keeper = ctx.may(Permission::KeepContactLists);
    let title = format!("{} – {}", ctx.t("contacts.title"), list.organisation.name);
    let path = list_path(&list.organisation.code);
    let body = html! {
        p.crumbs { a href=(PATH) { (ctx.t("contacts.title")) } }
        h1 { (list.organisation.name) }
        p { (tf(ctx.lang, "contacts.period", &[("days", &list.stale_after_days.to_string())])) }
        p.links {
            a href={ (path) "/udskrift" } { (ctx.t("contacts.print_view")) } " · "
            a href={ "/api/v1/contact-lists/" (super::urlencode(&list.organisation.code)) "/export.csv" } download { (ctx.t("contacts.csv")) } " · "
            a href={ "/api/v1/contact-lists/" (super::urlencode(&list.organisation.code)) "/export.vcf" } download { (ctx.t("contacts.vcf")) }
        }
        (entries_table(ctx, &list, keeper))
        @if keeper {
            (entry_form(ctx, &path, "add", posted.only("add"), None))
        }
    };
    Ok((posted.status, page(ctx, &title, body, None)).into_response())
}

/// The list as a table; on a phone each row stands as a card of its own.
fn entries_table(ctx: &Ctx, list: &ContactList, keeper: bool) -> Markup {
    let path = list_path(&list.organisation.code);
    html! {
        @if list.entries.is_empty() { p { (ctx.t("contacts.none")) } }
        @else {
            table.contacts {
                caption.visually-hidden { (ctx.t("contacts.title")) ": " (list.organisation.name) }
                thead { tr {
                    th scope="col" { (ctx.t("contacts.name")) }
                    th scope="col" { (ctx.t("contacts.kind")) }
                    th scope="col" { (ctx.t("contacts.phone")) }
                    th scope="col" { (ctx.t("contacts.email")) }
                    th scope="col" { (ctx.t("contacts.note")) }
                    th scope="col" { (ctx.t("contacts.checked")) }
                    @if keeper { th scope="col" { span.visually-hidden { (ctx.t("contacts.actions")) } } }
                } }
                tbody {
                    @for e in &list.entries {
                        tr id={ "c-" (e.id) } class=[e.stale.then_some("stale")] {
                            th scope="row" {
                                (e.name)
                                @if !e.function.is_empty() { br; span.function { (e.function) } }
                            }
                            td { span.cell-label { (ctx.t("contacts.kind")) ": " } (kind_label(ctx.lang, e.kind)) }
                            td { @if !e.phone.is_empty() { span.cell-label { (ctx.t("contacts.phone")) ": " } a href=(domain::contact_list::tel_uri(&e.phone)) { (e.phone) } } }
                            td { @if !e.email.is_empty() { span.cell-label { (ctx.t("contacts.email")) ": " } a href={ "mailto:" (e.email) } { (e.email) } } }
                            td { @if !e.note.is_empty() { span.cell-label { (ctx.t("contacts.note")) ": " } (super::paragraphs(&e.note)) } }
                            td.checked { span.cell-label { (ctx.t("contacts.checked")) ": " } (checked(ctx, e)) }
                            @if keeper {
                                td.actions {
                                    form.inline method="post" action={ (path) "/kontakter/" (e.id) "/tjekket" } {
                                        (ctx.csrf_field())
                                        button.small type="submit" aria-label={ (ctx.t("contacts.check")) ": " (e.name) } { (ctx.t("contacts.check")) }
                                    }
                                    " "
                                    a.button.small href={ (path) "/kontakter/" (e.id) } aria-label={ (ctx.t("contacts.edit")) ": " (e.name) } { (ctx.t("contacts.edit")) }
                                    " "
                                    (delete_button(ctx, &format!("{path}/kontakter/{}/slet", e.id), &e.name))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// When the entry was last checked, and by whom, with the stale marker in words.
fn checked(ctx: &Ctx, e: &Entry) -> Markup {
    html! {
        span.when {
            @match e.last_verified_at {
                Some(at) => { (local_time(at)) @if let Some(by) = &e.last_verified_by { " (" (by) ")" } }
                None => { (ctx.t("contacts.never")) }
            }
        }
        @if e.stale { " " span.badge.stale { span aria-hidden="true" { "⚠ " } (ctx.t("contacts.stale")) } }
    }
}

/// The form that adds an entry (`entry` none) or changes one.
fn entry_form(ctx: &Ctx, list: &str, form: &str, posted: &Posted, entry: Option<&Entry>) -> Markup {
    let p = format!("{form}-");
    let ids = ["kind", "name", "function", "phone", "email", "note"].map(|n| format!("{p}{n}"));
    let fields = [
        Field::new("kind", &ids[0], ctx.t("contacts.kind")),
        Field::new("name", &ids[1], ctx.t("contacts.name")),
        Field::new("function", &ids[2], ctx.t("contacts.function")),
        Field::new("phone", &ids[3], ctx.t("contacts.phone")).hint(ctx.t("contacts.phone_hint")),
        Field::new("email", &ids[4], ctx.t("contacts.email")),
        Field::new("note", &ids[5], ctx.t("contacts.note")),
    ];
    // What was typed wins over the entry as it is.
    let value = |name: &str| -> String {
        if posted.is_refused() {
            return posted.value(name).unwrap_or("").to_string();
        }
        entry.map_or(String::new(), |e| match name {
            "kind" => e.kind.as_str().to_string(),
            "name" => e.name.clone(),
            "function" => e.function.clone(),
            "phone" => e.phone.clone(),
            "email" => e.email.clone(),
            _ => e.note.clone(),
        })
    };
    let kind = value("kind");
    let (heading, action, submit) = match entry {
        Some(e) => (ctx.t("contacts.edit_title"), format!("{list}/kontakter/{}", e.id), ctx.t("contacts.save")),
        None => (ctx.t("contacts.add"), list.to_string(), ctx.t("contacts.add_button")),
    };
    let lang = ctx.lang;
    form_section(
        ctx,
        &format!("h-{form}"),
        heading,
        &action,
        submit,
        html! {
            (posted.summary_of(lang, &fields))
            p.hint { (ctx.t("contacts.contact_hint")) }
            (posted.field(lang, fields[0], |invalid, described| html! {
                select id=(fields[0].id) name="kind" aria-invalid=[invalid] aria-describedby=[described] {
                    @for k in EntryKind::ALL { option value=(k.as_str()) selected[kind == k.as_str()] { (kind_label(lang, *k)) } }
                }
            }))
            (posted.field(lang, fields[1], |invalid, described| html! {
                input id=(fields[1].id) name="name" required maxlength="120" autocomplete="off" value=(value("name")) aria-invalid=[invalid] aria-describedby=[described];
            }))
            (posted.field(lang, fields[2], |invalid, described| html! {
                input id=(fields[2].id) name="function" maxlength="120" autocomplete="off" value=(value("function")) aria-invalid=[invalid] aria-describedby=[described];
            }))
            (posted.field(lang, fields[3], |invalid, described| html! {
                input id=(fields[3].id) name="phone" type="tel" maxlength="40" autocomplete="off" value=(value("phone")) aria-invalid=[invalid] aria-describedby=[described];
            }))
            (posted.field(lang, fields[4], |invalid, described| html! {
                input id=(fields[4].id) name="email" type="email" maxlength="254" autocomplete="off" value=(value("email")) aria-invalid=[invalid] aria-describedby=[described];
            }))
            (posted.field(lang, fields[5], |invalid, described| html! {
                textarea id=(fields[5].id) name="note" rows="3" maxlength="500" aria-invalid=[invalid] aria-describedby=[described] { (value("note")) }
            }))
        },
    )
}

/// An entry as the form posts it.
#[derive(Deserialize)]
struct EntryForm {
    kind: EntryKind,
    #[serde(default)]
    name: String,
    #[serde(default)]
    function: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    note: String,
}

impl From<EntryForm> for NewEntry {
    fn from(f: EntryForm) -> NewEntry {
        NewEntry { kind: f.kind, name: f.name, function: f.function, phone: f.phone, email: f.email, note: f.note }
    }
}

async fn add(State(s): State<AppState>, ctx: Ctx, Path(org): Path<String>, Typed(f, typed): Typed<EntryForm>) -> PageResult {
    match s.app.add_contact_entry(&ctx.caller.actor(), &org, f.into()).await {
        Ok(e) => Ok(back_to(&format!("{}#c-{}", list_path(&org), e.id))),
        Err(e) => match Posted::refused(ctx.lang, "add", typed, e.into()) {
            Ok(posted) => show_page(&s, &ctx, &org, &posted).await,
            Err(e) => Err(PageError::Api(e, ctx.lang)),
        },
    }
}

async fn edit(State(s): State<AppState>, ctx: Ctx, Path((org, id)): Path<(String, Uuid)>) -> PageResult {
    edit_page(&s, &ctx, &org, id, &Posted::none()).await
}

async fn edit_page(s: &AppState, ctx: &Ctx, org: &str, id: Uuid, posted: &Posted) -> PageResult {
    let err = PageError::from(ctx.lang);
    let actor = ctx.caller.actor();
    actor.may_for_org(Permission::KeepContactLists, org).map_err(|e| err(app::Error::from(e)))?;
    let list = s.app.contact_list(&actor, org).await.map_err(&err)?;
    let entry = list.entries.iter().find(|e| e.id == id).ok_or_else(|| err(app::Error::not_found("contact list entry")))?;
    let path = list_path(&list.organisation.code);
    let body = html! {
        p.crumbs { a href=(PATH) { (ctx.t("contacts.title")) } " › " a href=(path) { (list.organisation.name) } }
        (entry_form(ctx, &path, "edit", posted.only("edit"), Some(entry)))
    };
    Ok((posted.status, page(ctx, ctx.t("contacts.edit_title"), body, None)).into_response())
}

async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((org, id)): Path<(String, Uuid)>,
    Typed(f, typed): Typed<EntryForm>,
) -> PageResult {
    match s.app.update_contact_entry(&ctx.caller.actor(), &org, id, f.into()).await {
        Ok(_) => Ok(back_to(&format!("{}#c-{id}", list_path(&org)))),
        Err(e) => match Posted::refused(ctx.lang, "edit", typed, e.into()) {
            Ok(posted) => edit_page(&s, &ctx, &org, id, &posted).await,
            Err(e) => Err(PageError::Api(e, ctx.lang)),
        },
    }
}

async fn remove(State(s): State<AppState>, ctx: Ctx, Path((org, id)): Path<(String, Uuid)>, Form(_): Form<super::NoFields>) -> PageResult {
    s.app.remove_contact_entry(&ctx.caller.actor(), &org, id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&list_path(&org)))
}

async fn verified(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((org, id)): Path<(String, Uuid)>,
    Form(_): Form<super::NoFields>,
) -> PageResult {
    s.app.mark_contact_verified(&ctx.caller.actor(), &org, id).await.map_err(PageError::from(ctx.lang))?;
    Ok(back_to(&format!("{}#c-{id}", list_path(&org))))
}

/// One list for paper, as a section of the printed crisis plan: the same sheet as the printed log.
async fn print(State(s): State<AppState>, ctx: Ctx, Path(org): Path<String>) -> PageResult {
    let list = s.app.contact_list(&ctx.caller.actor(), &org).await.map_err(PageError::from(ctx.lang))?;
    let title = format!("{}: {}", ctx.t("contacts.print_title"), list.organisation.name);
    Ok(print_sheet(&ctx, &title, &list_path(&list.organisation.code), &[list], false))
}

/// Every list the caller reads, for paper: the contacts of the printed crisis plan.
async fn print_all(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let lists = s.app.all_contact_lists(&ctx.caller.actor()).await.map_err(PageError::from(ctx.lang))?;
    Ok(print_sheet(&ctx, ctx.t("contacts.print_all"), PATH, &lists, true))
}

/// `by_org`: each list under its organisation's heading (the sheet of every list).
fn print_sheet(ctx: &Ctx, title: &str, back: &str, lists: &[ContactList], by_org: bool) -> axum::response::Response {
    let days = lists.first().map(|l| l.stale_after_days).unwrap_or(domain::callout::DEFAULT_STALE_AFTER_DAYS);
    let body = html! {
        div.print-sheet {
            h1 { (title) }
            p.noprint { button type="button" data-print { (ctx.t("print.print")) } " " a href=(back) { (ctx.t("contacts.back")) } }
            p { (ctx.t("field.created")) ": " (local_time(domain::time::now())) ". " (tf(ctx.lang, "contacts.period", &[("days", &days.to_string())])) }
            @for list in lists {
                @if by_org { h2 { (list.organisation.name) " (" (list.organisation.code) ")" } }
                (print_list(ctx, list, by_org))
            }
            @if lists.iter().all(|l| l.entries.is_empty()) { p { (ctx.t("contacts.none")) } }
        }
    };
    page(ctx, title, body, None)
}

/// One list's entries by kind, as tables for paper (`nested`: under an organisation's heading).
fn print_list(ctx: &Ctx, list: &ContactList, nested: bool) -> Markup {
    html! {
        @for kind in EntryKind::ALL {
            @let of_kind: Vec<&Entry> = list.entries.iter().filter(|e| e.kind == *kind).collect();
            @if !of_kind.is_empty() {
                @if nested { h3 { (kind_label(ctx.lang, *kind)) } } @else { h2 { (kind_label(ctx.lang, *kind)) } }
                table.ics {
                    thead { tr {
                        th scope="col" { (ctx.t("contacts.name")) }
                        th scope="col" { (ctx.t("contacts.phone")) }
                        th scope="col" { (ctx.t("contacts.email")) }
                        th scope="col" { (ctx.t("contacts.note")) }
                        th scope="col" { (ctx.t("contacts.checked")) }
                    } }
                    tbody { @for e in of_kind { tr {
                        td { (e.name) @if !e.function.is_empty() { br; (e.function) } }
                        td.nowrap { (e.phone) }
                        td { (e.email) }
                        td { (super::paragraphs(&e.note)) }
                        td { (checked(ctx, e)) }
                    } } }
                }
            }
        }
    }
}
