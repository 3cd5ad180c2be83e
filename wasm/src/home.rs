//! One visit of the Home page: watches the grid, asks the host to rank new tiles, reorders them.
//!
//! Only the grid's own `#contents` is observed (its child list, and `href` changes below it because
//! YouTube reuses tile elements); never the whole page, which costs scroll smoothness. A pass reads
//! every child afresh, asks for the tiles it has not asked about, and applies the person's hide
//! settings. A reply reorders its batch in the slots those tiles occupy: shelves, ads and the
//! spinner stay put, and so does every tile the person may have seen (on or above the screen once
//! the grid shows). While the first screen is still held invisible, all scored tiles are ordered
//! together, so a second chunk that YouTube renders a moment later still competes for the top.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use vrdndi_protocol::{RankReply, RankRequest, RequestBody, RequestId, Surface, TileScore, Video};
use wasm_bindgen::JsValue;
use web_sys::{Element, Node};

use crate::bridge::Messenger;
use crate::dom::{self, Observer};
use crate::plan;
use crate::problem::Problem;
use crate::selectors as sel;
use crate::settings::Settings;
use crate::tiles::{read_item, read_video, Item};

/// How long a grid may show items without a readable video link before we call the markup changed.
const MARKUP_GRACE_MS: f64 = 1500.0;

/// The measures the browser tests read: from tiles present to tiles reordered, and the time the
/// core itself spends reading the grid (a pass) and putting a batch in order (apply).
pub const MEASURE_NAME: &str = "vrdndi:present-to-reordered";
const PASS_MEASURE: &str = "vrdndi:pass";
const APPLY_MEASURE: &str = "vrdndi:apply";

struct Batch {
    ids: Vec<String>,
    /// When these tiles were first in the page (`performance.now()`).
    present_at: f64,
}

pub struct Home {
    contents: Element,
    observers: Vec<Observer>,
    requested: HashSet<String>,
    videos: HashMap<String, Video>,
    scores: HashMap<String, TileScore>,
    pending: HashMap<RequestId, Batch>,
    attached_at: f64,
    /// When the oldest mutation not yet handled by a pass happened.
    woken_at: Option<f64>,
    /// Counts the times the grid was held (first load, each return to Home); tiles requested in
    /// the current hold are ordered together, tiles of earlier holds stay where they were.
    hold: u32,
    hold_of: HashMap<String, u32>,
    markup_reported: bool,
    /// The last pass saw grid items but no readable tile: look again once the grace is over.
    unreadable_only: bool,
}

impl Home {
    /// Starts watching a grid; `wake` schedules a pass (the core throttles it).
    pub fn attach(contents: Element, wake: Rc<dyn Fn()>) -> Result<Home, Problem> {
        let on_children = Rc::clone(&wake);
        let children = Observer::new(contents.as_ref(), &dom::child_list_options(), move |_| on_children())?;
        let on_links = wake;
        let links = Observer::new(contents.as_ref(), &dom::attribute_options("href"), move |_| on_links())?;
        Ok(Home {
            contents,
            observers: vec![children, links],
            requested: HashSet::new(),
            videos: HashMap::new(),
            scores: HashMap::new(),
            pending: HashMap::new(),
            attached_at: dom::now_ms(),
            woken_at: None,
            hold: 0,
            hold_of: HashMap::new(),
            markup_reported: false,
            unreadable_only: false,
        })
    }

    /// Whether YouTube still shows this grid (it replaces it on some navigations).
    pub fn is_live(&self) -> bool {
        self.contents.is_connected()
    }

    pub fn note_wake(&mut self) {
        self.woken_at.get_or_insert_with(dom::now_ms);
    }

    /// Reads the grid, hides what the settings hide, and asks for the tiles not asked about yet.
    /// Returns how many tiles it asked about.
    pub fn pass(&mut self, messenger: &mut Messenger, settings: &Settings) -> Result<usize, Problem> {
        let started = dom::now_ms();
        let result = self.read_and_ask(messenger, settings);
        // Only passes that found new tiles: one entry per batch, not one per mutation.
        if matches!(result, Ok(asked) if asked > 0) {
            measure(PASS_MEASURE, started, dom::now_ms());
        }
        result
    }

