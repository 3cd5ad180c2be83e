//! Importing real Takeouts: every sample in `shared/data/B1-*` and `B3-*` (read where they lie,
//! never copied into the repository), the hand-written fixtures for the layouts that have no real
//! file, a .zip built here from a real folder, and damaged files that must cost only themselves.
//!
//! Expected counts come from each folder's SOURCE.txt where it gives them (events per user, HTML
//! entries, date ranges, share of YouTube Music); the split of those totals into records and skips
//! was counted independently from the raw files and is written next to each assertion.

mod import_support;
#[path = "support/test_env.rs"]
mod test_env;

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use import_support::{b1, b3, by_kind, file, fixture, import, records};
use vrdndi_import::{Format, ImportError, Imported, Position, SkipReason};
use vrdndi_protocol::{HistoryKind, HistoryRecord, Video, VideoKind};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("test time").with_timezone(&Utc)
}

fn times(records: &[HistoryRecord]) -> (DateTime<Utc>, DateTime<Utc>) {
    let times: Vec<DateTime<Utc>> = records.iter().filter_map(|r| r.at).collect();
    (*times.iter().min().expect("has times"), *times.iter().max().expect("has times"))
}

fn kinds(records: &[HistoryRecord]) -> [usize; 4] {
    let count = |kind| records.iter().filter(|r| r.video.as_ref().is_some_and(|v| v.kind == kind)).count();
    [count(VideoKind::Video), count(VideoKind::Short), count(VideoKind::Music), count(VideoKind::Ad)]
}

/// What every watch record must look like, whatever the file: a valid id, a real title without
/// the file's action phrase ("Watched" in every real sample here) and no link in it, a time.
/// (A title may itself start with a word such as the Thai "ดู", "watch": user1 has one.)
fn assert_clean_watches(records: &[HistoryRecord]) {
    for record in records.iter().filter(|r| r.kind == HistoryKind::Watch) {
        let video = record.video.as_ref().expect("a watch has a video");
        assert!(Video::is_valid_id(&video.video_id), "bad id {}", video.video_id);
        assert!(!video.title.trim().is_empty(), "empty title for {}", video.video_id);
        assert!(!video.title.starts_with("Watched"), "action phrase left in the title of {}", video.video_id);
        assert!(!video.title.starts_with("http"), "a link as the title of {}", video.video_id);
        assert!(record.at.is_some(), "no time for {}", video.video_id);
    }
}

fn assert_every_entry_accounted_for(imported: &Imported) {
    for summary in &imported.summary.files {
        assert_eq!(summary.entries, summary.records.total() + summary.skipped_total(), "{}", summary.file);
        let held = records(imported, &summary.file).len() as u64;
        assert_eq!(held, summary.records.total(), "{}", summary.file);
    }
}

#[test]
fn b1_user1_thai_english_watch_and_search_history() {
    let imported = import(&b1("user1_chuan-khuna"));
    assert_every_entry_accounted_for(&imported);
    let watch = file(&imported, "watch-history.json");
    assert_eq!(watch.format, Some(Format::ActivityJson));
    // SOURCE.txt: 8244 events = 7154 titled watches + 108 "a video that has been removed"
    // + 979 whose title is their own link + 3 "Visited YouTube Music".
    assert_eq!(watch.entries, 8244);
    assert_eq!(watch.records.watch, 7154);
    assert_eq!(watch.skipped_for(SkipReason::RemovedVideo), 108);
    assert_eq!(watch.skipped_for(SkipReason::VideoWithoutTitle), 979);
    assert_eq!(watch.skipped_for(SkipReason::NotAVideo), 3);
    let watches = records(&imported, "watch-history.json");
    assert_eq!(kinds(watches), [7148, 5, 1, 0]);
    assert_clean_watches(watches);
    // SOURCE.txt: 2019-06-01..2021-12-30, newest first, and its example time is the newest entry.
    assert_eq!(watches[0].at, Some(at("2021-12-30T17:18:01.492Z")));
    let (oldest, newest) = times(watches);
    assert_eq!((oldest.date_naive().to_string(), newest.date_naive().to_string()), ("2019-06-01".into(), "2021-12-30".into()));
    // Thai titles survive intact (SOURCE.txt: 18% Thai).
    let thai = watches
        .iter()
        .filter(|r| r.video.as_ref().is_some_and(|v| v.title.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))))
        .count();
    assert!(thai * 100 / watches.len() >= 10, "only {thai} Thai titles");
    assert!(watches
        .iter()
        .all(|r| r.video.as_ref().is_some_and(|v| v.channel.is_some() && v.channel_id.as_deref().is_some_and(|c| c.starts_with("UC")))));

    let search = file(&imported, "search-history.json");
    assert_eq!((search.entries, search.records.search), (464, 464));
    let searches = records(&imported, "search-history.json");
    assert!(searches.iter().all(|r| r.text.as_deref().is_some_and(|q| !q.is_empty() && !q.starts_with("Searched for"))));
    assert_eq!(searches[0].at, Some(at("2021-12-05T13:31:05.798Z")));
}

