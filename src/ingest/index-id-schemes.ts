/**
 * Which id scheme each daily index uses, learnt once per index per instance.
 *
 * A daily index keeps one id scheme for its whole life: the index template
 * writes the current scheme into the mapping's `_meta` of every index created
 * from it, and an index without it was created before ids changed. So an
 * event redelivered after an upgrade into an index that already existed gets
 * the id it was first written under and overwrites itself, while the next
 * day's index, created from the new template, gets the shorter ids. An index
 * that does not exist yet will be created by the template this instance has
 * just installed, so it takes the current scheme.
 */
import { CURRENT_DOC_ID_SCHEME, DOC_ID_SCHEME_META_KEY, schemeOfMeta, type DocIdScheme } from './doc-id.js';
import { retryWithinDeadline, withinMs, type Deadline, type RequestOptions } from './deliver.js';
import { DeliveryError } from '../errors.js';

/** What the cluster says about one index's mapping. */
export type IndexMetaAnswer = { readonly exists: false } | { readonly exists: true; readonly meta?: unknown };

/** Reads an index's mapping `_meta`: the one I/O the choice of ids needs (lambdas/shared/opensearch.ts). */
export interface IndexMetaSource {
  /** `{ exists: false }` for an index that is not there (HTTP 404); rejects like a bulk request otherwise. */
  indexMeta(index: string, options: RequestOptions): Promise<IndexMetaAnswer>;
}

/** Knobs of {@link IndexIdSchemes}. */
export interface IndexIdSchemesOptions {
  /** First pause after a failed lookup. @default 200 */
  readonly minDelayMs?: number;
  /** Longest pause. @default 8000 */
  readonly maxDelayMs?: number;
  /** Indices remembered; the oldest is forgotten beyond this. @default 1000 */
  readonly maxIndices?: number;
}

/**
 * The schemes of the indices an instance writes to, each looked up once and
 * kept for the life of the instance (an index never changes scheme). Shared
 * by concurrent invocations: one lookup per index, however many wait for it;
 * a failed lookup is forgotten, so the next invocation tries again.
 */
export class IndexIdSchemes {
  private readonly known = new Map<string, DocIdScheme>();
  private readonly pending = new Map<string, Promise<DocIdScheme>>();
  private readonly maxIndices: number;

  constructor(
    private readonly source: IndexMetaSource,
    private readonly options: IndexIdSchemesOptions = {},
  ) {
    this.maxIndices = options.maxIndices ?? 1000;
  }

  /** The scheme of `index` if already learnt; synchronous, for planning. */
  schemeOf(index: string): DocIdScheme | undefined {
    return this.known.get(index);
  }

  /**
   * Learns the schemes of `indices`, retrying transient failures within the
   * deadline. Throws {@link DeliveryError} when a lookup cannot be done in
   * time, or when an index was created by a newer release with a scheme this
   * one cannot write (the event is kept for a replay by that release).
   */
  async learn(indices: Iterable<string>, deadline: Deadline): Promise<void> {
    const lookups = [...new Set(indices)].filter((index) => !this.known.has(index)).map((index) => this.lookup(index, deadline));
    // A lookup another invocation started runs to its own deadline: wait no longer than ours.
    // With nothing to look up the race is won at once (and the pipeline asks only for indices it does not know).
    await withinMs(Promise.all(lookups), deadline(), 'the index id-scheme lookup');
  }

  private lookup(index: string, deadline: Deadline): Promise<DocIdScheme> {
    let p = this.pending.get(index);
    if (!p) {
      p = retryWithinDeadline((timeoutMs) => this.source.indexMeta(index, { timeoutMs }), deadline, {
        minDelayMs: this.options.minDelayMs,
        maxDelayMs: this.options.maxDelayMs,
        what: `read the id scheme of ${index}`,
      })
        .then((answer) => {
          const scheme = answer.exists ? schemeOfMeta(answer.meta) : CURRENT_DOC_ID_SCHEME;
          if (scheme === undefined) {
            // schemeOfMeta found a value under the key, so the index exists and its meta is an object.
            const declared = JSON.stringify((answer as { meta: Record<string, unknown> }).meta[DOC_ID_SCHEME_META_KEY]);
            throw new DeliveryError(`index ${index} declares document id scheme ${declared}, which this release cannot write; ingest it with the release that created the index`, 0);
          }
          this.remember(index, scheme);
          return scheme;
        })
        .finally(() => this.pending.delete(index));
      this.pending.set(index, p);
    }
    return p;
  }

  private remember(index: string, scheme: DocIdScheme): void {
    if (this.known.size >= this.maxIndices) this.known.delete(this.known.keys().next().value!);
    this.known.set(index, scheme);
  }
}
