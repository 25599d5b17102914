//! `kriseservice notify test --email E`: one test message through every method of a person,
//! straight to the real servers (SMTP by aiosmtpd, the SMS gateway and the Teams webhook by
//! recording servers on 127.0.0.1), one line per method, and the exit code says whether all went.

mod common;

use common::{Recorder, add_user, bin, data_and_smtp, delivered, verified_method};
use domain::callout::ContactChannel;
use std::time::Duration;

#[test]
fn notify_test_sends_through_every_method_and_says_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let (d, _smtp, maildir, smtp_port) = data_and_smtp(dir.path());
    let d = d.as_str();
    let gateway = Recorder::start(r#"{"ids":[777]}"#);
    let teams = Recorder::start("{}");
    add_user(d, None, "leder@example.invalid", "crisis_leader", "DDH");
    verified_method(d, "leder@example.invalid", ContactChannel::Email, "leder@example.invalid");
    verified_method(d, "leder@example.invalid", ContactChannel::Sms, "+4520304050");
    verified_method(d, "leder@example.invalid", ContactChannel::Teams, "staben");

    let (smtp_url, sms_url, hook) = (format!("smtp://127.0.0.1:{smtp_port}"), gateway.url("/rest/mtsms"), teams.url("/hook"));
    let notify = |email: &str| {
        bin()
            .args(["notify", "test", "--data-dir", d, "--email", email, "--smtp-url", &smtp_url, "--mail-from", "kriseservice@ddh.invalid"])
            .args(["--sms-gateway", "gatewayapi", "--sms-url", &sms_url, "--teams-webhook", &format!("staben={hook}")])
            .output()
            .unwrap()
    };
    let out = notify("leder@example.invalid");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        ["email leder@example.invalid: sent", "sms +4520304050: sent (provider reference 777)", "teams staben: sent"],
        "{stdout}"
    );
    let mail = delivered(&maildir, Duration::from_secs(10));
    assert_eq!((mail["to"].as_str(), mail["subject"].as_str()), (Some("leder@example.invalid"), Some("Test fra Kriseservice")));
    let sms = gateway.requests().remove(0).json();
    assert_eq!(sms["recipients"][0]["msisdn"], 4520304050u64);
    assert!(sms["message"].as_str().unwrap().contains("test af din kontaktmetode"), "{sms}");
    assert_eq!(teams.requests().remove(0).json()["attachments"][0]["content"]["body"][0]["text"], "Test fra Kriseservice");

    // A team without a webhook fails, and so does the whole command.
    verified_method(d, "leder@example.invalid", ContactChannel::Teams, "ukendt");
    let out = notify("leder@example.invalid");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("teams ukendt: failed: no Teams webhook for the team 'ukendt'"), "{stdout}");

    let out = notify("ingen@example.invalid");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user with e-mail ingen@example.invalid"));
}