#[test]
fn b1_user3_kpop_history_keeps_youtube_music_apart() {
    let imported = import(&b1("user3_Ten5/watch-history.json"));
    assert_every_entry_accounted_for(&imported);
    let watch = file(&imported, "watch-history.json");
    // SOURCE.txt: 10407 events = 10183 watches + 23 removed + 168 untitled + 33 "Visited YouTube Music".
    assert_eq!(watch.entries, 10407);
    assert_eq!(watch.records.watch, 10183);
    assert_eq!(watch.skipped_for(SkipReason::RemovedVideo), 23);
    assert_eq!(watch.skipped_for(SkipReason::VideoWithoutTitle), 168);
    assert_eq!(watch.skipped_for(SkipReason::NotAVideo), 33);
    let watches = records(&imported, "watch-history.json");
    // SOURCE.txt: "45% YouTube Music" (4633 of 10407 entries carry that header; 4627 are titled watches).
    assert_eq!(kinds(watches), [5287, 269, 4627, 0]);
    assert_clean_watches(watches);
    assert_eq!(watches[0].at, Some(at("2022-04-01T07:59:28.986Z")));
    let (oldest, newest) = times(watches);
    assert_eq!((oldest.date_naive().to_string(), newest.date_naive().to_string()), ("2020-09-14".into(), "2022-04-01".into()));
}

#[test]
fn b1_user6_turkish_history_skips_posts_and_playables() {
    let imported = import(&b1("user6_tunaerol"));
    assert_every_entry_accounted_for(&imported);
    let watch = file(&imported, "watch-history.json");
    // SOURCE.txt: 2952 events = 2920 watches + 23 untitled + 6 community posts + 3 playables.
    assert_eq!(watch.entries, 2952);
    assert_eq!(watch.records.watch, 2920);
    assert_eq!(watch.skipped_for(SkipReason::VideoWithoutTitle), 23);
    assert_eq!(watch.skipped_for(SkipReason::NotAVideo), 9);
    let watches = records(&imported, "watch-history.json");
    // music.youtube.com links are music; `#shorts` titles are Shorts.
    assert_eq!(kinds(watches), [1824, 373, 723, 0]);
    assert_clean_watches(watches);
    let turkish = watches.iter().filter(|r| r.video.as_ref().is_some_and(|v| v.title.contains(['ş', 'ğ', 'ı', 'İ']))).count();
    assert!(turkish >= 50, "only {turkish} titles with Turkish letters");
    let (oldest, newest) = times(watches);
    assert_eq!((oldest.date_naive().to_string(), newest.date_naive().to_string()), ("2024-12-02".into(), "2025-01-08".into()));
    // SOURCE.txt: 2670 distinct videos among the 2943 watch links; the untitled ones are skipped.
    let distinct: HashSet<&str> = watches.iter().filter_map(|r| r.video.as_ref()).map(|v| v.video_id.as_str()).collect();
    assert_eq!(distinct.len(), 2650);
}

