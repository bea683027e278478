// The reference for cold-start ratios: a handler that does nothing, bundled like the real ones.
export const handler = async (): Promise<Record<string, never>> => ({});
