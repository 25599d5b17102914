//! Settings: built-in defaults < the settings file < `KRISESERVICE_*` environment < flags.
//!
//! clap reads the flags and the environment (and knows the defaults); the settings file, TOML
//! with one key per flag, fills in each setting that neither the command line nor the
//! environment gave, as `ArgMatches::value_source` tells.

use crate::{Channels, Cli, Command, ImportCommand, Jobs, NotifyCommand, ServeArgs, Storage, TokenCommand, UserCommand};
use anyhow::{Context, Result, bail};
use app::deliver::TeamsWebhooks;
use channels::sms_gateway::{Auth, Gateway, Preset};
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
    pub thesaurus: Option<PathBuf>,
    pub hunspell: Option<PathBuf>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub retention_days: Option<i64>,
    pub sms_gateway: Option<String>,
    pub sms_url: Option<String>,
    pub sms_auth: Option<String>,
    pub sms_sender: Option<String>,
    pub sms_body: Option<String>,
    pub sms_webhook_secret: Option<String>,
    /// `["staben=https://…", "https://…"]`, or one comma-separated string as in the environment.
    #[serde(default, deserialize_with = "strings")]
    pub teams_webhook: Option<Vec<String>>,
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

/// A list in the file, or one comma-separated string as in the environment; `expected` says how
/// it should look when it is neither.
fn comma_list<'de, D: serde::Deserializer<'de>>(d: D, expected: &str) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        One(String),
        Many(Vec<String>),
    }
    Ok(match List::deserialize(d).map_err(|_| serde::de::Error::custom(expected))? {
        List::One(s) => s.split(',').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
        List::Many(v) => v,
    })
}

fn ip_addresses<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<IpAddr>>, D::Error> {
    let items = comma_list(d, "trusted_proxies: expected a list of IP addresses, e.g. [\"10.0.0.5\", \"2001:db8::1\"]")?;
    items
        .iter()
        .map(|a| a.trim().parse().map_err(|_| serde::de::Error::custom(format!("trusted_proxies: '{a}' is not an IP address"))))
        .collect::<Result<_, _>>()
        .map(Some)
}

fn strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    comma_list(d, "teams_webhook: expected a list of [TEAM=]URL, e.g. [\"staben=https://…\"]").map(Some)
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
        Command::Serve(args) | Command::Demo(args) => fill_serve(m, args, file)?,
        Command::Notify { command: NotifyCommand::Test { storage, jobs, .. } } => {
            fill_storage(m, storage, file.data_dir.clone(), file.database_url.clone())?;
            fill_jobs(m, jobs, file);
        }
        Command::Notify { command: NotifyCommand::Card { .. } } => {}
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

fn fill_serve(m: &ArgMatches, args: &mut ServeArgs, file: File) -> Result<()> {
    fill_storage(m, &mut args.storage, file.data_dir.clone(), file.database_url.clone())?;
    fill(m, "listen", &mut args.listen, file.listen);
    fill(m, "secure_cookies", &mut args.secure_cookies, file.secure_cookies);
    fill(m, "crisis_line", &mut args.crisis_line, file.crisis_line.clone().map(Some));
    fill(m, "public_url", &mut args.public_url, file.public_url.clone().map(Some));
    fill(m, "chat_rate_limit", &mut args.chat_rate_limit, file.chat_rate_limit);
    fill(m, "trusted_proxies", &mut args.trusted_proxies, file.trusted_proxies.clone());
    fill(m, "thesaurus", &mut args.thesaurus, file.thesaurus.clone().map(Some));
    fill(m, "hunspell", &mut args.hunspell, file.hunspell.clone().map(Some));
    fill_jobs(m, &mut args.jobs, file);
    Ok(())
}

fn fill_jobs(m: &ArgMatches, jobs: &mut Jobs, file: File) {
    fill(m, "smtp_url", &mut jobs.smtp_url, file.smtp_url.map(Some));
    fill(m, "mail_from", &mut jobs.mail_from, file.mail_from);
    fill(m, "retention_days", &mut jobs.retention_days, file.retention_days);
    let c = &mut jobs.channels;
    fill(m, "sms_gateway", &mut c.sms_gateway, file.sms_gateway.map(Some));
    fill(m, "sms_url", &mut c.sms_url, file.sms_url.map(Some));
    fill(m, "sms_auth", &mut c.sms_auth, file.sms_auth.map(Some));
    fill(m, "sms_sender", &mut c.sms_sender, file.sms_sender);
    fill(m, "sms_body", &mut c.sms_body, file.sms_body.map(Some));
    fill(m, "sms_webhook_secret", &mut c.sms_webhook_secret, file.sms_webhook_secret.map(Some));
    fill(m, "teams_webhook", &mut c.teams_webhook, file.teams_webhook);
}

