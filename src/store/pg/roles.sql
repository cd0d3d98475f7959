-- kuvert's group roles and what they may do, run by the database owner (IT) at `kuvert init`
-- after schema.sql. Login roles are members of one group; the groups own nothing. The owner
-- keeps every right, and the triggers still refuse it changes to the event log.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kuvert_caseworker') THEN
        CREATE ROLE kuvert_caseworker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kuvert_lead') THEN
        CREATE ROLE kuvert_lead NOLOGIN;
    END IF;
END $$;
-- A lead also runs mailings of their own.
GRANT kuvert_caseworker TO kuvert_lead;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO kuvert_caseworker;

-- A caseworker reads the team's cases and runs mailings: locks, attachments, prints, scans.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO kuvert_caseworker;
GRANT INSERT, UPDATE ON sessions, mailings, print_jobs, mailing_documents TO kuvert_caseworker;
GRANT INSERT ON sheets, scans TO kuvert_caseworker;
-- A lock goes when its mailing closes (a trigger run as the caseworker) or is detached.
GRANT INSERT, DELETE ON case_locks TO kuvert_caseworker;
GRANT DELETE ON mailing_documents TO kuvert_caseworker;
-- The event log: appended to and read, never changed (no UPDATE, DELETE or TRUNCATE).
GRANT INSERT ON events TO kuvert_caseworker;
-- Every write locks the head row first, and moves it with the chain.
GRANT UPDATE ON audit_head TO kuvert_caseworker;
-- First-time notices are remembered per account.
GRANT INSERT ON meta TO kuvert_caseworker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO kuvert_caseworker;

-- A lead registers users, sets the team's policies, imports cases and purges old mailings.
GRANT INSERT, UPDATE ON users, teams, policies TO kuvert_lead;
GRANT INSERT ON cases, parties, documents, blobs TO kuvert_lead;
GRANT UPDATE ON parties, documents TO kuvert_lead;

-- The team of the connected login. SECURITY DEFINER so the policies below can read users
-- whatever the caller may see; STABLE so it runs once per statement.
CREATE OR REPLACE FUNCTION kuvert_team() RETURNS TEXT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT team FROM users WHERE account = session_user $$;
REVOKE ALL ON FUNCTION kuvert_team() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_team() TO kuvert_caseworker;

-- Whether a case is of the connected login's team.
CREATE OR REPLACE FUNCTION kuvert_case_of_my_team(case_id BIGINT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.team = kuvert_team()) $$;
REVOKE ALL ON FUNCTION kuvert_case_of_my_team(BIGINT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_case_of_my_team(BIGINT) TO kuvert_caseworker;

-- Whether document bytes belong to a document of the login's team.
CREATE OR REPLACE FUNCTION kuvert_blob_of_my_team(sha TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT EXISTS (SELECT 1 FROM documents d JOIN cases c ON c.id = d.case_id
                          WHERE d.sha256 = sha AND c.team = kuvert_team()) $$;
REVOKE ALL ON FUNCTION kuvert_blob_of_my_team(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kuvert_blob_of_my_team(TEXT) TO kuvert_caseworker;

-- Row-level security: a caseworker of team B, connected with psql, reads no row of team A's
-- cases, parties or documents, nor their bytes. Not FORCEd: the owner (IT) sees all.
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE parties ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE blobs ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS team_cases ON cases;
CREATE POLICY team_cases ON cases TO kuvert_caseworker
    USING (team = kuvert_team()) WITH CHECK (team = kuvert_team());
DROP POLICY IF EXISTS team_parties ON parties;
CREATE POLICY team_parties ON parties TO kuvert_caseworker
    USING (kuvert_case_of_my_team(case_id)) WITH CHECK (kuvert_case_of_my_team(case_id));
DROP POLICY IF EXISTS team_documents ON documents;
CREATE POLICY team_documents ON documents TO kuvert_caseworker
    USING (kuvert_case_of_my_team(case_id)) WITH CHECK (kuvert_case_of_my_team(case_id));
-- Bytes are stored before the document that names them, so any lead may add bytes; only
-- those of the team's documents can be read.
DROP POLICY IF EXISTS team_blobs_read ON blobs;
CREATE POLICY team_blobs_read ON blobs FOR SELECT TO kuvert_caseworker
    USING (kuvert_blob_of_my_team(sha256));
DROP POLICY IF EXISTS team_blobs_add ON blobs;
CREATE POLICY team_blobs_add ON blobs FOR INSERT TO kuvert_lead WITH CHECK (true);
