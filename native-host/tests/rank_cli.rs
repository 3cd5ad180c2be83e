//! `vrdndi score` and the browser's `rank` with the real binary, the real daemon and the real
//! e5-small model: history and likes lift their channels above unrelated trending videos; the
//! JSON has one object per candidate in the file's order; without the model, a clear error that
//! names the setup step (and `model_unavailable` for the browser, whose page then stays as it is).

mod daemon_support;
mod rank_support;
#[path = "support/test_env.rs"]
mod test_env;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use daemon_support::Host;
use rank_support::{b1_watches, of, ranked, status, trending, Scored, Session};
use serde_json::{json, Value};
use test_env::model_env;
use vrdndi_protocol::{ErrorCode, FeedRequest, FeedbackKind, FeedbackRequest, FeedbackSource, RequestBody, ResponseBody, Video};

/// A Takeout with an English-language history: true-crime stories, animation, music.
const USER: &str = "user6_tunaerol";
/// The newest watches are held out: the candidates come from there, the import from before.
const HELD_OUT: usize = 300;

fn like(client: &mut vrdndi::daemon::DaemonClient, feedback_id: &str, video: &Video) {
    let request = FeedbackRequest {
        feedback_id: feedback_id.into(),
        video: video.clone(),
        kind: FeedbackKind::Like,
        source: FeedbackSource::Youtube,
        at: None,
    };
    match client.call(RequestBody::Feedback(request)).expect("answered") {
        ResponseBody::Ack(ack) => assert!(ack.stored),
        other => panic!("feedback answered {other:?}"),
    }
}

