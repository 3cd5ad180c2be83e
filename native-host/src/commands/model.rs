//! `vrdndi model list | use NAME | fetch NAME`: which embedding models are installed, which one
//! the daemon loads, and downloading the optional ones.
//!
//! The choice lives in `<data_dir>/embedding-model.json` (see `vrdndi_embed::choice`); the daemon
//! reads it when it loads its embedder (`daemon::embeddings`).

mod fetch;

use std::collections::BTreeMap;

use anyhow::{bail, Context};
use serde::Serialize;
use vrdndi_embed::folder::ModelFolder;
use vrdndi_embed::{EmbedderOptions, EmbeddingModel, Precision, MODELS};

use crate::config::Config;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub command: ModelCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ModelCommand {
    /// Show the known models, which are installed and which is in use
    List {
        /// One JSON array instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Choose the model the daemon embeds with (it must be installed)
    Use {
        /// A name from `vrdndi model list`
        name: String,
    },
    /// Download a model that is not built at setup (bge-m3), with hash checks and resume
    Fetch {
        /// A name from `vrdndi model list`
        name: String,
        /// Download base instead of the model's Hugging Face repository (a mirror)
        #[arg(long, value_name = "BASE")]
        url: Option<String>,
        /// Expect another sha256 for one file, as FILE=HEX (a mirror with another export)
        #[arg(long = "sha256", value_name = "FILE=HEX", hide = true)]
        sha256: Vec<String>,
    },
}

pub fn run(config: &Config, args: ModelArgs) -> anyhow::Result<()> {
    match args.command {
        ModelCommand::List { json } => list(config, json),
        ModelCommand::Use { name } => use_model(config, &name),
        ModelCommand::Fetch { name, url, sha256 } => {
            let model = EmbeddingModel::from_name(&name)?;
            let overrides = parse_overrides(model, &sha256)?;
            fetch::fetch(config, model, url.as_deref(), &overrides)
        }
    }
}

/// One row of `vrdndi model list --json`.
#[derive(Debug, Serialize)]
struct ModelRow {
    name: &'static str,
    dim: usize,
    installed: bool,
    in_use: bool,
    /// `model.int8.onnx` is there too.
    int8: bool,
    fetchable: bool,
    path: String,
    /// The key its embeddings are stored under (installed models only).
    key: Option<String>,
    description: &'static str,
    /// How to install it, when it is not.
    install: Option<&'static str>,
}

fn list(config: &Config, json: bool) -> anyhow::Result<()> {
    let chosen = vrdndi_embed::read_choice(&config.data_dir)?;
    let mut rows = Vec::new();
    for info in MODELS {
        let folder = ModelFolder::new(&config.models_dir, info);
        let installed = folder.is_installed();
        let key = if installed { Some(folder.model_key(Precision::Full.model_file_name())?) } else { None };
        rows.push(ModelRow {
            name: info.name,
            dim: info.dim,
            installed,
            in_use: info.model == chosen,
            int8: installed && folder.path(Precision::Int8.model_file_name()).is_file(),
            fetchable: info.is_fetchable(),
            path: folder.dir.display().to_string(),
            key,
            description: info.description,
            install: (!installed).then_some(info.install_hint),
        });
    }
    if json {
        return output::json(&rows);
    }
    output::line(format!("  {:<22} {:>5}  {:<14} description", "model", "dim", "status"));
    for row in &rows {
        let status = match (row.installed, row.int8) {
            (true, true) => "installed+int8",
            (true, false) => "installed",
            (false, _) => "not installed",
        };
        output::line(format!("{} {:<22} {:>5}  {:<14} {}", if row.in_use { "*" } else { " " }, row.name, row.dim, status, row.description));
    }
    for row in rows.iter().filter(|r| !r.installed) {
        output::line(format!("to install {}: {}", row.name, row.install.unwrap_or_default()));
    }
    output::line(format!("models dir: {}  (* = in use; change with `vrdndi model use NAME`)", config.models_dir.display()));
    let runtime = EmbedderOptions::default().with_data_dir(&config.data_dir).runtime_library;
    match vrdndi_embed::runtime::resolve_library(runtime.as_deref()) {
        Ok(path) => output::line(format!("runtime: {}", path.display())),
        Err(error) => output::line(format!("runtime: {error}")),
    }
    Ok(())
}

fn use_model(config: &Config, name: &str) -> anyhow::Result<()> {
    let model = EmbeddingModel::from_name(name)?;
    let folder = ModelFolder::new(&config.models_dir, model.info());
    if !folder.is_installed() {
        bail!("{model} is not installed in {}: {}", folder.dir.display(), model.info().install_hint);
    }
    vrdndi_embed::write_choice(&config.data_dir, model).with_context(|| format!("saving the choice in {}", config.data_dir.display()))?;
    output::line(format!(
        "using {model} ({}-d, key {}); the daemon loads it when it next starts, and embeddings of other models are kept apart",
        model.info().dim,
        folder.model_key(Precision::Full.model_file_name())?
    ));
    Ok(())
}

/// `FILE=HEX` pairs naming files of `model`.
fn parse_overrides(model: EmbeddingModel, pairs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut overrides = BTreeMap::new();
    for pair in pairs {
        let Some((file, hex)) = pair.split_once('=') else {
            bail!("--sha256 wants FILE=HEX, got `{pair}`");
        };
        if !model.info().files().iter().any(|f| f.name == file) {
            bail!("--sha256: {model} has no file `{file}`");
        }
        let hex = hex.trim().to_ascii_lowercase();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("--sha256: `{hex}` is not 64 hex digits");
        }
        overrides.insert(file.to_owned(), hex);
    }
    Ok(overrides)
}
