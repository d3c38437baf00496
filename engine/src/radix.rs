//! A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990): the priority queue
//! of the evacuation's trees toward shelters on large networks, where the
//! frontier is wide. On small networks, and for
//! [`Network::search`](crate::Network::search) with its `f64` keys, a
//! binary heap measured faster.
//!
//! Keys are the bits of non-negative floating-point times (`f64` as `u64`,
//! `f32` as `u32`), whose order as unsigned integers is their numeric order.
//! Dijkstra pops keys in non-decreasing order and never pushes a key below
//! the last one popped — the only case a radix heap serves, and it serves it
//! with a few bit operations per push instead of a binary heap's sift.
//!
//! Among equal keys the order of popping is fixed by the order of pushing
//! (no randomness), so searches stay deterministic.

/// An unsigned key type the heap can bucket by its highest differing bit.
pub trait RadixKey: Copy + Ord + std::fmt::Debug {
    /// Bits in the key.
    const BITS: u32;
    /// `BITS` minus the leading zeros of `self ^ other`: 0 when equal,
    /// otherwise one more than the index of the highest differing bit.
    fn diff_bits(self, other: Self) -> u32;
    /// The smallest key.
    const ZERO: Self;
}

impl RadixKey for u32 {
    const BITS: u32 = 32;
    const ZERO: u32 = 0;
    #[inline]
    fn diff_bits(self, other: u32) -> u32 {
        32 - (self ^ other).leading_zeros()
    }
}

impl RadixKey for u64 {
    const BITS: u32 = 64;
    const ZERO: u64 = 0;
    #[inline]
    fn diff_bits(self, other: u64) -> u32 {
        64 - (self ^ other).leading_zeros()
    }
}

/// A monotone priority queue of `(key, item)`.
#[derive(Debug)]
pub struct RadixHeap<K: RadixKey> {
    last: K,
    /// Bucket `b` holds keys whose highest bit differing from `last` is
    /// bit `b - 1` (bucket 0: equal to `last`).
    buckets: Vec<Vec<(K, u32)>>,
    len: usize,
}

impl<K: RadixKey> Default for RadixHeap<K> {
    fn default() -> Self {
        RadixHeap::new()
    }
}

impl<K: RadixKey> RadixHeap<K> {
    /// An empty heap.
    pub fn new() -> RadixHeap<K> {
        RadixHeap {
            last: K::ZERO,
            buckets: (0..=K::BITS).map(|_| Vec::new()).collect(),
            len: 0,
        }
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Add `item` with `key`, which must not be below the last key popped.
    #[inline]
    pub fn push(&mut self, key: K, item: u32) {
        debug_assert!(key >= self.last, "radix heap keys must not decrease");
        let b = key.diff_bits(self.last) as usize;
        self.buckets[b].push((key, item));
        self.len += 1;
    }

    /// Remove an entry with the smallest key.
    pub fn pop(&mut self) -> Option<(K, u32)> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            let i = (1..self.buckets.len())
                .find(|&i| !self.buckets[i].is_empty())
                .expect("a non-empty heap has a non-empty bucket");
            let moving = std::mem::take(&mut self.buckets[i]);
            self.last = moving
                .iter()
                .map(|e| e.0)
                .min()
                .expect("the bucket is not empty");
            // Every entry moves to a lower bucket (they agree with the new
            // `last` on all bits above `i - 1`).
            for &(k, item) in &moving {
                let b = k.diff_bits(self.last) as usize;
                self.buckets[b].push((k, item));
            }
            // Keep the bucket's allocation.
            let mut moving = moving;
            moving.clear();
            self.buckets[i] = moving;
        }
        self.len -= 1;
        self.buckets[0].pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no RNG crate.
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn pops_in_key_order_like_a_binary_heap() {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut rng = 7u64;
        let mut radix: RadixHeap<u64> = RadixHeap::new();
        let mut binary = BinaryHeap::new();
        let mut last = 0u64;
        // Dijkstra-like use: pushes never go below the last pop.
        for step in 0..20_000u32 {
            if step % 3 != 2 || radix.is_empty() {
                let t = f64::from_bits(last) + (lcg(&mut rng) % 1000) as f64 / 8.0;
                radix.push(t.to_bits(), step);
                binary.push(Reverse(t.to_bits()));
            } else {
                let (k, _) = radix.pop().unwrap();
                let Reverse(b) = binary.pop().unwrap();
                assert_eq!(k, b);
                last = k;
            }
            assert_eq!(radix.len(), binary.len());
        }
        while let Some((k, _)) = radix.pop() {
            assert_eq!(Some(Reverse(k)), binary.pop());
        }
        assert!(binary.is_empty());
    }

    #[test]
    fn f32_keys_order_as_numbers() {
        let mut h: RadixHeap<u32> = RadixHeap::new();
        for (i, t) in [3.5f32, 0.25, 1e6, 0.0, 7.0, 0.25].iter().enumerate() {
            h.push(t.to_bits(), i as u32);
        }
        let order: Vec<f32> = std::iter::from_fn(|| h.pop())
            .map(|(k, _)| f32::from_bits(k))
            .collect();
        assert_eq!(order, vec![0.0, 0.25, 0.25, 3.5, 7.0, 1e6]);
    }
}
