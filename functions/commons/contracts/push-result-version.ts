// The push result's format version (push-result.ts), apart from its schema: the push handler writes
// results without parsing them, so it imports this and not the schema (built at each cold start).
export const PUSH_RESULT_VERSION = 1;
