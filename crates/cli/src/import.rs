//! `kriseservice import guides DIR`: everyday guides from one folder per municipality code.
//! Every file is read and checked first; if any is wrong nothing is written, so a broken file
//! can never cost a municipality its existing guides. Re-importing the same folder writes nothing.

use anyhow::{Context, Result, bail};
use app::{ImportReport, Store};
use domain::everyday::{EverydayGuide, Format};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The files of one municipality's folder.
struct Folder {
    code: String,
    files: Vec<PathBuf>,
}

pub async fn guides(store: &Store, dir: &Path) -> Result<ImportReport> {
    let folders = scan(dir)?;
    let total: usize = folders.iter().map(|f| f.files.len()).sum();
    if total == 0 {
        bail!("{} holds no guides: expected folders named by municipality code (e.g. 0250/) with .md or .html files", dir.display());
    }
    let mut progress = Progress::new(total);
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for folder in &folders {
        let mut guides = Vec::new();
        for path in &folder.files {
            progress.step(&format!("læser {}", short(dir, path)));
            match read(&folder.code, path) {
                Ok(g) => guides.push(g),
                Err(e) => problems.push(format!("{}: {e}", short(dir, path))),
            }
        }
        let mut slugs: Vec<&str> = guides.iter().map(|g: &EverydayGuide| g.slug.as_str()).collect();
        slugs.sort_unstable();
        for pair in slugs.windows(2).filter(|w| w[0] == w[1]) {
            problems.push(format!("{}/: two files are both the guide '{}'; rename one of them", folder.code, pair[0]));
        }
        parsed.push((folder.code.clone(), guides));
    }
    progress.done();
    if !problems.is_empty() {
        bail!("nothing was imported; fix these files and run the import again:\n  {}", problems.join("\n  "));
    }
    let mut total_report = ImportReport::default();
    for (code, guides) in parsed {
        let r = app::console::import_everyday(store, &code, guides).await.with_context(|| format!("cannot import the guides of {code}"))?;
        eprintln!("{code}: {} new, {} changed, {} unchanged, {} removed", r.added, r.updated, r.unchanged, r.removed);
        total_report.added += r.added;
        total_report.updated += r.updated;
        total_report.unchanged += r.unchanged;
        total_report.removed += r.removed;
    }
    Ok(total_report)
}

fn scan(dir: &Path) -> Result<Vec<Folder>> {
    let mut folders = Vec::new();
    for entry in sorted(dir).with_context(|| format!("cannot read the folder {}", dir.display()))? {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.starts_with('.') {
            continue;
        }
        if !entry.is_dir() {
            bail!("{} is a file; guides go in folders named by municipality code, e.g. 0250/{name}", entry.display());
        }
        if name.len() != 4 || !name.chars().all(|c| c.is_ascii_digit()) {
            bail!("{} is not named by a municipality code: name each folder by the four-digit code, e.g. 0250", entry.display());
        }
        let files = sorted(&entry)?
            .into_iter()
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| !n.starts_with('.') && Format::of(n).is_some()))
            .collect();
        folders.push(Folder { code: name, files });
    }
    Ok(folders)
}

fn sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<std::io::Result<_>>()?;
    out.sort();
    Ok(out)
}

fn read(code: &str, path: &Path) -> Result<EverydayGuide> {
    let bytes = std::fs::read(path).context("cannot read the file")?;
    let text = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("the file is not UTF-8 text"))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    EverydayGuide::from_file(code, name, &text).map_err(|e| anyhow::anyhow!("{e}"))
}

fn short(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

/// A one-line progress bar on a terminal; a line per hundred files otherwise (logs, CI).
struct Progress {
    total: usize,
    done: usize,
    tty: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress { total, done: 0, tty: std::io::stderr().is_terminal() }
    }

    fn step(&mut self, what: &str) {
        self.done += 1;
        let mut err = std::io::stderr().lock();
        if self.tty {
            let filled = self.done * 30 / self.total;
            let _ = write!(err, "\r\x1b[2K[{}{}] {}/{} {what}", "#".repeat(filled), ".".repeat(30 - filled), self.done, self.total);
        } else if self.done.is_multiple_of(100) || self.done == self.total {
            let _ = writeln!(err, "read {}/{} files", self.done, self.total);
        }
    }

    fn done(&self) {
        if self.tty {
            eprintln!();
        }
    }
}
