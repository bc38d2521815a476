-- The queue's tables (Sources/Queue/Schema.swift, migrations "v1" to "v5": submissions, events
-- and the e-mail outbox; tokens and attachments left out as the benchmark does not use them), for the PHP half of
-- Benchmarks/gateway-vs-php.sh: the PHP script writes the same rows as `guichet gateway`.
PRAGMA journal_mode = WAL;
PRAGMA application_id = 1196771651;
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE CHECK (length(reference) = 11),
    form_id TEXT NOT NULL CHECK (form_id <> ''),
    form_digest TEXT NOT NULL,
    service_id TEXT NOT NULL CHECK (service_id <> ''),
    channel TEXT NOT NULL
        CHECK (channel IN ('web', 'guichet', 'telephone', 'courrier', 'courriel')),
    received_at TEXT NOT NULL CHECK (length(received_at) = 24),
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'nouvelle',
    key_hash BLOB NOT NULL CHECK (length(key_hash) = 32),
    retention_days INTEGER CHECK (retention_days IS NULL OR retention_days > 0),
    notify_email TEXT
) STRICT;
CREATE INDEX submissions_service_status ON submissions (service_id, status);
CREATE INDEX submissions_received_at ON submissions (received_at);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind <> ''),
    at TEXT NOT NULL CHECK (length(at) = 24),
    message TEXT,
    data TEXT
) STRICT;
CREATE INDEX events_submission ON events (submission_id, id);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind <> ''),
    token_id INTEGER,
    reference TEXT,
    submission_id INTEGER REFERENCES submissions (id),
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    created_at TEXT NOT NULL CHECK (length(created_at) = 24),
    delivered_at TEXT,
    last_error TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (kind, next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX outbox_submission ON outbox (submission_id) WHERE submission_id IS NOT NULL;
