//! The `newsharvest` binary: the command line of [`newsharvest::app`].

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(newsharvest::app::run(std::env::args_os()).0)
}
