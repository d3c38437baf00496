//! The flood solver: one module per concern.
//!
//! - `dambreak`: Ritter (dry bed, published cases + closed form) and Stoker
//!   (wet bed) against the solver run on a 1-D channel.
//! - `balance`: lake at rest, exact mass conservation, no negative depth.
//! - `determinism`: bit-identical results on 1 and 2 rayon threads.
//! - `manning`: normal depth in a wide sloping channel.
//! - `outputs`: grids written by the model parse back.

mod balance;
mod common;
mod dambreak;
mod determinism;
mod manning;
mod outputs;
