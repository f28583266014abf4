/**
 * Group commit: calls that arrive while a batch is being written wait, and go together in the next
 * batch, as one statement and one commit. A call alone is written at the next turn of the event loop;
 * a burst of calls becomes a few statements instead of one commit each. Each call gets its own
 * result; if a batch's write fails, every call in that batch fails with the error.
 */
export function groupCommit<In, Out>(write: (batch: In[]) => Promise<Out[]>, maxBatch = 500): (item: In) => Promise<Out> {
  let pending: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;

  async function drain(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        const results = await write(batch.map((p) => p.item));
        if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} calls`);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    scheduled = false;
  }

  return (item) =>
    new Promise<Out>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // The other calls of this turn (a batch of claims reaching the same step) join the first.
        setImmediate(() => void drain());
      }
    });
}
