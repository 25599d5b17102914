//! The chatbot quality evaluation over bench/chat-eval, shared by `examples/chat_eval.rs`
//! and `tests/chat_eval.rs`: every scenario is loaded as a live crisis at once, every
//! question is asked with its caller's municipality, and the replies are scored.

use search::answer::{Answers, Candidate, Reply, Section};
use search::resources::Resources;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

pub const GOAL_TOP1: f64 = 0.90;
pub const GOAL_HANDOVER: f64 = 0.95;

/// How the candidates' match text is built.
#[derive(Debug, Clone)]
pub struct Options {
    /// Also match against the agent-only `action` column (never returned).
    pub with_action: bool,
    /// The question file in the harness folder: `questions.jsonl` (tuned on) or `holdout.jsonl`
    /// (never tuned on: the honest figure).
    pub questions: String,
    /// Leave out the guides' example questions ("how citizens ask"), to measure what they add.
    pub without_questions: bool,
    /// The lexical resources the engine expands questions with (none by default).
    pub resources: Arc<Resources>,
}

impl Default for Options {
    fn default() -> Self {
        Options { with_action: false, questions: "questions.jsonl".into(), without_questions: false, resources: Resources::none() }
    }
}

pub struct Question {
    pub q: String,
    pub municipality: Option<String>,
    pub scenario: Option<String>,
    pub expect: String,
    pub situation: Option<String>,
    /// For `everyday`: the slug of the caller's municipality's everyday guide that answers it.
    pub guide: Option<String>,
}

#[derive(Default, Clone, Copy)]
pub struct Tally {
    pub answerable: usize,
    pub right: usize,
    pub handover: usize,
    pub handed_over: usize,
    pub social: usize,
    pub social_right: usize,
    pub wrong_answers: usize,
    pub total: usize,
    /// Of the questions not answered: those passed on to the authority as about the crisis,
    /// and those told that the chat answers about the crisis only; per expected kind.
    pub passed_on_answerable: usize,
    pub off_topic_answerable: usize,
    pub passed_on_handover: usize,
    pub off_topic_handover: usize,
    /// `everyday` questions, and those linked to the right guide.
    pub everyday: usize,
    pub everyday_right: usize,
    /// `handover` questions answered with a link to an everyday guide (not a crisis text:
    /// counted as handed over, and listed, so a reader can judge the link).
    pub handover_linked: usize,
}

pub struct Report {
    pub all: Tally,
    pub by_scenario: BTreeMap<String, Tally>,
    pub misses: Vec<String>,
    pub candidates: usize,
    pub micros_per_question: f64,
    /// (expect, best candidate right?, confidence) of every question, whatever the threshold.
    pub calibration: Vec<(String, bool, f32)>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

impl Tally {
    pub fn top1(&self) -> f64 {
        ratio(self.right, self.answerable)
    }
    pub fn handover_rate(&self) -> f64 {
        ratio(self.handed_over, self.handover)
    }
    pub fn wrong_rate(&self) -> f64 {
        ratio(self.wrong_answers, self.total).min(if self.total == 0 { 0.0 } else { 1.0 })
    }
    pub fn everyday_rate(&self) -> f64 {
        ratio(self.everyday_right, self.everyday)
    }
    pub fn social_rate(&self) -> f64 {
        ratio(self.social_right, self.social)
    }
}

impl Report {
    pub fn passes(&self) -> bool {
        self.all.top1() >= GOAL_TOP1 && self.all.handover_rate() >= GOAL_HANDOVER
    }

    /// Top-1 and handover at other thresholds: how the goals trade off.
    pub fn sweep(&self) -> String {
        let mut out = String::from("  threshold  top-1  handover  wrong(answerable)  rank-right\n");
        let answerable = |e: &str| matches!(e, "situation" | "summary" | "contacts");
        let n_ans = self.calibration.iter().filter(|c| answerable(&c.0)).count();
        let n_hand = self.calibration.iter().filter(|c| c.0 == "handover").count();
        let ranked = self.calibration.iter().filter(|c| answerable(&c.0) && c.1).count();
        for t in (20..=80).step_by(5).map(|t| t as f32 / 100.0) {
            let right = self.calibration.iter().filter(|c| answerable(&c.0) && c.1 && c.2 >= t).count();
            let wrong = self.calibration.iter().filter(|c| answerable(&c.0) && !c.1 && c.2 >= t).count();
            let hand = self.calibration.iter().filter(|c| c.0 == "handover" && c.2 < t).count();
            let _ = writeln!(
                out,
                "  {t:9.2} {:5.1}% {:7.1}% {wrong:10} {:>16.1}%",
                100.0 * ratio(right, n_ans),
                100.0 * ratio(hand, n_hand),
                100.0 * ratio(ranked, n_ans)
            );
        }
        out
    }

