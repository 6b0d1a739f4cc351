//! jwtvault's integration tests: the real binary on an isolated temp state and HOME.
//!
//! One test binary (`autotests = false`), one module per area. `support` holds the builder
//! that runs the binary and the key/token factories.

mod support;

mod attacks;
mod demo;
mod inputs;
mod login;
mod names;
mod network;
mod props;
mod reliability;
mod roles;
mod state_file;
mod tokens;
