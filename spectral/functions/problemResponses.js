// Every 4xx/5xx (and `default`) response of an operation is an RFC 9457 problem
// document: its only media type is application/problem+json, with a schema
// (DESIGN.md "Errors", CO-ERR-01).

const ERROR_STATUS = /^([45](\d\d|XX)|default)$/;
const PROBLEM = 'application/problem+json';

export default function problemResponses(responses, _options, context) {
  const results = [];
  for (const [status, response] of Object.entries(responses || {})) {
    if (!ERROR_STATUS.test(status)) continue;
    const where = [...context.path, status];
    const content = (response && response.content) || {};
    const types = Object.keys(content);
    if (types.length !== 1 || types[0] !== PROBLEM) {
      const found = types.length ? types.join(', ') : 'no content';
      results.push({ message: `${status} response must be ${PROBLEM} only (has ${found}).`, path: where });
    } else if (!content[PROBLEM].schema) {
      results.push({ message: `${status} response has no problem schema.`, path: [...where, 'content', PROBLEM] });
    }
  }
  return results;
}
