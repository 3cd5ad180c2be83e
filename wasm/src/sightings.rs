//! The videos YouTube shows where Vrdndi does not reorder: the subscriptions grid and the related
//! videos beside a watch page.
//!
//! Their order is YouTube's to keep (the subscriptions feed is by upload time; the related list
//! follows the video), but what they offer is what the feed page should be able to rank. So each
//! video is read once per visit and sent to the host as a slate of its surface (`subscriptions`,
//! `watch`): the host scores it and records the impression, and the reply changes nothing here.
//! Like Home, only the list itself is observed, and a pass re-reads it because YouTube reuses tile
//! elements for other videos.

use std::collections::HashSet;
use std::rc::Rc;

use vrdndi_protocol::{RankRequest, RequestBody, Surface, Video};
use web_sys::Element;

use crate::bridge::Messenger;
use crate::dom::{self, Observer};
use crate::facts::{is_list_href, video_id_from_href};
use crate::problem::Problem;
use crate::selectors as sel;
use crate::tiles::read_video;

/// At most this many videos per request: the host embeds every title it has not seen, and a first
/// subscriptions screen is about this size.
const MAX_PER_REQUEST: usize = 48;

pub struct Sightings {
    surface: Surface,
    list: Element,
    tile_selector: &'static str,
    sent: HashSet<String>,
    _observers: [Observer; 2],
}

impl Sightings {
    /// Starts watching the list of `surface` if the page shows it yet; `wake` schedules a pass.
    pub fn find(surface: Surface, wake: Rc<dyn Fn()>) -> Result<Option<Sightings>, Problem> {
        // The grid's tiles are its direct children, as on Home; the related list nests its tiles
        // in item sections in some generations, so there the whole (small) subtree is watched.
        let (list_selector, tile_selector, added) = match surface {
            Surface::Subscriptions => (sel::SUBSCRIPTIONS_GRID_CONTENTS, sel::SUBSCRIPTIONS_TILE, dom::child_list_options()),
            Surface::Watch => (sel::RELATED_LIST, sel::RELATED_TILE, dom::subtree_child_list_options()),
            Surface::Home | Surface::Cli => return Ok(None),
        };
        let Some(list) = dom::query_document(list_selector)? else { return Ok(None) };
        let on_children = Rc::clone(&wake);
        let children = Observer::new(list.as_ref(), &added, move |_| on_children())?;
        let links = Observer::new(list.as_ref(), &dom::attribute_options("href"), move |_| wake())?;
        Ok(Some(Sightings { surface, list, tile_selector, sent: HashSet::new(), _observers: [children, links] }))
    }

    /// Whether YouTube still shows this list.
    pub fn is_live(&self) -> bool {
        self.list.is_connected()
    }

    /// Sends the videos not sent yet in this visit; returns how many.
    pub fn pass(&mut self, messenger: &mut Messenger) -> Result<usize, Problem> {
        let tiles = self.list.query_selector_all(self.tile_selector).map_err(Problem::dom)?;
        let mut fresh: Vec<Video> = Vec::new();
        for index in 0..tiles.length() {
            let Some(tile) = tiles.item(index).and_then(|node| wasm_bindgen::JsCast::dyn_into::<Element>(node).ok()) else { continue };
            if dom::query(&tile, sel::AD_SLOT)?.is_some() {
                continue;
            }
            let href = dom::query(&tile, sel::TILE_LINK)?.and_then(|link| link.get_attribute("href")).unwrap_or_default();
            if is_list_href(&href) {
                continue;
            }
            let Some(id) = video_id_from_href(&href) else { continue };
            if self.sent.contains(&id) {
                continue;
            }
            let video = read_video(&tile, &id)?;
            // A tile whose title is not rendered yet is read again on the next pass.
            if video.title.is_empty() {
                continue;
            }
            self.sent.insert(id);
            fresh.push(video);
        }
        for slate in fresh.chunks(MAX_PER_REQUEST) {
            messenger.send(RequestBody::Rank(RankRequest { surface: self.surface, tiles: slate.to_vec(), at: None }))?;
        }
        Ok(fresh.len())
    }
}
