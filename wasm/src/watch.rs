//! One visit of a watch page: the like buttons and the time really watched.
//!
//! The like buttons are observed for `aria-pressed` inside the actions area only. YouTube also
//! flips `aria-pressed` on its own when it loads a video liked before (and when it reuses the
//! buttons for the next video), so a change counts as feedback only shortly after a click in the
//! like area (and one click gives at most one feedback); any other change just becomes the new
//! baseline. Watched time is sampled on the
//! player's media events and sent as `watched` when the person leaves, hides the tab, or the video
//! ends (again later only if they watched noticeably more).

use std::rc::Rc;

use vrdndi_protocol::{FeedbackKind, FeedbackRequest, FeedbackSource, RequestBody, Video, WatchedRequest};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlVideoElement};

use crate::bridge::Messenger;
use crate::dom::{self, Listener, Observer};
use crate::facts::{channel_from_href, clean_text, title_from_document_title};
use crate::problem::Problem;
use crate::selectors as sel;
use crate::watchtime::{feedback_for, LikeState, PlayClock};

/// A button change this long after a click in the like area is the person's.
const GESTURE_WINDOW_MS: f64 = 3000.0;
/// Send `watched` again for the same visit only after this many more seconds.
const RESEND_AFTER_S: f64 = 5.0;
/// Less than this is a glance, not a watch.
const MIN_WATCHED_S: f64 = 1.0;

/// What the page told the watch session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchEvent {
    /// A media event of the player (`timeupdate`, `pause`, `ended`, ...).
    Media(&'static str),
    /// `aria-pressed` changed below the actions area.
    Pressed,
    /// A click in the like area.
    Gesture,
}

const MEDIA_EVENTS: [&str; 7] = ["timeupdate", "playing", "pause", "seeking", "waiting", "ended", "emptied"];

pub struct Watch {
    video_id: String,
    dispatch: Rc<dyn Fn(WatchEvent)>,
    actions: Option<(Element, Observer, Listener)>,
    player: Option<(HtmlVideoElement, Vec<Listener>)>,
    baseline: Option<LikeState>,
    gesture_at: f64,
    clock: PlayClock,
    duration_s: Option<f64>,
    sent_watched_s: f64,
}

impl Watch {
    pub fn new(video_id: String, dispatch: Rc<dyn Fn(WatchEvent)>) -> Watch {
        Watch {
            video_id,
            dispatch,
            actions: None,
            player: None,
            baseline: None,
            gesture_at: f64::NEG_INFINITY,
            clock: PlayClock::default(),
            duration_s: None,
            sent_watched_s: 0.0,
        }
    }

    /// Attaches to the like buttons and the player when they exist. True when both are attached.
    pub fn try_attach(&mut self) -> Result<bool, Problem> {
        if self.actions.is_none() {
            if let Some(area) = dom::query_first(&sel::WATCH_ACTIONS)? {
                if dom::query(&area, sel::LIKE_BUTTON)?.is_some() {
                    let pressed = Rc::clone(&self.dispatch);
                    let observer = Observer::new(area.as_ref(), &dom::attribute_options(sel::PRESSED_ATTRIBUTE), move |_| {
                        pressed(WatchEvent::Pressed)
                    })?;
                    let gesture = Rc::clone(&self.dispatch);
                    let click = Listener::new(area.as_ref(), "click", true, move |event: Event| {
                        let in_like_area = event
                            .target()
                            .and_then(|t| t.dyn_into::<Element>().ok())
                            .and_then(|t| t.closest(sel::LIKE_AREA).ok().flatten())
                            .is_some();
                        if in_like_area {
                            gesture(WatchEvent::Gesture)
                        }
                    })?;
                    self.baseline = like_state(&area)?;
                    self.actions = Some((area, observer, click));
                }
            }
        }
        if self.player.is_none() {
            if let Some(video) = dom::query_document(sel::PLAYER_VIDEO)?.and_then(|v| v.dyn_into::<HtmlVideoElement>().ok()) {
                let mut listeners = Vec::new();
                for name in MEDIA_EVENTS {
                    let media = Rc::clone(&self.dispatch);
                    listeners.push(Listener::new(video.as_ref(), name, false, move |_| media(WatchEvent::Media(name)))?);
                }
                self.player = Some((video, listeners));
                self.sample("attach")?;
            }
        }
        Ok(self.actions.is_some() && self.player.is_some())
    }

