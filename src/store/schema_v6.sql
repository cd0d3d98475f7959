-- kuvert schema, version 6: documents by their content hash. Purge looks for the bytes no
-- document references any more, and the PostgreSQL backend's row security reads a blob
-- through the documents that name it: without this index each lookup reads every document.
CREATE INDEX documents_by_sha256 ON documents(sha256);
