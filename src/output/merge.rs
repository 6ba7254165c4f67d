//! Merging the outputs of sharded builds (`outreach merge`).

use super::*;

/// Combine the outputs of sharded builds into `out` (replaced atomically,
/// keeping the files in `out` the generator did not make). The same path in
/// two inputs must hold the same bytes.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<u64, MergeError> {
    let target = Target::check(out, FolderKind::Sites, None)?;
    let mut records = Vec::new();
    for input in inputs {
        let real = fs::canonicalize(input).map_err(|e| MergeError::Read {
            path: input.clone(),
            message: e.to_string(),
        })?;
        if real.starts_with(&target.dir) || target.dir.starts_with(&real) {
            return Err(OutputError::Refused {
                path: out.to_path_buf(),
                reason: format!("まとめる元のフォルダ {} と重なっています", input.display()),
                hint: "まとめた結果は、分割した出力とは別の新しいフォルダに出してください".into(),
            }
            .into());
        }
        match Record::read(&real)? {
            Some((record, _)) if record.kind == FolderKind::Sites => records.push((input, record)),
            _ => {
                return Err(MergeError::NotAnOutput {
                    path: input.clone(),
                });
            }
        }
    }
    let staging = Staging::new(&target, None)?;
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut files = 0;
    for (input, record) in &records {
        for rel in &record.files {
            let path = input.join(rel);
            let bytes = fs::read(&path).map_err(|e| MergeError::Read {
                path: path.clone(),
                message: e.to_string(),
            })?;
            if let Some(first) = seen.get(rel.as_str()) {
                if fs::read(first.join(rel)).ok().as_deref() != Some(bytes.as_slice()) {
                    return Err(MergeError::Conflict {
                        rel: rel.clone(),
                        first: first.join(rel),
                        second: path,
                    });
                }
                continue;
            }
            staging.write(rel, &bytes, None)?;
            seen.insert(rel, input);
            files += 1;
        }
    }
    staging.commit(&Scope::Everything)?;
    Ok(files)
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: 読めません: {message}")]
    Read { path: PathBuf, message: String },
    #[error(
        "{path} は outreach build の出力フォルダではありません（記録ファイル {MARKER} がありません）（対処: build --shard I/N --out で作ったフォルダを指定してください）"
    )]
    NotAnOutput { path: PathBuf },
    #[error(
        "{rel} が {first} と {second} で異なります（対処: 同じ入力と --date で作った分割どうしか確認してください）"
    )]
    Conflict {
        rel: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(transparent)]
    Output(#[from] OutputError),
}
