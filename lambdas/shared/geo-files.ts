/**
 * The edge of the GeoIP lookup: reads the geo data from disk and hands the
 * bytes to the pure core (src/enrich/geoip.ts). Used by the ingest function
 * (the data is bundled beside it), the CLI and the demo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GeoDataError } from '../../src/errors.js';
import { createGeoLookup, type GeoBuildFile, type GeoData, type GeoLookup, type GeoLookupOptions } from '../../src/enrich/geoip.js';

/** Where the geo data is on disk. */
export interface GeoFilesOptions extends GeoLookupOptions {
  /** Folder with the output of `node scripts/build-geo.mjs --out DIR`. */
  readonly dir: string;
  /**
   * Path of your own MaxMind DB file (city or country) to take country, city and location from.
   * @default - the DB-IP Lite country database in `dir`: country only.
   */
  readonly database?: string;
}

/**
 * Reads the geo data in `options.dir` (and `options.database`, if given) and opens the lookup.
 *
 * @throws GeoDataError when `dir` lacks build-geo's output, or `database` is missing or not an mmdb file.
 */
export function openGeoLookup(options: GeoFilesOptions): GeoLookup {
  return createGeoLookup(geoDataFiles(options.dir, options.database), options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize });
}

/** {@link GeoData} read from files, each when the core asks for it. */
export function geoDataFiles(dir: string, database?: string): GeoData {
  const buildFile = (name: GeoBuildFile): Buffer => {
    const file = join(dir, name);
    try {
      return readFileSync(file);
    } catch (err) {
      throw new GeoDataError(`geo data not found: cannot read ${file}; build it with \`node scripts/build-geo.mjs --out ${dir}\``, file, { cause: err });
    }
  };
  if (database === undefined) return { dir, buildFile };
  const bytes = (): Buffer => {
    try {
      return readFileSync(database);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new GeoDataError(`GeoIP database ${database} cannot be read (${code}): give the path of a MaxMind DB (.mmdb) file`, database, { cause: err });
    }
  };
  return { dir, buildFile, database: { path: database, bytes } };
}