    /// Top-1, handover, wrong answers and time on one line, to compare variants.
    pub fn summary_line(&self) -> String {
        let a = &self.all;
        format!(
            "{:5.1}%  {:7.1}%  {:4.1}%  {:6.0}",
            100.0 * a.top1(),
            100.0 * a.handover_rate(),
            100.0 * a.wrong_rate(),
            self.micros_per_question
        )
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let a = &self.all;
        let pct = |x: f64| format!("{:5.1}%", 100.0 * x);
        let _ = writeln!(
            out,
            "chat-eval: {} questions, {} candidates, {:.0} µs per answer",
            a.total, self.candidates, self.micros_per_question
        );
        let _ = writeln!(out, "  top-1 accuracy      {} ({}/{})   goal ≥ {}", pct(a.top1()), a.right, a.answerable, pct(GOAL_TOP1));
        let _ = writeln!(
            out,
            "  correct handover    {} ({}/{})   goal ≥ {}",
            pct(a.handover_rate()),
            a.handed_over,
            a.handover,
            pct(GOAL_HANDOVER)
        );
        let answered = a.right + a.wrong_answers;
        let _ = writeln!(
            out,
            "  wrong answers       {} ({}/{} of all questions; {:.1}% of the {answered} answers given)",
            pct(a.wrong_rate()),
            a.wrong_answers,
            a.total,
            100.0 * ratio(a.wrong_answers, answered)
        );
        let _ = writeln!(out, "  greeting/thanks/bot {} ({}/{})", pct(a.social_rate()), a.social_right, a.social);
        let _ = writeln!(
            out,
            "  everyday guides     {} ({}/{} linked to the right guide); {} handover questions got an everyday link",
            pct(a.everyday_rate()),
            a.everyday_right,
            a.everyday,
            a.handover_linked
        );
        let _ = writeln!(
            out,
            "  not answered        handover questions: {} passed on, {} off topic; answerable questions: {} passed on, {} off topic",
            a.passed_on_handover, a.off_topic_handover, a.passed_on_answerable, a.off_topic_answerable
        );
        let _ = writeln!(out, "\n  {:<16} {:>4} {:>8} {:>9} {:>6}", "scenario", "n", "top-1", "handover", "wrong");
        for (name, t) in &self.by_scenario {
            let top1 = if t.answerable == 0 { "–".into() } else { pct(t.top1()) };
            let handover = if t.handover == 0 { "–".into() } else { pct(t.handover_rate()) };
            let _ = writeln!(out, "  {:<16} {:>4} {:>8} {:>9} {:>6}", name, t.total, top1, handover, t.wrong_answers);
        }
        if !self.misses.is_empty() {
            let _ = writeln!(out, "\n  misses ({}):", self.misses.len());
            for m in &self.misses {
                let _ = writeln!(out, "  - {m}");
            }
        }
        out
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// The candidates of one scenario file, as the web layer builds them from a published guide.
pub fn candidates(scenario: &Value, opts: &Options) -> Vec<Candidate> {
    let name = text(scenario, "name");
    let municipalities: Vec<String> =
        scenario.get("affected").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect();
    let guide = &scenario["guide"];
    let base = |section, situation, match_text: String, answer: String| Candidate {
        incident: name.clone(),
        version: 1,
        section,
        situation,
        municipalities: municipalities.clone(),
        incident_title: text(scenario, "title"),
        match_text,
        answer,
        example: false,
    };
    let summary = text(guide, "citizen_summary");
    let mut out = vec![base(Section::CitizenSummary, None, summary.clone(), summary)];
    for (i, s) in guide.get("situations").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let citizen = text(s, "citizen_text");
        if citizen.trim().is_empty() {
            continue;
        }
        let action = if opts.with_action { text(s, "action") } else { String::new() };
        let row = base(Section::Situation, Some(i), format!("{}\n{citizen}\n{action}", text(s, "situation")), citizen);
        if !opts.without_questions {
            let questions = s.get("citizen_questions").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
            out.extend(questions.map(|q| row.asked_as(q)));
        }
        out.push(row);
    }
    let contacts: Vec<String> = guide
        .get("contacts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let note = text(c, "note");
            let note = if note.is_empty() { String::new() } else { format!(" ({note})") };
            format!("{}: {}{note}", text(c, "name"), text(c, "phone"))
        })
        .collect();
    if !contacts.is_empty() {
        out.push(base(Section::Contacts, None, contacts.join("\n"), contacts.join("\n")));
    }
    out
}

/// The everyday guides in `dir/<municipality>/<file>` as the import reads them, if the folder
/// exists.
pub fn everyday(dir: &Path) -> Result<Vec<Candidate>, String> {
    let Ok(codes) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    let mut codes: Vec<_> = codes.filter_map(Result::ok).map(|e| e.path()).collect();
    codes.sort();
    for code_dir in codes {
        let code = code_dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let mut files: Vec<_> = std::fs::read_dir(&code_dir)
            .map_err(|e| format!("{}: {e}", code_dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let raw = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            let g = domain::everyday::EverydayGuide::from_file(&code, name, &raw).map_err(|e| format!("{}: {e}", f.display()))?;
            out.push(Candidate::everyday(&g.municipality, &g.slug, &g.title, &g.body));
        }
    }
    Ok(out)
}

/// The scenarios' candidates and the questions of an eval directory.
pub struct Loaded {
    pub candidates: Vec<Candidate>,
    pub questions: Vec<Question>,
}

pub fn load(dir: &Path, opts: Options) -> Result<Loaded, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("scenarios"))
        .map_err(|e| format!("{}: {e}", dir.join("scenarios").display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut scenarios = Vec::new();
    for f in files {
        let raw = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        scenarios.push(serde_json::from_str::<Value>(&raw).map_err(|e| format!("{}: {e}", f.display()))?);
    }
    let mut cands: Vec<Candidate> = scenarios.iter().flat_map(|s| candidates(s, &opts)).collect();
    cands.extend(everyday(&dir.join("everyday"))?);
    let file = &opts.questions;
    let raw = std::fs::read_to_string(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let mut questions = Vec::new();
    for (n, line) in raw.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("{file}:{}: {e}", n + 1))?;
        let opt = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
        questions.push(Question {
            q: text(&v, "q"),
            municipality: opt("municipality"),
            scenario: opt("scenario"),
            expect: text(&v, "expect"),
            situation: opt("situation"),
            guide: opt("guide"),
        });
    }
    Ok(Loaded { candidates: cands, questions })
}

/// The situation a candidate answers, also when it is one of the row's example questions: the
/// row's own candidate is the one with several lines (situation, citizen text, ...).
fn situation_name<'a>(answers: &'a Answers, c: &Candidate) -> &'a str {
    (0..answers.len())
        .map(|i| answers.candidate(i))
        .find(|r| r.incident == c.incident && r.section == c.section && r.situation == c.situation && r.match_text.contains('\n'))
        .and_then(|r| r.match_text.lines().next())
        .unwrap_or_default()
}

