-- kuvert schema, version 5. Addresses abroad (issue 13 §1): the country of a party's address, as its ISO 3166-1
-- alpha-2 code. A protected person's address is never stored, so neither is its country.
ALTER TABLE parties ADD COLUMN country TEXT
    CHECK (country IS NULL OR (protected = 0 AND length(country) = 2 AND country GLOB '[A-Z][A-Z]'));

-- Every address stored so far is Swedish.
UPDATE parties SET country = 'SE' WHERE protected = 0;

-- Every new address names its country: a letter without one would be sorted as Swedish mail.
-- (SQLite cannot add this as a CHECK to the existing rows, so triggers hold it.)
CREATE TRIGGER parties_address_has_country BEFORE INSERT ON parties
WHEN NEW.protected = 0 AND NEW.country IS NULL
BEGIN
    SELECT RAISE(ABORT, 'an address needs its country');
END;
-- A purged address (kuvert purge empties street, postal code and town) keeps no country either.
CREATE TRIGGER parties_address_keeps_country BEFORE UPDATE OF country, protected ON parties
WHEN NEW.protected = 0 AND NEW.country IS NULL AND NEW.street <> ''
BEGIN
    SELECT RAISE(ABORT, 'an address needs its country');
END;
