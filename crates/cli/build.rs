//! Embeds the demo's everyday guides (`demo/everyday/{code}/{file}`) in the binary, so
//! `kriseservice demo` works wherever the binary is.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/everyday");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(&root).expect("demo/everyday").map(|e| e.unwrap().path()).collect();
    folders.sort();
    for folder in folders.iter().filter(|p| p.is_dir()) {
        println!("cargo:rerun-if-changed={}", folder.display());
        let code = folder.file_name().unwrap().to_str().unwrap().to_string();
        let mut files: Vec<_> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_str().unwrap().to_string();
            entries.push(format!("({code:?}, {name:?}, include_str!({:?})),", f.display().to_string()));
        }
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("everyday.rs");
    std::fs::write(out, format!("&[\n{}\n]", entries.join("\n"))).unwrap();
}
