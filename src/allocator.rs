//! The process's allocator: mimalloc.
//!
//! An analysis makes many small, short-lived allocations (tokens' feature keys, mention and
//! quote strings, the response's messages); mimalloc serves them with fewer instructions than
//! the system's allocator (measured in the README's performance section). Set here, in the
//! library, so the server, the command line, the benchmarks and the tests all run on it.
//!
//! It is built never to ask the kernel for huge pages (its `no_thp` feature): they would make
//! every touched 2 MiB resident. The tagger's tables, the one place where they pay, ask for
//! them themselves (`entities::tagger`).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
