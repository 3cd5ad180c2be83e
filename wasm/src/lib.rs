//! Vrdndi's in-page core, compiled to WebAssembly and run by the content script on youtube.com.
//!
//! It reads YouTube's Home grid as typed tiles, asks the native host (through the extension's
//! background) for an order, and reorders the tiles in place; on watch pages it reports likes and
//! the time really watched; the videos of the subscriptions feed and beside a watch page it sends
//! to the host unchanged, for the feed page. The YouTube markup it knows lives in [`selectors`]; the facts it reads
//! from strings are pure functions in [`facts`], [`plan`], [`settings`] and [`watchtime`], tested
//! natively. The page-facing modules are `core` (navigation), `home`, `watch`, `tiles` and `dom`.
//!
//! The content script sees one handle, [`Vrdndi`]. Nothing is ever thrown into the page: every
//! method returns `Result` and `extension/content.js` reports errors to the background instead.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

mod bridge;
mod core;
mod dom;
pub mod facts;
mod home;
pub mod plan;
pub mod problem;
pub mod selectors;
pub mod settings;
mod sightings;
mod tiles;
mod watch;
pub mod watchtime;

pub use bridge::Bridge;

use crate::bridge::Messenger;
use crate::core::Core;
use crate::problem::Problem;
use crate::settings::Settings;

/// The content script's handle on the core. Create it with a bridge, `start()` it, feed it the
/// background's replies; `stop()` (or dropping it) removes every listener and observer.
#[wasm_bindgen]
pub struct Vrdndi {
    core: Rc<RefCell<Core>>,
}

#[wasm_bindgen]
impl Vrdndi {
    #[wasm_bindgen(constructor)]
    pub fn new(bridge: Bridge) -> Vrdndi {
        Vrdndi { core: Core::new(Messenger::new(bridge)) }
    }

    /// Starts following navigation and handles the current page.
    pub fn start(&self) -> Result<(), JsValue> {
        self.borrow()?.start().map_err(JsValue::from)
    }

    /// Removes everything it added to the page and shows a held grid.
    pub fn stop(&self) {
        if let Ok(mut core) = self.core.try_borrow_mut() {
            core.stop();
        }
    }

    /// New settings, as stored by the popup (loose JSON); on error the previous ones stay.
    #[wasm_bindgen(js_name = setSettings)]
    pub fn set_settings(&self, settings: JsValue) -> Result<(), JsValue> {
        let value = match js_sys::JSON::stringify(&settings).ok().and_then(|s| s.as_string()) {
            Some(text) => serde_json::from_str(&text).map_err(|e| JsValue::from(Problem::Encode(e)))?,
            None => serde_json::Value::Null,
        };
        let settings = Settings::from_json(&value).map_err(|e| JsValue::from(Problem::from(e)))?;
        self.borrow()?.set_settings(settings).map_err(JsValue::from)
    }

    /// Reads the Home grid now and asks for tiles not yet ranked. Returns how many were sent.
    #[wasm_bindgen(js_name = rankVisible)]
    pub fn rank_visible(&self) -> Result<u32, JsValue> {
        let count = self.borrow()?.rank_visible().map_err(JsValue::from)?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// A reply from the host (a protocol `Response` as JSON) to one of our requests.
    #[wasm_bindgen(js_name = onHostReply)]
    pub fn on_host_reply(&self, json: &str) -> Result<(), JsValue> {
        self.borrow()?.on_reply(json).map_err(JsValue::from)
    }

    /// The background could not get a reply to request `id` (`code` is one of its problems).
    #[wasm_bindgen(js_name = onHostProblem)]
    pub fn on_host_problem(&self, id: f64, _code: &str, _message: &str) -> Result<(), JsValue> {
        if !(id.is_finite() && id >= 0.0) {
            return Err(Problem::BadReply("a request id must be a non-negative number".into()).into());
        }
        self.borrow()?.on_problem(id as u64).map_err(JsValue::from)
    }
}

impl Vrdndi {
    fn borrow(&self) -> Result<std::cell::RefMut<'_, Core>, JsValue> {
        self.core.try_borrow_mut().map_err(|_| Problem::Dom("called while busy".into()).into())
    }
}

impl Drop for Vrdndi {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The protocol version this core speaks, for the content script's hello.
#[wasm_bindgen(js_name = protocolVersion)]
pub fn protocol_version() -> u32 {
    vrdndi_protocol::PROTOCOL_VERSION
}