#[test]
fn b3_html_watch_history_reads_local_times_with_zone_abbreviations() {
    let imported = import(&b3("html_watch_history_LemmingsCode"));
    assert_every_entry_accounted_for(&imported);
    let html = file(&imported, "watch-history.html");
    assert_eq!(html.format, Some(Format::ActivityHtml));
    // SOURCE.txt: 563 entries; 4 of them have their own link as the title.
    assert_eq!((html.entries, html.records.watch), (563, 559));
    assert_eq!(html.skipped_for(SkipReason::VideoWithoutTitle), 4);
    assert!(html.problems.is_empty(), "{:?}", html.problems);
    let watches = records(&imported, "watch-history.html");
    assert_clean_watches(watches);
    // SOURCE.txt's example entry is the first: "29 Nov 2021, 18:06:16 AEDT" is UTC+11.
    assert_eq!(watches[0].at, Some(at("2021-11-29T07:06:16Z")));
    let first = watches[0].video.as_ref().expect("video");
    assert!(first.channel_id.as_deref().is_some_and(|c| c.starts_with("UC")) && first.channel.is_some());
    // Entities are decoded ("You won&#39;t" reads "You won't").
    assert!(watches.iter().all(|r| r.video.as_ref().is_some_and(|v| !v.title.contains("&#39;") && !v.title.contains("&amp;"))));
    assert!(watches.iter().any(|r| r.video.as_ref().is_some_and(|v| v.title.contains('\''))));
    let (oldest, newest) = times(watches);
    assert_eq!((oldest.date_naive().to_string(), newest.date_naive().to_string()), ("2021-04-20".into(), "2021-11-29".into()));

    let subscriptions = file(&imported, "subscriptions.csv");
    assert_eq!((subscriptions.format, subscriptions.records.subscription), (Some(Format::SubscriptionsCsv), 56));
}

#[test]
fn b3_liked_videos_csv_in_english_and_slovenian() {
    let slovenian = import(&b3("likes_slovenian_locale_mihajanstrehovec/Liked videos.csv"));
    assert_every_entry_accounted_for(&slovenian);
    let likes = file(&slovenian, "Liked videos.csv");
    assert_eq!(likes.format, Some(Format::PlaylistCsv));
    // SOURCE.txt says 1893 liked ids; the file holds 1892 id rows (1897 lines: 4 of headers, the
    // blank line, and a trailing blank line), all distinct.
    assert_eq!((likes.entries, likes.records.like), (1892, 1892));
    let rows = records(&slovenian, "Liked videos.csv");
    let (oldest, newest) = times(rows);
    assert_eq!((oldest, newest), (at("2014-06-24T21:43:11Z"), at("2021-12-03T02:29:59Z")));
    assert!(rows.iter().all(|r| r.video.as_ref().is_some_and(|v| Video::is_valid_id(&v.video_id))));
    // Ids that start with `-` are padded with a space in the file; they come out trimmed.
    assert!(rows.iter().any(|r| r.video.as_ref().is_some_and(|v| v.video_id.starts_with('-'))));

    let english = import(&b3("old_csv_likes_Pizzaboogie"));
    assert_every_entry_accounted_for(&english);
    assert_eq!(file(&english, "Liked videos.csv").records.like, 185);
    assert_eq!(records(&english, "Liked videos.csv")[0].at, Some(at("2022-01-25T19:36:09Z")));
    assert_eq!(file(&english, "subscriptions.csv").records.subscription, 28);
    // Search history with ads: "Visited <app store>" from Google Ads are ad clicks, not videos.
    let search = file(&english, "search-history.json");
    assert_eq!((search.entries, search.records.search), (820, 811));
    assert_eq!(search.skipped_for(SkipReason::AdWithoutVideo), 9);
    assert_eq!(records(&english, "search-history.json")[0].at, Some(at("2022-01-27T19:38:04.887Z")));
}

