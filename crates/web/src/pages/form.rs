//! The pieces that forms on several pages share, so that each keeps the same markup for
//! assistive technology (a heading that names the section, hints read out with their field).

use super::Ctx;
use maud::{Markup, html};

/// A section named by its heading, holding one form that posts to `action` and ends in its
/// submit button.
pub fn form_section(ctx: &Ctx, heading_id: &str, heading: &str, action: &str, submit: &str, fields: Markup) -> Markup {
    html! {
        section aria-labelledby=(heading_id) {
            h2 id=(heading_id) { (heading) }
            form.stack method="post" action=(action) {
                (ctx.csrf_field())
                (fields)
                button type="submit" { (submit) }
            }
        }
    }
}

/// A required text area for pasted lines, with a hint that is read out with it.
pub fn lines_field(id: &str, name: &str, label: &str, hint: &str) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div.field {
            label for=(id) { (label) }
            span.hint id=(hint_id) { (hint) }
            textarea id=(id) name=(name) rows="6" required aria-describedby=(hint_id) {}
        }
    }
}

/// A small inline form whose one button deletes `what` (named in the button's accessible name,
/// since a list holds many such buttons).
pub fn delete_button(ctx: &Ctx, action: &str, what: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (ctx.csrf_field())
            button.small type="submit" aria-label={ (ctx.t("admin.delete")) ": " (what) } { (ctx.t("admin.delete")) }
        }
    }
}
