-- Keys are stored as HMAC-SHA256 of their secret under a server-side key ('key-hashing' in
-- server_secrets) instead of a bare SHA-256. Rows written before keep their SHA-256 until the
-- key's next successful use, which rewrites the hash (KeyStore.findBySecret); hash_scheme says
-- which form a row holds. The default names the old form, so rows this migration finds, and
-- rows an older server still running writes during an upgrade, are read correctly.
ALTER TABLE api_keys ADD COLUMN hash_scheme TEXT NOT NULL DEFAULT 'sha256';

-- A fingerprint used to be the first 64 bits of the secret's SHA-256: for a secret chosen by
-- an operator (the admin token) that lets anyone who sees a listing test guesses offline. New
-- fingerprints are random; existing keys get a random one too (their listed id changes once).
UPDATE api_keys SET fingerprint = lower(hex(randomblob(8)));
