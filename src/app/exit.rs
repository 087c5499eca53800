//! The process exit code, as a number (`std::process::ExitCode` hides its number, which the
//! Python package's `python -m newsharvest` needs).

/// A process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCode(pub u8);

impl ExitCode {
    /// 0.
    pub const SUCCESS: ExitCode = ExitCode(0);
}

impl From<u8> for ExitCode {
    fn from(c: u8) -> ExitCode {
        ExitCode(c)
    }
}
