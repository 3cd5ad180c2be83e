//! Follows YouTube's single-page navigation and hands each page visit to its module.
//!
//! One visit at a time: Home (`home.rs`), a watch page (`watch.rs`, and its related videos in
//! `sightings.rs`), the subscriptions feed (`sightings.rs`), or anything else (nothing to do).
//! Visits start on `yt-navigate-finish` and `popstate`; on `yt-navigate-start` the watch visit
//! sends what was watched, and a Home grid that is not on screen is held again so that coming back
//! does not show YouTube's order first. YouTube keeps the Home grid alive while other pages show, so
//! the Home state is kept with it: coming back, the tiles already ordered keep their places and
//! only tiles YouTube added meanwhile are ranked. The grid and the watch page's parts appear after
//! the page says it navigated, so they are polled for up to 15 s. Mutations wake a throttled pass
//! (of the Home grid, or of the list of videos being read). Every callback catches its problem and
//! reports it; nothing is thrown into the page.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use serde_json::Value;
use vrdndi_protocol::{RankReply, RequestId, Surface};
use web_sys::Event;

use crate::bridge::Messenger;
use crate::dom::{self, Listener, Timer};
use crate::facts::{page_of, Page};
use crate::home::Home;
use crate::problem::Problem;
use crate::selectors as sel;
use crate::settings::Settings;
use crate::sightings::Sightings;
use crate::watch::{Watch, WatchEvent};

/// A pass runs this long after the first mutation that woke it (one frame): YouTube adds a batch's
/// tiles over a few microtasks, and one pass should see them all.
const PASS_DELAY_MS: i32 = 16;
/// How often and how long to look for the grid or the watch page's parts after a navigation.
const POLL_EVERY_MS: i32 = 50;
const POLL_TRIES: u32 = 300;

pub struct Core {
    messenger: Messenger,
    settings: Settings,
    /// `pathname + search` of the current visit.
    url: String,
    page: Page,
    home: Option<Home>,
    watch: Option<Watch>,
    /// The subscriptions grid or the related videos of this visit, once found.
    sightings: Option<Sightings>,
    listeners: Vec<Listener>,
    pass_timer: Option<Timer>,
    poll_timer: Option<Timer>,
    polls_left: u32,
    me: Weak<RefCell<Core>>,
}

impl Core {
    pub fn new(messenger: Messenger) -> Rc<RefCell<Core>> {
        Rc::new_cyclic(|me: &Weak<RefCell<Core>>| {
            RefCell::new(Core {
                messenger,
                settings: Settings::default(),
                url: String::new(),
                page: Page::Other,
                home: None,
                watch: None,
                sightings: None,
                listeners: Vec::new(),
                pass_timer: None,
                poll_timer: None,
                polls_left: 0,
                me: me.clone(),
            })
        })
    }

    /// Runs `f` on the core from a callback, reporting its problem; skipped if the core is gone
    /// or busy (a callback cannot run inside another, but a skipped one loses nothing: passes
    /// re-read the page).
    fn with(me: &Weak<RefCell<Core>>, f: impl FnOnce(&mut Core) -> Result<(), Problem>) {
        let Some(core) = me.upgrade() else { return };
        let Ok(mut core) = core.try_borrow_mut() else { return };
        if let Err(problem) = f(&mut core) {
            core.messenger.report(&problem);
        }
    }

