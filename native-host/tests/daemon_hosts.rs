//! Two browsers at once, for real: two native messaging host processes (Chrome's launch
//! arguments, frames on stdin/stdout) share one store through the daemon the first of them starts.

mod daemon_support;

use std::collections::HashSet;

use daemon_support::{feedback, DataDir, Host};
use vrdndi_protocol::{Ack, Response, ResponseBody};

/// Two browsers (two host processes) send 200 distinct labels each, and each re-sends 25 of its
/// own and 25 of the other's: exactly 400 labels are stored, each once.
#[test]
fn two_host_processes_store_every_label_once() {
    let dir = DataDir::new();
    let hosts: Vec<_> = (0..2).map(|_| Host::start(&dir)).collect();
    let workers: Vec<_> = hosts
        .into_iter()
        .enumerate()
        .map(|(me, mut host)| {
            std::thread::spawn(move || {
                let other = 1 - me;
                let mut stored = 0;
                for i in 0..200 {
                    let reply = host.request(&feedback(i as u64 + 1, &format!("h{me}-{i}"), i));
                    stored += usize::from(ack(&reply).stored);
                    if i % 4 == 3 {
                        // A repeat of one of ours and one that the other browser sends too.
                        for id in [format!("h{me}-{}", i - 1), format!("h{other}-{i}")] {
                            let reply = host.request(&feedback(1000 + i as u64, &id, i));
                            stored += usize::from(ack(&reply).stored);
                        }
                    }
                }
                host.finish();
                stored
            })
        })
        .collect();
    let stored: usize = workers.into_iter().map(|w| w.join().expect("host worker")).sum();
    assert_eq!(stored, 400, "acks with stored=true");

    let store = dir.open_store_after_daemon_exits();
    let labels = store.labels().expect("labels");
    let ids: HashSet<&str> = labels.iter().map(|l| l.feedback_id.as_str()).collect();
    assert_eq!(labels.len(), 400);
    let expected: HashSet<String> = (0..2).flat_map(|h| (0..200).map(move |i| format!("h{h}-{i}"))).collect();
    assert_eq!(ids, expected.iter().map(String::as_str).collect());
}

fn ack(response: &Response) -> Ack {
    match &response.body {
        ResponseBody::Ack(ack) => ack.clone(),
        other => panic!("expected an ack, got {other:?}"),
    }
}
