-- kuvert schema, version 4: each team's policies (issue 13 §4). They protect the citizen,
-- so they are held here, set by a team lead through `kuvert policy set` (an event in the
-- log each time), and not by a desk's own kuvert.toml. A team without a row has the
-- defaults: every sheet scanned, no four eyes.

CREATE TABLE policies (
    team         TEXT PRIMARY KEY REFERENCES teams(team),
    dual_control INTEGER NOT NULL CHECK (dual_control IN (0, 1)),
    verify       TEXT NOT NULL CHECK (verify IN ('every-sheet', 'cover-and-document-ends')),
    changed      TEXT NOT NULL,
    changed_by   TEXT NOT NULL REFERENCES users(account)
) STRICT;