    pub fn start(&mut self) -> Result<(), Problem> {
        if !self.listeners.is_empty() {
            return Ok(());
        }
        let document = dom::document()?;
        let window = dom::window()?;
        let me = self.me.clone();
        self.pass_timer = Some(Timer::new({
            let me = me.clone();
            move || Core::with(&me, |core| core.run_pass())
        }));
        self.poll_timer = Some(Timer::new({
            let me = me.clone();
            move || Core::with(&me, |core| core.poll())
        }));
        let on = |target: &web_sys::EventTarget, name: &'static str, f: fn(&mut Core) -> Result<(), Problem>| {
            let me = me.clone();
            Listener::new(target, name, false, move |_: Event| Core::with(&me, f))
        };
        self.listeners = vec![
            on(document.as_ref(), sel::NAVIGATE_START_EVENT, Core::navigate_start)?,
            on(document.as_ref(), sel::NAVIGATE_FINISH_EVENT, Core::navigate)?,
            on(window.as_ref(), "popstate", Core::navigate)?,
            on(window.as_ref(), "pagehide", Core::flush_watch)?,
            on(document.as_ref(), "visibilitychange", |core| {
                if dom::document()?.hidden() {
                    core.flush_watch()?;
                }
                Ok(())
            })?,
        ];
        self.navigate()
    }

    /// Tears everything down: listeners, observers, timers; sends what was watched; shows the grid.
    pub fn stop(&mut self) {
        let _ = self.flush_watch();
        self.listeners.clear();
        self.pass_timer = None;
        self.poll_timer = None;
        self.home = None;
        self.watch = None;
        self.sightings = None;
        self.url.clear();
    }

    pub fn set_settings(&mut self, settings: Settings) -> Result<(), Problem> {
        self.settings = settings;
        match &self.home {
            Some(home) => home.rehide(&self.settings),
            None => Ok(()),
        }
    }

    /// A pass now, without waiting for a mutation. Returns how many tiles were sent for ranking.
    pub fn rank_visible(&mut self) -> Result<usize, Problem> {
        match &mut self.home {
            Some(home) if home.is_live() => home.pass(&mut self.messenger, &self.settings),
            _ => Ok(0),
        }
    }

    /// A reply to one of our requests. Only `ranked` and `error` replies matter here (acks of
    /// feedback and watched need nothing; their errors the background shows), so only those two
    /// protocol types are read, not the whole reply enum with its dates and pages: that keeps the
    /// shipped WASM small.
    pub fn on_reply(&mut self, json: &str) -> Result<(), Problem> {
        let reply: Value = serde_json::from_str(json).map_err(|e| Problem::BadReply(e.to_string()))?;
        let Some(id) = reply.get("id").and_then(Value::as_u64) else { return Ok(()) };
        let Some(home) = self.home.as_mut().filter(|home| home.owns(id)) else { return Ok(()) };
        match reply.get("type").and_then(Value::as_str) {
            Some("ranked") => match serde_json::from_value::<RankReply>(reply) {
                Ok(ranked) => home.apply(id, ranked, &self.settings).map(|_| ()),
                Err(e) => {
                    home.fail(id)?;
                    Err(Problem::BadReply(e.to_string()))
                }
            },
            Some("error") => home.fail(id),
            _ => {
                home.fail(id)?;
                Err(Problem::BadReply("a rank request was answered with something other than `ranked`".into()))
            }
        }
    }

    /// The background could not get a reply (no host, host gone, timeout): fail open.
    pub fn on_problem(&mut self, id: RequestId) -> Result<(), Problem> {
        match self.home.as_mut() {
            Some(home) if home.owns(id) => home.fail(id),
            _ => Ok(()),
        }
    }

    fn navigate_start(&mut self) -> Result<(), Problem> {
        self.flush_watch()?;
        if self.page != Page::Home {
            // The Home grid is not on screen: hold it, so that coming back shows our order first.
            match &mut self.home {
                Some(home) if home.is_live() => home.hold()?,
                _ => {
                    if let Some(contents) = dom::query_document(sel::HOME_GRID_CONTENTS)? {
                        dom::set_attribute(&contents, sel::DONE_ATTRIBUTE, None)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Starts a new visit when the location changed.
    fn navigate(&mut self) -> Result<(), Problem> {
        let location = dom::window()?.location();
        let pathname = location.pathname().map_err(Problem::dom)?;
        let search = location.search().map_err(Problem::dom)?;
        let url = format!("{pathname}{search}");
        if url == self.url {
            return self.poll();
        }
        self.flush_watch()?;
        self.watch = None;
        self.sightings = None;
        self.url = url;
        self.page = page_of(&pathname, &search);
        let kind = match &self.page {
            Page::Home if self.home.as_ref().is_some_and(Home::is_live) => "home-again",
            Page::Home => "home",
            Page::Watch(id) => {
                let me = self.me.clone();
                let dispatch: Rc<dyn Fn(WatchEvent)> = Rc::new(move |event| Core::with(&me, |core| core.on_watch_event(event)));
                self.watch = Some(Watch::new(id.clone(), dispatch));
                "watch"
            }
            Page::Subscriptions => "subscriptions",
            Page::Other => "other",
        };
        self.messenger.page(kind, &location.href().unwrap_or_default());
        self.polls_left = POLL_TRIES;
        self.poll()
    }

    /// Looks for what the current page needs; re-arms itself until found or out of tries.
    fn poll(&mut self) -> Result<(), Problem> {
        if let Some(timer) = &mut self.poll_timer {
            timer.fired();
        }
        let done = match &self.page {
            Page::Home => self.attach_home()?,
            Page::Subscriptions => self.attach_sightings(Surface::Subscriptions)?,
            Page::Watch(_) => {
                let player = match &mut self.watch {
                    Some(watch) => watch.try_attach()?,
                    None => true,
                };
                // Both, so that a page without related videos still has its player attached.
                self.attach_sightings(Surface::Watch)? && player
            }
            Page::Other => true,
        };
        if done {
            return Ok(());
        }
        if self.polls_left == 0 {
            return match self.page {
                Page::Home => Err(Problem::GridNotFound),
                _ => Ok(()),
            };
        }
        self.polls_left -= 1;
        match &mut self.poll_timer {
            Some(timer) => timer.arm(POLL_EVERY_MS),
            None => Ok(()),
        }
    }

    /// Attaches to the Home grid if it is there; true once attached.
    fn attach_home(&mut self) -> Result<bool, Problem> {
        if self.home.as_ref().is_some_and(Home::is_live) {
            self.run_pass()?;
            return Ok(true);
        }
        let Some(contents) = dom::query_document(sel::HOME_GRID_CONTENTS)? else { return Ok(false) };
        let me = self.me.clone();
        let wake: Rc<dyn Fn()> = Rc::new(move || Core::with(&me, Core::wake));
        self.home = Some(Home::attach(contents, wake)?);
        self.run_pass()?;
        Ok(true)
    }

    /// Starts reading the subscriptions grid or the related videos if they are there; true once
    /// they are.
    fn attach_sightings(&mut self, surface: Surface) -> Result<bool, Problem> {
        if self.sightings.as_ref().is_some_and(Sightings::is_live) {
            self.run_pass()?;
            return Ok(true);
        }
        let me = self.me.clone();
        let wake: Rc<dyn Fn()> = Rc::new(move || Core::with(&me, Core::wake));
        self.sightings = Sightings::find(surface, wake)?;
        if self.sightings.is_none() {
            return Ok(false);
        }
        self.run_pass()?;
        Ok(true)
    }

    fn wake(&mut self) -> Result<(), Problem> {
        if self.page == Page::Home {
            if let Some(home) = &mut self.home {
                home.note_wake();
            }
        } else if self.sightings.is_none() {
            return Ok(());
        }
        match &mut self.pass_timer {
            Some(timer) => timer.arm(PASS_DELAY_MS),
            None => Ok(()),
        }
    }

    fn run_pass(&mut self) -> Result<(), Problem> {
        if let Some(timer) = &mut self.pass_timer {
            timer.fired();
        }
        if self.page != Page::Home {
            return match &mut self.sightings {
                Some(sightings) if sightings.is_live() => sightings.pass(&mut self.messenger).map(|_| ()),
                _ => Ok(()),
            };
        }
        match &mut self.home {
            Some(home) if home.is_live() => {
                let passed = home.pass(&mut self.messenger, &self.settings).map(|_| ());
                if let (Some(delay), Some(timer)) = (home.recheck_in_ms(), &mut self.pass_timer) {
                    timer.arm(delay)?;
                }
                passed
            }
            Some(_) => {
                // YouTube replaced the grid: find the new one.
                self.home = None;
                self.polls_left = POLL_TRIES;
                self.poll()
            }
            None => Ok(()),
        }
    }

    fn on_watch_event(&mut self, event: WatchEvent) -> Result<(), Problem> {
        match &mut self.watch {
            Some(watch) => watch.handle(event, &mut self.messenger),
            None => Ok(()),
        }
    }

    fn flush_watch(&mut self) -> Result<(), Problem> {
        match &mut self.watch {
            Some(watch) => watch.flush(&mut self.messenger),
            None => Ok(()),
        }
    }
}
