//! The settings file as an operator writes it: TOML, read by the served process, under the
//! environment and the flags.

mod common;

use common::{bin, forwarded, free_port, request};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

fn settings_file(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("kriseservice.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// `serve` with the settings file; returns once `port` answers `/readyz`, with the start-up output.
fn serve(config: &str, port: u16, env: &[(&str, &str)], extra: &[&str], log: &std::path::Path) -> (common::Node, String) {
    let child = bin()
        .args(["serve", "--config", config])
        .args(extra)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let node = common::Node(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while request(port, "GET", "/readyz", "", None).0 != 200 {
        assert!(Instant::now() < deadline, "no server on port {port}: {}", std::fs::read_to_string(log).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = std::fs::read_to_string(log).unwrap();
    (node, out)
}

#[test]
fn the_settings_file_reaches_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = settings_file(
        dir.path(),
        &format!(
            "# Kriseservice\ndata_dir = {:?}\nlisten = \"127.0.0.1:{port}\"\nchat_rate_limit = 9  # a minute\n\
             trusted_proxies = [\"127.0.0.1\", \"2001:db8::1\"]\n\
             smtp_url = \"smtp://u:pa%23ss@host:587\"  # a `#` in a URL is written %23\n\
             mail_from = \"Kriseservice #DDH <kriseservice@example.dk>\"\n",
            dir.path().join("data")
        ),
    );
    let (_node, out) = serve(&config, port, &[], &[], &dir.path().join("log"));
    // The old parser cut every value at `#` (leaving the sender "Kriseservice", no address)
    // and refused `trusted_proxies` altogether.
    assert!(out.contains("mail smtp://u:***@host:587 from Kriseservice #DDH <kriseservice@example.dk>,"), "{out}");
    assert!(out.contains("trusted proxies [127.0.0.1, 2001:db8::1]") && !out.contains("pa%23ss"), "{out}");
    // The proxies reach the server: each forwarded client has its own chatbot limit.
    let a: Vec<u16> = (0..4).map(|_| forwarded(port, "203.0.113.1")).collect();
    assert_eq!(a, [200, 200, 200, 429]);
    assert_eq!(forwarded(port, "203.0.113.2"), 200);
}

#[test]
fn the_environment_beats_the_file_and_a_flag_beats_both() {
    let dir = tempfile::tempdir().unwrap();
    let (in_file, in_env, in_flag) = (free_port(), free_port(), free_port());
    let config = settings_file(dir.path(), &format!("data_dir = {:?}\nlisten = \"127.0.0.1:{in_file}\"\n", dir.path().join("data")));
    let env_listen = format!("127.0.0.1:{in_env}");
    let env = [("KRISESERVICE_LISTEN", env_listen.as_str())];
    {
        let (_node, out) = serve(&config, in_env, &env, &[], &dir.path().join("log1"));
        assert!(out.contains(&format!("listening on http://127.0.0.1:{in_env}")), "{out}");
        assert_eq!(request(in_file, "GET", "/readyz", "", None).0, 0, "nothing on the file's port");
    }
    let flag = format!("127.0.0.1:{in_flag}");
    let (_node, out) = serve(&config, in_flag, &env, &["--listen", &flag], &dir.path().join("log2"));
    assert!(out.contains(&format!("listening on http://{flag}")), "{out}");
    assert_eq!(request(in_env, "GET", "/readyz", "", None).0, 0, "nothing on the environment's port");
}

fn refused(config: &str) -> Output {
    let out = bin().args(["migrate", "--config", config]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    out
}

#[test]
fn a_bad_settings_file_is_refused_naming_the_file_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = settings_file(dir.path(), "data_dir = \"/tmp/ks\"\ncolour = \"red\"\n");
    let err = String::from_utf8_lossy(&refused(&config).stderr).into_owned();
    assert!(err.contains(&config) && err.contains("unknown field `colour`") && err.contains("line 2"), "{err}");

    let config = settings_file(dir.path(), "data_dir = \"/tmp/ks\"\ntrusted_proxies = [\"10.0.0.x\"]\n");
    let err = String::from_utf8_lossy(&refused(&config).stderr).into_owned();
    assert!(err.contains("trusted_proxies: '10.0.0.x' is not an IP address"), "{err}");

    // The format before TOML: unquoted values.
    let config = settings_file(dir.path(), "data_dir=/var/lib/ks  # data\n");
    let err = String::from_utf8_lossy(&refused(&config).stderr).into_owned();
    assert!(err.contains("settings are TOML: quote text values"), "{err}");
}
