//! Stopping: SIGINT or SIGTERM stop the accepting of connections; requests in flight get at most
//! [`GRACE`] to finish, then the process exits 0.

use std::time::Duration;

use tokio::signal::unix::{signal, Signal, SignalKind};

/// How long requests in flight may take to finish after a stop signal.
pub const GRACE: Duration = Duration::from_secs(10);

/// SIGINT and SIGTERM, listened to from the moment the server is bound (a signal that comes
/// before serving begins is kept, not lost).
pub struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    /// Installs the handlers. Must run inside the server's runtime.
    pub fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// Waits for either signal; returns its name.
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}
