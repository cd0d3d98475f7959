-- kuvert schema, version 1. The database itself enforces the rules that must never break,
-- so that no bug in the code (or a second program) can break them either.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE teams (
    team TEXT PRIMARY KEY CHECK (length(team) BETWEEN 1 AND 64)
) STRICT;

CREATE TABLE users (
    account TEXT PRIMARY KEY CHECK (length(account) BETWEEN 1 AND 64),
    name    TEXT NOT NULL,
    role    TEXT NOT NULL CHECK (role IN ('caseworker', 'lead')),
    team    TEXT NOT NULL REFERENCES teams(team),
    created TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id        INTEGER PRIMARY KEY,
    account   TEXT NOT NULL REFERENCES users(account),
    terminal  TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('cli', 'tui', 'station')),
    started   TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    ended     TEXT
) STRICT;
CREATE INDEX sessions_by_account ON sessions(account, terminal, ended);

CREATE TABLE cases (
    id      INTEGER PRIMARY KEY,
    number  TEXT NOT NULL UNIQUE,
    benefit TEXT NOT NULL,
    team    TEXT NOT NULL REFERENCES teams(team)
) STRICT;
CREATE INDEX cases_by_team ON cases(team, number);

CREATE TABLE parties (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    role        TEXT NOT NULL CHECK (role IN ('applicant', 'representative', 'employer', 'care_provider')),
    name        TEXT NOT NULL,
    id_number   TEXT NOT NULL CHECK (length(id_number) = 12),
    protected   INTEGER NOT NULL CHECK (protected IN (0, 1)),
    care_of     TEXT,
    street      TEXT,
    postal_code TEXT,
    city        TEXT,
    -- A protected person's address is never stored, so it can never be shown or printed.
    CHECK (protected = 0 OR (care_of IS NULL AND street IS NULL AND postal_code IS NULL AND city IS NULL)),
    CHECK (protected = 1 OR (street IS NOT NULL AND postal_code IS NOT NULL AND city IS NOT NULL)),
    UNIQUE (id, case_id)
) STRICT;
CREATE INDEX parties_by_case ON parties(case_id);

-- Document bytes, content-addressed: one copy per distinct content.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    bytes  BLOB NOT NULL
) STRICT;

CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    date       TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    pages      INTEGER NOT NULL CHECK (pages >= 1),
    sha256     TEXT REFERENCES blobs(sha256),   -- NULL once purged
    -- The person a document concerns is a party of the same case.
    FOREIGN KEY (subject_id, case_id) REFERENCES parties(id, case_id),
    UNIQUE (id, case_id)
) STRICT;
CREATE INDEX documents_by_case ON documents(case_id);

CREATE TABLE mailings (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    account       TEXT NOT NULL REFERENCES users(account),
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    recipient_id  INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'printed', 'verified', 'sealed', 'voided')),
    token         TEXT NOT NULL UNIQUE CHECK (length(token) = 13),
    generation    INTEGER NOT NULL DEFAULT 0,  -- current printed generation, 0 = none
    issued        INTEGER NOT NULL DEFAULT 0,  -- highest generation ever rendered
    round         INTEGER NOT NULL DEFAULT 0,  -- scan round; a hard stop starts a new one
    printed_by    TEXT REFERENCES users(account),
    started       TEXT NOT NULL,
    closed        TEXT,
    close_reason  TEXT,
    CHECK (generation <= issued),
    CHECK ((state IN ('draft', 'printed', 'verified')) = (closed IS NULL)),
    CHECK (state = 'draft' OR state = 'voided' OR generation >= 1),
    FOREIGN KEY (recipient_id, case_id) REFERENCES parties(id, case_id),
    UNIQUE (id, case_id)
) STRICT;
-- One open mailing per caseworker, one open mailing per case.
CREATE UNIQUE INDEX one_open_mailing_per_user ON mailings(account)
    WHERE state IN ('draft', 'printed', 'verified');
CREATE UNIQUE INDEX one_open_mailing_per_case ON mailings(case_id)
    WHERE state IN ('draft', 'printed', 'verified');
CREATE INDEX mailings_by_case ON mailings(case_id);
CREATE INDEX mailings_by_session ON mailings(session_id);

