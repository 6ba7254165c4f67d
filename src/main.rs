use std::process::ExitCode;

fn main() -> ExitCode {
    match outreach::cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("エラー: {e:#}");
            ExitCode::from(2)
        }
    }
}
