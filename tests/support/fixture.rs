//! The office of the library-level tests, on either backend: a fresh copy of the demo office
//! (the SQLite file of `common::Env::demo`, or the same moved onto a database of the test
//! cluster by `Env::demo_on_server`) with a desk, one `Workflow`, per user.
//!
//! On PostgreSQL the user is the connection's login and a desk cannot act in anyone else's
//! name (row security), so every call goes through the desk of the session's user:
//! `office.desk(&s).start(&s, …)`. On SQLite each user's desk is likewise a workflow of its
//! own over the same file, its user chosen by impersonation (the demo allows it). Included
//! with `#[path = "support/fixture.rs"] mod fixture;` next to `mod common;`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::model::{LoginGrant, User};
use kuvert::store::{Location, Store};
use kuvert::{Session, SessionKind, Workflow};
use time::OffsetDateTime;

use crate::common::{self, Backend, Env};

/// A test file's own fixture that holds the office in its field `office` and is used as
/// one: `office_fixture!(Fixture);` gives it `Deref` and `DerefMut` to `Office`.
#[macro_export]
macro_rules! office_fixture {
    ($fixture:ident) => {
        impl std::ops::Deref for $fixture {
            type Target = $crate::fixture::Office;
            fn deref(&self) -> &Self::Target {
                &self.office
            }
        }

        impl std::ops::DerefMut for $fixture {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.office
            }
        }
    };
}

/// One test body on both backends: `both!(name)` makes the module `name` with the tests
/// `sqlite` and `postgres`, each calling `name(Backend)`. The PostgreSQL one does nothing
/// where no server can start and CI is not set (the cluster says why); under `CI=true` it
/// fails instead.
#[macro_export]
macro_rules! both {
    ($($body:ident),+ $(,)?) => {$(
        mod $body {
            #[test]
            fn sqlite() {
                super::$body($crate::common::Backend::Sqlite);
            }
            #[test]
            fn postgres() {
                if $crate::common::pg::Cluster::shared().is_some() {
                    super::$body($crate::common::Backend::Postgres);
                }
            }
        }
    )+};
}

/// A clock the desks of one office share, standing still until the test moves it.
pub type SharedClock = Arc<Mutex<OffsetDateTime>>;

/// A demo office and the desks of its users.
pub struct Office {
    pub env: Env,
    config: Config,
    lang: Lang,
    clock: Option<SharedClock>,
    desks: BTreeMap<String, Workflow>,
}

/// What the database said when it refused a statement run underneath kuvert.
#[derive(Debug)]
pub struct DbRefusal {
    /// Refused by a constraint or by one of kuvert's triggers (which stand in for
    /// constraints): SQLite's constraint code; PostgreSQL's class 23 or a trigger's raise.
    pub by_constraint: bool,
    pub message: String,
}

impl Office {
    /// A fresh demo office on `backend`. The caller has made sure a server can start there
    /// (`both!` does).
    pub fn demo(backend: Backend, config: Config) -> Self {
        let env = match backend {
            Backend::Sqlite => Env::demo(),
            Backend::Postgres => Env::demo_on_server().expect("the test cluster"),
        };
        Self {
            env,
            config,
            lang: Lang::En,
            clock: None,
            desks: BTreeMap::new(),
        }
    }

