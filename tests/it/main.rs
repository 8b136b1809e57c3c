//! The one integration-test binary: fixture sites driven through the real `passerelle`.
