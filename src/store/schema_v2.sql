-- Retention (kuvert purge): when a closed mailing's personal data was removed.
ALTER TABLE mailings ADD COLUMN purged TEXT;