#[test]
fn after_a_takeout_and_a_few_likes_videos_from_those_channels_rise_above_unrelated_trending_videos() {
    let watches = b1_watches(USER);
    let (recent, past) = watches.split_at(HELD_OUT);
    let past_ids: HashSet<&str> = past.iter().map(|w| w.video.video_id.as_str()).collect();
    let mut per_channel: HashMap<&str, usize> = HashMap::new();
    for w in past {
        *per_channel.entry(w.video.channel.as_deref().unwrap_or_default()).or_default() += 1;
    }
    let mut channels: Vec<(&str, usize)> = per_channel.iter().map(|(c, n)| (*c, *n)).collect();
    channels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // The three channels watched most before the cut, with two videos each that came after it.
    let mut held: Vec<Video> = Vec::new();
    let mut chosen: Vec<&str> = Vec::new();
    for (channel, _) in &channels {
        let later: Vec<&Video> = recent
            .iter()
            .map(|w| &w.video)
            .filter(|v| v.channel.as_deref() == Some(*channel) && !past_ids.contains(v.video_id.as_str()))
            .fold(Vec::new(), |mut seen: Vec<&Video>, v| {
                if !seen.iter().any(|s| s.video_id == v.video_id) {
                    seen.push(v);
                }
                seen
            });
        if later.len() >= 2 {
            held.extend(later.into_iter().take(2).cloned());
            chosen.push(channel);
        }
        if chosen.len() == 3 {
            break;
        }
    }
    assert_eq!(chosen.len(), 3, "the Takeout has fewer channels than the test needs: {channels:?}");
    let liked_channel = chosen[0];
    let history_channels: HashSet<&str> = per_channel.keys().copied().collect();
    let unrelated: Vec<Video> = trending()
        .into_iter()
        .map(|t| t.video)
        .filter(|v| !history_channels.contains(v.channel.as_deref().unwrap_or_default()))
        .step_by(97)
        .take(24)
        .collect();
    let slate: Vec<Video> = unrelated.iter().chain(&held).cloned().collect();

    // Ranked at the moment after the imported part, as `vrdndi eval` ranks a test day: the history
    // is years old, and a channel's weight fades with the time since it was watched.
    let at = recent.last().expect("held-out watches").at.clone();
    let at = Some(at.as_str());
    let mut session = Session::new(None);
    session.start_daemon();
    let before = session.score(&slate, at);
    let first = before[0].interest;
    assert!(before.iter().all(|s| s.interest == first), "no history: every video is as interesting as any: {before:?}");
    assert_eq!(ranked(&before)[0], slate[0].video_id, "ties keep the slate's order");

    // The older part of the real history, as its own Takeout file, through `vrdndi import`.
    let takeout = tempfile::tempdir().expect("temp dir");
    let file = takeout.path().join("watch-history.json");
    let raw: Vec<&Value> = past.iter().map(|w| &w.raw).collect();
    std::fs::write(&file, serde_json::to_vec(&raw).expect("JSON")).expect("writes the slice");
    let import = session.vrdndi(&["import", "takeout", file.to_str().expect("utf-8"), "--json"]).output().expect("runs import");
    assert!(import.status.success(), "import failed: {}", String::from_utf8_lossy(&import.stderr));
    // Three likes in the browser for videos of the most watched channel.
    let mut client = session.client();
    for (i, w) in past.iter().filter(|w| w.video.channel.as_deref() == Some(liked_channel)).take(3).enumerate() {
        like(&mut client, &format!("like-{i}"), &w.video);
    }

    // The feed page opened right after the import ranks with the history embedded (it waits for
    // that background step), so its reasons already name watched videos instead of changing a
    // moment later.
    let feed = match client.call(RequestBody::Feed(FeedRequest { offset: 0, limit: 100, at: None })).expect("answered") {
        ResponseBody::Feed(feed) => feed,
        other => panic!("feed answered {other:?}"),
    };
    let similar = feed.items.iter().filter(|i| i.reasons.iter().any(|r| r.starts_with("like videos you watched"))).count();
    assert!(similar > 0, "no feed item is explained by a watched video: {:?}", feed.items.iter().map(|i| &i.reasons).collect::<Vec<_>>());

    // Right away (channel counts and whatever history is cached), and once the recent history
    // is embedded: both must put the person's channels first.
    let right_away = session.score(&slate, at);
    session.wait_for_embeddings(Duration::from_secs(5), Duration::from_secs(300));
    let settled = session.score(&slate, at);
    for (when, scores) in [("right after the import", &right_away), ("with the history embedded", &settled)] {
        let mut unrelated_scores: Vec<(f32, &str)> =
            unrelated.iter().map(|v| (of(scores, &v.video_id).final_score, v.title.as_str())).collect();
        unrelated_scores.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (best_unrelated, median_unrelated) = (unrelated_scores[0].0, unrelated_scores[unrelated_scores.len() / 2].0);
        eprintln!("{when}: unrelated trending best {:?}, median {median_unrelated:.3}", unrelated_scores[0]);
        for video in &held {
            let s = of(scores, &video.video_id);
            eprintln!("  {:.3} {:.3} {:?} {:?}", s.final_score, s.interest, video.title, s.reasons);
            assert!(s.final_score > of(&before, &video.video_id).final_score, "{when}: `{}` did not rise", video.title);
            // A liked channel beats every unrelated video; a watched one beats the typical one
            // (a trending video can resemble the history, and then it may rightly score high).
            let (bar, name) = match video.channel.as_deref() == Some(liked_channel) {
                true => (best_unrelated, "the best"),
                false => (median_unrelated, "the median"),
            };
            assert!(
                s.final_score > bar,
                "{when}: `{}` ({:?}) scored {} under {name} unrelated trending video ({bar})",
                video.title,
                video.channel,
                s.final_score
            );
            let channel = video.channel.as_deref().unwrap_or_default();
            let count = past.iter().filter(|w| w.video.channel.as_deref() == Some(channel)).map(|w| &w.video.video_id);
            let distinct = count.collect::<HashSet<_>>().len();
            let expected = if channel == liked_channel {
                "you liked 3 videos from this channel".to_owned()
            } else {
                format!("you watched {distinct} videos from this channel")
            };
            assert!(s.reasons.contains(&expected), "{when}: {:?} lacks {expected:?}", s.reasons);
        }
        let order = ranked(scores);
        let liked: Vec<&String> = held.iter().filter(|v| v.channel.as_deref() == Some(liked_channel)).map(|v| &v.video_id).collect();
        assert!(liked.iter().all(|id| order[..held.len()].contains(id)), "{when}: the liked channel leads: {order:?}");
    }
    // On the CPU the daemon picks the int8 graph when the model folder has one (setup makes it).
    let model = status(&mut session.client()).model;
    assert_eq!((model.device.as_deref(), model.precision.as_deref()), (Some("cpu"), Some("int8")), "{model:?}");
}