/// The SMS gateway, the Teams webhooks and the SMS callbacks, from the channel settings;
/// errors say which setting is wrong and how it should look.
pub fn channels(c: &Channels) -> Result<(Option<Gateway>, TeamsWebhooks, Option<app::SmsWebhooks>)> {
    let gateway = match &c.sms_gateway {
        Some(name) => {
            let preset: Preset = name.parse().map_err(|e: String| anyhow::anyhow!("sms_gateway: {e}"))?;
            let auth = c.sms_auth.as_deref().map(Auth::parse).transpose().map_err(|e| anyhow::anyhow!(e))?.unwrap_or(Auth::None);
            Some(
                Gateway::configured(preset, c.sms_url.as_deref(), auth, &c.sms_sender, c.sms_body.as_deref())
                    .map_err(|e| anyhow::anyhow!(e))?,
            )
        }
        None => {
            let stray = [("sms_url", c.sms_url.is_some()), ("sms_auth", c.sms_auth.is_some()), ("sms_body", c.sms_body.is_some())];
            if let Some((name, _)) = stray.iter().find(|(_, set)| *set) {
                bail!("{name} is set but sms_gateway is not: give --sms-gateway gatewayapi|inmobile|cpsms|linkmobility|custom");
            }
            None
        }
    };
    let webhooks = match (&c.sms_webhook_secret, &gateway) {
        (Some(secret), Some(g)) => {
            if secret.len() < 16 || !secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                bail!("sms_webhook_secret must be at least 16 letters, digits, - or _ (it is part of the callback URL)");
            }
            Some(app::SmsWebhooks { gateway: g.clone(), secret: secret.clone() })
        }
        (Some(_), None) => bail!("sms_webhook_secret is set but sms_gateway is not"),
        (None, _) => None,
    };
    let mut teams: Vec<(String, String)> = Vec::new();
    for raw in &c.teams_webhook {
        let raw = raw.trim();
        let (team, url) = if raw.starts_with("https://") || raw.starts_with("http://") {
            ("", raw)
        } else {
            match raw.split_once('=') {
                Some((team, url)) if !team.trim().is_empty() && team.trim().chars().count() <= 100 => (team.trim(), url.trim()),
                _ => bail!("teams_webhook '{}' must be TEAM=URL or a URL", mask_webhook(raw)),
            }
        };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            bail!("teams_webhook of '{team}': '{}' is not an https:// URL", mask_webhook(url));
        }
        if teams.iter().any(|(t, _)| t.eq_ignore_ascii_case(team)) {
            let which = if team.is_empty() { "without a team".to_string() } else { format!("of the team '{team}'") };
            bail!("teams_webhook: two webhooks {which}");
        }
        teams.push((team.to_string(), url.to_string()));
    }
    Ok((gateway, TeamsWebhooks(teams), webhooks))
}

/// A webhook URL for logs and start-up output: a Workflows URL's signature is in its query, so
/// the query (and any password) is hidden.
pub fn mask_webhook(url: &str) -> String {
    let url = mask(url);
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?***"),
        None => url,
    }
}

/// The SMS gateway as the start-up line names it.
pub fn describe_sms(gateway: Option<&Gateway>, webhooks: bool) -> String {
    match gateway {
        Some(g) => format!(
            "sms {} {} (auth {}, sender {}, callbacks {})",
            g.preset.as_str(),
            mask_webhook(&g.url),
            g.auth.masked(),
            g.sender,
            if webhooks { "/api/v1/sms/…/***" } else { "off" }
        ),
        None => "sms not configured".into(),
    }
}

