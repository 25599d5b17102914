//! The pieces that forms on several pages share, so that each keeps the same markup for
//! assistive technology (a heading that names the section, hints read out with their field).

use super::Ctx;
use crate::error::ApiError;
use crate::i18n::{Lang, t, tf};
use axum::http::StatusCode;
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

/// A required text area for pasted lines, with a hint that is read out with it, as a
/// refused form shows it again: the lines as typed, each line's problem
/// under it (`line` names a line by its problem's field).
pub fn lines_field_posted(
    lang: Lang,
    (id, name): (&str, &str),
    label: &str,
    hint: &str,
    posted: &Posted,
    line: &dyn Fn(&str) -> String,
) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div.field {
            label for=(id) { (label) }
            span.hint id=(hint_id) { (hint) }
            textarea id=(id) name=(name) rows="6" required aria-invalid=[posted.invalid(name)]
                aria-describedby=[posted.described_by(name, id, Some(&hint_id))] { (posted.value(name).unwrap_or("")) }
            (posted.message_with(lang, name, id, line))
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

/// A form posted back to its page because it was refused: what was typed, to show again, and
/// each problem in the reader's language, by the field it is about. One mechanism for every
/// form: the page renders again with it (422, or 409 for a clash with the crisis's state) and
/// each field shows its own message, the summary at the top links to the fields.
pub struct Posted {
    /// Which form of the page was posted (a page may hold several).
    pub form: String,
    values: Vec<(String, String)>,
    problems: Vec<Problem>,
    pub status: StatusCode,
}

/// A refusal (`refusal`, the API's code: `conflict`, `invalid_totp`) that is about one field
/// (an e-mail address another account has, a wrong one-time code): named on that field by
/// `code`, about `subject`, so the form can say it in its reader's language; the status stays.
pub fn on_field(e: ApiError, refusal: &str, field: &str, code: &'static str, subject: &str) -> ApiError {
    if e.code != refusal {
        return e;
    }
    let subject = Some(subject.to_string());
    let f = domain::FieldError { field: field.to_string(), message: e.message.clone(), code: Some(code), limit: None, subject };
    ApiError { fields: vec![f], ..e }
}

/// One problem as the page shows it.
pub struct Problem {
    /// The domain's field name (`note`, `contacts[0].phone`); empty for the form as a whole.
    pub field: String,
    pub text: String,
    /// The text is the domain's English (a rule without a translation yet): marked as English.
    pub english: bool,
}

impl Posted {
    /// Nothing posted: the page as it is.
    pub fn none() -> Posted {
        Posted { form: String::new(), values: Vec::new(), problems: Vec::new(), status: StatusCode::OK }
    }

    /// The refusal of form `form` with what was typed, if it is one the form can show: a field
    /// problem or a clash with the current state. Anything else (no access, not found, the
    /// database away) stays the error page.
    pub fn refused(lang: Lang, form: &str, values: Vec<(String, String)>, e: ApiError) -> Result<Posted, ApiError> {
        let problems = match e.code {
            _ if !e.fields.is_empty() && matches!(e.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) => {
                e.fields.iter().map(|f| problem(lang, f)).collect()
            }
            "validation_failed" | "invalid_field" | "invalid_form" | "conflict" => {
                let lead = if e.code == "conflict" { t(lang, "error.conflict") } else { t(lang, "error.invalid") };
                let lead = Problem { field: String::new(), text: lead.to_string(), english: false };
                vec![lead, Problem { field: String::new(), text: e.message.clone(), english: lang == Lang::Da }]
            }
            _ => return Err(e),
        };
        Ok(Posted { form: form.to_string(), values, problems, status: e.status })
    }

    /// This posting, if it is of `form`.
    pub fn of(&self, form: &str) -> Option<&Posted> {
        (self.form == form).then_some(self)
    }

    /// This posting for `form`'s fields: itself if it is of that form, else nothing posted.
    pub fn only(&self, form: &str) -> &Posted {
        static NOTHING: Posted = Posted { form: String::new(), values: Vec::new(), problems: Vec::new(), status: StatusCode::OK };
        self.of(form).unwrap_or(&NOTHING)
    }

    pub fn is_refused(&self) -> bool {
        !self.problems.is_empty()
    }

    /// What was typed into `name` (the first value of a repeated field).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value typed into a repeated field (`affected`, `channels`).
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.values.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The problems of one field and of its parts (`shifts` holds `shifts[2].end`).
    pub fn problems_of<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems.iter().filter(move |p| p.field.strip_prefix(field).is_some_and(|rest| rest.is_empty() || rest.starts_with('[')))
    }

    /// `aria-invalid` for a field: `Some("true")` when it has a problem.
    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.problems_of(field).next().map(|_| "true")
    }

    /// `aria-describedby` for the input `id` of `field`: its hint and its problem's message.
    pub fn described_by(&self, field: &str, id: &str, hint: Option<&str>) -> Option<String> {
        let error = self.invalid(field).map(|_| error_id(id));
        let ids: Vec<String> = hint.map(str::to_string).into_iter().chain(error).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// The message under a field, referred to by its input's `aria-describedby`.
    pub fn message(&self, lang: Lang, field: &str, id: &str) -> Markup {
        self.message_with(lang, field, id, &|_| String::new())
    }

    /// [`Posted::message`] for a field with parts: each part's problem after its `label`.
    pub fn message_with(&self, lang: Lang, field: &str, id: &str, label: &dyn Fn(&str) -> String) -> Markup {
        html! {
            @let mut all = self.problems_of(field).peekable();
            @if all.peek().is_some() {
                p.field-error id=(error_id(id)) {
                    span.visually-hidden { (t(lang, "form.error")) ": " }
                    @for (n, p) in all.enumerate() {
                        @if n > 0 { br; }
                        @if p.field != field { (label(&p.field)) ": " }
                        (problem_text(p))
                    }
                }
            }
        }
    }

    /// The summary at the top of the form: every problem, each linking to its field (`target`
    /// gives a field's input id, `label` its name as the form shows it; a problem of no field
    /// of the form is listed without a link).
    pub fn summary(&self, lang: Lang, target: &dyn Fn(&str) -> Option<String>, label: &dyn Fn(&str) -> String) -> Markup {
        html! {
            @if self.is_refused() {
                div.notice.error.error-summary role="alert" tabindex="-1" id={ "problems-" (self.form) } {
                    p { strong { (t(lang, "form.summary")) } }
                    ul {
                        @for p in &self.problems {
                            li {
                                // A field without a name on the form (a hidden version) is said alone.
                                @let name = if p.field.is_empty() { String::new() } else { label(&p.field) };
                                @match target(&p.field).filter(|_| !name.is_empty()) {
                                    Some(id) => { a href={ "#" (id) } { (name) } ": " }
                                    None => { @if !name.is_empty() { (name) ": " } }
                                }
                                (problem_text(p))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One labelled field of a form: its domain name, its input's id, its label and a hint read
/// out with it.
#[derive(Clone, Copy)]
pub struct Field<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, id: &'a str, label: &'a str) -> Field<'a> {
        Field { name, id, label, hint: None }
    }

    pub fn hint(self, hint: &'a str) -> Field<'a> {
        Field { hint: Some(hint), ..self }
    }
}

impl Posted {
    /// A field with its label, hint and message; `control` draws the input itself with the
    /// `aria-invalid` and `aria-describedby` it is given.
    pub fn field(&self, lang: Lang, f: Field, control: impl FnOnce(Option<&'static str>, Option<String>) -> Markup) -> Markup {
        let hint_id = format!("{}-hint", f.id);
        let hint = f.hint.map(|_| hint_id.as_str());
        html! {
            div.field {
                label for=(f.id) { (f.label) }
                @if let Some(h) = f.hint { span.hint id=(hint_id) { (h) } }
                (control(self.invalid(f.name), self.described_by(f.name, f.id, hint)))
                (self.message(lang, f.name, f.id))
            }
        }
    }

    /// [`Posted::summary`] for a form whose fields are `fields`: each problem links to its
    /// field's input and is named by its label; a problem of no listed field is listed alone.
    pub fn summary_of(&self, lang: Lang, fields: &[Field]) -> Markup {
        let find = |name: &str| fields.iter().find(|f| f.name == name);
        self.summary(lang, &|name| find(name).map(|f| f.id.to_string()), &|name| {
            find(name).map(|f| f.label.to_string()).unwrap_or_default()
        })
    }
}

fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// A problem's text, marked as English where it is the domain's own words.
pub fn problem_text(p: &Problem) -> Markup {
    html! { @if p.english { span lang="en" { (p.text) } } @else { (p.text) } }
}

/// A field problem in the reader's language: by its `code` where the rule names one (the
/// translation table's `problem.{code}`, with `{max}` for its number), else as the domain
/// worded it, in English.
pub fn problem(lang: Lang, f: &domain::FieldError) -> Problem {
    let field = f.field.clone();
    if let Some(text) = translated(lang, f) {
        return Problem { field, text, english: false };
    }
    // The rules the account pages translate (a password's weakness, a code's format).
    let (_, text) = super::field_problem(lang, f);
    Problem { field, english: text == f.message && lang == Lang::Da, text }
}

/// The translation of a coded problem, if the table has one.
fn translated(lang: Lang, f: &domain::FieldError) -> Option<String> {
    use domain::error::code as c;
    let max = f.limit.map(|n| crate::i18n::thousands(lang, n)).unwrap_or_default();
    let what = f.subject.as_deref().unwrap_or_default();
    let (max, what) = (&[("max", max.as_str())], &[("what", what)]);
    Some(match f.code? {
        c::REQUIRED => t(lang, "problem.required").to_string(),
        c::TOO_SHORT => tf(lang, "problem.too_short", max),
        c::TOO_LONG => tf(lang, "problem.too_long", max),
        c::TOO_MANY => tf(lang, "problem.too_many", max),
        c::CONTROL => t(lang, "problem.control_characters").to_string(),
        c::IN_FUTURE => t(lang, "problem.in_future").to_string(),
        c::ROW_INCOMPLETE => t(lang, "problem.row_incomplete").to_string(),
        c::PHONE => t(lang, "problem.phone_format").to_string(),
        c::EMAIL => t(lang, "problem.email_format").to_string(),
        c::DATETIME => t(lang, "problem.datetime_format").to_string(),
        c::UNKNOWN_ORG => tf(lang, "problem.unknown_organisation", what),
        c::AMBIGUOUS_ORG => tf(lang, "problem.ambiguous_organisation", what),
        c::CHOOSE_ONE => t(lang, "problem.choose_one").to_string(),
        c::CONFIRM => t(lang, "problem.confirmation").to_string(),
        c::UNKNOWN_USER => tf(lang, "problem.unknown_user", what),
        c::EMAIL_TAKEN => tf(lang, "problem.email_taken", what),
        c::NUMBER => t(lang, "problem.number").to_string(),
        c::STAFFING_BOUND => staffing_bound(lang, &f.field).to_string(),
        c::INTERVAL_START => tf(lang, "problem.interval_start", max),
        c::CSV_EMPTY => t(lang, "problem.csv_empty").to_string(),
        c::CSV_UNREADABLE => t(lang, "problem.csv_unreadable").to_string(),
        c::CSV_COLUMNS => tf(lang, "problem.csv_columns", what),
        c::CSV_ROWS => tf(lang, "problem.csv_rows", max),
        c::CALLS_COUNT => t(lang, "problem.calls_count").to_string(),
        c::TOTP_WRONG => t(lang, "account.totp_wrong").to_string(),
        c::NO_ENROLMENT => t(lang, "account.no_enrolment").to_string(),
        c::NO_SECOND_FACTOR => t(lang, "problem.no_second_factor").to_string(),
        c::RESOLVING_VERSION => t(lang, "problem.resolving_version").to_string(),
        c::FEEDBACK_HANDLED => t(lang, "problem.feedback_handled").to_string(),
        c::PHONE_OR_EMAIL => t(lang, "problem.phone_or_email").to_string(),
        c::INACTIVE_USER => tf(lang, "problem.inactive_user", what),
        c::WRONG_ROLE => tf(lang, "problem.wrong_role", what),
        c::SAME_PERSON => t(lang, "problem.same_person").to_string(),
        c::ENTRY_NUMBER => t(lang, "problem.entry_number").to_string(),
        c::SHIFT_LINE => t(lang, "problem.shift_line").to_string(),
        c::SHIFT_LENGTH => t(lang, "problem.shift_length").to_string(),
        c::SHIFT_ORDER => t(lang, "problem.shift_order").to_string(),
        c::SHIFT_AGENTS => tf(lang, "problem.shift_agents", max),
        c::SHIFT_YEARS => t(lang, "problem.shift_years").to_string(),
        c::SHARE => t(lang, "problem.share").to_string(),
        c::PLACEHOLDER => t(lang, "problem.placeholder").to_string(),
        c::QUESTION_NEEDED => t(lang, "problem.question_needed").to_string(),
        c::GUIDE_VERSION => t(lang, "problem.guide_version").to_string(),
        c::SITUATION_ROW => t(lang, "problem.situation_row").to_string(),
        c::NOT_COVERED_TEXT => t(lang, "problem.not_covered_text").to_string(),
        c::EXAMPLE_TEXT => t(lang, "problem.example_text").to_string(),
        c::EXAMPLE_KNOWN => t(lang, "problem.example_known").to_string(),
        c::EXAMPLES_FULL => tf(lang, "problem.examples_full", max),
        c::ROW_NOT_IN_DRAFT => t(lang, "problem.row_not_in_draft").to_string(),
        c::CPR_INQUIRY => t(lang, "problem.cpr_in_inquiry").to_string(),
        c::CPR_CALLBACK => t(lang, "problem.cpr_in_callback").to_string(),
        c::CHOOSE_MUNICIPALITY => t(lang, "problem.choose_municipality").to_string(),
        c::UNKNOWN_MUNICIPALITY => tf(lang, "problem.unknown_municipality", what),
        _ => return None,
    })
}

/// A staffing target's bounds as its form field takes it (a percentage, seconds).
fn staffing_bound(lang: Lang, field: &str) -> &'static str {
    match field {
        "target_service_level" => t(lang, "problem.staffing_bound.target_service_level"),
        "target_answer_s" => t(lang, "problem.staffing_bound.target_answer_s"),
        "max_occupancy" => t(lang, "problem.staffing_bound.max_occupancy"),
        "shrinkage" => t(lang, "problem.staffing_bound.shrinkage"),
        "aht_s" => t(lang, "problem.staffing_bound.aht_s"),
        "patience_s" => t(lang, "problem.staffing_bound.patience_s"),
        "max_abandon" => t(lang, "problem.staffing_bound.max_abandon"),
        _ => t(lang, "problem.staffing_bound"),
    }
}
