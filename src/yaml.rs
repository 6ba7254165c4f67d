//! YAML input. `config.yaml`, `data/sites.yaml`, `data/subsidies/*.yaml` and the
//! front matter of every content file are read through [`parse`], so a YAML
//! problem reads the same wherever it is: in Japanese, at the file's own line and
//! column, with a hint for that kind of mistake. [`parse`] also rejects control
//! characters in any value (a `"\b"` escape passes the YAML parser, then breaks a
//! poster or makes a feed invalid XML).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Error as YamlError, Location as YamlLocation, MessageFormatter, Spanned};

use crate::problems::{Code, Location, Problems};

/// The keys a file may use, for reporting every unknown key in one run (serde
/// stops at the first). `nested` lists the keys of mappings under a top-level key.
pub struct Schema<'a> {
    pub keys: &'a [&'a str],
    pub nested: &'a [(&'a str, &'a [&'a str])],
}

/// Which kind of YAML file is read: it names the codes of problems with its
/// keys (`config-unknown-key`, `front-matter-missing-key`…). Problems of YAML
/// itself have the same codes in every file (`yaml-syntax`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// `config.yaml`.
    Config,
    /// The front matter of a content file.
    FrontMatter,
    /// `data/sites.yaml`.
    Sites,
    /// A programme of `data/subsidies/`.
    Subsidy,
    /// A test record of `data/accessibility/`.
    Accessibility,
}

impl Input {
    fn unknown_key(self) -> Code {
        match self {
            Input::Config => Code::ConfigUnknownKey,
            Input::FrontMatter => Code::FrontMatterUnknownKey,
            Input::Sites => Code::SitesUnknownKey,
            Input::Subsidy => Code::SubsidyUnknownKey,
            Input::Accessibility => Code::AccessibilityUnknownKey,
        }
    }

    fn missing_key(self) -> Code {
        match self {
            Input::Config => Code::ConfigMissingKey,
            Input::FrontMatter => Code::FrontMatterMissingKey,
            Input::Subsidy => Code::SubsidyMissingKey,
            Input::Accessibility => Code::AccessibilityMissingKey,
            // Every key of an entry is optional: serde reports none missing.
            // A missing value would be a value of the wrong shape.
            Input::Sites => Code::YamlWrongType,
        }
    }
}

/// The text of a YAML file: read, a leading BOM dropped, checked as UTF-8.
/// `None` after reporting why it cannot be read (with the line of the first
/// byte that is not UTF-8).
pub fn read_text(path: &Path, problems: &mut Problems) -> Option<String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            problems.error(
                Code::FileUnreadable,
                Location::file(path),
                format!("ファイルを読めません: {e}"),
                "ファイルの権限と場所を確認してください",
            );
            return None;
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            problems.error(
                Code::FileEncoding,
                Location::line(path, line),
                "文字コードが UTF-8 ではありません",
                "UTF-8 で保存し直してください（Shift_JIS は読めません）",
            );
            None
        }
    }
}

/// Parse `text` as `T`. Problems go to `problems`, located in `file`; the YAML's
/// first line is line `line_offset + 1` of the file (front matter starts on line 2).
/// Returns `None` when the text cannot be read as `T`; a value with control
/// characters is returned (its errors are reported) so the caller's own checks run too.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    line_offset: usize,
    input: Input,
    schema: Option<&Schema>,
    problems: &mut Problems,
) -> Option<T> {
    parse_with_keys(text, file, line_offset, input, schema, problems).map(|(value, _)| value)
}

/// [`parse`], and where every key and value is in the file, for checks made
/// after parsing that report at a key (see [`Keys`]).
pub fn parse_with_keys<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    line_offset: usize,
    input: Input,
    schema: Option<&Schema>,
    problems: &mut Problems,
) -> Option<(T, Keys)> {
    let at = At {
        file,
        line_offset,
        input,
    };
    let tree = serde_saphyr::from_str::<Spanned<Node>>(text).ok();
    match serde_saphyr::from_str::<T>(text) {
        Ok(value) => {
            if let Some(tree) = &tree {
                report_control_chars(tree, None, &at, problems);
            }
            let keys = Keys {
                tree,
                file: file.to_path_buf(),
                line_offset,
                commented: commented_keys(text),
            };
            Some((value, keys))
        }
        Err(error) => {
            report_error(&error, tree.as_ref(), schema, &at, problems);
            None
        }
    }
}

/// Where a YAML value or key of `file` is, from its span: the YAML's line 1 is
/// the file's line `line_offset + 1`. A span the parser did not know (line 0)
/// gives the whole file.
pub fn location(file: &Path, line_offset: usize, at: YamlLocation) -> Location {
    let line = usize::try_from(at.line()).ok().filter(|&l| l > 0);
    let column = usize::try_from(at.column()).ok().filter(|&c| c > 0);
    Location::new(file, line.map(|l| l + line_offset), column)
}

