//! Settings: built-in defaults < the settings file < `KRISESERVICE_*` environment < flags.
//!
//! clap reads the flags and the environment (and knows the defaults); the settings file, TOML
//! with one key per flag, fills in each setting that neither the command line nor the
//! environment gave, as `ArgMatches::value_source` tells.

use crate::{Cli, Command, ImportCommand, Storage, TokenCommand, UserCommand};
use anyhow::{Context, Result, bail};
use clap::{ArgMatches, FromArgMatches, parser::ValueSource};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// The settings file: every flag's key, its name with `_` for `-`. Unknown keys are refused.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<SocketAddr>,
    pub secure_cookies: Option<bool>,
    pub crisis_line: Option<String>,
    pub public_url: Option<String>,
    pub chat_rate_limit: Option<u32>,
    /// `["10.0.0.5", "2001:db8::1"]`, or one comma-separated string as in the environment.
    #[serde(default, deserialize_with = "ip_addresses")]
    pub trusted_proxies: Option<Vec<IpAddr>>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub retention_days: Option<i64>,
}

/// Reads and parses the settings file; errors name the file, and the key and line.
pub fn load(path: &Path) -> Result<File> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the settings file {}", path.display()))?;
    parse(&text).map_err(|e| anyhow::anyhow!("in the settings file {}: {e}", path.display()))
}

pub fn parse(text: &str) -> Result<File, String> {
    toml::from_str(text).map_err(|e| {
        let e = e.to_string();
        // Not TOML at all (rather than a wrong key or value): most likely an older file of
        // unquoted `key = value` lines.
        if text.parse::<toml::Table>().is_err() {
            format!("{}\nsettings are TOML: quote text values, e.g. listen = \"0.0.0.0:8080\"", e.trim_end())
        } else {
            e.trim_end().to_string()
        }
    })
}

fn ip_addresses<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<IpAddr>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        One(String),
        Many(Vec<String>),
    }
    let list = List::deserialize(d)
        .map_err(|_| serde::de::Error::custom("trusted_proxies: expected a list of IP addresses, e.g. [\"10.0.0.5\", \"2001:db8::1\"]"))?;
    let items = match list {
        List::One(s) => s.split(',').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
        List::Many(v) => v,
    };
    items
        .iter()
        .map(|a| a.trim().parse().map_err(|_| serde::de::Error::custom(format!("trusted_proxies: '{a}' is not an IP address"))))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// The command line as clap parsed it, with the settings file (`--config` or
/// `KRISESERVICE_CONFIG`) filling in what neither the flags nor the environment set.
pub fn resolve(matches: &ArgMatches) -> Result<Cli> {
    let mut cli = Cli::from_arg_matches(matches)?;
    let file = match &cli.config {
        Some(path) => load(path)?,
        None => File::default(),
    };
    let m = leaf(matches);
    match &mut cli.command {
        Command::Serve { storage, listen, secure_cookies, crisis_line, public_url, chat_rate_limit, trusted_proxies, jobs } => {
            fill_storage(m, storage, file.data_dir, file.database_url)?;
            fill(m, "listen", listen, file.listen);
            fill(m, "secure_cookies", secure_cookies, file.secure_cookies);
            fill(m, "crisis_line", crisis_line, file.crisis_line.map(Some));
            fill(m, "public_url", public_url, file.public_url.map(Some));
            fill(m, "chat_rate_limit", chat_rate_limit, file.chat_rate_limit);
            fill(m, "trusted_proxies", trusted_proxies, file.trusted_proxies);
            fill(m, "smtp_url", &mut jobs.smtp_url, file.smtp_url.map(Some));
            fill(m, "mail_from", &mut jobs.mail_from, file.mail_from);
            fill(m, "retention_days", &mut jobs.retention_days, file.retention_days);
        }
        Command::Demo { data_dir, listen } => {
            fill(m, "data_dir", data_dir, file.data_dir.map(Some));
            require_data_dir(data_dir)?;
            fill(m, "listen", listen, file.listen);
        }
        Command::Migrate { storage }
        | Command::VerifyLog { storage, .. }
        | Command::User { command: UserCommand::Add { storage, .. } | UserCommand::RemoveTotp { storage, .. } }
        | Command::Token {
            command: TokenCommand::Create { storage, .. } | TokenCommand::Revoke { storage, .. } | TokenCommand::List { storage },
        }
        | Command::Import { command: ImportCommand::Guides { storage, .. } } => fill_storage(m, storage, file.data_dir, file.database_url)?,
    }
    Ok(cli)
}

