//! checkgen library
