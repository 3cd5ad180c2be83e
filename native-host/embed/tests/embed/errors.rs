//! Missing pieces and impossible requests: each a clear error naming the file and the fix.

use vrdndi_embed::{Device, EmbedError, Embedder, EmbedderOptions, EmbeddingModel, ExecutionDevice};

use crate::common;

#[test]
fn a_missing_model_names_the_file_and_the_setup_command() {
    common::runtime_library();
    let empty = tempfile::tempdir().expect("tempdir");
    let error = Embedder::new(EmbedderOptions::default().with_models_dir(empty.path())).expect_err("no model");
    let text = error.to_string();
    assert!(matches!(error, EmbedError::ModelFileMissing { .. }), "{error:?}");
    assert!(text.contains("multilingual-e5-small") && text.contains("scripts/setup.sh"), "{text}");

    let error = Embedder::new(EmbedderOptions::new(EmbeddingModel::BgeM3).with_models_dir(empty.path())).expect_err("no bge");
    assert!(error.to_string().contains("vrdndi model fetch bge-m3"), "{error}");
}

#[test]
fn a_missing_runtime_names_the_file_and_the_setup_command() {
    use vrdndi_embed::runtime::library_path;
    let configured = std::path::Path::new("/nonexistent/runtime/libonnxruntime.so.1.31.1");
    let text = library_path(None, Some(configured)).expect_err("missing").to_string();
    assert!(text.contains("/nonexistent/runtime/libonnxruntime.so.1.31.1") && text.contains("scripts/setup.sh"), "{text}");
    // ORT_DYLIB_PATH wins over the data dir's copy, and is checked the same way.
    let text = library_path(Some("/elsewhere/libonnxruntime.so.1.31.1".into()), Some(configured)).expect_err("missing").to_string();
    assert!(text.contains("/elsewhere/"), "{text}");
    let text = library_path(None, None).expect_err("unset").to_string();
    assert!(text.contains("ORT_DYLIB_PATH") && text.contains("scripts/setup.sh"), "{text}");
}

#[test]
fn batch_size_zero_is_rejected_before_loading_anything() {
    let error = Embedder::new(EmbedderOptions::default().with_batch_size(0)).expect_err("0");
    assert!(matches!(error, EmbedError::ZeroBatchSize), "{error:?}");
}

#[test]
fn auto_falls_back_to_the_cpu_and_explicit_cuda_fails_clearly_on_a_cpu_runtime() {
    if vrdndi_embed::runtime::environment(&common::runtime_library()).is_ok() && vrdndi_embed::runtime::cuda_compiled_in() {
        // A GPU runtime: the CUDA path is exercised by models/gpu/bench-gpu.sh instead.
        return;
    }
    let options = |device| {
        EmbedderOptions::new(EmbeddingModel::MultilingualE5Small).with_models_dir(common::models_dir()).with_threads(2).with_device(device)
    };
    let auto = Embedder::new(options(Device::Auto)).expect("auto loads");
    assert_eq!(auto.device(), ExecutionDevice::Cpu);
    let error = Embedder::new(options(Device::Cuda)).expect_err("cuda on a CPU runtime");
    assert!(matches!(error, EmbedError::CudaUnavailable { .. }), "{error:?}");
    assert!(error.to_string().contains("CPU build"), "{error}");
}