/// Where every key and value of a parsed YAML file is, from the spans the
/// parser gave them: so a check made after parsing reports at the key it is
/// about (not at a line found by searching the text for `key:`).
#[derive(Debug)]
pub struct Keys {
    tree: Option<Spanned<Node>>,
    file: PathBuf,
    line_offset: usize,
    /// Top-level keys written only in a comment (`# hosting:`), by line.
    commented: Vec<(String, usize)>,
}

/// A place in a [`Keys`] tree: a value, and the key that holds it. Following a
/// key or item that is not there gives an empty cursor, whose locations are
/// the whole file.
#[derive(Clone, Copy)]
pub struct Cursor<'a> {
    keys: &'a Keys,
    node: Option<(Option<&'a Spanned<String>>, &'a Spanned<Node>)>,
}

impl Keys {
    /// The document as a whole.
    pub fn root(&self) -> Cursor<'_> {
        Cursor {
            keys: self,
            node: self.tree.as_ref().map(|t| (None, t)),
        }
    }

    /// The value of the top-level `key`, a shorthand for `root().get(key)`.
    pub fn get(&self, key: &str) -> Cursor<'_> {
        self.root().get(key)
    }

    /// The line of a top-level `key:` that is written only in a comment
    /// (`# hosting:`, an example left for the editor to fill in).
    pub fn commented(&self, key: &str) -> Option<Location> {
        self.commented
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, line)| Location::line(&self.file, line + self.line_offset))
    }

    /// The file the keys are in.
    pub fn file(&self) -> &Path {
        &self.file
    }

    fn location(&self, at: YamlLocation) -> Location {
        location(&self.file, self.line_offset, at)
    }
}

impl<'a> Cursor<'a> {
    /// The value of `key` in this mapping.
    pub fn get(self, key: &str) -> Cursor<'a> {
        let node = match self.node {
            Some((
                _,
                Spanned {
                    value: Node::Map(entries),
                    ..
                },
            )) => entries
                .iter()
                .find(|(k, _)| k.value == key)
                .map(|(k, v)| (Some(k), v)),
            _ => None,
        };
        Cursor { node, ..self }
    }

    /// The `index`th (0-based) item of this list.
    pub fn item(self, index: usize) -> Cursor<'a> {
        let node = match self.node {
            Some((
                _,
                Spanned {
                    value: Node::List(items),
                    ..
                },
            )) => items.get(index).map(|v| (None, v)),
            _ => None,
        };
        Cursor { node, ..self }
    }

    /// Whether the key or item is in the file (with any value, even none).
    pub fn exists(self) -> bool {
        self.node.is_some()
    }

    /// Where the key is (for an item of a list: the item); the whole file
    /// when it is not there.
    pub fn key_location(self) -> Location {
        match self.node {
            Some((Some(key), _)) => self.keys.location(key.referenced),
            Some((None, value)) => self.keys.location(value.referenced),
            None => Location::file(&self.keys.file),
        }
    }

    /// Where the value is; the key's place when the value has none (`key:`
    /// with nothing after it), the whole file when the key is not there.
    pub fn value_location(self) -> Location {
        match self.node {
            Some((key, value)) => {
                let at = self.keys.location(value.referenced);
                match (at.line_number(), key) {
                    (None, Some(key)) => self.keys.location(key.referenced),
                    _ => at,
                }
            }
            None => Location::file(&self.keys.file),
        }
    }
}

/// Top-level keys written in comments (`# hosting:` at the start of a line),
/// with their 1-based line in the YAML text. Comments are invisible to the
/// parser, so this reads the text; it finds keys that are *not* in the tree.
fn commented_keys(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let rest = line.strip_prefix('#')?.strip_prefix(' ')?;
            let (key, after) = rest.split_once(':')?;
            let plain = !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            (plain && (after.is_empty() || after.starts_with(' ')))
                .then(|| (key.to_string(), i + 1))
        })
        .collect()
}

/// The first character that has no place in text a reader sees: C0 controls
/// other than tab, line feed and carriage return, DEL, C1 controls, and the
/// noncharacters U+FFFE and U+FFFF. Returns its char index and the character.
pub fn control_char(text: &str) -> Option<(usize, char)> {
    text.chars().enumerate().find(|&(_, c)| is_control(c))
}

fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// How a character is named in a message: `U+0008`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// At most `max` characters of a value echoed in a message.
pub fn shorten(value: &str, max: usize) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

struct At<'a> {
    file: &'a Path,
    line_offset: usize,
    input: Input,
}

