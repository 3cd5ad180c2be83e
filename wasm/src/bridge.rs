//! The content script's messenger, as Rust sees it.
//!
//! `extension/content.js` passes an object with these three methods to `new Vrdndi(bridge)`. Each
//! forwards to the background with `chrome.runtime.sendMessage` and returns at once; replies come
//! back through `Vrdndi.onHostReply` / `Vrdndi.onHostProblem`. Keeping the browser APIs on the JS
//! side lets the same WASM run in Chrome and Firefox.

use vrdndi_protocol::{Request, RequestBody, RequestId};
use wasm_bindgen::prelude::*;

use crate::problem::{describe, Problem};

#[wasm_bindgen]
extern "C" {
    /// `{ request(json), report(code, message), page(kind, url) }`.
    pub type Bridge;

    /// A protocol `Request` as JSON; its `id` comes back in the reply.
    #[wasm_bindgen(method, catch)]
    fn request(this: &Bridge, json: &str) -> Result<(), JsValue>;

    /// A problem in the page, for the popup (see `extension/protocol.js` `PROBLEMS`).
    #[wasm_bindgen(method, catch)]
    fn report(this: &Bridge, code: &str, message: &str) -> Result<(), JsValue>;

    /// A new page visit (`home`, `subscriptions`, `watch`, `other`), so the popup forgets the previous page's tiles;
    /// `home-again` when the person comes back to a Home grid whose tiles the popup still knows.
    #[wasm_bindgen(method, catch)]
    fn page(this: &Bridge, kind: &str, url: &str) -> Result<(), JsValue>;
}

/// The bridge plus the request counter of this page.
pub struct Messenger {
    bridge: Bridge,
    next_id: RequestId,
}

impl Messenger {
    pub fn new(bridge: Bridge) -> Messenger {
        Messenger { bridge, next_id: 1 }
    }

    /// Sends a request and returns its id.
    pub fn send(&mut self, body: RequestBody) -> Result<RequestId, Problem> {
        let id = self.next_id;
        self.next_id += 1;
        let json = serde_json::to_string(&Request { id, body })?;
        self.bridge.request(&json).map_err(|e| Problem::Bridge(describe(&e)))?;
        Ok(id)
    }

    /// Tells the popup about a problem; a failure to tell is not itself reported.
    pub fn report(&self, problem: &Problem) {
        let _ = self.bridge.report(problem.code(), &problem.to_string());
    }

    pub fn page(&self, kind: &str, url: &str) {
        let _ = self.bridge.page(kind, url);
    }
}
