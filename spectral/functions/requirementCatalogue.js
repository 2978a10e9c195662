// The requirement catalogue (top-level `x-requirements`) is the single source of the
// rule IDs that the server's tests and the conformance checks cite. IDs are unique and
// well-formed, each entry has a level, a title and a text, every `CO-...` ID cited
// anywhere in the document exists, and every rule is attached to an operation.

const ID = /^CO-[A-Z]+-\d{2}$/;
const MENTION = /\bCO-[A-Z]+-\d+\b/g;
const LEVELS = new Set(['MUST', 'SHOULD', 'MAY']);
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function checkEntries(catalogue, results) {
  const first = new Map();
  catalogue.forEach((entry, i) => {
    const where = ['x-requirements', i];
    if (!entry || typeof entry !== 'object') {
      results.push({ message: 'Requirement entry is not an object.', path: where });
      return;
    }
    if (typeof entry.id !== 'string' || !ID.test(entry.id)) {
      results.push({ message: `Requirement ID "${entry.id}" does not match ${ID}.`, path: [...where, 'id'] });
    } else if (first.has(entry.id)) {
      results.push({ message: `Requirement ID "${entry.id}" repeats entry ${first.get(entry.id)}.`, path: [...where, 'id'] });
    } else {
      first.set(entry.id, i);
    }
    if (!LEVELS.has(entry.level)) {
      results.push({ message: `Requirement level "${entry.level}" is not MUST, SHOULD or MAY.`, path: [...where, 'level'] });
    }
    for (const field of ['title', 'text']) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') {
        results.push({ message: `Requirement "${entry.id}" has no ${field}.`, path: [...where, field] });
      }
    }
  });
  return new Set(first.keys());
}

function checkMentions(node, path, known, results) {
  if (typeof node === 'string') {
    for (const id of node.match(MENTION) || []) {
      if (!known.has(id)) results.push({ message: `"${id}" is not in the requirement catalogue.`, path });
    }
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (!(path.length === 0 && key === 'x-requirements')) checkMentions(value, [...path, key], known, results);
    }
  }
}

function checkAttachment(document, known, results) {
  const attached = new Set();
  for (const [route, item] of Object.entries(document.paths || {})) {
    for (const [method, operation] of Object.entries(item || {})) {
      if (!METHODS.has(method)) continue;
      (operation['x-requirements'] || []).forEach((id) => attached.add(id));
    }
  }
  for (const id of known) {
    if (!attached.has(id)) {
      results.push({ message: `Requirement "${id}" is listed by no operation's x-requirements.`, path: ['x-requirements'] });
    }
  }
}

export default function requirementCatalogue(document) {
  const results = [];
  const catalogue = document['x-requirements'];
  if (!Array.isArray(catalogue) || catalogue.length === 0) {
    return [{ message: 'The document has no x-requirements catalogue.', path: [] }];
  }
  const known = checkEntries(catalogue, results);
  checkMentions(document, [], known, results);
  checkAttachment(document, known, results);
  return results;
}
