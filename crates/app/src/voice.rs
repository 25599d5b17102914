//! The voicebot / IVR and the public alert feed, from the live snapshot: which crisis a
//! municipality's line speaks about, who may ask, and which alerts are public.

use crate::live::Crises;
use crate::{App, Error, Refusal, Result};
use channels::{Area, Published};
use domain::Permission;
use std::sync::Arc;
use uuid::Uuid;

/// What one municipality's line says: the municipality, the crisis it speaks about (if any) and
/// where callers are transferred.
pub struct VoiceLine {
    pub area: Area,
    pub crisis_line: String,
    /// The snapshot the line was read from: the crisis is borrowed from it, not copied per call.
    crises: Arc<Crises>,
    incident: Option<Uuid>,
}

impl VoiceLine {
    pub fn current(&self) -> Option<&Published> {
        self.incident.and_then(|id| self.crises.get(id))
    }
}

impl App {
    /// Who asks the voice channel, by the hash of a bearer token: the contact-centre platform's
    /// integration token, or a staff member's token whose role may use the channel. While the
    /// database is away, a token it vouched for recently is taken from memory.
    pub async fn voice_caller(&self, credential_hash: &str) -> Result<String> {
        match self.voice_caller_in_store(credential_hash).await {
            Ok(who) => {
                self.tokens.confirmed(credential_hash, &who);
                Ok(who)
            }
            Err(Error::Unavailable(e)) => self.tokens.recall(credential_hash).ok_or(Error::Unavailable(e)),
            Err(e) => {
                self.tokens.refused(credential_hash);
                Err(e)
            }
        }
    }

    async fn voice_caller_in_store(&self, credential_hash: &str) -> Result<String> {
        if let Some(name) = self.integration_by_token(credential_hash).await? {
            return match domain::permission::INTEGRATION.contains(&Permission::UseVoiceChannel) {
                true => Ok(format!("integration {name}")),
                false => Err(domain::DomainError::Forbidden("integration tokens may not use the voice channel".into()).into()),
            };
        }
        let Some(user) = self.user_by_token(credential_hash).await? else {
            return Err(Error::Unauthenticated { code: "unauthorized", message: "the bearer token is unknown or revoked".into() });
        };
        user.actor().may(Permission::UseVoiceChannel)?;
        Ok(user.name)
    }

    /// The line of municipality `code`: of the real crises reaching it, the latest published.
    /// An exercise never answers a citizen's call: the municipality's own line stays as it is.
    pub fn voice_line(&self, code: &str) -> Result<VoiceLine> {
        let crises = self.live.loaded_crises()?;
        let known = domain::org::is_municipality_code(code);
        let Some(name) = crises.name(code).filter(|_| known) else {
            let message = format!("'{code}' is not a municipality code (four digits, e.g. 0250)");
            return Err(Error::refused(Refusal::NotFound, "unknown_municipality", message));
        };
        let area = Area { code: code.to_string(), name: name.to_string() };
        let crisis_line = self
            .config
            .crisis_line
            .clone()
            .ok_or(Error::NotConfigured("the crisis line is not set: start the server with --crisis-line"))?;
        let incident = crises
            .for_municipality(code)
            .into_iter()
            .filter(|p| !p.incident.exercise)
            .max_by_key(|p| p.version.published_at)
            .map(|p| p.incident.id);
        Ok(VoiceLine { area, crisis_line, crises, incident })
    }

    /// The public alerts: the live real (not exercise) crises, and for [`crate::live::CANCELS_KEPT`]
    /// the Cancel of one that closed, so feed readers learn it is over.
    pub fn public_alerts(&self) -> Result<Vec<Published>> {
        let crises = self.live.loaded_crises()?;
        let since = domain::time::now() - crate::live::CANCELS_KEPT;
        let recent = crises.closed.iter().filter(|p| p.incident.closed_at.is_some_and(|t| t > since));
        Ok(crises.published.iter().chain(recent).filter(|p| !p.incident.exercise).cloned().collect())
    }
}
