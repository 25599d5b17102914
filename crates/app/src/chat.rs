//! The public chatbot: answers from the live snapshot's approved citizen wording, hands over
//! below the threshold or on request, and records what it could not answer as a "not covered"
//! inquiry for the authority. Conversations live in memory only, briefly.

mod handover;
pub(crate) mod keeper;

use crate::spool::Spooled;
use crate::{App, Error, Refusal, Result};
use domain::chat::{ChatRequest, ReplyKind, fixed_reply};
use domain::inquiry::{AnsweredSection, NewCallback};
use search::Reply;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// A conversation is forgotten after this long without a message.
const IDLE: Duration = Duration::from_secs(30 * 60);
const MAX_CONVERSATIONS: usize = 50_000;
/// What the no-script page shows of a conversation.
const TURNS_KEPT: usize = 20;
/// Unanswered questions one conversation may pass on to the authority.
const RECORDED_MAX: u8 = 3;

/// Where an answer comes from, shown under it: it matters when a municipality has two crises.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Source {
    pub incident: Uuid,
    /// The crisis's title.
    pub incident_title: String,
    pub guide_version: i64,
    /// When that version of the guide was published.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// The same in Danish, as shown under the answer: "Opdateret kl. 06.00".
    pub updated: String,
    pub section: search::Section,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<usize>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChatReply {
    pub conversation: Uuid,
    pub kind: ReplyKind,
    pub answer: String,
    pub handover: bool,
    pub confidence: f32,
    pub source: Option<Source>,
    /// Where a handover sends the citizen.
    pub crisis_line: Option<String>,
    /// Whether a callback can be requested in this conversation (a live crisis is known).
    pub callback: bool,
    /// Whether the question was passed on to the authority: stored, or spooled while the
    /// database is away. Only then does the answer say so.
    pub passed_on: bool,
    /// For an everyday matter: the municipality's everyday guide the answer links to.
    pub guide: Option<GuideLink>,
}

/// A link to one of a municipality's everyday guides, as the public reads it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GuideLink {
    pub title: String,
    /// The public page, e.g. `/vejledning/0461/pas`.
    pub href: String,
}

#[derive(Debug, Clone)]
pub struct Turn {
    pub question: String,
    pub reply: ChatReply,
}

struct Conversation {
    municipality: Option<String>,
    incident: Option<Uuid>,
    last: Instant,
    turns: Vec<Turn>,
    /// "Not covered" questions passed on from this conversation (a few at most).
    recorded: u8,
    called_back: bool,
}

/// The conversations, and the order they were started in, so the oldest go first: eviction
/// costs a few steps per new conversation, never a scan of all of them.
#[derive(Default)]
struct Conversations {
    by_id: HashMap<Uuid, Conversation>,
    started: VecDeque<Uuid>,
}

impl Conversations {
    fn start(&mut self) -> Uuid {
        let id = Uuid::new_v4();
        self.by_id.insert(
            id,
            Conversation { municipality: None, incident: None, last: Instant::now(), turns: Vec::new(), recorded: 0, called_back: false },
        );
        self.started.push_back(id);
        // The oldest are forgotten once idle, or, past the cap, even if still in use: memory is
        // bounded and each start does a few steps at most (each id is popped once).
        while let Some(oldest) = self.started.front().copied() {
            let idle = self.by_id.get(&oldest).is_none_or(|c| c.last.elapsed() >= IDLE);
            if !idle && self.by_id.len() <= MAX_CONVERSATIONS {
                break;
            }
            self.started.pop_front();
            self.by_id.remove(&oldest);
        }
        id
    }
}

/// Messages a minute one conversation may send: a citizen types a question in no less than
/// a few seconds, so 10 a minute is never reached by a person, and a script that keeps to one
/// conversation is stopped without touching the others behind its address.
pub const PER_CONVERSATION: u32 = 10;

/// Who a token bucket limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Address(IpAddr),
    Conversation(Uuid),
}

/// Token buckets per address and per conversation; swept at most once a minute, so many
/// clients never cost a scan per message.
#[derive(Default)]
struct Buckets {
    by_client: HashMap<Client, (f64, Instant)>,
    swept: Option<Instant>,
}

