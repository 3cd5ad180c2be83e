//! `vrdndi model list` and `vrdndi model use` on the real default model, and the errors a person
//! meets: a model that is not installed, one that cannot be downloaded, a name that does not exist.

mod model_support;

use model_support::{text, vrdndi};

fn list_json(data: &std::path::Path, models: &std::path::Path) -> Vec<serde_json::Value> {
    let output = vrdndi(data, models, &["model", "list", "--json"]);
    assert!(output.status.success(), "{}", text(&output));
    serde_json::from_slice(&output.stdout).expect("list --json prints a JSON array")
}

fn row<'a>(rows: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    rows.iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("no row {name} in {rows:?}"))
}

#[test]
fn list_shows_the_installed_default_in_use_and_how_to_get_the_others() {
    let e5 = model_support::e5_dir();
    let models = e5.parent().expect("models dir");
    let data = tempfile::tempdir().expect("tempdir");
    let rows = list_json(data.path(), models);
    let default = row(&rows, "multilingual-e5-small");
    assert_eq!((default["installed"].as_bool(), default["in_use"].as_bool(), default["dim"].as_u64()), (Some(true), Some(true), Some(384)));
    let hash = vrdndi_embed::folder::sha256_file(&e5.join("model.onnx")).expect("hash");
    assert_eq!(default["key"], format!("multilingual-e5-small@{}", &hash[..12]));
    let bge = row(&rows, "bge-m3");
    assert_eq!(bge["in_use"], false);
    assert_eq!(bge["fetchable"], true);

    let table = vrdndi(data.path(), models, &["model", "list"]);
    let table = String::from_utf8_lossy(&table.stdout).into_owned();
    assert!(table.lines().any(|l| l.starts_with('*') && l.contains("multilingual-e5-small")), "{table}");
}

#[test]
fn a_fresh_machine_is_told_what_to_run() {
    let data = tempfile::tempdir().expect("tempdir");
    let models = data.path().join("models");
    let rows = list_json(data.path(), &models);
    assert_eq!(row(&rows, "multilingual-e5-small")["installed"], false);
    assert!(row(&rows, "multilingual-e5-small")["install"].as_str().expect("hint").contains("scripts/setup.sh"));
    assert!(row(&rows, "bge-m3")["install"].as_str().expect("hint").contains("vrdndi model fetch bge-m3"));

    let used = vrdndi(data.path(), &models, &["model", "use", "bge-m3"]);
    assert!(!used.status.success());
    assert!(text(&used).contains("not installed") && text(&used).contains("vrdndi model fetch bge-m3"), "{}", text(&used));
    assert!(!data.path().join(vrdndi_embed::choice::CHOICE_FILE).exists(), "a failed `use` changes nothing");

    let fetch = vrdndi(data.path(), &models, &["model", "fetch", "multilingual-e5-small"]);
    assert!(!fetch.status.success() && text(&fetch).contains("scripts/setup.sh"), "{}", text(&fetch));

    let unknown = vrdndi(data.path(), &models, &["model", "use", "gpt-embed"]);
    assert!(!unknown.status.success() && text(&unknown).contains("bge-m3"), "{}", text(&unknown));
}

#[test]
fn use_switches_the_model_the_daemon_loads() {
    let e5 = model_support::e5_dir();
    let models = e5.parent().expect("models dir");
    let data = tempfile::tempdir().expect("tempdir");
    vrdndi_embed::write_choice(data.path(), vrdndi_embed::EmbeddingModel::BgeM3).expect("pretend bge-m3 was chosen");
    let output = vrdndi(data.path(), models, &["model", "use", "multilingual-e5-small"]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(vrdndi_embed::read_choice(data.path()).expect("choice"), vrdndi_embed::EmbeddingModel::MultilingualE5Small);
    assert_eq!(row(&list_json(data.path(), models), "multilingual-e5-small")["in_use"], true);
}
