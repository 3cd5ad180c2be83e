//! The first ranking a new person sees, before any label.

use vrdndi_rank::{order, Calibration, Context, Preferences, ProfileItem, Ranker, Signal, UserProfile};

use crate::util::*;

/// The test vectors are not e5's: unrelated ones sit near cosine 0.2, related ones near 0.9.
fn ranker() -> Ranker {
    let mut ranker = Ranker::cold_start("test-embedder");
    ranker.cold_mut().calibration = Calibration {
        history_center: 0.4,
        history_spread: 0.15,
        context_center: 0.4,
        context_spread: 0.15,
        relative_center: 0.0,
        relative_spread: 0.15,
    };
    ranker
}

fn profile() -> UserProfile {
    let mut p = UserProfile::new();
    for i in 0..4 {
        let item = ProfileItem {
            video: video(&format!("liked{i:05}"), &format!("Rust tip {i}"), "No Boilerplate"),
            signal: Signal::Liked,
            at: Some(at() - chrono::Duration::days(3 * i)),
            embedding: vector(1, 10 + i as usize, 0.3),
        };
        p.add_item(item).expect("adds");
    }
    p.add_item(ProfileItem {
        video: video("disliked001", "Celebrity gossip", "Gossip Daily"),
        signal: Signal::Disliked,
        at: None,
        embedding: vector(7, 20, 0.3),
    })
    .expect("adds");
    p
}

#[test]
fn a_video_from_a_liked_channel_ranks_above_an_unrelated_one() {
    let ranker = ranker();
    let slate = vec![
        candidate("unrelated01", "Top 10 beaches", "Travel Now", vector(5, 21, 0.3)),
        candidate("fromliked01", "Rust traits explained", "No Boilerplate", vector(1, 22, 0.3)),
        candidate("gossip00001", "More gossip", "Gossip Daily", vector(7, 23, 0.3)),
    ];
    let empty = Context::empty(at(), offset());
    let scores = ranker.score(&profile(), &empty, &slate, &Preferences::default()).expect("scores");
    assert_eq!(order(&scores), ["fromliked01", "unrelated01", "gossip00001"]);
    let liked = &scores[1];
    assert_eq!(liked.reasons[0], "you liked 4 videos from this channel");
    assert!(liked.reasons.iter().any(|r| r.starts_with("like videos you liked: Rust tip")), "{:?}", liked.reasons);
    assert!(scores.iter().all(|s| s.productive == 0.5), "an empty context is neutral");
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(&s.interest) && (0.0..=1.0).contains(&s.final_score)));
    assert_eq!(scores[2].reasons, ["you disliked a video from this channel"]);
}

#[test]
fn a_video_matching_the_context_rises_under_that_context() {
    let ranker = ranker();
    let slate = vec![
        candidate("cooking0001", "Pasta in 10 minutes", "Chef A", vector(3, 24, 0.3)),
        candidate("css00000001", "Flexbox navbar tutorial", "Web Dev B", vector(2, 25, 0.3)),
    ];
    let prefs = Preferences { focus: 1.0, ..Preferences::default() };
    let coding = context(vec![
        token(50, 1500.0, "Code.exe", "navbar.js", vector(2, 26, 0.2)),
        token(20, 300.0, "firefox", "Slack", vector(9, 27, 0.2)),
    ]);
    let evening = context(vec![token(30, 1200.0, "firefox", "Recipes", vector(3, 28, 0.2))]);
    let at_work = ranker.score(&UserProfile::new(), &coding, &slate, &prefs).expect("scores");
    let at_home = ranker.score(&UserProfile::new(), &evening, &slate, &prefs).expect("scores");
    assert_eq!(order(&at_work), ["css00000001", "cooking0001"]);
    assert_eq!(order(&at_home), ["cooking0001", "css00000001"]);
    assert!(at_work[1].productive > 0.6 && at_work[0].productive < 0.5);
    assert_eq!(at_work[1].reasons, ["matches what you were doing: Code - navbar.js"]);
}

#[test]
fn bad_vectors_are_refused_with_the_video_named() {
    let ranker = ranker();
    let mut nan = vector(1, 2, 0.1);
    nan[3] = f32::NAN;
    let slate = vec![candidate("broken00001", "x", "y", nan)];
    let err = ranker.score(&profile(), &Context::empty(at(), offset()), &slate, &Preferences::default()).unwrap_err();
    assert!(err.to_string().contains("broken00001"), "{err}");
    let short = vec![candidate("short000001", "x", "y", vec![1.0; 3])];
    let err = ranker.score(&profile(), &Context::empty(at(), offset()), &short, &Preferences::default()).unwrap_err();
    assert!(err.to_string().contains("dimensions"), "{err}");
}

/// A page sends its first screen as one slate and the tiles it adds while scrolling as small
/// ones; the small ones are read on the first slate's scale, so a tile scores the same alone as
/// it did on that page, and the page's order across requests holds.
#[test]
fn a_tile_scored_alone_after_a_full_slate_keeps_its_score() {
    let ranker = ranker();
    let profile = profile();
    let empty = Context::empty(at(), offset());
    let slate: Vec<_> = (0..12)
        .map(|i| {
            candidate(
                &format!("tile{i:07}"),
                &format!("Video {i}"),
                if i % 3 == 0 { "No Boilerplate" } else { "Other" },
                vector(i % 5, 30 + i, 0.3),
            )
        })
        .collect();
    let page = ranker.score(&profile, &empty, &slate, &Preferences::default()).expect("scores the page");
    for i in [0, 4, 7] {
        let alone = ranker.score(&profile, &empty, &slate[i..=i], &Preferences::default()).expect("scores one tile");
        assert_eq!(alone[0].interest, page[i].interest, "tile {i}");
    }
    // Without a full slate before it, a lone tile has no page to compare with: its within-slate
    // features are 0, and it still gets a score.
    let fresh = self::ranker();
    let lone = fresh.score(&profile, &empty, &slate[4..5], &Preferences::default()).expect("scores");
    assert!((0.0..=1.0).contains(&lone[0].interest));
}
