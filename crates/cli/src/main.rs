//! `kriseservice`: one binary, wiring only. The logic lives in `domain`, `store` and `web`.

mod demo;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use store::Store;

#[derive(Parser)]
#[command(
    name = "kriseservice",
    version,
    about = "Kriseservice: the crisis service of a shared municipal contact centre"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Storage {
    /// Directory for the SQLite database and other local files.
    #[arg(long, env = "KRISESERVICE_DATA_DIR")]
    data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of SQLite in the data directory.
    #[arg(long, env = "KRISESERVICE_DATABASE_URL")]
    database_url: Option<String>,
}

impl Storage {
    async fn open(&self) -> Result<Store> {
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        let store = match &self.database_url {
            Some(url) => Store::open(url)
                .await
                .with_context(|| format!("cannot open the database {}", mask(url)))?,
            None => Store::open_sqlite(&self.data_dir.join("kriseservice.db"))
                .await
                .context("cannot open the SQLite database in the data directory")?,
        };
        store
            .seed_defaults()
            .await
            .context("cannot seed reference data")?;
        Ok(store)
    }

    fn describe(&self) -> String {
        match &self.database_url {
            Some(url) => mask(url),
            None => format!("sqlite:{}", self.data_dir.join("kriseservice.db").display()),
        }
    }
}

/// Hides the password in a database URL for logs and start-up output.
fn mask(url: &str) -> String {
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

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and the API.
    Serve {
        #[command(flatten)]
        storage: Storage,
        #[arg(long, env = "KRISESERVICE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Mark the session cookie Secure (when served over TLS, e.g. behind a proxy).
        #[arg(long, env = "KRISESERVICE_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Start a fresh, realistic demo (fictitious people) and serve it.
    Demo {
        #[arg(long, env = "KRISESERVICE_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long, env = "KRISESERVICE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
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
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a bearer token for a user and print it, alone, on standard output.
    Create {
        #[command(flatten)]
        storage: Storage,
        #[arg(long)]
        email: String,
    },
}

#[tokio::main]
async fn main() {
    init_logging();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KRISESERVICE_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("KRISESERVICE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            storage,
            listen,
            secure_cookies,
        } => {
            let store = storage.open().await?;
            eprintln!(
                "kriseservice {}: database {}, listening on http://{listen}, secure cookies {secure_cookies}",
                env!("CARGO_PKG_VERSION"),
                storage.describe()
            );
            serve(
                store,
                listen,
                web::Config {
                    secure_cookies,
                    ..Default::default()
                },
            )
            .await
        }
        Command::Demo { data_dir, listen } => {
            let store = demo::prepare(&data_dir).await?;
            demo::print_logins(listen);
            serve(store, listen, web::Config::default()).await
        }
        Command::Migrate { storage } => {
            storage.open().await?;
            eprintln!("migrations applied to {}", storage.describe());
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    storage,
                    email,
                    name,
                    org,
                    role,
                },
        } => {
            let role: domain::Role = role.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let store = storage.open().await?;
            let codes: std::collections::HashSet<String> = store
                .organisations()
                .await?
                .into_iter()
                .map(|o| o.code)
                .collect();
            let user = domain::user::NewUser {
                email,
                name,
                org,
                role,
            }
            .validate(password, |c| codes.contains(c))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = web::auth::hash_password(password);
            let created = store
                .create_user(&user, &hash, domain::time::now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!(
                "added {} <{}> as {} in {}",
                created.name, created.email, created.role, created.org
            );
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { storage, email },
        } => {
            let store = storage.open().await?;
            let Some((user, _)) = store.user_by_email(&email.trim().to_lowercase()).await? else {
                bail!("no user with e-mail {email}; add one with 'kriseservice user add'");
            };
            let token = web::auth::new_secret();
            store
                .create_token(
                    user.id,
                    &web::auth::secret_hash(&token),
                    domain::time::now(),
                )
                .await?;
            println!("{token}");
            Ok(())
        }
        Command::VerifyLog { storage, incident } => verify_log(&storage, incident).await,
    }
}

async fn verify_log(storage: &Storage, id: uuid::Uuid) -> Result<()> {
    let store = storage.open().await?;
    let Some(incident) = store.incident(id).await? else {
        bail!("no incident with id {id}")
    };
    eprintln!("reading the log of \"{}\"…", incident.title);
    let log = store
        .log(id)
        .await
        .context("cannot read the log (a row may be corrupt)")?;
    eprintln!("verifying {} entries…", log.len());
    let v = domain::log::verify(&log);
    if v.valid {
        let last = log
            .last()
            .map(|e| e.hash.as_str())
            .unwrap_or(domain::log::GENESIS);
        println!(
            "OK: the log of \"{}\" holds: {} entries, chain head {last}",
            incident.title, v.entries
        );
        Ok(())
    } else {
        println!(
            "BROKEN: the log of \"{}\" fails at entry {}: {}",
            incident.title,
            v.first_invalid.unwrap_or(0),
            v.reason.unwrap_or_default()
        );
        std::process::exit(1);
    }
}

async fn serve(store: Store, listen: SocketAddr, config: web::Config) -> Result<()> {
    store.start_relay().await?;
    let purge = store.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = purge.purge_sessions(domain::time::now()).await {
                tracing::warn!(error = %e, "session purge failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let app = web::router(store, config).into_make_service_with_connect_info::<SocketAddr>();
    axum_serve(listener, app).await
}

async fn axum_serve(
    listener: tokio::net::TcpListener,
    app: axum::extract::connect_info::IntoMakeServiceWithConnectInfo<axum::Router, SocketAddr>,
) -> Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .context("server failed")
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("signal handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    eprintln!("shutting down");
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_database_passwords() {
        assert_eq!(
            super::mask("postgres://ks:hemmelig@db:5432/ks"),
            "postgres://ks:***@db:5432/ks"
        );
        assert_eq!(
            super::mask("postgres://postgres@127.0.0.1/ks"),
            "postgres://postgres@127.0.0.1/ks"
        );
    }
}
