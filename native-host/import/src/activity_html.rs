//! `watch-history.html` / `search-history.html`: the same activities as the JSON, one
//! `div.outer-cell` each. Its content cell reads `Watched&nbsp;<a href=VIDEO>TITLE</a><br>
//! <a href=CHANNEL>NAME</a><br>LOCAL TIME ZONE`, ads carry "From Google Ads" in the caption cell.
//! The markup is walked as a DOM (scraper), never matched with regexes.

use std::collections::HashMap;

use scraper::{ElementRef, Html, Node, Selector};
use vrdndi_protocol::HistoryRecord;

use crate::activity::{self, Activity, Outcome, Templates};
use crate::classify;
use crate::html_time;
use crate::links::{self, Link};
use crate::summary::{FileSummary, Position};
use crate::titles::Template;

/// One `<br>`-separated line of a content cell: its text and its links.
#[derive(Debug, Default)]
struct Line {
    text_before_link: String,
    text: String,
    links: Vec<(String, String)>,
}

fn selector(css: &str) -> Selector {
    // The selectors are constants of this module; a typo is a bug caught by the tests.
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e}"))
}

/// True when `html` is a Takeout activity page (rather than, say, `my-comments.html`).
pub fn looks_like(html: &str) -> bool {
    html.contains("outer-cell") && html.contains("content-cell")
}

fn lines_of(cell: ElementRef<'_>) -> Vec<Line> {
    let mut lines = vec![Line::default()];
    for child in cell.children() {
        let Some(line) = lines.last_mut() else { break };
        match child.value() {
            Node::Text(text) => {
                line.text.push_str(text);
                if line.links.is_empty() {
                    line.text_before_link.push_str(text);
                }
            }
            Node::Element(element) if element.name() == "br" => lines.push(Line::default()),
            Node::Element(element) => {
                let text: String = ElementRef::wrap(child).map(|e| e.text().collect()).unwrap_or_default();
                match element.attr("href") {
                    Some(href) if element.name() == "a" => line.links.push((href.to_owned(), text)),
                    _ => line.text.push_str(&text),
                }
            }
            _ => {}
        }
    }
    lines
}

/// Reads one cell; `Err` is a malformed cell.
fn activity_of(outer: ElementRef<'_>, header: &Selector, body: &Selector, caption: &Selector) -> Result<(Activity, String), String> {
    let header = outer.select(header).next().map(|h| h.text().collect::<String>().trim().to_owned());
    let body =
        outer.select(body).find(|cell| !cell.value().classes().any(|c| c == "mdl-typography--text-right")).ok_or("no content cell")?;
    let ad = outer.select(caption).any(|c| c.text().any(classify::is_ad_detail));
    let lines: Vec<Line> = lines_of(body).into_iter().filter(|l| !l.text.trim().is_empty() || !l.links.is_empty()).collect();
    let first = lines.first().ok_or("an empty content cell")?;
    let time_text = lines.last().filter(|l| l.links.is_empty() && lines.len() > 1).map(|l| l.text.trim().to_owned());
    let (time, time_problem) = match time_text.as_deref().map(html_time::parse) {
        Some(Ok(t)) => (Some(t), None),
        Some(Err(e)) => (None, Some(format!("unreadable time: {e}"))),
        None => (None, Some("no time".to_owned())),
    };
    let (link, text, bare_title) = match first.links.first() {
        Some((href, title)) => (Some(href.clone()), title.clone(), true),
        None => (None, first.text.trim().to_owned(), false),
    };
    let channel = lines.iter().skip(1).flat_map(|l| l.links.iter()).find(|(href, _)| links::channel_id(href).is_some());
    let activity = Activity {
        header,
        text,
        bare_title,
        link,
        channel: channel.map(|(_, name)| name.clone()),
        channel_link: channel.map(|(href, _)| href.clone()),
        time,
        time_problem,
        ad,
    };
    Ok((activity, first.text_before_link.replace('\u{a0}', " ")))
}

/// Reads one activity HTML page.
pub fn read(html: &str, summary: &mut FileSummary) -> Vec<HistoryRecord> {
    let document = Html::parse_document(html);
    let (outer, header, body, caption) = (
        selector("div.outer-cell"),
        selector(".header-cell p"),
        selector(".content-cell.mdl-typography--body-1"),
        selector(".content-cell.mdl-typography--caption"),
    );
    let cells: Vec<Result<(Activity, String), String>> =
        document.select(&outer).map(|cell| activity_of(cell, &header, &body, &caption)).collect();
    // The verb before a video link ("Watched ") is this file's watch template; it tells a removed
    // video ("Watched a video that has been removed") from a visit.
    let mut verbs: HashMap<&str, usize> = HashMap::new();
    for (activity, verb) in cells.iter().flatten() {
        if matches!(activity.link.as_deref().map(links::classify), Some(Link::Video { .. })) && !verb.trim().is_empty() {
            *verbs.entry(verb.as_str()).or_insert(0) += 1;
        }
    }
    let watch =
        verbs.into_iter().max_by_key(|(verb, n)| (*n, *verb)).map(|(verb, _)| Template { prefix: verb.to_owned(), suffix: String::new() });
    let templates = Templates { watch, search: None };
    let mut records = Vec::new();
    for (index, cell) in cells.into_iter().enumerate() {
        match cell.map(|(activity, _)| activity::convert(&activity, &templates)) {
            Ok(Outcome::Record(record)) => {
                summary.record(&record);
                records.push(*record);
            }
            Ok(Outcome::Skip(reason)) => summary.skip(reason),
            Ok(Outcome::Problem(message)) | Err(message) => summary.problem(Position::Entry(index + 1), message),
        }
    }
    records
}
