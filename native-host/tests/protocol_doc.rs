//! `PROTOCOL.md` against the code: every JSON example parses with the real types, every request
//! and reply type has one, documented error replies are the ones the host sends, and the error
//! table is `ErrorCode::ALL`. Changing a message without its documentation fails here.

use std::collections::BTreeSet;

use serde_json::Value;
use vrdndi_protocol::{
    parse_request, ErrorCode, Response, ResponseBody, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, REQUEST_TYPES, RESPONSE_TYPES,
};

fn document() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../PROTOCOL.md");
    std::fs::read_to_string(path).expect("PROTOCOL.md at the repo root")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Request,
    Response,
}

#[derive(Debug)]
struct Example {
    label: Label,
    line: usize,
    text: String,
}

/// Every ```json block, with the `Request:` or `Response:` line before it.
fn examples(doc: &str) -> Vec<Example> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "```json" {
            i += 1;
            continue;
        }
        let label = match lines[..i].iter().rev().find(|l| !l.trim().is_empty()).map(|l| l.trim()) {
            Some("Request:") => Label::Request,
            Some("Response:") => Label::Response,
            other => panic!("PROTOCOL.md line {}: a JSON block must follow `Request:` or `Response:`, not {other:?}", i + 1),
        };
        let end = (i + 1..lines.len()).find(|&j| lines[j].trim() == "```").expect("closed block");
        out.push(Example { label, line: i + 1, text: lines[i + 1..end].join("\n") });
        i = end + 1;
    }
    out
}

/// Every key the document writes must survive a round trip through the type: a misspelt
/// optional field would otherwise be ignored silently.
fn assert_keys_known(documented: &Value, typed: &Value, path: &str, line: usize) {
    match (documented, typed) {
        (Value::Object(doc), Value::Object(typed)) => {
            for (key, value) in doc {
                let Some(typed_value) = typed.get(key) else {
                    panic!("PROTOCOL.md line {line}: `{path}.{key}` is not a field of the type");
                };
                assert_keys_known(value, typed_value, &format!("{path}.{key}"), line);
            }
        }
        (Value::Array(doc), Value::Array(typed)) => {
            assert_eq!(doc.len(), typed.len(), "PROTOCOL.md line {line}: `{path}`");
            for (i, (d, t)) in doc.iter().zip(typed).enumerate() {
                assert_keys_known(d, t, &format!("{path}[{i}]"), line);
            }
        }
        _ => {}
    }
}

fn parse_value(example: &Example) -> Value {
    serde_json::from_str(&example.text).unwrap_or_else(|e| panic!("PROTOCOL.md line {}: not JSON: {e}", example.line))
}

#[test]
fn every_json_example_parses_with_the_real_types() {
    let doc = document();
    let all = examples(&doc);
    assert!(all.len() >= 20, "found only {} examples", all.len());
    for (n, example) in all.iter().enumerate() {
        let value = parse_value(example);
        match example.label {
            Label::Request => {
                let next_is_error = all.get(n + 1).is_some_and(|e| e.label == Label::Response && parse_value(e)["type"] == "error");
                match parse_request(&example.text) {
                    Ok(request) => {
                        assert!(!next_is_error, "PROTOCOL.md line {}: documented as failing but parses", example.line);
                        let typed = serde_json::to_value(&request).expect("serializes");
                        assert_keys_known(&value, &typed, "request", example.line);
                    }
                    Err(failure) => {
                        assert!(next_is_error, "PROTOCOL.md line {}: request does not parse: {}", example.line, failure.reply.message)
                    }
                }
            }
            Label::Response => {
                let response: Response = serde_json::from_str(&example.text)
                    .unwrap_or_else(|e| panic!("PROTOCOL.md line {}: not a Response: {e}", example.line));
                let typed = serde_json::to_value(&response).expect("serializes");
                assert_keys_known(&value, &typed, "response", example.line);
            }
        }
    }
}

#[test]
fn every_request_and_reply_type_has_an_example() {
    let doc = document();
    let mut requests = BTreeSet::new();
    let mut responses = BTreeSet::new();
    for example in examples(&doc) {
        match example.label {
            Label::Request => {
                if let Ok(request) = parse_request(&example.text) {
                    requests.insert(request.body.type_name());
                }
            }
            Label::Response => {
                let response: Response = serde_json::from_str(&example.text).expect("a Response");
                responses.insert(response.body.type_name());
            }
        }
    }
    assert_eq!(requests, REQUEST_TYPES.into_iter().collect::<BTreeSet<_>>());
    assert_eq!(responses, RESPONSE_TYPES.into_iter().collect::<BTreeSet<_>>());
}

/// A request example is followed by its reply, with the same id; a documented error reply is
/// exactly what the host says to that request, and the documented `hello` what it answers.
#[test]
fn each_request_is_followed_by_its_reply_as_the_host_gives_it() {
    let doc = document();
    let all = examples(&doc);
    for pair in all.windows(2) {
        let [request, reply] = pair else { continue };
        if request.label != Label::Request {
            continue;
        }
        assert_eq!(reply.label, Label::Response, "PROTOCOL.md line {}: a request without its reply", request.line);
        let documented: Response = serde_json::from_str(&reply.text).expect("a Response");
        let id = parse_value(request)["id"].as_u64();
        assert_eq!(documented.id, id, "PROTOCOL.md line {}: the reply's id", reply.line);
        match parse_request(&request.text) {
            Err(failure) => assert_eq!(failure.into_response(), documented, "PROTOCOL.md line {}", reply.line),
            Ok(parsed) if parsed.body.type_name() == "hello" => {
                let mut actual = vrdndi::host::relay::hello_reply(parsed.id);
                if let (ResponseBody::Hello(actual), ResponseBody::Hello(doc)) = (&mut actual.body, &documented.body) {
                    actual.host_version = doc.host_version.clone();
                }
                assert_eq!(actual, documented, "PROTOCOL.md line {}: hello", reply.line);
            }
            Ok(_) => {}
        }
    }
}

#[test]
fn the_error_table_is_error_code_all() {
    let doc = document();
    let section = doc.split("### Error codes").nth(1).expect("an `### Error codes` section");
    let rows: Vec<(u16, String)> = section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let code = cells.get(1)?.parse::<u16>().ok()?;
            Some((code, cells.get(2)?.trim_matches('`').to_owned()))
        })
        .collect();
    let expected: Vec<(u16, String)> = ErrorCode::ALL.iter().map(|c| (*c as u16, c.name().to_owned())).collect();
    assert_eq!(rows, expected);
    assert!(section.contains("Do not modify\nthe values") || section.contains("Do not modify the values"));
}

#[test]
fn the_version_and_the_cap_are_the_code_s() {
    let doc = document();
    assert!(doc.contains(&format!("**Protocol version: {PROTOCOL_VERSION}**")));
    assert_eq!(MAX_MESSAGE_BYTES, 1_048_576);
    assert!(doc.contains("1 MiB (1,048,576 bytes)"));
}
