//! The chatbot's rate limit as a served process sees it: per client address, from the real
//! connection, configured with `--chat-rate-limit`.

mod common;

use common::{forwarded, free_port, request, start_with};

#[test]
fn the_chatbot_refuses_a_client_that_sends_too_fast() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    // 9 a minute: a burst of 3, then one every ~7 s.
    let _node = start_with(dir.path().to_str().unwrap(), port, &["--chat-rate-limit", "9", "--crisis-line", "70000000"]);
    let body = r#"{"message":"hej"}"#;
    let statuses: Vec<u16> = (0..5).map(|_| request(port, "POST", "/api/v1/chat", "", Some(body)).0).collect();
    assert_eq!(statuses, [200, 200, 200, 429, 429], "the burst, then refused");
    let (_, refused) = request(port, "POST", "/api/v1/chat", "", Some(body));
    assert!(refused.contains("\"rate_limited\"") && refused.contains("try again in"), "{refused}");
}

#[test]
fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _node = start_with(dir.path().to_str().unwrap(), port, &["--chat-rate-limit", "9", "--trusted-proxies", "127.0.0.1"]);
    let a: Vec<u16> = (0..4).map(|_| forwarded(port, "203.0.113.1")).collect();
    assert_eq!(a, [200, 200, 200, 429]);
    assert_eq!(forwarded(port, "203.0.113.2"), 200, "another citizen behind the same load balancer");
    // A client cannot pick a fresh address by writing its own on the left.
    assert_eq!(forwarded(port, "198.51.100.7, 203.0.113.1"), 429);
}
