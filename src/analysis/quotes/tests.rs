//! One test per rule, each on a small literal text.

use super::*;