#[test]
fn b3_takeout_2022_folder_reads_playlists_subscriptions_and_searches() {
    let imported = import(&b3("takeout_2022_RennyCode"));
    assert_every_entry_accounted_for(&imported);
    let playlist = |name: &str| file(&imported, &format!("playlists/{name}.csv"));
    assert_eq!(playlist("Liked videos").records.like, 22);
    for (name, n) in [("Anime", 165), ("Bboy Culture", 13), ("Favorites", 3), ("Watch later", 8), ("Uploads from Rani Itik", 0)] {
        assert_eq!((playlist(name).records.playlist, playlist(name).records.like), (n, 0), "{name}");
        assert!(records(&imported, &format!("{name}.csv")).iter().all(|r| r.text.as_deref() == Some(name)), "{name}");
    }
    assert_eq!(records(&imported, "Anime.csv")[0].at, Some(at("2014-05-25T20:08:26Z")));
    assert_eq!(file(&imported, "subscriptions/subscriptions.csv").records.subscription, 110);
    let search = file(&imported, "history/search-history.json");
    assert_eq!((search.entries, search.records.search, search.skipped_for(SkipReason::AdWithoutVideo)), (7762, 7751, 11));
    assert_eq!(records(&imported, "history/search-history.json")[0].at, Some(at("2021-10-29T08:47:20.363Z")));
    // The old comment export is recognised and left alone, with the reason.
    assert!(imported.summary.ignored.iter().any(|i| i.file.ends_with("my-comments/my-comments.html") && i.reason.contains("comments")));
}

/// The hand-written 2019-20 `likes.json` (no real file exists; see fixtures/README.md).
#[test]
fn likes_json_of_2019_reads_playlist_items() {
    let imported = import(&fixture("takeout-2019-likes"));
    let likes = file(&imported, "playlists/likes.json");
    assert_eq!(likes.format, Some(Format::PlaylistItemsJson));
    assert_eq!((likes.entries, likes.records.like), (4, 2));
    assert_eq!(likes.skipped_for(SkipReason::VideoWithoutTitle), 1);
    assert_eq!(likes.problems.len(), 1);
    assert_eq!(likes.problems[0].position, Position::Entry(4));
    let rows = records(&imported, "likes.json");
    let first = rows[0].video.as_ref().expect("video");
    assert_eq!((first.video_id.as_str(), first.channel.as_deref()), ("Xq3c8dPzN0w", Some("Bread Lab")));
    assert_eq!(rows[0].at, Some(at("2020-07-05T18:27:32Z")));
    // `channelTitle` is the playlist's owner, never the video's channel.
    let second = rows[1].video.as_ref().expect("video");
    assert_eq!((second.title.as_str(), second.channel.as_deref()), ("Rust ownership in ten minutes", None));
}

/// The hand-written 2024 export: `<Name>-videos.csv` playlists, no likes (see fixtures/README.md).
#[test]
fn takeout_2024_reads_name_videos_csv_and_has_no_likes() {
    let imported = import(&fixture("takeout-2024"));
    assert_every_entry_accounted_for(&imported);
    let later = file(&imported, "playlists/Watch later-videos.csv");
    assert_eq!((later.format, later.records.playlist), (Some(Format::PlaylistVideosCsv), 3));
    let rows = records(&imported, "Watch later-videos.csv");
    assert!(rows.iter().all(|r| r.text.as_deref() == Some("Watch later")));
    assert_eq!(rows[1].video.as_ref().map(|v| v.video_id.as_str()), Some("-xT4bN8cW1o"));
    assert_eq!(rows[2].at, Some(at("2023-12-07T15:57:57Z")));
    let cooking = file(&imported, "Cooking-videos.csv");
    assert_eq!((cooking.entries, cooking.records.playlist), (3, 2));
    assert_eq!(cooking.problems.iter().map(|p| p.position).collect::<Vec<_>>(), vec![Position::Line(4)]);
    assert_eq!(file(&imported, "subscriptions.csv").records.subscription, 2);
    assert_eq!(imported.summary.records().like, 0);
    assert!(imported.summary.ignored.iter().any(|i| i.file.ends_with("playlists/playlists.csv")));

    // A playlist named like the likes playlist is likes.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("Liked videos-videos.csv"),
        "Video ID,Playlist Video Creation Timestamp\nHk3vZ9qLm2A,2024-06-01T21:15:40+00:00\n",
    )
    .expect("writes");
    let liked = import(dir.path());
    assert_eq!(by_kind(records(&liked, "Liked videos-videos.csv")).get(&HistoryKind::Like), Some(&1));
}

fn zip_folder(folder: &Path, zip_path: &Path) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(zip_path).expect("creates the zip"));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("lists").map(|e| e.expect("entry").path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = Path::new("Takeout").join(path.strip_prefix(folder).expect("inside"));
            writer.start_file(name.to_string_lossy(), options).expect("starts an entry");
            writer.write_all(&std::fs::read(&path).expect("reads")).expect("writes");
        }
    }
    writer.finish().expect("finishes the zip");
}

