//! The layers of ARCHITECTURE.md, as the manifests state them: `web` and `cli` reach the store
//! only through `app`'s use cases.

fn dependencies(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap_or_else(|e| panic!("{manifest}: {e}"));
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]");
        } else if in_deps && let Some((name, _)) = line.split_once('=') {
            // `app.workspace = true` and `app = { … }` both name `app`.
            out.push(name.trim().split('.').next().unwrap_or_default().to_string());
        }
    }
    out
}

#[test]
fn web_and_cli_do_not_depend_on_the_store() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for krate in ["web", "cli"] {
        let deps = dependencies(&format!("{root}/{krate}/Cargo.toml"));
        assert!(deps.iter().any(|d| d == "app"), "{krate} depends on app: {deps:?}");
        assert!(!deps.iter().any(|d| d == "store"), "{krate} must reach the store through app: {deps:?}");
    }
}
