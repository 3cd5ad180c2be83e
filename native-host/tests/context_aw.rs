//! `vrdndi context` and the ActivityWatch crate against a real aw-server loaded with a real
//! export (a hackathon night on a Windows laptop, shared/data/C1-*), and against dead and hung
//! servers.

#[path = "support/aw_server.rs"]
mod aw_server;
#[path = "support/test_env.rs"]
mod test_env;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aw_server::{c1_export, AwServer};
use chrono::{DateTime, TimeDelta, Utc};
use vrdndi_activitywatch::{AwClient, AwExport, ContextEvent, ContextReply, HostChoice};

const VRDNDI: &str = env!("CARGO_BIN_EXE_vrdndi");

fn t(text: &str) -> DateTime<Utc> {
    text.parse().expect("test time")
}

/// `vrdndi ARGS` with a throwaway data dir and no ActivityWatch address from the environment.
fn vrdndi(args: &[&str]) -> Command {
    let data = std::env::temp_dir().join(format!("vrdndi-context-test-{}", std::process::id()));
    let mut command = Command::new(VRDNDI);
    command.args(args).env("VRDNDI_DATA_DIR", data).env_remove("VRDNDI_AW_URL");
    command
}

fn reply_of(output: &Output) -> ContextReply {
    assert!(output.status.success(), "vrdndi failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not a ContextReply ({e}): {}", String::from_utf8_lossy(&output.stdout)))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port()
}

#[test]
fn the_context_at_three_in_the_morning_is_the_hackathon_work_before_it() {
    let server = AwServer::with_c1();
    let at = "2023-11-19T03:00:00Z";
    let started = Instant::now();
    let output = vrdndi(&["context", "--at", at, "--minutes", "60", "--json", "--aw-url", &server.url()]).output().expect("run vrdndi");
    eprintln!("vrdndi context against aw-server took {:?}", started.elapsed());
    let reply = reply_of(&output);
    let at = t(at);
    assert_eq!(reply.problem, None);
    assert_eq!((reply.at, reply.minutes), (at, 60));
    assert!(reply.events.len() >= 20, "only {} events", reply.events.len());

    // Nothing at or after `at`, nothing before the window, oldest first, no overlaps, no blips.
    for pair in reply.events.windows(2) {
        let end = pair[0].start + TimeDelta::microseconds((pair[0].duration_s * 1e6).round() as i64);
        assert!(end <= pair[1].start, "overlap or disorder: {:?} then {:?}", pair[0], pair[1]);
    }
    for event in &reply.events {
        let end = event.start + TimeDelta::microseconds((event.duration_s * 1e6).round() as i64);
        assert!(event.start >= at - TimeDelta::minutes(60) && end <= at, "{event:?} is outside the window");
        assert!(event.duration_s >= 1.0, "{event:?} is a blip");
    }

    // The laptop's apps that night, as categories.
    let apps: std::collections::BTreeSet<&str> = reply.events.iter().map(|e| e.app.as_str()).collect();
    for app in ["firefox.exe", "Code.exe"] {
        assert!(apps.contains(app), "{app} missing from {apps:?}");
    }

    // Titles carry the page or file, not the app.
    for event in &reply.events {
        for suffix in ["Mozilla Firefox", "Visual Studio Code", "Private Browsing", "Microsoft Edge"] {
            assert!(!event.title.ends_with(suffix), "{suffix} left in {:?}", event.title);
        }
        assert!(!event.title.contains('\u{200B}'), "invisible character in {:?}", event.title);
    }
    assert!(
        reply.events.iter().any(|e| e.app == "Code.exe" && e.title.contains("MHacks [WSL: Ubuntu]")),
        "no VS Code file title: {:#?}",
        reply.events
    );

    // Where Firefox was in front, the web watcher's tab title and url are used.
    let tabs: Vec<_> = reply.events.iter().filter(|e| e.url.is_some()).collect();
    assert!(!tabs.is_empty(), "no browser tab merged in");
    assert!(tabs.iter().all(|e| e.app == "firefox.exe"), "a tab outside Firefox: {tabs:#?}");

    // The laptop was away from 02:37:34 to 02:43:43 (aw-watcher-afk): no activity there.
    let (away_from, away_to) = (t("2023-11-19T02:37:35Z"), t("2023-11-19T02:43:43Z"));
    assert!(!reply.events.iter().any(|e| e.start > away_from && e.start < away_to), "an event while away: {:#?}", reply.events);
    // aw-server 0.12 keeps category rules in the browser, not on the server: none here.
    assert!(reply.events.iter().all(|e| e.category.is_empty()));
}

