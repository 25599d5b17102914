//! The activation checklist ("klar, parat, start") and action cards (aktionskort).

use crate::error::Problems;
use crate::incident::IncidentKind;
use crate::{DomainError, Role, text, word_enum};
use serde::{Deserialize, Serialize};

word_enum!(
    /// Which side of the activation an item belongs to.
    Side, "side" {
        Authority = "authority",
        CrisisStaff = "crisis_staff",
    }
);

/// A checklist item as a template holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateItem {
    pub side: Side,
    #[schema(min_length = 3, max_length = 300, pattern = r"\S")]
    pub title: String,
    pub responsible: Role,
}

impl TemplateItem {
    pub fn validate(mut self) -> Result<TemplateItem, DomainError> {
        self.title = text::one_line(&self.title);
        let mut p = Problems::default();
        p.text("title", &self.title, 3, 300);
        p.into_result()?;
        Ok(self)
    }
}

fn item(side: Side, title: &str, responsible: Role) -> TemplateItem {
    TemplateItem { side, title: title.to_string(), responsible }
}

/// The built-in activation checklist, seeded into a new database; the secretariat maintains it from there.
pub fn default_checklist() -> Vec<TemplateItem> {
    use Side::*;
    vec![
        item(Authority, "Udfyld beredskabsguiden sammen med procesansvarlig", Role::AuthorityEditor),
        item(Authority, "Omstil egen IVR/telefonlinje til kriselinjen", Role::AuthorityEditor),
        item(Authority, "Offentliggør kriselinjen i egne kanaler (hjemmeside, sociale medier)", Role::AuthorityEditor),
        item(Authority, "Installér chatbotten på egen hjemmeside", Role::AuthorityEditor),
        item(Authority, "Hold krisestaben orienteret om henvendelsesmængde", Role::AuthorityEditor),
        item(CrisisStaff, "Rejs vagtplanen og kontakt medlemskommunerne", Role::StaffingLead),
        item(CrisisStaff, "Aktivér chat- og voicebot fra guiden", Role::LogKeeper),
        item(CrisisStaff, "Brief agenterne om krisen og guiden", Role::ProcessLead),
        item(CrisisStaff, "Orientér styregruppen", Role::CrisisLeader),
    ]
}

/// A prepared response to a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionCard {
    pub kind: IncidentKind,
    #[schema(min_length = 3, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub problem: String,
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub solution: String,
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub communication: String,
    pub responsible: Role,
    /// Steps that become checklist items when the card is attached to an incident.
    #[schema(max_items = 30)]
    pub steps: Vec<String>,
}

impl ActionCard {
    pub fn validate(mut self) -> Result<ActionCard, DomainError> {
        self.title = text::one_line(&self.title);
        self.problem = text::multi_line(&self.problem);
        self.solution = text::multi_line(&self.solution);
        self.communication = text::multi_line(&self.communication);
        self.steps = self.steps.iter().map(|s| text::one_line(s)).filter(|s| !s.is_empty()).collect();
        let mut p = Problems::default();
        p.text("title", &self.title, 3, 200);
        p.text("problem", &self.problem, 1, 2000);
        p.text("solution", &self.solution, 1, 2000);
        p.text("communication", &self.communication, 1, 2000);
        if self.steps.len() > 30 {
            p.add_limit("steps", crate::error::code::TOO_MANY, 30, "at most 30 steps");
        }
        for s in &self.steps {
            p.text("steps", s, 3, 300);
        }
        p.into_result()?;
        Ok(self)
    }

    /// Whether the room offers this card for a crisis of `kind`: the kind's own cards and the
    /// general ones (kind "other").
    pub fn fits(&self, kind: IncidentKind) -> bool {
        self.kind == kind || self.kind == IncidentKind::Other
    }

    /// The checklist items this card adds to an incident.
    pub fn checklist_items(&self) -> Vec<TemplateItem> {
        self.steps.iter().map(|s| item(Side::CrisisStaff, s, self.responsible)).collect()
    }
}

/// The item that publishing the guide completes: the authority's "Udfyld beredskabsguiden …".
/// The secretariat may reword the template, so it is known by how its title begins.
pub fn fills_the_guide(item: &ChecklistItem) -> bool {
    item.side == Side::Authority && item.title.to_lowercase().starts_with("udfyld beredskabsguiden")
}

