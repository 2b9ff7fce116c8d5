type Obj = Record<string, unknown>;

/**
 * Anthropic's tool search (MCP tools loaded on demand): tools marked `defer_loading`, the search tool
 * itself (`tool_search_tool_regex_…`, `tool_search_tool_bm25_…`), and in the history its calls
 * (`server_tool_use` named `tool_search_tool_…`), their results and `tool_reference` blocks. A config
 * that does not pass Anthropic's API through unchanged answers 400 to any of it; for those, CLP takes
 * it out of the request (the deferred tools are then sent in full, as without tool search).
 */
const SEARCH_TOOL = /^tool_search_tool_/;

/** Cheap check on the raw bytes. */
export function mayCarryToolSearch(raw: Buffer): boolean {
  return raw.includes('defer_loading') || raw.includes('tool_search_tool') || raw.includes('tool_reference');
}

const isSearchBlock = (b: unknown): boolean => {
  if (!b || typeof b !== 'object') return false;
  const o = b as Obj;
  return (
    o.type === 'tool_search_tool_result' ||
    o.type === 'tool_reference' ||
    (o.type === 'server_tool_use' && typeof o.name === 'string' && SEARCH_TOOL.test(o.name))
  );
};

/** Removes tool search from a parsed body in place; returns how many items went. */
export function stripToolSearch(body: Obj): number {
  let removed = 0;
  if (Array.isArray(body.tools)) {
    const kept: unknown[] = [];
    for (const t of body.tools as Obj[]) {
      if (t && typeof t === 'object' && typeof t.type === 'string' && SEARCH_TOOL.test(t.type)) {
        removed++;
        continue;
      }
      if (t && typeof t === 'object' && 'defer_loading' in t) {
        const { defer_loading: _, ...rest } = t;
        kept.push(rest);
        removed++;
      } else kept.push(t);
    }
    body.tools = kept;
  }
  for (const m of Array.isArray(body.messages) ? (body.messages as Obj[]) : []) {
    if (!Array.isArray(m?.content)) continue;
    const content = (m.content as Obj[]).filter((b) => !isSearchBlock(b) || (removed++, false));
    for (const b of content) {
      if (b?.type === 'tool_result' && Array.isArray(b.content)) {
        const inner = (b.content as unknown[]).filter((x) => !isSearchBlock(x) || (removed++, false));
        b.content = inner.length ? inner : '';
      }
    }
    m.content = content.length ? content : [{ type: 'text', text: '(tool search results removed by CLP)' }];
  }
  return removed;
}
