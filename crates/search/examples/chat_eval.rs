//! Chatbot quality on bench/chat-eval: `cargo run --release -p search --example chat_eval --
//! bench/chat-eval [--with-action] [--without-questions] [--questions FILE] [--sweep] [--resources none|thesaurus|hunspell|all]`. Exits
//! non-zero when a goal is missed. The report is for the engine with every Danish resource this
//! machine has; a table compares it, in the same run, with each resource left out.

#[path = "../tests/common/eval.rs"]
mod eval;

use search::resources::{Paths, Resources};
use search::thesaurus::{SYSTEM_PATH, Thesaurus};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "bench/chat-eval".into()));
    let rest: Vec<String> = args.collect();
    let questions =
        rest.iter().position(|a| a == "--questions").and_then(|i| rest.get(i + 1)).cloned().unwrap_or_else(|| "questions.jsonl".into());
    let flag = |f: &str| rest.iter().any(|a| a == f);
    let (all, notes) = Resources::load(&Paths::default());
    for n in &notes {
        eprintln!("chat-eval: {n}");
    }
    let base = eval::Options {
        with_action: flag("--with-action"),
        questions,
        without_questions: flag("--without-questions"),
        ..Default::default()
    };
    let mut variants: Vec<(&str, Arc<Resources>)> = vec![("none", Resources::none())];
    if let Ok(t) = Thesaurus::load(Path::new(SYSTEM_PATH)) {
        variants.push(("thesaurus", Arc::new(Resources::with_thesaurus(&t))));
    }
    if let Ok(h) = search::hunspell::Hunspell::load(Path::new(search::hunspell::SYSTEM_AFF), Path::new(search::hunspell::SYSTEM_DIC)) {
        variants.push(("hunspell", Arc::new(Resources::with_hunspell(h))));
    }
    variants.push(("all", Arc::new(all)));
    // `--resources NAME`: the variant the full report is for (all by default).
    let main = rest.iter().position(|a| a == "--resources").and_then(|i| rest.get(i + 1)).map_or("all", String::as_str);
    let Some((_, chosen)) = variants.iter().find(|(n, _)| *n == main) else {
        eprintln!("chat-eval: --resources is one of {:?}", variants.iter().map(|v| v.0).collect::<Vec<_>>());
        std::process::exit(2);
    };
    let run = |resources: Arc<Resources>| eval::evaluate(&dir, eval::Options { resources, ..base.clone() });
    match run(chosen.clone()) {
        Ok(report) => {
            print!("{}", report.render());
            println!("\n  resources        top-1  handover  wrong  µs/question");
            for (name, r) in variants {
                match run(r) {
                    Ok(v) => println!("  {name:<14} {}", v.summary_line()),
                    Err(e) => eprintln!("chat-eval: {name}: {e}"),
                }
            }
            if flag("--sweep") {
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