#[test]
fn the_export_file_gives_the_same_context_as_the_server() {
    let server = AwServer::with_c1();
    let client = AwClient::new(&server.url()).expect("url").with_budget(Duration::from_secs(10));
    let export = AwExport::open(&c1_export()).expect("C1 export");
    let runtime = runtime();
    let times = [
        "2023-11-18T20:30:00Z",
        "2023-11-18T23:40:00Z",
        "2023-11-19T02:40:00Z",
        "2023-11-19T03:00:00Z",
        "2023-11-19T13:26:00Z",
        // Before the first event and after the last: empty from both.
        "2023-11-18T12:00:00Z",
        "2023-11-20T12:00:00Z",
    ];
    let mut compared = 0;
    for at in times {
        for minutes in [15, 60, 360] {
            let from_server = runtime.block_on(client.context_at(t(at), minutes)).expect("server context");
            let from_file = export.context_at(t(at), minutes).expect("export context");
            assert_eq!(from_server, from_file, "at {at}, {minutes} min");
            compared += from_file.len();
        }
    }
    assert!(compared > 500, "compared only {compared} events");

    // The same through the command line's --export.
    let via_cli = reply_of(
        &vrdndi(&["context", "--at", "2023-11-19T03:00:00Z", "--minutes", "60", "--json", "--export"])
            .arg(c1_export())
            .output()
            .expect("run vrdndi"),
    );
    assert_eq!(via_cli.events, export.context_at(t("2023-11-19T03:00:00Z"), 60).expect("context"));
}

/// Without `--minutes`, `context` shows exactly what the model reads: the 30 minutes before, each
/// window's repeats merged into one event, the longest 32, none at or after the time.
#[test]
fn without_minutes_the_context_is_what_the_model_reads() {
    let server = AwServer::with_c1();
    let at = t("2023-11-19T03:00:00Z");
    let reply = reply_of(&vrdndi(&["context", "--at", "2023-11-19T03:00:00Z", "--json", "--aw-url", &server.url()]).output().expect("run"));
    assert_eq!((reply.problem.as_deref(), reply.minutes), (None, 30));
    let raw = AwExport::open(&c1_export()).expect("C1 opens").context_at(at, 30).expect("context");
    assert!(raw.len() > reply.events.len(), "C1 switches windows often in those 30 minutes: {} events", raw.len());
    let model = vrdndi_rank::select_context_events(&raw, at, vrdndi_rank::DEFAULT_LOOKBACK, vrdndi_rank::DEFAULT_MAX_EVENTS);
    // Merged durations are sums: compare them to a microsecond (JSON may round the last bit).
    let key = |e: &ContextEvent| (e.start, e.app.clone(), e.title.clone(), (e.duration_s * 1e6).round() as i64);
    assert_eq!(reply.events.iter().map(key).collect::<Vec<_>>(), model.iter().map(key).collect::<Vec<_>>());
    assert!(!reply.events.is_empty() && reply.events.len() <= vrdndi_rank::DEFAULT_MAX_EVENTS);
    let windows: std::collections::HashSet<(&str, &str)> = reply.events.iter().map(|e| (e.app.as_str(), e.title.as_str())).collect();
    assert_eq!(windows.len(), reply.events.len(), "each window once");
    assert!(reply.events.iter().all(|e| e.start < at && e.start >= at - TimeDelta::minutes(30)));
    assert!(reply.events.windows(2).all(|p| p[0].start <= p[1].start), "oldest first");
}

