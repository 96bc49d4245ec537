//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod app;
pub mod hostile;
pub mod http;
pub mod payload;
pub mod process;
pub mod s3fs;
