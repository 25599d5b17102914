// `sqlx::migrate!` embeds the migration files at compile time; a new file in `migrations/`
// changes no Rust source, so tell Cargo to rebuild when the folder changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
