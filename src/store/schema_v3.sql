-- A caseworker's own mailings, for the sheets of theirs found in another envelope
-- (Workflow::stray_sheets, on every start screen).
CREATE INDEX mailings_by_account ON mailings(account, id);