    fn read_and_ask(&mut self, messenger: &mut Messenger, settings: &Settings) -> Result<usize, Problem> {
        let present_at = self.woken_at.take().unwrap_or(self.attached_at);
        let mut fresh = Vec::new();
        let (mut tiles, mut unreadable) = (0usize, 0usize);
        for child in dom::children(&self.contents) {
            let item = read_item(&child)?;
            match &item {
                Item::Tile(id) => {
                    tiles += 1;
                    let known = self.videos.get(id).is_some_and(|v| !v.title.is_empty());
                    if !known {
                        self.videos.insert(id.clone(), read_video(&child, id)?);
                    }
                    if self.requested.insert(id.clone()) {
                        self.hold_of.insert(id.clone(), self.hold);
                        if let Some(video) = self.videos.get(id) {
                            fresh.push(video.clone());
                        }
                    }
                }
                Item::Unknown if child.local_name() == sel::RICH_ITEM => unreadable += 1,
                _ => {}
            }
            self.apply_hiding(&child, &item, settings)?;
        }
        self.unreadable_only = tiles == 0 && unreadable > 0 && !self.markup_reported;
        if self.unreadable_only && dom::now_ms() - self.attached_at > MARKUP_GRACE_MS {
            self.unreadable_only = false;
            self.markup_reported = true;
            self.reveal("unchanged")?;
            return Err(Problem::MarkupChanged(format!("{unreadable} grid items and none has a video link")));
        }
        if fresh.is_empty() {
            // Back on a grid whose tiles are all ordered already: nothing to wait for.
            if tiles > 0 && self.pending.is_empty() {
                self.reveal(if self.scores.is_empty() { "unchanged" } else { "ranked" })?;
            }
            return Ok(0);
        }
        let count = fresh.len();
        let ids = fresh.iter().map(|v| v.video_id.clone()).collect();
        let request = RequestBody::Rank(RankRequest { surface: Surface::Home, tiles: fresh, at: None });
        let id = messenger.send(request)?;
        self.pending.insert(id, Batch { ids, present_at });
        Ok(count)
    }

    /// When to pass again although nothing changed: grid items that never show a video link are
    /// a markup change, which only a pass after the grace period can tell.
    pub fn recheck_in_ms(&self) -> Option<i32> {
        self.unreadable_only.then(|| (MARKUP_GRACE_MS - (dom::now_ms() - self.attached_at)).max(0.0) as i32 + 50)
    }

    /// Whether this reply is for one of our batches.
    pub fn owns(&self, id: RequestId) -> bool {
        self.pending.contains_key(&id)
    }

    /// Puts a ranked batch in order. Returns how many tiles moved.
    pub fn apply(&mut self, id: RequestId, reply: RankReply, settings: &Settings) -> Result<usize, Problem> {
        let Some(batch) = self.pending.remove(&id) else { return Ok(0) };
        let started = dom::now_ms();
        for score in reply.scores {
            self.scores.insert(score.video_id.clone(), score);
        }
        let finals: HashMap<String, f32> = self.scores.iter().map(|(id, s)| (id.clone(), s.final_score)).collect();
        let held = self.is_held()?;
        let in_batch: HashSet<&str> = batch.ids.iter().map(String::as_str).collect();
        let viewport_bottom = dom::window()?.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(f64::INFINITY);

        let children = dom::children(&self.contents);
        let items: Vec<Item> = children.iter().map(read_item).collect::<Result<_, _>>()?;
        let mut others = Vec::new();
        let slots: Vec<Option<&str>> = children
            .iter()
            .zip(&items)
            .map(|(child, item)| {
                let Item::Tile(id) = item else { return None };
                let ours = in_batch.contains(id.as_str());
                let shared = held && !ours && finals.contains_key(id) && self.hold_of.get(id) == Some(&self.hold);
                let seen = !held && child.get_bounding_client_rect().top() < viewport_bottom;
                if seen || !(ours || shared) {
                    return None;
                }
                if shared {
                    others.push(id.clone());
                }
                Some(id.as_str())
            })
            .collect();
        let mut base = reply.order;
        if !others.is_empty() {
            base.extend(others);
            base = plan::by_score(base, &finals);
        }
        let ranked = plan::apply_settings(&base, &self.videos, &finals, settings);
        let order = plan::reorder(&slots, &ranked);
        let moved = rearrange(&self.contents, &children, &order)?;
        for observer in &self.observers {
            observer.forget_pending();
        }
        for (child, item) in children.iter().zip(&items) {
            self.apply_hiding(child, item, settings)?;
        }
        self.reveal("ranked")?;
        let done = dom::now_ms();
        measure(APPLY_MEASURE, started, done);
        measure(MEASURE_NAME, batch.present_at, done);
        Ok(moved)
    }

