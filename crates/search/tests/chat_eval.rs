//! The chatbot quality evaluation (bench/chat-eval) as a test: a regression fails CI.

#[path = "common/eval.rs"]
#[allow(dead_code)]
mod eval;

use std::path::PathBuf;

/// What the engine reaches today (see bench/chat-eval/README.md); a change that drops below
/// fails. Raise these when the engine improves.
const FLOOR_TOP1: f64 = 0.81;
const FLOOR_HANDOVER: f64 = 0.95;
const CEILING_WRONG: f64 = 0.025;
/// The same for the held-out questions (never tuned on; guarded, not tuned).
const HOLDOUT_FLOOR_TOP1: f64 = 0.67;
const HOLDOUT_CEILING_WRONG: f64 = 0.075;

fn report(questions: &str) -> eval::Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/chat-eval");
    let opts = eval::Options { questions: questions.into(), ..eval::Options::default() };
    eval::evaluate(&dir, opts).unwrap_or_else(|e| panic!("chat-eval: {e}"))
}

#[test]
fn chat_eval_does_not_regress() {
    let r = report("questions.jsonl");
    println!("{}", r.render());
    assert!(r.all.top1() >= FLOOR_TOP1, "top-1 {:.3} < {FLOOR_TOP1}", r.all.top1());
    assert!(r.all.handover_rate() >= FLOOR_HANDOVER, "handover {:.3} < {FLOOR_HANDOVER}", r.all.handover_rate());
    assert!(r.all.wrong_rate() <= CEILING_WRONG, "wrong answers {:.3} > {CEILING_WRONG}", r.all.wrong_rate());
    assert_eq!(r.all.social_rate(), 1.0, "greetings, thanks and robot questions");
    // Of the questions not answered: crisis questions are passed on, most others are not.
    assert_eq!(r.all.off_topic_answerable, 0, "a crisis question told it is off topic");
    assert!(r.all.off_topic_handover >= 20, "off-topic questions recognised: {}", r.all.off_topic_handover);
}

#[test]
fn the_held_out_questions_do_not_regress() {
    let r = report("holdout.jsonl");
    assert!(r.all.top1() >= HOLDOUT_FLOOR_TOP1, "top-1 {:.3} < {HOLDOUT_FLOOR_TOP1}", r.all.top1());
    assert!(r.all.wrong_rate() <= HOLDOUT_CEILING_WRONG, "wrong answers {:.3} > {HOLDOUT_CEILING_WRONG}", r.all.wrong_rate());
    assert!(r.all.off_topic_answerable <= 3, "crisis questions told they are off topic: {}", r.all.off_topic_answerable);
}
