//! Passerelle.
