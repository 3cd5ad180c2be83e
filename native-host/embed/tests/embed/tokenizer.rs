//! The compact Unigram tokenizer gives exactly the `tokenizers` crate's ids, on real titles and on
//! the inputs most likely to differ (unknown characters, special tokens, odd whitespace).

use vrdndi_embed::text_tokenizer::TextTokenizer;

use crate::common::{self, titles::trending_titles};

#[test]
fn compact_and_crate_tokenizers_agree_on_every_title() {
    let path = common::e5_dir().join("tokenizer.json");
    let (compact, compact_pad) = TextTokenizer::from_file(&path, 128).expect("compact");
    let (standard, standard_pad) = TextTokenizer::standard_from_file(&path, 128).expect("standard");
    assert!(compact.is_compact() && !standard.is_compact());
    assert_eq!(compact_pad, standard_pad);

    let mut texts = trending_titles(2400).expect("titles");
    texts.extend(
        [
            "",
            " ",
            "\t\n  spaced\u{00a0}out\u{2003}words  ",
            "<s> literal special tokens </s> <pad> <mask> <unk>",
            "emoji 🎉🔥👍🏽 and ZWJ 👨‍👩‍👧 family",
            "unknown scripts: 𓀀𓀁𓀂 ꙮ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "combining e\u{0301} vs é, ﬁ ligature, Ⅻ numerals, ｆｕｌｌｗｉｄｔｈ",
            "control \u{0007}\u{001b}[0m chars",
            "Ελληνικά, עברית, العربية, ไทย, ქართული, հայերեն",
            "supercalifragilisticexpialidocious-antidisestablishmentarianism-pneumonoultramicroscopic",
            "日本語のタイトル【公式】MV「テスト」",
        ]
        .map(String::from),
    );
    for prefix in ["query: ", "passage: ", ""] {
        let inputs: Vec<String> = texts.iter().map(|t| format!("{prefix}{t}")).collect();
        let a = compact.encode_ids(inputs.clone()).expect("compact ids");
        let b = standard.encode_ids(inputs).expect("standard ids");
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x, y, "ids differ for {:?}", texts[i]);
        }
    }
}
