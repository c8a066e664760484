/**
 * Renders a Vega spec with the real `vega` library in Node, as the weekly
 * report does, and tells what a test needs: the SVG, every warning or error
 * Vega logged, how many items each named mark drew, and the data sets.
 */
import * as vega from 'vega';

type Json = Record<string, unknown>;

/** What {@link renderSpec} saw. */
export interface Rendered {
  readonly svg: string;
  /** Everything Vega logged at warn or error level. */
  readonly warnings: readonly string[];
  /** Items drawn per named mark. */
  readonly marks: Readonly<Record<string, number>>;
  /** Where each item of a named mark was drawn, in drawing order. */
  readonly items: (mark: string) => readonly ItemBounds[];
  /** The tuples of a data set after its transforms. */
  readonly data: (name: string) => Json[];
}

/** An item's position and size in pixels. */
export interface ItemBounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface SceneNode {
  readonly marktype?: string;
  readonly name?: string;
  readonly items?: readonly SceneNode[];
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly height?: number;
}

function collect(node: SceneNode, out: Record<string, ItemBounds[]>): void {
  if (node.marktype && node.name) {
    const list = (out[node.name] ??= []);
    for (const i of node.items ?? []) list.push({ x: i.x ?? 0, y: i.y ?? 0, width: i.width ?? 0, height: i.height ?? 0 });
  }
  for (const item of node.items ?? []) collect(item, out);
}

/** Compiles and runs a spec, then renders it to SVG. */
export async function renderSpec(spec: Json): Promise<Rendered> {
  const warnings: string[] = [];
  const record = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  const base = vega.logger(vega.Warn);
  const logger = Object.assign(base, { warn: (...a: unknown[]) => (record(...a), logger), error: (...a: unknown[]) => (record(...a), logger) });
  const view = new vega.View(vega.parse(spec as vega.Spec, undefined, { ast: false }), { renderer: 'none', logger });
  await view.runAsync();
  const svg = await view.toSVG();
  const items: Record<string, ItemBounds[]> = {};
  collect((view.scenegraph() as unknown as { root: SceneNode }).root, items);
  const marks = Object.fromEntries(Object.entries(items).map(([name, list]) => [name, list.length]));
  const data = (name: string) => view.data(name) as Json[];
  view.finalize();
  return { svg, warnings, marks, items: (mark) => items[mark] ?? [], data };
}

/**
 * A Dashboards panel's spec as Dashboards hands it to Vega once the request
 * is answered (src/plugins/vis_type_vega/public/data_model/vega_parser.ts,
 * `_resolveDataUrls`, and opensearch_query_parser.ts `populateData`: the url
 * object is removed and the raw response becomes the data's `values`, read
 * through the spec's own `format`), at a fixed size instead of its container's.
 */
export function withResponse(spec: Json, response: unknown, size = { width: 640, height: 320 }): Json {
  const copy = structuredClone(spec);
  for (const d of copy.data as Json[]) {
    if (d.url && typeof d.url === 'object') {
      delete d.url;
      d.values = response;
    }
  }
  return { ...copy, ...size };
}
