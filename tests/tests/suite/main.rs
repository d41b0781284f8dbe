//! The integration tests, one module per concept, linked into one test binary: 35 binaries
//! each linking the whole service filled the disk of a CI machine (stop 29) and spent most
//! of a cold build linking. nextest still runs every test in its own process.

mod access;
mod append_proofs;
mod audit;
mod authorization_matrix;
mod certificate;
mod concurrency;
mod credential;
mod documents;
mod esco;
mod event_store;
mod fuzz;
mod graphiql;
mod http;
mod institution;
mod isolation;
mod login_throttle;
mod mobility;
mod operations;
mod outbox;
mod participant_lock;
mod passwords;
mod persisted_queries;
mod portal_in_a_browser;
mod printable_text;
mod projector;
mod query_cost;
mod read_your_writes;
mod registration;
mod replay;
mod request_hygiene;
mod retries;
mod schema_conventions;
mod session_proof;
mod sessions;
mod unstorable_input;
mod verification;
mod web_pages;