impl At<'_> {
    fn error(
        &self,
        problems: &mut Problems,
        code: Code,
        at: Option<YamlLocation>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let location = match at {
            Some(at) => location(self.file, self.line_offset, at),
            None => Location::file(self.file),
        };
        problems.error(code, location, message, hint);
    }
}

/// Any YAML document with the location of every key and value: used to name the
/// key an error is about, to find every unknown key, and to check every value.
#[derive(Debug)]
enum Node {
    Text(String),
    Other,
    List(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Text(v))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_i128<E>(self, _: i128) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            entries.push((key, map.next_value::<Spanned<Node>>()?));
        }
        Ok(Node::Map(entries))
    }
}

fn position(l: YamlLocation) -> (u64, u64) {
    (l.line(), l.column())
}

/// Every map entry of the tree: (key, value, the key of the mapping it is in).
fn entries<'a>(
    node: &'a Spanned<Node>,
    parent: Option<&'a str>,
    out: &mut Vec<(&'a Spanned<String>, &'a Spanned<Node>, Option<&'a str>)>,
) {
    match &node.value {
        Node::Map(items) => {
            for (k, v) in items {
                out.push((k, v, parent));
                entries(v, Some(&k.value), out);
            }
        }
        Node::List(items) => {
            for item in items {
                entries(item, parent, out);
            }
        }
        Node::Text(_) | Node::Other => {}
    }
}

/// The key whose entry holds `location`: the last key at or before it.
fn key_at(tree: Option<&Spanned<Node>>, location: Option<YamlLocation>) -> Option<String> {
    let (tree, location) = (tree?, location?);
    let mut all = Vec::new();
    entries(tree, None, &mut all);
    all.iter()
        .filter(|(k, _, _)| position(k.referenced) <= position(location))
        .max_by_key(|(k, _, _)| position(k.referenced))
        .map(|(k, _, _)| k.value.clone())
}

/// The text of the scalar at `location`, if the tree has one there.
fn text_at(tree: Option<&Spanned<Node>>, location: Option<YamlLocation>) -> Option<String> {
    let (tree, location) = (tree?, location?);
    let mut all = Vec::new();
    entries(tree, None, &mut all);
    all.iter().find_map(|(_, v, _)| match &v.value {
        Node::Text(t) if position(v.referenced) == position(location) => Some(t.clone()),
        _ => None,
    })
}

fn report_control_chars(node: &Spanned<Node>, key: Option<&str>, at: &At, problems: &mut Problems) {
    let what = |key: Option<&str>| match key {
        Some(k) => format!("項目「{k}」の値"),
        None => "値".to_string(),
    };
    match &node.value {
        Node::Text(text) => {
            if let Some((_, c)) = control_char(text) {
                at.error(
                    problems,
                    Code::YamlControlCharacter,
                    Some(node.referenced),
                    format!("{}に制御文字（{}）があります", what(key), code_point(c)),
                    "画面には見えない文字です。値を打ち直してください（\\b や \\x0c のような書き方も使えません）",
                );
            }
        }
        Node::List(items) => {
            for item in items {
                report_control_chars(item, key, at, problems);
            }
        }
        Node::Map(items) => {
            for (k, v) in items {
                if let Some((_, c)) = control_char(&k.value) {
                    at.error(
                        problems,
                        Code::YamlControlCharacter,
                        Some(k.referenced),
                        format!("項目名に制御文字（{}）があります", code_point(c)),
                        "項目名を打ち直してください",
                    );
                }
                report_control_chars(v, Some(&k.value), at, problems);
            }
        }
        Node::Other => {}
    }
}

/// A serde/YAML type description in Japanese (`a sequence` → 一覧).
fn describe(english: &str) -> String {
    let e = english.trim();
    let lower = e.to_ascii_lowercase();
    let has = |s: &str| lower.contains(s);
    if has("sequence") || has("seq") || has("vec") || has("array") {
        "一覧".into()
    } else if has("map") || has("struct") {
        "「項目: 値」の組".into()
    } else if has("bool") {
        "true か false".into()
    } else if has("f32") || has("f64") || has("float") {
        "数".into()
    } else if has("i8")
        || has("i16")
        || has("i32")
        || has("i64")
        || has("u8")
        || has("u16")
        || has("u32")
        || has("u64")
        || has("integer")
    {
        "整数".into()
    } else if has("string") || has("str") || has("char") {
        "文字".into()
    } else if has("unit") || has("null") {
        "空の値".into()
    } else {
        e.to_string()
    }
}

/// The inner error, without snippet or alias wrappers.
fn innermost(error: &YamlError) -> &YamlError {
    let mut inner = error;
    while let YamlError::WithSnippet { error, .. } | YamlError::AliasError { error, .. } = inner {
        inner = error;
    }
    inner
}