/// The matches of the subcommand that runs (`user add`: those of `add`).
fn leaf(m: &ArgMatches) -> &ArgMatches {
    match m.subcommand() {
        Some((_, sub)) => leaf(sub),
        None => m,
    }
}

/// The file's value, unless the flag or the environment gave one.
fn fill<T>(m: &ArgMatches, id: &str, slot: &mut T, from_file: Option<T>) {
    let given = matches!(m.value_source(id), Some(ValueSource::CommandLine | ValueSource::EnvVariable));
    if let (false, Some(value)) = (given, from_file) {
        *slot = value;
    }
}

fn fill_storage(m: &ArgMatches, storage: &mut Storage, data_dir: Option<PathBuf>, database_url: Option<String>) -> Result<()> {
    fill(m, "data_dir", &mut storage.data_dir, data_dir.map(Some));
    fill(m, "database_url", &mut storage.database_url, database_url.map(Some));
    require_data_dir(&storage.data_dir)
}

fn require_data_dir(dir: &Option<PathBuf>) -> Result<()> {
    if dir.is_none() {
        bail!("no data directory: give --data-dir, KRISESERVICE_DATA_DIR or data_dir in the settings file");
    }
    Ok(())
}

/// Hides the password in a URL (database, SMTP) for logs and start-up output.
pub fn mask(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn cli(args: &[&str]) -> Result<Cli> {
        let matches = Cli::command().try_get_matches_from(std::iter::once("kriseservice").chain(args.iter().copied()))?;
        resolve(&matches)
    }

    fn file_with(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn settings_file_lines() {
        let parsed = parse("# Kriseservice\n  listen   =  \"0.0.0.0:8080\"  # all interfaces\n\ndata_dir='/var/lib/ks'  # data\n").unwrap();
        assert_eq!(
            parsed,
            File { listen: Some("0.0.0.0:8080".parse().unwrap()), data_dir: Some("/var/lib/ks".into()), ..Default::default() }
        );
        let e = parse("colour = \"red\"").unwrap_err();
        assert!(e.contains("unknown field `colour`") && e.contains("line 1"), "{e}");
        assert!(parse("listen").is_err());
    }

    #[test]
    fn an_unquoted_value_says_settings_are_toml() {
        let e = parse("data_dir=/var/lib/ks  # data\n").unwrap_err();
        assert!(e.contains("settings are TOML: quote text values, e.g. listen = \"0.0.0.0:8080\""), "{e}");
        // A wrong type is no syntax error: toml names the key and its line, without the hint.
        let e = parse("\nchat_rate_limit = \"many\"\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("chat_rate_limit") && !e.contains("settings are TOML"), "{e}");
    }

    #[test]
    fn a_hash_inside_a_quoted_password_is_part_of_it() {
        // The old line parser cut every line at its first `#`, leaving "smtp://u:pa".
        let parsed = parse("smtp_url = \"smtp://u:pa#ss@host:587\" # the relay\n").unwrap();
        assert_eq!(parsed.smtp_url.as_deref(), Some("smtp://u:pa#ss@host:587"));
        assert_eq!(mask(parsed.smtp_url.as_deref().unwrap()), "smtp://u:***@host:587");
    }

    #[test]
    fn trusted_proxies_are_a_list_of_addresses() {
        let want: Vec<IpAddr> = vec!["10.0.0.5".parse().unwrap(), "2001:db8::1".parse().unwrap()];
        assert_eq!(parse("trusted_proxies = [\"10.0.0.5\", \"2001:db8::1\"]").unwrap().trusted_proxies, Some(want.clone()));
        assert_eq!(parse("trusted_proxies = \"10.0.0.5, 2001:db8::1\"").unwrap().trusted_proxies, Some(want));
        let e = parse("trusted_proxies = [\"10.0.0.5\", \"10.0.0.x\"]").unwrap_err();
        assert!(e.contains("trusted_proxies: '10.0.0.x' is not an IP address") && e.contains("line 1"), "{e}");
        let e = parse("trusted_proxies = 5").unwrap_err();
        assert!(e.contains("trusted_proxies"), "{e}");
    }

    #[test]
    fn the_file_reaches_the_serve_settings_and_a_flag_beats_it() {
        let f = file_with(
            "data_dir = \"/srv/ks\"\nlisten = \"0.0.0.0:9000\"\nsecure_cookies = true\nchat_rate_limit = 5\n\
             trusted_proxies = [\"10.0.0.5\", \"2001:db8::1\"]\nsmtp_url = \"smtp://u:pa#ss@host:587\"\nretention_days = 7\n",
        );
        let path = f.path().to_str().unwrap();
        let Command::Serve { storage, listen, secure_cookies, chat_rate_limit, trusted_proxies, jobs, .. } =
            cli(&["serve", "--config", path, "--chat-rate-limit", "9"]).unwrap().command
        else {
            panic!("serve")
        };
        assert_eq!(storage.data_dir.as_deref(), Some(Path::new("/srv/ks")));
        assert_eq!(listen, "0.0.0.0:9000".parse().unwrap());
        assert!(secure_cookies);
        assert_eq!(chat_rate_limit, 9, "the flag over the file");
        assert_eq!(trusted_proxies, ["10.0.0.5".parse::<IpAddr>().unwrap(), "2001:db8::1".parse().unwrap()]);
        assert_eq!(jobs.smtp_url.as_deref(), Some("smtp://u:pa#ss@host:587"));
        assert_eq!(jobs.retention_days, 7);
        assert_eq!(jobs.mail_from, "kriseservice@localhost", "the default where the file is silent");

        // `--config` is global, and other commands take the storage keys from the file.
        let Command::Migrate { storage } = cli(&["--config", path, "migrate"]).unwrap().command else { panic!("migrate") };
        assert_eq!(storage.data_dir.as_deref(), Some(Path::new("/srv/ks")));
        let Command::Migrate { storage } = cli(&["migrate", "--config", path, "--data-dir", "/tmp/x"]).unwrap().command else {
            panic!("migrate")
        };
        assert_eq!(storage.data_dir.as_deref(), Some(Path::new("/tmp/x")));
    }

    #[test]
    fn errors_name_the_file_and_the_key() {
        let f = file_with("data_dir = \"/srv/ks\"\ncolour = \"red\"\n");
        let e = format!("{:#}", cli(&["migrate", "--config", f.path().to_str().unwrap()]).err().unwrap());
        assert!(e.contains(&f.path().display().to_string()) && e.contains("colour"), "{e}");
        let e = format!("{:#}", cli(&["migrate", "--config", "/nonexistent/ks.toml"]).err().unwrap());
        assert!(e.contains("cannot read the settings file /nonexistent/ks.toml"), "{e}");
        let e = format!("{:#}", cli(&["migrate"]).err().unwrap());
        assert!(e.contains("no data directory"), "{e}");
    }

    #[test]
    fn masks_database_passwords() {
        assert_eq!(mask("postgres://ks:hemmelig@db:5432/ks"), "postgres://ks:***@db:5432/ks");
        assert_eq!(mask("postgres://postgres@127.0.0.1/ks"), "postgres://postgres@127.0.0.1/ks");
    }
}
