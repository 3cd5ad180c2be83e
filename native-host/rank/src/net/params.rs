//! Where the network's weights come from: a seeded initialisation, or a saved file that must hold
//! every weight with the right shape (a missing, extra or misshapen tensor is an error, never a
//! silently random layer: the seed reloaded random heads that way).

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, Var};

use crate::error::Result;
use crate::rng::Rng;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Init {
    /// Uniform in ±1/sqrt(fan_in).
    FanIn(usize),
    Zeros,
    Normal(f64),
}

pub(crate) enum Source {
    Init(Rng),
    Load(HashMap<String, Tensor>),
}

pub(crate) struct Params {
    source: Source,
    vars: Vec<(String, Var)>,
    problems: Vec<String>,
}

impl Params {
    pub(crate) fn new(source: Source) -> Self {
        Params { source, vars: Vec::new(), problems: Vec::new() }
    }

    pub(crate) fn var(&mut self, name: &str, shape: &[usize], init: Init) -> Result<Var> {
        let var = match &mut self.source {
            Source::Init(rng) => {
                let n: usize = shape.iter().product();
                let values: Vec<f32> = match init {
                    Init::Zeros => vec![0.0; n],
                    Init::FanIn(fan_in) => {
                        let bound = 1.0 / (fan_in.max(1) as f64).sqrt();
                        (0..n).map(|_| ((rng.uniform() * 2.0 - 1.0) * bound) as f32).collect()
                    }
                    Init::Normal(std) => (0..n).map(|_| (rng.normal() * std) as f32).collect(),
                };
                Var::from_tensor(&Tensor::from_vec(values, shape, &Device::Cpu)?)?
            }
            Source::Load(tensors) => match tensors.remove(name) {
                Some(t) if t.dims() == shape && t.dtype() == DType::F32 => Var::from_tensor(&t)?,
                Some(t) => {
                    self.problems.push(format!("`{name}` is {:?} {:?}, expected F32 {shape:?}", t.dtype(), t.dims()));
                    Var::zeros(shape, DType::F32, &Device::Cpu)?
                }
                None => {
                    self.problems.push(format!("`{name}` is missing"));
                    Var::zeros(shape, DType::F32, &Device::Cpu)?
                }
            },
        };
        self.vars.push((name.to_owned(), var.clone()));
        Ok(var)
    }

    /// The variables in creation order, and what was wrong with a loaded file (also tensors it
    /// held that the network does not use).
    pub(crate) fn finish(self) -> (Vec<(String, Var)>, Vec<String>) {
        let mut problems = self.problems;
        if let Source::Load(rest) = self.source {
            let mut extra: Vec<String> = rest.into_keys().collect();
            extra.sort();
            problems.extend(extra.into_iter().map(|name| format!("unexpected tensor `{name}`")));
        }
        (self.vars, problems)
    }
}
