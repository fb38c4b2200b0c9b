//! Insertion in procurement: a plan's or a lot's lever (clause, criterion) with its hours and
//! the formula they were proposed with, and the administrators' sizing figures.
pub mod admin;
pub mod api;
pub mod lever;
