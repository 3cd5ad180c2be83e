//! The user's ActivityWatch categories, applied to context events the way aw-server does.
//!
//! Rules are aw-webui's "classes": a category path (`["Work", "Programming"]`) and a regex that
//! is searched in the event's string fields (app, title, url; or only `select_keys`). Of all
//! matching rules the highest rank wins, the rank being the rule's `priority` (or `weight`) or
//! else ten times the path's depth; on a tie the later rule wins (aw_transform.classify).
//! aw-server 0.12 keeps classes in the browser only, so there they are simply absent.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use serde_json::Value;

/// The category rules of one user; empty when aw-server holds none.
#[derive(Debug, Clone, Default)]
pub struct CategoryRules {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    path: Vec<String>,
    regex: Regex,
    select_keys: Option<Vec<String>>,
    rank: i64,
}

/// One class as aw-webui saves it; only what matching needs.
#[derive(Debug, Deserialize)]
struct Class {
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    rule: ClassRule,
}

#[derive(Debug, Default, Deserialize)]
struct ClassRule {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    ignore_case: bool,
    #[serde(default)]
    select_keys: Option<Vec<String>>,
    #[serde(default)]
    priority: Option<i64>,
    #[serde(default)]
    weight: Option<i64>,
}

impl CategoryRules {
    /// Rules from aw-server's `classes` setting (a JSON list, or a string holding one). Rules
    /// that cannot be used (no regex, a pattern this regex engine rejects, such as Python
    /// look-arounds) are left out and described in the second value.
    pub fn from_classes(value: &Value) -> (CategoryRules, Vec<String>) {
        let parsed;
        let value = match value {
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(inner) => {
                    parsed = inner;
                    &parsed
                }
                Err(e) => return (CategoryRules::default(), vec![format!("the classes setting is not JSON: {e}")]),
            },
            Value::Null => return (CategoryRules::default(), Vec::new()),
            other => other,
        };
        let classes: Vec<Value> = match value {
            Value::Array(items) => items.clone(),
            _ => return (CategoryRules::default(), vec!["the classes setting is not a list".to_owned()]),
        };
        let mut rules = Vec::new();
        let mut skipped = Vec::new();
        for item in classes {
            let class: Class = match serde_json::from_value(item) {
                Ok(class) => class,
                Err(e) => {
                    skipped.push(format!("a class that is not in aw-webui's format: {e}"));
                    continue;
                }
            };
            let name = class.name.join(" > ");
            if class.name.is_empty() || class.rule.kind != "regex" {
                continue;
            }
            let Some(pattern) = class.rule.regex.filter(|p| !p.is_empty()) else {
                continue;
            };
            match RegexBuilder::new(&pattern).case_insensitive(class.rule.ignore_case).build() {
                Ok(regex) => rules.push(Rule {
                    rank: class.rule.priority.or(class.rule.weight).unwrap_or(class.name.len() as i64 * 10),
                    path: class.name,
                    regex,
                    select_keys: class.rule.select_keys,
                }),
                Err(e) => skipped.push(format!("category `{name}`: {e}")),
            }
        }
        (CategoryRules { rules }, skipped)
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The category path for an event with these string fields (`("app", ..)`, `("title", ..)`,
    /// `("url", ..)`); empty when no rule matches ("Uncategorized" in aw-webui).
    pub fn categorize(&self, fields: &[(&str, &str)]) -> Vec<String> {
        let mut best: Option<&Rule> = None;
        for rule in &self.rules {
            let hit = fields.iter().any(|(key, value)| {
                rule.select_keys.as_ref().is_none_or(|keys| keys.iter().any(|k| k == key)) && rule.regex.is_match(value)
            });
            if hit && best.is_none_or(|b| rule.rank >= b.rank) {
                best = Some(rule);
            }
        }
        best.map(|rule| rule.path.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::CategoryRules;
    use serde_json::json;

    fn rules() -> CategoryRules {
        // aw-webui's default classes, abridged, as aw-server 0.13 returns them.
        let (rules, skipped) = CategoryRules::from_classes(&json!([
            {"id": 0, "name": ["Work"], "rule": {"type": "regex", "regex": "Google Docs|libreoffice|ReText"}},
            {"id": 1, "name": ["Work", "Programming"], "rule": {"type": "regex",
                "regex": "GitHub|Stack Overflow|BitBucket|Gitlab|vim|Spyder|kate|Ghidra|Scite|Visual Studio Code"}},
            {"id": 2, "name": ["Media", "Music"], "rule": {"type": "regex", "regex": "Spotify|Deezer", "ignore_case": true}},
            {"id": 3, "name": ["Comms"], "rule": {"type": "regex", "regex": "slack", "ignore_case": true,
                "select_keys": ["url"]}},
            {"id": 4, "name": ["Uncategorized"], "rule": {"type": "none"}},
            {"id": 5, "name": ["Bad"], "rule": {"type": "regex", "regex": "(?<=x)y"}}
        ]));
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert!(skipped[0].contains("Bad"));
        rules
    }

    #[test]
    fn deepest_matching_rule_wins() {
        let rules = rules();
        assert_eq!(rules.len(), 4);
        let title = "main.py - MHacks - Visual Studio Code";
        assert_eq!(rules.categorize(&[("app", "Code.exe"), ("title", title)]), ["Work", "Programming"]);
        assert_eq!(rules.categorize(&[("app", "spotify")]), ["Media", "Music"]);
        assert!(rules.categorize(&[("app", "explorer.exe"), ("title", "Downloads")]).is_empty());
    }

    #[test]
    fn select_keys_limit_where_a_rule_looks() {
        let rules = rules();
        assert!(rules.categorize(&[("app", "slack.exe"), ("title", "slack")]).is_empty());
        assert_eq!(rules.categorize(&[("url", "https://app.slack.com/client")]), ["Comms"]);
    }

    #[test]
    fn a_string_holding_json_and_null_are_accepted() {
        let inner = r#"[{"name":["Work"],"rule":{"type":"regex","regex":"GitHub"}}]"#;
        let (rules, skipped) = CategoryRules::from_classes(&json!(inner));
        assert!(skipped.is_empty());
        assert_eq!(rules.categorize(&[("title", "GitHub")]), ["Work"]);
        let (none, skipped) = CategoryRules::from_classes(&serde_json::Value::Null);
        assert!(none.is_empty() && skipped.is_empty());
    }

    #[test]
    fn explicit_priority_beats_depth() {
        let (rules, _) = CategoryRules::from_classes(&json!([
            {"name": ["Leisure"], "rule": {"type": "regex", "regex": "YouTube", "priority": 50}},
            {"name": ["Work", "Learning"], "rule": {"type": "regex", "regex": "Rust"}}
        ]));
        assert_eq!(rules.categorize(&[("title", "Rust in 100 seconds - YouTube")]), ["Leisure"]);
    }
}