fn report_error(
    error: &YamlError,
    tree: Option<&Spanned<Node>>,
    schema: Option<&Schema>,
    at: &At,
    problems: &mut Problems,
) {
    let inner = innermost(error);
    let location = error.location().filter(|l| l.line() > 0);
    let key = || key_at(tree, location);
    let named = |key: &Option<String>| match key {
        Some(k) => format!("項目「{k}」"),
        None => "値".to_string(),
    };
    match inner {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => report_unknown_keys(field, expected, tree, schema, location, at, problems),
        YamlError::SerdeMissingField { field, .. } => at.error(
            problems,
            at.input.missing_key(),
            location,
            format!("必須の項目「{field}」がありません"),
            format!("「{field}: …」の行を書き足してください"),
        ),
        YamlError::DuplicateMappingKey { key, .. } => at.error(
            problems,
            Code::YamlDuplicateKey,
            location,
            format!(
                "項目「{}」が2回以上書かれています",
                key.as_deref().unwrap_or_default()
            ),
            "同じ項目は1回だけ書いてください（どちらかの行を消してください）",
        ),
        YamlError::Unexpected { expected, .. } => {
            let key = key();
            let (shape, hint) = match *expected {
                "sequence start" => (
                    "一覧".to_string(),
                    format!(
                        "{}: の次の行から「  - 値」のように1行に1つずつ書くか、[値1, 値2] と書いてください",
                        key.as_deref().unwrap_or("項目")
                    ),
                ),
                "mapping start" => (
                    "「項目: 値」の組".to_string(),
                    format!(
                        "{}: の次の行から、半角空白で字下げして「項目: 値」を書いてください",
                        key.as_deref().unwrap_or("項目")
                    ),
                ),
                other => (
                    if other.contains("scalar") {
                        "1つの値（文字や数字）".to_string()
                    } else {
                        describe(other)
                    },
                    format!(
                        "{}: の後に1つの値を書いてください（一覧や「項目: 値」の組にはしない）。値に「: 」や [ ] を含めるときは値全体を引用符（\"…\"）で囲んでください",
                        key.as_deref().unwrap_or("項目")
                    ),
                ),
            };
            if key.is_none() && *expected == "mapping start" {
                at.error(
                    problems,
                    Code::YamlSyntax,
                    location,
                    "全体が「項目: 値」の形になっていません",
                    "1行に1項目ずつ「項目: 値」の形で、コロンの後に半角空白を入れて書いてください（例: title: 導入の流れ）",
                );
            } else {
                at.error(
                    problems,
                    Code::YamlWrongType,
                    location,
                    format!("{}の値の形が違います。{shape}で書いてください", named(&key)),
                    hint,
                );
            }
        }
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | YamlError::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => {
            let key = key();
            at.error(
                problems,
                Code::YamlWrongType,
                location,
                format!(
                    "{}の値の形が違います（{}ではなく{}が必要です）",
                    named(&key),
                    describe(unexpected),
                    describe(expected)
                ),
                format!(
                    "{}: の後に{}を書いてください",
                    key.as_deref().unwrap_or("項目"),
                    describe(expected)
                ),
            );
        }
        YamlError::InvalidScalar { ty, .. } => {
            let key = key();
            let value = text_at(tree, location)
                .map(|v| format!("「{}」", shorten(&v, 40)))
                .unwrap_or_default();
            let (what, hint) = match describe(ty).as_str() {
                "整数" => ("整数", "半角数字だけで書いてください（例: 1）"),
                "数" => ("数", "半角数字で書いてください（例: 0.30）"),
                "true か false" => ("true か false", "true か false で書いてください"),
                _ => ("値", "値の書き方を確認してください"),
            };
            at.error(
                problems,
                Code::YamlWrongType,
                location,
                format!("{}の値{value}を{what}として読めません", named(&key)),
                hint,
            );
        }
        YamlError::InvalidBooleanStrict { .. } => {
            let key = key();
            let value = text_at(tree, location)
                .map(|v| format!("「{}」", shorten(&v, 40)))
                .unwrap_or_default();
            at.error(
                problems,
                Code::YamlWrongType,
                location,
                format!("{}の値{value}は true か false ではありません", named(&key)),
                "はい・いいえ ではなく true か false で書いてください",
            );
        }
        YamlError::NullIntoString { .. } => {
            let key = key();
            at.error(
                problems,
                Code::YamlWrongType,
                location,
                format!("{}の値が空です", named(&key)),
                format!(
                    "「{}: 値」のように、コロンの後に値を書いてください",
                    key.as_deref().unwrap_or("項目")
                ),
            );
        }
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => at.error(
            problems,
            Code::YamlWrongType,
            location,
            format!("値「{}」は使えません", shorten(variant, 40)),
            format!("{} のどれかを書いてください", expected.join("、")),
        ),
        YamlError::MultipleDocuments { .. } => at.error(
            problems,
            Code::YamlSyntax,
            location,
            "--- の行で区切られた文書が2つ以上あります",
            "--- の行を消して1つにまとめてください（front matter の中には --- の行を書けません）",
        ),
        YamlError::Eof { .. } => at.error(
            problems,
            Code::YamlSyntax,
            location,
            "途中で終わっています",
            "書きかけの項目や、閉じていない括弧・引用符がないか確認してください",
        ),
        YamlError::UnknownAnchor { .. } => at.error(
            problems,
            Code::YamlSyntax,
            location,
            "別名（*名前）の元になる &名前 がありません",
            "& で名前を付けた値を先に書くか、* を使わずに値をそのまま書いてください",
        ),
        YamlError::AliasReplayCounterOverflow { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. } => at.error(
            problems,
            Code::YamlSyntax,
            location,
            "別名（& と *）の展開が多すぎます",
            "別名を使わずに値をそのまま書いてください",
        ),
        YamlError::TaggedScalarCannotDeserializeIntoString { .. } => at.error(
            problems,
            Code::YamlWrongType,
            location,
            format!("{}にタグ（!! で始まる指定）が付いています", named(&key())),
            "!!int や !!str などのタグを消してください",
        ),
        YamlError::InvalidUtf8Input => at.error(
            problems,
            Code::FileEncoding,
            None,
            "文字コードが UTF-8 ではありません",
            "エディタで UTF-8 として保存し直してください",
        ),
        other => {
            let english = serde_saphyr::UserMessageFormatter.format_message(other);
            let (message, hint) = syntax_message(&english);
            at.error(problems, Code::YamlSyntax, location, message, hint);
        }
    }
}

