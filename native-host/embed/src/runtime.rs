//! Loading ONNX Runtime at run time and choosing where the model runs (CUDA or CPU).
//!
//! The runtime is a shared library that setup puts in place (`ort` with `load-dynamic`): the build
//! never downloads binaries, and one binary serves machines with and without a GPU. `ort` allows one
//! environment per process, so it is made once here and shared by every [`Embedder`](crate::Embedder).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::environment::Environment;
use ort::ep::{self, ExecutionProvider};
use ort::session::builder::{AutoDevicePolicy, SessionBuilder};

use crate::error::{EmbedError, Result};
use crate::options::Device;

/// The ONNX Runtime release the `api-31` feature needs (1.31 or newer).
pub const ORT_VERSION: &str = "1.31.1";

/// The library's file name as setup installs it (the wheel ships only the versioned name).
#[cfg(target_os = "linux")]
pub const ORT_LIBRARY_FILE: &str = "libonnxruntime.so.1.31.1";
#[cfg(target_os = "macos")]
pub const ORT_LIBRARY_FILE: &str = "libonnxruntime.1.31.1.dylib";
#[cfg(target_os = "windows")]
pub const ORT_LIBRARY_FILE: &str = "onnxruntime.dll";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub const ORT_LIBRARY_FILE: &str = "libonnxruntime.so";

/// Where the model actually runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionDevice {
    Cpu,
    Cuda,
}

impl ExecutionDevice {
    pub fn name(self) -> &'static str {
        match self {
            ExecutionDevice::Cpu => "cpu",
            ExecutionDevice::Cuda => "cuda",
        }
    }
}

/// The library to load: `ORT_DYLIB_PATH` when set, else the configured path.
pub fn resolve_library(configured: Option<&Path>) -> Result<PathBuf> {
    library_path(std::env::var_os("ORT_DYLIB_PATH"), configured)
}

/// [`resolve_library`] with the environment variable's value passed in.
pub fn library_path(env_value: Option<std::ffi::OsString>, configured: Option<&Path>) -> Result<PathBuf> {
    let path = match env_value.filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => configured.map(Path::to_path_buf).ok_or(EmbedError::RuntimeNotConfigured)?,
    };
    if !path.is_file() {
        return Err(EmbedError::RuntimeMissing { path });
    }
    Ok(path)
}

static ENVIRONMENT: Mutex<Option<(Environment, PathBuf)>> = Mutex::new(None);

/// The process's ONNX Runtime environment, loading the library on first use.
///
/// A later call naming another library gets the first one (a process can load only one) and a
/// warning, not an error: the versions are checked at load and both serve the same API.
pub fn environment(library: &Path) -> Result<Environment> {
    let mut slot = ENVIRONMENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((environment, loaded)) = slot.as_ref() {
        if loaded != library {
            tracing::warn!(loaded = %loaded.display(), asked = %library.display(), "ONNX Runtime is already loaded from another file; using it");
        }
        return Ok(environment.clone());
    }
    let builder = ort::init_from(library).map_err(|source| EmbedError::RuntimeLoad { path: library.to_path_buf(), source })?;
    let environment = builder.with_name("vrdndi").build().map_err(EmbedError::Inference)?;
    *slot = Some((environment.clone(), library.to_path_buf()));
    Ok(environment)
}

/// Whether the loaded runtime was built with the CUDA execution provider (the CPU wheel is not).
pub fn cuda_compiled_in() -> bool {
    ep::CUDA::is_available().unwrap_or(false)
}

/// A session builder with the CUDA execution provider registered, or why that failed.
pub(crate) fn with_cuda(builder: SessionBuilder) -> std::result::Result<SessionBuilder, String> {
    if !cuda_compiled_in() {
        return Err("this ONNX Runtime library is the CPU build (the GPU build is onnxruntime-gpu's \
             libonnxruntime with libonnxruntime_providers_cuda.so beside it)"
            .to_owned());
    }
    builder.with_execution_providers([ep::CUDA::default().build().error_on_failure()]).map_err(|error| error.message().to_owned())
}

/// A session builder pinned to the CPU: no automatic device selection picks anything else.
pub(crate) fn with_cpu(builder: SessionBuilder) -> Result<SessionBuilder> {
    builder.with_auto_device(AutoDevicePolicy::PreferCPU).map_err(|error| EmbedError::Inference(error.into()))
}

/// What the caller asked for, as the order of attempts.
pub(crate) fn attempts(device: Device) -> &'static [ExecutionDevice] {
    match device {
        Device::Auto => &[ExecutionDevice::Cuda, ExecutionDevice::Cpu],
        Device::Cpu => &[ExecutionDevice::Cpu],
        Device::Cuda => &[ExecutionDevice::Cuda],
    }
}
