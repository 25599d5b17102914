//! What citizens ask, and callback requests: the only personal data, read only by the affected
//! authority, every reading logged.

use crate::spool::Spooled;
use crate::{App, Result, now};
use domain::inquiry::{Access, Aggregates, Callback, Inquiry, NewCallback, NewInquiry};
use domain::{Actor, Permission};
use uuid::Uuid;

/// How many "not covered" questions the summary lists.
const TOP: usize = 10;

impl App {
    pub async fn record_inquiry(&self, actor: &Actor, id: Uuid, new: NewInquiry) -> Result<Inquiry> {
        self.incident(actor, id, Permission::RecordInquiry).await?;
        Ok(self.store.record_inquiry(Uuid::new_v4(), id, new, now()).await?)
    }

    /// What citizens asked, and what the chatbot answered with (this node's latest counts
    /// written first).
    pub async fn inquiry_summary(&self, actor: &Actor, id: Uuid) -> Result<Aggregates> {
        self.incident(actor, id, Permission::ViewInquiries).await?;
        self.questions_kept().await;
        self.write_chat_answers().await;
        let mut a = domain::inquiry::aggregate(&self.store.inquiries(id).await?, TOP);
        a.chat_answered = self.store.chat_answers(id).await?;
        Ok(a)
    }

    pub async fn request_callback(&self, actor: &Actor, id: Uuid, new: NewCallback) -> Result<Callback> {
        self.incident(actor, id, Permission::RecordInquiry).await?;
        Ok(self.store.create_callback(Uuid::new_v4(), id, new.validate()?, actor, now()).await?)
    }

    /// The callback requests; `export` marks the reading as an export in the access log.
    pub async fn callbacks(&self, actor: &Actor, id: Uuid, export: bool) -> Result<Vec<Callback>> {
        self.incident(actor, id, Permission::ViewCallbacks).await?;
        Ok(self.store.callbacks(id, actor, if export { "export" } else { "view" }, now()).await?)
    }

    pub async fn personal_data_access(&self, actor: &Actor, id: Uuid) -> Result<Vec<Access>> {
        self.incident(actor, id, Permission::ViewCallbacks).await?;
        Ok(self.store.personal_data_access(id).await?)
    }

    /// A callback the caller asked for in the voicebot (pressed 3) about `incident`; the platform
    /// sends the caller's number. Whether it was kept (stored, or spooled while the database is
    /// away): the call goes on either way, and the caller is promised a call only if it was.
    pub async fn voice_callback(&self, who: &str, incident: Uuid, code: &str, number: &str) -> bool {
        let Some(phone) = domain::guide::normalise_phone(number) else { return false };
        let new = NewCallback {
            name: "Ukendt (bestilt i telefonrobotten)".into(),
            phone,
            email: String::new(),
            reason: "Borgeren tastede 3 i telefonrobotten og ønsker at blive ringet op.".into(),
            municipality: code.to_string(),
        };
        let Ok(new) = new.validate() else { return false };
        let request = Spooled::Callback { id: Uuid::new_v4(), incident, new, by: format!("Telefonrobot ({who})"), at: now() };
        self.pass_on(request).await.map_err(|e| tracing::warn!(error = %e, "IVR callback request not saved")).is_ok()
    }
}
