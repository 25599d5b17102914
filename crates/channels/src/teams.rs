//! A message for a Teams channel: an Adaptive Card 1.5 wrapped as a Workflows webhook expects it
//! ("Post to a channel when a webhook request is received"). Workflows cannot post a button press
//! back, so the acknowledgement is an `Action.OpenUrl` to the message's one-click link.

use serde_json::{Value, json};

/// The Adaptive Card version written; Teams renders 1.5 on desktop, web and mobile.
pub const CARD_VERSION: &str = "1.5";

/// The card alone: the title (bold, large, wrapping), the text (wrapping), and a button that opens
/// `link` when one is given.
pub fn card(title: &str, text: &str, link: Option<(&str, &str)>) -> Value {
    let mut card = json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        // No `lang`: the adaptivecards library checks it with a global (stateful) regex, so every
        // other card it parses reports "da" as invalid. Teams renders in the reader's language anyway.
        "body": [
            { "type": "TextBlock", "text": title, "size": "Large", "weight": "Bolder", "wrap": true, "style": "heading" },
            { "type": "TextBlock", "text": text, "wrap": true },
        ],
    });
    if let Some((label, url)) = link {
        card["actions"] = json!([{ "type": "Action.OpenUrl", "title": label, "url": url, "style": "positive" }]);
    }
    card
}

/// The webhook's request body: the card as the one attachment of a message.
pub fn webhook_message(title: &str, text: &str, link: Option<(&str, &str)>) -> Value {
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card(title, text, link),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_is_a_workflows_message_with_an_open_url_button() {
        let m = webhook_message("Udkald: Strømsvigt", "Du kaldes ud som kriseleder.", Some(("Kvittér", "https://k.dk/kvittering/ab")));
        assert_eq!(m["type"], "message");
        let a = &m["attachments"][0];
        assert_eq!(a["contentType"], "application/vnd.microsoft.card.adaptive");
        let c = &a["content"];
        assert_eq!((c["type"].as_str(), c["version"].as_str()), (Some("AdaptiveCard"), Some("1.5")));
        assert_eq!(c["body"][0]["text"], "Udkald: Strømsvigt");
        assert_eq!(c["body"][1]["text"], "Du kaldes ud som kriseleder.");
        assert_eq!(
            c["actions"][0],
            json!({"type": "Action.OpenUrl", "title": "Kvittér", "url": "https://k.dk/kvittering/ab", "style": "positive"})
        );
        assert!(webhook_message("t", "x", None)["attachments"][0]["content"].get("actions").is_none());
    }
}
