//! `kriseservice`: one binary, wiring only. The use cases live in `app`, HTTP in `web`.

mod demo;
mod import;
mod settings;

use anyhow::{Context, Result, bail};
use app::Store;
use clap::{Args, CommandFactory, Parser, Subcommand};
use settings::mask;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(name = "kriseservice", version, about = "Kriseservice: the crisis service of a shared municipal contact centre")]
struct Cli {
    /// A settings file (TOML): a key for every flag, its name with `_` for `-`, e.g.
    /// `listen = "0.0.0.0:8080"`, `trusted_proxies = ["10.0.0.5"]`.
    /// Precedence: built-in defaults < this file < KRISESERVICE_* environment < flags.
    #[arg(long, global = true, env = "KRISESERVICE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Storage {
    /// Directory for the SQLite database and other local files (required: here, in the
    /// environment or in the settings file).
    #[arg(long, env = "KRISESERVICE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// `postgres://…` to use PostgreSQL instead of SQLite in the data directory.
    #[arg(long, env = "KRISESERVICE_DATABASE_URL")]
    database_url: Option<String>,
}

impl Storage {
    /// Set once `settings::resolve` has run, which refuses to go on without it.
    fn data_dir(&self) -> &Path {
        self.data_dir.as_deref().expect("data_dir is checked by settings::resolve")
    }

    async fn open(&self) -> Result<Store> {
        let dir = self.data_dir();
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let opened = app::console::open(self.database_url.as_deref(), &dir.join("kriseservice.db")).await;
        match &self.database_url {
            Some(url) => opened.with_context(|| format!("cannot open the database {}", mask(url))),
            None => opened.context("cannot open the SQLite database in the data directory"),
        }
    }

    fn describe(&self) -> String {
        match &self.database_url {
            Some(url) => mask(url),
            None => format!("sqlite:{}", self.data_dir().join("kriseservice.db").display()),
        }
    }
}

/// Background work: callback mails and the retention of personal data.
#[derive(Args, Clone)]
struct Jobs {
    /// Where callback requests are mailed from: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host` (TLS). Without it, mails wait in the outbox.
    #[arg(long, env = "KRISESERVICE_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender address of callback mails.
    #[arg(long, env = "KRISESERVICE_MAIL_FROM", default_value = "kriseservice@localhost")]
    mail_from: String,
    /// Days after an incident closes until its callback requests (personal data) are deleted.
    #[arg(long, env = "KRISESERVICE_RETENTION_DAYS", default_value_t = domain::inquiry::DEFAULT_RETENTION_DAYS)]
    retention_days: i64,
    #[command(flatten)]
    channels: Channels,
}

/// The SMS gateway and the Teams webhooks the call-out sends through.
#[derive(Args, Clone)]
struct Channels {
    /// The SMS gateway: gatewayapi, inmobile, cpsms, linkmobility or custom (with --sms-url and
    /// --sms-body). Without it, text messages wait in the outbox.
    #[arg(long, env = "KRISESERVICE_SMS_GATEWAY")]
    sms_gateway: Option<String>,
    /// The gateway's send URL (a preset has its own; set it to use a test or regional address).
    #[arg(long, env = "KRISESERVICE_SMS_URL")]
    sms_url: Option<String>,
    /// How the gateway knows us: basic:USER:PASSWORD, bearer:TOKEN, header:NAME:VALUE or
    /// query:NAME:VALUE.
    #[arg(long, env = "KRISESERVICE_SMS_AUTH")]
    sms_auth: Option<String>,
    /// The sender recipients see: a name of up to 11 characters, or a number.
    #[arg(long, env = "KRISESERVICE_SMS_SENDER", default_value = "Krisestab")]
    sms_sender: String,
    /// A custom gateway's body: JSON or a form, with the placeholders {sender}, {to}, {text},
    /// {encoding} and {reference} (unquoted in JSON: they are filled in as JSON values).
    #[arg(long, env = "KRISESERVICE_SMS_BODY")]
    sms_body: Option<String>,
    /// The secret path segment of the gateway's callbacks (at least 16 letters, digits, - or _):
    /// /api/v1/sms/delivery-report/SECRET and /api/v1/sms/inbound/SECRET. Without it they are off.
    #[arg(long, env = "KRISESERVICE_SMS_WEBHOOK_SECRET")]
    sms_webhook_secret: Option<String>,
    /// A team's Teams Workflows webhook, TEAM=URL (repeat it, or separate by commas); a URL
    /// without TEAM= serves every team that has none of its own. A Teams contact method's address
    /// is its team's name.
    #[arg(long = "teams-webhook", env = "KRISESERVICE_TEAMS_WEBHOOK", value_delimiter = ',')]
    teams_webhook: Vec<String>,
}