/// What was answered with since the last write: (crisis, section, situation wording or "") → how often.
type Answered = HashMap<(Uuid, AnsweredSection, String), i64>;

/// How often the answers counted in memory are written: a reply never waits for the database,
/// and a crash loses at most this much of a statistic.
pub const ANSWERS_WRITTEN_EVERY: Duration = Duration::from_secs(10);

/// Conversations and the per-client rate limit.
pub struct Chat {
    conversations: Mutex<Conversations>,
    buckets: Mutex<Buckets>,
    per_minute: u32,
    answered: Mutex<Answered>,
}

impl Chat {
    pub fn new(per_minute: u32) -> Chat {
        Chat { conversations: Mutex::default(), buckets: Mutex::default(), per_minute, answered: Mutex::default() }
    }

    fn count_answer(&self, incident: Uuid, section: AnsweredSection, situation: String) {
        *self.answered.lock().expect("chat lock").entry((incident, section, situation)).or_default() += 1;
    }

    /// Whether this conversation may pass on one more unanswered question (and counts it).
    fn may_record(&self, id: Uuid) -> bool {
        let mut all = self.conversations.lock().expect("chat lock");
        let Some(c) = all.by_id.get_mut(&id) else { return false };
        c.recorded = c.recorded.saturating_add(1);
        c.recorded <= RECORDED_MAX
    }

    /// One callback request per conversation: a second is refused, not stored.
    fn callback_taken(&self, id: Uuid, take: bool) -> bool {
        let mut all = self.conversations.lock().expect("chat lock");
        let Some(c) = all.by_id.get_mut(&id) else { return false };
        let taken = c.called_back;
        c.called_back |= take;
        taken
    }

    /// Two token buckets: per client address, `per_minute` messages a minute in bursts of a
    /// third of that (citizens behind a carrier-grade NAT share the address: see
    /// [`crate::Config::chat_per_minute`]); and per conversation, [`PER_CONVERSATION`] a minute
    /// in bursts of as many. A message must pass both, and takes a token only when it does.
    /// Zero turns both off (a load test from one address).
    pub fn admit(&self, ip: Option<IpAddr>, conversation: Option<Uuid>) -> Result<()> {
        let rate = self.per_minute;
        if rate == 0 {
            return Ok(());
        }
        let address = ip.map(|ip| (Client::Address(per_subscriber(ip)), rate, (rate as f64 / 3.0).max(3.0)));
        let talk = conversation.map(|c| (Client::Conversation(c), PER_CONVERSATION, PER_CONVERSATION as f64));
        let limits: Vec<(Client, u32, f64)> = address.into_iter().chain(talk).collect();
        let mut buckets = self.buckets.lock().expect("chat lock");
        let minute = Duration::from_secs(60);
        if buckets.swept.is_none_or(|t| t.elapsed() >= minute) {
            // A bucket untouched for a minute is full again: forgetting it changes nothing.
            buckets.by_client.retain(|_, (_, at)| at.elapsed() < minute);
            buckets.swept = Some(Instant::now());
        }
        let mut waits = Vec::new();
        for &(client, rate, burst) in &limits {
            let (tokens, at) = buckets.by_client.entry(client).or_insert((burst, Instant::now()));
            *tokens = (*tokens + at.elapsed().as_secs_f64() * rate as f64 / 60.0).min(burst);
            *at = Instant::now();
            if *tokens < 1.0 {
                waits.push(((1.0 - *tokens) * 60.0 / rate as f64).ceil());
            }
        }
        if let Some(wait) = waits.into_iter().reduce(f64::max) {
            return Err(Error::TooMany {
                code: "rate_limited",
                message: format!("too many messages; try again in {wait} seconds"),
                retry_after_s: (wait as u64).max(1),
            });
        }
        for (client, _, _) in limits {
            if let Some((tokens, _)) = buckets.by_client.get_mut(&client) {
                *tokens -= 1.0;
            }
        }
        Ok(())
    }

    /// The conversation's turns so far (for the page that works without JavaScript).
    pub fn turns(&self, id: Uuid) -> Vec<Turn> {
        self.conversations.lock().expect("chat lock").by_id.get(&id).map(|c| c.turns.clone()).unwrap_or_default()
    }

