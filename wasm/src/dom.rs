//! Small, tear-down-able handles on the page: event listeners, mutation observers and timers that
//! unregister themselves when dropped, and the few DOM reads every module needs.
//!
//! Dropping the core drops these, so `stop()` leaves no listener, observer or timer behind on a
//! page that YouTube keeps alive for hours.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, EventTarget, MutationObserver, MutationObserverInit, Node, Window};

use crate::problem::Problem;

pub fn window() -> Result<Window, Problem> {
    web_sys::window().ok_or_else(|| Problem::Dom("no window".into()))
}

pub fn document() -> Result<Document, Problem> {
    window()?.document().ok_or_else(|| Problem::Dom("no document".into()))
}

/// Milliseconds on the page's monotonic clock (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_default()
}

pub fn query(root: &Element, selector: &str) -> Result<Option<Element>, Problem> {
    root.query_selector(selector).map_err(Problem::dom)
}

pub fn query_document(selector: &str) -> Result<Option<Element>, Problem> {
    document()?.query_selector(selector).map_err(Problem::dom)
}

/// The first element matching the first selector of `selectors` that matches anything: a
/// priority list, unlike one comma-joined selector, which returns the first in document order.
pub fn query_first(selectors: &[&str]) -> Result<Option<Element>, Problem> {
    for selector in selectors {
        if let Some(element) = query_document(selector)? {
            return Ok(Some(element));
        }
    }
    Ok(None)
}

/// The element's direct element children, in order.
pub fn children(parent: &Element) -> Vec<Element> {
    let list = parent.children();
    (0..list.length()).filter_map(|index| list.item(index)).collect()
}

/// Trimmed text content with runs of whitespace collapsed.
pub fn text(element: &Element) -> String {
    crate::facts::clean_text(&element.text_content().unwrap_or_default())
}

/// Sets an attribute only when its value changes, so our own marks do not wake observers in vain.
pub fn set_attribute(element: &Element, name: &str, value: Option<&str>) -> Result<(), Problem> {
    match (element.get_attribute(name), value) {
        (Some(current), Some(value)) if current == value => Ok(()),
        (None, None) => Ok(()),
        (_, Some(value)) => element.set_attribute(name, value).map_err(Problem::dom),
        (Some(_), None) => element.remove_attribute(name).map_err(Problem::dom),
    }
}

/// An event listener that removes itself when dropped.
pub struct Listener {
    target: EventTarget,
    event: &'static str,
    capture: bool,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    pub fn new(
        target: &EventTarget,
        event: &'static str,
        capture: bool,
        handler: impl FnMut(Event) + 'static,
    ) -> Result<Listener, Problem> {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        target.add_event_listener_with_callback_and_bool(event, closure.as_ref().unchecked_ref(), capture).map_err(Problem::dom)?;
        Ok(Listener { target: target.clone(), event, capture, closure })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(self.event, self.closure.as_ref().unchecked_ref(), self.capture);
    }
}

/// A mutation observer on one subtree that disconnects when dropped.
pub struct Observer {
    observer: MutationObserver,
    _closure: Closure<dyn FnMut(js_sys::Array, MutationObserver)>,
}

impl Observer {
    pub fn new(
        target: &Node,
        options: &MutationObserverInit,
        mut handler: impl FnMut(&js_sys::Array) + 'static,
    ) -> Result<Observer, Problem> {
        let closure = Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(move |records: js_sys::Array, _: MutationObserver| {
            handler(&records)
        });
        let observer = MutationObserver::new(closure.as_ref().unchecked_ref()).map_err(Problem::dom)?;
        observer.observe_with_options(target, options).map_err(Problem::dom)?;
        Ok(Observer { observer, _closure: closure })
    }

    /// Drops the records our own DOM changes produced, so they do not come back as a pass.
    pub fn forget_pending(&self) {
        let _ = self.observer.take_records();
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Options for watching which children a list has.
pub fn child_list_options() -> MutationObserverInit {
    let options = MutationObserverInit::new();
    options.set_child_list(true);
    options
}

/// Options for watching elements added or removed anywhere below a node.
pub fn subtree_child_list_options() -> MutationObserverInit {
    let options = child_list_options();
    options.set_subtree(true);
    options
}

/// Options for watching one attribute anywhere below a node.
pub fn attribute_options(attribute: &str) -> MutationObserverInit {
    let options = MutationObserverInit::new();
    options.set_attributes(true);
    options.set_subtree(true);
    options.set_attribute_filter(&js_sys::Array::of1(&JsValue::from_str(attribute)));
    options
}

/// A reusable one-shot timer: `arm` schedules the callback unless it is already scheduled.
pub struct Timer {
    closure: Closure<dyn FnMut()>,
    handle: Option<i32>,
}

impl Timer {
    pub fn new(callback: impl FnMut() + 'static) -> Timer {
        Timer { closure: Closure::<dyn FnMut()>::new(callback), handle: None }
    }

    /// Schedules the callback in `delay_ms` unless it is already scheduled.
    pub fn arm(&mut self, delay_ms: i32) -> Result<(), Problem> {
        if self.handle.is_some() {
            return Ok(());
        }
        let handle = window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(self.closure.as_ref().unchecked_ref(), delay_ms)
            .map_err(Problem::dom)?;
        self.handle = Some(handle);
        Ok(())
    }

    /// Called by the callback when it runs, so that it can be armed again.
    pub fn fired(&mut self) {
        self.handle = None;
    }

    pub fn cancel(&mut self) {
        if let (Some(handle), Some(window)) = (self.handle.take(), web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.cancel();
    }
}