    pub fn handle(&mut self, event: WatchEvent, messenger: &mut Messenger) -> Result<(), Problem> {
        match event {
            WatchEvent::Gesture => self.gesture_at = dom::now_ms(),
            WatchEvent::Pressed => self.on_pressed(messenger)?,
            WatchEvent::Media(name) => {
                self.sample(name)?;
                if name == "ended" {
                    self.flush(messenger)?;
                }
            }
        }
        Ok(())
    }

    fn on_pressed(&mut self, messenger: &mut Messenger) -> Result<(), Problem> {
        let Some((area, _, _)) = &self.actions else { return Ok(()) };
        let Some(now) = like_state(area)? else { return Ok(()) };
        let before = self.baseline.replace(now);
        let by_person = dom::now_ms() - self.gesture_at < GESTURE_WINDOW_MS;
        if let (Some(before), true) = (before, by_person) {
            if let Some(kind) = feedback_for(before, now) {
                // One click, one feedback: a later change needs another click.
                self.gesture_at = f64::NEG_INFINITY;
                self.send_feedback(kind, messenger)?;
            }
        }
        Ok(())
    }

    fn send_feedback(&self, kind: FeedbackKind, messenger: &mut Messenger) -> Result<(), Problem> {
        let feedback_id =
            format!("yt-{}-{}-{:08x}", self.video_id, js_sys::Date::now() as u64, (js_sys::Math::random() * f64::from(u32::MAX)) as u32);
        let body =
            RequestBody::Feedback(FeedbackRequest { feedback_id, video: self.video()?, kind, source: FeedbackSource::Youtube, at: None });
        messenger.send(body).map(|_| ())
    }

    fn sample(&mut self, event: &str) -> Result<(), Problem> {
        let Some((video, _)) = &self.player else { return Ok(()) };
        let ad = dom::query_document(sel::AD_SHOWING_PLAYER)?.is_some();
        let duration = video.duration();
        if !ad && duration.is_finite() && duration > 0.0 {
            self.duration_s = Some(duration);
        }
        // These end a stretch; the content played up to them still counts.
        let closes = matches!(event, "pause" | "ended" | "waiting" | "seeking" | "emptied");
        let counting = !ad && (closes || (!video.paused() && matches!(event, "timeupdate" | "playing" | "attach")));
        self.clock.sample(dom::now_ms() / 1000.0, video.current_time(), video.playback_rate(), counting);
        if closes {
            self.clock.pause();
        }
        Ok(())
    }

    /// Sends what was watched since the last send, if it is enough to matter.
    pub fn flush(&mut self, messenger: &mut Messenger) -> Result<(), Problem> {
        self.clock.pause();
        let watched_s = self.clock.watched_s();
        if watched_s < MIN_WATCHED_S || watched_s - self.sent_watched_s < RESEND_AFTER_S.min(watched_s) {
            return Ok(());
        }
        let mut video = self.video()?;
        if video.duration_s.is_none() {
            video.duration_s = self.duration_s.map(|d| d.round() as u32);
        }
        let body = RequestBody::Watched(WatchedRequest {
            video,
            fraction: self.clock.fraction(self.duration_s),
            watched_s: watched_s as f32,
            at: None,
        });
        messenger.send(body)?;
        self.sent_watched_s = watched_s;
        Ok(())
    }

    /// The video as the watch page shows it now (the title loads after the player).
    fn video(&self) -> Result<Video, Problem> {
        let title = match dom::query_document(sel::WATCH_TITLE)?.map(|t| dom::text(&t)) {
            Some(title) if !title.is_empty() => title,
            _ => title_from_document_title(&dom::document()?.title()),
        };
        let channel_link = dom::query_first(&sel::WATCH_CHANNEL_LINK)?;
        Ok(Video {
            channel: channel_link.as_ref().map(dom::text).filter(|c| !c.is_empty()),
            channel_id: channel_link.and_then(|l| l.get_attribute("href")).and_then(|h| channel_from_href(&h)),
            duration_s: self.duration_s.map(|d| d.round() as u32),
            ..Video::new(self.video_id.clone(), clean_text(&title))
        })
    }
}

fn like_state(area: &Element) -> Result<Option<LikeState>, Problem> {
    let pressed = |selector| -> Result<Option<bool>, Problem> {
        Ok(dom::query(area, selector)?.map(|b| b.get_attribute(sel::PRESSED_ATTRIBUTE).as_deref() == Some("true")))
    };
    Ok(match (pressed(sel::LIKE_BUTTON)?, pressed(sel::DISLIKE_BUTTON)?) {
        (Some(like), dislike) => Some(LikeState::from_pressed(like, dislike.unwrap_or(false))),
        (None, _) => None,
    })
}