pub fn describe_teams(teams: &TeamsWebhooks) -> String {
    if teams.is_empty() {
        return "teams not configured".into();
    }
    let hooks: Vec<String> = teams
        .0
        .iter()
        .map(|(team, url)| if team.is_empty() { mask_webhook(url) } else { format!("{team}={}", mask_webhook(url)) })
        .collect();
    format!("teams [{}]", hooks.join(", "))
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
        let Command::Serve(ServeArgs { storage, listen, secure_cookies, chat_rate_limit, trusted_proxies, jobs, .. }) =
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

    fn channels_of(args: &[&str]) -> Result<(Option<Gateway>, TeamsWebhooks, Option<app::SmsWebhooks>)> {
        let mut all = vec!["serve", "--data-dir", "/tmp/x"];
        all.extend_from_slice(args);
        let Command::Serve(a) = cli(&all)?.command else { panic!("serve") };
        channels(&a.jobs.channels)
    }

    #[test]
    fn the_sms_gateway_and_teams_webhooks_are_checked_and_masked() {
        let (g, teams, hooks) = channels_of(&[
            "--sms-gateway",
            "gatewayapi",
            "--sms-auth",
            "basic:tok:",
            "--sms-webhook-secret",
            "s3cret-s3cret-s3cret",
            "--teams-webhook",
            "staben=https://prod.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=HEMMELIG",
            "--teams-webhook",
            "https://alle.invalid/hook",
        ])
        .unwrap();
        let g = g.unwrap();
        assert_eq!(g.url, "https://gatewayapi.com/rest/mtsms");
        assert_eq!(hooks.unwrap().secret, "s3cret-s3cret-s3cret");
        assert_eq!(teams.url("staben").map(|u| u.ends_with("sig=HEMMELIG")), Some(true));
        assert_eq!(teams.url("andre"), Some("https://alle.invalid/hook"));
        let shown = format!("{} {}", describe_sms(Some(&g), true), describe_teams(&teams));
        assert!(!shown.contains("HEMMELIG") && !shown.contains("s3cret") && !shown.contains("tok:"), "{shown}");
        assert!(shown.contains("auth basic:***:"), "{shown}");
        assert!(shown.contains("staben=https://prod.logic.azure.com/workflows/1/triggers/manual/paths/invoke?***"), "{shown}");

        for (args, says) in [
            (&["--sms-gateway", "twilio"][..], "unknown SMS gateway 'twilio'"),
            (&["--sms-url", "https://x"][..], "sms_url is set but sms_gateway is not"),
            (&["--sms-gateway", "custom"][..], "needs sms_url"),
            (&["--sms-gateway", "cpsms", "--sms-auth", "digest:x"][..], "basic:USER:PASSWORD"),
            (&["--sms-gateway", "cpsms", "--sms-webhook-secret", "short"][..], "at least 16"),
            (&["--sms-webhook-secret", "s3cret-s3cret-s3cret"][..], "sms_gateway is not"),
            (&["--teams-webhook", "staben"][..], "TEAM=URL"),
            (&["--teams-webhook", "staben=ftp://x?sig=HEMMELIG"][..], "is not an https:// URL"),
            (&["--teams-webhook", "a=https://x,A=https://y"][..], "two webhooks of the team 'A'"),
        ] {
            let e = format!("{:#}", channels_of(args).err().unwrap_or_else(|| panic!("{args:?} accepted")));
            assert!(e.contains(says) && !e.contains("HEMMELIG"), "{args:?}: {e}");
        }
    }

    #[test]
    fn the_channel_keys_come_from_the_file_and_the_demo_takes_them_too() {
        let f = file_with(
            "data_dir = \"/srv/ks\"\nsms_gateway = \"cpsms\"\nsms_auth = \"basic:ks:k\"\nsms_sender = \"DDH\"\n\
             teams_webhook = [\"staben=https://t.invalid/h\"]\nsmtp_url = \"smtp://127.0.0.1:2525\"\n",
        );
        let path = f.path().to_str().unwrap();
        for command in ["serve", "demo"] {
            let (Command::Serve(a) | Command::Demo(a)) = cli(&[command, "--config", path, "--public-url", "https://k.dk"]).unwrap().command
            else {
                panic!("{command}")
            };
            let (g, teams, _) = channels(&a.jobs.channels).unwrap();
            assert_eq!((g.unwrap().sender, teams.url("staben")), ("DDH".to_string(), Some("https://t.invalid/h")), "{command}");
            assert_eq!(a.jobs.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
            assert_eq!(a.public_url.as_deref(), Some("https://k.dk"));
        }
    }

    #[test]
    fn masks_database_passwords() {
        assert_eq!(mask("postgres://ks:hemmelig@db:5432/ks"), "postgres://ks:***@db:5432/ks");
        assert_eq!(mask("postgres://postgres@127.0.0.1/ks"), "postgres://postgres@127.0.0.1/ks");
    }
}