    /// A batch the host could not rank: leave its tiles where YouTube put them and show the grid.
    pub fn fail(&mut self, id: RequestId) -> Result<(), Problem> {
        if self.pending.remove(&id).is_some() {
            self.reveal("unchanged")?;
        }
        Ok(())
    }

    /// Shows the first screen: `ranked` or `unchanged`. The first outcome stays.
    pub fn reveal(&self, outcome: &str) -> Result<(), Problem> {
        if !self.contents.has_attribute(sel::DONE_ATTRIBUTE) {
            self.contents.set_attribute(sel::DONE_ATTRIBUTE, outcome).map_err(Problem::dom)?;
        }
        Ok(())
    }

    /// Holds the grid again until the next pass or ranking (it is off screen; see `core`).
    pub fn hold(&mut self) -> Result<(), Problem> {
        self.hold += 1;
        dom::set_attribute(&self.contents, sel::DONE_ATTRIBUTE, None)
    }

    /// Re-decides every child's hidden mark with the current settings and scores.
    pub fn rehide(&self, settings: &Settings) -> Result<(), Problem> {
        for child in dom::children(&self.contents) {
            let item = read_item(&child)?;
            self.apply_hiding(&child, &item, settings)?;
        }
        Ok(())
    }

    fn apply_hiding(&self, child: &Element, item: &Item, settings: &Settings) -> Result<(), Problem> {
        let hide = match item {
            Item::Tile(id) => self.videos.get(id).is_some_and(|video| settings.hides(video, self.scores.get(id).map(|s| s.final_score))),
            Item::Shelf { shorts } => *shorts && settings.hide_shorts,
            _ => false,
        };
        dom::set_attribute(child, sel::HIDDEN_ATTRIBUTE, hide.then_some(""))
    }

    /// Whether the hold stylesheet still keeps the grid invisible.
    fn is_held(&self) -> Result<bool, Problem> {
        let style = dom::window()?.get_computed_style(&self.contents).map_err(Problem::dom)?;
        Ok(style.and_then(|s| s.get_property_value("visibility").ok()).is_some_and(|v| v == "hidden"))
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        // Never leave a grid held when we stop watching it.
        let _ = self.reveal("unchanged");
    }
}

/// Moves children into `order` (as returned by [`plan::reorder`]), touching only those out of place.
fn rearrange(parent: &Element, children: &[Element], order: &[usize]) -> Result<usize, Problem> {
    if order.iter().enumerate().all(|(position, &index)| position == index) {
        return Ok(0);
    }
    let mut moved = 0;
    let mut after: Option<&Element> = None;
    for &index in order.iter().rev() {
        let Some(node) = children.get(index) else { continue };
        if node.next_element_sibling().as_ref() != after {
            let reference: Option<&Node> = after.map(|e| e.as_ref());
            parent.insert_before(node, reference).map_err(Problem::dom)?;
            moved += 1;
        }
        after = Some(node);
    }
    Ok(moved)
}

/// `performance.measure(name, {start, end})`, which web-sys exposes only as unstable API.
/// Measurements are a courtesy: failures are ignored.
fn measure(name: &str, start: f64, end: f64) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &JsValue::from_f64(start));
    let _ = js_sys::Reflect::set(&options, &"end".into(), &JsValue::from_f64(end));
    let Ok(function) = js_sys::Reflect::get(&performance, &"measure".into()) else { return };
    if let Some(function) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&function) {
        let _ = function.call2(&performance, &name.into(), &options);
    }
}
