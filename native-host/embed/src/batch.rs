//! Grouping tokenized texts into model calls.
//!
//! A batch is padded to its longest text, so mixing a 5-token title with a 60-token one wastes
//! most of the call. Sorting by length first keeps texts of similar length together; each result
//! carries its input index so the caller gets them back in input order.

use ndarray::Array2;

/// One model call's inputs: right-padded ids and mask `[rows, longest]`, and the input index of
/// each row.
#[derive(Debug)]
pub struct Batch {
    pub ids: Array2<i64>,
    pub mask: Array2<i64>,
    pub rows: Vec<usize>,
}

/// Input indices in the order they are batched: by token count (stable, so equal lengths keep
/// input order) when `sort` is set, else as given.
pub fn batch_order(lengths: &[usize], sort: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    if sort {
        order.sort_by_key(|&i| lengths[i]);
    }
    order
}

/// Pads the token ids of `rows` (input indices into `ids`) into one batch.
pub fn build_batch(ids: &[Vec<u32>], rows: &[usize], pad_id: u32) -> Batch {
    let longest = rows.iter().map(|&i| ids[i].len()).max().unwrap_or(0);
    let mut input = Array2::from_elem((rows.len(), longest), i64::from(pad_id));
    let mut mask = Array2::zeros((rows.len(), longest));
    for (r, &i) in rows.iter().enumerate() {
        for (c, &id) in ids[i].iter().enumerate() {
            input[(r, c)] = i64::from(id);
            mask[(r, c)] = 1;
        }
    }
    Batch { ids: input, mask, rows: rows.to_vec() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_order_is_stable_and_unsorted_is_identity() {
        assert_eq!(batch_order(&[3, 1, 3, 2], true), vec![1, 3, 0, 2]);
        assert_eq!(batch_order(&[3, 1, 3, 2], false), vec![0, 1, 2, 3]);
    }

    #[test]
    fn pads_to_the_longest_row_with_the_pad_id_and_a_zero_mask() {
        let ids = vec![vec![0, 5, 2], vec![0, 2]];
        let batch = build_batch(&ids, &[1, 0], 1);
        assert_eq!(batch.rows, vec![1, 0]);
        assert_eq!(batch.ids, ndarray::array![[0, 2, 1], [0, 5, 2]]);
        assert_eq!(batch.mask, ndarray::array![[1, 1, 0], [1, 1, 1]]);
    }
}