    fn context(&self, id: Option<Uuid>) -> (Uuid, Option<String>, Option<Uuid>) {
        let mut all = self.conversations.lock().expect("chat lock");
        match id.and_then(|id| all.by_id.get(&id).filter(|c| c.last.elapsed() < IDLE).map(|c| (id, c))) {
            Some((id, c)) => (id, c.municipality.clone(), c.incident),
            None => (all.start(), None, None),
        }
    }

    fn remember(&self, id: Uuid, municipality: Option<String>, incident: Option<Uuid>, question: String, reply: &ChatReply) {
        if let Some(c) = self.conversations.lock().expect("chat lock").by_id.get_mut(&id) {
            c.municipality = municipality.or(c.municipality.take());
            c.incident = incident.or(c.incident);
            c.last = Instant::now();
            c.turns.push(Turn { question, reply: reply.clone() });
            if c.turns.len() > TURNS_KEPT {
                c.turns.remove(0);
            }
        }
    }

    /// The live crisis a conversation is about, if it is still live.
    fn incident_of(&self, id: Uuid) -> Option<(Option<String>, Option<Uuid>)> {
        self.conversations.lock().expect("chat lock").by_id.get(&id).map(|c| (c.municipality.clone(), c.incident))
    }
}

/// The piece of the guide an answer came from, as the authority's statistics name it: a situation
/// by its wording (as inquiries keep it).
fn answered_with(crises: &crate::live::Crises, src: &Source) -> (AnsweredSection, String) {
    let wording = |i: usize| crises.get(src.incident).and_then(|p| p.version.guide.situations.get(i)).map(|s| s.situation.clone());
    match (&src.section, src.situation) {
        (search::Section::Situation, Some(i)) => (AnsweredSection::Situation, wording(i).unwrap_or_default()),
        (search::Section::Situation, None) => (AnsweredSection::Situation, String::new()),
        (search::Section::CitizenSummary, _) => (AnsweredSection::CitizenSummary, String::new()),
        (search::Section::Contacts, _) => (AnsweredSection::Contacts, String::new()),
        // Never a source: an everyday guide answers with a link, not as a crisis text.
        (search::Section::Everyday, _) => (AnsweredSection::Situation, String::new()),
    }
}

