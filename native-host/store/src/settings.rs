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
        assert_eq!(store.setting("model").expect("get"), Some(value));
    }
}
