//! Manifests for other hosts of the same components: what of a Wafer
//! manifest they can run, and what they cannot.

pub mod spin;
