//! The store daemon, driven through the real `vrdndi` binary: several writers at once, a daemon
//! killed mid-stream, daemons racing for one data dir, a stale socket, bad frames, idle exit.
//!
//! Every test uses its own short data dir under /tmp (Unix socket paths are limited to about 100
//! bytes) and [`DataDir`] kills any daemon still serving it when the test ends, so no test leaves
//! a daemon behind, even when it fails.

mod daemon_support;

use std::collections::HashSet;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use daemon_support::{feedback, status, DataDir, RunningDaemon};
use vrdndi::daemon::{ClientError, DaemonClient};
use vrdndi_protocol::{Ack, ErrorCode, Response, ResponseBody};

/// The same story through `DaemonClient` from two threads, both starting the daemon at once.
#[test]
fn two_clients_racing_to_start_the_daemon_store_every_label_once() {
    let dir = DataDir::new();
    let workers: Vec<_> = (0..2)
        .map(|me| {
            let dir = dir.clone_config();
            std::thread::spawn(move || {
                let mut client = DaemonClient::connect_or_spawn_with(&dir.config, &dir.spawn_options()).expect("connects");
                let mut stored = 0;
                for i in 0..200 {
                    stored += usize::from(send_feedback(&mut client, &format!("c{me}-{i}"), i).stored);
                    if i % 4 == 3 {
                        for id in [format!("c{me}-{}", i - 1), format!("c{}-{i}", 1 - me)] {
                            stored += usize::from(send_feedback(&mut client, &id, i).stored);
                        }
                    }
                }
                stored
            })
        })
        .collect();
    let stored: usize = workers.into_iter().map(|w| w.join().expect("client worker")).sum();
    assert_eq!(stored, 400);
    let mut client = DaemonClient::connect(&dir.config).expect("the daemon is still up");
    assert_eq!(status(&mut client).counts.labels, 400);
    drop(client);
    let labels = dir.open_store_after_daemon_exits().labels().expect("labels");
    let ids: HashSet<String> = labels.iter().map(|l| l.feedback_id.clone()).collect();
    let expected: HashSet<String> = (0..2).flat_map(|c| (0..200).map(move |i| format!("c{c}-{i}"))).collect();
    assert_eq!((labels.len(), ids), (400, expected));
}

