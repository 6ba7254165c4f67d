use std::process::ExitCode;

fn main() -> ExitCode {
    match outreach::cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("エラー: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: an error whose message already
/// quotes its cause (`書き込めません: File exists (os error 17)`) is not followed
/// by the cause again.
fn message(error: &anyhow::Error) -> String {
    let mut out = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::message;

    #[derive(Debug, thiserror::Error)]
    #[error("/tmp/x: 書き込めません: {source}")]
    struct Quoting {
        source: std::io::Error,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("出力フォルダを置き換えられません")]
    struct Plain {
        source: std::io::Error,
    }

    fn os_error() -> std::io::Error {
        std::io::Error::from_raw_os_error(17)
    }

    #[test]
    fn the_os_message_is_printed_once() {
        let quoting = anyhow::Error::new(Quoting { source: os_error() });
        let text = message(&quoting);
        assert_eq!(text.matches("(os error 17)").count(), 1, "{text}");
        // A cause the message does not quote is still printed.
        let plain = anyhow::Error::new(Plain { source: os_error() });
        let text = message(&plain);
        assert!(
            text.starts_with("出力フォルダを置き換えられません: ")
                && text.contains("(os error 17)"),
            "{text}"
        );
        // Context added at the edge keeps the whole chain, once.
        let context =
            anyhow::Error::new(Quoting { source: os_error() }).context("ビルドできません");
        let text = message(&context);
        assert!(text.starts_with("ビルドできません: /tmp/x"), "{text}");
        assert_eq!(text.matches("(os error 17)").count(), 1, "{text}");
    }
}