/// Who may tick an item: the crisis staff and the secretariat tick anything;
/// an authority's own staff tick only their own authority's items.
pub fn may_complete(actor: &crate::Actor, item: &ChecklistItem) -> Result<(), DomainError> {
    if actor.role != Role::AuthorityEditor {
        return Ok(());
    }
    if item.side != Side::Authority {
        return Err(DomainError::Forbidden("this item belongs to the crisis staff's side of the checklist".into()));
    }
    if item.org.as_deref().is_some_and(|o| o != actor.org) {
        return Err(DomainError::Forbidden("this item belongs to another affected authority".into()));
    }
    Ok(())
}

/// The items activation raises: the authority's side once for every affected organisation,
/// the crisis staff's side once.
pub fn activation_items(templates: &[TemplateItem], affected: &[String]) -> Vec<(TemplateItem, Option<String>)> {
    let mut out = Vec::new();
    for org in affected {
        out.extend(templates.iter().filter(|t| t.side == Side::Authority).map(|t| (t.clone(), Some(org.clone()))));
    }
    out.extend(templates.iter().filter(|t| t.side == Side::CrisisStaff).map(|t| (t.clone(), None)));
    out
}

fn card(
    kind: IncidentKind,
    title: &str,
    problem: &str,
    solution: &str,
    communication: &str,
    responsible: Role,
    steps: &[&str],
) -> ActionCard {
    ActionCard {
        kind,
        title: title.into(),
        problem: problem.into(),
        solution: solution.into(),
        communication: communication.into(),
        responsible,
        steps: steps.iter().map(|s| s.to_string()).collect(),
    }
}

/// The built-in action cards, seeded into a new database.
pub fn default_action_cards() -> Vec<ActionCard> {
    use IncidentKind::*;
    vec![
        card(
            ItBreakdown,
            "Kommunens omstillingsbord er nede",
            "Borgerne kan ikke ringe til kommunen; opkald afvises eller ringer ud.",
            "Kommunens IVR omstilles til kriselinjen; DDH's agenter besvarer opkald ud fra beredskabsguiden.",
            "Kriselinjens nummer på kommunens hjemmeside og sociale medier; kort status hver anden time.",
            Role::ProcessLead,
            &["Bekræft omstilling af kommunens hovednummer", "Aftal statusinterval med kommunen"],
        ),
        card(
            PowerCut,
            "Strømafbrydelse – mobilmaster mister strøm",
            "Efter cirka to timer uden strøm falder mobilmasterne ud; borgere kan ikke ringe.",
            "Opskalér bemanding før masterne falder; aktivér chatbot og offentlig kriseside.",
            "Opfordr borgerne til at gemme nødnumre og følge kriseside og lokalradio.",
            Role::StaffingLead,
            &["Skaf ekstra vagter fra medlemskommunerne", "Aktivér offentlig kriseside"],
        ),
        card(
            HeatSupply,
            "Fjernvarmen er afbrudt",
            "Flere kommuner står uden fjernvarme i længere tid.",
            "Fælles guide for de berørte kommuner; varmestuer og hjælp til sårbare borgere.",
            "Oplys varmestuer, forventet varighed og råd om opvarmning.",
            Role::ProcessLead,
            &["Indsaml varmestuer fra de berørte kommuner", "Aftal fælles kontaktpunkt for sårbare borgere"],
        ),
        card(
            CyberAttack,
            "Cyberangreb på forsyning",
            "En forsyningsvirksomhed er ramt af et cyberangreb; omfang og varighed uklar.",
            "Aktivér kriseservice; kun bekræftede oplysninger i guiden.",
            "Henvis til myndighedernes officielle udmeldinger; spekulér ikke.",
            Role::CrisisLeader,
            &["Indhent bekræftet situationsbillede", "Orientér styregruppen om eskalering"],
        ),
        card(
            Evacuation,
            "Borgerservice er evakueret",
            "Kommunens borgerservice kan ikke modtage borgere fysisk.",
            "Henvis til telefon og digitale kanaler; tilbyd at ringe op i presserende sager.",
            "Oplys hvor og hvornår borgerservice åbner igen.",
            Role::ProcessLead,
            &["Opret en postkasse til opkaldsanmodninger hos kommunen"],
        ),
    ]
}

/// One item of one incident's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    pub id: uuid::Uuid,
    pub side: Side,
    /// For the authority's side: which affected organisation the item is for.
    pub org: Option<String>,
    pub title: String,
    pub responsible: Role,
    pub card_id: Option<uuid::Uuid>,
    pub done_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<time::OffsetDateTime>,
}

