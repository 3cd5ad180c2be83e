//! The network's invariants, on small deterministic inputs.

use candle_core::{Device, Tensor};
use chrono::{Duration, FixedOffset, TimeZone, Utc};
use vrdndi_protocol::Video;

use super::layers::{layer_norm, AdaLn};
use super::params::{Params, Source};
use super::{NetConfig, Network};
use crate::features::{batch, FeatureStats};
use crate::input::{Candidate, Context, ContextToken};
use crate::rng::Rng;

const E: usize = 16;

fn unit(seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let v: Vec<f32> = (0..E).map(|_| rng.normal() as f32).collect();
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

fn network(seed: u64) -> Network {
    let config = NetConfig { embed_dim: E, hidden: 8, condition_hidden: 4, head_hidden: 8, ..NetConfig::new(E) };
    Network::build(config, Params::new(Source::Init(Rng::new(seed)))).expect("builds").0
}

fn candidate(seed: u64, duration: Option<u32>) -> Candidate {
    let mut video = Video::new(format!("video{seed:06}"), "t");
    video.duration_s = duration;
    Candidate { video, embedding: unit(seed) }
}

fn context(n: usize) -> Context {
    let at = Utc.with_ymd_and_hms(2024, 3, 4, 15, 0, 0).single().expect("time");
    let tokens = (0..n)
        .map(|i| ContextToken {
            start: at - Duration::minutes(10 * (n - i) as i64),
            duration_s: 60.0 * (i + 1) as f64,
            app: "code".into(),
            title: format!("file{i}.rs"),
            embedding: unit(100 + i as u64),
        })
        .collect();
    Context::new(at, FixedOffset::east_opt(3600).expect("offset"), tokens)
}

fn logits(net: &Network, candidates: &[&Candidate], contexts: &[&Context]) -> (Vec<f32>, Vec<f32>) {
    let b = batch(candidates, contexts, &FeatureStats::default(), E, 32).expect("batch");
    let out = net.forward(&b).expect("forward");
    (out.interest.to_vec1().expect("vec"), out.productive.to_vec1().expect("vec"))
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5)
}

#[test]
fn padding_does_not_change_outputs() {
    let net = network(1);
    let c = candidate(1, Some(600));
    let short = context(2);
    let long = context(7);
    let alone = logits(&net, &[&c], &[&short]);
    // The same example batched beside a longer context is padded from 2 to 7 events.
    let padded = logits(&net, &[&c, &c], &[&short, &long]);
    assert!(close(&alone.0, &padded.0[..1]) && close(&alone.1, &padded.1[..1]), "{alone:?} vs {padded:?}");
    // And padding really was there: the longer context gives other numbers.
    assert!(!close(&padded.1[..1], &padded.1[1..]));
}

#[test]
fn adaln_starts_as_a_plain_layer_norm() {
    let mut p = Params::new(Source::Init(Rng::new(3)));
    let norm = AdaLn::new(&mut p, "n", 4, 6).expect("adaln");
    let x = Tensor::from_vec((0..2 * 3 * 6).map(|i| (i as f32 * 0.37).sin()).collect(), (2, 3, 6), &Device::Cpu).expect("x");
    let condition = Tensor::from_vec(vec![0.3f32, -1.0, 2.0, 0.5, 1.0, 1.0, -0.2, 0.0], (2, 4), &Device::Cpu).expect("c");
    let ada = norm.forward(&x, &condition).expect("forward").flatten_all().expect("flat").to_vec1::<f32>().expect("vec");
    let plain = layer_norm(&x).expect("ln").flatten_all().expect("flat").to_vec1::<f32>().expect("vec");
    assert_eq!(ada, plain);
}

#[test]
fn the_condition_matters_only_after_training_moves_adaln() {
    let net = network(2);
    let ctx = context(3);
    // At initialisation AdaLN ignores the condition, but the fusion still sees it.
    let short = candidate(5, Some(60));
    let long = candidate(5, Some(7200));
    let b_short = batch(&[&short], &[&ctx], &FeatureStats::default(), E, 32).expect("batch");
    let b_long = batch(&[&long], &[&ctx], &FeatureStats::default(), E, 32).expect("batch");
    let c_short = net.condition(&b_short.condition).expect("c");
    let c_long = net.condition(&b_long.condition).expect("c");
    let tok_short = net.encode_context(&b_short.context, &c_short).expect("ctx").flatten_all().expect("f").to_vec1::<f32>().expect("v");
    let tok_long = net.encode_context(&b_long.context, &c_long).expect("ctx").flatten_all().expect("f").to_vec1::<f32>().expect("v");
    assert_eq!(tok_short, tok_long);
}

#[test]
fn an_empty_context_is_the_learned_token() {
    let net = network(4);
    let c = candidate(9, None);
    let empty = Context::empty(Utc.with_ymd_and_hms(2024, 3, 4, 15, 0, 0).single().expect("t"), FixedOffset::east_opt(0).expect("o"));
    let b = batch(&[&c], &[&empty], &FeatureStats::default(), E, 32).expect("batch");
    let cond = net.condition(&b.condition).expect("c");
    let token = net.encode_context(&b.context, &cond).expect("ctx").flatten_all().expect("f").to_vec1::<f32>().expect("v");
    let learned = net.empty_context.as_tensor().to_vec1::<f32>().expect("v");
    assert_eq!(token, learned);
    assert!(learned.iter().any(|x| *x != 0.0), "the empty token is a parameter, not zeros");
    // Padding an empty context beside a real one keeps it the learned token.
    let full = context(4);
    let b2 = batch(&[&c, &c], &[&empty, &full], &FeatureStats::default(), E, 32).expect("batch");
    let cond2 = net.condition(&b2.condition).expect("c");
    let tokens = net.encode_context(&b2.context, &cond2).expect("ctx").to_vec2::<f32>().expect("v");
    assert_eq!(tokens[0], learned);
    assert_ne!(tokens[1], learned);
}

#[test]
fn a_shared_context_scores_like_one_context_per_candidate() {
    let net = network(5);
    let ctx = context(5);
    let cands: Vec<Candidate> = (0..4).map(|i| candidate(20 + i, Some(300 * (i as u32 + 1)))).collect();
    let refs: Vec<&Candidate> = cands.iter().collect();
    let shared = logits(&net, &refs, &[&ctx]);
    let each = logits(&net, &refs, &[&ctx, &ctx, &ctx, &ctx]);
    assert!(close(&shared.0, &each.0) && close(&shared.1, &each.1));
}

#[test]
fn parameter_names_are_unique() {
    let net = network(6);
    let mut names: Vec<&str> = net.vars().iter().map(|(n, _)| n.as_str()).collect();
    let before = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), before);
}
