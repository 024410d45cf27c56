//! A list that grows by chunks of a fixed size instead of doubling: what the checks keep
//! for every entry of a long feed then takes what it holds (give or take one chunk),
//! never twice that while a doubled buffer is copied, nor capacity it never uses.

/// Items per chunk: 4096 (a chunk of 24- or 32-byte records is about 100 KB).
const CHUNK: usize = 4096;

/// A list of `T` in chunks of [`CHUNK`].
#[derive(Debug, Clone)]
pub(crate) struct ChunkedVec<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec { chunks: Vec::new() }
    }
}

impl<T> ChunkedVec<T> {
    pub(crate) fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
    }

    pub(crate) fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_come_back_in_order_across_chunks() {
        let mut list = ChunkedVec::default();
        let count = 3 * CHUNK + 5;
        for n in 0..count {
            list.push(n);
        }
        assert!(list.iter().copied().eq(0..count));
        assert_eq!(list.get(CHUNK), Some(&CHUNK));
        assert_eq!(list.get(count - 1), Some(&(count - 1)));
        assert_eq!(list.get(count), None);
        assert!(list.chunks.iter().all(|chunk| chunk.capacity() == CHUNK));
    }
}