/// When every affected authority had routed its IVR to the crisis line (the authority's
/// checklist item about its IVR), or `None` while one has not.
pub fn ivr_routed_at(items: &[ChecklistItem]) -> Option<time::OffsetDateTime> {
    let ivr: Vec<&ChecklistItem> = items.iter().filter(|i| i.side == Side::Authority && i.title.contains("IVR")).collect();
    if ivr.is_empty() || ivr.iter().any(|i| i.done_at.is_none()) {
        return None;
    }
    ivr.iter().filter_map(|i| i.done_at).max()
}

/// How far an incident's activation has come.
pub fn progress(items: &[ChecklistItem]) -> (usize, usize) {
    (items.iter().filter(|i| i.done_at.is_some()).count(), items.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishing_knows_the_guide_item_and_cards_fit_their_kind_and_the_general_ones() {
        let items = activation_items(&default_checklist(), &["0250".into()]);
        let guide: Vec<_> = items
            .iter()
            .filter(|(t, org)| {
                let item = ChecklistItem {
                    id: uuid::Uuid::nil(),
                    side: t.side,
                    org: org.clone(),
                    title: t.title.clone(),
                    responsible: t.responsible,
                    card_id: None,
                    done_by: None,
                    done_at: None,
                };
                fills_the_guide(&item)
            })
            .collect();
        assert_eq!(guide.len(), 1, "one guide item per affected organisation");
        let cards = default_action_cards();
        let power = cards.iter().find(|c| c.kind == IncidentKind::PowerCut).unwrap();
        assert!(power.fits(IncidentKind::PowerCut) && !power.fits(IncidentKind::Fire));
        let general = ActionCard { kind: IncidentKind::Other, ..power.clone() };
        assert!(general.fits(IncidentKind::Fire), "a general card fits every crisis");
    }

    /// The seeded texts are Danish as a Danish user writes it: no "Oprét", no "callback".
    #[test]
    fn the_seeded_texts_are_plain_danish() {
        let cards = default_action_cards();
        let texts = default_checklist()
            .into_iter()
            .map(|i| i.title)
            .chain(cards.into_iter().flat_map(|c| [c.title, c.problem, c.solution, c.communication].into_iter().chain(c.steps)));
        for text in texts {
            assert!(!text.contains("Oprét") && !text.to_lowercase().contains("callback"), "{text}");
        }
    }

    #[test]
    fn default_templates_are_valid() {
        for i in default_checklist() {
            i.validate().unwrap();
        }
        for c in default_action_cards() {
            c.validate().unwrap();
        }
        assert!(default_checklist().iter().any(|i| i.side == Side::Authority));
        assert!(default_checklist().iter().any(|i| i.side == Side::CrisisStaff));
    }

    #[test]
    fn authority_ticks_only_its_own_items() {
        let actor = |role, org: &str| crate::Actor { user_id: uuid::Uuid::nil(), name: "N".into(), role, org: org.into() };
        let item = |side, org: Option<&str>| ChecklistItem {
            id: uuid::Uuid::nil(),
            side,
            org: org.map(String::from),
            title: "t".into(),
            responsible: Role::AuthorityEditor,
            card_id: None,
            done_by: None,
            done_at: None,
        };
        let editor = actor(Role::AuthorityEditor, "0250");
        assert!(may_complete(&editor, &item(Side::Authority, Some("0250"))).is_ok());
        assert!(may_complete(&editor, &item(Side::Authority, Some("0253"))).is_err());
        assert!(may_complete(&editor, &item(Side::CrisisStaff, None)).is_err());
        assert!(may_complete(&actor(Role::LogKeeper, "DDH"), &item(Side::Authority, Some("0253"))).is_ok());
    }

    #[test]
    fn activation_raises_authority_items_per_affected_organisation() {
        let items = activation_items(&default_checklist(), &["0250".into(), "0253".into()]);
        let per_side = |s| default_checklist().iter().filter(|t| t.side == s).count();
        assert_eq!(items.len(), 2 * per_side(Side::Authority) + per_side(Side::CrisisStaff));
        assert!(items.iter().filter(|(t, _)| t.side == Side::Authority).all(|(_, o)| o.is_some()));
    }

    #[test]
    fn card_steps_become_crisis_items() {
        let c = &default_action_cards()[0];
        let items = c.checklist_items();
        assert_eq!(items.len(), c.steps.len());
        assert!(items.iter().all(|i| i.side == Side::CrisisStaff && i.responsible == c.responsible));
    }
}