    /// Every desk opened from now on speaks `lang`.
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// Every desk opened from now on reads `clock`.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    pub fn backend(&self) -> Backend {
        self.env.backend()
    }

    /// The database `login` connects to: the file, or the server as that login.
    pub fn connect(&self, login: &str) -> kuvert::Result<Store> {
        match &self.env.server {
            None => Store::open(&self.env.db),
            Some(s) => Location::parse(Path::new(&s.url(login))).open(),
        }
    }

    /// A new desk of `account` (another terminal, another connection) with the office's
    /// configuration, language and clock.
    pub fn open_desk(&self, account: &str) -> Workflow {
        self.open_desk_with(account, self.config.clone())
    }

    pub fn open_desk_with(&self, account: &str, config: Config) -> Workflow {
        let store = self.connect(account).expect("connect the desk");
        let wf = Workflow::new(store, config, self.lang, self.env.dir.path().join("outbox"));
        match &self.clock {
            Some(clock) => {
                let clock = Arc::clone(clock);
                wf.with_clock(Box::new(move || *clock.lock().expect("clock")))
            }
            None => wf,
        }
    }

    /// A session of `account` at `desk`: by impersonation on the demo file, as the desk's
    /// login on a server.
    pub fn session_at(
        &self,
        desk: &mut Workflow,
        account: &str,
        terminal: &str,
        kind: SessionKind,
    ) -> kuvert::Result<Session> {
        let impersonate = match self.backend() {
            Backend::Sqlite => Some(account),
            Backend::Postgres => None,
        };
        let s = desk.session(impersonate, terminal, kind)?;
        assert_eq!(s.user.account, account, "the desk's own user");
        Ok(s)
    }

    /// `account`'s desk (opened at first use).
    pub fn desk_of(&mut self, account: &str) -> &mut Workflow {
        if !self.desks.contains_key(account) {
            let desk = self.open_desk(account);
            self.desks.insert(account.to_owned(), desk);
        }
        self.desks.get_mut(account).expect("the desk")
    }

    /// The desk of the session's user, where everything the session does is done.
    pub fn desk(&mut self, s: &Session) -> &mut Workflow {
        self.desk_of(&s.user.account)
    }

    /// A session of `account` at terminal `tty-ACCOUNT` of their desk.
    pub fn login(&mut self, account: &str) -> Session {
        self.login_at(account, &format!("tty-{account}"), SessionKind::Cli)
    }

    pub fn login_at(&mut self, account: &str, terminal: &str, kind: SessionKind) -> Session {
        let mut desk = self
            .desks
            .remove(account)
            .unwrap_or_else(|| self.open_desk(account));
        let s = self.session_at(&mut desk, account, terminal, kind);
        self.desks.insert(account.to_owned(), desk);
        s.expect("a session")
    }

    /// A lead registers `user` at their desk; on a server, where a lead may grant a login
    /// only kuvert_caseworker and may create none, IT then runs what kuvert asks of it.
    pub fn add_user(&mut self, lead: &Session, user: &User) -> kuvert::Result<LoginGrant> {
        let grant = self.desk(lead).add_user(Some(lead), user)?;
        if let LoginGrant::ForIt { statement } = &grant {
            self.execute(statement).expect("IT runs what kuvert asks");
        }
        Ok(grant)
    }

    /// A desk for what is nobody's in particular (the audit, a mailing's status): the first
    /// open one, else the OS account's (every user reads the log).
    pub fn any_desk(&mut self) -> &mut Workflow {
        let account = match self.desks.keys().next() {
            Some(a) => a.clone(),
            None => common::os_account(),
        };
        self.desk_of(&account)
    }

    /// SQL run on the database as its owner, rows as `|`-separated lines (`Env::sql`).
    pub fn sql(&self, sql: &str) -> Vec<String> {
        self.env.sql(sql)
    }

    /// The single value of a query, parsed.
    pub fn value<T: std::str::FromStr>(&self, sql: &str) -> T
    where
        T::Err: std::fmt::Debug,
    {
        let rows = self.sql(sql);
        assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
        rows[0].parse().expect(sql)
    }

    /// A statement run as the database's owner, underneath kuvert (no workflow, no desk's
    /// row security); the rows it changed, or what refused it.
    pub fn execute(&self, statement: &str) -> Result<u64, DbRefusal> {
        match &self.env.server {
            None => {
                let c = rusqlite::Connection::open(&self.env.db).expect("open the file");
                c.busy_timeout(std::time::Duration::from_secs(10))
                    .expect("busy timeout");
                c.execute_batch("PRAGMA foreign_keys = ON").expect("pragma");
                let changes_before = c.total_changes();
                match c.execute_batch(statement) {
                    Ok(()) => Ok(c.total_changes() - changes_before),
                    Err(e) => Err(DbRefusal {
                        by_constraint: matches!(&e, rusqlite::Error::SqliteFailure(f, _)
                            if f.code == rusqlite::ErrorCode::ConstraintViolation),
                        message: e.to_string(),
                    }),
                }
            }
            Some(s) => {
                let mut c = postgres::Client::connect(&s.url("postgres"), postgres::NoTls)
                    .expect("connect as the owner");
                match c.execute(statement, &[]) {
                    Ok(n) => Ok(n),
                    Err(e) => {
                        let code = e.code().map(|c| c.code().to_owned()).unwrap_or_default();
                        Err(DbRefusal {
                            by_constraint: code.starts_with("23") || code == "P0001",
                            message: e
                                .as_db_error()
                                .map_or_else(|| e.to_string(), |d| d.message().to_owned()),
                        })
                    }
                }
            }
        }
    }

    /// Switches one of kuvert's triggers off as the owner could: dropped from the file, or
    /// disabled on the server (`ALTER TABLE … DISABLE TRIGGER`, the owner's only way round
    /// an ALWAYS trigger).
    pub fn without_trigger(&self, table: &str, trigger: &str) {
        let statement = match self.backend() {
            Backend::Sqlite => format!("DROP TRIGGER {trigger}"),
            Backend::Postgres => format!("ALTER TABLE {table} DISABLE TRIGGER {trigger}"),
        };
        self.execute(&statement).expect("switch the trigger off");
    }

    /// Closes every desk, leaving the database to the binary.
    pub fn into_env(self) -> Env {
        drop(self.desks);
        self.env
    }
}
