// Every schema property carries a description and an example (Zalando rule, issue 2).
// Walks the unresolved document so each finding points at the schema that is written
// by hand; a `$ref` property is judged by its target, because OpenAPI 3.0 ignores
// siblings of `$ref`. A property that only narrows one a sibling `allOf` branch
// declares (e.g. `status: {enum: [404]}` over `Problem`) inherits that branch's
// description and example, as every renderer merges them.

const COMPOSITIONS = ['allOf', 'oneOf', 'anyOf'];

function resolve(document, schema) {
  let current = schema;
  const seen = new Set();
  while (current && typeof current.$ref === 'string' && current.$ref.startsWith('#/')) {
    if (seen.has(current.$ref)) return current;
    seen.add(current.$ref);
    current = current.$ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node, key) => (node == null ? undefined : node[key]), document);
  }
  return current;
}

function declaredBySiblings(document, branches, index) {
  const names = new Set();
  branches.forEach((branch, i) => {
    const target = resolve(document, branch);
    if (i !== index && target && target.properties) {
      Object.keys(target.properties).forEach((name) => names.add(name));
    }
  });
  return names;
}

function walk(document, schema, path, inherited, results, visited) {
  if (!schema || typeof schema !== 'object' || schema.$ref || visited.has(schema)) return;
  visited.add(schema);
  for (const [name, property] of Object.entries(schema.properties || {})) {
    const target = resolve(document, property) || {};
    const where = [...path, 'properties', name];
    if (!inherited.has(name)) {
      if (typeof target.description !== 'string' || target.description.trim() === '') {
        results.push({ message: `Property "${name}" has no description.`, path: where });
      }
      if (target.example === undefined) {
        results.push({ message: `Property "${name}" has no example.`, path: where });
      }
    }
    walk(document, property, where, new Set(), results, visited);
  }
  for (const key of COMPOSITIONS) {
    (schema[key] || []).forEach((branch, i) => {
      const names = key === 'allOf' ? declaredBySiblings(document, schema[key], i) : new Set();
      walk(document, branch, [...path, key, i], names, results, visited);
    });
  }
  for (const key of ['items', 'additionalProperties', 'not']) {
    if (schema[key] && typeof schema[key] === 'object') {
      walk(document, schema[key], [...path, key], new Set(), results, visited);
    }
  }
}

export default function documentedProperties(schema, _options, context) {
  const results = [];
  walk(context.document.data, schema, context.path, new Set(), results, new Set());
  return results;
}
