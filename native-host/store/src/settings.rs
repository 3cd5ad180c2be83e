//! Settings: small JSON values by name (chosen model, thresholds), flushed on write.

use serde_json::Value;

use crate::codec::{decode, encode};
use crate::error::Result;
use crate::Store;

pub(crate) const TREE: &str = "settings";

impl Store {
    pub fn setting(&self, name: &str) -> Result<Option<Value>> {
        self.settings.get(name)?.map(|bytes| decode("setting", &bytes)).transpose()
    }

    /// Every setting by name, in name order (for an export file).
    pub fn settings(&self) -> Result<Vec<(String, Value)>> {
        self.settings
            .iter()
            .map(|entry| {
                let (name, value) = entry?;
                Ok((String::from_utf8_lossy(&name).into_owned(), decode("setting", &value)?))
            })
            .collect()
    }

    pub fn set_setting(&self, name: &str, value: &Value) -> Result<()> {
        self.settings.insert(name, encode("setting", value)?)?;
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        assert_eq!(store.setting("model").expect("get"), None);
        let value = serde_json::json!({"name": "multilingual-e5-small", "dim": 384});
        store.set_setting("model", &value).expect("set");
        assert_eq!(store.setting("model").expect("get"), Some(value.clone()));
        store.set_setting("a_first", &serde_json::json!(1)).expect("set");
        let all = store.settings().expect("lists");
        assert_eq!(all, vec![("a_first".to_owned(), serde_json::json!(1)), ("model".to_owned(), value)]);
    }
}