/// What a reply was, for the misses list.
fn describe(answers: &Answers, reply: &Reply) -> String {
    match reply {
        Reply::Answer { candidate, confidence } => {
            let c = answers.candidate(*candidate);
            let what = match c.section {
                Section::Situation => format!("situation \"{}\"", situation_name(answers, c)),
                Section::CitizenSummary => "summary".into(),
                Section::Contacts => "contacts".into(),
                Section::Everyday => "everyday guide".into(),
            };
            format!("{} {what} ({confidence:.2})", c.incident)
        }
        Reply::Everyday { candidate, confidence } => format!("everyday guide {} ({confidence:.2})", answers.candidate(*candidate).incident),
        Reply::NotCovered { confidence, about_crisis: true } => format!("not covered, passed on ({confidence:.2})"),
        Reply::NotCovered { confidence, about_crisis: false } => format!("not covered, off topic ({confidence:.2})"),
        other => format!("{other:?}"),
    }
}

/// Whether `reply` is what `q` expects: `Some(true/false)` for an answer, `None` otherwise.
pub fn is_right(answers: &Answers, q: &Question, reply: &Reply) -> bool {
    if let Reply::Everyday { candidate, .. } = reply {
        let c = answers.candidate(*candidate);
        return match q.expect.as_str() {
            "everyday" => {
                Some(c.incident.as_str()) == q.municipality.as_deref().zip(q.guide.as_deref()).map(|(m, g)| format!("{m}/{g}")).as_deref()
            }
            "handover" => true,
            _ => false,
        };
    }
    let Reply::Answer { candidate, .. } = reply else {
        return match q.expect.as_str() {
            "handover" => matches!(reply, Reply::Person | Reply::NotCovered { .. }),
            "greeting" => *reply == Reply::Greeting,
            "thanks" => *reply == Reply::Thanks,
            "robot" => *reply == Reply::Robot,
            _ => false,
        };
    };
    let c = answers.candidate(*candidate);
    if q.scenario.as_deref() != Some(c.incident.as_str()) {
        return false;
    }
    match q.expect.as_str() {
        "summary" => c.section == Section::CitizenSummary,
        "contacts" => c.section == Section::Contacts,
        "situation" => c.section == Section::Situation && Some(situation_name(answers, c)) == q.situation.as_deref(),
        _ => false,
    }
}

