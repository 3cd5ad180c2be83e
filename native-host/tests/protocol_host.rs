//! The real `vrdndi` binary, started as a browser starts it, over its stdin and stdout: valid
//! requests, hostile frames, and the ways a browser can hang up.

mod protocol_util;

use protocol_util::{assert_error, frame, DataDir, Host, Out, ORIGIN};
use serde_json::Value;
use vrdndi_protocol::{MAX_MESSAGE_BYTES, PROTOCOL_VERSION, REQUEST_TYPES};

#[test]
fn hello_reports_the_protocol_version_and_every_request_type() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let reply = host.ask(r#"{"id":1,"type":"hello","protocol":1,"client":"vrdndi-extension/0.1.0 (chrome)"}"#);
    assert_eq!(reply["type"], "hello");
    assert_eq!(reply["id"], 1);
    assert_eq!(reply["protocol"], PROTOCOL_VERSION);
    assert_eq!(reply["host_version"], env!("CARGO_PKG_VERSION"));
    let capabilities: Vec<&str> = reply["capabilities"].as_array().expect("a list").iter().map(|c| c.as_str().expect("names")).collect();
    assert_eq!(capabilities, REQUEST_TYPES);
    let (status, _) = host.finish();
    assert_eq!(status.code(), Some(0));
}

