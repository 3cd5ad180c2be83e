//! Every piece of YouTube markup Vrdndi relies on, each with the layout it matches.
//!
//! YouTube renames elements in staged A/B rollouts (`ytd-rich-grid-media` became
//! `yt-lockup-view-model`; the `-wiz` class suffixes came and went; the like buttons were rewritten
//! twice). Keeping every selector here means a redesign touches this file and its fixture pages in
//! `tests/browser/fixtures/`, and nothing else: the rest of the crate works on typed tiles.
//! Selectors are lists joined with `,` so that one query covers every generation still in rollout.

// ---------------------------------------------------------------------------------------------
// Home page
// ---------------------------------------------------------------------------------------------

/// The Home page's browse element. YouTube keeps one `ytd-browse` per visited page type and hides
/// the inactive ones with the `hidden` attribute, so the `page-subtype` picks Home's among them.
pub const HOME_BROWSE: &str = r#"ytd-browse[page-subtype="home"]"#;

/// The Home grid's own list, whose direct children are tiles, shelves, ad slots and the
/// continuation spinner (layout since 2023: `ytd-rich-grid-renderer > #contents`, one flat list
/// styled as rows by CSS; the older `ytd-rich-grid-row` wrappers are gone and not supported).
/// A shelf (`ytd-rich-section-renderer`) has its own nested `#contents`, hence the child combinator.
pub const HOME_GRID_CONTENTS: &str = r#"ytd-browse[page-subtype="home"] ytd-rich-grid-renderer > #contents"#;

/// A grid item: one tile, or an ad slot wearing the same wrapper.
pub const RICH_ITEM: &str = "ytd-rich-item-renderer";

/// A full-width section between rows: the Shorts shelf, "Breaking news", "Latest posts", and
/// promoted banners. Sections stay where YouTube put them.
pub const RICH_SECTION: &str = "ytd-rich-section-renderer";

/// The spinner that asks for the next batch when it scrolls into view; always the last child.
pub const CONTINUATION: &str = "ytd-continuation-item-renderer";

/// Ads and promoted slots inside a grid item: `ytd-ad-slot-renderer` (in-feed ads since 2022),
/// the older `ytd-display-ad-renderer` / `ytd-promoted-video-renderer`, and the in-feed
/// `ytd-in-feed-ad-layout-renderer`. They are never moved and never sent to the host.
pub const AD_SLOT: &str = "ytd-ad-slot-renderer, ytd-display-ad-renderer, ytd-promoted-video-renderer, \
    ytd-in-feed-ad-layout-renderer, ytd-promoted-sparkles-web-renderer";

/// A Shorts shelf inside a section: `ytd-rich-shelf-renderer[is-shorts]` (2022 to 2025) or the
/// newer `grid-shelf-view-model` holding `ytm-shorts-lockup-view-model(-v2)` items.
pub const SHORTS_SHELF: &str = "ytd-rich-shelf-renderer[is-shorts], grid-shelf-view-model, \
    ytd-reel-shelf-renderer";

/// A grid item holding a short instead of a video (the Shorts lockups also appear as single items
/// in some rollouts).
pub const SHORTS_LOCKUP: &str = "ytm-shorts-lockup-view-model-v2, ytm-shorts-lockup-view-model, \
    ytd-reel-item-renderer";

// ---------------------------------------------------------------------------------------------
// One tile
// ---------------------------------------------------------------------------------------------

/// The tile's body, current generation first: `yt-lockup-view-model` (rolled out 2025, classes
/// `yt-lockup-view-model__*`, earlier `yt-lockup-view-model-wiz__*`) and `ytd-rich-grid-media`
/// (Polymer, 2019 to 2025).
pub const TILE_BODY: &str = "yt-lockup-view-model, ytd-rich-grid-media, ytm-shorts-lockup-view-model-v2, \
    ytm-shorts-lockup-view-model";

/// The link that carries the video id. Lockup: the thumbnail `a.yt-lockup-view-model__content-image`
/// and the title link; Polymer: `a#thumbnail` and `a#video-title-link`; Shorts: `a.shortsLockupViewModelHostEndpoint`
/// or `a.reel-item-endpoint`. Any `/watch?v=` or `/shorts/` link inside the tile is the fallback.
pub const TILE_LINK: &str = "a.yt-lockup-view-model__content-image, a.yt-lockup-view-model-wiz__content-image, \
    a.yt-lockup-metadata-view-model__title, a.yt-lockup-metadata-view-model-wiz__title, \
    a#video-title-link, a#thumbnail, a.shortsLockupViewModelHostEndpoint, a.reel-item-endpoint, \
    a[href^=\"/watch?\"], a[href^=\"/shorts/\"]";

/// The title. Lockup: `.yt-lockup-metadata-view-model__title` (its text, or the `title` of its
/// `h3` heading); Polymer: `#video-title` (with a `title` attribute on `#video-title-link`);
/// Shorts: `.shortsLockupViewModelHostMetadataTitle`.
pub const TILE_TITLE: &str = ".yt-lockup-metadata-view-model__title, .yt-lockup-metadata-view-model-wiz__title, \
    #video-title, .shortsLockupViewModelHostMetadataTitle";

