-- kuvert on PostgreSQL: group roles, privileges and row-level security. Run by the database
-- owner (IT) after schema.sql at `kuvert init`; safe to run again (grants are repeatable,
-- roles are created only when missing, functions and policies are replaced).
--
-- The model (issue 15): the owner owns every object and is the only role that may change
-- the schema or bypass row security. Desks connect with the caseworker's own login, a
-- member of kuvert_caseworker (or of kuvert_lead, which includes it). Each group gets only
-- the statements kuvert's operations issue, table by table, column by column where kuvert
-- updates only some columns. A desk that bypasses kuvert with psql can therefore do no more
-- than kuvert would let that person do, and sees only their own team's cases.

-- Roles belong to the cluster, not the database: a second kuvert database (or a second
-- init running at the same moment, which meets the first one's role as a duplicate key once
-- that commits) finds them there.
DO $$
BEGIN
    BEGIN
        CREATE ROLE kuvert_caseworker NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE kuvert_lead NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END
$$;

-- A lead also runs mailings of their own, so a lead has every caseworker privilege. ADMIN
-- OPTION so that `kuvert user add` by a lead can grant kuvert_caseworker to the new login
-- (on PostgreSQL 15 that takes ADMIN OPTION, held here through kuvert_lead). Making a new
-- lead needs ADMIN OPTION on kuvert_lead itself, which only IT (or a lead IT granted it
-- WITH ADMIN OPTION) holds: a role cannot be its own admin.
GRANT kuvert_caseworker TO kuvert_lead WITH ADMIN OPTION;

-- Nothing for anyone else. Tables carry no PUBLIC privileges by default, but a database made
-- by hand may have had some granted, and a cluster upgraded from before 15 still lets PUBLIC
-- create in public. Functions do carry EXECUTE for PUBLIC: each of kuvert's is revoked below
-- (not all in the schema, which would reach into any extension IT installed there).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO kuvert_caseworker;
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO kuvert_caseworker', current_database());
END
$$;

-- ---------------------------------------------------------------------------------------
-- Who the connection is. session_user, not current_user: a SECURITY DEFINER function or a
-- SET ROLE changes current_user, never the login the server authenticated. A login that is
-- not a registered user has no team, and row security then admits nothing.
-- SECURITY DEFINER so that the lookup does not depend on the caller's own view of users;
-- STABLE, and called as (SELECT kuvert_team()) in the policies, so that it runs once per
-- statement as an init plan, not once per row.
CREATE OR REPLACE FUNCTION kuvert_team() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT team FROM users WHERE account = session_user
$$;
REVOKE ALL ON FUNCTION kuvert_team() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_team() TO kuvert_caseworker;

