//! How the answer engine matched one message: `cargo run -p search --example chat_explain --
//! bench/chat-eval MUNICIPALITY|- "message"`. For tuning.

#[path = "../tests/common/eval.rs"]
#[allow(dead_code)]
mod eval;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, muni, messages @ ..] = args.as_slice() else {
        eprintln!("usage: chat_explain DIR MUNICIPALITY|- MESSAGE...");
        std::process::exit(2);
    };
    let loaded = eval::load(std::path::Path::new(dir), eval::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let answers = search::Answers::new(loaded.candidates);
    let muni = (muni != "-").then_some(muni.as_str());
    if muni == Some("DUMP") {
        // Every question with the parts of its confidence, tab-separated, for tuning.
        for q in &loaded.questions {
            let d = answers.diagnose(&q.q, q.municipality.as_deref());
            let right =
                d.is_some_and(|(c, conf, _)| eval::is_right(&answers, q, &search::Reply::Answer { candidate: c, confidence: conf }));
            let (conf, p) = d.map_or((0.0, [0.0; search::answer::PARTS]), |(_, c, p)| (c, p));
            let p: Vec<String> = p.iter().map(|x| format!("{x:.3}")).collect();
            println!("{}\t{}\t{conf:.3}\t{}\t{}", q.expect, right, p.join("\t"), q.q);
        }
        return;
    }
    for m in messages {
        println!("{m:?} → {:?}\n{}", answers.respond(m, muni), answers.explain(m, muni));
    }
}