/// A YAML syntax error from the parser, in Japanese, by the parser's wording.
fn syntax_message(english: &str) -> (String, String) {
    let english: String = english
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let english = shorten(&english, 120);
    let has = |s: &str| english.contains(s);
    let (message, hint): (String, &str) = if has("mapping values are not allowed") {
        (
            "この位置では「: 」を使えません".into(),
            "値の中に「: 」があるときは値全体を引用符（\"…\"）で囲んでください。字下げがずれていないかも確認してください",
        )
    } else if has("unclosed quote") || has("quoted scalar, found unexpected") {
        (
            "引用符が閉じていません".into(),
            "値の終わりにも同じ引用符（\" または '）を書いてください",
        )
    } else if has("invalid trailing content after") {
        (
            "引用符で囲んだ値の後に、余分な文字があります".into(),
            "前の行までで引用符（\" または '）を閉じ忘れていないか確認してください。値の中に「\"」を含めるときは値全体を一重引用符（'…'）で囲んでください",
        )
    } else if has("a tab") || has("tabs") || has("tab cannot") {
        (
            "字下げや値の前にタブ文字があります".into(),
            "タブではなく半角空白で字下げしてください",
        )
    } else if let Some(rest) = english.strip_prefix("unexpected character: `") {
        let shown = rest.strip_suffix('\'').unwrap_or(rest);
        let escaped = shown
            .strip_prefix("\\u{")
            .and_then(|hex| u32::from_str_radix(hex.trim_end_matches('}'), 16).ok())
            .and_then(char::from_u32);
        if let Some(c) = escaped.or_else(|| shown.chars().next().filter(|c| c.is_control())) {
            (
                format!("制御文字（{}）があります", code_point(c)),
                "画面には見えない文字です。その行を打ち直してください",
            )
        } else {
            (
                format!("「{shown}」から値を始められません"),
                "@ や ` などで始まる値は、値全体を引用符（\"…\"）で囲んでください",
            )
        }
    } else if has("expected ':'") {
        (
            "「項目: 値」の「:」がありません".into(),
            "項目名の後に「: 」（コロンと半角空白）を書いてください。値が複数行にわたるときは「項目: |」の次の行から字下げして書いてください",
        )
    } else if has("did not find expected key")
        || has("did not find expected '-'")
        || has("indentation")
        || has("indented")
    {
        (
            "字下げ（インデント）が揃っていません".into(),
            "同じ階層の項目は、同じ数の半角空白で字下げしてください",
        )
    } else if has("block sequence entries are not allowed") {
        (
            "この位置では「- 」の一覧を始められません".into(),
            "一覧は「項目:」の次の行から、字下げして「  - 値」と書いてください",
        )
    } else if has("flow sequence") || has("unclosed bracket '['") {
        (
            "[ ] の一覧が閉じていません".into(),
            "「]」で閉じ、値どうしは「, 」で区切ってください",
        )
    } else if has("flow mapping") || has("unclosed bracket") {
        (
            "{ } が閉じていません".into(),
            "「}」で閉じ、組どうしは「, 」で区切ってください",
        )
    } else if has("escape") || has("surrogate") || has("hexadecimal") {
        (
            "引用符の中の「\\」の書き方が違います".into(),
            "\\ を文字として書くときは値を一重引用符（'…'）で囲んでください",
        )
    } else if has("anchor") || has("alias") {
        (
            "別名（& と *）の書き方が違います".into(),
            "& や * で始まる値は、値全体を引用符（\"…\"）で囲んでください",
        )
    } else if has("tag") || has("directive") {
        (
            "! や % で始まる指定（タグ）は使えません".into(),
            "! や % で始まる値は、値全体を引用符（\"…\"）で囲んでください",
        )
    } else if has("document") {
        (
            "--- や ... の行が余分にあります".into(),
            "--- や ... だけの行を消してください",
        )
    } else {
        (
            format!("YAML の書き方に誤りがあります（{english}）"),
            "字下げ（インデント）、引用符の閉じ忘れ、「:」の後の半角空白を確認してください",
        )
    };
    (message, hint.to_string())
}