pub fn evaluate(dir: &Path, opts: Options) -> Result<Report, String> {
    let resources = opts.resources.clone();
    let Loaded { candidates: cands, questions } = load(dir, opts)?;
    let n_cands = cands.len();
    let answers = Answers::with_resources(cands, resources);
    let mut all = Tally::default();
    let mut by_scenario: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut calibration = Vec::new();
    for q in &questions {
        let reply = answers.respond(&q.q, q.municipality.as_deref());
        let (best_right, conf) = match answers.best_match(&q.q, q.municipality.as_deref()) {
            Some((c, conf)) => (is_right(&answers, q, &Reply::Answer { candidate: c, confidence: conf }), conf),
            None => (false, 0.0),
        };
        calibration.push((q.expect.clone(), best_right, conf));
        let right = is_right(&answers, q, &reply);
        let scen = by_scenario.entry(q.scenario.clone().unwrap_or_else(|| "(none)".into())).or_default();
        for t in [&mut all, scen] {
            t.total += 1;
            match q.expect.as_str() {
                "situation" | "summary" | "contacts" => {
                    t.answerable += 1;
                    t.right += usize::from(right);
                }
                "handover" => {
                    t.handover += 1;
                    t.handed_over += usize::from(right);
                    t.handover_linked += usize::from(matches!(reply, Reply::Everyday { .. }));
                }
                "everyday" => {
                    t.everyday += 1;
                    t.everyday_right += usize::from(right);
                }
                _ => {
                    t.social += 1;
                    t.social_right += usize::from(right);
                }
            }
            t.wrong_answers += usize::from(matches!(reply, Reply::Answer { .. } | Reply::Everyday { .. }) && !right);
            if let Reply::NotCovered { about_crisis, .. } = reply
                && q.expect != "everyday"
            {
                let handover = q.expect == "handover";
                match (handover, about_crisis) {
                    (true, true) => t.passed_on_handover += 1,
                    (true, false) => t.off_topic_handover += 1,
                    (false, true) => t.passed_on_answerable += 1,
                    (false, false) => t.off_topic_answerable += 1,
                }
            }
        }
        if !right || matches!(reply, Reply::Everyday { .. }) && q.expect == "handover" {
            let muni = q.municipality.as_deref().unwrap_or("----");
            let want = match (&q.expect[..], &q.situation) {
                ("situation", Some(s)) => format!("{} situation \"{s}\"", q.scenario.as_deref().unwrap_or("?")),
                (e, _) => format!("{} {e}", q.scenario.as_deref().unwrap_or("")),
            };
            misses.push(format!("[{muni}] {:?}\n      want: {want}\n      got:  {}", q.q, describe(&answers, &reply)));
        }
    }
    // The time of an answer alone (`respond`, as the chat calls it): the fastest of a few passes
    // over every question, so that a busy machine's interruptions count as little as they can.
    let mut micros_per_question = f64::INFINITY;
    for _ in 0..5 {
        let pass = std::time::Instant::now();
        for q in &questions {
            std::hint::black_box(answers.respond(&q.q, q.municipality.as_deref()));
        }
        micros_per_question = micros_per_question.min(pass.elapsed().as_secs_f64() * 1e6 / questions.len().max(1) as f64);
    }
    Ok(Report { all, by_scenario, misses, candidates: n_cands, micros_per_question, calibration })
}
