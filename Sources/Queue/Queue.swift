// The SQLite queue (see SubmissionQueue.swift).
