// Types of scripts/build-geo.mjs, for the TypeScript tests that run it.

/** Layout version of the files build-geo writes; src/enrich/geoip.ts checks it. */
export declare const GEO_FORMAT: number;

/** geo-data/ at the repo root. */
export declare const DEFAULT_GEO_DIR: string;

/** What {@link buildGeo} did. */
export interface BuildGeoSummary {
  readonly out: string;
  /** True when the stamp matched and nothing was written. */
  readonly upToDate: boolean;
  readonly v4Ranges: number;
  readonly v6Ranges: number;
  /** Distinct AS numbers. */
  readonly asCount: number;
  /** Bytes written to `out`. */
  readonly bytes: number;
  /** Overlapping input ranges that were resolved. */
  readonly overlaps: number;
  readonly ms: number;
}

export interface BuildGeoOptions {
  /**
   * Output folder.
   * @default DEFAULT_GEO_DIR
   */
  readonly out?: string;
  /**
   * Rebuild even when the stamp says the output is up to date.
   * @default false
   */
  readonly force?: boolean;
}

/** Builds the geo data into `options.out`, or confirms it is up to date. */
export declare function buildGeo(options?: BuildGeoOptions): BuildGeoSummary;

/** The one-line summary the script prints. */
export declare function formatSummary(summary: BuildGeoSummary): string;
