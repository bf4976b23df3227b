//! Arbitrary bytes → an `AnalyzeRequest` as the server would decode it → the service's
//! validation → the analysis and the response in the unit asked for, checked.
#![no_main]

use docsift::invariants::{FUZZ_LIMITS, check_request_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = check_request_bytes(data, &FUZZ_LIMITS) {
        panic!("{violation}");
    }
});