#[test]
fn a_takeout_zip_reads_the_same_as_its_folder() {
    let folder = b3("takeout_2022_RennyCode");
    let dir = tempfile::tempdir().expect("temp dir");
    let zip_path = dir.path().join("takeout-20211103T000000Z-001.zip");
    zip_folder(&folder, &zip_path);
    let from_zip = import(&zip_path);
    let from_folder = import(&folder);
    assert!(from_zip.summary.files.iter().all(|f| f.file.starts_with("Takeout/YouTube and YouTube Music/")));
    let sorted = |imported: &Imported| {
        let mut all: Vec<String> = imported.records().map(|r| serde_json::to_string(r).expect("json")).collect();
        all.sort();
        all
    };
    assert_eq!(sorted(&from_zip), sorted(&from_folder));
    assert_eq!(from_zip.summary.records(), from_folder.summary.records());
    assert_eq!(from_zip.summary.records().search, 7751);

    // A zip next to other parts in a folder (Google splits big exports) is read from the folder too.
    let parts = import(dir.path());
    assert_eq!(parts.summary.records(), from_folder.summary.records());

    // A zip cut in half is a clear error naming it.
    let bytes = std::fs::read(&zip_path).expect("reads");
    let cut = dir.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("writes");
    match vrdndi_import::import_path(&cut) {
        Err(ImportError::Zip { path, .. }) => assert_eq!(path, cut),
        other => panic!("a cut zip gave {other:?}"),
    }
}

#[test]
fn a_damaged_file_costs_only_itself_and_bad_entries_only_themselves() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A real history cut mid-way, as an interrupted download leaves it.
    let whole = std::fs::read(b1("user6_tunaerol/watch-history.json")).expect("reads the sample");
    std::fs::write(dir.path().join("watch-history.json"), &whole[..whole.len() / 2]).expect("writes");
    // A file cut inside its first entry, and one that is an object cut short, beside it.
    std::fs::write(dir.path().join("search-history.json"), b"[{\"header\": \"YouTube\", \"title\": ").expect("writes");
    std::fs::write(dir.path().join("subscriptions.json"), b"{\"subscriptions\": [1, 2").expect("writes");
    // Entries 2 and 3 are malformed: a time that is a number, and no title.
    std::fs::write(
        dir.path().join("MyActivity.json"),
        r#"[{"header":"YouTube","title":"Watched One","titleUrl":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","time":"2024-01-01T10:00:00Z"},
            {"header":"YouTube","title":"Watched Two","titleUrl":"https://www.youtube.com/watch?v=aaaaaaaaaaa","time":5},
            {"header":"YouTube","titleUrl":"https://www.youtube.com/watch?v=bbbbbbbbbbb","time":"2024-01-01T11:00:00Z"},
            {"header":"YouTube","title":"Watched Four","titleUrl":"https://www.youtube.com/watch?v=ccccccccccc","time":"2024-01-01T12:00:00Z"}]"#,
    )
    .expect("writes");
    // And an intact real file.
    std::fs::copy(b3("old_csv_likes_Pizzaboogie/Liked videos.csv"), dir.path().join("Liked videos.csv")).expect("copies");

    let imported = import(dir.path());
    let cut = file(&imported, "watch-history.json");
    let error = cut.error.as_deref().expect("the cut file is an error");
    assert!(error.contains("cut short") && error.contains("line"), "{error}");
    // Everything before the cut is kept.
    assert!(cut.records.watch > 1000 && cut.records.watch < 2920, "{} watches", cut.records.watch);
    assert_clean_watches(records(&imported, "watch-history.json"));

    let broken = file(&imported, "search-history.json");
    assert!(broken.error.is_some() && broken.records.total() == 0);
    assert!(file(&imported, "subscriptions.json").error.as_deref().is_some_and(|e| e.contains("cut short")));

    let activity = file(&imported, "MyActivity.json");
    assert_eq!(activity.error, None);
    assert_eq!(activity.records.watch, 2);
    let positions: Vec<Position> = activity.problems.iter().map(|p| p.position).collect();
    assert_eq!(positions, vec![Position::Entry(2), Position::Entry(3)]);
    assert!(activity.problems[1].message.contains("title"), "{:?}", activity.problems[1]);
    assert_eq!(records(&imported, "MyActivity.json")[1].video.as_ref().map(|v| v.title.as_str()), Some("Four"));

    assert_eq!(file(&imported, "Liked videos.csv").records.like, 185);
    assert_eq!(imported.summary.failed_files().count(), 3);
}

