//! SIGINT and SIGTERM during a crawl: the first asks the crawl to stop (in-flight pages
//! finish, the output is committed), a second quits at once. Which signal it was decides
//! the exit code (130, 143).

use std::sync::atomic::{AtomicU8, Ordering};
use tokio::sync::watch;

/// Which signal stopped the crawl: 0 none, 2 SIGINT, 15 SIGTERM.
static SIGNAL: AtomicU8 = AtomicU8::new(0);

/// The exit code of a run a signal stopped (128 + the signal number), if one did.
pub fn exit_code() -> Option<u8> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        n => Some(128 + n),
    }
}

/// Listen for SIGINT and SIGTERM (on the current tokio runtime): the returned flag turns
/// true at the first; the second ends the process.
pub fn listen() -> watch::Receiver<bool> {
    let (stop, rx) = watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        loop {
            #[cfg(unix)]
            let which = tokio::select! {
                _ = tokio::signal::ctrl_c() => 2u8,
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => 15u8,
            };
            #[cfg(not(unix))]
            let which = {
                let _ = tokio::signal::ctrl_c().await;
                2u8
            };
            if SIGNAL.swap(which, Ordering::SeqCst) != 0 {
                // A second signal: give up on a clean stop.
                std::process::exit(128 + i32::from(which));
            }
            eprintln!("newsharvest: stopping: finishing in-flight pages (signal again to quit now)");
            let _ = stop.send(true);
        }
    });
    rx
}
