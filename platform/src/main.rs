use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    portico::cli::run().await
}