#[allow(clippy::too_many_arguments)]
fn report_unknown_keys(
    field: &str,
    expected: &[&str],
    tree: Option<&Spanned<Node>>,
    schema: Option<&Schema>,
    location: Option<YamlLocation>,
    at: &At,
    problems: &mut Problems,
) {
    let report = |problems: &mut Problems,
                  location: Option<YamlLocation>,
                  parent: Option<&str>,
                  key: &str,
                  allowed: &[&str]| {
        let within = parent.map(|p| format!("{p} の中に")).unwrap_or_default();
        at.error(
            problems,
            at.input.unknown_key(),
            location,
            format!(
                "{within}不明な項目「{}」があります。使える項目: {}",
                shorten(key, 40),
                allowed.join(", ")
            ),
            "項目名のつづりを確認してください（英小文字とアンダースコア）",
        );
    };
    let mut found = 0;
    if let Some(tree) = tree {
        let mut all = Vec::new();
        entries(tree, None, &mut all);
        match schema {
            // Every mapping the schema describes, checked in one run.
            Some(schema) => {
                for (k, _, parent) in &all {
                    let allowed = match parent {
                        None => Some(schema.keys),
                        Some(p) => schema
                            .nested
                            .iter()
                            .find(|(name, _)| name == p)
                            .map(|(_, keys)| *keys),
                    };
                    if let Some(allowed) = allowed
                        && !allowed.contains(&k.value.as_str())
                    {
                        report(problems, Some(k.referenced), *parent, &k.value, allowed);
                        found += 1;
                    }
                }
            }
            // Every unknown key of the mapping serde stopped in.
            None => {
                let parent = all
                    .iter()
                    .find(|(k, _, _)| {
                        location.is_some_and(|l| position(k.referenced) == position(l))
                    })
                    .and_then(|(_, _, parent)| *parent);
                let mut mapping = Vec::new();
                siblings_of(tree, location, &mut mapping);
                for k in mapping {
                    if !expected.contains(&k.value.as_str()) {
                        report(problems, Some(k.referenced), parent, &k.value, expected);
                        found += 1;
                    }
                }
            }
        }
    }
    if found == 0 {
        report(problems, location, None, field, expected);
    }
}

