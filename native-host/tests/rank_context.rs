//! Context matters: the same slate, scored by the real daemon against a real aw-server loaded with
//! a real ActivityWatch export (a hackathon night, shared/data/C1-*), orders a programming
//! tutorial and a leisure video differently at a time the person was coding and at a time they
//! were reading news and Reddit.
//!
//! The two times were picked by reading the export (`vrdndi context --export ... --at T`):
//! - 2023-11-18T21:20Z: the 30 minutes before are VS Code on `main.py - MHacks`, PowerShell, a
//!   Python window, ChatGPT and GitHub pull requests.
//! - 2023-11-18T23:20Z: the 30 minutes before are mostly news and Reddit (the OpenAI board story
//!   on Ars Technica and Hacker News, the Michigan Daily, r/popculture, r/AmItheAsshole).
//!
//! Window titles reach the model without the browser's or editor's name (the FIELD-NOTES
//! "measured trap": a " — Mozilla Firefox" suffix on every title drowned the topic).

#[path = "support/aw_server.rs"]
mod aw_server;
mod daemon_support;
mod rank_support;
#[path = "support/test_env.rs"]
mod test_env;

use aw_server::AwServer;
use rank_support::{b1_watches, of, ranked, trending, Scored, Session};
use vrdndi_protocol::Video;

const CODING: &str = "2023-11-18T21:20:00Z";
const LEISURE: &str = "2023-11-18T23:20:00Z";

/// A real video by its title from a B1 Takeout.
fn watched(user: &str, title: &str) -> Video {
    b1_watches(user).into_iter().map(|w| w.video).find(|v| v.title == title).unwrap_or_else(|| panic!("{title:?} is not in {user}"))
}

/// A real A1 trending video by id.
fn trending_video(id: &str) -> Video {
    trending().into_iter().map(|t| t.video).find(|v| v.video_id == id).unwrap_or_else(|| panic!("{id} is not in A1"))
}

fn position(scores: &[Scored], id: &str) -> usize {
    ranked(scores).iter().position(|x| x == id).expect("ranked")
}

#[test]
fn a_coding_tutorial_and_a_leisure_video_swap_places_between_coding_time_and_leisure_time() {
    let server = AwServer::with_c1();
    let mut session = Session::new(Some(&server.url()));
    session.start_daemon();
    // Two programming tutorials people really watched (B1), and late-night TV about the NFL
    // protests, celebrity news and college football from the 2017 trending list (A1).
    let tutorials = [
        watched("user3_Ten5", "Longest Common Subsequence (Dynamic Programming)"),
        watched("user6_tunaerol", "Text Analysis with Python: What is text analysis?"),
    ];
    let leisure_video = trending_video("BalEqNEEv2M"); // "Trump Attacks Protesting Athletes: A Closer Look"
    let slate = vec![
        tutorials[0].clone(),
        leisure_video.clone(),
        tutorials[1].clone(),
        trending_video("NJ2asQtT014"), // "Kylie Jenner Is Pregnant! | TMZ News"
        trending_video("y_nuMEtwUW4"), // "Mike Leach Goes Off: Expand the College Football Playoff"
    ];

    let coding = session.score(&slate, Some(CODING));
    let leisure = session.score(&slate, Some(LEISURE));
    for (name, scores) in [("coding", &coding), ("leisure", &leisure)] {
        eprintln!("at {name} time:");
        for s in scores.iter() {
            eprintln!("  {:.3} i {:.3} p {:.3} {} {:?}", s.final_score, s.interest, s.productive, s.id, s.reasons);
        }
    }
    let other = &leisure_video.video_id;
    for tutorial in &tutorials {
        let id = &tutorial.video_id;
        assert!(of(&coding, id).productive > of(&coding, other).productive, "while coding, `{}` fits better", tutorial.title);
        assert!(
            of(&leisure, other).productive > of(&leisure, id).productive,
            "while reading the news, `{}` fits better",
            leisure_video.title
        );
        assert!(position(&coding, id) < position(&coding, other), "coding time: `{}` above the late-night show", tutorial.title);
        assert!(position(&leisure, other) < position(&leisure, id), "leisure time: the late-night show above `{}`", tutorial.title);
    }
    // No history: interest is the same at both times; only the context moved the order.
    for video in &slate {
        assert_eq!(of(&coding, &video.video_id).interest, of(&leisure, &video.video_id).interest);
    }
    let reasons = &of(&coding, &tutorials[0].video_id).reasons;
    assert!(reasons.iter().any(|r| r.starts_with("matches what you were doing: ")), "the fit is explained: {reasons:?}");
}