impl Jobs {
    /// The jobs' settings, checked, and the SMS callbacks to accept; links in messages start
    /// with `public_url`.
    fn settings(self, public_url: String) -> Result<(app::jobs::Settings, Option<app::SmsWebhooks>)> {
        let (sms, teams, webhooks) = settings::channels(&self.channels)?;
        let s = app::jobs::Settings {
            smtp_url: self.smtp_url,
            mail_from: self.mail_from,
            retention_days: self.retention_days,
            public_url,
            sms,
            teams,
        };
        app::jobs::check(&s).map_err(|e| anyhow::anyhow!(e))?;
        Ok((s, webhooks))
    }
}

/// What `serve` (and the demo) are told.
#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    storage: Storage,
    #[arg(long, env = "KRISESERVICE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Mark the session cookie Secure (when served over TLS, e.g. behind a proxy).
    #[arg(long, env = "KRISESERVICE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The crisis line citizens are sent to, shown on the public crisis pages (a Danish number).
    #[arg(long, env = "KRISESERVICE_CRISIS_LINE")]
    crisis_line: Option<String>,
    /// The service's public address, e.g. https://krise.example.dk: what the CAP feed, SMS
    /// texts and call-out links point to. Without it, the address a request arrived at (and
    /// http://LISTEN in messages).
    #[arg(long, env = "KRISESERVICE_PUBLIC_URL")]
    public_url: Option<String>,
    /// Chatbot messages per client address per minute (0: no limit, for load tests); each
    /// conversation is limited to 10 a minute as well. The default allows for many citizens
    /// behind one carrier-grade NAT address (see the README).
    #[arg(long, env = "KRISESERVICE_CHAT_RATE_LIMIT", default_value_t = app::CHAT_PER_ADDRESS)]
    chat_rate_limit: u32,
    /// Addresses of load balancers or reverse proxies (comma-separated) whose X-Forwarded-For
    /// names the client, for the chatbot's and the login's per-client limits.
    #[arg(long, env = "KRISESERVICE_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The Danish thesaurus (MyThes `th_da_DK.dat`) the chatbot expands questions with. Without
    /// it, Debian's `mythes-da` at /usr/share/mythes/th_da_DK.dat if installed; if neither, the
    /// chatbot answers without it and start-up says so.
    #[arg(long, env = "KRISESERVICE_THESAURUS")]
    thesaurus: Option<std::path::PathBuf>,
    /// The Danish Hunspell dictionary's `.dic` (its `.aff` beside it) for inflections and
    /// spelling. Without it, Debian's `hunspell-da` at /usr/share/hunspell/da_DK.dic if
    /// installed; if neither, start-up says so.
    #[arg(long, env = "KRISESERVICE_HUNSPELL")]
    hunspell: Option<std::path::PathBuf>,
    #[command(flatten)]
    jobs: Jobs,
}

