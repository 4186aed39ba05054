import { makeVector, type Data, type Vector } from 'apache-arrow';

/**
 * Arrow's getter for value `i` of a leaf `Data` (as a column or list child gives it), through one
 * Vector per Data, cached: the rows of a batch share it. For writers that walk `Data` directly.
 */
export function dataGetter(): (data: Data, i: number) => unknown {
  const vectors = new WeakMap<Data, Vector>();
  return (data, i) => {
    let vector = vectors.get(data);
    if (!vector) vectors.set(data, (vector = makeVector(data)));
    return vector.get(i);
  };
}
