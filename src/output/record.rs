//! The record file ([`MARKER`]) that marks a folder as outreach's: which
//! generator made it, for what, and which files in it it made.

use super::*;

/// What a folder made by outreach is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// The output of `build` or `merge`: the sites.
    Sites,
    /// A scratch folder of `bench` (`--work`, `--hugo-site`), replaced whole.
    Bench,
    /// The zips of `build --zip`: one per site (`m-221007.zip`).
    Zips,
}

impl FolderKind {
    fn word(self) -> &'static str {
        match self {
            FolderKind::Sites => "sites",
            FolderKind::Bench => "bench",
            FolderKind::Zips => "zips",
        }
    }

    fn from_word(word: &str) -> Option<FolderKind> {
        match word {
            "sites" => Some(FolderKind::Sites),
            "bench" => Some(FolderKind::Bench),
            "zips" => Some(FolderKind::Zips),
            _ => None,
        }
    }
}

/// The record file: the generator, the format version, the folder's kind and
/// (for sites) every file the generator made in the folder, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: FolderKind,
    pub files: BTreeSet<String>,
}

impl Record {
    pub fn new(kind: FolderKind) -> Record {
        Record {
            kind,
            files: BTreeSet::new(),
        }
    }

    pub fn to_text(&self) -> String {
        let mut out = format!("{MARKER_MAGIC} {MARKER_FORMAT} {}\n", self.kind.word());
        let about = match self.kind {
            FolderKind::Sites => {
                "# このフォルダは outreach（ケアプランデータ連携システムの普及サイトを作るプログラム）の出力フォルダです。\n\
                 # outreach は、このファイルがあるフォルダにだけ書き込みます。ビルドのたびに、下の一覧にあるファイル\n\
                 # （outreach が作ったもの）を作り直し、一覧にないファイルやフォルダ（.htaccess、サイト確認用の\n\
                 # ファイル、独自のフォルダなど）はそのまま残します。一部のサイトだけのビルドは、ほかのサイトを残します。\n\
                 # このファイルを消したり書き換えたりしないでください。消すと、次のビルドはこのフォルダへの書き込みを断ります。\n"
            }
            FolderKind::Bench => {
                "# このフォルダは outreach bench の作業用フォルダです。bench を実行するたびに、中身をすべて作り直します。\n\
                 # 残したいファイルを置かないでください。\n"
            }
            FolderKind::Zips => {
                "# このフォルダは outreach build --zip の出力フォルダです（サイトごとの zip ファイル）。\n\
                 # outreach は、このファイルがあるフォルダにだけ書き込み、ビルドしたサイトの zip だけを作り直します。\n\
                 # 下の一覧にないファイルはそのまま残します。このファイルを消したり書き換えたりしないでください。\n"
            }
        };
        out.push_str(about);
        out.push('\n');
        for file in &self.files {
            out.push_str(file);
            out.push('\n');
        }
        out
    }

    /// Read a record. `Err` says why it is not one this outreach can use.
    pub fn parse(text: &str) -> Result<Record, RecordError> {
        let mut lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
        let header = lines.next().unwrap_or_default();
        let mut words = header.split_whitespace();
        if words.next() != Some(MARKER_MAGIC) {
            return Err(RecordError::Broken("1行目が outreach の記録ではありません"));
        }
        let version: u32 = words
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or(RecordError::Broken("形式の番号がありません"))?;
        if version > MARKER_FORMAT {
            return Err(RecordError::Newer(version));
        }
        let kind = words
            .next()
            .and_then(FolderKind::from_word)
            .ok_or(RecordError::Broken("フォルダの種類がありません"))?;
        // Comment lines, then one blank line, then one file per line.
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            if !line.starts_with('#') {
                return Err(RecordError::Broken("説明の行のあとに空行がありません"));
            }
        }
        let mut files = BTreeSet::new();
        for line in lines {
            check_rel(line).map_err(|_| RecordError::Broken("一覧に安全でないパスがあります"))?;
            files.insert(line.to_string());
        }
        Ok(Record { kind, files })
    }

    /// Read the record of `dir`: `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> Result<Option<(Record, Vec<u8>)>, OutputError> {
        let path = dir.join(MARKER);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(OutputError::Read { path, source }),
            Ok(meta) if !meta.is_file() => {
                return Err(refused(
                    dir,
                    format!("{MARKER} がファイルではありません"),
                    "outreach が作ったフォルダではありません。別の新しいフォルダを指定してください",
                ));
            }
            Ok(_) => {}
        }
        let bytes = fs::read(&path).map_err(|source| OutputError::Read {
            path: path.clone(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        match Record::parse(&text) {
            Ok(record) => Ok(Some((record, bytes))),
            Err(RecordError::Newer(v)) => Err(refused(
                dir,
                format!("新しい版の outreach（記録の形式 {v}）が作ったフォルダです"),
                "新しい版の outreach でビルドしてください",
            )),
            Err(RecordError::Broken(why)) => Err(refused(
                dir,
                format!("記録ファイル {MARKER} が壊れています（{why}）"),
                "どのファイルを outreach が作ったのか分からないため書き込みません。新しいフォルダを指定するか、このフォルダを自分で片付けてから使ってください",
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    Broken(&'static str),
    Newer(u32),
}

pub(super) fn refused(
    path: &Path,
    reason: impl Into<String>,
    hint: impl Into<String>,
) -> OutputError {
    OutputError::Refused {
        path: path.to_path_buf(),
        reason: reason.into(),
        hint: hint.into(),
    }
}
