//! `extension/protocol.js` mirrors the protocol crate: this test loads it with node and checks every
//! name, code and built message against the Rust definitions, so the two cannot drift. It also
//! checks that the hold stylesheet names the grid and the marks that `selectors.rs` defines.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use vrdndi_protocol::*;
use vrdndi_wasm::problem::Problem;
use vrdndi_wasm::{selectors, settings};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What protocol.js defines, and the messages its builders make, as node sees them.
fn javascript_side() -> Value {
    let script = r#"
        const path = process.argv[1];
        await import(require('node:url').pathToFileURL(path).href);
        const P = globalThis.vrdndiProtocol;
        const video = P.video({ video_id: 'dQw4w9WgXcQ', title: 'Never Gonna Give You Up', channel: 'Rick Astley',
            channel_id: '@RickAstleyYT', duration_s: 213, kind: 'live', evil: '<img onerror=x>' });
        const built = {
            hello: P.build.hello('vrdndi-extension/0.1.0 (test)'),
            rank: P.build.rank([video]),
            feedback: P.build.feedback({ feedbackId: 'f-1', video, kind: 'right_time' }),
            undo: P.build.undo('f-1'),
            watched: P.build.watched({ video, fraction: 0.5, watchedS: 106.5 }),
            status: P.build.status(),
        };
        const { build, video: _v, errorName, ...constants } = P;
        console.log(JSON.stringify({ constants, built, video }));
    "#;
    let path = repo().join("extension/protocol.js");
    let output = Command::new("node")
        .args(["--input-type=module", "-e", &script.replace("require('node:url')", "(await import('node:url'))")])
        .arg(&path)
        .output()
        .expect("node runs (install Node.js 20 with scripts/deps.sh)");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("node printed JSON")
}

fn names<T: serde::Serialize>(values: &[T]) -> Value {
    values.iter().map(|v| serde_json::to_value(v).expect("serializes")).collect()
}

/// Every variant; a variant added in the protocol crate fails to compile here until listed.
fn all_feedback_kinds() -> Vec<FeedbackKind> {
    use FeedbackKind::*;
    let all = vec![Like, Dislike, RemoveLike, Interesting, NotInteresting, RightTime, NotNow];
    for kind in &all {
        match kind {
            Like | Dislike | RemoveLike | Interesting | NotInteresting | RightTime | NotNow => {}
        }
    }
    all
}

fn all_sources() -> Vec<FeedbackSource> {
    use FeedbackSource::*;
    let all = vec![Youtube, Popup, FeedPage, Studio, Import];
    for source in &all {
        match source {
            Youtube | Popup | FeedPage | Studio | Import => {}
        }
    }
    all
}

fn all_video_kinds() -> Vec<VideoKind> {
    use VideoKind::*;
    let all = vec![Video, Short, Live, Upcoming, Premiere, Ad, Music];
    for kind in &all {
        match kind {
            Video | Short | Live | Upcoming | Premiere | Ad | Music => {}
        }
    }
    all
}

fn all_surfaces() -> Vec<Surface> {
    use Surface::*;
    let all = vec![Home, Subscriptions, Watch, Cli];
    for surface in &all {
        match surface {
            Home | Subscriptions | Watch | Cli => {}
        }
    }
    all
}

#[test]
fn protocol_js_names_every_type_code_and_kind_as_rust_does() {
    let js = javascript_side();
    let c = &js["constants"];
    assert_eq!(c["PROTOCOL_VERSION"], json!(PROTOCOL_VERSION));
    assert_eq!(c["HOST_NAME"], json!(HOST_NAME));
    assert_eq!(c["MAX_MESSAGE_BYTES"], json!(MAX_MESSAGE_BYTES));
    assert_eq!(c["REQUEST_TYPES"], json!(REQUEST_TYPES));
    assert_eq!(c["RESPONSE_TYPES"], json!(RESPONSE_TYPES));
    let codes: serde_json::Map<String, Value> = ErrorCode::ALL.iter().map(|code| (code.name().to_owned(), json!(*code as u16))).collect();
    assert_eq!(c["ERROR_CODES"], Value::Object(codes));
    assert_eq!(c["FEEDBACK_KINDS"], names(&all_feedback_kinds()));
    assert_eq!(c["FEEDBACK_SOURCES"], names(&all_sources()));
    assert_eq!(c["VIDEO_KINDS"], names(&all_video_kinds()));
    assert_eq!(c["SURFACES"], names(&all_surfaces()));
    let labels: Vec<&str> = c["LABELS"].as_array().expect("labels").iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(labels, ["interesting", "not_interesting", "right_time", "not_now"]);
    assert_eq!(c["STORAGE_KEY"], json!(settings::STORAGE_KEY));
    assert_eq!(c["SETTINGS_KEYS"], json!(settings::KEYS));
    for code in Problem::CODES {
        assert!(c["PROBLEMS"].get(code).is_some(), "protocol.js PROBLEMS lacks the page's `{code}`");
    }
}

#[test]
fn messages_built_in_javascript_are_requests_the_host_accepts() {
    let js = javascript_side();
    let built = js["built"].as_object().expect("built messages");
    assert_eq!(built.len(), 6);
    for (id, (name, body)) in built.iter().enumerate() {
        let mut message = body.clone();
        message["id"] = json!(id as u64 + 1);
        let text = message.to_string();
        let request = parse_request(&text).unwrap_or_else(|f| panic!("{name}: {}", f.reply.message));
        assert_eq!(request.body.type_name(), name.as_str());
        // Nothing the Rust side would drop or default differently.
        let back = serde_json::to_value(&request).expect("serializes");
        assert_eq!(back, message, "{name} does not round-trip");
    }
    // Untrusted extra fields never reach the host.
    assert!(js["video"].get("evil").is_none());
}

#[test]
fn the_hold_stylesheet_names_the_grid_and_marks_of_selectors_rs() {
    let css = std::fs::read_to_string(repo().join("extension/hold.css")).expect("extension/hold.css");
    for needle in [selectors::HOME_GRID_CONTENTS, selectors::DONE_ATTRIBUTE, selectors::HIDDEN_ATTRIBUTE] {
        assert!(css.contains(needle), "hold.css does not mention `{needle}`");
    }
}
