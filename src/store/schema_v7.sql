-- kuvert schema, version 7: the flags of sheets found in another envelope, by mailing. The
-- start screen asks for a caseworker's flags at every start and refresh; through the index
-- of all events by mailing that read every event of every mailing the caseworker ever sent
-- (some 9,000 pages, 20 ms, on the agency-scale database), through this one a few pages.
-- The same statement upgrades a PostgreSQL database of version 6 (store/pg/upgrade.rs).
CREATE INDEX events_found_elsewhere ON events(mailing_id) WHERE kind = 'sheet_found_elsewhere';