/// The keys of the mapping that holds a key at `location`.
fn siblings_of<'a>(
    node: &'a Spanned<Node>,
    location: Option<YamlLocation>,
    out: &mut Vec<&'a Spanned<String>>,
) -> bool {
    let Some(location) = location else {
        return false;
    };
    match &node.value {
        Node::Map(items) => {
            if items
                .iter()
                .any(|(k, _)| position(k.referenced) == position(location))
            {
                out.extend(items.iter().map(|(k, _)| k));
                return true;
            }
            items
                .iter()
                .any(|(_, v)| siblings_of(v, Some(location), out))
        }
        Node::List(items) => items.iter().any(|v| siblings_of(v, Some(location), out)),
        Node::Text(_) | Node::Other => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::Problem;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Front {
        title: String,
        #[serde(default)]
        order: i64,
        #[serde(default)]
        audience: Vec<String>,
        #[serde(default)]
        illustrative: bool,
        #[serde(default)]
        window: Option<Window>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Window {
        start: String,
    }

    /// The problems of parsing `text` as front matter (starting on line 2).
    fn problems_of(text: &str) -> Vec<Problem> {
        let mut problems = Problems::new();
        let _ = parse::<Front>(
            text,
            Path::new("a.md"),
            1,
            Input::FrontMatter,
            None,
            &mut problems,
        );
        problems.sorted()
    }

    fn one(text: &str) -> Problem {
        let all = problems_of(text);
        assert_eq!(all.len(), 1, "{text:?}: {all:#?}");
        all.into_iter().next().unwrap()
    }

    /// (line, column) of a problem.
    fn pos(p: &Problem) -> (Option<usize>, Option<usize>) {
        (p.location.line_number(), p.location.column_number())
    }

    #[test]
    fn syntax_errors_are_japanese_with_file_line_and_column() {
        // The Japanese wording is what editors read: it is the feature here.
        let cases = [
            ("title: a: b\n", (2, 9), "「: 」", "引用符"),
            (
                "title: \"閉じていない\norder: 1\n",
                (2, 8),
                "引用符が閉じていません",
                "引用符",
            ),
            ("title: x\n  order: 1\n", (3, 8), "「: 」", "字下げ"),
            ("title: x\n\torder: 1\n", (2, 8), "タブ", "半角空白"),
            (
                "title: @x\n",
                (2, 8),
                "「@」から値を始められません",
                "引用符",
            ),
            ("title: x\norder 1\n", (3, 1), "「:」がありません", "コロン"),
            ("title: x\n---\ntitle: y\n", (4, 1), "2つ以上", "---"),
            ("title: *nope\n", (2, 8), "&名前", "*"),
            ("title:x\n", (2, 1), "「項目: 値」の形", "半角空白"),
        ];
        for (text, at, message, hint) in cases {
            let p = one(text);
            assert_eq!(p.code, Code::YamlSyntax, "{text:?}: {p:?}");
            assert_eq!(
                p.location,
                Location::at("a.md", at.0, at.1),
                "{text:?}: {p:?}"
            );
            assert!(p.message.contains(message), "{text:?}: {}", p.message);
            assert!(p.hint.contains(hint), "{text:?}: {}", p.hint);
            assert!(!p.message.is_ascii(), "in Japanese: {}", p.message);
        }
    }

    #[test]
    fn type_errors_name_the_key_and_the_shape_it_needs() {
        let p = one("title: x\naudience: 自治体\n");
        assert_eq!(p.code, Code::YamlWrongType);
        assert_eq!(pos(&p), (Some(3), Some(11)));
        assert!(
            p.message.contains("項目「audience」") && p.message.contains("一覧"),
            "{}",
            p.message
        );
        assert!(p.hint.contains("- 値"), "{}", p.hint);

        let p = one("title: x\norder: abc\n");
        assert_eq!((p.code, pos(&p).0), (Code::YamlWrongType, Some(3)));
        assert!(
            p.message.contains("「order」")
                && p.message.contains("「abc」")
                && p.message.contains("整数"),
            "{}",
            p.message
        );

        let p = one("title: x\nillustrative: はい\n");
        assert_eq!(p.code, Code::YamlWrongType);
        assert!(p.message.contains("true か false"), "{}", p.message);

        let p = one("title:\n");
        assert_eq!((p.code, pos(&p).0), (Code::YamlWrongType, Some(2)));
        assert!(p.message.contains("「title」の値が空です"), "{}", p.message);

        let p = one("title: [a]\n");
        assert!(
            p.message.contains("「title」") && p.message.contains("1つの値"),
            "{}",
            p.message
        );

        let p = one("title: x\nwindow: 3\n");
        assert!(
            p.message.contains("「window」") && p.message.contains("「項目: 値」の組"),
            "{}",
            p.message
        );

        let p = one("- a\n- b\n");
        assert_eq!(p.code, Code::YamlSyntax);
        assert!(p.message.contains("全体が"), "{}", p.message);

        let p = one("order: 1\n");
        assert_eq!(p.code, Code::FrontMatterMissingKey);
        assert!(p.message.contains("必須の項目「title」"), "{}", p.message);

        let p = one("title: x\ntitle: y\n");
        assert_eq!((p.code, pos(&p).0), (Code::YamlDuplicateKey, Some(3)));
        assert!(p.message.contains("「title」が2回以上"), "{}", p.message);
    }

    #[test]
    fn every_unknown_key_of_the_mapping_is_reported_at_once() {
        let all = problems_of("title: x\ncolour: red\norder: 1\nautor: z\n");
        assert_eq!(all.len(), 2, "{all:#?}");
        assert!(all.iter().all(|p| p.code == Code::FrontMatterUnknownKey));
        let found: Vec<(Location, &str)> = all
            .iter()
            .map(|p| (p.location.clone(), p.message.as_str()))
            .collect();
        assert_eq!(found[0].0, Location::at("a.md", 3, 1));
        assert!(
            found[0].1.contains("「colour」") && found[0].1.contains("使える項目: title, order")
        );
        assert_eq!(found[1].0.line_number(), Some(5));
        assert!(found[1].1.contains("「autor」"));

        let p = one("title: x\nwindow:\n  start: a\n  until: b\n");
        assert_eq!(p.code, Code::FrontMatterUnknownKey);
        assert_eq!(pos(&p), (Some(5), Some(3)));
        assert!(
            p.message.starts_with("window の中に不明な項目「until」"),
            "{}",
            p.message
        );

        // With a schema, unknown keys of every described mapping come in one run.
        let schema = Schema {
            keys: &["title", "order", "audience", "illustrative", "window"],
            nested: &[("window", &["start"])],
        };
        let mut problems = Problems::new();
        let text = "title: x\nbudget: 1\nwindow:\n  start: a\n  until: b\n";
        assert!(
            parse::<Front>(
                text,
                Path::new("s.yaml"),
                0,
                Input::Subsidy,
                Some(&schema),
                &mut problems
            )
            .is_none()
        );
        let found: Vec<(Code, Option<usize>)> = problems
            .sorted()
            .iter()
            .map(|p| (p.code, p.location.line_number()))
            .collect();
        assert_eq!(
            found,
            [
                (Code::SubsidyUnknownKey, Some(2)),
                (Code::SubsidyUnknownKey, Some(5))
            ]
        );
    }

    #[test]
    fn control_characters_in_values_are_errors_at_their_line() {
        // An escape passes the YAML parser: the value is checked after parsing.
        let mut problems = Problems::new();
        let front: Option<Front> = parse(
            "title: \"申請\\bの流れ\"\naudience: [\"a\\x0cb\", 自治体]\n",
            Path::new("a.md"),
            1,
            Input::FrontMatter,
            None,
            &mut problems,
        );
        assert!(
            front.is_some(),
            "the value is returned so other checks still run"
        );
        let all = problems.sorted();
        assert_eq!(all.len(), 2, "{all:#?}");
        assert!(all.iter().all(|p| p.code == Code::YamlControlCharacter));
        assert_eq!(pos(&all[0]), (Some(2), Some(8)));
        assert!(
            all[0].message.contains("「title」") && all[0].message.contains("U+0008"),
            "{}",
            all[0].message
        );
        assert_eq!(pos(&all[1]).0, Some(3));
        assert!(all[1].message.contains("U+000C"));
        // DEL and C1 too; a literal control character is a syntax error at its column.
        let p = one("title: \"a\\x7fb\\u0085\"\n");
        assert!(p.message.contains("U+007F"), "{}", p.message);
        let p = one("title: a\u{8}b\n");
        assert_eq!(p.code, Code::YamlSyntax);
        assert_eq!(pos(&p), (Some(2), Some(8)));
        assert!(p.message.contains("制御文字（U+0008）"), "{}", p.message);
        // Tabs and line breaks are text.
        assert!(problems_of("title: \"a\\tb\\nc\"\n").is_empty());
    }

    /// Pieces of broken YAML: keys, indicators, quotes, escapes, tabs, controls.
    fn broken_yaml() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "title", "order", "audience", "window", "start", ":", ": ", " ", "  ", "\t", "\n", "-",
            "- ", "[", "]", "{", "}", ",", "\"", "'", "\\b", "\\x0c", "\\u0085", "&a", "*a",
            "!!int", "#", "---", "|", ">", "説明", "1", "true", "はい", "\u{8}", "\u{feff}",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any text, however broken, gives problems located inside the text, never a panic.
        #[test]
        fn any_front_matter_is_read_or_reported_inside_the_text(text in broken_yaml()        ) {
            let mut problems = Problems::new();
            let parsed =
                parse::<Front>(&text, Path::new("a.md"), 1, Input::FrontMatter, None, &mut problems);
            let lines = text.split('\n').count() + 1;
            for p in problems.sorted() {
                proptest::prop_assert!(
                    p.location.line_number().is_none_or(|l| l <= lines + 1),
                    "{:?} in {:?}",
                    p,
                    text
                );
                proptest::prop_assert!(!p.message.is_empty() && !p.hint.is_empty());
            }
            if parsed.is_none() {
                proptest::prop_assert!(problems.has_errors(), "{:?}", text);
            }
        }
    }

    #[test]
    fn control_char_finds_c0_del_c1_but_not_tab_or_newlines() {
        assert_eq!(control_char("ab\u{7}"), Some((2, '\u{7}')));
        assert_eq!(control_char("申請\u{85}"), Some((2, '\u{85}')));
        assert_eq!(control_char("x\u{7f}"), Some((1, '\u{7f}')));
        assert_eq!(control_char("a\tb\r\nc"), None);
        assert_eq!(control_char("全角　空白"), None);
        assert_eq!(code_point('\u{8}'), "U+0008");
        assert_eq!(shorten("あいうえお", 3), "あいう…");
        assert_eq!(shorten("あい", 3), "あい");
    }
}
