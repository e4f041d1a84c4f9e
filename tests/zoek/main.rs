//! zoek's end-to-end tests, one binary (the bundled corpus is indexed once for all of
//! them): each module runs the built `zoek` on the bundled `corpus/` or on corpora it
//! writes, or checks library invariants (`properties`, shared with the fuzz targets through
//! `invariants`).

mod common;
mod invariants;

mod bad_input;
mod batch;
mod bounds;
mod browser;
mod churn;
mod cli;
mod crash;
mod dutch;
mod formats;
mod hostile;
mod index;
mod layers;
mod lexicon;
mod narrow;
mod properties;
mod ranking;
mod reading;
mod readme;
mod search;
mod serve;
mod topk;
mod typos;
