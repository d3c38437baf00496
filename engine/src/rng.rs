//! Random-number streams (docs/time-and-randomness.md#random-streams).
//!
//! There is one RNG type, [`SimRng`] (ChaCha8). Every draw comes from a stream
//! keyed by `(scenario seed, replicate, stream tag, stable id)`, so what replicate
//! 17 draws for substation 4 is the same whatever else runs, in whatever order or
//! on however many threads.

use rand::SeedableRng;

/// The simulation's only random-number generator.
pub type SimRng = rand_chacha::ChaCha8Rng;

/// Names one purpose of randomness ("repair durations", "ground motion"…).
/// Build with [`StreamTag::new`] from a constant string, so tags are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamTag(pub u64);

impl StreamTag {
    /// FNV-1a of the name: stable across builds and platforms.
    pub const fn new(name: &str) -> StreamTag {
        let bytes = name.as_bytes();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut i = 0;
        while i < bytes.len() {
            h ^= bytes[i] as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
            i += 1;
        }
        StreamTag(h)
    }
}

/// SplitMix64 finaliser: a bijective mixer with good avalanche.
const fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of one replicate of one scenario; hands out independent streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bevy_ecs::resource::Resource)]
pub struct Streams {
    /// The scenario (or command-line) seed.
    pub seed: u64,
    /// The replicate number, 0-based.
    pub replicate: u32,
}

impl Streams {
    /// Streams for `replicate` of a run seeded with `seed`.
    pub fn new(seed: u64, replicate: u32) -> Streams {
        Streams { seed, replicate }
    }

    /// The stream for `tag` and the stable id `id` (0 when the purpose has no id).
    pub fn stream(&self, tag: StreamTag, id: u64) -> SimRng {
        // The 256-bit key comes from (seed, replicate); ChaCha's 64-bit stream
        // number from (tag, id). Distinct keys or stream numbers give
        // independent sequences.
        let k0 = mix(self.seed ^ mix(self.replicate as u64));
        let mut key = [0u8; 32];
        let mut s = k0;
        for chunk in key.chunks_mut(8) {
            s = mix(s);
            chunk.copy_from_slice(&s.to_le_bytes());
        }
        let mut rng = SimRng::from_seed(key);
        rng.set_stream(mix(tag.0 ^ mix(id)));
        rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    const A: StreamTag = StreamTag::new("a");
    const B: StreamTag = StreamTag::new("b");

    fn first(s: Streams, tag: StreamTag, id: u64) -> u64 {
        s.stream(tag, id).next_u64()
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let s = Streams::new(7, 0);
        assert_eq!(first(s, A, 1), first(s, A, 1));
        assert_ne!(first(s, A, 1), first(s, A, 2));
        assert_ne!(first(s, A, 1), first(s, B, 1));
        assert_ne!(first(s, A, 1), first(Streams::new(7, 1), A, 1));
        assert_ne!(first(s, A, 1), first(Streams::new(8, 0), A, 1));
    }

    #[test]
    fn tags_are_stable_constants() {
        // FNV-1a of "a" is a published value.
        assert_eq!(StreamTag::new("a").0, 0xaf63_dc4c_8601_ec8c);
    }
}