/// An IPv6 client is one /64 (a household or a phone rotates addresses within it).
fn per_subscriber(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

impl App {
    /// One message to the chatbot and its reply.
    pub async fn chat(&self, ip: Option<IpAddr>, req: ChatRequest) -> Result<ChatReply> {
        let s = self;
        s.chat.admit(ip, req.conversation)?;
        let known = domain::org::is_statistics_code;
        let crises = s.live.crises();
        // Before the first load the names are unknown too: check the form only, then wait for the load.
        let req = req.validate(|m| if crises.loaded { crises.name(m).is_some() } else { known(m) })?;
        let crises = s.live.loaded_crises()?;
        let (conversation, known_municipality, earlier_incident) = s.chat.context(req.conversation);
        let municipality = req.municipality.clone().or(known_municipality);
        let line = s.config.crisis_line.clone();
        let mut local = municipality.as_deref().map(|m| crises.for_municipality(m)).unwrap_or_default();
        local.retain(|p| match req.exercise {
            Some(id) => p.incident.id == id,
            None => !p.incident.exercise,
        });
        let answers = match req.exercise {
            Some(id) => crises.practice.get(&id).unwrap_or(&crises.nothing),
            None => &crises.answers,
        };
        let ended = earlier_incident.is_some_and(|i| crises.get(i).is_none());

        let mut guide = None;
        let (kind, confidence, source, answer) = match answers.respond(&req.message, municipality.as_deref()) {
            Reply::Everyday { candidate, confidence } => {
                let c = answers.candidate(candidate);
                let (code, slug) = c.incident.split_once('/').unwrap_or_default();
                let link = GuideLink { title: c.answer.clone(), href: domain::chat::everyday_path(code, slug) };
                let answer = domain::chat::everyday_reply(&link.title);
                guide = Some(link);
                (ReplyKind::Everyday, confidence, None, answer)
            }
            Reply::Answer { candidate, confidence } => {
                let c = answers.candidate(candidate);
                match c.incident.parse::<Uuid>() {
                    Ok(incident) => {
                        let updated_at = crises.get(incident).map_or_else(domain::time::now, |p| p.version.published_at);
                        let source = Source {
                            incident,
                            incident_title: c.incident_title.clone(),
                            guide_version: c.version,
                            updated_at,
                            updated: domain::chat::updated(updated_at, domain::time::now()),
                            section: c.section.clone(),
                            situation: c.situation,
                        };
                        let exercise = crises.get(incident).is_some_and(|p| p.incident.exercise);
                        let answer = if exercise { format!("{} {}", domain::chat::EXERCISE, c.answer) } else { c.answer.clone() };
                        (ReplyKind::Answer, confidence, Some(source), answer)
                    }
                    // Candidates are built from incident ids; a malformed one is not answered from.
                    Err(_) => (ReplyKind::NotCovered, 0.0, None, String::new()),
                }
            }
            Reply::Greeting => (ReplyKind::Greeting, 1.0, None, String::new()),
            Reply::Thanks => (ReplyKind::Thanks, 1.0, None, String::new()),
            Reply::Robot => (ReplyKind::Robot, 1.0, None, String::new()),
            Reply::Person => (ReplyKind::Person, 1.0, None, String::new()),
            Reply::NotCovered { confidence, about_crisis: true } => (ReplyKind::NotCovered, confidence, None, String::new()),
            Reply::NotCovered { confidence, about_crisis: false } => (ReplyKind::OffTopic, confidence, None, String::new()),
        };
        // The crisis the conversation is about: the one answered from, else the citizen's own.
        let incident = source.as_ref().map(|s| s.incident).or(earlier_incident.filter(|_| !ended)).or(local.first().map(|p| p.incident.id));
        let passed_on =
            s.pass_on_to_authority(conversation, (kind, confidence, source.as_ref()), incident, &req.message, municipality.clone()).await;
        let place = municipality.as_deref().and_then(|m| crises.name(m).map(|n| domain::org::display_name(m, n)));
        let mut answer = if matches!(kind, ReplyKind::Answer | ReplyKind::Everyday) {
            answer
        } else {
            fixed_reply(kind, line.as_deref(), !local.is_empty(), passed_on, place.as_deref())
        };
        if ended && source.as_ref().is_none_or(|src| Some(src.incident) != earlier_incident) {
            answer = format!("{} {answer}", domain::chat::CRISIS_ENDED);
        }
        let reply = ChatReply {
            conversation,
            kind,
            answer,
            handover: kind.hands_over(),
            confidence: (confidence * 100.0).round() / 100.0,
            source,
            crisis_line: line,
            // The authority cannot act on another matter: no callback about it.
            callback: kind != ReplyKind::OffTopic && incident.is_some_and(|i| crises.get(i).is_some()),
            passed_on,
            guide,
        };
        if let Some(src) = &reply.source {
            let (section, situation) = answered_with(&crises, src);
            s.chat.count_answer(src.incident, section, situation);
        }
        s.chat.remember(conversation, municipality, incident, req.message, &reply);
        Ok(reply)
    }

    /// Writes the answers counted since the last write; kept for the next try when the database
    /// is away.
    pub async fn write_chat_answers(&self) {
        let counts: Answered = std::mem::take(&mut *self.chat.answered.lock().expect("chat lock"));
        if counts.is_empty() {
            return;
        }
        let rows = counts.iter().map(|((i, sec, sit), n)| (*i, *sec, sit.clone(), *n)).collect();
        if let Err(e) = self.store.add_chat_answers(rows).await {
            tracing::warn!(error = %e, "the chatbot's answer counts wait for the database");
            let mut kept = self.chat.answered.lock().expect("chat lock");
            for (k, n) in counts {
                *kept.entry(k).or_default() += n;
            }
        }
    }

    /// Writes the answer counts every [`ANSWERS_WRITTEN_EVERY`] (a serving node).
    pub(crate) fn write_chat_answers_regularly(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(ANSWERS_WRITTEN_EVERY);
            loop {
                every.tick().await;
                app.write_chat_answers().await;
            }
        });
    }

    /// The conversation's turns so far (for the page that works without JavaScript).
    pub fn chat_turns(&self, conversation: Uuid) -> Vec<Turn> {
        self.chat.turns(conversation)
    }

    /// A callback request from the chat's handover: for the crisis the conversation is about, once
    /// per conversation.
    pub async fn chat_callback(&self, ip: Option<IpAddr>, conversation: Uuid, mut new: NewCallback) -> Result<()> {
        let s = self;
        // Per address only: a conversation has one callback at most anyway.
        s.chat.admit(ip, None)?;
        let (municipality, incident) = s.chat.incident_of(conversation).ok_or_else(|| {
            Error::refused(Refusal::NotFound, "unknown_conversation", "this conversation has ended; write your question again")
        })?;
        let crises = s.live.crises();
        let p = incident.and_then(|i| crises.get(i)).ok_or_else(|| {
            Error::refused(Refusal::Conflict, "no_live_crisis", "there is no live crisis in this conversation to be called back about")
        })?;
        if s.chat.callback_taken(conversation, false) {
            return Err(Error::refused(Refusal::Conflict, "already_requested", "a callback was already requested in this conversation"));
        }
        if new.municipality.trim().is_empty() {
            new.municipality = municipality.or_else(|| p.incident.affected.first().cloned()).unwrap_or_default();
        }
        let request = Spooled::Callback {
            id: Uuid::new_v4(),
            incident: p.incident.id,
            new: new.validate()?,
            by: "Chatbot".into(),
            at: domain::time::now(),
        };
        s.pass_on(request).await?;
        s.chat.callback_taken(conversation, true);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_limited_per_64() {
        let chat = Chat::new(9);
        let ip = |n: u16| Some(IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, n)));
        assert_eq!((0..6).filter(|n| chat.admit(ip(*n), None).is_ok()).count(), 3, "rotating within the /64 shares one bucket");
        assert!(chat.admit(Some(IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 2, 0, 0, 0, 1))), None).is_ok());
    }

    #[test]
    fn a_conversation_is_limited_on_its_own_and_others_behind_its_address_go_on() {
        let chat = Chat::new(crate::Config::default().chat_per_minute);
        let nat = Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7)));
        let busy = Uuid::new_v4();
        let admitted = (0..15).filter(|_| chat.admit(nat, Some(busy)).is_ok()).count();
        assert_eq!(admitted, PER_CONVERSATION as usize, "a burst of the conversation's minute");
        let e = chat.admit(nat, Some(busy)).unwrap_err();
        assert!(matches!(e, Error::TooMany { retry_after_s: 1..=6, .. }), "{e:?}");
        // Twelve neighbours behind the same carrier-grade NAT each get their answers.
        for _ in 0..12 {
            let own = Uuid::new_v4();
            assert!(chat.admit(nat, Some(own)).is_ok() && chat.admit(nat, Some(own)).is_ok());
        }
    }

    #[test]
    fn an_address_is_limited_however_many_conversations_it_opens() {
        let chat = Chat::new(30);
        let ip = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!((0..20).filter(|_| chat.admit(ip, Some(Uuid::new_v4())).is_ok()).count(), 10, "a third of the minute's rate");
        assert!(chat.admit(Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2))), None).is_ok(), "another address is not affected");
        assert!(Chat::new(0).admit(ip, Some(Uuid::new_v4())).is_ok(), "zero is no limit");
    }

    #[test]
    fn conversations_are_bounded_and_the_oldest_go_first() {
        let mut c = Conversations::default();
        let first = c.start();
        let ids: Vec<Uuid> = (0..MAX_CONVERSATIONS + 10).map(|_| c.start()).collect();
        assert_eq!((c.by_id.len(), c.started.len()), (MAX_CONVERSATIONS, MAX_CONVERSATIONS));
        assert!(!c.by_id.contains_key(&first) && !c.by_id.contains_key(&ids[9]), "the oldest were forgotten");
        assert!(c.by_id.contains_key(&ids[10]) && c.by_id.contains_key(ids.last().unwrap()));
    }
}