/// A Slovenian account's JSON: the template is read off the entry whose title is its own link.
#[test]
fn localized_watched_phrases_never_reach_titles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let entry = |title: &str, id: &str| {
        format!(
            r#"{{"header":"YouTube","title":"{title}","titleUrl":"https://www.youtube.com/watch?v={id}","time":"2024-01-01T10:00:00Z"}}"#
        )
    };
    let text = format!(
        "[{},{},{}]",
        entry("Gledano Kako speči kruh", "aaaaaaaaaaa"),
        entry("Gledano https://www.youtube.com/watch?v=bbbbbbbbbbb", "bbbbbbbbbbb"),
        entry("Gledano Rust v 100 sekundah", "ccccccccccc"),
    );
    std::fs::write(dir.path().join("zgodovina-ogledov.json"), text).expect("writes");
    let imported = import(dir.path());
    let titles: Vec<&str> = imported.records().filter_map(|r| r.video.as_ref()).map(|v| v.title.as_str()).collect();
    assert_eq!(titles, vec!["Kako speči kruh", "Rust v 100 sekundah"]);
    assert_eq!(file(&imported, "zgodovina-ogledov.json").skipped_for(SkipReason::VideoWithoutTitle), 1);
}

#[test]
fn paths_that_hold_no_takeout_are_clear_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(matches!(vrdndi_import::import_path(&dir.path().join("missing.zip")), Err(ImportError::NotFound { .. })));
    match vrdndi_import::import_path(&b3("SOURCE.txt")) {
        Err(ImportError::Unrecognised { path, .. }) => assert!(path.ends_with("SOURCE.txt")),
        other => panic!("SOURCE.txt gave {other:?}"),
    }
    std::fs::write(dir.path().join("notes.txt"), "hello").expect("writes");
    assert!(matches!(vrdndi_import::import_path(dir.path()), Err(ImportError::NothingFound { looked_at: 1, .. })));
    // One file of a Takeout on its own is fine.
    let single = import(&b3("html_watch_history_LemmingsCode/watch-history.html"));
    assert_eq!(single.summary.records().watch, 559);
}

/// No real sample has an ad that is a video or a `/shorts/` link; these entries follow the
/// envelope the real files use (SOURCE.txt of B1 documents the ad detail).
#[test]
fn video_ads_shorts_links_and_music_links_are_kept_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("watch-history.json"),
        r#"[{"header":"YouTube","title":"Watched Try our new phone","titleUrl":"https://www.youtube.com/watch?v=aaaaaaaaaaa","time":"2024-01-01T10:00:00Z","details":[{"name":"From Google Ads"}]},
            {"header":"YouTube","title":"Watched cat jumps","titleUrl":"https://www.youtube.com/shorts/bbbbbbbbbbb","time":"2024-01-01T11:00:00Z"},
            {"header":"YouTube Music","title":"Watched Song","titleUrl":"https://music.youtube.com/watch?v=ccccccccccc","time":"2024-01-01T12:00:00Z"},
            {"header":"YouTube","title":"Watched A talk","titleUrl":"https://youtu.be/ddddddddddd","time":"2024-01-01T13:00:00Z"}]"#,
    )
    .expect("writes");
    let imported = import(dir.path());
    let kinds: Vec<(String, VideoKind)> = imported.records().filter_map(|r| r.video.as_ref()).map(|v| (v.title.clone(), v.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            ("Try our new phone".into(), VideoKind::Ad),
            ("cat jumps".into(), VideoKind::Short),
            ("Song".into(), VideoKind::Music),
            ("A talk".into(), VideoKind::Video),
        ]
    );
    let videos = imported.summary.videos();
    assert_eq!((videos.video, videos.short, videos.music, videos.ad), (1, 1, 1, 1));
}
