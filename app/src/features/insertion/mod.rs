//! Insertion in procurement: a plan's or a lot's lever (clause, criterion) with its hours and
//! the formula they were proposed with, the administrators' sizing figures, and the
//! facilitators who follow the territory's plans with a lever (`follow`).
pub mod admin;
pub mod api;
pub mod follow;
pub mod hours;
pub mod lever;
pub mod stats;