/// The `h3` of a lockup whose `title` attribute holds the untruncated title.
pub const TILE_TITLE_HEADING: &str = "h3[title]";

/// The channel's name link. Lockup: the first metadata row's link
/// (`.yt-content-metadata-view-model__metadata-row a`, `-wiz` before 2025); Polymer:
/// `ytd-channel-name a`. Its text is the channel's name and its `href` the handle or id.
pub const TILE_CHANNEL_LINK: &str = ".yt-content-metadata-view-model__metadata-row a, \
    .yt-content-metadata-view-model-wiz__metadata-row a, ytd-channel-name a, #channel-name a";

/// The avatar link, which names the channel only by its `href` (used when the name link has none).
/// Lockup: `.yt-lockup-metadata-view-model__avatar a`; Polymer: `a#avatar-link`.
pub const TILE_AVATAR_LINK: &str = ".yt-lockup-metadata-view-model__avatar a, yt-decorated-avatar-view-model a, \
    a#avatar-link";

/// The duration badge on the thumbnail. Lockup: `badge-shape` inside `yt-thumbnail-badge-view-model`
/// (text `.yt-badge-shape__text`, older `.badge-shape-wiz__text`); Polymer:
/// `ytd-thumbnail-overlay-time-status-renderer #text` (whose `overlay-style` is `DEFAULT`).
pub const DURATION_BADGE: &str = "yt-thumbnail-badge-view-model .yt-badge-shape__text, \
    yt-thumbnail-badge-view-model .badge-shape-wiz__text, yt-thumbnail-badge-view-model badge-shape, \
    ytd-thumbnail-overlay-time-status-renderer #text, ytd-thumbnail-overlay-time-status-renderer";

/// A live stream now. Lockup: `badge-shape` with the `--thumbnail-live` modifier (`yt-badge-shape`
/// since 2025, `badge-shape-wiz` before); Polymer: `overlay-style="LIVE"` on the time status or a
/// `badge-style-type-live-now` meta badge.
pub const LIVE_BADGE: &str = ".yt-badge-shape--thumbnail-live, .badge-shape-wiz--thumbnail-live, \
    ytd-thumbnail-overlay-time-status-renderer[overlay-style=\"LIVE\"], .badge-style-type-live-now, \
    .badge-style-type-live-now-alternate";

/// Scheduled but not started (a premiere or an upcoming stream). Polymer: `overlay-style="UPCOMING"`;
/// lockup: the `--thumbnail-upcoming` badge modifier, or the metadata row's "Scheduled for" text that
/// we do not read (language-dependent).
pub const UPCOMING_BADGE: &str = ".yt-badge-shape--thumbnail-upcoming, .badge-shape-wiz--thumbnail-upcoming, \
    ytd-thumbnail-overlay-time-status-renderer[overlay-style=\"UPCOMING\"], .badge-style-type-upcoming";

/// A premiere among the upcoming: YouTube marks them with `premiere` in the badge's class
/// (`.yt-badge-shape--thumbnail-premiere`) or `overlay-style="PREMIERE"` on Polymer tiles.
pub const PREMIERE_BADGE: &str = ".yt-badge-shape--thumbnail-premiere, \
    ytd-thumbnail-overlay-time-status-renderer[overlay-style=\"PREMIERE\"], .badge-style-type-premiere";

/// The metadata line's items (views, "3 days ago"). Lockup: spans of the second metadata row;
/// Polymer: `#metadata-line .inline-metadata-item`. The last one is the relative upload time.
pub const TILE_METADATA_ITEM: &str = ".yt-content-metadata-view-model__metadata-row:last-child span.yt-core-attributed-string, \
    .yt-content-metadata-view-model-wiz__metadata-row:last-child span, #metadata-line .inline-metadata-item";

/// The channel's name where it is text without a link: the compact tiles beside a watch page
/// (`ytd-compact-video-renderer`) show `ytd-channel-name #text` only.
pub const TILE_CHANNEL_NAME: &str = "ytd-channel-name #text";

// ---------------------------------------------------------------------------------------------
// Pages whose videos are read but not reordered: the feed page offers them
// ---------------------------------------------------------------------------------------------

/// The subscriptions feed's grid: the same rich grid as Home's, in the `ytd-browse` whose
/// `page-subtype` is `subscriptions` (2023 to now).
pub const SUBSCRIPTIONS_GRID_CONTENTS: &str = r#"ytd-browse[page-subtype="subscriptions"] ytd-rich-grid-renderer > #contents"#;

/// A video of the subscriptions grid: its own grid items, not those of a shelf inside it (ads wear
/// the same wrapper and are skipped).
pub const SUBSCRIPTIONS_TILE: &str = ":scope > ytd-rich-item-renderer";