#[derive(Subcommand)]
enum NotifyCommand {
    /// Send one test message through every contact method of a person, directly (not through
    /// the outbox), and print what happened; exit 1 if any failed.
    Test {
        #[command(flatten)]
        storage: Storage,
        #[command(flatten)]
        jobs: Jobs,
        #[arg(long)]
        email: String,
    },
    /// Print the Teams webhook message (an Adaptive Card) a call-out posts, e.g. to check it in
    /// the Adaptive Cards designer or a Workflow's test run.
    Card {
        #[arg(long)]
        title: String,
        #[arg(long)]
        text: String,
        /// The acknowledgement link the card's button opens.
        #[arg(long)]
        link: Option<String>,
        #[arg(long, default_value = "Kvittér for udkaldet")]
        link_label: String,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and the API.
    Serve(ServeArgs),
    /// Start a fresh, realistic demo (fictitious people) and serve it; it takes every flag of
    /// `serve` (the demo's database is SQLite in the data directory).
    Demo(ServeArgs),
    /// Send test messages.
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        storage: Storage,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import data into the knowledge base.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Verify an incident's log hash chain: exit 0 if it holds, 1 and the first broken entry if not.
    VerifyLog {
        #[command(flatten)]
        storage: Storage,
        #[arg(long)]
        incident: uuid::Uuid,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from one line on standard input.
    Add {
        #[command(flatten)]
        storage: Storage,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Organisation code, e.g. 0250, or DDH for the collaboration.
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
    },
    /// Remove a user's second factor (a lost phone, when no one of the secretariat can log in to
    /// do it): they enrol again at their next login.
    RemoveTotp {
        #[command(flatten)]
        storage: Storage,
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a bearer token for a user and print it, alone, on standard output.
    Create {
        #[command(flatten)]
        storage: Storage,
        #[arg(long, required_unless_present = "integration", conflicts_with = "integration")]
        email: Option<String>,
        /// Create a token for an integration instead (the contact-centre platform), named here.
        /// It may only use the voice channel (IVR).
        #[arg(long)]
        integration: Option<String>,
        /// How many days the token lasts (default 90 for a person, 365 for an integration; at
        /// most 730).
        #[arg(long)]
        days: Option<i64>,
    },
    /// Revoke one token by its id (see `token list`), or every token of an integration.
    Revoke {
        #[command(flatten)]
        storage: Storage,
        /// The token's id: the twelve characters `token list` and `token create` show.
        #[arg(long, required_unless_present = "integration", conflicts_with = "integration")]
        token_id: Option<String>,
        /// Revoke every token of this integration at once (a leaked or retired platform token).
        #[arg(long)]
        integration: Option<String>,
    },
    /// List every token: its id, whose it is, when it was made and when it expires.
    List {
        #[command(flatten)]
        storage: Storage,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Everyday guides: DIR holds one folder per municipality code (0250/, 0101/ …) of .md or
    /// .html files. A re-import writes only what changed and removes guides whose file is gone.
    Guides {
        #[command(flatten)]
        storage: Storage,
        dir: PathBuf,
    },
}

/// The token alone on standard output (for scripts); its id and expiry on standard error.
fn print_token(token: &app::console::NewToken) {
    eprintln!(
        "token id {} expires {}; revoke it with 'kriseservice token revoke --token-id {}'",
        token.id,
        domain::time::rfc3339(token.expires_at),
        token.id
    );
    println!("{}", token.secret);
}

fn token_days_error() -> anyhow::Error {
    anyhow::anyhow!("--days must be from 1 to {}", domain::user::TOKEN_DAYS_MAX)
}

fn main() {
    let matches = Cli::command().get_matches();
    init_logging();
    let cli = match settings::resolve(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(cli)) {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("KRISESERVICE_LOG").unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("KRISESERVICE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let from = cli.config.as_ref().map(|p| format!(" (settings file {})", p.display())).unwrap_or_default();
            let served = Served::check(args)?;
            let store = served.storage.open().await?;
            served.print(&from);
            serve(store, served).await
        }
        Command::Demo(mut args) => {
            if args.storage.database_url.is_some() {
                bail!("the demo keeps its database in SQLite in the data directory: --database-url is not for the demo");
            }
            // The demo's crisis line is a placeholder, marked as such on the page by its number alone.
            args.crisis_line.get_or_insert_with(|| demo::CRISIS_LINE.into());
            let served = Served::check(args)?;
            let store = demo::prepare(served.storage.data_dir()).await?;
            served.print(" (demo)");
            demo::print_logins(served.listen);
            serve(store, served).await
        }
        Command::Notify { command: NotifyCommand::Test { storage, jobs, email } } => notify_test(&storage, jobs, &email).await,
        Command::Notify { command: NotifyCommand::Card { title, text, link, link_label } } => {
            let link = link.as_deref().map(|url| (link_label.as_str(), url));
            println!("{:#}", channels::teams::webhook_message(&title, &text, link));
            Ok(())
        }
        Command::Migrate { storage } => {
            storage.open().await?;
            eprintln!("migrations applied to {}", storage.describe());
            Ok(())
        }
        Command::User { command: UserCommand::Add { storage, email, name, org, role } } => {
            let role: domain::Role = role.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let store = storage.open().await?;
            let new = domain::user::NewUser { email, name, org, role };
            let created = app::console::add_user(&store, new, password.to_string(), "kriseservice user add").await?;
            eprintln!("added {} <{}> as {} in {}", created.name, created.email, created.role, created.org);
            Ok(())
        }
        Command::User { command: UserCommand::RemoveTotp { storage, email } } => {
            let store = storage.open().await?;
            app::console::remove_totp(&store, &email, "kriseservice user remove-totp").await?;
            eprintln!("removed the second factor of <{email}>: they enrol again at their next login");
            Ok(())
        }
        Command::Token { command: TokenCommand::Create { storage, integration: Some(name), days, .. } } => {
            // Checked before the database is opened, so a typo fails at once.
            let Ok(name) = domain::user::integration_name(&name) else {
                bail!("--integration needs a name of 1–100 characters, e.g. \"Telefoniplatform\"");
            };
            let days = days.unwrap_or(domain::user::INTEGRATION_TOKEN_DAYS);
            domain::user::token_days(days).map_err(|_| token_days_error())?;
            let store = storage.open().await?;
            let token = app::console::create_integration_token(&store, name, days).await?;
            eprintln!("created an integration token for \"{name}\": it may use the voice channel (IVR) only");
            print_token(&token);
            Ok(())
        }
        Command::Token { command: TokenCommand::Revoke { storage, integration: Some(integration), .. } } => {
            let store = storage.open().await?;
            match app::console::revoke_integration_tokens(&store, &integration).await? {
                0 => bail!("no integration named \"{integration}\" has a token"),
                n => eprintln!("revoked {n} token(s) of \"{integration}\""),
            }
            Ok(())
        }
        Command::Token { command: TokenCommand::Revoke { storage, token_id, .. } } => {
            let id = token_id.unwrap_or_default();
            if domain::user::parse_token_id(&id).is_err() {
                bail!("--token-id needs the token's twelve-character id, as 'kriseservice token list' shows it");
            }
            let store = storage.open().await?;
            match app::console::revoke_token(&store, &id).await? {
                true => eprintln!("revoked token {id}: it stops working on every node now"),
                false => bail!("no token has the id {id}; see 'kriseservice token list'"),
            }
            Ok(())
        }
        Command::Token { command: TokenCommand::List { storage } } => {
            let store = storage.open().await?;
            let tokens = app::console::tokens(&store).await?;
            println!("{:<12}  {:<20}  {:<20}  owner", "id", "created", "expires");
            for t in &tokens {
                let expires = t.expires_at.map(domain::time::rfc3339).unwrap_or_else(|| "never (revoke it)".into());
                let kind = if t.integration { " (integration)" } else { "" };
                println!("{:<12}  {:<20}  {:<20}  {}{kind}", t.id, domain::time::rfc3339(t.created_at), expires, t.owner);
            }
            Ok(())
        }
        Command::Token { command: TokenCommand::Create { storage, email, days, .. } } => {
            let email = email.unwrap_or_default();
            let days = days.unwrap_or(domain::user::TOKEN_DAYS);
            domain::user::token_days(days).map_err(|_| token_days_error())?;
            let store = storage.open().await?;
            let token = match app::console::create_token(&store, &email, days).await {
                Err(app::Error::Domain(domain::DomainError::NotFound(_))) => {
                    bail!("no user with e-mail {email}; add one with 'kriseservice user add'")
                }
                other => other?,
            };
            print_token(&token);
            Ok(())
        }
        Command::Import { command: ImportCommand::Guides { storage, dir } } => {
            let store = storage.open().await?;
            let r = import::guides(&store, &dir).await?;
            println!("imported: {} new, {} changed, {} unchanged, {} removed", r.added, r.updated, r.unchanged, r.removed);
            Ok(())
        }
        Command::VerifyLog { storage, incident } => verify_log(&storage, incident).await,
    }
}

/// One line per contact method: what sending the test message through it did.
async fn notify_test(storage: &Storage, jobs: Jobs, email: &str) -> Result<()> {
    let (settings, _) = jobs.settings("http://127.0.0.1:8080".into())?;
    let store = storage.open().await?;
    let results = match app::console::notify_test(&store, &settings, email).await {
        Err(app::Error::Domain(domain::DomainError::NotFound(_))) => bail!("no user with e-mail {email}"),
        other => other?,
    };
    if results.is_empty() {
        println!("<{email}> has no contact methods");
        std::process::exit(1);
    }
    let mut failed = false;
    for r in &results {
        failed |= !matches!(r.outcome, app::deliver::Outcome::Sent(_));
        println!("{} {}: {}", r.channel, r.address, r.outcome);
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

async fn verify_log(storage: &Storage, id: uuid::Uuid) -> Result<()> {
    let store = storage.open().await?;
    eprintln!("verifying the log of incident {id}…");
    let (title, v, head) = match app::console::verify_log(&store, id).await {
        Err(app::Error::Domain(domain::DomainError::NotFound(_))) => bail!("no incident with id {id}"),
        other => other.context("cannot read the log")?,
    };
    if v.valid {
        println!("OK: the log of \"{title}\" holds: {} entries, chain head {head}", v.entries);
        Ok(())
    } else {
        println!("BROKEN: the log of \"{}\" fails at entry {}: {}", title, v.first_invalid.unwrap_or(0), v.reason.unwrap_or_default());
        std::process::exit(1);
    }
}

/// `serve`'s settings, checked, as the parts of the program take them.
struct Served {
    storage: Storage,
    listen: SocketAddr,
    app: app::Config,
    web: web::Config,
    jobs: app::jobs::Settings,
    proxies: String,
}

impl Served {
    fn check(args: ServeArgs) -> Result<Served> {
        let ServeArgs {
            storage,
            listen,
            secure_cookies,
            crisis_line,
            public_url,
            chat_rate_limit,
            trusted_proxies,
            thesaurus,
            hunspell,
            jobs,
        } = args;
        if let Some(path) = &thesaurus
            && !path.is_file()
        {
            bail!("thesaurus '{}' is not a file: give the path of a MyThes th_da_DK.dat, or leave the setting out", path.display());
        }
        if let Some(path) = &hunspell
            && !(path.is_file() && path.with_extension("aff").is_file())
        {
            bail!("hunspell '{}': give the path of a Hunspell .dic with its .aff beside it, or leave the setting out", path.display());
        }
        let (language, notes) = search::Resources::load(&search::resources::Paths { thesaurus, hunspell });
        for note in notes {
            eprintln!("note: {note}");
        }
        let crisis_line = match crisis_line {
            Some(raw) => {
                Some(domain::guide::normalise_phone(&raw).with_context(|| format!("crisis_line '{raw}' is not a Danish phone number"))?)
            }
            None => None,
        };
        if let Some(url) = &public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            bail!("public_url '{url}' must start with https:// (or http://)");
        }
        let links = public_url.clone().unwrap_or_else(|| format!("http://{listen}"));
        let (jobs, sms_webhooks) = jobs.settings(links)?;
        // Citizens' requests wait in the data directory while the database is away.
        let spool_dir = Some(storage.data_dir().join("spool"));
        let language = std::sync::Arc::new(language);
        let app = app::Config { crisis_line, chat_per_minute: chat_rate_limit, spool_dir, sms_webhooks, language, ..Default::default() };
        let proxies = trusted_proxies.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ");
        let web = web::Config { secure_cookies, public_url, trusted_proxies, ..Default::default() };
        Ok(Served { storage, listen, app, web, jobs, proxies })
    }

    /// The settings at start-up, secrets masked.
    fn print(&self, from: &str) {
        let jobs = &self.jobs;
        eprintln!(
            "kriseservice {}{from}: database {}, listening on http://{}, secure cookies {}, mail {} from {}, {}, {}, personal data kept {} days after close, trusted proxies [{}]",
            env!("CARGO_PKG_VERSION"),
            self.storage.describe(),
            self.listen,
            self.web.secure_cookies,
            jobs.smtp_url.as_deref().map(mask).unwrap_or_else(|| "not configured".into()),
            jobs.mail_from,
            settings::describe_sms(jobs.sms.as_ref(), self.app.sms_webhooks.is_some()),
            settings::describe_teams(&jobs.teams),
            jobs.retention_days,
            self.proxies,
        );
    }
}

async fn serve(store: Store, served: Served) -> Result<()> {
    let Served { listen, app, web, jobs, .. } = served;
    let app = app::App::start(store, app);
    app.start_relay().await?;
    app.start_jobs(jobs, web.shutdown.clone());
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let stop = web.shutdown.clone();
    let app = web::router(app, web).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        signal().await;
        eprintln!("shutting down: finishing requests in flight");
        stop.trigger();
    });
    let stopping = async {
        signal().await;
        // Never hang on a client that will not let go.
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    };
    tokio::select! {
        r = server => r.context("server failed"),
        _ = stopping => Ok(()),
    }
}

/// Ctrl+C or SIGTERM.
async fn signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