-- A sheet code found in the wrong envelope must be recognised as another mailing's, and the
-- hard stop names that mailing's case number (DESIGN §1), even when the mailing is another
-- team's, which row security hides from the desk. This gives the scan exactly that and no
-- more: the mailing's id, its case's id and number, and its state (a sealed one is flagged
-- to its owner), but no person, address or document. The token has at least 64 random bits
-- (DESIGN §3), so only someone holding the printed sheet can ask; the caller's own mailings
-- are still read through the table, under row security.
CREATE OR REPLACE FUNCTION kuvert_mailing_by_token(token text)
RETURNS TABLE (id bigint, case_id bigint, case_no text, state text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT m.id, m.case_id, c.number, m.state
    FROM mailings m JOIN cases c ON c.id = m.case_id
    WHERE m.token = kuvert_mailing_by_token.token
$$;
REVOKE ALL ON FUNCTION kuvert_mailing_by_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_mailing_by_token(text) TO kuvert_caseworker;

-- A case of another team is refused as another team's (DESIGN §5), on both backends, not
-- reported missing: row security hides the case itself, so this gives a desk the team of a
-- case number and nothing else. NULL for a number no case has.
CREATE OR REPLACE FUNCTION kuvert_case_team(number text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT c.team FROM cases c WHERE c.number = kuvert_case_team.number
$$;
REVOKE ALL ON FUNCTION kuvert_case_team(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_case_team(text) TO kuvert_caseworker;

-- Likewise a document of another team's case is refused as a document of another case
-- (DESIGN §1): this gives the case a document id belongs to, not its title, subject or bytes.
CREATE OR REPLACE FUNCTION kuvert_document_case(id bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT d.case_id FROM documents d WHERE d.id = kuvert_document_case.id
$$;
REVOKE ALL ON FUNCTION kuvert_document_case(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_document_case(bigint) TO kuvert_caseworker;

-- Purge removes the bytes no document references any more. Such a blob belongs to no case
-- and so to no team: row security cannot admit it to anyone, and a lead's DELETE judged by
-- the documents the lead can see would try to remove other teams' bytes (which their
-- foreign keys would refuse, failing the purge). So leads get no DELETE on blobs; this
-- removes the unreferenced ones, whichever team's purge orphaned them, and says how many
-- and how many bytes, as SQLite's purge reports. Appends are serialised on audit_head, so
-- no import can be between adding a blob and referencing it while this runs.
CREATE OR REPLACE FUNCTION kuvert_purge_blobs(OUT blobs bigint, OUT bytes bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH gone AS (
        DELETE FROM blobs b
        WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = b.sha256)
        RETURNING octet_length(b.bytes) AS n
    )
    SELECT count(*), coalesce(sum(n), 0)::bigint FROM gone
$$;
REVOKE ALL ON FUNCTION kuvert_purge_blobs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_purge_blobs() TO kuvert_lead;

-- The trigger functions run as triggers only; nobody needs to call them.
REVOKE ALL ON FUNCTION case_locks_need_open_mailing() FROM PUBLIC;
REVOKE ALL ON FUNCTION mailings_close_releases_lock() FROM PUBLIC;
REVOKE ALL ON FUNCTION events_no_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION events_no_delete() FROM PUBLIC;
REVOKE ALL ON FUNCTION parties_address_has_country() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- Privileges. Caseworkers: sessions, mailings and everything a mailing writes. Leads, in
-- addition: import (cases, parties, documents, blobs; teams by naming them), user add,
-- policy set, lock break (an UPDATE of the mailing; the lock goes by trigger) and purge.
-- Identity columns draw their values without sequence privileges, so none are granted.

-- The owner writes meta (kind, created). A desk only records that it told its user
-- something once (notice:<account>:<topic>, see the policy below).
GRANT SELECT, INSERT ON meta TO kuvert_caseworker;

GRANT SELECT ON teams, users TO kuvert_caseworker;
GRANT INSERT ON teams, users TO kuvert_lead;

GRANT SELECT, INSERT ON sessions TO kuvert_caseworker;
GRANT UPDATE (last_seen, ended) ON sessions TO kuvert_caseworker;

GRANT SELECT ON cases, parties, documents, blobs TO kuvert_caseworker;
GRANT INSERT ON cases, parties, documents, blobs TO kuvert_lead;
-- Purge: a document loses its bytes, a recipient their personal fields.
GRANT UPDATE (sha256) ON documents TO kuvert_lead;
GRANT UPDATE (name, id_number, care_of, street, postal_code, city, country) ON parties TO kuvert_lead;

GRANT SELECT, INSERT ON mailings TO kuvert_caseworker;
GRANT UPDATE (state, generation, issued, round, printed_by, closed, close_reason, recipient_id)
    ON mailings TO kuvert_caseworker;
GRANT UPDATE (purged) ON mailings TO kuvert_lead;

-- No DELETE: a lock is released only by its mailing's close (a SECURITY DEFINER trigger).
GRANT SELECT, INSERT ON case_locks TO kuvert_caseworker;

-- Detach deletes; a change of recipient clears other_subject.
GRANT SELECT, INSERT, DELETE ON mailing_documents TO kuvert_caseworker;
GRANT UPDATE (other_subject) ON mailing_documents TO kuvert_caseworker;

GRANT SELECT, INSERT ON print_jobs, sheets, scans TO kuvert_caseworker;
-- Purge records that a print's file left the outbox.
GRANT UPDATE (pdf_path) ON print_jobs TO kuvert_lead;

-- Insert-only for everyone; the owner is held by the triggers of schema.sql.
GRANT SELECT, INSERT ON events TO kuvert_caseworker;
-- Every write locks the head FOR UPDATE (which needs UPDATE) and moves it.
GRANT SELECT, UPDATE (seq, hash) ON audit_head TO kuvert_caseworker;

GRANT SELECT ON policies TO kuvert_caseworker;
GRANT INSERT, UPDATE (dual_control, verify, changed, changed_by) ON policies TO kuvert_lead;

-- ---------------------------------------------------------------------------------------
-- Row-level security: each team sees and writes only its own cases and what hangs off them
-- (DESIGN §5, "a caseworker opens only cases of their team; a lead sees their team's logs":
-- leads are scoped like caseworkers). ENABLE, not FORCE: the owner sees everything, for
-- migration, backups and support. Referential integrity checks bypass row security, which is
-- what lets a scan record another team's mailing as other_mailing_id.
--
-- One permissive policy per table gives the team scope for every command the grants allow;
-- restrictive policies add that a desk writes in its own name only.
--
-- Only cases compare the team. Every other table's policy asks for its row's case (or
-- mailing, or document) to be visible, and row security applies inside a policy too, so the
-- team is checked once, at cases, instead of again at every level (schema version 8: on a
-- scan's queries that was half the server's time).

ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS team_rows ON cases;
CREATE POLICY team_rows ON cases
    USING (team = (SELECT kuvert_team()))
    WITH CHECK (team = (SELECT kuvert_team()));

-- The tables that carry case_id themselves.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['parties', 'documents', 'mailings', 'case_locks', 'mailing_documents'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS team_rows ON %I', t);
        EXECUTE format(
            'CREATE POLICY team_rows ON %1$I
                 USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = %1$I.case_id))
                 WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = %1$I.case_id))',
            t);
    END LOOP;
END
$$;

-- The tables that reach their case through mailing_id.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['print_jobs', 'sheets', 'scans'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS team_rows ON %I', t);
        EXECUTE format(
            'CREATE POLICY team_rows ON %1$I
                 USING (EXISTS (SELECT 1 FROM mailings m WHERE m.id = %1$I.mailing_id))
                 WITH CHECK (EXISTS (SELECT 1 FROM mailings m WHERE m.id = %1$I.mailing_id))',
            t);
    END LOOP;
END
$$;

-- A desk opens mailings, takes locks, prints and scans as itself: not in a colleague's name.
DROP POLICY IF EXISTS own_account ON mailings;
CREATE POLICY own_account ON mailings AS RESTRICTIVE FOR INSERT
    WITH CHECK (account = session_user);
DROP POLICY IF EXISTS own_account ON case_locks;
CREATE POLICY own_account ON case_locks AS RESTRICTIVE FOR INSERT
    WITH CHECK (account = session_user);
DROP POLICY IF EXISTS own_account ON print_jobs;
CREATE POLICY own_account ON print_jobs AS RESTRICTIVE FOR INSERT
    WITH CHECK (account = session_user);
DROP POLICY IF EXISTS own_session ON scans;
CREATE POLICY own_session ON scans AS RESTRICTIVE FOR INSERT
    WITH CHECK (EXISTS (SELECT 1 FROM sessions s
                        WHERE s.id = scans.session_id AND s.account = session_user));

-- Document bytes are the most sensitive rows of all: without a policy here, row security on
-- documents would be undone by SELECT bytes FROM blobs. A blob is visible through a visible
-- document that references it. A lead's import adds the blob before the document that
-- references it, so insertion is not scoped (the content hash reveals nothing new).
ALTER TABLE blobs ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS team_rows ON blobs;
CREATE POLICY team_rows ON blobs FOR SELECT
    USING (EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = blobs.sha256));
DROP POLICY IF EXISTS import ON blobs;
CREATE POLICY import ON blobs FOR INSERT WITH CHECK (true);

-- Sessions are read by the leads' per-session logs; each desk writes only its own.
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS readable ON sessions;
CREATE POLICY readable ON sessions FOR SELECT USING (true);
DROP POLICY IF EXISTS own_account ON sessions;
CREATE POLICY own_account ON sessions FOR INSERT WITH CHECK (account = session_user);
DROP POLICY IF EXISTS own_account_update ON sessions;
CREATE POLICY own_account_update ON sessions FOR UPDATE
    USING (account = session_user) WITH CHECK (account = session_user);

-- A lead sets the policies of their own team, in their own name; everyone may read them.
ALTER TABLE policies ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS readable ON policies;
CREATE POLICY readable ON policies FOR SELECT USING (true);
DROP POLICY IF EXISTS own_team ON policies;
CREATE POLICY own_team ON policies FOR INSERT
    WITH CHECK (team = (SELECT kuvert_team()) AND changed_by = session_user);
DROP POLICY IF EXISTS own_team_update ON policies;
CREATE POLICY own_team_update ON policies FOR UPDATE
    USING (team = (SELECT kuvert_team()))
    WITH CHECK (team = (SELECT kuvert_team()) AND changed_by = session_user);

-- meta is the owner's, except the once-only notices a desk records for its own user.
ALTER TABLE meta ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS readable ON meta;
CREATE POLICY readable ON meta FOR SELECT USING (true);
DROP POLICY IF EXISTS own_notice ON meta;
CREATE POLICY own_notice ON meta FOR INSERT
    WITH CHECK (starts_with(key, 'notice:' || session_user || ':'));
