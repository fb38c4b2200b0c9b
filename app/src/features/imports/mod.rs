//! Importing past contracts (DECP) from the administration: upload, live progress, report,
//! rejects to download. The upload itself is a plain multipart POST handled by the server
//! (`server/src/uploads.rs`), so it works without JavaScript and streams large files to disk.
pub mod api;
pub mod pages;