#[test]
fn status_names_the_buckets_of_the_laptop_and_reading_is_fast() {
    let server = AwServer::with_c1();
    let client = AwClient::new(&server.url()).expect("url");
    let runtime = runtime();
    let status = runtime.block_on(client.status());
    assert!(status.reachable, "{status:?}");
    assert_eq!(status.buckets, ["aw-watcher-window_LAPTOP-MCRJASPH", "aw-watcher-afk_LAPTOP-MCRJASPH", "aw-watcher-web-firefox"]);

    // Timing, warm (the first read also opens the connection).
    for minutes in [60, 360] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let events = runtime.block_on(client.context_at(t("2023-11-19T03:00:00Z"), minutes)).expect("context");
            times.push(started.elapsed());
            assert!(!events.is_empty());
        }
        times.sort();
        eprintln!("context_at over {minutes} min: median {:?}, max {:?}", times[2], times[4]);
        assert!(times[2] < Duration::from_millis(1500), "{times:?}");
    }

    // An exact host that the server does not have is a reason, not a crash.
    let other = AwClient::new(&server.url()).expect("url").with_host(HostChoice::Exact("elsewhere".into()));
    let (events, problem) = runtime.block_on(other.context_or_problem(t("2023-11-19T03:00:00Z"), 60));
    assert!(events.is_empty());
    assert!(problem.expect("a problem").contains("`elsewhere`"));
}

#[test]
fn a_dead_activitywatch_gives_an_empty_context_quickly_and_exit_code_0() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let started = Instant::now();
    let output = vrdndi(&["context", "--json", "--aw-url", &url]).output().expect("run vrdndi");
    let took = started.elapsed();
    eprintln!("vrdndi context against a closed port took {took:?}");
    let reply = reply_of(&output);
    assert!(reply.events.is_empty());
    let problem = reply.problem.expect("a problem");
    assert!(problem.contains("cannot reach ActivityWatch"), "{problem}");
    assert!(took < Duration::from_secs(2), "took {took:?}");

    // The table says so too, and still exits 0.
    let output = vrdndi(&["context", "--aw-url", &url]).output().expect("run vrdndi");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("no context: cannot reach ActivityWatch"));
}

#[test]
fn a_hung_activitywatch_costs_the_time_budget_and_no_more() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let holder = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4) {
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(5));
    });
    let started = Instant::now();
    let reply = reply_of(&vrdndi(&["context", "--json", "--aw-url", &url]).output().expect("run vrdndi"));
    let took = started.elapsed();
    eprintln!("vrdndi context against a hung server took {took:?}");
    assert!(reply.events.is_empty());
    assert!(reply.problem.expect("a problem").contains("did not answer within 1500 ms"));
    // The budget, plus starting the (debug) binary on a busy two-core machine.
    assert!(took >= Duration::from_millis(1500) && took < Duration::from_millis(3000), "took {took:?}");
    drop(holder);
}

#[test]
fn the_table_shows_the_machines_local_time() {
    let server = AwServer::with_c1();
    let output = vrdndi(&["context", "--at", "2023-11-19T03:00:00Z", "--minutes", "10", "--aw-url", &server.url()])
        .env("TZ", "Asia/Tokyo")
        .output()
        .expect("run vrdndi");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("2023-11-19 12:00:00 JST"), "{text}");
    // Rows start with Tokyo times between 11:50 and 12:00.
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("11:5")).collect();
    assert!(rows.len() >= 3, "{text}");
    assert!(text.contains("firefox.exe") || text.contains("Code.exe"), "{text}");
}