/// The extension says hello when a YouTube page starts loading; the daemon (and its model) should
/// be starting by then, not when the first tiles ask to be ranked.
#[test]
fn hello_starts_the_daemon_in_the_background_before_any_request_needs_it() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    assert!(data.daemon_pids().is_empty());
    let reply = host.ask(r#"{"id":1,"type":"hello","protocol":1}"#);
    assert_eq!(reply["type"], "hello");
    assert!(data.wait_for_daemon(true), "a daemon serves the data dir after a hello alone");
    assert_eq!(data.daemon_pids().len(), 1);
    // The connection made in the background serves the first request.
    let status = host.ask(r#"{"id":2,"type":"status"}"#);
    assert_eq!((status["type"].clone(), status["id"].clone()), (Value::from("status"), Value::from(2)), "{status}");
    let (exit, _) = host.finish();
    assert_eq!(exit.code(), Some(0));
}

/// A browser keeps its host running, and the host its daemon connection, for as long as the
/// browser runs. The host lets go of the daemon after the idle time (2 s here), so the daemon and
/// its model can exit while nobody uses them; the next request starts one again.
#[test]
fn an_idle_host_lets_the_daemon_exit_and_the_next_request_starts_it_again() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    assert_eq!(host.ask(r#"{"id":1,"type":"status"}"#)["type"], "status");
    assert_eq!(data.daemon_pids().len(), 1);
    assert!(data.wait_for_daemon(false), "the daemon is still running while its only client, the host, is idle");
    let again = host.ask(r#"{"id":2,"type":"status"}"#);
    assert_eq!((again["type"].clone(), again["id"].clone()), (Value::from("status"), Value::from(2)), "{again}");
    assert_eq!(data.daemon_pids().len(), 1, "the next request started a daemon again");
    let (exit, _) = host.finish();
    assert_eq!(exit.code(), Some(0));
}

/// A page that said hello and then asked nothing (not Home, say) must not pin the daemon either.
#[test]
fn a_hello_alone_does_not_keep_the_daemon_running() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    assert_eq!(host.ask(r#"{"id":1,"type":"hello","protocol":1}"#)["type"], "hello");
    assert!(data.wait_for_daemon(true), "the hello started a daemon");
    assert!(data.wait_for_daemon(false), "the daemon exited while the host idled after the hello");
    host.finish();
}

#[test]
fn hello_from_another_protocol_version_is_refused_with_what_to_do() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let reply = host.ask(r#"{"id":2,"type":"hello","protocol":2}"#);
    assert_error(&reply, Some(2), "unsupported_version");
    assert!(reply["message"].as_str().expect("message").contains("update"), "{reply}");
    host.finish();
}

#[test]
fn status_is_answered_by_the_daemon_the_host_starts() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let reply = host.ask(r#"{"id":3,"type":"status"}"#);
    assert_eq!(reply["type"], "status", "{reply}");
    assert_eq!(reply["id"], 3);
    assert_eq!(reply["data_dir"], data.path.display().to_string());
    assert_eq!(reply["protocol"], PROTOCOL_VERSION);
    // The same connection serves the next request.
    let again = host.ask(r#"{"id":4,"type":"status"}"#);
    assert_eq!((again["type"].clone(), again["id"].clone()), (Value::from("status"), Value::from(4)));
    let (status, _) = host.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn firefox_launch_arguments_start_the_host_too() {
    let data = DataDir::new();
    let manifest = data.root().join("org.vrdndi.host.json");
    std::fs::write(&manifest, "{}").expect("write a manifest");
    let manifest = manifest.to_str().expect("utf-8 path").to_owned();
    let mut host = Host::start(&data, &[&manifest, "vrdndi@vrdndi.org"]);
    assert_eq!(host.ask(r#"{"id":1,"type":"hello","protocol":1}"#)["type"], "hello");
    host.finish();
    assert!(data.log_text().contains("firefox:vrdndi@vrdndi.org"), "the log names the caller");
}

/// Each hostile message gets its own error, with the id when it could be read, and the host
/// keeps serving the same connection.
#[test]
fn malformed_messages_get_their_error_and_the_host_keeps_serving() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let cases: &[(&[u8], Option<u64>, &str)] = &[
        (b"{\"id\":1,\"type\":", None, "invalid_json"),
        (b"not json at all", None, "invalid_json"),
        (b"", None, "invalid_json"),
        (b"[1,2,3]", None, "invalid_json"),
        (b"\"a string\"", None, "invalid_json"),
        (b"42", None, "invalid_json"),
        (br#"{"id":5,"type":"teleport"}"#, Some(5), "unknown_type"),
        (br#"{"type":"status"}"#, None, "invalid_request"),
        (br#"{"id":-1,"type":"status"}"#, None, "invalid_request"),
        (br#"{"id":"7","type":"status"}"#, None, "invalid_request"),
        (br#"{"id":8}"#, Some(8), "invalid_request"),
        (br#"{"id":9,"type":7}"#, Some(9), "invalid_request"),
        (br#"{"id":10,"type":"rank"}"#, Some(10), "invalid_request"),
        (br#"{"id":11,"type":"rank","tiles":"dQw4w9WgXcQ"}"#, Some(11), "invalid_request"),
        (br#"{"id":12,"type":"watched","video":{"video_id":"dQw4w9WgXcQ"},"fraction":"most"}"#, Some(12), "invalid_request"),
        (br#"{"id":13,"type":"feedback","feedback_id":"f","video":{"video_id":"dQw4w9WgXcQ"},"kind":"love"}"#, Some(13), "invalid_request"),
        (b"{\"id\":14,\"type\":\"status\",\"x\":\"\xff\xfe\"}", None, "invalid_utf8"),
        (b"\xc3\x28", None, "invalid_utf8"),
    ];
    for (body, id, name) in cases {
        let reply = host.ask_body(body);
        assert_error(&reply, *id, name);
    }
    assert_eq!(host.ask(r#"{"id":99,"type":"hello","protocol":1}"#)["type"], "hello", "still serving");
    let (status, _) = host.finish();
    assert_eq!(status.code(), Some(0));
    let log = data.log_text();
    assert!(log.contains(ORIGIN), "the log names the caller");
    assert!(log.contains("unknown message type `teleport`"), "the log holds the failure's detail");
}

#[test]
fn an_oversized_frame_is_refused_and_the_next_frame_is_served() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let big = format!(r#"{{"id":1,"type":"status","pad":"{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let reply = host.ask(&big);
    assert_error(&reply, None, "message_too_large");
    assert!(reply["message"].as_str().expect("message").contains(&MAX_MESSAGE_BYTES.to_string()));
    assert_eq!(host.ask(r#"{"id":2,"type":"hello","protocol":1}"#)["id"], 2, "the frame after it is read in step");
    let (status, _) = host.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_frame_of_exactly_one_mib_is_read_as_a_message() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let head = r#"{"id":3,"type":"hello","protocol":1,"client":""#;
    let tail = r#""}"#;
    let body = format!("{head}{}{tail}", "c".repeat(MAX_MESSAGE_BYTES - head.len() - tail.len()));
    assert_eq!(body.len(), MAX_MESSAGE_BYTES);
    assert_eq!(host.ask(&body)["type"], "hello");
    host.finish();
}

#[test]
fn input_ending_inside_a_body_gets_malformed_frame_and_a_clean_exit() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let mut bytes = frame(br#"{"id":1,"type":"status"}"#);
    bytes.truncate(12);
    host.send_bytes(&bytes);
    host.close_stdin();
    assert_error(&host.reply(), None, "malformed_frame");
    let (status, _) = host.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn input_ending_inside_a_length_prefix_gets_malformed_frame_and_a_clean_exit() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    assert_eq!(host.ask(r#"{"id":1,"type":"hello","protocol":1}"#)["type"], "hello");
    host.send_bytes(&[7, 0]);
    host.close_stdin();
    assert_error(&host.reply(), None, "malformed_frame");
    let (status, _) = host.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn input_ending_inside_an_oversized_body_exits_cleanly() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    host.send_bytes(&((8 * 1024 * 1024) as u32).to_ne_bytes());
    host.send_bytes(&vec![b'x'; 100_000]);
    host.close_stdin();
    assert_error(&host.reply(), None, "malformed_frame");
    let (status, _) = host.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn stdin_closing_at_once_exits_0_and_writes_nothing() {
    let data = DataDir::new();
    let host = Host::chrome(&data);
    let (status, stderr) = host.finish();
    assert_eq!(status.code(), Some(0));
    assert_eq!(stderr, "", "host mode logs to the file, not stderr");
    assert!(data.log_text().contains("started by the browser"));
}

/// A store that cannot start costs a `store_unavailable` reply that says what to do, the host
/// keeps serving, and the next request tries again (and succeeds once the problem is gone).
#[test]
fn an_unreachable_store_is_store_unavailable_and_the_next_request_retries() {
    let data = DataDir::new();
    // A file where the data dir should be: neither the daemon nor the log file can start.
    std::fs::write(&data.path, "in the way").expect("block the data dir");
    let mut host = Host::chrome(&data);
    let reply = host.ask(r#"{"id":1,"type":"status"}"#);
    assert_error(&reply, Some(1), "store_unavailable");
    assert!(reply["message"].as_str().expect("message").contains("vrdndi status"), "{reply}");
    assert_eq!(host.ask(r#"{"id":2,"type":"hello","protocol":1}"#)["type"], "hello", "still serving");

    std::fs::remove_file(&data.path).expect("unblock the data dir");
    let reply = host.ask(r#"{"id":3,"type":"status"}"#);
    assert_eq!(reply["type"], "status", "the next request connects again: {reply}");
    let (status, stderr) = host.finish();
    assert_eq!(status.code(), Some(0));
    assert!(stderr.contains("cannot open the log file"), "without a log file the host logs to stderr: {stderr}");
    assert!(stderr.contains("store daemon unreachable"), "{stderr}");
}

/// The browser says hello first, so the host's background attempt to reach a broken store is
/// already under way when the first real request comes: that request gets the attempt's failure,
/// not a second full wait after it, and so within the extension's 15 s timeout for a ranking
/// (a contract of the protocol: past it the popup could only say "no reply", not why).
#[test]
fn after_a_hello_a_broken_store_fails_the_next_request_once_within_the_extension_timeout() {
    let data = DataDir::new();
    std::fs::write(&data.path, "in the way").expect("block the data dir");
    let mut host = Host::chrome(&data);
    assert_eq!(host.ask(r#"{"id":1,"type":"hello","protocol":1}"#)["type"], "hello");
    let asked = std::time::Instant::now();
    let reply = host.ask(r#"{"id":2,"type":"status"}"#);
    let waited = asked.elapsed();
    assert_error(&reply, Some(2), "store_unavailable");
    assert!(waited < std::time::Duration::from_secs(15), "the reply took {waited:?}: two waits for a daemon that cannot start");
    std::fs::remove_file(&data.path).expect("unblock the data dir");
    assert_eq!(host.ask(r#"{"id":3,"type":"status"}"#)["type"], "status", "the next request connects again");
    host.finish();
}

#[test]
fn replies_come_back_in_request_order_when_frames_arrive_together() {
    let data = DataDir::new();
    let mut host = Host::chrome(&data);
    let mut burst = Vec::new();
    for id in 1..=20u64 {
        let body = if id % 2 == 0 { format!(r#"{{"id":{id},"type":"hello","protocol":1}}"#) } else { "garbage".to_owned() };
        burst.extend(frame(body.as_bytes()));
    }
    host.send_bytes(&burst);
    for id in 1..=20u64 {
        let reply = host.reply();
        if id % 2 == 0 {
            assert_eq!(reply["id"], id);
        } else {
            assert_error(&reply, None, "invalid_json");
        }
    }
    assert!(matches!(host.finish().0.code(), Some(0)));
}

trait AskBody {
    fn ask_body(&mut self, body: &[u8]) -> Value;
}

impl AskBody for Host {
    fn ask_body(&mut self, body: &[u8]) -> Value {
        self.send_body(body);
        match self.next() {
            Out::Frame(value) => value,
            other => panic!("expected a reply to {:?}, got {other:?}", String::from_utf8_lossy(body)),
        }
    }
}
