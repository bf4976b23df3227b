//! The process's allocator: mimalloc.
//!
//! An analysis makes many small, short-lived allocations (tokens' feature keys, mention and
//! quote strings, the response's messages); mimalloc serves them with fewer instructions than
//! the system's allocator (measured in the README's performance section). Set here, in the
//! library, so the server, the command line, the benchmarks and the tests all run on it.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
