//! The service run as a process (crash, restart, replicas, shutdown), one test binary:
//! see tests/tests/suite/main.rs for why.

mod common;
mod crash;
mod pg_restart;
mod replicas;
mod shutdown;