#[test]
fn score_json_is_one_object_per_candidate_in_the_files_order_and_bad_lines_are_skipped_by_number() {
    let mut session = Session::new(None);
    session.start_daemon();
    let videos: Vec<Video> = trending().into_iter().map(|t| t.video).skip(40).take(12).collect();
    let mut lines: Vec<String> = videos.iter().map(|v| serde_json::to_string(v).expect("JSON")).collect();
    lines.insert(2, "{\"video_id\": \"not json".into());
    lines.insert(6, "{\"video_id\":\"short\",\"title\":\"x\"}".into());
    let file = session.candidates_file("mixed.jsonl", &[]);
    std::fs::write(&file, lines.join("\n") + "\n").expect("writes");
    // One ranking time for every call: the final score weighs the context by the time of day (a
    // ramp into working hours), so calls seconds apart near 9:00 would differ in the fifth digit.
    let at = "2024-06-05T14:00:00Z";
    let output = session.vrdndi(&["score", "--candidates", file.to_str().expect("utf-8"), "--at", at, "--json"]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("mixed.jsonl:3: skipped: not a video"), "{stderr}");
    assert!(stderr.contains("mixed.jsonl:7: skipped: `short` is not a YouTube video id"), "{stderr}");

    let json: Vec<Value> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    let ids: Vec<&str> = json.iter().map(|o| o["id"].as_str().expect("id")).collect();
    let expected: Vec<&str> = videos.iter().map(|v| v.video_id.as_str()).collect();
    assert_eq!(ids, expected, "one object per good line, in the file's order");
    for object in &json {
        let keys: HashSet<&str> = object.as_object().expect("an object").keys().map(String::as_str).collect();
        assert_eq!(keys, HashSet::from(["id", "final", "interest", "productive", "reasons"]), "{object}");
        for key in ["final", "interest", "productive"] {
            let value = object[key].as_f64().expect("a number");
            assert!((0.0..=1.0).contains(&value), "{key} = {value}");
        }
        assert!(object["reasons"].as_array().expect("reasons").len() <= 3);
    }

    // The table: best first, with the model's name.
    let table = session.vrdndi(&["score", "--candidates", file.to_str().expect("utf-8"), "--at", at]).output().expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(table.status.success(), "{}", String::from_utf8_lossy(&table.stderr));
    assert!(text.starts_with("12 candidates scored by multilingual-e5-small@"), "{text}");
    assert!(text.contains("(2 lines skipped)"), "{text}");
    let scores: Vec<Scored> = serde_json::from_slice(&output.stdout).expect("scores");
    let best = ranked(&scores)[0].clone();
    let best_title = &videos.iter().find(|v| v.video_id == best).expect("best").title;
    let first_row = text.lines().nth(2).expect("a first row");
    assert!(first_row.trim_start().starts_with("1  "), "{first_row}");
    assert!(first_row.contains(&best_title.chars().take(40).collect::<String>()), "{first_row} is not {best_title}");
    assert_eq!(text.lines().count(), 2 + videos.len());

    // The browser's `rank` reaches the same code: same scores, and an impression per ranking.
    let mut host = Host::start(&session.dir);
    let reply = host.request(&json!({"id": 1, "type": "rank", "surface": "home", "tiles": videos, "at": at}));
    let ResponseBody::Ranked(ranked_reply) = reply.body else { panic!("rank answered {:?}", reply.body) };
    for (tile, cli) in ranked_reply.scores.iter().zip(&scores) {
        assert_eq!((tile.video_id.as_str(), tile.final_score, &tile.reasons), (cli.id.as_str(), cli.final_score, &cli.reasons));
    }
    assert_eq!(ranked_reply.order, ranked(&scores));
    assert!(ranked_reply.model.starts_with("multilingual-e5-small@") && ranked_reply.model.ends_with("+cold-start"));
    host.finish();
    assert_eq!(status(&mut session.client()).counts.impressions, 3);
}

