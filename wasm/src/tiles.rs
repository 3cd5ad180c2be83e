//! Reads the Home grid's children as typed items, afresh on every pass.
//!
//! YouTube reuses `ytd-rich-item-renderer` elements for other videos when the feed refreshes, so
//! nothing is remembered per element: the id is read from the tile's link each time, and anything
//! learned about a video is keyed by that id.

use vrdndi_protocol::{Video, VideoKind};
use web_sys::Element;

use crate::dom::{query, text};
use crate::facts::{channel_from_href, is_shorts_href, parse_duration, video_id_from_href};
use crate::problem::Problem;
use crate::selectors as sel;

/// One direct child of the grid's `#contents`.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A video or short tile and the id its link shows now.
    Tile(String),
    /// An ad or promoted slot.
    Ad,
    /// A full-width section; `shorts` when it is the Shorts shelf.
    Shelf { shorts: bool },
    /// The spinner that loads the next batch.
    Continuation,
    /// A grid item not rendered yet, or something we do not know.
    Unknown,
}

/// What a grid child is. Reads only the link, which is all a pass needs for tiles already known.
pub fn read_item(element: &Element) -> Result<Item, Problem> {
    let name = element.local_name();
    if name == sel::RICH_ITEM {
        if query(element, sel::AD_SLOT)?.is_some() {
            return Ok(Item::Ad);
        }
        return Ok(match tile_id(element)? {
            Some(id) => Item::Tile(id),
            None => Item::Unknown,
        });
    }
    if name == sel::RICH_SECTION {
        return Ok(Item::Shelf { shorts: query(element, sel::SHORTS_SHELF)?.is_some() });
    }
    if name == sel::CONTINUATION {
        return Ok(Item::Continuation);
    }
    Ok(Item::Unknown)
}

fn tile_id(element: &Element) -> Result<Option<String>, Problem> {
    let Some(link) = query(element, sel::TILE_LINK)? else { return Ok(None) };
    Ok(link.get_attribute("href").and_then(|href| video_id_from_href(&href)))
}

/// Everything the tile shows about its video: title, channel, duration, kind, upload text.
pub fn read_video(element: &Element, video_id: &str) -> Result<Video, Problem> {
    let link_href = query(element, sel::TILE_LINK)?.and_then(|link| link.get_attribute("href")).unwrap_or_default();
    let title = match query(element, sel::TILE_TITLE_HEADING)?.and_then(|h| h.get_attribute("title")) {
        Some(title) if !title.trim().is_empty() => crate::facts::clean_text(&title),
        _ => query(element, sel::TILE_TITLE)?.map(|t| text(&t)).unwrap_or_default(),
    };
    let channel_link = query(element, sel::TILE_CHANNEL_LINK)?;
    let channel = match channel_link.as_ref().map(text).filter(|name| !name.is_empty()) {
        Some(name) => Some(name),
        None => query(element, sel::TILE_CHANNEL_NAME)?.map(|name| text(&name)).filter(|name| !name.is_empty()),
    };
    let channel_id = match channel_link.and_then(|link| link.get_attribute("href")).and_then(|h| channel_from_href(&h)) {
        Some(id) => Some(id),
        None => {
            query(element, sel::TILE_AVATAR_LINK)?.and_then(|link| link.get_attribute("href")).and_then(|href| channel_from_href(&href))
        }
    };
    let duration_s = query(element, sel::DURATION_BADGE)?.and_then(|badge| parse_duration(&text(&badge)));
    let kind = if is_shorts_href(&link_href) || query(element, sel::SHORTS_LOCKUP)?.is_some() {
        VideoKind::Short
    } else if query(element, sel::LIVE_BADGE)?.is_some() {
        VideoKind::Live
    } else if query(element, sel::PREMIERE_BADGE)?.is_some() {
        VideoKind::Premiere
    } else if query(element, sel::UPCOMING_BADGE)?.is_some() {
        VideoKind::Upcoming
    } else {
        VideoKind::Video
    };
    let published_text = element
        .query_selector_all(sel::TILE_METADATA_ITEM)
        .ok()
        .and_then(|items| items.item(items.length().checked_sub(1)?))
        .and_then(|node| node.text_content())
        .map(|t| crate::facts::clean_text(&t))
        .filter(|t| !t.is_empty());
    Ok(Video { video_id: video_id.to_owned(), title, channel, channel_id, duration_s, kind, published_text, ..Video::default() })
}
