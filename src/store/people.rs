//! Teams, users and sessions.

use super::{Row, Tx};
use crate::error::{Problem, Result};
use crate::model::{Role, SessionId, User};

fn user_from_row(r: &Row<'_>) -> Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        account: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Caseworker),
        team: r.get(3)?,
    })
}

/// Makes sure a team exists (teams are created by naming them).
pub fn ensure_team(c: &Tx<'_>, team: &str) -> Result<()> {
    c.run(
        "INSERT INTO teams(team) VALUES (?1) ON CONFLICT DO NOTHING",
        &[&team],
    )?;
    Ok(())
}

/// A registered user by account name.
pub fn user(c: &Tx<'_>, account: &str) -> Result<Option<User>> {
    c.row(
        "SELECT account, name, role, team FROM users WHERE account = ?1",
        &[&account],
        user_from_row,
    )
}

/// Every registered user, by account.
pub fn users(c: &Tx<'_>) -> Result<Vec<User>> {
    c.rows(
        "SELECT account, name, role, team FROM users ORDER BY account",
        &[],
        user_from_row,
    )
}

/// How many users are registered (the first one may register itself).
pub fn user_count(c: &Tx<'_>) -> Result<i64> {
    c.one("SELECT count(*) FROM users", &[], |r| r.get(0))
}

/// Registers a user; refuses an account that exists.
pub fn add_user(c: &Tx<'_>, user: &User, now: &str) -> Result<()> {
    ensure_team(c, &user.team)?;
    match c.run(
        "INSERT INTO users(account, name, role, team, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            &user.account,
            &user.name,
            &user.role.as_str(),
            &user.team,
            &now,
        ],
    ) {
        Ok(_) => Ok(()),
        Err(e) if super::is_unique_violation(&e) => Err(Problem::AccountTaken {
            account: user.account.clone(),
        }
        .into()),
        Err(e) => Err(e),
    }
}

/// A session of this user at this terminal seen after `since`, to be continued: unended
/// (a command that was killed), or ended by a command that finished after `since`.
pub fn resumable_session(
    c: &Tx<'_>,
    account: &str,
    terminal: &str,
    kind: &str,
    since: &str,
) -> Result<Option<SessionId>> {
    c.row(
        "SELECT id FROM sessions
         WHERE account = ?1 AND terminal = ?2 AND kind = ?3 AND last_seen >= ?4
           AND (ended IS NULL OR ended >= ?4)
         ORDER BY id DESC LIMIT 1",
        &[&account, &terminal, &kind, &since],
        |r| r.get(0),
    )
}

/// Ends this user's sessions at this terminal that went idle: they end when last seen.
pub fn end_idle_sessions(c: &Tx<'_>, account: &str, terminal: &str, kind: &str) -> Result<()> {
    c.run(
        "UPDATE sessions SET ended = last_seen
         WHERE account = ?1 AND terminal = ?2 AND kind = ?3 AND ended IS NULL",
        &[&account, &terminal, &kind],
    )?;
    Ok(())
}

/// Starts a session.
pub fn start_session(
    c: &Tx<'_>,
    account: &str,
    terminal: &str,
    kind: &str,
    now: &str,
) -> Result<SessionId> {
    c.one(
        "INSERT INTO sessions(account, terminal, kind, started, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
        &[&account, &terminal, &kind, &now],
        |r| r.get(0),
    )
}

/// Continues a session: it is live again until its next end.
pub fn reopen_session(c: &Tx<'_>, id: SessionId, now: &str) -> Result<()> {
    c.run(
        "UPDATE sessions SET ended = NULL, last_seen = ?2 WHERE id = ?1",
        &[&id, &now],
    )?;
    Ok(())
}

/// Whether `account` is told about `topic` for the first time: true once, then false (the
/// notice is remembered in `meta`).
pub fn first_notice(c: &Tx<'_>, account: &str, topic: &str, now: &str) -> Result<bool> {
    let key = format!("notice:{account}:{topic}");
    Ok(c.run(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        &[&key, &now],
    )? == 1)
}

/// Records activity, so an idle session can be told from a live one.
pub fn touch_session(c: &Tx<'_>, id: SessionId, now: &str) -> Result<()> {
    c.run(
        "UPDATE sessions SET last_seen = ?2 WHERE id = ?1",
        &[&id, &now],
    )?;
    Ok(())
}

/// Ends a session (quit, closed terminal).
pub fn end_session(c: &Tx<'_>, id: SessionId, now: &str) -> Result<()> {
    c.run(
        "UPDATE sessions SET ended = ?2, last_seen = ?2 WHERE id = ?1 AND ended IS NULL",
        &[&id, &now],
    )?;
    Ok(())
}

/// Ends a session again after a command that continued it (the end moves to `now`).
pub fn end_command(c: &Tx<'_>, id: SessionId, now: &str) -> Result<()> {
    c.run(
        "UPDATE sessions SET ended = ?2, last_seen = ?2 WHERE id = ?1",
        &[&id, &now],
    )?;
    Ok(())
}
