//! Downloading a model's files: resumable, checked, and never installed half-way.
//!
//! Each file goes to `<name>.part` beside its final place. A rerun after an interruption asks the
//! server for the rest (`Range: bytes=N-`) and appends; a server that ignores the range sends the
//! whole file and the part starts over. Only a file whose sha256 matches the registry's is renamed
//! into place; a mismatch deletes the part (resuming it could never succeed). When every file is
//! there, `model.json` records their hashes and sizes so the model key needs no re-hashing.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::header::{CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use vrdndi_embed::folder::{sha256_file, FolderMetadata, ModelFolder};
use vrdndi_embed::registry::ModelFile;
use vrdndi_embed::EmbeddingModel;

use crate::config::Config;
use crate::output;

/// A stalled connection fails after this long without a byte; rerunning resumes.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

pub fn fetch(config: &Config, model: EmbeddingModel, base: Option<&str>, overrides: &BTreeMap<String, String>) -> anyhow::Result<()> {
    let info = model.info();
    let Some(default_base) = info.download_base else {
        bail!("{model} is not downloaded but built on this machine: {}", info.install_hint);
    };
    let base = base.unwrap_or(default_base).trim_end_matches('/');
    let folder = ModelFolder::new(&config.models_dir, info);
    std::fs::create_dir_all(&folder.dir).with_context(|| format!("creating {}", folder.dir.display()))?;

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the download runtime")?;
    let client = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .user_agent(concat!("vrdndi/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("building the HTTP client")?;

    let mut metadata = FolderMetadata { name: info.name.to_owned(), ..FolderMetadata::default() };
    for file in info.files() {
        let Some(remote) = file.remote else {
            bail!("{model}'s {} has no download location", file.name);
        };
        let expected = overrides.get(file.name).map(String::as_str).unwrap_or(remote.sha256);
        let url = format!("{base}/{}", remote.path);
        let bytes = runtime.block_on(fetch_file(&client, &folder, file, &url, expected))?;
        metadata.sha256.insert(file.name.to_owned(), expected.to_owned());
        metadata.bytes.insert(file.name.to_owned(), bytes);
    }
    metadata.other.insert("dim".into(), info.dim.into());
    metadata.other.insert("source".into(), base.into());
    folder.write_metadata(&metadata)?;
    output::line(format!("{model} is ready in {}; `vrdndi model use {model}` switches to it", folder.dir.display()));
    Ok(())
}

/// Makes `file` present with the `expected` sha256; returns its size.
async fn fetch_file(client: &reqwest::Client, folder: &ModelFolder, file: ModelFile, url: &str, expected: &str) -> anyhow::Result<u64> {
    let target = folder.path(file.name);
    if target.is_file() && sha256_file(&target)? == expected {
        output::line(format!("{}: already there, sha256 ok", file.name));
        return Ok(std::fs::metadata(&target)?.len());
    }
    let part = folder.path(&format!("{}.part", file.name));
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);

    let mut request = client.get(url);
    if have > 0 {
        request = request.header(RANGE, format!("bytes={have}-"));
    }
    let mut response = request.send().await.with_context(|| format!("requesting {url}"))?;
    let status = response.status();
    let (mut offset, total) = match status {
        StatusCode::PARTIAL_CONTENT if have > 0 => {
            let start = content_range_start(&response);
            if start != Some(have) {
                bail!("{url} answered a resume at byte {have} with range {start:?}; delete {} and retry", part.display());
            }
            (have, response.content_length().map(|n| n + have))
        }
        // The server sent the whole file (it ignores ranges, or there was nothing to resume).
        StatusCode::OK => (0, response.content_length()),
        // Nothing left to send: the part already holds the whole file (checked below).
        StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => (have, Some(have)),
        _ => bail!("{url} answered HTTP {status}"),
    };
    if status != StatusCode::RANGE_NOT_SATISFIABLE {
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(offset > 0)
            .truncate(offset == 0)
            .open(&part)
            .with_context(|| format!("opening {}", part.display()))?;
        if offset > 0 {
            output::line(format!("{}: resuming at {}", file.name, human_bytes(offset)));
        }
        let bar = progress_bar(file.name, total, offset);
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => {
                    bar.abandon();
                    out.flush().ok();
                    bail!(
                        "download of {} stopped at {} of {} ({error}); run the same command again to resume",
                        file.name,
                        human_bytes(offset),
                        total.map(human_bytes).unwrap_or_else(|| "?".into())
                    );
                }
            };
            out.write_all(&chunk).with_context(|| format!("writing {}", part.display()))?;
            offset += chunk.len() as u64;
            bar.set_position(offset);
        }
        out.sync_all().with_context(|| format!("writing {}", part.display()))?;
        bar.finish_and_clear();
        if let Some(total) = total.filter(|&t| t != offset) {
            bail!(
                "download of {} ended at {} of {}; run the same command again to resume",
                file.name,
                human_bytes(offset),
                human_bytes(total)
            );
        }
    }

    let got = sha256_file(&part)?;
    if got != expected {
        std::fs::remove_file(&part).with_context(|| format!("removing {}", part.display()))?;
        bail!("{} from {url} has sha256 {got}, expected {expected}; the download was deleted (a wrong or changed mirror?)", file.name);
    }
    std::fs::rename(&part, &target).with_context(|| format!("moving {} into place", part.display()))?;
    output::line(format!("{}: {} downloaded, sha256 ok", file.name, human_bytes(offset)));
    Ok(offset)
}

/// The first byte of a `Content-Range: bytes START-END/TOTAL` header.
fn content_range_start(response: &reqwest::Response) -> Option<u64> {
    let value = response.headers().get(CONTENT_RANGE)?.to_str().ok()?;
    value.strip_prefix("bytes ")?.split('-').next()?.trim().parse().ok()
}

/// A bar on stderr (indicatif hides it when stderr is not a terminal).
fn progress_bar(name: &str, total: Option<u64>, position: u64) -> ProgressBar {
    let bar = match total {
        Some(total) => ProgressBar::new(total),
        None => ProgressBar::no_length(),
    };
    let style = ProgressStyle::with_template("{msg:>16} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(name.to_owned());
    bar.set_position(position);
    bar
}

fn human_bytes(n: u64) -> String {
    indicatif::HumanBytes(n).to_string()
}
