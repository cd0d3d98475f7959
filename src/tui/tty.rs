//! Watching the terminal itself. crossterm 0.29's reader loops for ever on a terminal that
//! reads 0 bytes or fails (a closed window, a killed tmux session): it never returns, so
//! nothing behind it would ever notice. Keys are therefore read on a thread of their own,
//! and the event loop asks the terminal directly, with poll(2), whether it hung up.

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::mpsc::{Receiver, channel};

use ratatui::crossterm::event::{self, Event};
use rustix::event::{PollFd, PollFlags, Timespec};

/// The terminal crossterm reads: standard input when it is one, else `/dev/tty`.
pub struct Tty {
    dev: Option<File>,
}

impl Tty {
    pub fn open() -> Self {
        let stdin = std::io::stdin();
        let dev = if rustix::termios::isatty(stdin.as_fd()) {
            None
        } else {
            File::open("/dev/tty").ok()
        };
        Self { dev }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        match &self.dev {
            Some(f) => f.as_fd(),
            // Standard input lives as long as the process.
            None => stdin_fd(),
        }
    }

    /// True once the terminal hung up, failed or went away.
    pub fn gone(&self) -> bool {
        let fd = self.fd();
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        loop {
            return match rustix::event::poll(&mut fds, Some(&zero)) {
                Ok(_) => fds[0]
                    .revents()
                    .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL),
                // A signal (the SIGTERM that ends the session) interrupted the look: the
                // terminal is still there, and must be restored.
                Err(rustix::io::Errno::INTR) => continue,
                Err(_) => true,
            };
        }
    }
}

fn stdin_fd() -> BorrowedFd<'static> {
    // `Stdin` is a handle to fd 0 for the whole life of the process.
    static STDIN: std::sync::OnceLock<std::io::Stdin> = std::sync::OnceLock::new();
    STDIN.get_or_init(std::io::stdin).as_fd()
}

/// Reads terminal events on a thread of its own and hands them over; an error (or the end
/// of input) is the last thing sent.
pub fn reader() -> Receiver<std::io::Result<Event>> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        loop {
            let event = event::read();
            // A signal interrupting the read is no end of the terminal.
            if matches!(&event, Err(e) if e.kind() == std::io::ErrorKind::Interrupted) {
                continue;
            }
            let failed = event.is_err();
            if tx.send(event).is_err() || failed {
                return;
            }
        }
    });
    rx
}
