//! Unit tests of the page-type classifier.