/// The related videos beside a watch page (`#secondary`), one list for every generation.
pub const RELATED_LIST: &str = "ytd-watch-next-secondary-results-renderer";

/// A related video: `ytd-compact-video-renderer` (Polymer, to 2025) or a `yt-lockup-view-model`
/// (2025, inside `ytd-item-section-renderer`). Mixes and playlists use other renderers
/// (`ytd-compact-radio-renderer`, `ytd-compact-playlist-renderer`) and are not videos.
pub const RELATED_TILE: &str = "ytd-compact-video-renderer, yt-lockup-view-model";

// ---------------------------------------------------------------------------------------------
// Watch page
// ---------------------------------------------------------------------------------------------

/// Where the like buttons live, most specific first (watch page layout since 2022:
/// `ytd-watch-metadata` holds `#actions` and its `#top-level-buttons-computed`). Tried in this
/// order; observing the first found for `aria-pressed` keeps the observer off the rest of the page.
pub const WATCH_ACTIONS: [&str; 3] =
    ["ytd-watch-metadata #top-level-buttons-computed", "ytd-watch-metadata #actions", "#top-level-buttons-computed"];

/// The like button, newest first: `segmented-like-dislike-button-view-model` > `like-button-view-model`
/// (2023 to now; the `button` carries `aria-pressed`), a lone `like-button-view-model` (videos with
/// dislikes hidden), and `ytd-segmented-like-dislike-button-renderer #segmented-like-button`
/// (Polymer, 2021 to 2023; Return YouTube Dislike still handles it).
pub const LIKE_BUTTON: &str = "segmented-like-dislike-button-view-model like-button-view-model button[aria-pressed], \
    like-button-view-model button[aria-pressed], \
    ytd-segmented-like-dislike-button-renderer #segmented-like-button button[aria-pressed], \
    ytd-toggle-button-renderer#segmented-like-button button[aria-pressed]";

/// The dislike button for the same three generations.
pub const DISLIKE_BUTTON: &str = "segmented-like-dislike-button-view-model dislike-button-view-model button[aria-pressed], \
    dislike-button-view-model button[aria-pressed], \
    ytd-segmented-like-dislike-button-renderer #segmented-dislike-button button[aria-pressed], \
    ytd-toggle-button-renderer#segmented-dislike-button button[aria-pressed]";

/// The attribute YouTube toggles on both like buttons in every generation.
pub const PRESSED_ATTRIBUTE: &str = "aria-pressed";

/// Something a person presses to like or dislike: the gesture that makes an `aria-pressed`
/// change ours to report (YouTube also flips it when it loads a video that was liked before).
pub const LIKE_AREA: &str = "segmented-like-dislike-button-view-model, like-button-view-model, \
    dislike-button-view-model, ytd-segmented-like-dislike-button-renderer, ytd-toggle-button-renderer";

/// The watch page's title: `ytd-watch-metadata h1` (2022 to now), older `h1.title`.
pub const WATCH_TITLE: &str = "ytd-watch-metadata h1 yt-formatted-string, ytd-watch-metadata h1, \
    h1.ytd-video-primary-info-renderer, #title h1";

/// The uploader's name link under the player, tried in this order: `ytd-watch-metadata #owner
/// ytd-channel-name a` (2022 to now), then the older owner renderer's.
pub const WATCH_CHANNEL_LINK: [&str; 3] =
    ["ytd-watch-metadata #owner ytd-channel-name a", "ytd-watch-metadata ytd-channel-name a", "#owner #channel-name a"];

/// The main video element of the player (`#movie_player` is the `.html5-video-player`).
pub const PLAYER_VIDEO: &str = "#movie_player video.html5-main-video, .html5-video-player video, \
    #movie_player video";

/// The player while an ad plays in the same `<video>` element (Tournesol counts nothing then).
pub const AD_SHOWING_PLAYER: &str = ".html5-video-player.ad-showing";

// ---------------------------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------------------------

/// YouTube's SPA router events on `document` (Polymer app, 2017 to now). `yt-navigate-start` comes
/// before the new page is shown, `yt-navigate-finish` once it is; `popstate` covers back/forward in
/// builds that skip them.
pub const NAVIGATE_START_EVENT: &str = "yt-navigate-start";
pub const NAVIGATE_FINISH_EVENT: &str = "yt-navigate-finish";

// ---------------------------------------------------------------------------------------------
// Our own marks (not YouTube's): the hold stylesheet `extension/hold.css` reads them
// ---------------------------------------------------------------------------------------------

/// Set on the grid's `#contents` when the first screen may show: ranked, or left as YouTube made it.
/// Its value says which (`ranked`, `unchanged`). Until then `hold.css` keeps the list invisible,
/// and by itself reveals it after its deadline.
pub const DONE_ATTRIBUTE: &str = "data-vrdndi-done";

/// Set on a tile the person's settings hide (threshold, Shorts, blocked channel). Re-decided on
/// every pass because YouTube reuses tile elements for other videos.
pub const HIDDEN_ATTRIBUTE: &str = "data-vrdndi-hidden";
