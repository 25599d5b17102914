//! Kriseservice's use cases: one method of [`App`] per thing a user does. Each asks the
//! permission table in `domain` (and the incident's scope), applies the domain rules, writes
//! through `store` and returns typed results. Also here: the background jobs, the live snapshot
//! of published guides that the citizen channels answer from, and the chatbot's conversations.
//! No HTTP: `web` extracts, calls a method here, and renders.

pub mod accounts;
mod admin;
pub mod billing;
mod callout;
pub mod chat;
pub mod console;
mod contact_lists;
mod contact_methods;
pub mod deliver;
mod error;
mod events;
pub mod exercise_load;
pub mod exercises;
mod feedback;
mod guide;
pub mod handovers;
mod incidents;
mod inquiries;
pub mod jobs;
pub mod live;
mod lookup;
mod once;
mod outbox;
pub mod review;
mod room;
mod second_factor;
mod shifts;
pub mod spool;
pub mod staffing;
mod tokens;
mod voice;

pub use callout::SmsWebhooks;
pub use contact_lists::{ContactList, ContactListsOverview};
pub use contact_methods::CalloutSettings;
pub use error::{Error, Refusal, Result};
pub use guide::LiveGuide;
pub use lookup::LIMIT_MAX as SEARCH_LIMIT_MAX;
pub use room::{CrisisRoom, IncidentView, PrintedLog, Progress};
pub use second_factor::{SecondFactorSettings, TotpSecret, TotpStatus};
/// The database handle, for wiring only: `cli` opens it (`console::open`) and hands it to
/// [`App::start`]; nothing above `app` calls it.
pub use store::Store;
pub use store::{Acknowledged, Appended, IdempotencyKey, Once, StoredMethod, StoredReply};
pub use store::{CallsReport, ImportReport};
pub use voice::VoiceLine;

/// The store itself, for tests that set up or tamper with data directly. Never on in the binary.
#[cfg(feature = "testing")]
pub mod testing {
    pub use store::*;
}

use std::sync::Arc;
use std::time::Duration;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct Config {
    pub session_lifetime: Duration,
    /// A session not used for this long ends before its lifetime does.
    pub session_idle: Duration,
    /// The collaboration's crisis line: where the public pages and a chatbot handover send citizens.
    pub crisis_line: Option<String>,
    /// Chatbot messages per client address per minute ([`CHAT_PER_ADDRESS`] unless configured);
    /// 0 turns the limits off. Each conversation is limited on its own as well
    /// ([`chat::PER_CONVERSATION`]).
    pub chat_per_minute: u32,
    /// Where citizens' questions and callback requests wait while the database is away; without
    /// it, a citizen is then sent to the crisis line instead of being told it is passed on.
    pub spool_dir: Option<std::path::PathBuf>,
    /// The SMS gateway whose delivery reports and inbound texts are accepted, and the secret
    /// path segment they are posted under; `None` answers 404 to both.
    pub sms_webhooks: Option<callout::SmsWebhooks>,
    /// The Danish thesaurus and dictionary the chatbot expands questions with (none: its own
    /// lexicon only).
    pub language: Arc<search::Resources>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_lifetime: Duration::from_secs(12 * 3600),
            session_idle: Duration::from_secs(SESSION_IDLE_MINUTES * 60),
            crisis_line: None,
            chat_per_minute: CHAT_PER_ADDRESS,
            spool_dir: None,
            sms_webhooks: None,
            language: search::Resources::none(),
        }
    }
}

/// Chatbot messages a minute from one client address. Citizens on a mobile network share an
/// IPv4 address through the operator's carrier-grade NAT: with a port block of 256–512 of the
/// 64,512 ports per subscriber, about 120–250 subscribers share one address. In a crisis that
/// hits their municipality, say 5 % of them chat at the same time (the busiest hour of a real
/// crisis line saw one in twenty households call): 6–12 citizens, each at most ~4 messages a
/// minute (reading an answer and typing the next question takes 15 s): 24–48 a minute. Twice
/// that for a margin gives 120; the old 30 stopped a single test browser. A script keeping to
/// one conversation meets [`chat::PER_CONVERSATION`] first; one opening a new conversation per
/// message meets this.
pub const CHAT_PER_ADDRESS: u32 = 120;

/// A session idle this long ends: long enough to read a guide through a quiet spell on the
/// phones, short enough that a forgotten browser does not stay signed in for a whole shift.
pub const SESSION_IDLE_MINUTES: u64 = 60;

/// A one-way signal: once triggered, every `wait` returns.
#[derive(Debug, Clone)]
pub struct Shutdown(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Shutdown {
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }

    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// The use cases over one store. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    config: Arc<Config>,
    live: Arc<live::Live>,
    chat: Arc<chat::Chat>,
    throttle: Arc<accounts::Throttle>,
    /// Each incident's log as far as a view has verified it: the next view checks only what is new.
    verified: Arc<room::VerifiedHeads>,
    /// Tokens the database vouched for: the voice channel keeps routing while it is away.
    tokens: Arc<tokens::TokenCache>,
    /// What citizens were told is passed on, kept on local disk while the database is away.
    spool: Option<Arc<spool::Spool>>,
    /// Wakes the outbox worker when a use case queued a message.
    outbox_wake: Arc<tokio::sync::Notify>,
    /// The chatbot's questions on their way to the database, written together.
    keeper: Arc<chat::keeper::Keeper>,
    /// The scenarios of running exercises, for their synthetic load.
    exercise_scenarios: Arc<exercise_load::Scenarios>,
    /// Wakes the exercise clock job when a controller changed a clock.
    exercise_wake: Arc<tokio::sync::Notify>,
}

impl App {
    /// The use cases over `store`, for a serving node: the live snapshot starts following the
    /// event bus.
    pub fn start(store: Store, config: Config) -> App {
        let app = App::new(store, config);
        app.live.clone().follow(app.store.clone());
        tokens::TokenCache::follow(app.tokens.clone(), app.store.subscribe());
        app.drain_spool();
        app.write_chat_answers_regularly();
        app
    }

    /// The use cases over `store`, without the live snapshot (for the console and the demo's seed).
    pub fn new(store: Store, config: Config) -> App {
        App {
            live: Arc::new(live::Live::new(config.language.clone())),
            chat: Arc::new(chat::Chat::new(config.chat_per_minute)),
            throttle: Arc::new(accounts::Throttle::default()),
            verified: Arc::default(),
            tokens: Arc::default(),
            spool: config.spool_dir.as_deref().and_then(|dir| {
                spool::Spool::open(dir).map(Arc::new).inspect_err(|e| tracing::error!(dir = %dir.display(), error = %e, "no spool")).ok()
            }),
            outbox_wake: Arc::default(),
            keeper: Arc::default(),
            exercise_scenarios: Arc::default(),
            exercise_wake: Arc::default(),
            config: Arc::new(config),
            store,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The live snapshot of the published guides: what the citizen channels answer from.
    pub fn live(&self) -> &live::Live {
        &self.live
    }

    /// The store behind the use cases, for tests that set up or tamper with data directly.
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &Store {
        &self.store
    }
}

fn now() -> time::OffsetDateTime {
    domain::time::now()
}