/// SIGKILL at a random moment while two clients stream feedback: after a restart every
/// acknowledged feedback is there. Three rounds, each killed at a different moment.
#[test]
fn a_daemon_killed_mid_stream_loses_nothing_it_acknowledged() {
    let dir = DataDir::new();
    let acked: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").subsec_nanos() ^ std::process::id();
    for round in 0..3u32 {
        let mut daemon = RunningDaemon::start(&dir);
        let streams: Vec<_> = (0..2)
            .map(|stream| {
                let config = dir.config.clone();
                let acked = Arc::clone(&acked);
                std::thread::spawn(move || {
                    let Ok(mut client) = DaemonClient::connect(&config) else { return };
                    for i in 0.. {
                        let id = format!("r{round}-s{stream}-{i}");
                        match client.call(feedback_body(&id, i)) {
                            Ok(ResponseBody::Ack(Ack { stored: true })) => acked.lock().expect("lock").push((id, i)),
                            Ok(other) => panic!("feedback {id} answered {other:?}"),
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        let delay = 100 + (seed.rotate_left(round * 7) % 400) as u64;
        std::thread::sleep(Duration::from_millis(delay));
        daemon.kill();
        for stream in streams {
            stream.join().expect("stream");
        }
        eprintln!("round {round}: killed after {delay} ms, {} acked so far", acked.lock().expect("lock").len());
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > 10, "too few writes before the kills to prove anything: {}", acked.len());

    let mut daemon = RunningDaemon::start(&dir);
    let mut client = DaemonClient::connect(&dir.config).expect("connects");
    for (id, i) in &acked {
        assert_eq!(send_feedback(&mut client, id, *i), Ack { stored: false }, "acknowledged feedback {id} was lost");
    }
    drop(client);
    let status = daemon.terminate();
    assert!(status.success(), "SIGTERM exits 0, got {status}");
    let store = dir.open_store_after_daemon_exits();
    for (id, i) in &acked {
        let label = store.label(id).expect("reads").expect("present");
        assert_eq!(label.video_id, video_id(*i));
    }
}

/// Two daemons started at once for one data dir: one serves, the other exits 0, and clients
/// started at the same moment all get answers.
#[test]
fn of_two_racing_daemons_one_serves_and_the_other_exits_quietly() {
    for _ in 0..4 {
        let dir = DataDir::new();
        let mut first = RunningDaemon::start(&dir);
        let mut second = RunningDaemon::start(&dir);
        let clients: Vec<_> = (0..3)
            .map(|_| {
                let dir = dir.clone_config();
                std::thread::spawn(move || {
                    let mut client = DaemonClient::connect_or_spawn_with(&dir.config, &dir.spawn_options()).expect("connects");
                    status(&mut client).protocol
                })
            })
            .collect();
        for client in clients {
            assert_eq!(client.join().expect("client"), vrdndi_protocol::PROTOCOL_VERSION);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let (loser, winner) = loop {
            if let Some(code) = first.exited() {
                break (code, &mut second);
            }
            if let Some(code) = second.exited() {
                break (code, &mut first);
            }
            assert!(Instant::now() < deadline, "neither daemon gave way");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(loser.success(), "the losing daemon exits 0, got {loser}");
        assert!(winner.exited().is_none(), "the winner keeps serving");
        let mut client = DaemonClient::connect(&dir.config).expect("the winner answers");
        assert_eq!(send_feedback(&mut client, "after-the-race", 1), Ack { stored: true });
        drop(client);
        let status = winner.terminate();
        assert!(status.success(), "SIGTERM exits 0, got {status}");
    }
}

/// A daemon killed hard leaves its socket file behind; the next client starts a daemon that
/// removes it (holding the store lock first) and serves, with the earlier data intact.
#[test]
fn a_stale_socket_from_a_killed_daemon_is_recovered() {
    let dir = DataDir::new();
    let mut daemon = RunningDaemon::start(&dir);
    let mut client = DaemonClient::connect(&dir.config).expect("connects");
    assert_eq!(send_feedback(&mut client, "before-the-kill", 1), Ack { stored: true });
    drop(client);
    daemon.kill();
    assert!(dir.config.socket_path().exists(), "SIGKILL leaves the socket file");
    match DaemonClient::connect(&dir.config) {
        Err(ClientError::Connect { source, .. }) => assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused),
        Err(other) => panic!("expected a refused connection, got {other}"),
        Ok(_) => panic!("nothing should answer on a stale socket"),
    }

    let mut client = DaemonClient::connect_or_spawn_with(&dir.config, &dir.spawn_options()).expect("recovers");
    assert_eq!(send_feedback(&mut client, "before-the-kill", 1), Ack { stored: false });
    assert_eq!(status(&mut client).counts.labels, 1);
}

/// A file that is not a socket at all where the socket goes is removed too.
#[test]
fn a_leftover_file_at_the_socket_path_is_replaced() {
    let dir = DataDir::new();
    std::fs::create_dir_all(&dir.config.data_dir).expect("data dir");
    std::fs::write(dir.config.socket_path(), "left over").expect("write");
    let mut client = DaemonClient::connect_or_spawn_with(&dir.config, &dir.spawn_options()).expect("recovers");
    assert_eq!(status(&mut client).counts.labels, 0);
}

/// Frames the protocol refuses get an error reply with a stable code, and the connection keeps
/// serving.
#[test]
fn bad_frames_get_error_replies_and_the_connection_keeps_serving() {
    let dir = DataDir::new();
    let _daemon = RunningDaemon::start(&dir);
    let mut stream = UnixStream::connect(dir.config.socket_path()).expect("connects");
    let mut exchange = |payload: &[u8], declared: u32| -> Response {
        stream.write_all(&declared.to_ne_bytes()).expect("writes");
        stream.write_all(payload).expect("writes");
        let text = vrdndi::daemon::framing::read_text(&mut stream).expect("reads").expect("a reply");
        serde_json::from_str(&text).expect("a protocol reply")
    };
    let code = |response: Response| match response.body {
        ResponseBody::Error(error) => (response.id, error.code),
        other => panic!("expected an error, got {other:?}"),
    };
    assert_eq!(code(exchange(b"{not json", 9)), (None, ErrorCode::InvalidJson));
    assert_eq!(code(exchange(b"\xff\xfe{}", 4)), (None, ErrorCode::InvalidUtf8));
    assert_eq!(code(exchange(br#"{"id":4,"type":"dance"}"#, 23)), (Some(4), ErrorCode::UnknownType));
    let feedback = br#"{"id":5,"type":"feedback","feedback_id":"x","video":{"video_id":"short"},"kind":"like"}"#;
    assert_eq!(code(exchange(feedback, feedback.len() as u32)), (Some(5), ErrorCode::InvalidRequest));
    let rank = br#"{"id":6,"type":"rank","tiles":[{"video_id":"short"}]}"#;
    assert_eq!(code(exchange(rank, rank.len() as u32)), (Some(6), ErrorCode::InvalidRequest));
    let undo = br#"{"id":7,"type":"undo","feedback_id":"never-given"}"#;
    assert_eq!(code(exchange(undo, undo.len() as u32)), (Some(7), ErrorCode::NotFound));
    let oversized = vec![b' '; vrdndi_protocol::MAX_MESSAGE_BYTES + 1];
    assert_eq!(code(exchange(&oversized, oversized.len() as u32)), (None, ErrorCode::MessageTooLarge));

    let hello = br#"{"id":8,"type":"hello","protocol":1}"#;
    let reply = exchange(hello, hello.len() as u32);
    assert_eq!(reply.id, Some(8));
    let ResponseBody::Hello(hello) = reply.body else { panic!("expected hello, got {:?}", reply.body) };
    assert_eq!(hello.capabilities, vrdndi_protocol::REQUEST_TYPES);
}

/// With no connection for VRDNDI_IDLE_EXIT_SECS the daemon exits 0 and takes its socket along.
#[test]
fn an_idle_daemon_exits_and_removes_its_socket() {
    let dir = DataDir::new();
    let mut daemon = RunningDaemon::start_with_idle(&dir, Duration::from_millis(300));
    let mut client = DaemonClient::connect(&dir.config).expect("connects");
    std::thread::sleep(Duration::from_millis(600));
    assert!(daemon.exited().is_none(), "an open connection keeps the daemon up");
    assert_eq!(status(&mut client).counts.labels, 0);
    drop(client);
    let code = daemon.wait_for_exit(Duration::from_secs(5)).expect("exits when idle");
    assert!(code.success(), "{code}");
    assert!(!dir.config.socket_path().exists());
}

/// `vrdndi status --json` starts the daemon and prints the StatusReply.
#[test]
fn status_json_prints_the_daemons_status() {
    let dir = DataDir::new();
    let output = dir.vrdndi(&["status", "--json"]).output().expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let status: vrdndi_protocol::StatusReply = serde_json::from_slice(&output.stdout).expect("StatusReply JSON");
    assert_eq!(status.data_dir, dir.config.data_dir.display().to_string());
    assert_eq!(status.counts, vrdndi_protocol::StoreCounts::default());
    let text = dir.vrdndi(&["status"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&text.stdout).contains("0 labels"));
}

fn send_feedback(client: &mut DaemonClient, id: &str, i: usize) -> Ack {
    match client.call(feedback_body(id, i)).expect("answered") {
        ResponseBody::Ack(ack) => ack,
        other => panic!("feedback {id} answered {other:?}"),
    }
}

fn feedback_body(id: &str, i: usize) -> vrdndi_protocol::RequestBody {
    serde_json::from_value::<vrdndi_protocol::Request>(feedback(0, id, i)).expect("a request").body
}

fn video_id(i: usize) -> String {
    daemon_support::video_id(i)
}

/// Clients that arrive just as an idle daemon is exiting still get answers: each one either
/// reaches the exiting daemon (which drains its backlog) or starts the next one.
#[test]
fn clients_arriving_at_the_idle_exit_are_all_answered() {
    let dir = DataDir::new();
    let options = dir.spawn_options().with_idle_exit(Duration::from_millis(60));
    for round in 0..25u64 {
        let mut client = DaemonClient::connect_or_spawn_with(&dir.config, &options).expect("connects");
        assert_eq!(status(&mut client).protocol, vrdndi_protocol::PROTOCOL_VERSION, "round {round}");
        drop(client);
        std::thread::sleep(Duration::from_millis(40 + (round * 7) % 40));
    }
}

/// An import through the daemon is idempotent, and its videos become known.
#[test]
fn importing_the_same_records_twice_adds_nothing_the_second_time() {
    let dir = DataDir::new();
    let mut client = DaemonClient::connect_or_spawn_with(&dir.config, &dir.spawn_options()).expect("connects");
    let records: Vec<vrdndi_protocol::HistoryRecord> = serde_json::from_value(serde_json::json!([
        {"kind": "watch", "video": {"video_id": video_id(1), "title": "One"}, "at": "2024-03-01T20:00:00Z"},
        {"kind": "watch", "video": {"video_id": video_id(1), "title": "One"}, "at": "2024-03-02T20:00:00Z"},
        {"kind": "search", "text": "sled transactions", "at": "2024-03-01T19:59:00Z"},
    ]))
    .expect("records");
    let import =
        || vrdndi_protocol::RequestBody::Import(vrdndi_protocol::ImportRequest { source: "test".into(), records: records.clone() });
    let imported = |body| match body {
        ResponseBody::Imported(reply) => (reply.added, reply.duplicates),
        other => panic!("expected imported, got {other:?}"),
    };
    assert_eq!(imported(client.call(import()).expect("answered")), (3, 0));
    assert_eq!(imported(client.call(import()).expect("answered")), (0, 3));
    let counts = status(&mut client).counts;
    assert_eq!((counts.history, counts.videos), (3, 1));
}
