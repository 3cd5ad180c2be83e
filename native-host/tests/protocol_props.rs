//! Property tests of the host's input path: no byte stream crashes the frame reader or the relay,
//! every complete frame gets exactly one reply within the cap, and every valid request survives
//! framing and parsing unchanged.

use std::io::Cursor;

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use vrdndi::host::frames::{encode, read_frame};
use vrdndi::host::relay::{Relay, Store, StoreError};
use vrdndi_protocol::*;

/// A daemon that acknowledges everything.
struct Acks;

impl Store for Acks {
    fn roundtrip(&mut self, request: &Request, _json: &str) -> Result<String, StoreError> {
        Ok(format!(r#"{{"id":{},"type":"ack","stored":true}}"#, request.id))
    }
}

/// Runs the relay over `bytes` as the host does and returns its replies.
fn serve(bytes: Vec<u8>) -> Vec<Response> {
    let budget = bytes.len() / 4 + 2;
    let mut input = Cursor::new(bytes);
    let mut relay = Relay::new(Acks);
    let mut replies = Vec::new();
    for _ in 0..budget {
        let handled = relay.handle(read_frame(&mut input));
        if let Some(reply) = handled.reply {
            assert!(reply.json.len() <= MAX_MESSAGE_BYTES);
            replies.push(serde_json::from_str(&reply.json).expect("every reply is a Response"));
        }
        if handled.end.is_some() {
            return replies;
        }
    }
    panic!("the reader did not reach the end of {budget} frames' worth of input");
}

/// What the host must answer to one complete frame with this body.
fn expected_reply(body: &[u8]) -> Response {
    let Ok(text) = std::str::from_utf8(body) else {
        return Response::error(None, ErrorCode::InvalidUtf8, "the message is not valid UTF-8");
    };
    match parse_request(text) {
        Err(failure) => failure.into_response(),
        Ok(Request { id, body: RequestBody::Hello(_) }) => vrdndi::host::relay::hello_reply(id),
        Ok(request) => Response { id: Some(request.id), body: ResponseBody::Ack(Ack { stored: true }) },
    }
}

/// What a frame body may be: anything, or something close to a request.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        "\\PC{0,40}".prop_map(String::into_bytes),
        (any::<u64>(), proptest::sample::select(vec!["status", "hello", "rank", "dance", "undo"]))
            .prop_map(|(id, kind)| format!(r#"{{"id":{id},"type":"{kind}","protocol":1,"feedback_id":"f"}}"#).into_bytes()),
        request().prop_map(|r| serde_json::to_vec(&r).expect("serializes")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_crash_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        serve(bytes);
    }

    #[test]
    fn each_frame_gets_its_own_reply_and_a_cut_tail_gets_malformed_frame(
        bodies in proptest::collection::vec(body(), 0..12),
        tail in proptest::option::of((body(), any::<prop::sample::Index>())),
    ) {
        let mut bytes: Vec<u8> = bodies.iter().flat_map(|b| encode(b)).collect();
        if let Some((body, at)) = &tail {
            let whole = encode(body);
            bytes.extend(&whole[..1 + at.index(whole.len() - 1)]);
        }
        let replies = serve(bytes);
        prop_assert_eq!(replies.len(), bodies.len() + usize::from(tail.is_some()));
        for (body, reply) in bodies.iter().zip(&replies) {
            prop_assert_eq!(reply, &expected_reply(body));
        }
        if tail.is_some() {
            let last = replies.last().expect("a reply to the cut tail");
            prop_assert!(matches!(&last.body, ResponseBody::Error(e) if e.code == ErrorCode::MalformedFrame));
        }
    }

    #[test]
    fn any_valid_request_survives_framing_and_parsing(request in request()) {
        let json = serde_json::to_string(&request).expect("serializes");
        let framed = encode(json.as_bytes());
        let text = match read_frame(&mut Cursor::new(framed)) {
            vrdndi::host::frames::Frame::Message(text) => text,
            other => panic!("not a message: {other:?}"),
        };
        prop_assert_eq!(parse_request(&text).expect("parses"), request);
    }
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_102_444_800, 0u32..1_000_000_000).prop_map(|(s, ns)| DateTime::from_timestamp(s, ns).expect("in range"))
}

fn video() -> impl Strategy<Value = Video> {
    let kind = proptest::sample::select(vec![
        VideoKind::Video,
        VideoKind::Short,
        VideoKind::Live,
        VideoKind::Upcoming,
        VideoKind::Premiere,
        VideoKind::Ad,
        VideoKind::Music,
    ]);
    (
        "[A-Za-z0-9_-]{11}",
        "\\PC{0,30}",
        proptest::option::of("\\PC{0,12}"),
        proptest::option::of("UC[A-Za-z0-9_-]{22}"),
        proptest::option::of(any::<u32>()),
        kind,
        proptest::option::of("\\PC{0,30}"),
        proptest::option::of(time()),
        proptest::option::of("[0-9]{1,2} (days|weeks) ago"),
    )
        .prop_map(|(video_id, title, channel, channel_id, duration_s, kind, description, uploaded_at, published_text)| Video {
            video_id,
            title,
            channel,
            channel_id,
            duration_s,
            kind,
            description,
            uploaded_at,
            published_text,
        })
}

fn record() -> impl Strategy<Value = HistoryRecord> {
    let kind = proptest::sample::select(vec![
        HistoryKind::Watch,
        HistoryKind::Like,
        HistoryKind::Dislike,
        HistoryKind::Search,
        HistoryKind::Subscription,
        HistoryKind::Playlist,
    ]);
    (
        kind,
        proptest::option::of(video()),
        proptest::option::of("\\PC{0,20}"),
        proptest::option::of("UC[a-z]{22}"),
        proptest::option::of(time()),
    )
        .prop_map(|(kind, video, text, channel_id, at)| HistoryRecord { kind, video, text, channel_id, at })
}

fn body_of_request() -> impl Strategy<Value = RequestBody> {
    let feedback_kind = proptest::sample::select(vec![
        FeedbackKind::Like,
        FeedbackKind::Dislike,
        FeedbackKind::RemoveLike,
        FeedbackKind::Interesting,
        FeedbackKind::NotInteresting,
        FeedbackKind::RightTime,
        FeedbackKind::NotNow,
    ]);
    let source = proptest::sample::select(vec![
        FeedbackSource::Youtube,
        FeedbackSource::Popup,
        FeedbackSource::FeedPage,
        FeedbackSource::Studio,
        FeedbackSource::Import,
    ]);
    let surface = proptest::sample::select(vec![Surface::Home, Surface::Subscriptions, Surface::Watch, Surface::Cli]);
    prop_oneof![
        "\\PC{0,20}".prop_map(|client| RequestBody::Hello(Hello { protocol: PROTOCOL_VERSION, client })),
        (surface, proptest::collection::vec(video(), 0..6), proptest::option::of(time()))
            .prop_map(|(surface, tiles, at)| RequestBody::Rank(RankRequest { surface, tiles, at })),
        ("[a-z0-9-]{1,36}", video(), feedback_kind, source, proptest::option::of(time())).prop_map(
            |(feedback_id, video, kind, source, at)| RequestBody::Feedback(FeedbackRequest { feedback_id, video, kind, source, at })
        ),
        "[a-z0-9-]{1,36}".prop_map(|feedback_id| RequestBody::Undo(UndoRequest { feedback_id })),
        (video(), 0.0f32..=1.0, 0.0f32..100_000.0, proptest::option::of(time()))
            .prop_map(|(video, fraction, watched_s, at)| RequestBody::Watched(WatchedRequest { video, fraction, watched_s, at })),
        Just(RequestBody::Status(StatusRequest {})),
        (proptest::option::of(time()), proptest::option::of(1u32..10_000))
            .prop_map(|(at, minutes)| RequestBody::Context(ContextRequest { at, minutes })),
        ("\\PC{1,30}", proptest::collection::vec(record(), 0..5))
            .prop_map(|(source, records)| RequestBody::Import(ImportRequest { source, records })),
        proptest::option::of(1u32..20).prop_map(|kfold| RequestBody::Train(TrainRequest { kfold })),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    (any::<u64>(), body_of_request()).prop_map(|(id, body)| Request { id, body })
}