-- The lock a mailing holds on its case: one per case, one per mailing.
CREATE TABLE case_locks (
    case_id    INTEGER PRIMARY KEY,
    mailing_id INTEGER NOT NULL UNIQUE,
    account    TEXT NOT NULL REFERENCES users(account),
    since      TEXT NOT NULL,
    FOREIGN KEY (mailing_id, case_id) REFERENCES mailings(id, case_id)
) STRICT;

-- A lock can only be held by an open mailing.
CREATE TRIGGER case_locks_need_open_mailing BEFORE INSERT ON case_locks
WHEN (SELECT state FROM mailings WHERE id = NEW.mailing_id) NOT IN ('draft', 'printed', 'verified')
BEGIN
    SELECT RAISE(ABORT, 'a case lock needs an open mailing');
END;

-- Closing a mailing releases its lock in the same transaction, whatever the caller forgot.
CREATE TRIGGER mailings_close_releases_lock AFTER UPDATE OF state ON mailings
WHEN NEW.state IN ('sealed', 'voided')
BEGIN
    DELETE FROM case_locks WHERE mailing_id = NEW.id;
END;

-- Only documents of the mailing's own case can be attached (composite foreign keys).
CREATE TABLE mailing_documents (
    mailing_id     INTEGER NOT NULL,
    case_id        INTEGER NOT NULL,
    document_id    INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    other_subject  INTEGER NOT NULL CHECK (other_subject IN (0, 1)),
    PRIMARY KEY (mailing_id, document_id),
    FOREIGN KEY (mailing_id, case_id) REFERENCES mailings(id, case_id),
    FOREIGN KEY (document_id, case_id) REFERENCES documents(id, case_id)
) STRICT;

-- One completed print of a mailing.
CREATE TABLE print_jobs (
    mailing_id  INTEGER NOT NULL REFERENCES mailings(id),
    generation  INTEGER NOT NULL CHECK (generation >= 1),
    sheets      INTEGER NOT NULL CHECK (sheets >= 2),
    pdf_path    TEXT NOT NULL,
    pdf_sha256  TEXT NOT NULL,
    printer_job TEXT,
    reason      TEXT,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    account     TEXT NOT NULL REFERENCES users(account),
    created     TEXT NOT NULL,
    PRIMARY KEY (mailing_id, generation)
) STRICT;

-- Every sheet of a print: what it is, and whether the verification policy requires it.
CREATE TABLE sheets (
    mailing_id  INTEGER NOT NULL,
    generation  INTEGER NOT NULL,
    sheet       INTEGER NOT NULL CHECK (sheet >= 1),
    kind        TEXT NOT NULL CHECK (kind IN ('cover', 'inner', 'document')),
    document_id INTEGER REFERENCES documents(id),
    page        INTEGER,
    required    INTEGER NOT NULL CHECK (required IN (0, 1)),
    PRIMARY KEY (mailing_id, generation, sheet),
    FOREIGN KEY (mailing_id, generation) REFERENCES print_jobs(mailing_id, generation)
) STRICT, WITHOUT ROWID;

-- Every scan at sealing, whatever its verdict.
CREATE TABLE scans (
    id               INTEGER PRIMARY KEY,
    mailing_id       INTEGER NOT NULL REFERENCES mailings(id),
    session_id       INTEGER NOT NULL REFERENCES sessions(id),
    time             TEXT NOT NULL,
    code             TEXT NOT NULL,
    verdict          TEXT NOT NULL CHECK (verdict IN ('ok', 'duplicate', 'foreign', 'stale', 'unknown', 'mistyped')),
    generation       INTEGER,
    sheet            INTEGER,
    round            INTEGER NOT NULL,
    other_mailing_id INTEGER REFERENCES mailings(id),
    source           TEXT NOT NULL CHECK (source IN ('scanner', 'keyed', 'unspecified'))
) STRICT;
CREATE INDEX scans_by_mailing_round ON scans(mailing_id, round, verdict, sheet);

-- The event log: append-only and hash-chained.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY,
    time       TEXT NOT NULL,
    session_id INTEGER REFERENCES sessions(id),
    account    TEXT,
    mailing_id INTEGER,
    case_no    TEXT,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash       TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;
CREATE INDEX events_by_session ON events(session_id);
CREATE INDEX events_by_mailing ON events(mailing_id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: events cannot be changed');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: events cannot be deleted');
END;
