//! Library side of `quicksand-tools`: the pieces the subcommands use and the
//! tests call directly.

pub mod abi;
pub mod replay;
