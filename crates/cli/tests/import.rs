//! `kriseservice import guides DIR` as a process: progress and report, idempotent re-import,
//! and a broken file that stops the whole import before anything is written.

mod common;

use common::bin;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn import(data: &Path, guides: &Path) -> (bool, String, String) {
    let out = bin().args(["import", "guides", "--data-dir"]).arg(data).arg(guides).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn guides_are_imported_once_and_a_broken_file_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, guides) = (tmp.path().join("data"), tmp.path().join("guides"));
    write(&guides, "0250/pas.md", "# Pas\n\nBestil tid til pas på borger.dk.\n");
    write(&guides, "0250/affald.html", "<html><head><title>Affald</title></head><body><p>Tømning hver anden mandag.</p></body></html>");
    write(&guides, "0101/flytning.md", "# Flytning\n\nMeld flytning senest 5 dage efter.\n");
    write(&guides, "0101/billede.png", "not a guide");

    let (ok, out, err) = import(&data, &guides);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "imported: 3 new, 0 changed, 0 unchanged, 0 removed");
    assert!(err.contains("read 3/3 files"), "progress is shown: {err}");

    let (ok, out, _) = import(&data, &guides);
    assert!(ok);
    assert_eq!(out.trim(), "imported: 0 new, 0 changed, 3 unchanged, 0 removed", "a re-import writes nothing");

    // A broken file stops everything, even the good change beside it.
    write(&guides, "0250/pas.md", "# Pas\n\nNy tekst.\n");
    write(&guides, "0250/tom.md", "# \n");
    let (ok, _, err) = import(&data, &guides);
    assert!(!ok);
    assert!(err.contains("nothing was imported") && err.contains("0250/tom.md") && err.contains("title"), "{err}");

    std::fs::remove_file(guides.join("0250/tom.md")).unwrap();
    std::fs::remove_file(guides.join("0250/affald.html")).unwrap();
    let (ok, out, _) = import(&data, &guides);
    assert!(ok);
    assert_eq!(out.trim(), "imported: 0 new, 1 changed, 1 unchanged, 1 removed");

    write(&guides, "0250/Pas.html", "<title>Pas</title><p>Dobbelt.</p>");
    let (ok, _, err) = import(&data, &guides);
    assert!(!ok && err.contains("two files are both the guide 'pas'"), "{err}");
    std::fs::remove_file(guides.join("0250/Pas.html")).unwrap();

    write(&guides, "Kommune/x.md", "# X\n\ny");
    let (ok, _, err) = import(&data, &guides);
    assert!(!ok && err.contains("municipality code"), "{err}");
}
