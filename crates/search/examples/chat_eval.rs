//! Chatbot quality on bench/chat-eval: `cargo run --release -p search --example chat_eval --
//! bench/chat-eval [--with-action] [--without-questions] [--questions FILE] [--sweep]`. Exits non-zero when a goal is missed.

#[path = "../tests/common/eval.rs"]
mod eval;

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "bench/chat-eval".into()));
    let rest: Vec<String> = args.collect();
    let questions =
        rest.iter().position(|a| a == "--questions").and_then(|i| rest.get(i + 1)).cloned().unwrap_or_else(|| "questions.jsonl".into());
    let flag = |f: &str| rest.iter().any(|a| a == f);
    let opts = eval::Options { with_action: flag("--with-action"), questions, without_questions: flag("--without-questions") };
    match eval::evaluate(&dir, opts) {
        Ok(report) => {
            print!("{}", report.render());
            if rest.iter().any(|a| a == "--sweep") {
                print!("\n{}", report.sweep());
            }
            if !report.passes() {
                eprintln!("chat-eval: below goal (top-1 ≥ 90%, handover ≥ 95%)");
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("chat-eval: {e}");
            std::process::exit(2);
        }
    }
}
