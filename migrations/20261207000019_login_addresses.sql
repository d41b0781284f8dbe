-- Issue 18: login throttling per e-mail and client address, with a ceiling per e-mail that
-- does not block addresses where the account logged in before (see commands/src/throttle.rs).
-- Keys are hashes of e-mail and address: no address is stored in plain text.
CREATE TABLE login_addresses
(
    key           text PRIMARY KEY,
    last_login_at timestamptz NOT NULL
);

-- login_throttle now also limits e-mails sent to one address (password resets, notices of a
-- registration attempt); `failures` counts attempts (reserved before a password is verified,
-- given back when it was right) or uses within the window.
COMMENT ON COLUMN login_throttle.failures IS
    'attempts (logins: reserved before verifying, given back when right) or uses in the window';