#[test]
fn without_the_model_score_names_the_setup_step_and_the_browser_gets_model_unavailable() {
    let (ort, _) = model_env();
    let empty = tempfile::tempdir().expect("temp dir");
    let mut session = Session::with_models(None, ort, empty.path().to_path_buf());
    session.start_daemon();
    let videos: Vec<Video> = trending().into_iter().map(|t| t.video).take(3).collect();

    let output = session.score_output(&videos, None, &["--json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "scoring without a model succeeded");
    assert!(output.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&output.stdout));
    assert!(stderr.contains("scripts/setup.sh") && stderr.contains("model_unavailable"), "{stderr}");
    assert!(stderr.contains("model.onnx") || stderr.contains("tokenizer.json"), "names the missing file: {stderr}");

    let mut host = Host::start(&session.dir);
    let reply = host.request(&json!({"id": 9, "type": "rank", "surface": "home", "tiles": videos}));
    assert_eq!(reply.id, Some(9));
    match reply.body {
        ResponseBody::Error(error) => {
            assert_eq!(error.code, ErrorCode::ModelUnavailable);
            assert!(error.message.contains("scripts/setup.sh"), "{}", error.message);
        }
        other => panic!("rank without a model answered {other:?}"),
    }
    // The store still works: the page's likes are kept.
    let like = json!({"id": 10, "type": "feedback", "feedback_id": "f1", "video": videos[0], "kind": "like"});
    assert!(matches!(host.request(&like).body, ResponseBody::Ack(_)));
    host.finish();
    let status = status(&mut session.client());
    assert!(status.model.problem.as_deref().is_some_and(|p| p.contains("scripts/setup.sh")), "{:?}", status.model);
    assert_eq!(status.counts.labels, 1);
}

/// A daemon stopped (SIGTERM) while it embeds the history in the background exits 0: it lets
/// no new model call start and waits for the chunk under way (ONNX Runtime crashed at exit when
/// a thread was inside it while loading; see `daemon::run`).
#[test]
fn a_daemon_stopped_while_it_embeds_the_history_exits_cleanly() {
    let watches = b1_watches(USER);
    let takeout = tempfile::tempdir().expect("temp dir");
    let file = takeout.path().join("watch-history.json");
    let raw: Vec<&Value> = watches.iter().map(|w| &w.raw).collect();
    std::fs::write(&file, serde_json::to_vec(&raw).expect("JSON")).expect("writes the Takeout");
    let slate: Vec<Video> = trending().into_iter().map(|t| t.video).take(4).collect();
    for round in 0..3 {
        let mut session = Session::new(None);
        session.start_daemon();
        let import = session.vrdndi(&["import", "takeout", file.to_str().expect("utf-8")]).output().expect("runs import");
        assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
        session.score(&slate, None);
        std::thread::sleep(Duration::from_millis(300 * round));
        let embedded = status(&mut session.client()).counts.embeddings;
        // `stop_daemon` checks the exit status: 0, not a signal.
        session.stop_daemon();
        eprintln!("round {round}: stopped with {embedded} vectors cached");
    }
}
