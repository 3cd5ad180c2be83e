//! Where the tests find what lives outside the repository, as scripts/test.sh exports it: the
//! shared read-only data (`VRDNDI_SHARED`, else `<repo>/../shared`; read where it lies, never
//! copied into the repository) and the ONNX Runtime library and models scripts/deps.sh installs.
//! Something missing fails the test with the setup step to run; nothing is skipped.
//!
//! Include it with `#[path = "support/test_env.rs"] mod test_env;` (from a `mod.rs` helper:
//! `"../support/test_env.rs"`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The real ActivityWatch export of a Windows laptop at MHacks 16 (2023-11-18 20:07Z to
/// 2023-11-19 13:25Z; see its SOURCE.txt), under the shared `data/`.
pub const C1_EXPORT: &str = "C1-aw-export-windows-hackathon-MHacks/aw-buckets-export.json";

/// The shared folder, which must hold `data/`.
pub fn shared_dir() -> PathBuf {
    let dir =
        std::env::var_os("VRDNDI_SHARED").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    assert!(
        dir.join("data").is_dir(),
        "the shared data folder is not at {}: set VRDNDI_SHARED to the folder holding data/ (scripts/test.sh does)",
        dir.display()
    );
    dir
}

/// `relative` under the shared `data/`, which must exist.
pub fn shared_data(relative: &str) -> PathBuf {
    let path = shared_dir().join("data").join(relative);
    assert!(path.exists(), "{} is missing: set VRDNDI_SHARED to the shared folder holding data/", path.display());
    path
}

/// The ONNX Runtime library and the models folder (with the default e5-small model) the tests
/// run with.
pub fn model_env() -> (PathBuf, PathBuf) {
    let ort = std::env::var_os("ORT_DYLIB_PATH").map(PathBuf::from).unwrap_or_default();
    let models = std::env::var_os("VRDNDI_MODELS_DIR").map(PathBuf::from).unwrap_or_default();
    assert!(
        ort.is_file() && models.join("multilingual-e5-small/model.onnx").is_file(),
        "ORT_DYLIB_PATH ({}) and VRDNDI_MODELS_DIR ({}) must point at the ONNX Runtime library and the models: \
         run scripts/setup.sh (or scripts/deps.sh), then scripts/test.sh, which exports both",
        ort.display(),
        models.display()
    );
    (ort, models)
}
